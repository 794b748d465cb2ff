/**
 * Fake routes: group sets (API 3.22+; older API versions in the URL get a
 * 400). Server administrators and site administrators only. A taken name
 * is a 409 (code 409000: the fake's choice, not checked against Tableau).
 *
 * @internal
 */
import type { Context, Route } from "../server.ts"
import { table } from "../server.ts"
import { type FakeRecord, put, remove } from "../store.ts"
import { attr, badRequest, conflict, element, noContent, notFound, parseBody, requestElement, xml } from "../wire.ts"
import { listAnswer, requireSiteAdmin } from "./common.ts"
import { findGroup, groupSetMembers, publicAttributes, setIn, tooOld, versionAtLeast } from "./directory.ts"

const sets = (ctx: Context) => table(ctx.state, "groupSets", ctx.auth.siteId)

const guard = (ctx: Context) => {
  if (!versionAtLeast(ctx, "3.22")) throw tooOld(ctx, "3.22")
  requireSiteAdmin(ctx)
}

const find = (ctx: Context): FakeRecord => {
  const record = sets(ctx).rows.get(ctx.params["groupSetId"]!)
  if (record === undefined) throw notFound("404000", "Group set", ctx.params["groupSetId"]!)
  return record
}

const render = (ctx: Context, record: FakeRecord, withGroups: boolean) => {
  const ids = [...(groupSetMembers(ctx.state, ctx.auth.siteId).get(record.id) ?? [])]
  const groups = table(ctx.state, "groups", ctx.auth.siteId)
  // Get Group Set puts the groups directly under <groupSet> (the shape the
  // client once dropped); TSC also meets a <groups> wrapper, which the
  // client's decode tests cover with fixtures.
  const inner = withGroups && ids.length > 0
    ? ids.map((id) => element("group", { id, name: groups.rows.get(id)?.["name"] })).join("")
    : undefined
  return element("groupSet", { ...publicAttributes(record), groupCount: String(ids.length) }, inner)
}

const checkUnique = (ctx: Context, name: string, except?: string) => {
  for (const s of sets(ctx).rows.values()) {
    if (s.id !== except && s["name"]?.toLowerCase() === name.toLowerCase()) {
      throw conflict("409000", `A group set with the name '${name}' already exists.`)
    }
  }
}

const nameOf = async (ctx: Context) => {
  const name = attr(requestElement(parseBody(await ctx.text()), "groupSet"), "name")
  if (!name) throw badRequest("400000", "A group set needs a name.")
  return name
}

const create = async (ctx: Context) => {
  guard(ctx)
  const name = await nameOf(ctx)
  checkUnique(ctx, name)
  return xml(render(ctx, put(sets(ctx), { id: ctx.state.newId(), name }), true), 201)
}

const list = (ctx: Context) => {
  guard(ctx)
  return listAnswer(ctx, sets(ctx), "groupSets", (s) => render(ctx, s, false), { fields: new Set(["name", "id"]) })
}

const get = (ctx: Context) => {
  guard(ctx)
  return xml(render(ctx, find(ctx), true))
}

const update = async (ctx: Context) => {
  guard(ctx)
  const record = find(ctx)
  const name = await nameOf(ctx)
  checkUnique(ctx, name, record.id)
  return xml(render(ctx, put(sets(ctx), { ...record, name }), true))
}

const delete_ = (ctx: Context) => {
  guard(ctx)
  const record = find(ctx)
  remove(sets(ctx), record.id)
  groupSetMembers(ctx.state, ctx.auth.siteId).delete(record.id)
  return noContent()
}

const members = (ctx: Context, id: string) => setIn(groupSetMembers(ctx.state, ctx.auth.siteId), id)

const addGroup = (ctx: Context) => {
  guard(ctx)
  const record = find(ctx)
  const group = findGroup(ctx, ctx.params["groupId"]!)
  members(ctx, record.id).add(group.id)
  return noContent(200)
}

const removeGroup = (ctx: Context) => {
  guard(ctx)
  const record = find(ctx)
  const group = findGroup(ctx, ctx.params["groupId"]!)
  if (!members(ctx, record.id).delete(group.id)) throw notFound("404012", "Group in group set", group.id)
  return noContent()
}

export const routes: ReadonlyArray<Route> = [
  { method: "POST", pattern: "/api/:v/sites/:siteId/groupsets", handler: create },
  { method: "GET", pattern: "/api/:v/sites/:siteId/groupsets", handler: list },
  { method: "GET", pattern: "/api/:v/sites/:siteId/groupsets/:groupSetId", handler: get },
  { method: "PUT", pattern: "/api/:v/sites/:siteId/groupsets/:groupSetId", handler: update },
  { method: "DELETE", pattern: "/api/:v/sites/:siteId/groupsets/:groupSetId", handler: delete_ },
  { method: "PUT", pattern: "/api/:v/sites/:siteId/groupsets/:groupSetId/groups/:groupId", handler: addGroup },
  { method: "DELETE", pattern: "/api/:v/sites/:siteId/groupsets/:groupSetId/groups/:groupId", handler: removeGroup }
]
