/**
 * Users of a site (TSC's `users`): add, read, list, update and remove
 * users; their workbooks, groups and favorites as Streams and Effects;
 * bulk provisioning from a CSV file (`importCsv`, `removeCsv`); and a
 * streaming CSV `export` of the whole roster with group names.
 *
 * Adding, updating and removing users needs a site or server
 * administrator; other sessions fail with `Forbidden`.
 *
 * Every call works with `Raw.withResponse` to see the HTTP status, headers
 * and round-trip time next to the decoded value.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { CommonError, Conflict, NotFound, UnsupportedApiVersion } from "./Errors.ts"
import { UserId } from "./Ids.ts"
import { type AuthSetting, GroupItem, type SiteRole, UserItem, userFields } from "./internal/directory.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Operation from "./internal/operation.ts"
import { track } from "./internal/progress.ts"
import { DateFromString } from "./internal/schema.ts"
import * as Upload from "./internal/upload.ts"
import * as Transport from "./internal/transport.ts"
import { WorkbookItem } from "./Workbooks.ts"
import * as Xml from "./internal/xml.ts"
import { JobItem, jobDecoder } from "./Jobs.ts"
import * as RequestOptions from "./RequestOptions.ts"
import type { OnProgress, Progress } from "./Progress.ts"
import type { Page, PageOptions, StreamOptions } from "./RequestOptions.ts"
import type { TableauSession } from "./TableauSession.ts"
import * as UserCsv from "./UserCsv.ts"

export {
  /** How a user signs in: ServerDefault, SAML, OpenID, TableauIDWithMFA, or a newer value as a string. */
  AuthSetting,
  /** `<domain name/>` of a user or group. */
  Domain,
  /** A user's site role: the current roles, the seed's legacy roles, or a newer value as a string. */
  SiteRole,
  /** A user of a site. */
  UserItem
} from "./internal/directory.ts"

const user = Endpoint.one("user", UserItem)
const users = Endpoint.items("users", "user", UserItem)

/** Update User answers without the user's ID; it is taken from the request. */
const UpdatedUser: Schema.Struct<typeof userFields & { readonly id: Schema.optional<typeof UserId> }> = Schema.Struct({
  id: Schema.optional(UserId),
  ...userFields
})
/** A user as Update User answers it: every attribute, the ID optional. */
type UpdatedUser = typeof UpdatedUser.Type
const updated = Endpoint.one("user", UpdatedUser)

const userWorkbooks = Endpoint.items("workbooks", "workbook", WorkbookItem)
const groupList = Endpoint.items("groups", "group", GroupItem)

const FavoriteWire: Schema.Record$<typeof Schema.String, typeof Schema.Unknown> = Schema.Record({
  key: Schema.String,
  value: Schema.Unknown
})
/** A `<favorite>` element as parsed: its attributes and child elements. */
type FavoriteWire = typeof FavoriteWire.Type
const favoritesDecoder = Endpoint.items("favorites", "favorite", FavoriteWire)

