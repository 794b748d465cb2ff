/**
 * The fake server's content: projects, workbooks, views, data sources,
 * their connections, revisions, stored files and permissions, kept
 * consistent (owners and projects must exist; deleting a project deletes
 * what is in it; deleting an item deletes its permissions).
 *
 * Stored files are `StoredContent` (see `routes/fileUploads.ts`): size and
 * SHA-256 always, bytes while small, so a test can publish gigabytes
 * without the fake holding them; a download serves the bytes back.
 *
 * @internal
 */
import type { Context, FakeState } from "./server.ts"
import { extension, table } from "./server.ts"
import { type FakeRecord, put, remove, type Table } from "./store.ts"
import { HELD_BYTES_LIMIT, type StoredContent, storedFrom } from "./routes/fileUploads.ts"
import { attr, badRequest, element, FakeError, notFound } from "./wire.ts"

/** Resource kinds with their collection, element name and not-found code. */
export interface Kind {
  readonly collection: "projects" | "workbooks" | "views" | "datasources"
  readonly element: string
  readonly label: string
  readonly notFoundCode: string
}

export const PROJECTS: Kind = { collection: "projects", element: "project", label: "Project", notFoundCode: "404005" }
export const WORKBOOKS: Kind = { collection: "workbooks", element: "workbook", label: "Workbook", notFoundCode: "404006" }
export const VIEWS: Kind = { collection: "views", element: "view", label: "View", notFoundCode: "404011" }
export const DATASOURCES: Kind = { collection: "datasources", element: "datasource", label: "Datasource", notFoundCode: "404012" }
export const KINDS: Readonly<Record<string, Kind>> = {
  projects: PROJECTS,
  workbooks: WORKBOOKS,
  views: VIEWS,
  datasources: DATASOURCES
}

/** The table of a kind on the caller's site. */
export const rows = (ctx: Context, kind: Kind): Table => table(ctx.state, kind.collection, ctx.auth.siteId)

/** The record of a kind with this ID, or Tableau's 404 for it. */
export const find = (ctx: Context, kind: Kind, id: string): FakeRecord => {
  const record = rows(ctx, kind).rows.get(id)
  if (record === undefined) throw notFound(kind.notFoundCode, kind.label, id)
  return record
}

/** 404002 unless the user exists on the caller's site. */
export const findUser = (ctx: Context, id: string): FakeRecord => {
  const user = table(ctx.state, "users", ctx.auth.siteId).rows.get(id)
  if (user === undefined) throw notFound("404002", "User", id)
  return user
}

/** 404003 unless the group exists on the caller's site. */
export const findGroup = (ctx: Context, id: string): FakeRecord => {
  const group = table(ctx.state, "groups", ctx.auth.siteId).rows.get(id)
  if (group === undefined) throw notFound("404003", "Group", id)
  return group
}

/** The current time as Tableau writes it. */
export const stamp = (state: FakeState): string => new Date(state.now()).toISOString().replace(/\.\d{3}Z$/, "Z")

/** Attributes kept on records for the fake's own use, rendered as child elements or not at all (so are `_`-prefixed keys). */
const INTERNAL = new Set(["projectId", "ownerId", "workbookId", "tags", "totalViewCount", "password", "parentKey"])

/** Renders a workbook, view or data source with its project, owner, tags (and usage). */
export const renderItem = (
  ctx: Context,
  kind: Kind,
  record: FakeRecord,
  options: { readonly usage?: boolean } = {}
): string => {
  const attributes: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(record)) if (!INTERNAL.has(key) && !key.startsWith("_")) attributes[key] = value
  const project = record["projectId"] === undefined
    ? undefined
    : table(ctx.state, "projects", ctx.auth.siteId).rows.get(record["projectId"])
  const owner = record["ownerId"] === undefined ? undefined : table(ctx.state, "users", ctx.auth.siteId).rows.get(record["ownerId"])
  const tags = tagsOf(record)
  const inner = (record["workbookId"] === undefined ? "" : element("workbook", { id: record["workbookId"] })) +
    (project === undefined ? "" : element("project", { id: project.id, name: project["name"] })) +
    (owner === undefined ? "" : element("owner", { id: owner.id, name: owner["name"] })) +
    (tags.length === 0 ? "<tags/>" : `<tags>${tags.map((label) => element("tag", { label })).join("")}</tags>`) +
    (options.usage ? element("usage", { totalViewCount: record["totalViewCount"] ?? "0" }) : "")
  return element(kind.element, attributes, inner)
}

