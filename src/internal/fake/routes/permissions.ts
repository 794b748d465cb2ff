/**
 * Fake routes: permissions of projects, workbooks, views and data sources,
 * and the default permissions of projects. Grantees must exist (404002
 * user, 404003 group, a group set); capabilities must exist for the kind of content
 * and be Allow or Deny (400). A grantee holds one mode per capability:
 * adding the other mode replaces it.
 *
 * @internal
 */
import type { Context, Route } from "../server.ts"
import { table } from "../server.ts"
import { badRequest, element, noContent, notFound, parseBody, requestElement, xml } from "../wire.ts"
import { find, findGroup, findUser, type Kind, KINDS, permissions, PROJECTS, type Rule } from "../content.ts"
import { tooOld, versionAtLeast } from "./directory.ts"
import { requireOwnerOrAdmin } from "./items.ts"

const CAPABILITIES: Readonly<Record<string, ReadonlySet<string>>> = {
  projects: new Set(["Read", "Write", "ProjectLeader", "InheritedProjectLeader"]),
  workbooks: new Set([
    "AddComment", "ChangeHierarchy", "ChangePermissions", "CreateRefreshMetrics", "Delete", "ExportData", "ExportImage",
    "ExportXml", "ExtractRefresh", "Filter", "Read", "RunExplainData", "ShareView", "ViewComments", "ViewUnderlyingData",
    "WebAuthoring", "Write"
  ]),
  views: new Set([
    "AddComment", "ChangePermissions", "Delete", "ExportData", "ExportImage", "Filter", "Read", "ShareView", "ViewComments",
    "ViewUnderlyingData", "WebAuthoring"
  ]),
  datasources: new Set(["ChangePermissions", "Connect", "Delete", "ExportXml", "ExtractRefresh", "Read", "SaveAs", "Write"]),
  // The kinds below follow the reference's permission capabilities pages;
  // the sets were not checked against a server.
  flows: new Set(["ChangeHierarchy", "ChangePermissions", "Delete", "Execute", "ExportXml", "Read", "WebAuthoring", "Write"]),
  metrics: new Set(["ChangeHierarchy", "ChangePermissions", "Delete", "Read", "Write"]),
  lenses: new Set(["ChangeHierarchy", "ChangePermissions", "Delete", "Read", "Write"]),
  dataroles: new Set(["ChangeHierarchy", "ChangePermissions", "Delete", "Read", "Write"]),
  virtualconnections: new Set(["ChangeHierarchy", "ChangePermissions", "Connect", "Delete", "Read", "Write"]),
  databases: new Set(["ChangeHierarchy", "ChangePermissions", "Read", "Write"]),
  tables: new Set(["ChangeHierarchy", "ChangePermissions", "Read", "Write"])
}

/** The content kinds of Tableau's default permissions (`projects/{id}/default-permissions/{kind}`). */
const DEFAULT_KINDS: ReadonlySet<string> = new Set([
  "workbooks", "datasources", "flows", "metrics", "lenses", "dataroles", "virtualconnections", "databases", "tables"
])

const target = (ctx: Context) => {
  const kind: Kind | undefined = KINDS[ctx.params["collection"]!]
  if (kind === undefined) throw notFound("404000", "Resource", ctx.params["collection"]!)
  return { kind, record: find(ctx, kind, ctx.params["id"]!), key: `${kind.collection}:${ctx.params["id"]!}` }
}

const defaultTarget = (ctx: Context) => {
  const project = find(ctx, PROJECTS, ctx.params["projectId"]!)
  const kind = ctx.params["kind"]!
  if (!DEFAULT_KINDS.has(kind)) throw notFound("404000", "Default permissions kind", kind)
  return { project, kind, key: `default:${project.id}:${kind}` }
}

const renderRules = (rules: ReadonlyArray<Rule>, head = ""): string => {
  const grouped = new Map<string, Array<Rule>>()
  for (const rule of rules) {
    const key = `${rule.granteeType}:${rule.granteeId}`
    grouped.set(key, [...(grouped.get(key) ?? []), rule])
  }
  const inner = [...grouped.values()].map((group) =>
    element(
      "granteeCapabilities",
      {},
      element(group[0]!.granteeType, { id: group[0]!.granteeId }) +
        `<capabilities>${group.map((r) => element("capability", { name: r.name, mode: r.mode })).join("")}</capabilities>`
    )
  ).join("")
  return head + inner === "" ? "<permissions/>" : `<permissions>${head}${inner}</permissions>`
}

const GRANTEE_TYPES: ReadonlyArray<Rule["granteeType"]> = ["user", "group", "groupSet"]

/**
 * 404 unless the grantee exists: 404002 user, 404003 group; for a group set
 * the fake answers 404000 (Tableau's code for a missing group-set grantee
 * was not found in the reference). Group sets need API 3.22.
 */
const findGrantee = (ctx: Context, type: Rule["granteeType"], id: string): void => {
  if (type === "user") findUser(ctx, id)
  else if (type === "group") findGroup(ctx, id)
  else {
    if (!versionAtLeast(ctx, "3.22")) throw tooOld(ctx, "3.22")
    if (!table(ctx.state, "groupSets", ctx.auth.siteId).rows.has(id)) throw notFound("404000", "Group set", id)
  }
}

