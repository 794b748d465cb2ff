/**
 * Workbooks: read, update, delete, download and refresh workbooks, list
 * their views, connections and revisions (TSC's `workbooks`).
 *
 * Where TSC populates an item (`populate_views`, `populate_connections`,
 * `populate_preview_image`), these return the data: `views(id)` and
 * `connections(id)` are Streams, `previewImage(id)` the PNG bytes.
 * `download` streams the file without holding it in memory.
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
import { ViewId, WorkbookId } from "./Ids.ts"
import type { DownloadOptions } from "./internal/content.ts"
import {
  bytes,
  downloadOf,
  emptyRequest,
  flag,
  publishableOperations,
  updateElement
} from "./internal/content.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Operation from "./internal/operation.ts"
import * as Publish from "./internal/publish.ts"
import { type ClassOf, OptionalBoolean, OptionalDate, OptionalInt, OptionalString } from "./internal/schema.ts"
import * as Xml from "./internal/xml.ts"
import { JobItem, jobDecoder } from "./Jobs.ts"
import type { Page, PageOptions, StreamOptions } from "./RequestOptions.ts"
import { TagLabelsOrEmpty } from "./Tags.ts"
import type { TableauSession } from "./TableauSession.ts"
import { type ListViewsOptions, type ViewItem, viewsDecoder } from "./Views.ts"

export type { DownloadOptions } from "./internal/content.ts"

const WorkbookItemFields = {
  id: WorkbookId,
  name: Schema.String,
  description: OptionalString,
  contentUrl: OptionalString,
  webpageUrl: OptionalString,
  /** Whether the workbook shows its sheets as tabs. */
  showTabs: OptionalBoolean,
  /** Size in megabytes. */
  size: OptionalInt,
  createdAt: OptionalDate,
  updatedAt: OptionalDate,
  encryptExtracts: OptionalBoolean,
  defaultViewId: Schema.optional(ViewId) as Schema.optional<typeof ViewId>,
  project: Schema.optional(ProjectReference) as Schema.optional<typeof ProjectReference>,
  owner: Schema.optional(OwnerReference) as Schema.optional<typeof OwnerReference>,
  tags: TagLabelsOrEmpty
}

const WorkbookItemBase: ClassOf<WorkbookItem, typeof WorkbookItemFields> = Schema.Class<WorkbookItem>("WorkbookItem")(
  WorkbookItemFields
)

/** A workbook (`<workbook>`). */
export class WorkbookItem extends WorkbookItemBase {}

/** What `update` changes; what is left out stays as it is. */
export interface WorkbookFields {
  readonly name?: string | undefined
  readonly description?: string | undefined
  readonly showTabs?: boolean | undefined
  readonly encryptExtracts?: boolean | undefined
  /** Moves the workbook to another project. */
  readonly projectId?: ProjectId | undefined
  /** Gives the workbook to another user. */
  readonly ownerId?: UserId | undefined
}

const workbook = Endpoint.one("workbook", WorkbookItem)
const workbooks = Endpoint.items("workbooks", "workbook", WorkbookItem)

const shared = publishableOperations({
  module: "Workbooks",
  collection: "workbooks",
  idParam: "workbookId",
  notFound: "404006"
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
    name: "Workbooks.get",
    method: "GET",
    scope: "site",
    path: "workbooks/{workbookId}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404006"] },
    decoder: workbook
  }),
  list: Operation.make({
    name: "Workbooks.list",
    method: "GET",
    scope: "site",
    path: "workbooks",
    // Query Workbooks for Site came with 2.3 (the docs always said so; TSC
    // does not gate it, so this is the REST reference's word, not TSC's).
    minApiVersion: "2.3",
    errors: {},
    decoder: workbooks,
    fields: ["name", "projectName", "ownerName", "tags", "createdAt", "updatedAt"]
  }),
  update: Operation.make({
    name: "Workbooks.update",
    method: "PUT",
    scope: "site",
    path: "workbooks/{workbookId}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404006", "404005", "404002"], Conflict: ["409006"] },
    decoder: workbook
  }),
  delete: Operation.make({
    name: "Workbooks.delete",
    method: "DELETE",
    scope: "site",
    path: "workbooks/{workbookId}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404006"] },
    decoder: Endpoint.none
  }),
  views: Operation.make({
    name: "Workbooks.views",
    method: "GET",
    scope: "site",
    path: "workbooks/{workbookId}/views",
    minApiVersion: "2.0",
    errors: { NotFound: ["404006"] },
    decoder: viewsDecoder
  }),
  previewImage: Operation.make({
    name: "Workbooks.previewImage",
    method: "GET",
    scope: "site",
    path: "workbooks/{workbookId}/previewImage",
    minApiVersion: "2.0",
    errors: { NotFound: ["404006"] },
    decoder: Endpoint.none
  }),
  publish: Operation.make({
    name: "Workbooks.publish",
    method: "POST",
    scope: "site",
    path: "workbooks",
    minApiVersion: "2.0",
    errors: { Conflict: ["409006"], NotFound: ["404005"] },
    // The item; with asJob the caller decodes the job instead (see publish).
    decoder: workbook
  }),
  ...shared
}