/** The tags of a record. */
export const tagsOf = (record: FakeRecord): ReadonlyArray<string> =>
  record["tags"] === undefined || record["tags"] === "" ? [] : record["tags"].split("\n")

/** Fields the fake can filter and sort content lists on, beyond plain attributes. */
export const contentFieldMap = (ctx: Context) => ({
  projectName: (r: FakeRecord) =>
    r["projectId"] === undefined ? undefined : table(ctx.state, "projects", ctx.auth.siteId).rows.get(r["projectId"])?.["name"],
  ownerName: (r: FakeRecord) =>
    r["ownerId"] === undefined ? undefined : table(ctx.state, "users", ctx.auth.siteId).rows.get(r["ownerId"])?.["name"],
  tags: (r: FakeRecord) => tagsOf(r).join(","),
  topLevelProject: (r: FakeRecord) => String(r["parentProjectId"] === undefined || r["parentProjectId"] === ""),
  workbookId: (r: FakeRecord) => r["workbookId"]
})

/** The `<project id/>` and `<owner id/>` children of an update request, checked to exist. */
export const moveTo = (ctx: Context, element: Record<string, unknown>): Partial<FakeRecord> => {
  const changes: Record<string, string> = {}
  const project = element["project"]
  if (typeof project === "object" && project !== null) {
    const id = attr(project as Record<string, unknown>, "id")
    if (id !== undefined) changes["projectId"] = find(ctx, PROJECTS, id).id
  }
  const owner = element["owner"]
  if (typeof owner === "object" && owner !== null) {
    const id = attr(owner as Record<string, unknown>, "id")
    if (id !== undefined) changes["ownerId"] = findUser(ctx, id).id
  }
  return changes
}

/** 409006 if another item of this kind has the name in the project. */
export const checkNameFree = (ctx: Context, kind: Kind, name: string, projectId: string | undefined, except?: string) => {
  for (const other of rows(ctx, kind).rows.values()) {
    if (other.id !== except && other["projectId"] === projectId && other["name"]?.toLowerCase() === name.toLowerCase()) {
      throw new FakeError(409, "409006", "Resource Conflict", `A ${kind.element} named '${name}' already exists in the project.`)
    }
  }
}

// ---------------------------------------------------------------------------
// Stored files
// ---------------------------------------------------------------------------

/** A stored file: its content (size, digest, bytes while small) and file name. */
export interface StoredFile {
  readonly content: StoredContent
  readonly fileName: string
}

const files = (state: FakeState) => extension(state, "content.files", () => new Map<string, StoredFile>())

/** Revisions of an item, oldest first. */
export interface Revision {
  readonly revisionNumber: number
  readonly publishedAt: string
  readonly publisherId: string
  readonly file: StoredFile
}

const revisionsState = (state: FakeState) => extension(state, "content.revisions", () => new Map<string, Array<Revision>>())

/** The revisions of an item. */
export const revisionsOf = (state: FakeState, kind: Kind, id: string): ReadonlyArray<Revision> =>
  revisionsState(state).get(`${kind.collection}:${id}`) ?? []

/** Stores a new revision of an item's file. */
export const storeFile = (state: FakeState, kind: Kind, id: string, file: StoredFile, publisherId: string): void => {
  const key = `${kind.collection}:${id}`
  files(state).set(key, file)
  const all = revisionsState(state).get(key) ?? []
  all.push({ revisionNumber: all.length + 1, publishedAt: stamp(state), publisherId, file })
  revisionsState(state).set(key, all)
}

/** The current file of an item. */
export const fileOf = (state: FakeState, kind: Kind, id: string): StoredFile | undefined =>
  files(state).get(`${kind.collection}:${id}`)

/** A download answer for a stored file; 500 when the fake kept only its size and digest. */
export const fileResponse = (file: StoredFile): Response => {
  const { bytes, sha256, size } = file.content
  if (bytes === undefined) {
    throw new FakeError(
      500,
      "500000",
      "Internal Server Error",
      `The fake keeps files up to ${HELD_BYTES_LIMIT} bytes; this one has ${size} (SHA-256 ${sha256}).`
    )
  }
  const parts = [...bytes]
  const body = new ReadableStream<Uint8Array>({
    pull: (controller) => {
      const next = parts.shift()
      if (next === undefined) controller.close()
      else controller.enqueue(next)
    }
  })
  return new Response(body, {
    status: 200,
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(size),
      "content-disposition": `attachment; filename="${file.fileName}"`
    }
  })
}

