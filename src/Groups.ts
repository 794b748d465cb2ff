/**
 * Groups of a site (TSC's `groups`): local groups and groups imported from
 * Active Directory, their members as Streams, and membership changes one
 * user at a time or in bulk.
 *
 * Bulk `addUsers` / `removeUsers` use the bulk endpoints of API 3.21+ and
 * fall back, on older servers, to one request per user with bounded
 * concurrency; either way the result is the same.
 *
 * Creating, changing and deleting groups and their membership needs a site
 * or server administrator; other sessions fail with `Forbidden`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { CommonError, Conflict, NotFound } from "./Errors.ts"
import { NotFound as NotFoundError } from "./Errors.ts"
import type { GroupId, UserId } from "./Ids.ts"
import { type GrantLicenseMode, GroupItem, type SiteRole, UserItem } from "./internal/directory.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Transport from "./internal/transport.ts"
import * as Xml from "./internal/xml.ts"
import { JobItem, jobDecoder } from "./Jobs.ts"
import * as RequestOptions from "./RequestOptions.ts"
import type { Page, PageOptions, StreamOptions } from "./RequestOptions.ts"
import { TableauSession } from "./TableauSession.ts"

export {
  /** When an Active Directory group grants its minimum site role: `onLogin` or `onSync`. */
  GrantLicenseMode,
  /** A group of a site. */
  GroupItem,
  /** `<import source domainName siteRole grantLicenseMode/>` of an Active Directory group. */
  GroupImport
} from "./internal/directory.ts"

const group = Endpoint.one("group", GroupItem)
const groups = Endpoint.items("groups", "group", GroupItem)
const members = Endpoint.items("users", "user", UserItem)
const job = jobDecoder

/** The API version that has the bulk membership endpoints. */
export const BULK_MEMBERSHIP_API_VERSION = "3.21"

// ---------------------------------------------------------------------------
// create
// ---------------------------------------------------------------------------

/** What `create` needs for a local group. */
export interface NewGroup {
  readonly name: string
  /** Site role granted to members on sign-in (on-demand access; Tableau Cloud and Server 2022.3+). */
  readonly minimumSiteRole?: SiteRole | undefined
  /** `onLogin` with a minimum site role. */
  readonly grantLicenseMode?: GrantLicenseMode | undefined
}

/** What the Active Directory import needs. */
export interface NewActiveDirectoryGroup {
  /** The group's name in Active Directory. */
  readonly name: string
  readonly domainName: string
  /** The site role members get (at least this). */
  readonly minimumSiteRole: SiteRole
  /** Grant the role at sign-in (`onLogin`) or at each sync (`onSync`). */
  readonly grantLicenseMode?: GrantLicenseMode | undefined
}

const localGroupElement = (fields: { readonly name?: string | undefined } & Omit<NewGroup, "name">) =>
  Xml.el("group", {
    name: fields.name,
    minimumSiteRole: fields.minimumSiteRole,
    grantLicenseMode: fields.grantLicenseMode
  })

const adGroupElement = (
  fields: Omit<NewActiveDirectoryGroup, "name"> & { readonly name?: string | undefined }
): Xml.XmlElement =>
  Xml.el(
    "group",
    { name: fields.name },
    Xml.el("import", {
      source: "ActiveDirectory",
      domainName: fields.domainName,
      siteRole: fields.minimumSiteRole,
      grantLicenseMode: fields.grantLicenseMode
    })
  )

/**
 * Creates a local group (TSC's `groups.create`). REST:
 * `POST /api/{v}/sites/{siteId}/groups`. Fails with `Conflict` (409009, the
 * name is taken), `Forbidden` or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const analysts = yield* Groups.create({ name: "Analysts" })
 * ```
 */
export const create = (newGroup: NewGroup): Effect.Effect<GroupItem, CommonError | Conflict, TableauSession> =>
  Endpoint.call({
    operation: "Groups.create",
    method: "POST",
    path: Endpoint.path`groups`,
    body: localGroupElement(newGroup),
    errors: ["Conflict"]
  }, group)

const adImportSpec = (
  operation: string,
  adGroup: NewActiveDirectoryGroup,
  asJob: boolean
): Endpoint.Spec<"Conflict" | "NotFound"> => ({
  operation,
  method: "POST",
  path: Endpoint.path`groups`,
  query: { asJob: asJob ? "true" : undefined },
  body: adGroupElement(adGroup),
  errors: ["Conflict", "NotFound"]
})

