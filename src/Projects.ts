/**
 * Projects: create, read, update and delete projects, nested or top-level
 * (TSC's `projects`).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import { OwnerReference } from "./Content.ts"
import type { CommonError, Conflict, UnsupportedApiVersion } from "./Errors.ts"
import { NotFound } from "./Errors.ts"
import { ProjectId } from "./Ids.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Operation from "./internal/operation.ts"
import { type ClassOf, OpenLiteral, OptionalBoolean, OptionalDate, OptionalInt, OptionalString } from "./internal/schema.ts"
import * as Xml from "./internal/xml.ts"
import * as RequestOptions from "./RequestOptions.ts"
import type { Page, PageOptions, StreamOptions } from "./RequestOptions.ts"
import type { TableauSession } from "./TableauSession.ts"

/**
 * Who controls the permissions of a project's content: `LockedToProject`
 * (the project's rules apply to all its content), `ManagedByOwner` (each
 * item's owner sets them), or `LockedToProjectWithoutNested`.
 */
export const ContentPermissions: OpenLiteral<
  "LockedToProject" | "ManagedByOwner" | "LockedToProjectWithoutNested"
> = OpenLiteral("LockedToProject", "ManagedByOwner", "LockedToProjectWithoutNested")
/** @since 0.1.0 */
export type ContentPermissions = typeof ContentPermissions.Type

const ContentsCountsFields = {
  projectCount: OptionalInt,
  workbookCount: OptionalInt,
  viewCount: OptionalInt,
  datasourceCount: OptionalInt
}

const ContentsCountsBase: ClassOf<ContentsCounts, typeof ContentsCountsFields> = Schema.Class<ContentsCounts>(
  "ContentsCounts"
)(ContentsCountsFields)

/** `<contentsCounts/>`: how much a project holds (when asked for with `fields`). */
export class ContentsCounts extends ContentsCountsBase {}

const OptionalProjectId: Schema.optional<typeof ProjectId> = Schema.optional(ProjectId)

const ProjectItemFields = {
  id: ProjectId,
  name: Schema.String,
  description: OptionalString,
  contentPermissions: Schema.optional(ContentPermissions) as Schema.optional<typeof ContentPermissions>,
  /** The parent project; absent for a top-level project. */
  parentProjectId: OptionalProjectId,
  controllingPermissionsProjectId: OptionalProjectId,
  topLevelProject: OptionalBoolean,
  writeable: OptionalBoolean,
  createdAt: OptionalDate,
  updatedAt: OptionalDate,
  owner: Schema.optional(OwnerReference) as Schema.optional<typeof OwnerReference>,
  contentsCounts: Schema.optional(ContentsCounts) as Schema.optional<typeof ContentsCounts>
}

const ProjectItemBase: ClassOf<ProjectItem, typeof ProjectItemFields> = Schema.Class<ProjectItem>("ProjectItem")(
  ProjectItemFields
)

/** A project (`<project>`). */
export class ProjectItem extends ProjectItemBase {}

/** Settings of a project, for `update`. */
export interface ProjectFields {
  readonly name?: string | undefined
  readonly description?: string | undefined
  readonly contentPermissions?: ContentPermissions | undefined
  /** Moves the project under another one; `null` makes it top-level. */
  readonly parentProjectId?: ProjectId | null | undefined
}

/** What `create` needs: a name, plus any settings. */
export interface NewProject {
  readonly name: string
  readonly description?: string | undefined
  readonly contentPermissions?: ContentPermissions | undefined
  /** Creates the project inside this one (a nested project). */
  readonly parentProjectId?: ProjectId | undefined
  /** Publishes Tableau's sample workbooks into the new project. */
  readonly publishSamples?: boolean | undefined
}

const projectElement = (fields: ProjectFields): Xml.XmlElement =>
  Xml.el("project", {
    name: fields.name,
    description: fields.description,
    contentPermissions: fields.contentPermissions,
    parentProjectId: fields.parentProjectId === null ? "" : fields.parentProjectId
  })

const project: Endpoint.Decoder<ProjectItem> = Endpoint.one("project", ProjectItem)
const projects: Endpoint.Decoder<Page<ProjectItem>> = Endpoint.items("projects", "project", ProjectItem)

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
  readonly create: Operation.Operation<"projects", ProjectItem, "Conflict" | "NotFound", "2.0">
  readonly list: Operation.Operation<"projects", Page<ProjectItem>, never, "2.0">
  readonly children: Operation.Operation<"projects", Page<ProjectItem>, never, "2.5">
  readonly update: Operation.Operation<"projects/{projectId}", ProjectItem, "NotFound" | "Conflict", "2.0">
  readonly delete: Operation.Operation<"projects/{projectId}", void, "NotFound", "2.0">
} = {
  create: Operation.make({
    name: "Projects.create",
    method: "POST",
    scope: "site",
    path: "projects",
    minApiVersion: "2.0",
    errors: { Conflict: ["409006"], NotFound: ["404005"] },
    decoder: project
  }),
  list: Operation.make({
    name: "Projects.list",
    method: "GET",
    scope: "site",
    path: "projects",
    minApiVersion: "2.0",
    errors: {},
    decoder: projects,
    fields: ["name", "ownerName", "parentProjectId", "topLevelProject", "createdAt", "updatedAt"]
  }),
  children: Operation.make({
    name: "Projects.children",
    method: "GET",
    scope: "site",
    path: "projects",
    // Nested projects (and so the parentProjectId filter) came with 2.5.
    minApiVersion: "2.5",
    errors: {},
    decoder: projects
  }),
  update: Operation.make({
    name: "Projects.update",
    method: "PUT",
    scope: "site",
    path: "projects/{projectId}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404005"], Conflict: ["409006"] },
    decoder: project
  }),
  delete: Operation.make({
    name: "Projects.delete",
    method: "DELETE",
    scope: "site",
    path: "projects/{projectId}",
    minApiVersion: "2.0",
    errors: { NotFound: ["404005"] },
    decoder: Endpoint.none
  })
}

