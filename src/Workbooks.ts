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
import * as Content from "./Content.ts"
import { OwnerReference, ProjectReference } from "./Content.ts"
import type { CommonError, Conflict, NotFound, UnsupportedApiVersion } from "./Errors.ts"
import type { ConnectionId, ProjectId, UserId } from "./Ids.ts"
import { ViewId, WorkbookId } from "./Ids.ts"
import type { DownloadOptions } from "./internal/content.ts"
import {
  bytes,
  connectionsOf,
  downloadOf,
  flag,
  refreshOf,
  revisionsOf,
  updateConnectionOf
} from "./internal/content.ts"
import * as Endpoint from "./internal/endpoint.ts"
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
const listSpec: Endpoint.Spec = { operation: "Workbooks.list", method: "GET", path: Endpoint.path`workbooks`, errors: [] }

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
  Endpoint.call({
    operation: "Workbooks.get",
    method: "GET",
    path: Endpoint.path`workbooks/${workbookId}`,
    errors: ["NotFound"]
  }, workbook)

/**
 * Reads one page of the workbooks of the site (TSC's `workbooks.get`).
 * REST: `GET /api/{v}/sites/{siteId}/workbooks`. Filter and sort fields
 * include `name`, `projectName`, `ownerName`, `tags`, `createdAt`,
 * `updatedAt`. Fails with a `CommonError`. Minimum API version: 2.3.
 *
 * @example
 * ```ts
 * const { items } = yield* Workbooks.getPage({ filter: [RequestOptions.eq("projectName", "Finance")] })
 * ```
 */
export const getPage = (options?: PageOptions): Effect.Effect<Page<WorkbookItem>, CommonError, TableauSession> =>
  Endpoint.page(listSpec, workbooks, options)

/**
 * Every workbook of the site, as a Stream over all pages (TSC's
 * `Pager(server.workbooks)`). REST: `GET /api/{v}/sites/{siteId}/workbooks`.
 * Fails with a `CommonError`. Minimum API version: 2.3.
 *
 * @example
 * ```ts
 * const all = yield* Stream.runCollect(Workbooks.list({ sort: [RequestOptions.asc("name")] }))
 * ```
 */
export const list = (options?: StreamOptions): Stream.Stream<WorkbookItem, CommonError, TableauSession> =>
  Endpoint.stream(listSpec, workbooks, options)

/**
 * Changes a workbook: name, description, tabs, encryption, project or
 * owner. REST: `PUT /api/{v}/sites/{siteId}/workbooks/{workbookId}`. Fails
 * with `NotFound` (404006 workbook, 404005 project, 404002 owner),
 * `Conflict` (409006, the name is taken in the target project),
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
  Endpoint.call({
    operation: "Workbooks.update",
    method: "PUT",
    path: Endpoint.path`workbooks/${workbookId}`,
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
    ),
    errors: ["NotFound", "Conflict"]
  }, workbook)

const delete_ = (workbookId: WorkbookId): Effect.Effect<void, CommonError | NotFound, TableauSession> =>
  Endpoint.call({
    operation: "Workbooks.delete",
    method: "DELETE",
    path: Endpoint.path`workbooks/${workbookId}`,
    errors: ["NotFound"]
  }, Endpoint.none)

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
  Endpoint.stream({
    operation: "Workbooks.views",
    method: "GET",
    path: Endpoint.path`workbooks/${workbookId}/views`,
    query: { includeUsageStatistics: flag(options?.includeUsageStatistics) },
    errors: ["NotFound"]
  }, viewsDecoder)

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
  connectionsOf("Workbooks.connections", Content.workbook(workbookId))

/**
 * Changes a connection of a workbook: server, port, credentials, query
 * tagging. REST:
 * `PUT /api/{v}/sites/{siteId}/workbooks/{workbookId}/connections/{connectionId}`.
 * Fails with `NotFound` (404006 workbook, 404020 connection),
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
  updateConnectionOf("Workbooks.updateConnection", Content.workbook(workbookId), connectionId, update)

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
  bytes({
    operation: "Workbooks.previewImage",
    method: "GET",
    path: Endpoint.path`workbooks/${workbookId}/previewImage`,
    errors: ["NotFound"]
  })

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
  refreshOf("Workbooks.refresh", Content.workbook(workbookId))

/**
 * The revisions of a workbook. REST:
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
  revisionsOf("Workbooks.revisions", Content.workbook(workbookId), options)

/**
 * The workbook file (`.twbx`, or `.twb` without extract), streamed as it
 * arrives (TSC's `download`): pipe it to a file, an object store or a hash.
 * `includeExtract: false` leaves the extract out; `revision` downloads an
 * older revision; `onProgress` reports the bytes received and the file's
 * size (see `Progress`). REST:
 * `GET /api/{v}/sites/{siteId}/workbooks/{workbookId}/content?includeExtract=`
 * (`.../revisions/{n}/content`). Fails with `NotFound` (404006),
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
  downloadOf("Workbooks.download", Content.workbook(workbookId), options)

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
  operation: "Workbooks.publish",
  collection: "workbooks",
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
 * `POST /api/{v}/sites/{siteId}/workbooks?overwrite=&asJob=&skipConnectionCheck=&uploadSessionId=&workbookType=`
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
