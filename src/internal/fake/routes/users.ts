/**
 * Fake routes: users of a site, their workbooks, groups and favorites, and
 * the CSV import and removal jobs.
 *
 * Error codes follow Tableau's REST reference: 404002 user not found,
 * 409017 user already on the site, 403 for non-administrators. A user who
 * still owns workbooks is not removed without `mapAssetsTo` (409; the fake,
 * like Tableau, makes them Unlicensed).
 *
 * @internal
 */
import type { Context, Route } from "../server.ts"
import { table, userRecord } from "../server.ts"
import { type FakeRecord, pageOf, parseQuery, put, select } from "../store.ts"
import { attr, badRequest, conflict, element, FakeError, noContent, paged, parseBody, requestElement, xml } from "../wire.ts"
import * as UserCsv from "../../../UserCsv.ts"
import { listAnswer, requireSiteAdmin } from "./common.ts"
import {
  favoritesOf,
  findUser,
  groupFieldMap,
  membersOf,
  removeUserEverywhere,
  renderGroup,
  renderUser,
  tooOld,
  versionAtLeast
} from "./directory.ts"
import { createJob, renderJob } from "./jobs.ts"

const KNOWN_ROLES: ReadonlySet<string> = new Set([
  "Creator", "Explorer", "ExplorerCanPublish", "SiteAdministratorCreator", "SiteAdministratorExplorer", "Viewer",
  "Unlicensed", "ReadOnly", "ServerAdministrator", "SupportUser", "Interactor", "Publisher", "SiteAdministrator",
  "UnlicensedWithPublish", "ViewerWithPublish", "Guest"
])

const USER_FIELDS = new Set(["id", "luid", "name", "siteRole", "lastLogin", "email", "fullName", "friendlyName", "domainName", "authSetting"])
const userFieldMap = {
  luid: (r: FakeRecord) => r.id,
  friendlyName: (r: FakeRecord) => r["fullName"],
  domainName: (r: FakeRecord) => r["_domain"] ?? "local"
}

const users = (ctx: Context) => table(ctx.state, "users", ctx.auth.siteId)

const byName = (ctx: Context, name: string): FakeRecord | undefined => {
  for (const u of users(ctx).rows.values()) if (u["name"]?.toLowerCase() === name.toLowerCase()) return u
  return undefined
}

const checkRole = (role: string | undefined) => {
  if (role !== undefined && !KNOWN_ROLES.has(role)) {
    throw badRequest("400000", `'${role}' is not a valid site role.`)
  }
}

const add = async (ctx: Context) => {
  requireSiteAdmin(ctx)
  const body = requestElement(parseBody(await ctx.text()), "user")
  const name = attr(body, "name")
  const siteRole = attr(body, "siteRole")
  if (!name || !siteRole) throw badRequest("400000", "A user needs a name and a siteRole.")
  checkRole(siteRole)
  if (byName(ctx, name) !== undefined) {
    throw conflict("409017", `The user '${name}' is already a member of the site.`)
  }
  const record = put(users(ctx), userRecord(ctx.state.newId(), name, siteRole, {
    authSetting: attr(body, "authSetting") ?? "ServerDefault",
    fullName: undefined,
    idpConfigurationId: attr(body, "idpConfigurationId")
  }))
  return xml(renderUser(record), 201)
}

/**
 * The attributes Get Users on Site returns when the request has no
 * `fields` (Tableau's `_default_`). That `fullName` and `email` are left
 * out is what TSC found on real servers (tableau/server-client-python
 * #565, fixed in #713 by sending `fields=_all_`); the rest of the list
 * follows the reference's response example and was not checked against a
 * server.
 */
const DEFAULT_USER_ATTRIBUTES: ReadonlyArray<string> = [
  "id", "name", "siteRole", "lastLogin", "externalAuthUserId", "authSetting", "language", "locale"
]

/**
 * A user as Get Users on Site renders it for a `fields` expression:
 * nothing or `_default_` gives the default attributes, `_all_` every
 * attribute, other names those attributes (`domainName` the `<domain>`).
 */
const renderListedUser = (record: FakeRecord, fields: string | null): string => {
  const names = fields === null || fields === "" ? ["_default_"] : fields.split(",").map((f) => f.trim())
  if (names.includes("_all_")) return renderUser(record)
  const wanted = new Set(names.flatMap((n) => (n === "_default_" ? DEFAULT_USER_ATTRIBUTES : [n])))
  const attributes: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(record)) if (wanted.has(key)) attributes[key] = value
  const withDomain = names.includes("_default_") || wanted.has("domainName")
  return element("user", attributes, withDomain ? element("domain", { name: record["_domain"] ?? "local" }) : "")
}

const list = (ctx: Context) =>
  listAnswer(ctx, users(ctx), "users", (r) => renderListedUser(r, ctx.query.get("fields")), {
    fields: USER_FIELDS,
    fieldMap: userFieldMap
  })

