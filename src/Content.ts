/**
 * Pieces shared by the content resources (projects, workbooks, views, data
 * sources): the `<project>` and `<owner>` references inside an item, the
 * revisions of a workbook or data source, the seed's `PublishMode`, and
 * references to content items for `Tags` and `Permissions`.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import type { DatasourceId, ViewId, WorkbookId } from "./Ids.ts"
import { ProjectId, UserId } from "./Ids.ts"
import { type ClassOf, IntFromString, OptionalBoolean, OptionalDate, OptionalInt, OptionalString } from "./internal/schema.ts"

const ProjectReferenceFields = {
  id: ProjectId,
  name: OptionalString
}

const ProjectReferenceBase: ClassOf<ProjectReference, typeof ProjectReferenceFields> = Schema.Class<ProjectReference>(
  "ProjectReference"
)(ProjectReferenceFields)

/** `<project id name/>` inside a workbook, view or data source. */
export class ProjectReference extends ProjectReferenceBase {}

const OwnerReferenceFields = {
  id: UserId,
  name: OptionalString
}

const OwnerReferenceBase: ClassOf<OwnerReference, typeof OwnerReferenceFields> = Schema.Class<OwnerReference>(
  "OwnerReference"
)(OwnerReferenceFields)

/** `<owner id name/>` inside a content item (a user). */
export class OwnerReference extends OwnerReferenceBase {}

const PublisherFields = {
  id: Schema.optional(UserId) as Schema.optional<typeof UserId>,
  name: OptionalString
}

const PublisherBase: ClassOf<Publisher, typeof PublisherFields> = Schema.Class<Publisher>("Publisher")(PublisherFields)

/** `<publisher id name/>` of a revision. */
export class Publisher extends PublisherBase {}

const RevisionItemFields = {
  revisionNumber: IntFromString,
  publishedAt: OptionalDate,
  /** Whether this revision was deleted (its content can no longer be downloaded). */
  deleted: OptionalBoolean,
  /** Whether this is the current revision. */
  current: OptionalBoolean,
  sizeInBytes: OptionalInt,
  publisher: Schema.optional(Publisher) as Schema.optional<typeof Publisher>
}

const RevisionItemBase: ClassOf<RevisionItem, typeof RevisionItemFields> = Schema.Class<RevisionItem>("RevisionItem")(
  RevisionItemFields
)

/** One revision of a workbook or data source (`<revision>`). */
export class RevisionItem extends RevisionItemBase {}

/**
 * What publishing does when an item of the same name exists in the project
 * (TSC's `Server.PublishMode`): `CreateNew` fails with `Conflict`,
 * `Overwrite` replaces it, `Append` adds rows to an extract (data sources
 * only).
 */
export const PublishMode: Schema.Literal<["CreateNew", "Overwrite", "Append"]> = Schema.Literal("CreateNew", "Overwrite", "Append")
/** @since 0.1.0 */
export type PublishMode = typeof PublishMode.Type

/** A project, as the target of `Permissions` calls. */
export interface ProjectRef {
  readonly _tag: "Project"
  readonly id: ProjectId
}
/** A workbook, as the target of `Tags` and `Permissions` calls. */
export interface WorkbookRef {
  readonly _tag: "Workbook"
  readonly id: WorkbookId
}
/** A view, as the target of `Tags` and `Permissions` calls. */
export interface ViewRef {
  readonly _tag: "View"
  readonly id: ViewId
}
/** A published data source, as the target of `Tags` and `Permissions` calls. */
export interface DatasourceRef {
  readonly _tag: "Datasource"
  readonly id: DatasourceId
}
/** Any content item `Permissions` works on. */
export type ContentRef = ProjectRef | WorkbookRef | ViewRef | DatasourceRef

/**
 * Refers to a project.
 *
 * @example
 * ```ts
 * yield* Permissions.list(Content.project(projectId))
 * ```
 */
export const project = (id: ProjectId): ProjectRef => ({ _tag: "Project", id })
/**
 * Refers to a workbook.
 *
 * @example
 * ```ts
 * yield* Tags.add(Content.workbook(workbookId), ["finance"])
 * ```
 */
export const workbook = (id: WorkbookId): WorkbookRef => ({ _tag: "Workbook", id })
/**
 * Refers to a view.
 *
 * @example
 * ```ts
 * yield* Tags.add(Content.view(viewId), ["kpi"])
 * ```
 */
export const view = (id: ViewId): ViewRef => ({ _tag: "View", id })
/**
 * Refers to a published data source.
 *
 * @example
 * ```ts
 * yield* Tags.add(Content.datasource(datasourceId), ["certified"])
 * ```
 */
export const datasource = (id: DatasourceId): DatasourceRef => ({ _tag: "Datasource", id })