// ---------------------------------------------------------------------------
// Connections and permissions
// ---------------------------------------------------------------------------

/** The connections table of the caller's site; `parentKey` is `"<collection>:<id>"`. */
export const connections = (ctx: Context): Table => table(ctx.state, "connections", ctx.auth.siteId)

/** The connections of an item. */
export const connectionsOf = (ctx: Context, kind: Kind, id: string): ReadonlyArray<FakeRecord> =>
  [...connections(ctx).rows.values()].filter((c) => c["parentKey"] === `${kind.collection}:${id}`)

/** One permission rule: a grantee's capability in a mode. */
export interface Rule {
  readonly granteeType: "user" | "group" | "groupSet"
  readonly granteeId: string
  readonly name: string
  readonly mode: string
}

/** Permission rules, keyed `"<collection>:<id>"` or `"default:<projectId>:<kind>"`. */
export const permissions = (state: FakeState) => extension(state, "content.permissions", () => new Map<string, Array<Rule>>())

/** Deletes an item with its connections, file, revisions, permissions and (for workbooks) views. */
export const deleteItem = (ctx: Context, kind: Kind, id: string): void => {
  remove(rows(ctx, kind), id)
  const key = `${kind.collection}:${id}`
  permissions(ctx.state).delete(key)
  files(ctx.state).delete(key)
  revisionsState(ctx.state).delete(key)
  for (const c of connectionsOf(ctx, kind, id)) remove(connections(ctx), c.id)
  if (kind === WORKBOOKS) {
    for (const view of [...rows(ctx, VIEWS).rows.values()]) if (view["workbookId"] === id) deleteItem(ctx, VIEWS, view.id)
  }
  if (kind === PROJECTS) {
    for (const key of [...permissions(ctx.state).keys()]) if (key.startsWith(`default:${id}:`)) permissions(ctx.state).delete(key)
    for (const child of [...rows(ctx, PROJECTS).rows.values()]) if (child["parentProjectId"] === id) deleteItem(ctx, PROJECTS, child.id)
    for (const inner of [WORKBOOKS, DATASOURCES]) {
      for (const item of [...rows(ctx, inner).rows.values()]) if (item["projectId"] === id) deleteItem(ctx, inner, item.id)
    }
  }
}

/** A boolean attribute of a request, checked. */
export const booleanAttr = (element: Record<string, unknown>, name: string): string | undefined => {
  const value = attr(element, name)
  if (value !== undefined && value !== "true" && value !== "false") {
    throw badRequest("400000", `The attribute '${name}' must be true or false, got '${value}'.`)
  }
  return value
}

// ---------------------------------------------------------------------------
// Seeding
// ---------------------------------------------------------------------------

/** How much content `seedContent` creates. */
export interface SeedOptions {
  /** Top-level projects (default 2; the first is named "Default"). */
  readonly projects?: number | undefined
  /** Workbooks per project (default 2). */
  readonly workbooksPerProject?: number | undefined
  /** Views per workbook (default 2). */
  readonly viewsPerWorkbook?: number | undefined
  /** Data sources per project (default 1). */
  readonly datasourcesPerProject?: number | undefined
  /** Groups to create (default 1, named "Analysts", "Group 2", ...). */
  readonly groups?: number | undefined
  /** The site to seed (default: the default site). */
  readonly siteId?: string | undefined
}

/** The IDs `seedContent` created. */
export interface SeededContent {
  readonly siteId: string
  readonly ownerId: string
  readonly projects: ReadonlyArray<string>
  readonly workbooks: ReadonlyArray<string>
  readonly views: ReadonlyArray<string>
  readonly datasources: ReadonlyArray<string>
  /** Connection IDs: workbooks' first, then data sources'. */
  readonly connections: ReadonlyArray<string>
  readonly groups: ReadonlyArray<string>
}

const encoder = new TextEncoder()

