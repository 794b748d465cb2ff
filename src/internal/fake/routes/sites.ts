/**
 * Fake routes: sites (server-scoped; server administrators only).
 *
 * @internal
 */
import type { Context, Route } from "../server.ts"
import { seedSite, siteRecord } from "../server.ts"
import { put, remove } from "../store.ts"
import { attr, conflict, noContent, notFound, parseBody, requestElement, xml, badRequest } from "../wire.ts"
import { listAnswer, renderRecord, requireServerAdmin } from "./common.ts"

const SITE_ATTRIBUTES = [
  "name", "contentUrl", "adminMode", "userQuota", "storageQuota", "disableSubscriptions", "subscribeOthersEnabled",
  "revisionHistoryEnabled", "revisionLimit", "state", "guestAccessEnabled", "commentingEnabled", "flowsEnabled",
  "catalogingEnabled", "cacheWarmupEnabled", "dataAccelerationMode", "extractEncryptionMode", "askDataMode",
  "tierCreatorCapacity", "tierExplorerCapacity", "tierViewerCapacity"
]

const FIELDS = new Set(["name", "contentUrl", "state", "adminMode", "id"])

const find = (ctx: Context) => {
  const key = ctx.query.get("key") ?? "id"
  const value = ctx.params["id"]!
  for (const site of ctx.state.sites.rows.values()) {
    const candidate = key === "name" ? site["name"] : key === "contentUrl" ? site["contentUrl"] : site.id
    if (candidate !== undefined && candidate.toLowerCase() === value.toLowerCase()) return site
  }
  throw notFound("404000", "Site", value)
}

const checkUnique = (ctx: Context, name: string | undefined, contentUrl: string | undefined, except?: string) => {
  for (const site of ctx.state.sites.rows.values()) {
    if (site.id === except) continue
    if (name !== undefined && site["name"]?.toLowerCase() === name.toLowerCase()) {
      throw conflict("409001", `A site with the name '${name}' already exists.`)
    }
    if (contentUrl !== undefined && site["contentUrl"]?.toLowerCase() === contentUrl.toLowerCase()) {
      throw conflict("409001", `A site with the content URL '${contentUrl}' already exists.`)
    }
  }
}

const validate = (changes: Record<string, string | undefined>) => {
  if (changes["adminMode"] === "ContentOnly" && changes["userQuota"] !== undefined) {
    throw badRequest("400000", "You cannot set admin mode to ContentOnly and also set a user quota.")
  }
}

const pick = (element: Record<string, unknown>) => {
  const out: Record<string, string | undefined> = {}
  for (const key of SITE_ATTRIBUTES) {
    const value = attr(element, key)
    if (value !== undefined) out[key] = value
  }
  return out
}

const create = async (ctx: Context) => {
  requireServerAdmin(ctx)
  const fields = pick(requestElement(parseBody(await ctx.text()), "site"))
  if (!fields["name"] || fields["contentUrl"] === undefined) {
    throw badRequest("400000", "A site needs a name and a contentUrl.")
  }
  validate(fields)
  checkUnique(ctx, fields["name"], fields["contentUrl"])
  const record = put(ctx.state.sites, siteRecord(ctx.state.newId(), fields["name"], fields["contentUrl"], fields))
  seedSite(ctx.state, record.id, ctx.auth.userId)
  return xml(renderRecord("site", record), 201)
}

const get = (ctx: Context) => {
  requireServerAdmin(ctx)
  const site = find(ctx)
  const usage = ctx.query.get("includeUsage") === "true"
    ? renderRecord("usage", { id: "", numUsers: "1", storage: "0" } as never).replace(' id=""', "")
    : undefined
  return xml(renderRecord("site", site, usage))
}

const list = (ctx: Context) => {
  requireServerAdmin(ctx)
  return listAnswer(ctx, ctx.state.sites, "sites", (site) => renderRecord("site", site), { fields: FIELDS })
}

const update = async (ctx: Context) => {
  requireServerAdmin(ctx)
  const site = find(ctx)
  const changes = pick(requestElement(parseBody(await ctx.text()), "site"))
  validate({ ...site, ...changes, ...(changes["adminMode"] === "ContentOnly" ? {} : { userQuota: changes["userQuota"] }) })
  checkUnique(ctx, changes["name"], changes["contentUrl"], site.id)
  const updated = put(ctx.state.sites, { ...site, ...changes })
  return xml(renderRecord("site", updated))
}

const delete_ = (ctx: Context) => {
  requireServerAdmin(ctx)
  const site = find(ctx)
  remove(ctx.state.sites, site.id)
  for (const key of [...ctx.state.tables.keys()]) if (key.endsWith(`@${site.id}`)) ctx.state.tables.delete(key)
  for (const [token, info] of ctx.state.tokens) if (info.siteId === site.id) ctx.state.tokens.delete(token)
  return noContent()
}

export const routes: ReadonlyArray<Route> = [
  { method: "POST", pattern: "/api/:v/sites", handler: create },
  { method: "GET", pattern: "/api/:v/sites", handler: list },
  { method: "GET", pattern: "/api/:v/sites/:id", handler: get },
  { method: "PUT", pattern: "/api/:v/sites/:id", handler: update },
  { method: "DELETE", pattern: "/api/:v/sites/:id", handler: delete_ }
]