/**
 * Imports a group and its users from Active Directory and waits for the
 * import (TSC's `groups.create_AD_group`); Tableau Server only. For large
 * groups prefer {@link createFromActiveDirectoryAsJob}. REST:
 * `POST /api/{v}/sites/{siteId}/groups` with an `<import>` element. Fails
 * with `Conflict` (409009), `NotFound` (the group is not in the domain),
 * `Forbidden` or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const g = yield* Groups.createFromActiveDirectory({ name: "Sales", domainName: "example.com", minimumSiteRole: "Explorer", grantLicenseMode: "onSync" })
 * ```
 */
export const createFromActiveDirectory = (
  adGroup: NewActiveDirectoryGroup
): Effect.Effect<GroupItem, CommonError | Conflict | NotFound, TableauSession> =>
  Endpoint.call(adImportSpec("Groups.createFromActiveDirectory", adGroup, false), group)

/**
 * Starts an Active Directory group import as a background job (TSC's
 * `create_AD_group(asJob=True)`); wait for it with `Jobs.wait`. REST:
 * `POST /api/{v}/sites/{siteId}/groups?asJob=true`. Fails with `Conflict`,
 * `NotFound`, `Forbidden` or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const started = yield* Groups.createFromActiveDirectoryAsJob({ name: "Sales", domainName: "example.com", minimumSiteRole: "Viewer" })
 * yield* Jobs.wait(started.id)
 * ```
 */
export const createFromActiveDirectoryAsJob = (
  adGroup: NewActiveDirectoryGroup
): Effect.Effect<JobItem, CommonError | Conflict | NotFound, TableauSession> =>
  Endpoint.call(adImportSpec("Groups.createFromActiveDirectoryAsJob", adGroup, true), job)

// ---------------------------------------------------------------------------
// get, list
// ---------------------------------------------------------------------------

const listSpec: Endpoint.Spec = { operation: "Groups.list", method: "GET", path: Endpoint.path`groups`, errors: [] }

/**
 * Reads one page of the groups of the site (TSC's `groups.get`). Filter on
 * `name`, `domainName`, `minimumSiteRole`, `isLocal`, `userCount`; ask for
 * `fields: ["_all_"]` to get `userCount`. REST:
 * `GET /api/{v}/sites/{siteId}/groups`. Fails with a `CommonError`.
 * Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const { items } = yield* Groups.getPage({ filter: [RequestOptions.eq("domainName", "local")] })
 * ```
 */
export const getPage = (options?: PageOptions): Effect.Effect<Page<GroupItem>, CommonError, TableauSession> =>
  Endpoint.page(listSpec, groups, options)

/**
 * Every group of the site, as a Stream over all pages (TSC's
 * `Pager(server.groups)`). REST: `GET /api/{v}/sites/{siteId}/groups`.
 * Fails with a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const names = yield* Groups.list().pipe(Stream.map((g) => g.name), Stream.runCollect)
 * ```
 */
export const list = (options?: StreamOptions): Stream.Stream<GroupItem, CommonError, TableauSession> =>
  Endpoint.stream(listSpec, groups, options)

const notFound = (operation: string, detail: string) =>
  new NotFoundError({ operation, status: 404, code: "", summary: "Resource Not Found", detail })

/**
 * Reads the group with this name. REST:
 * `GET /api/{v}/sites/{siteId}/groups?filter=name:eq:{name}`. Fails with
 * `NotFound` (no such group; `code` is empty, as the server answered an empty
 * list) or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const everyone = yield* Groups.getByName("All Users")
 * ```
 */
export const getByName = (name: string): Effect.Effect<GroupItem, CommonError | NotFound, TableauSession> =>
  Effect.flatMap(
    Endpoint.page({ ...listSpec, operation: "Groups.getByName" }, groups, {
      filter: [RequestOptions.eq("name", name)],
      pageSize: 1
    }),
    (page) =>
      page.items[0] !== undefined
        ? Effect.succeed(page.items[0])
        : Effect.fail(notFound("Groups.getByName", `Group '${name}' is not on this site.`))
  )

/**
 * Reads the group with this ID (the seed's `groups.get_by_id`). Tableau has
 * no single-group endpoint, so this pages the group list (1,000 groups per
 * request) until it finds the ID. REST: `GET /api/{v}/sites/{siteId}/groups`.
 * Fails with `NotFound` (`code` empty) or a `CommonError`. Minimum API
 * version: 2.0.
 *
 * @example
 * ```ts
 * const g = yield* Groups.get(groupId)
 * ```
 */
export const get = (groupId: GroupId): Effect.Effect<GroupItem, CommonError | NotFound, TableauSession> =>
  Effect.flatMap(
    Stream.runHead(
      Stream.filter(
        Endpoint.stream({ ...listSpec, operation: "Groups.get" }, groups, { pageSize: 1000, concurrency: 1 }),
        (g) => g.id === groupId
      )
    ),
    (found) =>
      found._tag === "Some"
        ? Effect.succeed(found.value)
        : Effect.fail(notFound("Groups.get", `Group '${groupId}' is not on this site.`))
  )

