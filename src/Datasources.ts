/**
 * Published data sources: read, update (owner, project, certification),
 * delete, download and refresh them, list and update their connections
 * (TSC's `datasources`).
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type { ConnectionItem, ConnectionUpdate } from "./Connections.ts"
import type { RevisionItem } from "./Content.ts"
import { OwnerReference, ProjectReference } from "./Content.ts"
import type { CommonError, Conflict, NotFound, UnsupportedApiVersion } from "./Errors.ts"
import type { ConnectionId, ProjectId, UserId } from "./Ids.ts"
import { DatasourceId } from "./Ids.ts"
import type { DownloadOptions } from "./internal/content.ts"
import { downloadOf, emptyRequest, publishableOperations, updateElement } from "./internal/content.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Operation from "./internal/operation.ts"
import * as Publish from "./internal/publish.ts"
import { type ClassOf, OptionalBoolean, OptionalDate, OptionalInt, OptionalString } from "./internal/schema.ts"
import * as Xml from "./internal/xml.ts"
import { JobItem, jobDecoder } from "./Jobs.ts"
import type { Page, PageOptions, StreamOptions } from "./RequestOptions.ts"
import { TagLabelsOrEmpty } from "./Tags.ts"
import type { TableauSession } from "./TableauSession.ts"

export type { DownloadOptions } from "./internal/content.ts"

const DatasourceItemFields = {
  id: DatasourceId,
  name: Schema.String,
  contentUrl: OptionalString,
  /** The data source type (TSC's `datasource_type`), such as `sqlserver` or `excel-direct`. */
  type: OptionalString,
  description: OptionalString,
  webpageUrl: OptionalString,
  createdAt: OptionalDate,
  updatedAt: OptionalDate,
  isCertified: OptionalBoolean,
  certificationNote: OptionalString,
  encryptExtracts: OptionalBoolean,
  hasExtracts: OptionalBoolean,
  useRemoteQueryAgent: OptionalBoolean,
  /** Size in megabytes. */
  size: OptionalInt,
  project: Schema.optional(ProjectReference) as Schema.optional<typeof ProjectReference>,
  owner: Schema.optional(OwnerReference) as Schema.optional<typeof OwnerReference>,
  tags: TagLabelsOrEmpty
}

const DatasourceItemBase: ClassOf<DatasourceItem, typeof DatasourceItemFields> = Schema.Class<DatasourceItem>(
  "DatasourceItem"
)(DatasourceItemFields)

/** A published data source (`<datasource>`). */
export class DatasourceItem extends DatasourceItemBase {}

/** What `update` changes; what is left out stays as it is. */
export interface DatasourceFields {
  readonly name?: string | undefined
  /** Moves the data source to another project. */
  readonly projectId?: ProjectId | undefined
  /** Gives the data source to another user. */
  readonly ownerId?: UserId | undefined
  readonly isCertified?: boolean | undefined
  readonly certificationNote?: string | undefined
  readonly encryptExtracts?: boolean | undefined
}

const datasource = Endpoint.one("datasource", DatasourceItem)
const datasources = Endpoint.items("datasources", "datasource", DatasourceItem)

const shared = publishableOperations({
  module: "Datasources",
  collection: "datasources",
  idParam: "datasourceId",
  notFound: "404012"
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
const ops = {
  get: Operation.make({
    name: "Datasources.get",
    method: "GET",
    scope: "site",
    path: "datasources/{datasourceId}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404012"] },
    decoder: datasource
  }),
  list: Operation.make({
    name: "Datasources.list",
    method: "GET",
    scope: "site",
    path: "datasources",
    minApiVersion: "2.0",
    errors: {},
    decoder: datasources,
    fields: ["name", "projectName", "ownerName", "type", "isCertified", "tags"]
  }),
  update: Operation.make({
    name: "Datasources.update",
    method: "PUT",
    scope: "site",
    path: "datasources/{datasourceId}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404012", "404005", "404002"], Conflict: ["409006"] },
    decoder: datasource
  }),
  delete: Operation.make({
    name: "Datasources.delete",
    method: "DELETE",
    scope: "site",
    path: "datasources/{datasourceId}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404012"] },
    decoder: Endpoint.none
  }),
  publish: Operation.make({
    name: "Datasources.publish",
    method: "POST",
    scope: "site",
    path: "datasources",
    minApiVersion: "2.0",
    errors: { Conflict: ["409006"], NotFound: ["404005"] },
    // The item; with asJob the caller decodes the job instead (see publish).
    decoder: datasource
  }),
  ...shared
}

