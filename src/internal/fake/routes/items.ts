/**
 * Fake routes that workbooks and data sources share: read, list, update,
 * delete, connections, refresh, revisions and downloads.
 *
 * @internal
 */
import type { Context, Route } from "../server.ts"
import { table } from "../server.ts"
import { type FakeRecord, makeTable, put } from "../store.ts"
import { attr, element, forbidden, notFound, parseBody, requestElement, xml } from "../wire.ts"
import {
  booleanAttr,
  checkNameFree,
  connections,
  connectionsOf,
  contentFieldMap,
  deleteItem,
  fileOf,
  fileResponse,
  find,
  type Kind,
  moveTo,
  renderItem,
  revisionsOf,
  rows,
  stamp
} from "../content.ts"
import { createJob, renderJob } from "./jobs.ts"
import { caller, listAnswer } from "./common.ts"

const ADMIN_ROLES = new Set(["ServerAdministrator", "SiteAdministrator", "SiteAdministratorCreator", "SiteAdministratorExplorer"])

/** 403 unless the caller administers the site or owns the item. */
export const requireOwnerOrAdmin = (ctx: Context, record: FakeRecord): void => {
  const me = caller(ctx)
  if (me === undefined || (!ADMIN_ROLES.has(me["siteRole"] ?? "") && record["ownerId"] !== me.id)) {
    throw forbidden("403000", "Only the owner or an administrator may change this item.")
  }
}

const renderConnection = (record: FakeRecord): string => {
  const { parentKey: _p, password: _pw, datasourceId, datasourceName, ...attributes } = record
  return element(
    "connection",
    attributes,
    datasourceId === undefined ? undefined : element("datasource", { id: datasourceId, name: datasourceName })
  )
}

/** What differs between workbooks and data sources. */
export interface ItemOptions {
  /** Attributes `PUT` may change (besides project and owner). */
  readonly updatable: ReadonlyArray<string>
  readonly booleans: ReadonlySet<string>
  /** Filter and sort fields of the list. */
  readonly fields: ReadonlySet<string>
}