const get = (ctx: Context) => xml(renderUser(findUser(ctx, ctx.params["userId"]!)))

const passwords = (ctx: Context) => {
  const key = "passwords"
  if (!ctx.state.extensions.has(key)) ctx.state.extensions.set(key, new Map<string, string>())
  return ctx.state.extensions.get(key) as Map<string, string>
}

const update = async (ctx: Context) => {
  requireSiteAdmin(ctx)
  const record = findUser(ctx, ctx.params["userId"]!)
  const body = requestElement(parseBody(await ctx.text()), "user")
  const changes: Record<string, string> = {}
  for (const key of ["fullName", "email", "siteRole", "authSetting", "idpConfigurationId"]) {
    const value = attr(body, key)
    if (value !== undefined) changes[key] = value
  }
  checkRole(changes["siteRole"])
  const password = attr(body, "password")
  if (password !== undefined) passwords(ctx).set(record.id, password)
  const updated = put(users(ctx), { ...record, ...changes })
  // Like Tableau, the answer has no ID.
  return xml(renderUser(updated, { withoutId: true }))
}

const remove = (ctx: Context) => {
  requireSiteAdmin(ctx)
  const record = findUser(ctx, ctx.params["userId"]!)
  const mapTo = ctx.query.get("mapAssetsTo")
  const workbooks = table(ctx.state, "workbooks", ctx.auth.siteId)
  const owned = [...workbooks.rows.values()].filter((w) => w["ownerId"] === record.id)
  if (mapTo !== null) {
    findUser(ctx, mapTo)
    for (const w of owned) put(workbooks, { ...w, ownerId: mapTo })
  } else if (owned.length > 0) {
    put(users(ctx), { ...record, siteRole: "Unlicensed" })
    throw conflict("409003", `The user '${record["name"]}' owns content and was made Unlicensed instead of removed.`)
  }
  removeUserEverywhere(ctx.state, ctx.auth.siteId, record.id)
  return noContent()
}

const renderWorkbook = (w: FakeRecord) => {
  const { projectId, projectName, ownerId, ...rest } = w
  return element(
    "workbook",
    rest,
    (projectId === undefined ? "" : element("project", { id: projectId, name: projectName })) +
      (ownerId === undefined ? "" : element("owner", { id: ownerId }))
  )
}

const workbooks = (ctx: Context) => {
  const record = findUser(ctx, ctx.params["userId"]!)
  const all = table(ctx.state, "workbooks", ctx.auth.siteId)
  const ownedOnly = ctx.query.get("ownedBy") === "true"
  const query = parseQuery(ctx.query)
  const rows = select(all, query).filter((w) => !ownedOnly || w["ownerId"] === record.id)
  const { items, pagination } = pageOf(rows, query)
  return xml(paged(pagination, "workbooks", items.map(renderWorkbook)))
}

const groupsOfUser = (ctx: Context) => {
  if (!versionAtLeast(ctx, "3.7")) throw tooOld(ctx, "3.7")
  const record = findUser(ctx, ctx.params["userId"]!)
  const groups = table(ctx.state, "groups", ctx.auth.siteId)
  const query = parseQuery(ctx.query)
  const rows = select(groups, query, groupFieldMap(ctx.state, ctx.auth.siteId))
    .filter((g) => membersOf(ctx.state, ctx.auth.siteId, g).has(record.id))
  const { items, pagination } = pageOf(rows, query)
  return xml(paged(pagination, "groups", items.map((g) => renderGroup(ctx.state, ctx.auth.siteId, g, false))))
}

const favorites = (ctx: Context) => {
  const record = findUser(ctx, ctx.params["userId"]!)
  const list = favoritesOf(ctx.state, ctx.auth.siteId).get(record.id) ?? []
  const query = parseQuery(ctx.query)
  const { items, pagination } = pageOf(list, query)
  return xml(paged(
    pagination,
    "favorites",
    items.map((f, i) =>
      element(
        "favorite",
        { label: f.label, position: String((query.pageNumber - 1) * query.pageSize + i + 1), addedAt: f.addedAt },
        element(f.kind, { id: f.id, name: f.name })
      )
    )
  ))
}

/** The parts of a `multipart/mixed` body, by name. */
export const multipartParts = async (ctx: Context): Promise<ReadonlyMap<string, string>> => {
  const contentType = ctx.request.headers.get("content-type") ?? ""
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2]
  if (!contentType.startsWith("multipart/mixed") || boundary === undefined) {
    throw new FakeError(415, "415000", "Unsupported Media Type", "The request must be multipart/mixed with a boundary.")
  }
  const text = await ctx.text()
  const parts = new Map<string, string>()
  for (const chunk of text.split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith("--")) break
    const headerEnd = chunk.indexOf("\r\n\r\n")
    if (headerEnd < 0) continue
    const headers = chunk.slice(0, headerEnd)
    const name = /name="([^"]*)"/.exec(headers)?.[1]
    if (name !== undefined) parts.set(name, chunk.slice(headerEnd + 4).replace(/\r\n$/, ""))
  }
  return parts
}