/** The declared operations, typed precisely in `ops`; exported for tooling. */
export const operations: Operation.Operations = ops

/**
 * Reads one data source (TSC's `get_by_id`). REST:
 * `GET /api/{v}/sites/{siteId}/datasources/{datasourceId}`. Fails with
 * `NotFound` (404012) or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const ds = yield* Datasources.get(datasourceId)
 * ```
 */
export const get = (
  datasourceId: DatasourceId
): Effect.Effect<DatasourceItem, CommonError | NotFound, TableauSession> =>
  Operation.run(ops.get, { datasourceId })

/**
 * Reads one page of the data sources of the site (TSC's
 * `datasources.get`). REST: `GET /api/{v}/sites/{siteId}/datasources`.
 * Filter and sort fields include `name`, `projectName`, `ownerName`,
 * `type`, `isCertified`, `tags`. Fails with a `CommonError`. Minimum API
 * version: 2.0.
 *
 * @example
 * ```ts
 * const { items, pagination } = yield* Datasources.getPage({ pageSize: 20 })
 * ```
 */
export const getPage = (options?: PageOptions): Effect.Effect<Page<DatasourceItem>, CommonError, TableauSession> =>
  Operation.page(ops.list, {}, options)

/**
 * Every data source of the site, as a Stream over all pages. REST:
 * `GET /api/{v}/sites/{siteId}/datasources`. Fails with a `CommonError`.
 * Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const certified = Datasources.list({ filter: [RequestOptions.eq("isCertified", true)] })
 * ```
 */
export const list = (options?: StreamOptions): Stream.Stream<DatasourceItem, CommonError, TableauSession> =>
  Operation.stream(ops.list, {}, options)

/**
 * Changes a data source: name, owner, project, certification, extract
 * encryption. REST: `PUT /api/{v}/sites/{siteId}/datasources/{datasourceId}`.
 * Fails with `NotFound` (404012, 404005, 404002: no such data source,
 * project or owner), `Conflict` (409006, the name is taken in the target
 * project), `Forbidden` or a `CommonError`. Minimum API version: 2.0
 * (certification: 2.3).
 *
 * @example
 * ```ts
 * const certified = yield* Datasources.update(datasourceId, { isCertified: true, certificationNote: "Reviewed" })
 * ```
 */
export const update = (
  datasourceId: DatasourceId,
  changes: DatasourceFields
): Effect.Effect<DatasourceItem, CommonError | NotFound | Conflict, TableauSession> =>
  Operation.run(ops.update, { datasourceId }, {
    body: Xml.el(
      "datasource",
      {
        name: changes.name,
        isCertified: changes.isCertified,
        certificationNote: changes.certificationNote,
        encryptExtracts: changes.encryptExtracts
      },
      changes.projectId && Xml.el("project", { id: changes.projectId }),
      changes.ownerId && Xml.el("owner", { id: changes.ownerId })
    )
  })

const delete_ = (datasourceId: DatasourceId): Effect.Effect<void, CommonError | NotFound, TableauSession> =>
  Operation.run(ops.delete, { datasourceId })

export {
  /**
   * Deletes a data source. REST:
   * `DELETE /api/{v}/sites/{siteId}/datasources/{datasourceId}`. Fails with
   * `NotFound` (404012), `Forbidden` or a `CommonError`. Minimum API version: 2.0.
   *
   * @example
   * ```ts
   * yield* Datasources.delete(datasourceId)
   * ```
   */
  delete_ as delete
}

