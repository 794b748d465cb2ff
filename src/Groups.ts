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
import * as Operation from "./internal/operation.ts"
import * as Xml from "./internal/xml.ts"
import { type JobItem, jobDecoder } from "./Jobs.ts"
import * as RequestOptions from "./RequestOptions.ts"
import type { Page, PageOptions, StreamOptions } from "./RequestOptions.ts"
import type { TableauSession } from "./TableauSession.ts"

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

/** The API version that has the bulk membership endpoints. */
export const BULK_MEMBERSHIP_API_VERSION = "3.21"

/** The group list, under the name of the function that reads it (for errors and spans). */
const groupList = <const Name extends string>(name: Name) =>
  Operation.make({
    name,
    method: "GET",
    scope: "site",
    path: "groups",
    minApiVersion: "2.0",
    errors: {},
    decoder: groups,
    fields: ["name", "domainName", "minimumSiteRole", "isLocal", "userCount"]
  })

const adImport = <A>(name: string, decoder: Endpoint.Decoder<A>) =>
  Operation.make({
    name,
    method: "POST",
    scope: "site",
    path: "groups",
    minApiVersion: "2.0",
    // Tableau documents no code of its own for a group missing from the domain.
    errors: { Conflict: ["409009"], NotFound: [] },
    decoder
  })

/**
 * The REST operations this module runs, as data: each one's route, minimum
 * API version and documented errors, declared once and read by the
 * functions below, their docs and the contract tests. For tooling; call the
 * functions.
 *
 * @since 0.1.0
 * @category operations
 */
export const operations: {
  readonly create: Operation.Operation<"groups", GroupItem, "Conflict", "2.0">
  readonly createFromActiveDirectory: Operation.Operation<"groups", GroupItem, "Conflict" | "NotFound", "2.0">
  readonly createFromActiveDirectoryAsJob: Operation.Operation<"groups", JobItem, "Conflict" | "NotFound", "2.0">
  readonly list: Operation.Operation<"groups", Page<GroupItem>, never, "2.0">
  readonly getByName: Operation.Operation<"groups", Page<GroupItem>, never, "2.0">
  readonly get: Operation.Operation<"groups", Page<GroupItem>, never, "2.0">
  readonly update: Operation.Operation<"groups/{groupId}", GroupItem, "NotFound" | "Conflict", "2.0">
  readonly delete: Operation.Operation<"groups/{groupId}", void, "NotFound", "2.0">
  readonly users: Operation.Operation<"groups/{groupId}/users", Page<UserItem>, "NotFound", "2.0">
  readonly addUser: Operation.Operation<"groups/{groupId}/users", UserItem, "NotFound" | "Conflict", "2.0">
  readonly removeUser: Operation.Operation<"groups/{groupId}/users/{userId}", void, "NotFound", "2.0">
  readonly addUsers: Operation.Operation<
    "groups/{groupId}/users",
    Page<UserItem>,
    "NotFound" | "Conflict",
    typeof BULK_MEMBERSHIP_API_VERSION
  >
  readonly removeUsers: Operation.Operation<
    "groups/{groupId}/users/remove",
    void,
    "NotFound",
    typeof BULK_MEMBERSHIP_API_VERSION
  >
} = {
  create: Operation.make({
    name: "Groups.create",
    method: "POST",
    scope: "site",
    path: "groups",
    minApiVersion: "2.0",
    errors: { Conflict: ["409009"] },
    decoder: group
  }),
  createFromActiveDirectory: adImport("Groups.createFromActiveDirectory", group),
  createFromActiveDirectoryAsJob: adImport("Groups.createFromActiveDirectoryAsJob", jobDecoder),
  list: groupList("Groups.list"),
  // `get` and `getByName` read the same list; their own entries keep their names in errors and spans.
  getByName: groupList("Groups.getByName"),
  get: groupList("Groups.get"),
  update: Operation.make({
    name: "Groups.update",
    method: "PUT",
    scope: "site",
    path: "groups/{groupId}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404012"], Conflict: ["409009"] },
    decoder: group
  }),
  delete: Operation.make({
    name: "Groups.delete",
    method: "DELETE",
    scope: "site",
    path: "groups/{groupId}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404012"] },
    decoder: Endpoint.none
  }),
  users: Operation.make({
    name: "Groups.users",
    method: "GET",
    scope: "site",
    path: "groups/{groupId}/users",
    minApiVersion: "2.0",
    errors: { NotFound: ["404012"] },
    decoder: members
  }),
  addUser: Operation.make({
    name: "Groups.addUser",
    method: "POST",
    scope: "site",
    path: "groups/{groupId}/users",
    minApiVersion: "2.0",
    errors: { NotFound: ["404012", "404002"], Conflict: ["409011"] },
    decoder: Endpoint.one("user", UserItem)
  }),
  removeUser: Operation.make({
    name: "Groups.removeUser",
    method: "DELETE",
    scope: "site",
    path: "groups/{groupId}/users/{userId}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404012", "404002"] },
    decoder: Endpoint.none
  }),
  addUsers: Operation.make({
    name: "Groups.addUsers",
    method: "POST",
    scope: "site",
    path: "groups/{groupId}/users",
    minApiVersion: BULK_MEMBERSHIP_API_VERSION,
    errors: { NotFound: ["404012", "404002"], Conflict: ["409011"] },
    decoder: members
  }),
  removeUsers: Operation.make({
    name: "Groups.removeUsers",
    method: "PUT",
    scope: "site",
    path: "groups/{groupId}/users/remove",
    minApiVersion: BULK_MEMBERSHIP_API_VERSION,
    errors: { NotFound: ["404012", "404002"] },
    decoder: Endpoint.none
  })
}

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
  Operation.run(operations.create, {}, { body: localGroupElement(newGroup) })

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
  Operation.run(operations.createFromActiveDirectory, {}, { body: adGroupElement(adGroup) })