/** The declared operations, typed precisely in `ops`; exported for tooling. */
export const operations: Operation.Operations = ops

/**
 * Reads one workbook (TSC's `get_by_id`). REST:
 * `GET /api/{v}/sites/{siteId}/workbooks/{workbookId}`. Fails with
 * `NotFound` (404006) or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const wb = yield* Workbooks.get(workbookId)
 * ```
 */
export const get = (workbookId: WorkbookId): Effect.Effect<WorkbookItem, CommonError | NotFound, TableauSession> =>
  Operation.run(ops.get, { workbookId })

/**
 * Reads one page of the workbooks of the site (TSC's `workbooks.get`).
 * REST: `GET /api/{v}/sites/{siteId}/workbooks`. Filter and sort fields
 * include `name`, `projectName`, `ownerName`, `tags`, `createdAt`,
 * `updatedAt`. Fails with `UnsupportedApiVersion` (before 2.3) or a
 * `CommonError`. Minimum API version: 2.3.
 *
 * @example
 * ```ts
 * const { items } = yield* Workbooks.getPage({ filter: [RequestOptions.eq("projectName", "Finance")] })
 * ```
 */
export const getPage = (
  options?: PageOptions
): Effect.Effect<Page<WorkbookItem>, CommonError | UnsupportedApiVersion, TableauSession> =>
  Operation.page(ops.list, {}, options)

/**
 * Every workbook of the site, as a Stream over all pages (TSC's
 * `Pager(server.workbooks)`). REST: `GET /api/{v}/sites/{siteId}/workbooks`.
 * Fails with `UnsupportedApiVersion` (before 2.3) or a `CommonError`.
 * Minimum API version: 2.3.
 *
 * @example
 * ```ts
 * const all = yield* Stream.runCollect(Workbooks.list({ sort: [RequestOptions.asc("name")] }))
 * ```
 */
export const list = (
  options?: StreamOptions
): Stream.Stream<WorkbookItem, CommonError | UnsupportedApiVersion, TableauSession> =>
  Operation.stream(ops.list, {}, options)

/**
 * Changes a workbook: name, description, tabs, encryption, project or
 * owner. REST: `PUT /api/{v}/sites/{siteId}/workbooks/{workbookId}`. Fails
 * with `NotFound` (404006, 404005, 404002: no such workbook, project or
 * owner), `Conflict` (409006, the name is taken in the target project),
 * `Forbidden` or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const moved = yield* Workbooks.update(workbookId, { projectId, ownerId, showTabs: true })
 * ```
 */
export const update = (
  workbookId: WorkbookId,
  changes: WorkbookFields
): Effect.Effect<WorkbookItem, CommonError | NotFound | Conflict, TableauSession> =>
  Operation.run(ops.update, { workbookId }, {
    body: Xml.el(
      "workbook",
      {
        name: changes.name,
        description: changes.description,
        showTabs: changes.showTabs,
        encryptExtracts: changes.encryptExtracts
      },
      changes.projectId && Xml.el("project", { id: changes.projectId }),
      changes.ownerId && Xml.el("owner", { id: changes.ownerId })
    )
  })

const delete_ = (workbookId: WorkbookId): Effect.Effect<void, CommonError | NotFound, TableauSession> =>
  Operation.run(ops.delete, { workbookId })

export {
  /**
   * Deletes a workbook and its views. REST:
   * `DELETE /api/{v}/sites/{siteId}/workbooks/{workbookId}`. Fails with
   * `NotFound` (404006), `Forbidden` or a `CommonError`. Minimum API version: 2.0.
   *
   * @example
   * ```ts
   * yield* Workbooks.delete(workbookId)
   * ```
   */
  delete_ as delete
}

/**
 * The views of a workbook (TSC's `populate_views`), with usage statistics
 * if asked. REST: `GET /api/{v}/sites/{siteId}/workbooks/{workbookId}/views`.
 * Fails with `NotFound` (404006) or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const views = yield* Stream.runCollect(Workbooks.views(workbookId, { includeUsageStatistics: true }))
 * ```
 */
export const views = (
  workbookId: WorkbookId,
  options?: ListViewsOptions
): Stream.Stream<ViewItem, CommonError | NotFound, TableauSession> =>
  Operation.stream(ops.views, { workbookId }, undefined, {
    query: { includeUsageStatistics: flag(options?.includeUsageStatistics) }
  })