/**
 * Creates a project, top-level or inside `parentProjectId`. REST:
 * `POST /api/{v}/sites/{siteId}/projects`. Fails with `Conflict` (409006, a
 * project of that name exists at that level), `NotFound` (404005, no such
 * parent project), `Forbidden` or a `CommonError`. Minimum API version: 2.0
 * (nested projects: 2.5).
 *
 * @example
 * ```ts
 * const finance = yield* Projects.create({ name: "Finance", contentPermissions: "LockedToProject" })
 * const q3 = yield* Projects.create({ name: "Q3", parentProjectId: finance.id })
 * ```
 */
export const create = (
  fields: NewProject
): Effect.Effect<ProjectItem, CommonError | Conflict | NotFound, TableauSession> =>
  Operation.run(operations.create, {}, {
    query: { publishSamples: fields.publishSamples === undefined ? undefined : String(fields.publishSamples) },
    body: projectElement(fields)
  })

/**
 * Reads one page of the projects of the site (TSC's `projects.get`). REST:
 * `GET /api/{v}/sites/{siteId}/projects`. Filter and sort fields: `name`,
 * `ownerName`, `parentProjectId`, `topLevelProject`, `createdAt`,
 * `updatedAt`. Fails with a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const { items } = yield* Projects.getPage({ filter: [RequestOptions.eq("topLevelProject", true)] })
 * ```
 */
export const getPage = (options?: PageOptions): Effect.Effect<Page<ProjectItem>, CommonError, TableauSession> =>
  Operation.page(operations.list, {}, options)

/**
 * Every project of the site, as a Stream over all pages (TSC's
 * `Pager(server.projects)`). REST: `GET /api/{v}/sites/{siteId}/projects`.
 * Fails with a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const names = yield* Stream.runCollect(Stream.map(Projects.list(), (p) => p.name))
 * ```
 */
export const list = (options?: StreamOptions): Stream.Stream<ProjectItem, CommonError, TableauSession> =>
  Operation.stream(operations.list, {}, options)

/**
 * The projects directly inside a project (nested projects). REST:
 * `GET /api/{v}/sites/{siteId}/projects` with
 * `filter=parentProjectId:eq:{projectId}`. Fails with a `CommonError`
 * (`UnsupportedApiVersion` before 2.5). Minimum API version: 2.5.
 *
 * @example
 * ```ts
 * const nested = yield* Stream.runCollect(Projects.children(projectId))
 * ```
 */
export const children = (
  projectId: ProjectId,
  options?: StreamOptions
): Stream.Stream<ProjectItem, CommonError | UnsupportedApiVersion, TableauSession> =>
  Operation.stream(operations.children, {}, {
    ...options,
    filter: [...(options?.filter ?? []), RequestOptions.eq("parentProjectId", projectId)]
  })

/**
 * Reads the project with this ID. Tableau has no endpoint for one project,
 * so this pages through the projects until it finds it. REST:
 * `GET /api/{v}/sites/{siteId}/projects`. Fails with `NotFound` (404005) or
 * a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const p = yield* Projects.get(projectId)
 * ```
 */
export const get = (projectId: ProjectId): Effect.Effect<ProjectItem, CommonError | NotFound, TableauSession> =>
  list({ pageSize: 1000 }).pipe(
    Stream.find((p) => p.id === projectId),
    Stream.runHead,
    Effect.flatMap(Option.match({
      onSome: Effect.succeed,
      onNone: () =>
        Effect.fail(
          new NotFound({
            operation: "Projects.get",
            status: 404,
            code: "404005",
            summary: "Resource Not Found",
            detail: `Project '${projectId}' could not be found.`
          })
        )
    }))
  )

/**
 * Changes a project: name, description, content permissions, or its parent
 * (`parentProjectId: null` makes it top-level). REST:
 * `PUT /api/{v}/sites/{siteId}/projects/{projectId}`. Fails with `NotFound`
 * (404005), `Conflict` (409006, the name is taken at that level),
 * `Forbidden` or a `CommonError`. Minimum API version: 2.0.
 *
 * @example
 * ```ts
 * const locked = yield* Projects.update(projectId, { contentPermissions: "LockedToProject" })
 * ```
 */
export const update = (
  projectId: ProjectId,
  changes: ProjectFields
): Effect.Effect<ProjectItem, CommonError | NotFound | Conflict, TableauSession> =>
  Operation.run(operations.update, { projectId }, { body: projectElement(changes) })

const delete_ = (projectId: ProjectId): Effect.Effect<void, CommonError | NotFound, TableauSession> =>
  Operation.run(operations.delete, { projectId })

export {
  /**
   * Deletes a project with everything in it (nested projects, workbooks,
   * data sources). REST: `DELETE /api/{v}/sites/{siteId}/projects/{projectId}`.
   * Fails with `NotFound` (404005), `Forbidden` or a `CommonError`.
   * Minimum API version: 2.0.
   *
   * @example
   * ```ts
   * yield* Projects.delete(projectId)
   * ```
   */
  delete_ as delete
}