// ---------------------------------------------------------------------------
// update, delete
// ---------------------------------------------------------------------------

/** What `update` changes; attributes left out stay as they are. */
export interface GroupChanges {
  readonly name?: string | undefined
  /** Local groups: the minimum site role (on-demand access). */
  readonly minimumSiteRole?: SiteRole | undefined
  readonly grantLicenseMode?: GrantLicenseMode | undefined
  /** Active Directory groups: the import settings (this also syncs the group). */
  readonly activeDirectory?: Omit<NewActiveDirectoryGroup, "name"> | undefined
}

/**
 * Renames a group or changes its minimum site role; for an Active Directory
 * group, changes its import settings and syncs it. REST:
 * `PUT /api/{v}/sites/{siteId}/groups/{groupId}`. Fails with `NotFound`
 * (404012), `Conflict` (409009, the name is taken), `Forbidden` or a
 * `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const renamed = yield* Groups.update(groupId, { name: "Data Analysts" })
 * ```
 */
export const update = (
  groupId: GroupId,
  changes: GroupChanges
): Effect.Effect<GroupItem, CommonError | NotFound | Conflict, TableauSession> =>
  Endpoint.call({
    operation: "Groups.update",
    method: "PUT",
    path: Endpoint.path`groups/${groupId}`,
    body: changes.activeDirectory === undefined
      ? localGroupElement(changes)
      : adGroupElement({ ...changes.activeDirectory, name: changes.name }),
    errors: ["NotFound", "Conflict"]
  }, group)

const delete_ = (groupId: GroupId): Effect.Effect<void, CommonError | NotFound, TableauSession> =>
  Endpoint.call({
    operation: "Groups.delete",
    method: "DELETE",
    path: Endpoint.path`groups/${groupId}`,
    errors: ["NotFound"]
  }, Endpoint.none)

export {
  /**
   * Deletes a group (its users stay on the site). REST:
   * `DELETE /api/{v}/sites/{siteId}/groups/{groupId}`. Fails with `NotFound`
   * (404012), `Forbidden` or a `CommonError`. Minimum API version: 2.0.
   *
   * @example
   * ```ts
   * yield* Groups.delete(groupId)
   * ```
   */
  delete_ as delete
}

// ---------------------------------------------------------------------------
// members
// ---------------------------------------------------------------------------

const membersSpec = (groupId: GroupId): Endpoint.Spec<"NotFound"> => ({
  operation: "Groups.users",
  method: "GET",
  path: Endpoint.path`groups/${groupId}/users`,
  errors: ["NotFound"]
})

/**
 * Reads one page of the users of a group. REST:
 * `GET /api/{v}/sites/{siteId}/groups/{groupId}/users`. Fails with
 * `NotFound` (404012) or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const { items, pagination } = yield* Groups.usersPage(groupId, { pageSize: 100 })
 * ```
 */
export const usersPage = (
  groupId: GroupId,
  options?: PageOptions
): Effect.Effect<Page<UserItem>, CommonError | NotFound, TableauSession> =>
  Endpoint.page(membersSpec(groupId), members, options)

/**
 * Every user of a group, as a Stream over all pages (TSC's
 * `groups.populate_users`, returned rather than stored on the group).
 * REST: `GET /api/{v}/sites/{siteId}/groups/{groupId}/users`. Fails with
 * `NotFound` (404012) or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const names = yield* Groups.users(groupId).pipe(Stream.map((u) => u.name), Stream.runCollect)
 * ```
 */
export const users = (
  groupId: GroupId,
  options?: StreamOptions
): Stream.Stream<UserItem, CommonError | NotFound, TableauSession> =>
  Endpoint.stream(membersSpec(groupId), members, options)

/**
 * Adds a user to a group and returns the user (TSC's `groups.add_user`).
 * REST: `POST /api/{v}/sites/{siteId}/groups/{groupId}/users`. Fails with
 * `NotFound` (404012 group, 404002 user), `Conflict` (409011, already a
 * member), `Forbidden` or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * yield* Groups.addUser(groupId, userId)
 * ```
 */
export const addUser = (
  groupId: GroupId,
  userId: UserId
): Effect.Effect<UserItem, CommonError | NotFound | Conflict, TableauSession> =>
  Endpoint.call({
    operation: "Groups.addUser",
    method: "POST",
    path: Endpoint.path`groups/${groupId}/users`,
    body: Xml.el("user", { id: userId }),
    errors: ["NotFound", "Conflict"]
  }, Endpoint.one("user", UserItem))