const asArray = (value: unknown): Array<Record<string, unknown>> =>
  Array.isArray(value) ? value : typeof value === "object" && value !== null ? [value as Record<string, unknown>] : []

/** Reads the rules of a request, checking grantees, capabilities and modes. */
const parseRules = async (ctx: Context, capabilities: ReadonlySet<string>): Promise<ReadonlyArray<Rule>> => {
  const body = requestElement(parseBody(await ctx.text()), "permissions")
  const rules: Array<Rule> = []
  for (const grantee of asArray(body["granteeCapabilities"])) {
    const granteeType = GRANTEE_TYPES.find((t) => grantee[t] !== undefined)
    const granteeId = granteeType === undefined ? "" : String((grantee[granteeType] as Record<string, unknown>)["id"] ?? "")
    if (granteeType === undefined || granteeId === "") {
      throw badRequest("400000", "Every <granteeCapabilities> needs a <user>, <group> or <groupSet> with an id.")
    }
    findGrantee(ctx, granteeType, granteeId)
    const caps = asArray((grantee["capabilities"] as Record<string, unknown> | undefined)?.["capability"])
    if (caps.length === 0) throw badRequest("400000", "Every <granteeCapabilities> needs at least one <capability>.")
    for (const cap of caps) {
      const name = String(cap["name"] ?? "")
      const mode = String(cap["mode"] ?? "")
      if (!capabilities.has(name)) throw badRequest("400009", `'${name}' is not a capability of this kind of content.`)
      if (mode !== "Allow" && mode !== "Deny") throw badRequest("400009", `'${mode}' is not a capability mode (Allow or Deny).`)
      rules.push({ granteeType, granteeId, name, mode })
    }
  }
  if (rules.length === 0) throw badRequest("400000", "The request has no permissions to add.")
  return rules
}

const addRules = (ctx: Context, key: string, rules: ReadonlyArray<Rule>) => {
  const current = permissions(ctx.state).get(key) ?? []
  const kept = current.filter((r) => !rules.some((n) => n.granteeType === r.granteeType && n.granteeId === r.granteeId && n.name === r.name))
  permissions(ctx.state).set(key, [...kept, ...rules])
}

const removeRule = (ctx: Context, key: string) => {
  const { granteeType, granteeId, capability, mode } = ctx.params as Record<string, string>
  const type = GRANTEE_TYPES.find((t) => `${t}s` === granteeType)
  if (type === undefined) throw notFound("404000", "Grantee type", granteeType!)
  findGrantee(ctx, type, granteeId!)
  const current = permissions(ctx.state).get(key) ?? []
  const remaining = current.filter((r) => !(r.granteeType === type && r.granteeId === granteeId && r.name === capability && r.mode === mode))
  if (remaining.length === current.length) throw notFound("404000", "Permission", `${capability}:${mode}`)
  permissions(ctx.state).set(key, remaining)
  return noContent()
}

const list = (ctx: Context) => {
  const { kind, record, key } = target(ctx)
  return xml(renderRules(permissions(ctx.state).get(key) ?? [], element(kind.element, { id: record.id, name: record["name"] })))
}

const add = async (ctx: Context) => {
  const { kind, record, key } = target(ctx)
  requireOwnerOrAdmin(ctx, record)
  const rules = await parseRules(ctx, CAPABILITIES[kind.collection]!)
  addRules(ctx, key, rules)
  return xml(renderRules(rules, element(kind.element, { id: record.id, name: record["name"] })))
}

const remove = (ctx: Context) => {
  const { record, key } = target(ctx)
  requireOwnerOrAdmin(ctx, record)
  return removeRule(ctx, key)
}

const listDefault = (ctx: Context) => xml(renderRules(permissions(ctx.state).get(defaultTarget(ctx).key) ?? []))

const addDefault = async (ctx: Context) => {
  const { project, kind, key } = defaultTarget(ctx)
  requireOwnerOrAdmin(ctx, project)
  const rules = await parseRules(ctx, CAPABILITIES[kind]!)
  addRules(ctx, key, rules)
  return xml(renderRules(rules))
}

const removeDefault = (ctx: Context) => {
  const { project, key } = defaultTarget(ctx)
  requireOwnerOrAdmin(ctx, project)
  return removeRule(ctx, key)
}

const base = "/api/:v/sites/:siteId"
export const routes: ReadonlyArray<Route> = [
  { method: "GET", pattern: `${base}/:collection/:id/permissions`, handler: list },
  { method: "PUT", pattern: `${base}/:collection/:id/permissions`, handler: add },
  { method: "DELETE", pattern: `${base}/:collection/:id/permissions/:granteeType/:granteeId/:capability/:mode`, handler: remove },
  { method: "GET", pattern: `${base}/projects/:projectId/default-permissions/:kind`, handler: listDefault },
  { method: "PUT", pattern: `${base}/projects/:projectId/default-permissions/:kind`, handler: addDefault },
  {
    method: "DELETE",
    pattern: `${base}/projects/:projectId/default-permissions/:kind/:granteeType/:granteeId/:capability/:mode`,
    handler: removeDefault
  }
]