/**
 * The connections of a data source (TSC's `populate_connections`). REST:
 * `GET /api/{v}/sites/{siteId}/datasources/{datasourceId}/connections`.
 * Fails with `NotFound` (404012), `UnsupportedApiVersion` or a
 * `CommonError`. Minimum API version: 2.3.
 *
 * @example
 * ```ts
 * import * as Chunk from "effect/Chunk"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 * import { Datasources } from "effect-tableau"
 *
 * const [first] = yield* Stream.runCollect(Datasources.connections(datasourceId)).pipe(Effect.map(Chunk.toArray))
 * ```
 */
export const connections = (
  datasourceId: DatasourceId
): Stream.Stream<ConnectionItem, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.stream(ops.connections, { datasourceId })

/**
 * Changes a connection of a data source: server, port, credentials (user
 * name, `Redacted` password, embed), query tagging. REST:
 * `PUT /api/{v}/sites/{siteId}/datasources/{datasourceId}/connections/{connectionId}`.
 * Fails with `NotFound` (404012, 404020: no such data source or
 * connection), `UnsupportedApiVersion` or a `CommonError`. Minimum API
 * version: 2.3.
 *
 * @example
 * ```ts
 * yield* Datasources.updateConnection(datasourceId, connectionId, {
 *   credentials: Connections.credentials("etl", Redacted.make("s3cret"))
 * })
 * ```
 */
export const updateConnection = (
  datasourceId: DatasourceId,
  connectionId: ConnectionId,
  update: ConnectionUpdate
): Effect.Effect<ConnectionItem, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.run(ops.updateConnection, { datasourceId, connectionId }, { body: updateElement(update) })

/**
 * Starts a refresh of the data source's extract and returns the job (wait
 * for it with `Jobs.wait`). REST:
 * `POST /api/{v}/sites/{siteId}/datasources/{datasourceId}/refresh`. Fails
 * with `NotFound` (404012), `UnsupportedApiVersion` or a `CommonError`.
 * Minimum API version: 2.8.
 *
 * @example
 * ```ts
 * const job = yield* Datasources.refresh(datasourceId)
 * ```
 */
export const refresh = (
  datasourceId: DatasourceId
): Effect.Effect<JobItem, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.run(ops.refresh, { datasourceId }, { body: emptyRequest() })

/**
 * The revisions of a data source (TSC's `populate_revisions`). REST:
 * `GET /api/{v}/sites/{siteId}/datasources/{datasourceId}/revisions`. Fails
 * with `NotFound` (404012), `UnsupportedApiVersion` or a `CommonError`.
 * Minimum API version: 2.3.
 *
 * @example
 * ```ts
 * const history = yield* Stream.runCollect(Datasources.revisions(datasourceId))
 * ```
 */
export const revisions = (
  datasourceId: DatasourceId,
  options?: StreamOptions
): Stream.Stream<RevisionItem, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.stream(ops.revisions, { datasourceId }, options)

/**
 * The data source file (`.tdsx`, or `.tds` without extract), streamed as
 * it arrives (TSC's `download`); `includeExtract: false` leaves the extract
 * out (API 2.5), `revision` downloads an older revision (the same as
 * {@link downloadRevision}), `onProgress` reports the bytes received and
 * the file's size (see `Progress`). REST:
 * `GET /api/{v}/sites/{siteId}/datasources/{datasourceId}/content`
 * (`?includeExtract=false`). Fails with `NotFound` (404012),
 * `UnsupportedApiVersion`, `InvalidRequest` or a `CommonError`. Minimum API
 * version: 2.0 (`includeExtract`: 2.5, `revision`: 2.3).
 *
 * @example
 * ```ts
 * const bytes = yield* Stream.runCollect(Datasources.download(datasourceId))
 * ```
 */
export const download = (
  datasourceId: DatasourceId,
  options?: DownloadOptions
): Stream.Stream<Uint8Array, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  downloadOf(ops, { datasourceId }, options)

/**
 * The file of one revision of a data source, streamed as it arrives (TSC's
 * `download_revision`); the options are those of {@link download}. REST:
 * `GET /api/{v}/sites/{siteId}/datasources/{datasourceId}/revisions/{revision}/content`
 * (`?includeExtract=false`, API 2.5). Fails with `NotFound` (404012),
 * `InvalidRequest` (a revision that is not a whole number from 1),
 * `UnsupportedApiVersion` or a `CommonError`. Minimum API version: 2.3.
 *
 * @example
 * ```ts
 * const first = Datasources.downloadRevision(datasourceId, 1)
 * ```
 */
