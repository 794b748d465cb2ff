/**
 * Tags: keywords on workbooks, views and data sources (TSC's
 * `workbooks.update` with `tags`, `views.add_tags`, ...).
 *
 * Refer to the item with `Content.workbook(id)`, `Content.view(id)` or
 * `Content.datasource(id)`.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { DatasourceRef, ViewRef, WorkbookRef } from "./Content.ts"
import type { CommonError, NotFound } from "./Errors.ts"
import { InvalidRequest } from "./Errors.ts"
import { collectionOf } from "./internal/content.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Operation from "./internal/operation.ts"
import { type ClassOf, Collection } from "./internal/schema.ts"
import * as Xml from "./internal/xml.ts"
import type { TableauSession } from "./TableauSession.ts"

const TagItemFields = {
  label: Schema.String
}

const TagItemBase: ClassOf<TagItem, typeof TagItemFields> = Schema.Class<TagItem>("TagItem")(TagItemFields)

/** `<tag label/>`. */
export class TagItem extends TagItemBase {}

/** The `<tags>` element of an item, decoded to its labels (empty when absent). */
export const TagLabels: Schema.Schema<ReadonlyArray<string>, unknown> = Schema.transform(
  Collection("tag", TagItem),
  Schema.Array(Schema.String),
  { strict: true, decode: (tags) => tags.map((t) => t.label), encode: (labels) => labels.map((label) => new TagItem({ label })) }
)

/**
 * The `tags` field of a content item: its labels, `[]` when the element is
 * absent. Typed for JSR's fast check.
 *
 * @internal
 */
export const TagLabelsOrEmpty: Schema.optionalWith<typeof TagLabels, { default: () => ReadonlyArray<string> }> = Schema
  .optionalWith(TagLabels, { default: (): ReadonlyArray<string> => [] })

/** The items tags can be put on. */
export type Taggable = WorkbookRef | ViewRef | DatasourceRef

/**
 * The REST operations this module runs, as data: each one's route, minimum
 * API version and documented errors, declared once and read by the
 * functions below, their docs and the contract tests. For tooling; call the
 * functions.
 *
 * One declaration per operation serves workbooks, views and data sources:
 * Tableau's route is the same with the content's collection as its first
 * segment (`{collection}`: `workbooks`, `views` or `datasources`), all three
 * exist from API 2.0 with the same errors, and each module function takes
 * any taggable item.
 *
 * @since 0.1.0
 * @category operations
 */
export const operations: {
  readonly add: Operation.Operation<"{collection}/{itemId}/tags", ReadonlyArray<string>, "NotFound", "2.0">
  readonly delete: Operation.Operation<"{collection}/{itemId}/tags/{label}", void, "NotFound", "2.0">
} = {
  add: Operation.make({
    name: "Tags.add",
    method: "PUT",
    scope: "site",
    path: "{collection}/{itemId}/tags",
    minApiVersion: "2.0",
    errors: { NotFound: ["404006", "404011", "404012"] },
    decoder: Endpoint.one("tags", TagLabels)
  }),
  delete: Operation.make({
    name: "Tags.delete",
    method: "DELETE",
    scope: "site",
    path: "{collection}/{itemId}/tags/{label}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404006", "404011", "404012", "404007"] },
    decoder: Endpoint.none
  })
}

/**
 * Adds tags to a workbook, view or data source; returns the tags added.
 * Tags it already has are kept. REST:
 * `PUT /api/{v}/sites/{siteId}/{collection}/{itemId}/tags` (`{collection}`:
 * `workbooks`, `views` or `datasources`). Fails with `NotFound` (404006,
 * 404011, 404012: no such workbook, view, data source), `InvalidRequest`
 * (no tags, or an empty tag) or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const labels = yield* Tags.add(Content.workbook(workbookId), ["finance", "q3"])
 * ```
 */
export const add = (
  target: Taggable,
  labels: ReadonlyArray<string>
): Effect.Effect<ReadonlyArray<string>, CommonError | NotFound, TableauSession> =>
  labels.length === 0 || labels.some((l) => l.trim() === "")
    ? Effect.fail(new InvalidRequest({ operation: "Tags.add", reason: "give at least one tag, and no empty tag" }))
    : Operation.run(operations.add, { collection: collectionOf(target), itemId: target.id }, {
      body: Xml.el("tags", {}, ...labels.map((label) => Xml.el("tag", { label })))
    })

/**
 * The request of `Tags.delete`. `Operation.run` checks every path parameter
 * as an ID (no `/`, `?`, `#`, `\`), but a label is user text: its segment
 * follows `Endpoint.text` instead (anything but empty, `.` and `..`; all of
 * it percent-encoded), while the item ID is still checked as an ID.
 */
const deleteSpec = (target: Taggable, label: string) => {
  const spec = Operation.specOf(operations.delete, { collection: collectionOf(target), itemId: target.id, label })
  const item = Operation.pathOf("{collection}/{itemId}", { collection: collectionOf(target), itemId: target.id })
  return { ...spec, path: { ...spec.path, invalid: item.invalid ?? Endpoint.text("tags", label).invalid } }
}

const delete_ = (target: Taggable, label: string): Effect.Effect<void, CommonError | NotFound, TableauSession> =>
  Endpoint.call(deleteSpec(target, label), operations.delete.decoder)

export {
  /**
   * Removes one tag from a workbook, view or data source. REST:
   * `DELETE /api/{v}/sites/{siteId}/{collection}/{itemId}/tags/{label}`
   * (`{collection}`: `workbooks`, `views` or `datasources`). Fails with
   * `NotFound` (404006, 404011, 404012, 404007: no such workbook, view,
   * data source, or the item has no such tag), `InvalidRequest` (an empty
   * tag, or `.` / `..`, which a URL path cannot carry) or a `CommonError`.
   * Labels are user text: `/`, `?`, `#`, `\` and any other character are
   * percent-encoded in the path. Minimum API version: 2.0.
   *
   * @example
   * ```ts
   * yield* Tags.delete(Content.view(viewId), "kpi")
   * ```
   */
  delete_ as delete
}
