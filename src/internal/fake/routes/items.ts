/**
 * Fake routes that workbooks and data sources share: read, list, update,
 * delete, connections, refresh, revisions and downloads.
 *
 * @internal
 */
import type { Context, Route } from "../server.ts"
import { table } from "../server.ts"
import * as Multipart from "../multipart.ts"
import { type FakeRecord, makeTable, put, remove } from "../store.ts"
import { attr, badRequest, element, FakeError, forbidden, notFound, parseBody, requestElement, xml } from "../wire.ts"
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
  PROJECTS,
  rows,
  stamp,
  storeFile
} from "../content.ts"
import { storedFrom, takeUpload } from "./fileUploads.ts"
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

const textDecoder = new TextDecoder()

const extensionOf = (fileName: string) => fileName.includes(".") ? fileName.slice(fileName.lastIndexOf(".") + 1).toLowerCase() : ""

/** The credentials of a publish payload: `<connectionCredentials>`, or `<connections><connection>` each with its own. */
const publishConnections = (payload: Record<string, unknown>): ReadonlyArray<Record<string, string | undefined>> => {
  const credentialsOf = (element: Record<string, unknown> | undefined) => {
    const c = element?.["connectionCredentials"] as Record<string, unknown> | undefined
    return c === undefined ? {} : { name: attr(c, "name"), password: attr(c, "password"), embed: attr(c, "embed") }
  }
  const single = payload["connectionCredentials"]
  if (single !== undefined) return [credentialsOf(payload)]
  const list = (payload["connections"] as Record<string, unknown> | undefined)?.["connection"]
  const items = Array.isArray(list) ? list as Array<Record<string, unknown>> : []
  return items.map((c) => ({ serverAddress: attr(c, "serverAddress"), serverPort: attr(c, "serverPort"), ...credentialsOf(c) }))
}

const renderConnection = (record: FakeRecord): string => {
  const { parentKey: _p, password: _pw, datasourceId, datasourceName, ...attributes } = record
  return element(
    "connection",
    attributes,
    datasourceId === undefined ? undefined : element("datasource", { id: datasourceId, name: datasourceName })
  )
}

/** How a kind is published. */
export interface PublishOptions {
  /** The file part of a single-request publish: `tableau_workbook`, `tableau_datasource`. */
  readonly filePart: string
  /** The query parameter naming the file type: `workbookType`, `datasourceType`. */
  readonly typeParameter: string
  readonly extensions: ReadonlySet<string>
  readonly allowAppend: boolean
  /** Attributes of the payload element kept on the item. */
  readonly attributes: ReadonlyArray<string>
  /** Record attributes of a new item. */
  readonly defaults: (name: string) => Partial<FakeRecord>
  /** Runs after a new item is created (workbooks create their views). */
  readonly created?: ((ctx: Context, record: FakeRecord) => void) | undefined
}

/** What differs between workbooks and data sources. */
export interface ItemOptions {
  readonly publish: PublishOptions
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
      detail: { element: "extractRefreshJob", kind: kind.element, id: record.id, name: record["name"] },
      // Tests make an item's refreshes fail by giving it a `_refreshError` reason.
      ...(record["_refreshError"] === undefined ? {} : { outcome: "failed" as const, notes: [record["_refreshError"]] }),
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