const job = jobDecoder
const optionalJob: Endpoint.Decoder<JobItem | undefined> = {
  decode: (operation, status, body) =>
    body.trim() === "" ? Effect.succeed(undefined) : job.decode(operation, status, body)
}

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
  readonly add: Operation.Operation<"users", UserItem, "Conflict", "2.0">
  readonly get: Operation.Operation<"users/{userId}", UserItem, "NotFound", "2.0">
  readonly list: Operation.Operation<"users", Page<UserItem>, never, "2.0">
  readonly update: Operation.Operation<"users/{userId}", UpdatedUser, "NotFound" | "Conflict", "2.0">
  readonly remove: Operation.Operation<"users/{userId}", void, "NotFound" | "Conflict", "2.0">
  readonly workbooks: Operation.Operation<"users/{userId}/workbooks", Page<WorkbookItem>, "NotFound", "2.0">
  readonly groups: Operation.Operation<"users/{userId}/groups", Page<GroupItem>, "NotFound", "3.7">
  readonly favorites: Operation.Operation<"favorites/{userId}", Page<FavoriteWire>, "NotFound", "2.5">
  readonly importCsv: Operation.Operation<"users/import", JobItem, never, "3.15">
  readonly removeCsv: Operation.Operation<"users/delete", JobItem | undefined, never, "3.15">
} = {
  add: Operation.make({
    name: "Users.add",
    method: "POST",
    scope: "site",
    path: "users",
    minApiVersion: "2.0",
    errors: { Conflict: ["409017"] },
    decoder: user
  }),
  get: Operation.make({
    name: "Users.get",
    method: "GET",
    scope: "site",
    path: "users/{userId}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404002"] },
    decoder: user
  }),
  list: Operation.make({
    name: "Users.list",
    method: "GET",
    scope: "site",
    path: "users",
    minApiVersion: "2.0",
    errors: {},
    decoder: users,
    // The fields of the filter shorthands; Tableau accepts more (see the REST reference).
    fields: ["name", "siteRole", "lastLogin"]
  }),
  update: Operation.make({
    name: "Users.update",
    method: "PUT",
    scope: "site",
    path: "users/{userId}",
    minApiVersion: "2.0",
    // Conflict (a taken email on Tableau Cloud, say): its code is not confirmed here.
    errors: { NotFound: ["404002"], Conflict: [] },
    decoder: updated
  }),
  remove: Operation.make({
    name: "Users.remove",
    method: "DELETE",
    scope: "site",
    path: "users/{userId}",
    minApiVersion: "2.0",
    // 409003 (the user still owns content) is the fake's code; not confirmed against the reference here.
    errors: { NotFound: ["404002"], Conflict: ["409003"] },
    decoder: Endpoint.none
  }),
  workbooks: Operation.make({
    name: "Users.workbooks",
    method: "GET",
    scope: "site",
    path: "users/{userId}/workbooks",
    minApiVersion: "2.0",
    errors: { NotFound: ["404002"] },
    decoder: userWorkbooks
  }),
  groups: Operation.make({
    name: "Users.groups",
    method: "GET",
    scope: "site",
    path: "users/{userId}/groups",
    minApiVersion: "3.7",
    errors: { NotFound: ["404002"] },
    decoder: groupList
  }),
  favorites: Operation.make({
    name: "Users.favorites",
    method: "GET",
    scope: "site",
    path: "favorites/{userId}",
    minApiVersion: "2.5",
    errors: { NotFound: ["404002"] },
    decoder: favoritesDecoder
  }),
  importCsv: Operation.make({
    name: "Users.importCsv",
    method: "POST",
    scope: "site",
    path: "users/import",
    minApiVersion: "3.15",
    errors: {},
    decoder: job
  }),
  removeCsv: Operation.make({
    name: "Users.removeCsv",
    method: "POST",
    scope: "site",
    path: "users/delete",
    minApiVersion: "3.15",
    errors: {},
    decoder: optionalJob
  })
}

/**
 * `mapAssetsTo` came to Remove User with API 3.9 (as documented since the
 * seed; TSC does not gate it, and the reference was not re-checked here).
 * The engine gates a whole operation, not one parameter, so a removal that
 * maps assets runs the same declaration under the later version.
 */
const removeMappingAssets = { ...operations.remove, minApiVersion: "3.9" as const }

// ---------------------------------------------------------------------------
// add
// ---------------------------------------------------------------------------

/** What `add` needs: a name and a site role, plus optional settings. */
export interface NewUser {
  /** The user name (on Tableau Cloud, the user's email address). */
  readonly name: string
  readonly siteRole: SiteRole
  readonly authSetting?: AuthSetting | undefined
  /** The identity provider configuration (Tableau Cloud with several IdPs). */
  readonly idpConfigurationId?: string | undefined
  /** Set with a follow-up Update User (Add User does not take it). */
  readonly fullName?: string | undefined
  /** Set with a follow-up Update User (Add User does not take it). */
  readonly email?: string | undefined
  /** Set with a follow-up Update User; local authentication on Tableau Server only. */
  readonly password?: Redacted.Redacted<string> | undefined
}

/** What `update` changes; attributes left out stay as they are. */
export interface UserChanges {
  readonly fullName?: string | undefined
  readonly email?: string | undefined
  readonly siteRole?: SiteRole | undefined
  readonly authSetting?: AuthSetting | undefined
  readonly idpConfigurationId?: string | undefined
  /** A new password (local authentication on Tableau Server only). */
  readonly password?: Redacted.Redacted<string> | undefined
}