/**
 * The connections of a workbook (TSC's `populate_connections`). REST:
 * `GET /api/{v}/sites/{siteId}/workbooks/{workbookId}/connections`. Fails
 * with `NotFound` (404006), `UnsupportedApiVersion` or a `CommonError`.
 * Minimum API version: 2.3.
 *
 * @example
 * ```ts
 * const connections = yield* Stream.runCollect(Workbooks.connections(workbookId))
 * ```
 */
export const connections = (
  workbookId: WorkbookId
): Stream.Stream<ConnectionItem, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.stream(ops.connections, { workbookId })

/**
 * Changes a connection of a workbook: server, port, credentials, query
 * tagging. REST:
 * `PUT /api/{v}/sites/{siteId}/workbooks/{workbookId}/connections/{connectionId}`.
 * Fails with `NotFound` (404006, 404020: no such workbook or connection),
 * `UnsupportedApiVersion` or a `CommonError`. Minimum API version: 2.3.
 *
 * @example
 * ```ts
 * const updated = yield* Workbooks.updateConnection(workbookId, connectionId, {
 *   serverAddress: "db.example.com",
 *   credentials: Connections.credentials("analyst", Redacted.make("s3cret"), { embed: true })
 * })
 * ```
 */
export const updateConnection = (
  workbookId: WorkbookId,
  connectionId: ConnectionId,
  update: ConnectionUpdate
): Effect.Effect<ConnectionItem, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.run(ops.updateConnection, { workbookId, connectionId }, { body: updateElement(update) })

/**
 * The thumbnail of a workbook (its first view) as PNG bytes (TSC's
 * `populate_preview_image`). REST:
 * `GET /api/{v}/sites/{siteId}/workbooks/{workbookId}/previewImage`. Fails
 * with `NotFound` (404006) or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const png = yield* Workbooks.previewImage(workbookId)
 * ```
 */
export const previewImage = (
  workbookId: WorkbookId
): Effect.Effect<Uint8Array, CommonError | NotFound, TableauSession> =>
  bytes(Operation.specOf(ops.previewImage, { workbookId }))

/**
 * Starts a refresh of the workbook's extracts and returns the job (wait
 * for it with `Jobs.wait`). REST:
 * `POST /api/{v}/sites/{siteId}/workbooks/{workbookId}/refresh`. Fails with
 * `NotFound` (404006), `UnsupportedApiVersion` or a `CommonError`.
 * Minimum API version: 2.8.
 *
 * @example
 * ```ts
 * const job = yield* Workbooks.refresh(workbookId)
 * yield* Jobs.wait(job.id, { timeout: "30 minutes" })
 * ```
 */
export const refresh = (
  workbookId: WorkbookId
): Effect.Effect<JobItem, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.run(ops.refresh, { workbookId }, { body: emptyRequest() })

/**
 * The revisions of a workbook (TSC's `populate_revisions`). REST:
 * `GET /api/{v}/sites/{siteId}/workbooks/{workbookId}/revisions`. Fails
 * with `NotFound` (404006), `UnsupportedApiVersion` or a `CommonError`.
 * Minimum API version: 2.3.
 *
 * @example
 * ```ts
 * const history = yield* Stream.runCollect(Workbooks.revisions(workbookId))
 * ```
 */
export const revisions = (
  workbookId: WorkbookId,
  options?: StreamOptions
): Stream.Stream<RevisionItem, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.stream(ops.revisions, { workbookId }, options)

/**
 * The workbook file (`.twbx`, or `.twb` without extract), streamed as it
 * arrives (TSC's `download`): pipe it to a file, an object store or a hash.
 * `includeExtract: false` leaves the extract out (API 2.5); `revision`
 * downloads an older revision (the same as {@link downloadRevision});
 * `onProgress` reports the bytes received and the file's size (see
 * `Progress`). REST:
 * `GET /api/{v}/sites/{siteId}/workbooks/{workbookId}/content`
 * (`?includeExtract=false`). Fails with `NotFound` (404006),
 * `UnsupportedApiVersion`, `InvalidRequest` or a `CommonError`. Minimum
 * API version: 2.0 (`includeExtract`: 2.5, `revision`: 2.3).
 *
 * @example
 * ```ts
 * const size = yield* Workbooks.download(workbookId, {
 *   includeExtract: false,
 *   onProgress: (p) => Effect.log(Progress.format(p))
 * }).pipe(Stream.runFold(0, (n, chunk) => n + chunk.length))
 * ```
 */
export const download = (
  workbookId: WorkbookId,
  options?: DownloadOptions
): Stream.Stream<Uint8Array, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  downloadOf(ops, { workbookId }, options)