/**
 * Removes a user from a group (TSC's `groups.remove_user`). REST:
 * `DELETE /api/{v}/sites/{siteId}/groups/{groupId}/users/{userId}`. Fails
 * with `NotFound` (404012 group, 404002 user), `Forbidden` or a
 * `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * yield* Groups.removeUser(groupId, userId)
 * ```
 */
export const removeUser = (
  groupId: GroupId,
  userId: UserId
): Effect.Effect<void, CommonError | NotFound, TableauSession> =>
  Endpoint.call({
    operation: "Groups.removeUser",
    method: "DELETE",
    path: Endpoint.path`groups/${groupId}/users/${userId}`,
    errors: ["NotFound"]
  }, Endpoint.none)

/** Options of the bulk membership calls. */
export interface BulkOptions {
  /** Requests at once on servers older than API 3.21 (default 4). */
  readonly concurrency?: number | undefined
}

const usersElement = (userIds: ReadonlyArray<UserId>) =>
  Xml.el("users", {}, ...userIds.map((id) => Xml.el("user", { id })))

/**
 * One bulk request on API 3.21+, else one request per user with bounded
 * concurrency; nothing at all for no users.
 */
const bulkOrEach = <A, E>(
  userIds: Iterable<UserId>,
  options: BulkOptions,
  empty: A,
  bulk: (ids: ReadonlyArray<UserId>) => Effect.Effect<A, E, TableauSession>,
  each: (ids: ReadonlyArray<UserId>, concurrency: number) => Effect.Effect<A, E, TableauSession>
): Effect.Effect<A, E, TableauSession> => {
  const ids = Array.from(userIds)
  if (ids.length === 0) return Effect.succeed(empty)
  return Effect.flatMap(TableauSession, (session) =>
    Transport.compareVersions(session.apiVersion, BULK_MEMBERSHIP_API_VERSION) >= 0
      ? bulk(ids)
      : each(ids, Math.max(1, options.concurrency ?? 4)))
}

/**
 * Adds several users to a group and returns them (TSC's `groups.add_users`).
 * On API 3.21+ this is one request; on older servers one `addUser` per user,
 * `concurrency` at a time (the first failure stops the rest; users added
 * before it stay added). REST:
 * `POST /api/{v}/sites/{siteId}/groups/{groupId}/users` with `<users>`.
 * Fails with `NotFound` (404012 group, 404002 user), `Conflict` (409011),
 * `Forbidden` or a `CommonError`. Minimum API version: 2.0 (bulk: 3.21).
 *
 * @example
 * ```ts
 * const added = yield* Groups.addUsers(groupId, userIds)
 * ```
 */
export const addUsers = (
  groupId: GroupId,
  userIds: Iterable<UserId>,
  options: BulkOptions = {}
): Effect.Effect<ReadonlyArray<UserItem>, CommonError | NotFound | Conflict, TableauSession> =>
  bulkOrEach(
    userIds,
    options,
    [],
    (ids) =>
      Effect.map(
        Endpoint.call({
          operation: "Groups.addUsers",
          method: "POST",
          path: Endpoint.path`groups/${groupId}/users`,
          body: usersElement(ids),
          errors: ["NotFound", "Conflict"]
        }, members),
        (page) => page.items
      ),
    (ids, concurrency) => Effect.forEach(ids, (id) => addUser(groupId, id), { concurrency })
  )

/**
 * Removes several users from a group (TSC's `groups.remove_users`). On API
 * 3.21+ this is one request; on older servers one `removeUser` per user,
 * `concurrency` at a time. REST:
 * `PUT /api/{v}/sites/{siteId}/groups/{groupId}/users/remove` with
 * `<users>`. Fails with `NotFound` (404012 group, 404002 user), `Forbidden`
 * or a `CommonError`. Minimum API version: 2.0 (bulk: 3.21).
 *
 * @example
 * ```ts
 * yield* Groups.removeUsers(groupId, [leaverId])
 * ```
 */
export const removeUsers = (
  groupId: GroupId,
  userIds: Iterable<UserId>,
  options: BulkOptions = {}
): Effect.Effect<void, CommonError | NotFound, TableauSession> =>
  bulkOrEach(
    userIds,
    options,
    undefined,
    (ids) =>
      Endpoint.call({
        operation: "Groups.removeUsers",
        method: "PUT",
        path: Endpoint.path`groups/${groupId}/users/remove`,
        body: usersElement(ids),
        errors: ["NotFound"]
      }, Endpoint.none),
    (ids, concurrency) => Effect.forEach(ids, (id) => removeUser(groupId, id), { concurrency, discard: true })
  )
