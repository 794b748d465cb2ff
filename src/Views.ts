/**
 * Views: the sheets and dashboards of workbooks (TSC's `views`), their
 * usage statistics, preview images, and exports as PNG, PDF or CSV,
 * streamed as they arrive.
 *
 * Exports take view filters (`filters`), sent as Tableau's `vf_<field>`
 * parameters: several values of one field are joined with commas, and a
 * comma inside a value is sent as `\,`. `onProgress` reports the bytes
 * received and the size when the server sends it (see `Progress`).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { OwnerReference, ProjectReference } from "./Content.ts"
import type { CommonError, NotFound, UnsupportedApiVersion } from "./Errors.ts"
import { InvalidRequest } from "./Errors.ts"
import { ViewId, WorkbookId } from "./Ids.ts"
import { byteStream, bytes, flag, gatedAt } from "./internal/content.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Operation from "./internal/operation.ts"
import { type ClassOf, IntFromString, OptionalDate, OptionalString } from "./internal/schema.ts"
import type { OnProgress } from "./Progress.ts"
import type { Page, PageOptions, StreamOptions } from "./RequestOptions.ts"
import { TagLabelsOrEmpty } from "./Tags.ts"
import type { TableauSession } from "./TableauSession.ts"

const ViewUsageFields = {
  totalViewCount: IntFromString
}

const ViewUsageBase: ClassOf<ViewUsage, typeof ViewUsageFields> = Schema.Class<ViewUsage>("ViewUsage")(ViewUsageFields)

/** `<usage totalViewCount/>`: how often a view was looked at (with `includeUsageStatistics`). */
export class ViewUsage extends ViewUsageBase {}

const ViewWorkbookFields = {
  id: WorkbookId,
  name: OptionalString
}

const ViewWorkbookBase: ClassOf<ViewWorkbook, typeof ViewWorkbookFields> = Schema.Class<ViewWorkbook>("ViewWorkbook")(
  ViewWorkbookFields
)

/** `<workbook id/>` inside a view. */
export class ViewWorkbook extends ViewWorkbookBase {}

const ViewItemFields = {
  id: ViewId,
  name: Schema.String,
  contentUrl: OptionalString,
  viewUrlName: OptionalString,
  /** `worksheet`, `dashboard` or `story`. */
  sheetType: OptionalString,
  createdAt: OptionalDate,
  updatedAt: OptionalDate,
  workbook: Schema.optional(ViewWorkbook) as Schema.optional<typeof ViewWorkbook>,
  owner: Schema.optional(OwnerReference) as Schema.optional<typeof OwnerReference>,
  project: Schema.optional(ProjectReference) as Schema.optional<typeof ProjectReference>,
  tags: TagLabelsOrEmpty,
  /** Present when usage statistics were asked for. */
  usage: Schema.optional(ViewUsage) as Schema.optional<typeof ViewUsage>
}

const ViewItemBase: ClassOf<ViewItem, typeof ViewItemFields> = Schema.Class<ViewItem>("ViewItem")(ViewItemFields)

/** A view (`<view>`). */
export class ViewItem extends ViewItemBase {
  /** The total number of views (TSC's `total_views`), when usage statistics were asked for. */
  get totalViews(): number | undefined {
    return this.usage?.totalViewCount
  }
}

/** Options of `list` and `getPage`. */
export interface ListViewsOptions {
  /** Adds `<usage totalViewCount/>` to each view. */
  readonly includeUsageStatistics?: boolean | undefined
}

/** View filters: field name to one value or several (`vf_<field>=a,b`). */
export type ViewFilters = Readonly<Record<string, string | number | boolean | ReadonlyArray<string | number | boolean>>>

/** Options shared by the exports. */
export interface ExportOptions {
  /** Minutes a cached export may be old before the server renders anew (minimum 1). */
  readonly maxAge?: number | undefined
  /** View filters (`vf_<field>`). */
  readonly filters?: ViewFilters | undefined
  /** Called as bytes arrive: bytes received, and the size when the server sends it. */
  readonly onProgress?: OnProgress | undefined
}

/** Options of `image`. */
export interface ImageOptions extends ExportOptions {
  /** `"high"` renders at the highest resolution. */
  readonly resolution?: "high" | undefined
  /** Size of the rendered viz in pixels (API 3.23 and later). */
  readonly vizWidth?: number | undefined
  readonly vizHeight?: number | undefined
}

/** Page sizes of PDF exports. */
export type PageType =
  | "A3"
  | "A4"
  | "A5"
  | "B4"
  | "B5"
  | "Executive"
  | "Folio"
  | "Ledger"
  | "Legal"
  | "Letter"
  | "Note"
  | "Quarto"
  | "Tabloid"
  | "Unspecified"