/**
 * Adds a user to the site (TSC's `users.add`) and returns it. Add User
 * takes the name, site role, auth setting and IdP configuration only; when
 * `fullName`, `email` or `password` are given, they are set with a
 * follow-up Update User (so they work with every API version), and the
 * updated user is returned. If that follow-up fails, the user exists
 * without them. REST: `POST /api/{v}/sites/{siteId}/users` (then
 * `PUT .../users/{userId}`). Fails with `Conflict` (409017, the user is
 * already on the site), `NotFound` (the follow-up found the user gone),
 * `Forbidden` (not an administrator) or a `CommonError`. Minimum API
 * version: 2.0.
 *
 * @example
 * ```ts
 * const ana = yield* Users.add({ name: "ana@example.com", siteRole: "Explorer", authSetting: "SAML" })
 * ```
 */
export const add = (
  newUser: NewUser
): Effect.Effect<UserItem, CommonError | Conflict | NotFound, TableauSession> =>
  Effect.flatMap(
    Operation.run(operations.add, {}, {
      body: Xml.el("user", {
        name: newUser.name,
        siteRole: newUser.siteRole,
        authSetting: newUser.authSetting,
        idpConfigurationId: newUser.idpConfigurationId
      })
    }),
    (created) =>
      newUser.fullName === undefined && newUser.email === undefined && newUser.password === undefined
        ? Effect.succeed(created)
        : update(created.id, { fullName: newUser.fullName, email: newUser.email, password: newUser.password })
  )

// ---------------------------------------------------------------------------
// get, list
// ---------------------------------------------------------------------------

/**
 * Reads the user with this ID (TSC's `users.get_by_id`). REST:
 * `GET /api/{v}/sites/{siteId}/users/{userId}`. Fails with `NotFound`
 * (404002) or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const u = yield* Users.get(Ids.UserId.make("9f9e9d9c-8b8a-8f8e-7d7c-7b7a6f6d6e6d"))
 * ```
 */
export const get = (userId: UserId): Effect.Effect<UserItem, CommonError | NotFound, TableauSession> =>
  Operation.run(operations.get, { userId })

/**
 * Shorthands for the user list's common filters, added to `filter`:
 * `siteRole` (one role or several), `name` (exact), and a `lastLogin` range.
 */
export interface UserFilters {
  readonly siteRole?: SiteRole | ReadonlyArray<SiteRole> | undefined
  readonly name?: string | undefined
  /** Users who last signed in at or after this instant. */
  readonly lastLoginSince?: Date | undefined
  /** Users who last signed in at or before this instant. */
  readonly lastLoginUntil?: Date | undefined
}

/** Options of `getPage`. */
export interface UserPageOptions extends PageOptions, UserFilters {}
/** Options of `list`. */
export interface UserListOptions extends StreamOptions, UserFilters {}

/**
 * Without `fields`, Get Users on Site leaves out `fullName`, `email` and
 * other attributes (TSC's issue #565, fixed by always sending `_all_`), so
 * a list asks for every attribute unless the caller chose its fields.
 */
const withFilters = <O extends RequestOptions.ListOptions & UserFilters>(options: O | undefined): O => {
  const { siteRole, name, lastLoginSince, lastLoginUntil, ...rest } = options ?? ({} as O)
  const extra: Array<RequestOptions.Filter> = []
  if (siteRole !== undefined) {
    extra.push(
      typeof siteRole === "string" ? RequestOptions.eq("siteRole", siteRole) : RequestOptions.in("siteRole", siteRole)
    )
  }
  if (name !== undefined) extra.push(RequestOptions.eq("name", name))
  if (lastLoginSince !== undefined) extra.push(RequestOptions.gte("lastLogin", lastLoginSince))
  if (lastLoginUntil !== undefined) extra.push(RequestOptions.lte("lastLogin", lastLoginUntil))
  return {
    ...rest,
    fields: rest.fields === undefined || rest.fields.length === 0 ? ["_all_"] : rest.fields,
    filter: [...(rest.filter ?? []), ...extra]
  } as unknown as O
}

/**
 * Reads one page of the users of the site (TSC's `users.get`). Filters
 * (`siteRole`, `name`, `lastLogin`, ...), sorts and `fields` are Tableau's;
 * without `fields` it asks for `_all_`, since Tableau's default attributes
 * leave out `fullName` and `email`.
 * REST: `GET /api/{v}/sites/{siteId}/users`. Fails with a `CommonError`.
 * Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const { items, pagination } = yield* Users.getPage({ siteRole: "Creator", pageSize: 100 })
 * ```
 */
