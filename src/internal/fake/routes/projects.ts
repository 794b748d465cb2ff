/**
 * Fake routes: projects (nested through `parentProjectId`). Creating,
 * changing and deleting projects needs a site administrator.
 *
 * @internal
 */
import type { Context, Route } from "../server.ts"
import { table } from "../server.ts"
import { type FakeRecord, put } from "../store.ts"
import { attr, badRequest, conflict, element, noContent, parseBody, requestElement, xml } from "../wire.ts"
import { caller, listAnswer, requireSiteAdmin } from "./common.ts"
import { contentFieldMap, deleteItem, find, PROJECTS, rows, stamp } from "../content.ts"

const CONTENT_PERMISSIONS = new Set(["LockedToProject", "ManagedByOwner", "LockedToProjectWithoutNested"])
const FIELDS = new Set(["name", "ownerName", "parentProjectId", "topLevelProject", "createdAt", "updatedAt", "id"])

const render = (ctx: Context, record: FakeRecord): string => {
  const { ownerId, ...attributes } = record
  const owner = ownerId === undefined ? undefined : table(ctx.state, "users", ctx.auth.siteId).rows.get(ownerId)
  return element(
    "project",
    { ...attributes, parentProjectId: attributes["parentProjectId"] || undefined, topLevelProject: String(!attributes["parentProjectId"]) },
    owner === undefined ? undefined : element("owner", { id: owner.id, name: owner["name"] })
  )
}

const fieldsOf = (ctx: Context, body: Record<string, unknown>) => {
  const project = requestElement(body, "project")
  const fields: Record<string, string | undefined> = {}
  for (const key of ["name", "description", "contentPermissions", "parentProjectId"]) {
    const value = attr(project, key)
    if (value !== undefined) fields[key] = value
  }
  if (fields["contentPermissions"] !== undefined && !CONTENT_PERMISSIONS.has(fields["contentPermissions"])) {
    throw badRequest("400000", `'${fields["contentPermissions"]}' is not a valid content permissions value.`)
  }
  if (fields["parentProjectId"]) find(ctx, PROJECTS, fields["parentProjectId"])
  return fields
}

const checkName = (ctx: Context, name: string, parent: string | undefined, except?: string) => {
  for (const other of rows(ctx, PROJECTS).rows.values()) {
    if (other.id === except) continue
    if ((other["parentProjectId"] || undefined) === (parent || undefined) && other["name"]?.toLowerCase() === name.toLowerCase()) {
      throw conflict("409006", `A project named '${name}' already exists at that level.`)
    }
  }
}

const create = async (ctx: Context) => {
  requireSiteAdmin(ctx)
  const fields = fieldsOf(ctx, parseBody(await ctx.text()))
  if (!fields["name"]) throw badRequest("400000", "A project needs a name.")
  checkName(ctx, fields["name"], fields["parentProjectId"])
  const now = stamp(ctx.state)
  const record = put(rows(ctx, PROJECTS), {
    id: ctx.state.newId(),
    name: fields["name"],
    description: fields["description"] ?? "",
    contentPermissions: fields["contentPermissions"] ?? "ManagedByOwner",
    parentProjectId: fields["parentProjectId"] || undefined,
    createdAt: now,
    updatedAt: now,
    ownerId: caller(ctx)?.id
  })
  return xml(render(ctx, record), 201)
}

const list = (ctx: Context) =>
  listAnswer(ctx, rows(ctx, PROJECTS), "projects", (r) => render(ctx, r), { fields: FIELDS, fieldMap: contentFieldMap(ctx) })

const isInside = (ctx: Context, candidate: string, ancestor: string): boolean => {
  let current: string | undefined = candidate
  for (let depth = 0; current && depth < 1000; depth++) {
    if (current === ancestor) return true
    current = rows(ctx, PROJECTS).rows.get(current)?.["parentProjectId"]
  }
  return false
}

const update = async (ctx: Context) => {
  requireSiteAdmin(ctx)
  const project = find(ctx, PROJECTS, ctx.params["projectId"]!)
  const fields = fieldsOf(ctx, parseBody(await ctx.text()))
  if (fields["parentProjectId"] && isInside(ctx, fields["parentProjectId"], project.id)) {
    throw badRequest("400000", "A project cannot be moved inside itself.")
  }
  const parent = fields["parentProjectId"] !== undefined ? fields["parentProjectId"] : project["parentProjectId"]
  checkName(ctx, fields["name"] ?? project["name"] ?? "", parent, project.id)
  const updated = put(rows(ctx, PROJECTS), {
    ...project,
    ...fields,
    parentProjectId: parent || undefined,
    updatedAt: stamp(ctx.state)
  })
  return xml(render(ctx, updated))
}

const delete_ = (ctx: Context) => {
  requireSiteAdmin(ctx)
  const project = find(ctx, PROJECTS, ctx.params["projectId"]!)
  deleteItem(ctx, PROJECTS, project.id)
  return noContent()
}

export const routes: ReadonlyArray<Route> = [
  { method: "POST", pattern: "/api/:v/sites/:siteId/projects", handler: create },
  { method: "GET", pattern: "/api/:v/sites/:siteId/projects", handler: list },
  { method: "PUT", pattern: "/api/:v/sites/:siteId/projects/:projectId", handler: update },
  { method: "DELETE", pattern: "/api/:v/sites/:siteId/projects/:projectId", handler: delete_ }
]