/** Options of `pdf`. */
export interface PdfOptions extends ExportOptions {
  readonly pageType?: PageType | undefined
  readonly orientation?: "Portrait" | "Landscape" | undefined
  /** Size of the rendered viz in pixels (API 3.23 and later). */
  readonly vizWidth?: number | undefined
  readonly vizHeight?: number | undefined
}

const view = Endpoint.one("view", ViewItem)
/** @internal */
export const viewsDecoder: Endpoint.Decoder<Page<ViewItem>> = Endpoint.items("views", "view", ViewItem)

/** An export of a view, answered as bytes: only its route, version and errors matter. */
const viewExport = <const Name extends string, const Kind extends string, const V extends string>(
  name: Name,
  kind: Kind,
  minApiVersion: V
) =>
  Operation.make({
    name: `Views.${name}`,
    method: "GET",
    scope: "site",
    path: `views/{viewId}/${kind}` as `views/{viewId}/${Kind}`,
    minApiVersion,
    errors: { NotFound: ["404011"] },
    decoder: Endpoint.none
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
  list: Operation.make({
    name: "Views.list",
    method: "GET",
    scope: "site",
    path: "views",
    // Query Views for Site: 2.2 (as documented here, and TSC's views.get).
    minApiVersion: "2.2",
    errors: {},
    decoder: viewsDecoder
  }),
  get: Operation.make({
    name: "Views.get",
    method: "GET",
    scope: "site",
    path: "views/{viewId}",
    minApiVersion: "3.1",
    errors: { NotFound: ["404011"] },
    decoder: view
  }),
  previewImage: Operation.make({
    name: "Views.previewImage",
    method: "GET",
    scope: "site",
    path: "workbooks/{workbookId}/views/{viewId}/previewImage",
    minApiVersion: "2.0",
    errors: { NotFound: ["404006", "404011"] },
    decoder: Endpoint.none
  }),
  image: viewExport("image", "image", "2.5"),
  // TSC gates its PDF and CSV exports at 2.7; 2.8 is what these docs have
  // always said (not confirmed against the REST reference here).
  pdf: viewExport("pdf", "pdf", "2.8"),
  csv: viewExport("csv", "data", "2.8")
}

/** The declared operations, typed precisely in `ops`; exported for tooling. */
export const operations: Operation.Operations = ops

/**
 * Reads one page of the views of the site (TSC's `views.get`), with usage
 * statistics if asked. REST: `GET /api/{v}/sites/{siteId}/views`. Fails
 * with `UnsupportedApiVersion` (before 2.2) or a `CommonError`. Minimum API
 * version: 2.2.
 *
 * @example
 * ```ts
 * const { items } = yield* Views.getPage({ includeUsageStatistics: true, pageSize: 50 })
 * ```
 */
export const getPage = (
  options?: PageOptions & ListViewsOptions
): Effect.Effect<Page<ViewItem>, CommonError | UnsupportedApiVersion, TableauSession> =>
  Operation.page(ops.list, {}, options, usageQuery(options))

/**
 * Every view of the site, as a Stream over all pages, with usage
 * statistics if asked. REST: `GET /api/{v}/sites/{siteId}/views`. Fails
 * with `UnsupportedApiVersion` (before 2.2) or a `CommonError`. Minimum API
 * version: 2.2.
 *
 * @example
 * ```ts
 * const popular = Views.list({ includeUsageStatistics: true }).pipe(Stream.filter((v) => (v.totalViews ?? 0) > 100))
 * ```
 */
export const list = (
  options?: StreamOptions & ListViewsOptions
): Stream.Stream<ViewItem, CommonError | UnsupportedApiVersion, TableauSession> =>
  Operation.stream(ops.list, {}, options, usageQuery(options))

/**
 * Reads one view (Get View, TSC's `views.get_by_id`). REST:
 * `GET /api/{v}/sites/{siteId}/views/{viewId}`. Fails with `NotFound`
 * (404011), `UnsupportedApiVersion` or a `CommonError`. Minimum API
 * version: 3.1.
 *
 * @example
 * ```ts
 * const v = yield* Views.get(viewId)
 * ```
 */
export const get = (
  viewId: ViewId
): Effect.Effect<ViewItem, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.run(ops.get, { viewId })

/**
 * The thumbnail of a view as PNG bytes (TSC's `populate_preview_image`).
 * REST: `GET /api/{v}/sites/{siteId}/workbooks/{workbookId}/views/{viewId}/previewImage`.
 * Fails with `NotFound` (404006, 404011: no such workbook, or no such view
 * in it) or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const png = yield* Views.previewImage(view.workbook!.id, view.id)
 * ```
 */
export const previewImage = (
  workbookId: WorkbookId,
  viewId: ViewId
): Effect.Effect<Uint8Array, CommonError | NotFound, TableauSession> =>
  bytes(Operation.specOf(ops.previewImage, { workbookId, viewId }))

/** Escapes a `vf_` value: Tableau splits values on commas, so a literal comma is `\,`. */
export const escapeFilterValue = (value: string | number | boolean): string => String(value).replace(/,/g, "\\,")

const filterQuery = (operation: string, filters: ViewFilters | undefined) => {
  const query: Record<string, string> = {}
  for (const [field, value] of Object.entries(filters ?? {})) {
    if (field.trim() === "") return new InvalidRequest({ operation, reason: "a view filter needs a field name" })
    const values = Array.isArray(value) ? value : [value as string | number | boolean]
    query[`vf_${field}`] = values.map(escapeFilterValue).join(",")
  }
  return query
}

const checkMaxAge = (operation: string, maxAge: number | undefined) =>
  maxAge !== undefined && !(Number.isInteger(maxAge) && maxAge >= 1)
    ? new InvalidRequest({ operation, reason: `maxAge must be a whole number of minutes from 1, got ${maxAge}` })
    : undefined

const usageQuery = (options: ListViewsOptions | undefined): Operation.Request => ({
  query: { includeUsageStatistics: flag(options?.includeUsageStatistics) }
})

const exportStream = (
  operation: typeof ops.image | typeof ops.pdf | typeof ops.csv,
  viewId: ViewId,
  options: ImageOptions & PdfOptions
): Stream.Stream<Uint8Array, CommonError | NotFound | UnsupportedApiVersion, TableauSession> => {
  const filters = filterQuery(operation.name, options.filters)
  if (filters instanceof InvalidRequest) return Stream.fail(filters)
  const invalid = checkMaxAge(operation.name, options.maxAge)
  if (invalid !== undefined) return Stream.fail(invalid)
  const sized = options.vizWidth !== undefined || options.vizHeight !== undefined
  const spec = Operation.specOf(operation, { viewId }, {
    query: {
      resolution: options.resolution,
      type: options.pageType,
      orientation: options.orientation,
      maxAge: options.maxAge === undefined ? undefined : String(options.maxAge),
      vizWidth: options.vizWidth === undefined ? undefined : String(options.vizWidth),
      vizHeight: options.vizHeight === undefined ? undefined : String(options.vizHeight),
      ...filters
    }
  })
  // vizWidth and vizHeight came with 3.23: a per-parameter gate on top of the operation's.
  return byteStream(gatedAt(spec, sized ? "3.23" : undefined), options.onProgress)
}

/**
 * Renders a view as a PNG image, streamed. REST:
 * `GET /api/{v}/sites/{siteId}/views/{viewId}/image`
 * (`?resolution=high&maxAge=&vf_<field>=`).
 * Fails with `NotFound` (404011), `InvalidRequest` (bad `maxAge` or filter),
 * `UnsupportedApiVersion` (`vizWidth`/`vizHeight` before 3.23) or a
 * `CommonError`. Minimum API version: 2.5.
 *
 * @example
 * ```ts
 * const png = Views.image(viewId, { resolution: "high", filters: { Region: ["East", "West"] } })
 * ```
 */
export const image = (
  viewId: ViewId,
  options: ImageOptions = {}
): Stream.Stream<Uint8Array, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  exportStream(ops.image, viewId, options)

/**
 * Renders a view as a PDF document, streamed. REST:
 * `GET /api/{v}/sites/{siteId}/views/{viewId}/pdf`
 * (`?type=&orientation=&maxAge=&vf_<field>=`).
 * Fails with `NotFound` (404011), `InvalidRequest`, `UnsupportedApiVersion`
 * or a `CommonError`. Minimum API version: 2.8.
 *
 * @example
 * ```ts
 * const pdf = Views.pdf(viewId, { pageType: "A4", orientation: "Landscape" })
 * ```
 */
export const pdf = (
  viewId: ViewId,
  options: PdfOptions = {}
): Stream.Stream<Uint8Array, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  exportStream(ops.pdf, viewId, options)

/**
 * The data of a view as CSV (UTF-8 bytes), streamed. REST:
 * `GET /api/{v}/sites/{siteId}/views/{viewId}/data`
 * (`?maxAge=&vf_<field>=`).
 * Fails with `NotFound` (404011), `InvalidRequest`, `UnsupportedApiVersion`
 * or a `CommonError`. Minimum API version: 2.8.
 *
 * @example
 * ```ts
 * const rows = Views.csv(viewId, { filters: { City: "Portland, OR" } }).pipe(Stream.decodeText(), Stream.splitLines)
 * ```
 */
export const csv = (
  viewId: ViewId,
  options: ExportOptions = {}
): Stream.Stream<Uint8Array, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  exportStream(ops.csv, viewId, options)