/**
 * The file of one revision of a workbook, streamed as it arrives (TSC's
 * `download_revision`); the options are those of {@link download}. REST:
 * `GET /api/{v}/sites/{siteId}/workbooks/{workbookId}/revisions/{revision}/content`
 * (`?includeExtract=false`, API 2.5). Fails with `NotFound` (404006),
 * `InvalidRequest` (a revision that is not a whole number from 1),
 * `UnsupportedApiVersion` or a `CommonError`. Minimum API version: 2.3.
 *
 * @example
 * ```ts
 * const first = Workbooks.downloadRevision(workbookId, 1)
 * ```
 */
export const downloadRevision = (
  workbookId: WorkbookId,
  revision: number,
  options?: Omit<DownloadOptions, "revision">
): Stream.Stream<Uint8Array, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  downloadOf(ops, { workbookId }, { ...options, revision })

// ---------------------------------------------------------------------------
// Publishing
// ---------------------------------------------------------------------------

export type { PublishCommon, PublishError } from "./internal/publish.ts"
export type { Content as PublishContent, Progress as PublishProgress } from "./internal/upload.ts"

/** The workbook to publish. */
export interface NewWorkbook {
  /** The workbook's name on the server. */
  readonly name: string
  readonly projectId: ProjectId
  readonly description?: string | undefined
  readonly showTabs?: boolean | undefined
}

/** Options of {@link publish}. */
export interface PublishWorkbookOptions<E = never> extends Publish.PublishCommon<E> {
  readonly item: NewWorkbook
  /** Publish even if a connection cannot be reached with the given credentials. */
  readonly skipConnectionCheck?: boolean | undefined
  /** Names of sheets to publish hidden. */
  readonly hiddenViews?: ReadonlyArray<string> | undefined
}

const workbookKind: Publish.PublishKind = {
  operation: ops.publish,
  filePart: "tableau_workbook",
  typeParameter: "workbookType",
  extensions: ["twb", "twbx"],
  allowAppend: false
}

const publishJob = jobDecoder

/** The overloads of {@link publish}: the item, or with `asJob: true` the job. */
export interface PublishWorkbook {
  <E = never>(
    options: PublishWorkbookOptions<E> & { readonly asJob: true }
  ): Effect.Effect<JobItem, Publish.PublishError<E>, TableauSession>
  <E = never>(options: PublishWorkbookOptions<E>): Effect.Effect<WorkbookItem, Publish.PublishError<E>, TableauSession>
}

/**
 * Publishes a workbook file (`.twb`, `.twbx`) from a Stream, bytes, a web
 * ReadableStream or a Blob, without holding it in memory (TSC's
 * `workbooks.publish`). Content of known size up to 64 MB goes in one
 * `multipart/mixed` request; anything larger or of unknown size goes
 * through a chunked file upload (a failed chunk is resent on the same
 * upload session). `onProgress` reports bytes and chunks sent. With
 * `asJob: true` it returns the publish job instead of the workbook. REST:
 * `POST /api/{v}/sites/{siteId}/workbooks`
 * (`?overwrite=&asJob=&skipConnectionCheck=&uploadSessionId=&workbookType=`)
 * (after `POST .../fileUploads` and `PUT .../fileUploads/{id}` per chunk).
 * Fails with `InvalidRequest` before sending (invalid mode, a file type
 * other than `.twb`/`.twbx`, `Append`), `Conflict` (409006, `CreateNew`
 * and the name is taken in the project), `NotFound` (404005 project),
 * `UploadSourceError` (the content broke or did not match `size`),
 * `UploadCorrupted` (a resent chunk was appended twice; nothing published), the
 * content stream's own error, or a `CommonError`. Minimum API version: 2.0
 * (`asJob`: 3.0).
 *
 * @example
 * ```ts
 * const wb = yield* Workbooks.publish({
 *   item: { name: "Sales", projectId },
 *   content: fileStream,
 *   fileName: "Sales.twbx",
 *   mode: "Overwrite",
 *   onProgress: (p) => Effect.log(`${p.bytesSent} bytes in ${p.chunksSent} chunks`)
 * })
 * ```
 */
export const publish: PublishWorkbook = (<E>(
  options: PublishWorkbookOptions<E>
): Effect.Effect<WorkbookItem | JobItem, Publish.PublishError<E>, TableauSession> => {
  const payload = Xml.el(
    "workbook",
    { name: options.item.name, description: options.item.description, showTabs: options.item.showTabs },
    Xml.el("project", { id: options.item.projectId }),
    ...Publish.credentialChildren(options),
    options.hiddenViews !== undefined && options.hiddenViews.length > 0 &&
      Xml.el("views", {}, ...options.hiddenViews.map((name) => Xml.el("view", { name, hidden: true })))
  )
  const query = { skipConnectionCheck: options.skipConnectionCheck ? "true" : undefined }
  return options.asJob
    ? Publish.publish(workbookKind, options, payload, query, publishJob)
    : Publish.publish(workbookKind, options, payload, query, workbook)
}) as PublishWorkbook
