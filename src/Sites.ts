/**
 * Sites: query, create, update and delete sites (TSC's `sites`).
 *
 * Site management is server-scoped: creating, listing and deleting sites
 * needs a server administrator (Tableau Server only; on Tableau Cloud these
 * calls fail with `Forbidden`).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type { CommonError, Conflict, NotFound } from "./Errors.ts"
import { InvalidRequest } from "./Errors.ts"
import { SiteId } from "./Ids.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Operation from "./internal/operation.ts"
import {
  type ClassOf,
  OpenLiteral,
  OptionalBoolean,
  OptionalInt,
  OptionalString,
  StringOrEmpty
} from "./internal/schema.ts"
import * as Xml from "./internal/xml.ts"
import type { Page, PageOptions, StreamOptions } from "./RequestOptions.ts"
import type { TableauSession } from "./TableauSession.ts"

/** Who may add and remove users on a site. */
export const AdminMode: OpenLiteral<"ContentAndUsers" | "ContentOnly"> = OpenLiteral("ContentAndUsers", "ContentOnly")
/** @since 0.1.0 */
export type AdminMode = typeof AdminMode.Type

/** Whether a site is usable. */
export const SiteState: OpenLiteral<"Active" | "Suspended"> = OpenLiteral("Active", "Suspended")
/** @since 0.1.0 */
export type SiteState = typeof SiteState.Type

const SiteUsageFields = {
  numUsers: OptionalInt,
  /** Storage used, in megabytes. */
  storage: OptionalInt
}

const SiteUsageBase: ClassOf<SiteUsage, typeof SiteUsageFields> = Schema.Class<SiteUsage>("SiteUsage")(SiteUsageFields)

/** `<usage numUsers storage/>`, sent when `includeUsage` is asked for. */
export class SiteUsage extends SiteUsageBase {}

const SiteItemFields = {
  id: SiteId,
  name: Schema.String,
  /** The site's URL name (`""` for the default site). */
  contentUrl: StringOrEmpty,
  adminMode: Schema.optional(AdminMode) as Schema.optional<typeof AdminMode>,
  state: Schema.optional(SiteState) as Schema.optional<typeof SiteState>,
  userQuota: OptionalInt,
  /** Storage quota in megabytes. */
  storageQuota: OptionalInt,
  disableSubscriptions: OptionalBoolean,
  subscribeOthersEnabled: OptionalBoolean,
  revisionHistoryEnabled: OptionalBoolean,
  /** Revisions kept per workbook or data source (-1: unlimited). */
  revisionLimit: OptionalInt,
  statusReason: OptionalString,
  guestAccessEnabled: OptionalBoolean,
  commentingEnabled: OptionalBoolean,
  flowsEnabled: OptionalBoolean,
  catalogingEnabled: OptionalBoolean,
  cacheWarmupEnabled: OptionalBoolean,
  dataAccelerationMode: OptionalString,
  extractEncryptionMode: OptionalString,
  askDataMode: OptionalString,
  tierCreatorCapacity: OptionalInt,
  tierExplorerCapacity: OptionalInt,
  tierViewerCapacity: OptionalInt,
  usage: Schema.optional(SiteUsage) as Schema.optional<typeof SiteUsage>
}

const SiteItemBase: ClassOf<SiteItem, typeof SiteItemFields> = Schema.Class<SiteItem>("SiteItem")(SiteItemFields)

/**
 * A site, with every attribute of TSC's `SiteItem` and the ones current
 * servers send. Attributes this version does not know are ignored.
 */
export class SiteItem extends SiteItemBase {}

/** Settings of a site, for `create` and `update`. */
export interface SiteFields {
  readonly name?: string | undefined
  readonly contentUrl?: string | undefined
  readonly adminMode?: AdminMode | undefined
  readonly userQuota?: number | undefined
  readonly storageQuota?: number | undefined
  readonly disableSubscriptions?: boolean | undefined
  readonly subscribeOthersEnabled?: boolean | undefined
  readonly revisionHistoryEnabled?: boolean | undefined
  readonly revisionLimit?: number | undefined
  readonly state?: SiteState | undefined
  readonly guestAccessEnabled?: boolean | undefined
  readonly commentingEnabled?: boolean | undefined
  readonly flowsEnabled?: boolean | undefined
  readonly catalogingEnabled?: boolean | undefined
  readonly cacheWarmupEnabled?: boolean | undefined
  readonly dataAccelerationMode?: string | undefined
  readonly extractEncryptionMode?: string | undefined
  readonly askDataMode?: string | undefined
  readonly tierCreatorCapacity?: number | undefined
  readonly tierExplorerCapacity?: number | undefined
  readonly tierViewerCapacity?: number | undefined
}