/** Fills a site with projects, workbooks (with views, a connection and a file), data sources and groups. */
export const seedContent = async (
  state: FakeState,
  siteId: string,
  ownerId: string,
  options: SeedOptions = {}
): Promise<SeededContent> => {
  const created = {
    projects: [] as Array<string>,
    workbooks: [] as Array<string>,
    views: [] as Array<string>,
    datasources: [] as Array<string>,
    workbookConnections: [] as Array<string>,
    datasourceConnections: [] as Array<string>,
    groups: [] as Array<string>
  }
  const now = stamp(state)
  const t = (name: string) => table(state, name, siteId)
  for (let g = 1; g <= (options.groups ?? 1); g++) {
    const id = state.newId()
    put(t("groups"), { id, name: g === 1 ? "Analysts" : `Group ${g}`, domainName: "local" })
    created.groups.push(id)
  }
  const connection = (parentKey: string, type: string, serverAddress: string, datasource?: { id: string; name: string }) => {
    const id = state.newId()
    put(t("connections"), {
      id,
      type,
      serverAddress,
      serverPort: "5432",
      userName: "reader",
      embedPassword: "false",
      queryTaggingEnabled: "false",
      parentKey,
      ...(datasource === undefined ? {} : { datasourceId: datasource.id, datasourceName: datasource.name })
    })
    return id
  }
  // Every site starts with its Default project (see `seedSite`): the first seeded project is that one.
  const existingDefault = [...t("projects").rows.values()].find((p) => p["name"] === "Default" && !p["parentProjectId"])
  for (let p = 1; p <= (options.projects ?? 2); p++) {
    const projectId = p === 1 && existingDefault !== undefined ? existingDefault.id : state.newId()
    const projectName = p === 1 ? "Default" : `Project ${p}`
    put(t("projects"), {
      id: projectId,
      name: projectName,
      description: p === 1 ? "The default project that was automatically created by Tableau." : "",
      contentPermissions: "ManagedByOwner",
      createdAt: existingDefault !== undefined && p === 1 ? existingDefault["createdAt"] : now,
      updatedAt: now,
      ownerId
    })
    created.projects.push(projectId)
    for (let w = 1; w <= (options.workbooksPerProject ?? 2); w++) {
      const id = state.newId()
      const name = `Workbook ${p}.${w}`
      const contentUrl = `Workbook${p}_${w}`
      const viewIds: Array<string> = []
      for (let v = 1; v <= (options.viewsPerWorkbook ?? 2); v++) {
        const viewId = state.newId()
        viewIds.push(viewId)
        put(t("views"), {
          id: viewId,
          name: `Sheet ${v}`,
          contentUrl: `${contentUrl}/sheets/Sheet${v}`,
          viewUrlName: `Sheet${v}`,
          sheetType: v === 1 ? "dashboard" : "worksheet",
          createdAt: now,
          updatedAt: now,
          workbookId: id,
          projectId,
          ownerId,
          totalViewCount: String(p * 100 + w * 10 + v)
        })
      }
      put(t("workbooks"), {
        id,
        name,
        description: "",
        contentUrl,
        webpageUrl: `https://fake-tableau.test/#/workbooks/${contentUrl}`,
        showTabs: "true",
        size: "1",
        createdAt: now,
        updatedAt: now,
        encryptExtracts: "false",
        defaultViewId: viewIds[0],
        projectId,
        ownerId
      })
      created.workbooks.push(id)
      created.views.push(...viewIds)
      created.workbookConnections.push(connection(`workbooks:${id}`, "postgres", "db.example.com"))
      storeFile(state, WORKBOOKS, id, { content: await storedFrom(encoder.encode(`PK fake workbook ${name}`)), fileName: `${contentUrl}.twbx` }, ownerId)
    }
    for (let d = 1; d <= (options.datasourcesPerProject ?? 1); d++) {
      const id = state.newId()
      const name = `Datasource ${p}.${d}`
      put(t("datasources"), {
        id,
        name,
        contentUrl: `Datasource${p}_${d}`,
        type: "postgres",
        description: "",
        createdAt: now,
        updatedAt: now,
        isCertified: "false",
        encryptExtracts: "false",
        hasExtracts: "true",
        projectId,
        ownerId
      })
      created.datasources.push(id)
      created.datasourceConnections.push(connection(`datasources:${id}`, "postgres", "warehouse.example.com", { id, name }))
      storeFile(state, DATASOURCES, id, { content: await storedFrom(encoder.encode(`PK fake datasource ${name}`)), fileName: `Datasource${p}_${d}.tdsx` }, ownerId)
    }
  }
  return {
    siteId,
    ownerId,
    projects: created.projects,
    workbooks: created.workbooks,
    views: created.views,
    datasources: created.datasources,
    connections: [...created.workbookConnections, ...created.datasourceConnections],
    groups: created.groups
  }
}