export const getPage = (
  options?: UserPageOptions
): Effect.Effect<Page<UserItem>, CommonError, TableauSession> =>
  Operation.page(operations.list, {}, withFilters(options))

/**
 * Every user of the site, as a Stream over all pages (TSC's
 * `Pager(server.users)`). Without `fields` it asks for `_all_` (see
 * `getPage`). REST: `GET /api/{v}/sites/{siteId}/users` (with
 * `fields=_all_`). Fails with a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const recent = Users.list({ lastLoginSince: new Date("2024-01-01"), sort: [RequestOptions.asc("name")] })
 * ```
 */
export const list = (options?: UserListOptions): Stream.Stream<UserItem, CommonError, TableauSession> =>
  Operation.stream(operations.list, {}, withFilters(options))

// ---------------------------------------------------------------------------
// update, remove
// ---------------------------------------------------------------------------

/**
 * Changes a user's details (TSC's `users.update`); attributes left out stay
 * as they are. The password is sent only when given, and never logged.
 * REST: `PUT /api/{v}/sites/{siteId}/users/{userId}`. Fails with `NotFound`
 * (404002), `Conflict` (409, such as a taken email on Tableau Cloud),
 * `Forbidden` or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const u = yield* Users.update(userId, { fullName: "Laura Rodriguez", email: "laura@example.com" })
 * ```
 */
export const update = (
  userId: UserId,
  changes: UserChanges
): Effect.Effect<UserItem, CommonError | NotFound | Conflict, TableauSession> =>
  Effect.map(
    Operation.run(operations.update, { userId }, {
      body: Xml.el("user", {
        fullName: changes.fullName,
        email: changes.email,
        siteRole: changes.siteRole,
        authSetting: changes.authSetting,
        idpConfigurationId: changes.idpConfigurationId,
        password: changes.password === undefined ? undefined : Redacted.value(changes.password)
      })
    }),
    ({ id, ...rest }) => new UserItem({ ...rest, id: id ?? userId })
  )

/** Options of `remove`. */
export interface RemoveOptions {
  /** Give the removed user's content to this user (API 3.9+). */
  readonly mapAssetsTo?: UserId | undefined
}

/**
 * Removes a user from the site (TSC's `users.remove`). A user who still owns
 * content is not removed (`Conflict`; Tableau makes them Unlicensed) unless
 * `mapAssetsTo` names the user who takes it over. REST:
 * `DELETE /api/{v}/sites/{siteId}/users/{userId}` (with `mapAssetsTo` when
 * given). Fails with `NotFound` (404002, either user), `Conflict` (409003,
 * the user still owns content),
 * `UnsupportedApiVersion` (`mapAssetsTo` before API 3.9), `Forbidden` or a
 * `CommonError`. Minimum API version: 2.0 (`mapAssetsTo`: 3.9).
 *
 * @example
 * ```ts
 * yield* Users.remove(leaverId, { mapAssetsTo: managerId })
 * ```
 */
export const remove = (
  userId: UserId,
  options: RemoveOptions = {}
): Effect.Effect<void, CommonError | NotFound | Conflict | UnsupportedApiVersion, TableauSession> =>
  options.mapAssetsTo === undefined
    ? Operation.run(operations.remove, { userId })
    : Operation.run(removeMappingAssets, { userId }, { query: { mapAssetsTo: options.mapAssetsTo } })

// ---------------------------------------------------------------------------
// workbooks, groups, favorites
// ---------------------------------------------------------------------------

/** Options of `workbooks`. */
export interface WorkbooksOptions extends StreamOptions {
  /** Only the workbooks the user owns (default false: the workbooks the user can read). */
  readonly ownedBy?: boolean | undefined
}

/**
 * The workbooks a user owns (`ownedBy: true`) or can read, as a Stream
 * over all pages (TSC's `users.populate_workbooks`, returned rather than
 * stored on the user). REST:
 * `GET /api/{v}/sites/{siteId}/users/{userId}/workbooks` (with
 * `ownedBy=true` for the owned ones). Fails with `NotFound` (404002) or a
 * `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const owned = yield* Stream.runCollect(Users.workbooks(userId, { ownedBy: true }))
 * ```
 */