export const downloadRevision = (
  datasourceId: DatasourceId,
  revision: number,
  options?: Omit<DownloadOptions, "revision">
): Stream.Stream<Uint8Array, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  downloadOf(ops, { datasourceId }, { ...options, revision })

// ---------------------------------------------------------------------------
// Publishing
// ---------------------------------------------------------------------------

export type { PublishCommon, PublishError } from "./internal/publish.ts"
export type { Content as PublishContent, Progress as PublishProgress } from "./internal/upload.ts"

/** The data source to publish. */
export interface NewDatasource {
  /** The data source's name on the server. */
  readonly name: string
  readonly projectId: ProjectId
  readonly description?: string | undefined
  /** Keep the connection inside the private network through Tableau Bridge. */
  readonly useRemoteQueryAgent?: boolean | undefined
}

/** Options of {@link publish}. */
export interface PublishDatasourceOptions<E = never> extends Publish.PublishCommon<E> {
  readonly item: NewDatasource
}

const datasourceKind: Publish.PublishKind = {
  operation: ops.publish,
  filePart: "tableau_datasource",
  typeParameter: "datasourceType",
  extensions: ["tds", "tdsx", "tde", "hyper"],
  allowAppend: true
}

const publishJob = jobDecoder

/** The overloads of {@link publish}: the item, or with `asJob: true` the job. */
export interface PublishDatasource {
  <E = never>(
    options: PublishDatasourceOptions<E> & { readonly asJob: true }
  ): Effect.Effect<JobItem, Publish.PublishError<E>, TableauSession>
  <E = never>(options: PublishDatasourceOptions<E>): Effect.Effect<DatasourceItem, Publish.PublishError<E>, TableauSession>
}

/**
 * Publishes a data source file (`.tds`, `.tdsx`, `.tde`, `.hyper`) from a
 * Stream, bytes, a web ReadableStream or a Blob, or appends an extract to
 * an existing one (`mode: "Append"`), without holding the file in memory
 * (TSC's `datasources.publish`). Up to 64 MB of known size goes in one
 * `multipart/mixed` request; larger or unknown-size content goes through a
 * chunked file upload, resending a failed chunk on the same session.
 * `asJob: true` returns the publish job. REST:
 * `POST /api/{v}/sites/{siteId}/datasources`
 * (`?overwrite=&append=&asJob=&uploadSessionId=&datasourceType=`).
 * Fails with `InvalidRequest` before sending (invalid mode, a file type
 * that is not a data source), `Conflict` (409006, `CreateNew` and the name
 * is taken), `NotFound` (404005 project; `Append` to a data source that
 * does not exist), `UploadSourceError`, `UploadCorrupted`, the content stream's own error, or
 * a `CommonError`. Minimum API version: 2.0 (`asJob`: 3.0).
 *
 * @example
 * ```ts
 * const ds = yield* Datasources.publish({
 *   item: { name: "Orders", projectId },
 *   content: bytes, // or a Blob (a File), a web ReadableStream, a Stream of bytes
 *   fileName: "Orders.hyper",
 *   mode: "CreateNew",
 *   connectionCredentials: Connections.credentials("etl", Redacted.make("s3cret"))
 * })
 * ```
 */
export const publish: PublishDatasource = (<E>(
  options: PublishDatasourceOptions<E>
): Effect.Effect<DatasourceItem | JobItem, Publish.PublishError<E>, TableauSession> => {
  const payload = Xml.el(
    "datasource",
    { name: options.item.name, description: options.item.description, useRemoteQueryAgent: options.item.useRemoteQueryAgent },
    Xml.el("project", { id: options.item.projectId }),
    ...Publish.credentialChildren(options)
  )
  return options.asJob
    ? Publish.publish(datasourceKind, options, payload, {}, publishJob)
    : Publish.publish(datasourceKind, options, payload, {}, datasource)
}) as PublishDatasource