/** What `create` needs: a name and a content URL, plus any settings. */
export interface NewSite extends SiteFields {
  readonly name: string
  readonly contentUrl: string
}

const siteElement = (fields: SiteFields): Xml.XmlElement => Xml.el("site", { ...fields })

/** The seed's client-side check: a user quota needs admin mode ContentAndUsers. */
const checkQuota = (operation: string, fields: SiteFields) =>
  fields.adminMode === "ContentOnly" && fields.userQuota !== undefined
    ? Effect.fail(
      new InvalidRequest({
        operation,
        reason: "You cannot set adminMode to ContentOnly and also set a user quota"
      })
    )
    : Effect.void

const site = Endpoint.one("site", SiteItem)
const sites = Endpoint.items("sites", "site", SiteItem)

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
  readonly create: Operation.Operation<"sites", SiteItem, "Conflict", "2.0">
  readonly get: Operation.Operation<"sites/{siteId}", SiteItem, "NotFound", "2.0">
  readonly getByName: Operation.Operation<"sites/{name}", SiteItem, "NotFound", "2.0">
  readonly getByContentUrl: Operation.Operation<"sites/{contentUrl}", SiteItem, "NotFound", "2.0">
  readonly list: Operation.Operation<"sites", Page<SiteItem>, never, "2.0">
  readonly update: Operation.Operation<"sites/{siteId}", SiteItem, "NotFound" | "Conflict", "2.0">
  readonly delete: Operation.Operation<"sites/{siteId}", void, "NotFound", "2.0">
} = {
  create: Operation.make({
    name: "Sites.create",
    method: "POST",
    scope: "server",
    path: "sites",
    minApiVersion: "2.0",
    errors: { Conflict: ["409001"] },
    decoder: site
  }),
  get: Operation.make({
    name: "Sites.get",
    method: "GET",
    scope: "server",
    path: "sites/{siteId}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404000"] },
    decoder: site
  }),
  // Query Site with `key=name` / `key=contentUrl`: the same route, the site's
  // name or content URL in place of its ID (validated as one path segment,
  // as before: no `/`, `?`, `#`, nor an empty value).
  getByName: Operation.make({
    name: "Sites.getByName",
    method: "GET",
    scope: "server",
    path: "sites/{name}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404000"] },
    decoder: site
  }),
  getByContentUrl: Operation.make({
    name: "Sites.getByContentUrl",
    method: "GET",
    scope: "server",
    path: "sites/{contentUrl}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404000"] },
    decoder: site
  }),
  list: Operation.make({
    name: "Sites.list",
    method: "GET",
    scope: "server",
    path: "sites",
    minApiVersion: "2.0",
    errors: {},
    decoder: sites
  }),
  update: Operation.make({
    name: "Sites.update",
    method: "PUT",
    scope: "server",
    path: "sites/{siteId}",
    minApiVersion: "2.0",
    // 409001 as for Create Site; not confirmed against the Update Site reference here.
    errors: { NotFound: ["404000"], Conflict: ["409001"] },
    decoder: site
  }),
  delete: Operation.make({
    name: "Sites.delete",
    method: "DELETE",
    scope: "server",
    path: "sites/{siteId}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404000"] },
    decoder: Endpoint.none
  })
}

/**
 * Creates a site. REST: `POST /api/{v}/sites`. Fails with `Conflict`
 * (409001, the name or content URL is taken), `InvalidRequest` (adminMode
 * ContentOnly with a user quota), `Forbidden` (not a server administrator;
 * Tableau Cloud) or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const created = yield* Sites.create({ name: "Tableau", contentUrl: "tableau", adminMode: "ContentAndUsers", userQuota: 15 })
 * ```
 */