export const workbooks = (
  userId: UserId,
  options: WorkbooksOptions = {}
): Stream.Stream<WorkbookItem, CommonError | NotFound, TableauSession> => {
  const { ownedBy, ...streamOptions } = options
  return Operation.stream(operations.workbooks, { userId }, streamOptions, {
    query: { ownedBy: ownedBy ? "true" : undefined }
  })
}

/**
 * The groups a user belongs to, as a Stream over all pages (TSC's
 * `users.populate_groups`). REST:
 * `GET /api/{v}/sites/{siteId}/users/{userId}/groups`. Fails with
 * `NotFound` (404002), `UnsupportedApiVersion` or a `CommonError`.
 * Minimum API version: 3.7.
 *
 * @example
 * ```ts
 * const names = yield* Users.groups(userId).pipe(Stream.map((g) => g.name), Stream.runCollect)
 * ```
 */
export const groups = (
  userId: UserId,
  options?: StreamOptions
): Stream.Stream<GroupItem, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.stream(operations.groups, { userId }, options)

/** One favorite of a user: its label and the content it points to. */
export interface Favorite {
  readonly label: string
  /**
   * The kind of content: `workbook`, `view`, `datasource`, `project`,
   * `flow`, `collection`, `metric`, a newer kind (the element's name), or
   * `"other"` for an entry whose content could not be read (no element, or
   * one without an `id`): it is kept, with everything Tableau sent in `raw`.
   */
  readonly kind: string
  /** The content's ID; `""` when `kind` is `"other"`. */
  readonly id: string
  readonly name: string | undefined
  readonly position: number | undefined
  readonly addedAt: Date | undefined
  /** The `<favorite>` element as Tableau sent it: its attributes and child elements. */
  readonly raw: Readonly<Record<string, unknown>>
}

const decodeDate = Schema.decodeUnknownOption(DateFromString)

const toFavorite = (wire: Readonly<Record<string, unknown>>): Favorite => {
  const position = Number(wire["position"])
  const common = {
    label: typeof wire["label"] === "string" ? wire["label"] : "",
    position: Number.isFinite(position) && wire["position"] !== undefined ? position : undefined,
    addedAt: Option.getOrUndefined(decodeDate(wire["addedAt"])),
    raw: wire
  }
  for (const [kind, value] of Object.entries(wire)) {
    if (typeof value !== "object" || value === null || Array.isArray(value)) continue
    const target = value as Record<string, unknown>
    if (typeof target["id"] !== "string") continue
    return { ...common, kind, id: target["id"], name: typeof target["name"] === "string" ? target["name"] : undefined }
  }
  return { ...common, kind: "other", id: "", name: undefined }
}

/**
 * A user's favorites: workbooks, views, data sources, projects, flows and
 * newer kinds (TSC's `users.populate_favorites`, which TSC did not
 * implement). Entries it cannot read are kept as kind `"other"` with
 * their raw element, never dropped. REST: `GET /api/{v}/sites/{siteId}/favorites/{userId}`.
 * Fails with `NotFound` (404002), `UnsupportedApiVersion` or a
 * `CommonError`. Minimum API version: 2.5.
 *
 * @example
 * ```ts
 * const favs = yield* Users.favorites(userId)
 * for (const f of favs) console.log(f.kind, f.label)
 * ```
 */
export const favorites = (
  userId: UserId
): Effect.Effect<ReadonlyArray<Favorite>, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Effect.map(
    Stream.runCollect(Operation.stream(operations.favorites, { userId }, { pageSize: 1000 })),
    (all) => Array.from(all).map(toFavorite)
  )

// ---------------------------------------------------------------------------
// CSV provisioning
// ---------------------------------------------------------------------------

/** Options of `importCsv`. */
export interface ImportCsvOptions {
  /** The auth setting of every imported user (default ServerDefault). */
  readonly authSetting?: AuthSetting | undefined
  /** Per-user auth settings, by user name, overriding `authSetting`. */
  readonly authSettings?: Readonly<Record<string, AuthSetting>> | undefined
}

const encoder = new TextEncoder()