/**
 * Starts an Active Directory group import as a background job (TSC's
 * `create_AD_group(asJob=True)`); wait for it with `Jobs.wait`. REST:
 * `POST /api/{v}/sites/{siteId}/groups` with `asJob=true`. Fails with
 * `Conflict` (409009), `NotFound`, `Forbidden` or a `CommonError`. Minimum
 * API version: 2.0.
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
  Operation.run(operations.createFromActiveDirectoryAsJob, {}, { query: { asJob: "true" }, body: adGroupElement(adGroup) })

// ---------------------------------------------------------------------------
// get, list
// ---------------------------------------------------------------------------

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
  Operation.page(operations.list, {}, options)

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
  Operation.stream(operations.list, {}, options)

const notFound = (operation: string, detail: string) =>
  new NotFoundError({ operation, status: 404, code: "", summary: "Resource Not Found", detail })

/**
 * Reads the group with this name. REST:
 * `GET /api/{v}/sites/{siteId}/groups` with `filter=name:eq:{name}`. Fails with
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
    Operation.page(operations.getByName, {}, { filter: [RequestOptions.eq("name", name)], pageSize: 1 }),
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
        Operation.stream(operations.get, {}, { pageSize: 1000, concurrency: 1 }),
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
  Operation.run(operations.update, { groupId }, {
    body: changes.activeDirectory === undefined
      ? localGroupElement(changes)
      : adGroupElement({ ...changes.activeDirectory, name: changes.name })
  })

const delete_ = (groupId: GroupId): Effect.Effect<void, CommonError | NotFound, TableauSession> =>
  Operation.run(operations.delete, { groupId })

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
  Operation.page(operations.users, { groupId }, options)

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
  Operation.stream(operations.users, { groupId }, options)

/**
 * Adds a user to a group and returns the user (TSC's `groups.add_user`).
 * REST: `POST /api/{v}/sites/{siteId}/groups/{groupId}/users`. Fails with
 * `NotFound` (404012, 404002: no such group, no such user), `Conflict`
 * (409011, already a member), `Forbidden` or a `CommonError`. Minimum API
 * version: 2.0.
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
  Operation.run(operations.addUser, { groupId }, { body: Xml.el("user", { id: userId }) })

/**
 * Removes a user from a group (TSC's `groups.remove_user`). REST:
 * `DELETE /api/{v}/sites/{siteId}/groups/{groupId}/users/{userId}`. Fails
 * with `NotFound` (404012, 404002: no such group, the user is not in it),
 * `Forbidden` or a `CommonError`. Minimum API version: 2.0.
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
  Operation.run(operations.removeUser, { groupId, userId })

/** Options of the bulk membership calls. */
export interface BulkOptions {
  /** Requests at once on servers older than API 3.21 (default 4). */
  readonly concurrency?: number | undefined
}

const usersElement = (userIds: ReadonlyArray<UserId>) =>
  Xml.el("users", {}, ...userIds.map((id) => Xml.el("user", { id })))

/** How many per-user requests run at once when the bulk endpoint is missing. */
const concurrencyOf = (options: BulkOptions) => Math.max(1, options.concurrency ?? 4)

/**
 * Adds several users to a group and returns them (TSC's `groups.add_users`).
 * One request, `POST /api/{v}/sites/{siteId}/groups/{groupId}/users` with
 * `<users>`, whose Minimum API version: 3.21; on older servers that request
 * fails with `UnsupportedApiVersion` before sending, and this function
 * sends one `addUser` per user instead, `concurrency` at a time (the first
 * failure stops the rest; users added before it stay added), so it works
 * from API 2.0 and never fails with `UnsupportedApiVersion`. No users, no
 * request. Fails with `NotFound` (404012, 404002: no such group, no such
 * user), `Conflict` (409011, already a member), `Forbidden` or a
 * `CommonError`.
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
): Effect.Effect<ReadonlyArray<UserItem>, CommonError | NotFound | Conflict, TableauSession> => {
  const ids = Array.from(userIds)
  return ids.length === 0 ? Effect.succeed([]) : Operation.run(operations.addUsers, { groupId }, {
    body: usersElement(ids)
  }).pipe(
    Effect.map((page) => page.items),
    Effect.catchTag(
      "UnsupportedApiVersion",
      () => Effect.forEach(ids, (id) => addUser(groupId, id), { concurrency: concurrencyOf(options) })
    )
  )
}

/**
 * Removes several users from a group (TSC's `groups.remove_users`). One
 * request, `PUT /api/{v}/sites/{siteId}/groups/{groupId}/users/remove` with
 * `<users>`, whose Minimum API version: 3.21; on older servers that request
 * fails with `UnsupportedApiVersion` before sending, and this function
 * sends one `removeUser` per user instead, `concurrency` at a time, so it
 * works from API 2.0 and never fails with `UnsupportedApiVersion`. No
 * users, no request. Fails with `NotFound` (404012, 404002: no such group,
 * no such user), `Forbidden` or a `CommonError`.
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
): Effect.Effect<void, CommonError | NotFound, TableauSession> => {
  const ids = Array.from(userIds)
  return ids.length === 0 ? Effect.void : Operation.run(operations.removeUsers, { groupId }, {
    body: usersElement(ids)
  }).pipe(
    Effect.catchTag(
      "UnsupportedApiVersion",
      () =>
        Effect.forEach(ids, (id) => removeUser(groupId, id), { concurrency: concurrencyOf(options), discard: true })
    )
  )
}