/** The routes of one kind. */
export const itemRoutes = (kind: Kind, options: ItemOptions): ReadonlyArray<Route> => {
  const idParam = "itemId"
  const base = `/api/:v/sites/:siteId/${kind.collection}`
  const item = (ctx: Context) => find(ctx, kind, ctx.params[idParam]!)

  const get = (ctx: Context) => xml(renderItem(ctx, kind, item(ctx)))

  const list = (ctx: Context) =>
    listAnswer(ctx, rows(ctx, kind), kind.collection, (r) => renderItem(ctx, kind, r), {
      fields: options.fields,
      fieldMap: contentFieldMap(ctx)
    })

  const update = async (ctx: Context) => {
    const record = item(ctx)
    requireOwnerOrAdmin(ctx, record)
    const element = requestElement(parseBody(await ctx.text()), kind.element)
    const changes: Record<string, string> = {}
    for (const key of options.updatable) {
      const value = options.booleans.has(key) ? booleanAttr(element, key) : attr(element, key)
      if (value !== undefined) changes[key] = value
    }
    const moved = moveTo(ctx, element)
    checkNameFree(ctx, kind, changes["name"] ?? record["name"] ?? "", moved["projectId"] ?? record["projectId"], record.id)
    return xml(renderItem(ctx, kind, put(rows(ctx, kind), { ...record, ...changes, ...moved, updatedAt: stamp(ctx.state) })))
  }

  const delete_ = (ctx: Context) => {
    const record = item(ctx)
    requireOwnerOrAdmin(ctx, record)
    deleteItem(ctx, kind, record.id)
    return new Response(null, { status: 204 })
  }

  const listConnections = (ctx: Context) => {
    const record = item(ctx)
    const all = connectionsOf(ctx, kind, record.id)
    return xml(all.length === 0 ? "<connections/>" : `<connections>${all.map(renderConnection).join("")}</connections>`)
  }

  const updateConnection = async (ctx: Context) => {
    const record = item(ctx)
    requireOwnerOrAdmin(ctx, record)
    const connectionId = ctx.params["connectionId"]!
    const existing = connectionsOf(ctx, kind, record.id).find((c) => c.id === connectionId)
    if (existing === undefined) throw notFound("404020", "Connection", connectionId)
    // <connection> parses as a list (it repeats inside <connections>).
    const parsed: unknown = requestElement(parseBody(await ctx.text()), "connection")
    const element = (Array.isArray(parsed) ? parsed[0] ?? {} : parsed) as Record<string, unknown>
    const changes: Record<string, string> = {}
    for (const key of ["serverAddress", "serverPort", "userName", "password"]) {
      const value = attr(element, key)
      if (value !== undefined) changes[key] = value
    }
    for (const key of ["embedPassword", "queryTaggingEnabled"]) {
      const value = booleanAttr(element, key)
      if (value !== undefined) changes[key] = value
    }
    return xml(renderConnection(put(connections(ctx), { ...existing, ...changes })))
  }

  const refresh = (ctx: Context) => {
    const record = item(ctx)
    const job = createJob(ctx.state, ctx.auth.siteId, {
      type: "RefreshExtract",
      pollsUntilDone: 1,
      onFinish: () => {
        const current = rows(ctx, kind).rows.get(record.id)
        if (current !== undefined) put(rows(ctx, kind), { ...current, updatedAt: stamp(ctx.state) })
      }
    })
    return xml(renderJob(job), 202)
  }

  const revisions = (ctx: Context) => {
    const record = item(ctx)
    const all = revisionsOf(ctx.state, kind, record.id)
    const source = makeTable()
    const users = table(ctx.state, "users", ctx.auth.siteId)
    all.forEach((r, i) =>
      put(source, {
        id: String(r.revisionNumber),
        revisionNumber: String(r.revisionNumber),
        publishedAt: r.publishedAt,
        deleted: "false",
        current: String(i === all.length - 1),
        sizeInBytes: String(r.file.content.size),
        publisherId: r.publisherId
      })
    )
    return listAnswer(ctx, source, "revisions", ({ id: _id, publisherId, ...attributes }) =>
      element("revision", attributes, element("publisher", { id: publisherId, name: users.rows.get(publisherId ?? "")?.["name"] })))
  }

  const content = (ctx: Context) => {
    const record = item(ctx)
    const file = fileOf(ctx.state, kind, record.id)
    if (file === undefined) throw notFound(kind.notFoundCode, `Content of ${kind.label}`, record.id)
    return fileResponse(file)
  }

  const revisionContent = (ctx: Context) => {
    const record = item(ctx)
    const n = ctx.params["revision"]!
    const revision = revisionsOf(ctx.state, kind, record.id).find((r) => String(r.revisionNumber) === n)
    if (revision === undefined) throw notFound(kind.notFoundCode, `Revision ${n} of ${kind.label}`, record.id)
    return fileResponse(revision.file)
  }

  return [
    { method: "GET", pattern: base, handler: list },
    { method: "GET", pattern: `${base}/:${idParam}`, handler: get },
    { method: "PUT", pattern: `${base}/:${idParam}`, handler: update },
    { method: "DELETE", pattern: `${base}/:${idParam}`, handler: delete_ },
    { method: "GET", pattern: `${base}/:${idParam}/connections`, handler: listConnections },
    { method: "PUT", pattern: `${base}/:${idParam}/connections/:connectionId`, handler: updateConnection },
    { method: "POST", pattern: `${base}/:${idParam}/refresh`, handler: refresh },
    { method: "GET", pattern: `${base}/:${idParam}/revisions`, handler: revisions },
    { method: "GET", pattern: `${base}/:${idParam}/content`, handler: content },
    { method: "GET", pattern: `${base}/:${idParam}/revisions/:revision/content`, handler: revisionContent }
  ]
}