/**
 * Imports users from a CSV file in a background job (the peers' bulk
 * `add_users`/`provision`; TSC's `users.bulk_add`). The file is built or
 * checked by `UserCsv` first, so rows Tableau would reject never leave the
 * program; existing users are updated. Wait for the job with `Jobs.wait`;
 * rows the server refuses appear in the job's notes. REST:
 * `POST /api/{v}/sites/{siteId}/users/import` (multipart: `request_payload`
 * XML with each user's auth setting, `tableau_user_import` CSV). Fails with
 * `UnsupportedApiVersion`, `Forbidden` or a `CommonError`. Minimum API
 * version: 3.15.
 *
 * @example
 * ```ts
 * const csv = yield* UserCsv.validate(text)
 * const job = yield* Users.importCsv(csv, { authSetting: "SAML" })
 * const done = yield* Jobs.wait(job.id, { timeout: "10 minutes" })
 * ```
 */
export const importCsv = (
  csv: UserCsv.UserCsv,
  options: ImportCsvOptions = {}
): Effect.Effect<JobItem, CommonError | UnsupportedApiVersion, TableauSession> => {
  const payload = csv.rows.map((row) =>
    Xml.el("user", {
      name: row.name,
      authSetting: options.authSettings?.[row.name] ?? options.authSetting ?? "ServerDefault"
    })
  )
  return Effect.zipRight(
    Transport.refuseInvalidXml("Users.importCsv", ...payload),
    Operation.run(operations.importCsv, {}, {
      body: Upload.multipart([
        {
          name: "request_payload",
          contentType: "text/xml",
          data: Xml.render(...payload)
        },
        {
          name: "tableau_user_import",
          filename: "users.csv",
          contentType: "application/octet-stream",
          data: encoder.encode(UserCsv.render(csv))
        }
      ])
    })
  )
}

/**
 * Removes the users named in a CSV file from the site (the peers'
 * `delete_users`; TSC's `users.bulk_remove`). Only the names are sent.
 * Returns the background job when the server starts one. REST:
 * `POST /api/{v}/sites/{siteId}/users/delete` (multipart:
 * `tableau_user_delete` CSV). Fails with `UnsupportedApiVersion`,
 * `Forbidden` or a `CommonError`. Minimum API version: 3.15.
 *
 * @example
 * ```ts
 * yield* Users.removeCsv(yield* UserCsv.names(["ana@example.com"]))
 * ```
 */
export const removeCsv = (
  csv: UserCsv.UserCsv
): Effect.Effect<JobItem | undefined, CommonError | UnsupportedApiVersion, TableauSession> =>
  Operation.run(operations.removeCsv, {}, {
    body: Upload.multipart([
      {
        name: "tableau_user_delete",
        filename: "users.csv",
        contentType: "application/octet-stream",
        data: encoder.encode(UserCsv.renderNames(csv))
      }
    ])
  })

// ---------------------------------------------------------------------------
// export
// ---------------------------------------------------------------------------

/** Options of `export`. */
export interface ExportOptions extends UserFilters {
  /** Include the group names of each user (default true). */
  readonly groups?: boolean | undefined
  /** Users per page (default 1000, the maximum). */
  readonly pageSize?: number | undefined
  /** Pages fetched at once (default: the session's). */
  readonly concurrency?: number | undefined
  /** Separator of group names inside the `groups` column (default `;`). */
  readonly groupSeparator?: string | undefined
  /** Called after every user line with the lines so far (`unit: "rows"`; the total is not known in advance). */
  readonly onProgress?: OnProgress | undefined
}

/** The header line of `export`. */
export const EXPORT_HEADER = "id,name,fullName,email,siteRole,authSetting,lastLogin,groups"

const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, "\"\"")}"` : value)

/**
 * The reads of `export` beyond `list`: the site's groups and each group's
 * members. They are the routes of `Groups.list` and `Groups.users`, which
 * the catalogue lists under Groups; they are declared again here (not
 * catalogued) so that errors and spans name `Users.export`, the function
 * the caller ran, and so that this module does not import Groups.
 */
const exportReads = {
  groups: Operation.make({
    name: "Users.export",
    method: "GET",
    scope: "site",
    path: "groups",
    minApiVersion: "2.0",
    errors: {},
    decoder: groupList
  }),
  members: Operation.make({
    name: "Users.export",
    method: "GET",
    scope: "site",
    path: "groups/{groupId}/users",
    minApiVersion: "2.0",
    // A group deleted while the export reads it.
    errors: { NotFound: ["404012"] },
    decoder: users
  })
}

