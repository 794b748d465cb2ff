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
import { refPath } from "./internal/content.ts"
import * as Endpoint from "./internal/endpoint.ts"
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

const tagsDecoder = Endpoint.one("tags", TagLabels)

/**
 * Adds tags to a workbook, view or data source; returns the tags added.
 * Tags it already has are kept. REST: `PUT /api/{v}/sites/{siteId}/workbooks/{id}/tags`
 * (`views/{id}/tags`, `datasources/{id}/tags`). Fails with `NotFound`
 * (404006 workbook, 404011 view, 404012 data source), `InvalidRequest` (no
 * tags, or an empty tag) or a `CommonError`. Minimum API version: 2.0.
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
    : Endpoint.call({
      operation: "Tags.add",
      method: "PUT",
      path: refPath(target, Endpoint.path`tags`),
      body: Xml.el("tags", {}, ...labels.map((label) => Xml.el("tag", { label }))),
      errors: ["NotFound"]
    }, tagsDecoder)

const delete_ = (target: Taggable, label: string): Effect.Effect<void, CommonError | NotFound, TableauSession> =>
  Endpoint.call({
    operation: "Tags.delete",
    method: "DELETE",
    path: refPath(target, Endpoint.text("tags", label)),
    errors: ["NotFound"]
  }, Endpoint.none)

export {
  /**
   * Removes one tag from a workbook, view or data source. REST:
   * `DELETE /api/{v}/sites/{siteId}/workbooks/{id}/tags/{tag}` (`views/...`,
   * `datasources/...`). Fails with `NotFound` (the item, or 404007 the
   * item has no such tag), `InvalidRequest` (an empty tag, or `.` / `..`,
   * which a URL path cannot carry) or a `CommonError`. Labels are user
   * text: `/`, `?`, `#`, `\` and any other character are percent-encoded
   * in the path. Minimum API version: 2.0.
   *
   * @example
   * ```ts
   * yield* Tags.delete(Content.view(viewId), "kpi")
   * ```
   */
  delete_ as delete
}
