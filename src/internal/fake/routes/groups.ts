/**
 * Fake routes: groups of a site and their membership, including the bulk
 * add and remove of API 3.21 (older API versions in the URL get a 400, as
 * an old server would not know the `<users>` body).
 *
 * Error codes follow Tableau's REST reference: 404012 group not found,
 * 404002 user not found, 409009 group name taken, 409011 user already in
 * the group, 403 for non-administrators.
 *
 * @internal
 */
import type { Context, Route } from "../server.ts"
import { table } from "../server.ts"
import { type FakeRecord, put, remove } from "../store.ts"
import { attr, badRequest, conflict, noContent, notFound, parseBody, requestElement, xml } from "../wire.ts"
import { listAnswer, requireSiteAdmin } from "./common.ts"
import {
  findGroup,
  findUser,
  groupFieldMap,
  groupSetMembers,
  memberships,
  membersOf,
  refuseAllUsers,
  renderGroup,
  renderUser,
  setIn,
  tooOld,
  versionAtLeast
} from "./directory.ts"
import { createJob, renderJob } from "./jobs.ts"

const GROUP_FIELDS = new Set(["id", "name", "domainName", "minimumSiteRole", "isLocal", "userCount"])
const USER_FIELDS = new Set(["id", "name", "siteRole", "lastLogin", "email", "fullName"])

const groups = (ctx: Context) => table(ctx.state, "groups", ctx.auth.siteId)
const members = (ctx: Context, groupId: string) => setIn(memberships(ctx.state, ctx.auth.siteId), groupId)

const withUserCount = (ctx: Context) => /(^|,)(_all_|userCount)(,|$)/.test(ctx.query.get("fields") ?? "")

const checkUnique = (ctx: Context, name: string, except?: string) => {
  for (const g of groups(ctx).rows.values()) {
    if (g.id !== except && g["name"]?.toLowerCase() === name.toLowerCase()) {
      throw conflict("409009", `A group with the name '${name}' already exists on the site.`)
    }
  }
}

/** Group attributes and internal fields from a `<group>` request element. */
const groupFields = (element: Record<string, unknown>): Partial<FakeRecord> => {
  const imported = element["import"]
  const fields: Record<string, string | undefined> = {}
  const name = attr(element, "name")
  if (name !== undefined) fields["name"] = name
  const minimumSiteRole = attr(element, "minimumSiteRole")
  if (minimumSiteRole !== undefined) fields["minimumSiteRole"] = minimumSiteRole
  if (typeof imported === "object" && imported !== null) {
    const i = imported as Record<string, unknown>
    if (attr(i, "source") !== "ActiveDirectory") throw badRequest("400000", "The import source must be ActiveDirectory.")
    const domainName = attr(i, "domainName")
    const siteRole = attr(i, "siteRole")
    if (!domainName || !siteRole) throw badRequest("400000", "An Active Directory import needs a domainName and a siteRole.")
    fields["_importSource"] = "ActiveDirectory"
    fields["_domain"] = domainName
    fields["_siteRole"] = siteRole
    fields["_grantLicenseMode"] = attr(i, "grantLicenseMode")
  }
  return fields
}

const create = async (ctx: Context) => {
  requireSiteAdmin(ctx)
  const fields = groupFields(requestElement(parseBody(await ctx.text()), "group"))
  const name = fields["name"]
  if (!name) throw badRequest("400000", "A group needs a name.")
  checkUnique(ctx, name)
  const { state } = ctx
  const siteId = ctx.auth.siteId
  const make = () => put(table(state, "groups", siteId), { ...fields, id: state.newId() })
  if (ctx.query.get("asJob") === "true") {
    if (fields["_importSource"] === undefined) throw badRequest("400000", "asJob is only for Active Directory imports.")
    return xml(renderJob(createJob(state, siteId, { type: "GroupImport", onFinish: () => void make() })), 202)
  }
  return xml(renderGroup(state, siteId, make(), false), 201)
}

const list = (ctx: Context) =>
  listAnswer(
    ctx,
    groups(ctx),
    "groups",
    (g) => renderGroup(ctx.state, ctx.auth.siteId, g, withUserCount(ctx)),
    { fields: GROUP_FIELDS, fieldMap: groupFieldMap(ctx.state, ctx.auth.siteId) }
  )

const update = async (ctx: Context) => {
  requireSiteAdmin(ctx)
  const record = findGroup(ctx, ctx.params["groupId"]!)
  refuseAllUsers(record)
  const fields = groupFields(requestElement(parseBody(await ctx.text()), "group"))
  if (fields["name"] !== undefined) checkUnique(ctx, fields["name"], record.id)
  const updated = put(groups(ctx), { ...record, ...fields, id: record.id })
  return xml(renderGroup(ctx.state, ctx.auth.siteId, updated, false))
}