  const publish = async (ctx: Context) => {
    const p = options.publish
    const parts = await Multipart.read(ctx.request)
    const payloadPart = parts.find((part) => part.name === "request_payload")
    if (payloadPart === undefined) throw badRequest("400000", "The publish request has no request_payload part.")
    const payload = requestElement(parseBody(textDecoder.decode(payloadPart.data)), kind.element)
    const uploadSessionId = ctx.query.get("uploadSessionId")
    const filePart = uploadSessionId === null ? parts.find((part) => part.name === p.filePart) : undefined
    if (uploadSessionId === null && filePart === undefined) {
      throw badRequest("400000", `The publish request has neither an uploadSessionId nor a ${p.filePart} part.`)
    }
    const name = attr(payload, "name")
    if (!name) throw badRequest("400000", `The <${kind.element}> needs a name.`)
    const fileType = ctx.query.get(p.typeParameter) ?? extensionOf(filePart?.filename ?? "")
    if (!p.extensions.has(fileType)) {
      throw badRequest("400011", `'${fileType}' is not a file type that can be published as a ${kind.element}.`)
    }
    const projectElement = payload["project"] as Record<string, unknown> | undefined
    const project = find(ctx, PROJECTS, (projectElement && attr(projectElement, "id")) ?? "")
    const overwrite = ctx.query.get("overwrite") === "true"
    const append = ctx.query.get("append") === "true"
    if (append && !p.allowAppend) throw badRequest("400000", `A ${kind.element} cannot be appended to.`)
    const existing = [...rows(ctx, kind).rows.values()].find((r) =>
      r["projectId"] === project.id && r["name"]?.toLowerCase() === name.toLowerCase()
    )
    if (existing !== undefined && !overwrite && !append) {
      throw new FakeError(409, "409006", "Resource Conflict", `A ${kind.element} named '${name}' already exists in the project.`)
    }
    if (append && existing === undefined) throw notFound(kind.notFoundCode, kind.label, name)
    if (existing !== undefined) requireOwnerOrAdmin(ctx, existing)
    const content = uploadSessionId === null ? await storedFrom(filePart!.data) : takeUpload(ctx.state, ctx.auth.siteId, uploadSessionId)
    const fileName = filePart?.filename ?? `${name}.${fileType}`
    const attributes: Record<string, string> = {}
    for (const key of p.attributes) {
      const value = attr(payload, key)
      if (value !== undefined) attributes[key] = value
    }
    const credentials = publishConnections(payload)
    const act = (): FakeRecord => {
      const now = stamp(ctx.state)
      const record = existing === undefined
        ? put(rows(ctx, kind), {
          id: ctx.state.newId(),
          name,
          contentUrl: name.replace(/[^A-Za-z0-9]/g, ""),
          createdAt: now,
          updatedAt: now,
          projectId: project.id,
          ownerId: ctx.auth.userId,
          ...p.defaults(name),
          ...attributes,
          size: String(Math.max(1, Math.ceil(content.size / (1024 * 1024))))
        })
        : put(rows(ctx, kind), { ...existing, ...attributes, updatedAt: now })
      if (existing === undefined) p.created?.(ctx, record)
      if (existing === undefined || credentials.length > 0) {
        for (const c of connectionsOf(ctx, kind, record.id)) remove(connections(ctx), c.id)
        for (const c of credentials.length > 0 ? credentials : [{}]) {
          put(connections(ctx), {
            id: ctx.state.newId(),
            type: fileType === "hyper" || fileType === "tde" ? "hyper" : "sqlserver",
            serverAddress: c["serverAddress"] ?? "localhost",
            serverPort: c["serverPort"],
            userName: c["name"] ?? "",
            embedPassword: c["embed"] ?? "false",
            password: c["password"],
            parentKey: `${kind.collection}:${record.id}`,
            ...(kind.collection === "datasources" ? { datasourceId: record.id, datasourceName: name } : {})
          })
        }
      }
      storeFile(ctx.state, kind, record.id, { content, fileName }, ctx.auth.userId)
      return rows(ctx, kind).rows.get(record.id) ?? record
    }
    if (ctx.query.get("asJob") === "true") {
      const job = createJob(ctx.state, ctx.auth.siteId, {
        type: kind.collection === "workbooks" ? "PublishWorkbook" : "PublishDatasource",
        pollsUntilDone: 1,
        onFinish: () => {
          act()
        }
      })
      return xml(renderJob(job), 202)
    }
    return xml(renderItem(ctx, kind, act()), 201)
  }

  return [
    { method: "POST", pattern: base, handler: publish },
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