export const create = (fields: NewSite): Effect.Effect<SiteItem, CommonError | Conflict, TableauSession> =>
  Effect.zipRight(
    checkQuota("Sites.create", fields),
    Operation.run(operations.create, {}, { body: siteElement(fields) })
  )

/**
 * Reads the site with this ID (TSC's `get_by_id`). REST:
 * `GET /api/{v}/sites/{siteId}`. Fails with `NotFound` (404000) or a
 * `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const s = yield* Sites.get(Ids.SiteId.make("9a8b7c6d-5e4f-3a2b-1c0d-9e8f7a6b5c4d"))
 * ```
 */
export const get = (
  siteId: SiteId,
  options?: { readonly includeUsage?: boolean }
): Effect.Effect<SiteItem, CommonError | NotFound, TableauSession> =>
  Operation.run(operations.get, { siteId }, { query: { includeUsage: options?.includeUsage ? "true" : undefined } })

/**
 * Reads the site with this name. REST: `GET /api/{v}/sites/{name}` with
 * `key=name`. Fails with `NotFound` (404000) or a `CommonError`. Minimum
 * API version: 2.0.
 *
 * @example
 * ```ts
 * const finance = yield* Sites.getByName("Finance")
 * ```
 */
export const getByName = (name: string): Effect.Effect<SiteItem, CommonError | NotFound, TableauSession> =>
  Operation.run(operations.getByName, { name }, { query: { key: "name" } })

/**
 * Reads the site with this content URL. REST:
 * `GET /api/{v}/sites/{contentUrl}` with `key=contentUrl`. Fails with
 * `NotFound` (404000), `InvalidRequest` (empty content URL: read the
 * default site by ID) or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const marketing = yield* Sites.getByContentUrl("marketing")
 * ```
 */
export const getByContentUrl = (
  contentUrl: string
): Effect.Effect<SiteItem, CommonError | NotFound, TableauSession> =>
  Operation.run(operations.getByContentUrl, { contentUrl }, { query: { key: "contentUrl" } })

/**
 * Reads one page of the sites on the server (TSC's `sites.get`). REST:
 * `GET /api/{v}/sites`. Fails with a `CommonError` (`Forbidden` for
 * non-administrators). Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const { items, pagination } = yield* Sites.getPage({ pageSize: 50, pageNumber: 2 })
 * ```
 */
export const getPage = (options?: PageOptions): Effect.Effect<Page<SiteItem>, CommonError, TableauSession> =>
  Operation.page(operations.list, {}, options)

/**
 * Every site on the server, as a Stream over all pages (TSC's
 * `Pager(server.sites)`). REST: `GET /api/{v}/sites`. Fails with a
 * `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const all = yield* Stream.runCollect(Sites.list())
 * ```
 */
export const list = (options?: StreamOptions): Stream.Stream<SiteItem, CommonError, TableauSession> =>
  Operation.stream(operations.list, {}, options)

/**
 * Changes the settings of a site; settings left out stay as they are.
 * REST: `PUT /api/{v}/sites/{siteId}`. Fails with `NotFound` (404000),
 * `Conflict` (409001, the new name or content URL is taken),
 * `InvalidRequest` (adminMode ContentOnly with a user quota) or a
 * `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const renamed = yield* Sites.update(siteId, { name: "New name", revisionLimit: 50 })
 * ```
 */
export const update = (
  siteId: SiteId,
  changes: SiteFields
): Effect.Effect<SiteItem, CommonError | NotFound | Conflict, TableauSession> =>
  Effect.zipRight(
    checkQuota("Sites.update", changes),
    Operation.run(operations.update, { siteId }, { body: siteElement(changes) })
  )

const delete_ = (siteId: SiteId): Effect.Effect<void, CommonError | NotFound, TableauSession> =>
  Operation.run(operations.delete, { siteId })

export {
  /**
   * Deletes a site and everything in it. REST: `DELETE /api/{v}/sites/{siteId}`.
   * Fails with `NotFound` (404000) or a `CommonError`. Minimum API version: 2.0.
   *
   * @example
   * ```ts
   * yield* Sites.delete(siteId)
   * ```
   */
  delete_ as delete
}