const delete_ = (ctx: Context) => {
  requireSiteAdmin(ctx)
  const record = findGroup(ctx, ctx.params["groupId"]!)
  refuseAllUsers(record)
  remove(groups(ctx), record.id)
  memberships(ctx.state, ctx.auth.siteId).delete(record.id)
  for (const set of groupSetMembers(ctx.state, ctx.auth.siteId).values()) set.delete(record.id)
  return noContent()
}

const users = (ctx: Context) => {
  const record = findGroup(ctx, ctx.params["groupId"]!)
  const all = table(ctx.state, "users", ctx.auth.siteId)
  // All Users lists the site's users as they are (and pages them through the query cache).
  if (record["_allUsers"] === "true") return listAnswer(ctx, all, "users", (u) => renderUser(u), { fields: USER_FIELDS })
  const ids = membersOf(ctx.state, ctx.auth.siteId, record)
  // A view of the member rows, in site order, through the shared list logic.
  const view = { rows: new Map([...ids].flatMap((id) => {
    const u = all.rows.get(id)
    return u === undefined ? [] : [[id, u] as const]
  })), version: all.version }
  return listAnswer(ctx, view, "users", (u) => renderUser(u), { fields: USER_FIELDS })
}

/** The user IDs of `<users><user id/>...</users>`, or undefined for a single `<user>` body. */
const bulkIds = (body: Record<string, unknown>): ReadonlyArray<string> | undefined => {
  const request = body["tsRequest"] as Record<string, unknown> | undefined
  const bulk = request?.["users"]
  if (bulk === undefined) return undefined
  const entries = typeof bulk === "object" && bulk !== null ? (bulk as Record<string, unknown>)["user"] : undefined
  const list = Array.isArray(entries) ? entries : entries === undefined ? [] : [entries]
  return list.map((e) => attr(e as Record<string, unknown>, "id") ?? "")
}

const addUser = async (ctx: Context) => {
  requireSiteAdmin(ctx)
  const record = findGroup(ctx, ctx.params["groupId"]!)
  refuseAllUsers(record)
  const body = parseBody(await ctx.text())
  const ids = bulkIds(body)
  const set = members(ctx, record.id)
  if (ids !== undefined) {
    if (!versionAtLeast(ctx, "3.21")) throw tooOld(ctx, "3.21")
    // All or nothing: check every user before adding any.
    const found = ids.map((id) => findUser(ctx, id))
    for (const u of found) {
      if (set.has(u.id)) throw conflict("409011", `The user '${u.id}' is already a member of the group.`)
    }
    for (const u of found) set.add(u.id)
    return xml(`<users>${found.map((u) => renderUser(u)).join("")}</users>`)
  }
  const user = findUser(ctx, attr(requestElement(body, "user"), "id") ?? "")
  if (set.has(user.id)) throw conflict("409011", `The user '${user.id}' is already a member of the group.`)
  set.add(user.id)
  return xml(renderUser(user), 200)
}

const removeUser = (ctx: Context) => {
  requireSiteAdmin(ctx)
  const record = findGroup(ctx, ctx.params["groupId"]!)
  refuseAllUsers(record)
  const user = findUser(ctx, ctx.params["userId"]!)
  const set = members(ctx, record.id)
  if (!set.has(user.id)) throw notFound("404002", "User in group", user.id)
  set.delete(user.id)
  return noContent()
}

const removeUsers = async (ctx: Context) => {
  requireSiteAdmin(ctx)
  if (!versionAtLeast(ctx, "3.21")) throw tooOld(ctx, "3.21")
  const record = findGroup(ctx, ctx.params["groupId"]!)
  refuseAllUsers(record)
  const ids = bulkIds(parseBody(await ctx.text()))
  if (ids === undefined) throw badRequest("400000", "The request must contain a <users> element.")
  const found = ids.map((id) => findUser(ctx, id))
  const set = members(ctx, record.id)
  for (const u of found) set.delete(u.id)
  return noContent()
}

export const routes: ReadonlyArray<Route> = [
  { method: "POST", pattern: "/api/:v/sites/:siteId/groups", handler: create },
  { method: "GET", pattern: "/api/:v/sites/:siteId/groups", handler: list },
  { method: "PUT", pattern: "/api/:v/sites/:siteId/groups/:groupId", handler: update },
  { method: "DELETE", pattern: "/api/:v/sites/:siteId/groups/:groupId", handler: delete_ },
  { method: "GET", pattern: "/api/:v/sites/:siteId/groups/:groupId/users", handler: users },
  { method: "POST", pattern: "/api/:v/sites/:siteId/groups/:groupId/users", handler: addUser },
  { method: "PUT", pattern: "/api/:v/sites/:siteId/groups/:groupId/users/remove", handler: removeUsers },
  { method: "DELETE", pattern: "/api/:v/sites/:siteId/groups/:groupId/users/:userId", handler: removeUser }
]