/** One user's groups: an index into the group names, or several. */
type GroupIndexes = number | Array<number>

/**
 * A copy of an ID that does not share memory with the response it was
 * parsed from (a substring can keep its whole page of XML alive).
 */
const detached = (id: string): string => id.split("").join("")

/**
 * Who is in which group, from one pass over the groups and their members
 * (no request per user): user ID -> index of the group name, or indexes
 * when the user is in several groups. Its size is the number of
 * memberships, not the number of users times groups.
 */
const membership = (
  pageSize: number,
  concurrency: number | undefined
): Effect.Effect<
  { readonly names: ReadonlyArray<string>; readonly byUser: ReadonlyMap<string, GroupIndexes> },
  CommonError,
  TableauSession
> =>
  Effect.gen(function*() {
    const names: Array<string> = []
    const byUser = new Map<string, GroupIndexes>()
    yield* Operation.stream(exportReads.groups, {}, { pageSize, concurrency }).pipe(
      Stream.runForEach((group) => {
        const index = names.push(group.name) - 1
        return Operation.stream(exportReads.members, { groupId: group.id }, { pageSize, concurrency, fields: ["id"] }).pipe(
          Stream.runForEach((member) =>
            Effect.sync(() => {
              const known = byUser.get(member.id)
              if (known === undefined) byUser.set(detached(member.id), index)
              else if (typeof known === "number") byUser.set(member.id, [known, index])
              else known.push(index)
            })
          ),
          // A group deleted while we read it has no members to report.
          Effect.catchTag("NotFound", () => Effect.void)
        )
      })
    )
    return { names, byUser }
  })

const groupNames = (indexes: GroupIndexes | undefined, names: ReadonlyArray<string>, separator: string): string =>
  indexes === undefined ? "" : typeof indexes === "number" ? names[indexes]! : indexes.map((i) => names[i]!).join(separator)

const export_ = (
  options: ExportOptions = {}
): Stream.Stream<string, CommonError, TableauSession> => {
  const pageSize = options.pageSize ?? 1000
  const separator = options.groupSeparator ?? ";"
  const { groups: withGroups = true, concurrency, groupSeparator: _, pageSize: __, onProgress, ...filters } = options
  const rows = (groupsOf: (id: string) => string) =>
    list({ ...filters, pageSize, concurrency }).pipe(
      Stream.map((u) =>
        [
          u.id,
          u.name,
          u.fullName ?? "",
          u.email ?? "",
          u.siteRole ?? "",
          u.authSetting ?? "",
          u.lastLogin === undefined ? "" : u.lastLogin.toISOString().replace(/\.\d{3}Z$/, "Z"),
          groupsOf(u.id)
        ].map(csvField).join(",")
      )
    )
  const body: Stream.Stream<string, CommonError, TableauSession> = withGroups
    ? Stream.unwrap(Effect.map(membership(pageSize, concurrency), ({ byUser, names }) =>
      rows((id) => groupNames(byUser.get(id), names, separator))))
    : rows(() => "")
  const counted = track(body, onProgress, () => 1, (done): Progress => ({ unit: "rows", done, total: undefined }))
  return Stream.concat(Stream.make(EXPORT_HEADER), counted)
}

export {
  /**
   * The site's roster as CSV lines, header first (the peers'
   * `users_export`): ID, name, full name, email, site role, auth setting,
   * last login and group names, one user per line. It streams: users are
   * read page by page while lines are emitted, so memory does not grow with
   * the number of users. Group names come from one pass over the groups and
   * their members before the first user line (a map of user ID to group
   * indexes, sized by the memberships, not one request per user); pass
   * `groups: false` to skip it. The filters of `list` apply; `onProgress`
   * reports the user lines emitted (see `Progress`). REST:
   * `GET .../groups`, `GET .../groups/{groupId}/users`, `GET .../users`.
   * Fails with a `CommonError`. Minimum API version: 2.0.
   *
   * @example
   * ```ts
   * yield* Users.export().pipe(Stream.map((line) => line + "\n"), Stream.run(sink))
   * ```
   */
  export_ as export
}