/** The checks of both CSV routes; the CSV part's text and all parts. */
const csvRequest = async (ctx: Context, part: string) => {
  requireSiteAdmin(ctx)
  if (!versionAtLeast(ctx, "3.15")) throw tooOld(ctx, "3.15")
  const parts = await multipartParts(ctx)
  const csv = parts.get(part)
  if (csv === undefined) throw badRequest("400000", `The request has no ${part} part.`)
  return { csv, parts }
}

const importCsv = async (ctx: Context) => {
  const { csv, parts } = await csvRequest(ctx, "tableau_user_import")
  const authSettings = new Map<string, string>()
  const payload = parts.get("request_payload")
  if (payload !== undefined && payload.trim() !== "") {
    const request = parseBody(payload)["tsRequest"]
    const entries = typeof request === "object" && request !== null ? (request as Record<string, unknown>)["user"] : undefined
    for (const u of Array.isArray(entries) ? entries : entries === undefined ? [] : [entries]) {
      const e = u as Record<string, unknown>
      const name = attr(e, "name")
      if (name !== undefined) authSettings.set(name, attr(e, "authSetting") ?? "ServerDefault")
    }
  }
  const siteId = ctx.auth.siteId
  const state = ctx.state
  const job = createJob(state, siteId, {
    type: "UserImport",
    onFinish: () => {
      const bad = new Map<number, string>()
      for (const p of UserCsv.problems(csv)) bad.set(p.row, `${bad.has(p.row) ? `${bad.get(p.row)}; ` : ""}${p.reason}`)
      const notes: Array<string> = []
      const all = table(state, "users", siteId)
      for (const { row, fields } of UserCsv.parseRows(csv)) {
        if (bad.has(row)) {
          notes.push(`Line ${row}: ${bad.get(row)}`)
          continue
        }
        const [name = "", , fullName = "", license = "", admin = "", publish = "", email = ""] = fields
        const siteRole = UserCsv.siteRoleOf(
          (license.trim() === "" ? "" : license[0]!.toUpperCase() + license.slice(1).toLowerCase()) as UserCsv.LicenseLevel,
          (admin.trim() === "" ? "" : admin[0]!.toUpperCase() + admin.slice(1).toLowerCase()) as UserCsv.AdminLevel,
          ["yes", "true", "1"].includes(publish.trim().toLowerCase())
        )
        let existing: FakeRecord | undefined
        for (const u of all.rows.values()) if (u["name"]?.toLowerCase() === name.toLowerCase()) existing = u
        const changes = {
          siteRole,
          authSetting: authSettings.get(name) ?? "ServerDefault",
          ...(fullName === "" ? {} : { fullName }),
          ...(email === "" ? {} : { email })
        }
        put(all, existing === undefined ? userRecord(state.newId(), name, siteRole, { fullName: undefined, ...changes }) : { ...existing, ...changes })
      }
      return notes
    }
  })
  return xml(renderJob(job), 202)
}

const removeCsv = async (ctx: Context) => {
  const { csv } = await csvRequest(ctx, "tableau_user_delete")
  const siteId = ctx.auth.siteId
  const state = ctx.state
  const job = createJob(state, siteId, {
    type: "UserDelete",
    pollsUntilDone: 0,
    onFinish: () => {
      const notes: Array<string> = []
      for (const { row, fields } of UserCsv.parseRows(csv)) {
        const name = fields[0] ?? ""
        const found = byName(ctx, name)
        if (found === undefined) notes.push(`Line ${row}: user '${name}' is not on the site`)
        else removeUserEverywhere(state, siteId, found.id)
      }
      return notes
    }
  })
  return xml(renderJob(job), 202)
}

export const routes: ReadonlyArray<Route> = [
  { method: "POST", pattern: "/api/:v/sites/:siteId/users/import", handler: importCsv },
  { method: "POST", pattern: "/api/:v/sites/:siteId/users/delete", handler: removeCsv },
  { method: "POST", pattern: "/api/:v/sites/:siteId/users", handler: add },
  { method: "GET", pattern: "/api/:v/sites/:siteId/users", handler: list },
  { method: "GET", pattern: "/api/:v/sites/:siteId/users/:userId", handler: get },
  { method: "PUT", pattern: "/api/:v/sites/:siteId/users/:userId", handler: update },
  { method: "DELETE", pattern: "/api/:v/sites/:siteId/users/:userId", handler: remove },
  { method: "GET", pattern: "/api/:v/sites/:siteId/users/:userId/workbooks", handler: workbooks },
  { method: "GET", pattern: "/api/:v/sites/:siteId/users/:userId/groups", handler: groupsOfUser },
  { method: "GET", pattern: "/api/:v/sites/:siteId/favorites/:userId", handler: favorites }
]
