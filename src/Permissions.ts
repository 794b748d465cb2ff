/**
 * Permissions of projects, workbooks, views and data sources, and the
 * default permissions a project gives new workbooks and data sources
 * (TSC's `populate_permissions`, `update_permissions`, `delete_permission`,
 * `default_workbook_permissions`, ...).
 *
 * A rule grants (`Allow`) or denies (`Deny`) capabilities to a user, a
 * group or a group set (API 3.22+); rules read back from a newer server
 * may name a grantee of another kind (`Unknown`, with its attributes):
 *
 * ```ts
 * yield* Permissions.add(Content.project(projectId), [
 *   { grantee: Permissions.group(analystsId), capabilities: { Read: "Allow", Write: "Allow" } },
 *   { grantee: Permissions.user(contractorId), capabilities: { Write: "Deny" } }
 * ])
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { ContentRef } from "./Content.ts"
import type { CommonError, DeclaredErrorTag, NotFound, UnsupportedApiVersion } from "./Errors.ts"
import { InvalidRequest } from "./Errors.ts"
import { GroupId, GroupSetId, type ProjectId, UserId } from "./Ids.ts"
import { collectionOf } from "./internal/content.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Operation from "./internal/operation.ts"
import { compareVersions } from "./internal/transport.ts"
import { ArrayOf, type ClassOf, Collection, OpenLiteral } from "./internal/schema.ts"
import * as Xml from "./internal/xml.ts"
import type { TableauSession } from "./TableauSession.ts"

/** Capability names Tableau knows (others are kept as they come). */
export const CapabilityName: OpenLiteral<
  | "AddComment"
  | "ChangeHierarchy"
  | "ChangePermissions"
  | "Connect"
  | "CreateRefreshMetrics"
  | "Delete"
  | "ExportData"
  | "ExportImage"
  | "ExportXml"
  | "ExtractRefresh"
  | "Filter"
  | "InheritedProjectLeader"
  | "ProjectLeader"
  | "Read"
  | "RunExplainData"
  | "SaveAs"
  | "ShareView"
  | "ViewComments"
  | "ViewUnderlyingData"
  | "WebAuthoring"
  | "Write"
> = OpenLiteral(
  "AddComment",
  "ChangeHierarchy",
  "ChangePermissions",
  "Connect",
  "CreateRefreshMetrics",
  "Delete",
  "ExportData",
  "ExportImage",
  "ExportXml",
  "ExtractRefresh",
  "Filter",
  "InheritedProjectLeader",
  "ProjectLeader",
  "Read",
  "RunExplainData",
  "SaveAs",
  "ShareView",
  "ViewComments",
  "ViewUnderlyingData",
  "WebAuthoring",
  "Write"
)
/** @since 0.1.0 */
export type CapabilityName = typeof CapabilityName.Type

/** Whether a capability is granted or denied. */
export const CapabilityMode: OpenLiteral<"Allow" | "Deny"> = OpenLiteral("Allow", "Deny")
/** @since 0.1.0 */
export type CapabilityMode = typeof CapabilityMode.Type

const CapabilityFields = {
  name: CapabilityName,
  mode: CapabilityMode
}

const CapabilityBase: ClassOf<Capability, typeof CapabilityFields> = Schema.Class<Capability>("Capability")(
  CapabilityFields
)

/** `<capability name mode/>`. */
export class Capability extends CapabilityBase {}

/** A user, a group or a group set (API 3.22+) that rules apply to. */
export type Grantee =
  | { readonly _tag: "User"; readonly id: UserId }
  | { readonly _tag: "Group"; readonly id: GroupId }
  | { readonly _tag: "GroupSet"; readonly id: GroupSetId }

/**
 * A grantee of a kind this library does not know (a newer server's), as
 * Tableau sent it: the element's name and its attributes. `kind` is `""`
 * when a rule names no grantee at all.
 */
export interface UnknownGrantee {
  readonly _tag: "Unknown"
  readonly kind: string
  readonly id: string | undefined
  readonly attributes: Readonly<Record<string, string>>
}

/**
 * A user as grantee.
 *
 * @example
 * ```ts
 * Permissions.user(userId)
 * ```
 */
export const user = (id: UserId): Grantee => ({ _tag: "User", id })

/**
 * A group as grantee.
 *
 * @example
 * ```ts
 * Permissions.group(groupId)
 * ```
 */
export const group = (id: GroupId): Grantee => ({ _tag: "Group", id })

/**
 * A group set as grantee (API 3.22+, where group sets exist).
 *
 * @example
 * ```ts
 * Permissions.groupSet(groupSetId)
 * ```
 */
export const groupSet = (id: GroupSetId): Grantee => ({ _tag: "GroupSet", id })

const OtherGrantee: Schema.Struct<{
  kind: typeof Schema.String
  attributes: Schema.Record$<typeof Schema.String, typeof Schema.String>
}> = Schema.Struct({
  kind: Schema.String,
  attributes: Schema.Record({ key: Schema.String, value: Schema.String })
})

const GranteeCapabilitiesFields = {
  user: Schema.optional(Schema.Struct({ id: UserId })) as Schema.optional<Schema.Struct<{ id: typeof UserId }>>,
  group: Schema.optional(Schema.Struct({ id: GroupId })) as Schema.optional<Schema.Struct<{ id: typeof GroupId }>>,
  groupSet: Schema.optional(Schema.Struct({ id: GroupSetId })) as Schema.optional<
    Schema.Struct<{ id: typeof GroupSetId }>
  >,
  /** A grantee element of another kind, kept with its attributes. */
  other: Schema.optional(OtherGrantee) as Schema.optional<typeof OtherGrantee>,
  capabilities: Collection("capability", Capability) as Schema.Schema<ReadonlyArray<Capability>, unknown>
}

const KNOWN_RULE_PARTS: ReadonlySet<string> = new Set(["user", "group", "groupSet", "capabilities", "other"])

/** Keeps the first grantee element of an unknown kind as `other`, with its string attributes. */
const keepOtherGrantee = (wire: unknown): unknown => {
  if (typeof wire !== "object" || wire === null || Array.isArray(wire)) return wire
  const record = wire as Record<string, unknown>
  if (record["user"] !== undefined || record["group"] !== undefined || record["groupSet"] !== undefined) return wire
  for (const [kind, value] of Object.entries(record)) {
    if (KNOWN_RULE_PARTS.has(kind) || typeof value !== "object" || value === null || Array.isArray(value)) continue
    const attributes: Record<string, string> = {}
    for (const [key, v] of Object.entries(value)) if (typeof v === "string") attributes[key] = v
    return { ...record, other: { kind, attributes } }
  }
  return wire
}

const GranteeCapabilitiesBase: ClassOf<GranteeCapabilities, typeof GranteeCapabilitiesFields> = Schema.Class<
  GranteeCapabilities
>("GranteeCapabilities")(GranteeCapabilitiesFields)

/** `<granteeCapabilities>`: the capabilities of one user, group or group set on an item. */
export class GranteeCapabilities extends GranteeCapabilitiesBase {
  /**
   * The user, group or group set these capabilities are for; a grantee of
   * a kind this library does not know is `Unknown`, with its attributes.
   */
  get grantee(): Grantee | UnknownGrantee {
    if (this.user !== undefined) return { _tag: "User", id: this.user.id }
    if (this.group !== undefined) return { _tag: "Group", id: this.group.id }
    if (this.groupSet !== undefined) return { _tag: "GroupSet", id: this.groupSet.id }
    const attributes = this.other?.attributes ?? {}
    return { _tag: "Unknown", kind: this.other?.kind ?? "", id: attributes["id"], attributes }
  }
  /** The mode of one capability, if this rule sets it. */
  mode(name: CapabilityName): CapabilityMode | undefined {
    return this.capabilities.find((c) => c.name === name)?.mode
  }
}

/** `<granteeCapabilities>` with a grantee of any kind. */
const GranteeCapabilitiesWire: Schema.Schema<GranteeCapabilities, unknown> = Schema.compose(
  Schema.transform(Schema.Unknown, Schema.Unknown, { strict: true, decode: keepOtherGrantee, encode: (a) => a }),
  GranteeCapabilities as Schema.Schema<GranteeCapabilities, unknown>,
  { strict: false }
)

/** A `<permissions>` element, decoded to its rules. */
const PermissionRules: Schema.Schema<ReadonlyArray<GranteeCapabilities>, unknown> = Schema.transform(
  Schema.Union(
    Schema.Literal(""),
    Schema.Struct({ granteeCapabilities: Schema.optional(ArrayOf(GranteeCapabilitiesWire)) })
  ),
  Schema.Array(Schema.typeSchema(GranteeCapabilities)),
  {
    strict: false,
    decode: (value) => (value === "" ? [] : (value.granteeCapabilities ?? [])),
    encode: (rules) => ({ granteeCapabilities: rules })
  }
) as unknown as Schema.Schema<ReadonlyArray<GranteeCapabilities>, unknown>

/** A rule to add: a grantee and the capabilities to allow or deny. */
export interface PermissionRule {
  readonly grantee: Grantee
  readonly capabilities: Readonly<Partial<Record<CapabilityName, "Allow" | "Deny">>>
}

/**
 * The kinds of content a project has default permissions for, as Tableau
 * names them in the URL. Workbooks and data sources exist from API 2.1;
 * the others came with their content (flows, metrics, lenses, data roles,
 * virtual connections, databases and tables): a server older than the kind
 * answers with an error. Their exact first versions are not checked here.
 */
export type DefaultPermissionsKind =
  | "workbooks"
  | "datasources"
  | "flows"
  | "metrics"
  | "lenses"
  | "dataroles"
  | "virtualconnections"
  | "databases"
  | "tables"

const decoder = Endpoint.one("permissions", PermissionRules)

/** The request element and URL segment of each kind of grantee. */
const granteeElement: Readonly<Record<Grantee["_tag"], string>> = { User: "user", Group: "group", GroupSet: "groupSet" }
const granteeCollection: Readonly<Record<Grantee["_tag"], string>> = {
  User: "users",
  Group: "groups",
  GroupSet: "groupSets"
}

// Not-found codes as the earlier docs and the fake state them (404005
// project, 404006 workbook, 404011 view, 404012 data source, 404002 user,
// 404003 group); not re-read from each kind's reference page here, and the
// reference gives no code for a missing rule or group-set grantee.
type Rules = ReadonlyArray<GranteeCapabilities>
type ItemPath = "{collection}/{itemId}/permissions"
type DefaultPath = "projects/{projectId}/default-permissions/{kind}"
type RulePath = "{granteeKind}/{granteeId}/{capability}/{mode}"

const ITEM_NOT_FOUND = ["404005", "404006", "404011", "404012"] as const
const GRANTEE_NOT_FOUND = ["404002", "404003"] as const

/**
 * The REST operations this module runs, as data: each one's route, minimum
 * API version and documented errors, declared once and read by the
 * functions below, their docs and the contract tests. For tooling; call the
 * functions.
 *
 * One declaration per operation serves every kind of content, with the
 * kind as a path parameter (`{collection}`: `projects`, `workbooks`,
 * `views` or `datasources`; `{kind}` for default permissions), rather than
 * one declaration per kind: Tableau's routes and answers are the same for
 * every kind, each public function takes any content reference, and the
 * versions that differ are per call, not per route: view permissions came
 * with API 3.2 and a group-set grantee needs 3.22 (it is in the request
 * body, so no per-kind route could carry it). Both gates are applied on
 * top of the declared minimum before sending (`UnsupportedApiVersion`).
 *
 * @since 0.1.0
 * @category operations
 */
export const operations: {
  readonly list: Operation.Operation<ItemPath, Rules, "NotFound", "2.0">
  readonly add: Operation.Operation<ItemPath, Rules, "NotFound", "2.0">
  readonly delete: Operation.Operation<`${ItemPath}/${RulePath}`, void, "NotFound", "2.0">
  readonly listDefault: Operation.Operation<DefaultPath, Rules, "NotFound", "2.1">
  readonly addDefault: Operation.Operation<DefaultPath, Rules, "NotFound", "2.1">
  readonly deleteDefault: Operation.Operation<`${DefaultPath}/${RulePath}`, void, "NotFound", "2.1">
} = {
  list: Operation.make({
    name: "Permissions.list",
    method: "GET",
    scope: "site",
    path: "{collection}/{itemId}/permissions",
    minApiVersion: "2.0",
    errors: { NotFound: ITEM_NOT_FOUND },
    decoder
  }),
  add: Operation.make({
    name: "Permissions.add",
    method: "PUT",
    scope: "site",
    path: "{collection}/{itemId}/permissions",
    minApiVersion: "2.0",
    errors: { NotFound: [...ITEM_NOT_FOUND, ...GRANTEE_NOT_FOUND] },
    decoder
  }),
  delete: Operation.make({
    name: "Permissions.delete",
    method: "DELETE",
    scope: "site",
    path: "{collection}/{itemId}/permissions/{granteeKind}/{granteeId}/{capability}/{mode}",
    minApiVersion: "2.0",
    errors: { NotFound: ITEM_NOT_FOUND },
    decoder: Endpoint.none
  }),
  listDefault: Operation.make({
    name: "Permissions.listDefault",
    method: "GET",
    scope: "site",
    path: "projects/{projectId}/default-permissions/{kind}",
    minApiVersion: "2.1",
    errors: { NotFound: ["404005"] },
    decoder
  }),
  addDefault: Operation.make({
    name: "Permissions.addDefault",
    method: "PUT",
    scope: "site",
    path: "projects/{projectId}/default-permissions/{kind}",
    minApiVersion: "2.1",
    errors: { NotFound: ["404005", ...GRANTEE_NOT_FOUND] },
    decoder
  }),
  deleteDefault: Operation.make({
    name: "Permissions.deleteDefault",
    method: "DELETE",
    scope: "site",
    path: "projects/{projectId}/default-permissions/{kind}/{granteeKind}/{granteeId}/{capability}/{mode}",
    minApiVersion: "2.1",
    errors: { NotFound: ["404005"] },
    decoder: Endpoint.none
  })
}

const rulesElement = (operation: string, rules: ReadonlyArray<PermissionRule>) => {
  const invalid = rules.length === 0
    ? "give at least one rule"
    : rules.some((r) => Object.keys(r.capabilities).length === 0)
    ? "every rule needs at least one capability"
    : rules.some((r) => Object.values(r.capabilities).some((m) => m !== "Allow" && m !== "Deny"))
    ? "a capability mode must be Allow or Deny"
    : undefined
  if (invalid !== undefined) return new InvalidRequest({ operation, reason: invalid })
  return Xml.el(
    "permissions",
    {},
    ...rules.map((rule) =>
      Xml.el(
        "granteeCapabilities",
        {},
        Xml.el(granteeElement[rule.grantee._tag], { id: rule.grantee.id }),
        Xml.el(
          "capabilities",
          {},
          ...Object.entries(rule.capabilities).map(([name, mode]) => Xml.el("capability", { name, mode }))
        )
      )
    )
  )
}

/** The path parameters naming one rule: grantee, capability and mode. */
const ruleParams = (grantee: Grantee, capability: CapabilityName, mode: CapabilityMode) => ({
  granteeKind: granteeCollection[grantee._tag],
  granteeId: grantee.id,
  capability,
  mode
})

/** The path parameters naming a content item. */
const itemParams = (target: ContentRef) => ({ collection: collectionOf(target), itemId: target.id })

/**
 * The operation with its minimum version raised for this call: views need
 * API 3.2, a group-set grantee 3.22. The engine gates each operation on one
 * version; these depend on the call's arguments.
 */
const gatedFor = <P extends string, A, Tags extends DeclaredErrorTag, V extends string>(
  operation: Operation.Operation<P, A, Tags, V>,
  target: ContentRef | undefined,
  grantees: ReadonlyArray<Grantee>
): Operation.Operation<P, A, Tags, string> => {
  const floors = [
    operation.minApiVersion,
    target?._tag === "View" ? "3.2" : operation.minApiVersion,
    grantees.some((g) => g._tag === "GroupSet") ? "3.22" : operation.minApiVersion
  ]
  const minApiVersion = floors.reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b))
  return { ...operation, minApiVersion }
}

/** Runs an operation that sends rules, after checking them. */
const sendRules = <P extends string, Tags extends DeclaredErrorTag, V extends string>(
  operation: Operation.Operation<P, ReadonlyArray<GranteeCapabilities>, Tags, V>,
  params: Operation.Params<P>,
  rules: ReadonlyArray<PermissionRule>
) => {
  const body = rulesElement(operation.name, rules)
  return body instanceof InvalidRequest ? Effect.fail(body) : Operation.run(operation, params, { body })
}

/**
 * The permission rules of a project, workbook, view or data source (TSC's
 * `populate_permissions`). REST:
 * `GET /api/{v}/sites/{siteId}/{collection}/{itemId}/permissions`
 * (`{collection}`: `projects`, `workbooks`, `views` or `datasources`).
 * Fails with `NotFound` (404005, 404006, 404011, 404012: no such project,
 * workbook, view, data source), `UnsupportedApiVersion` (views before 3.2)
 * or a `CommonError`. Minimum API version: 2.0 (views: 3.2).
 *
 * @example
 * ```ts
 * const rules = yield* Permissions.list(Content.workbook(workbookId))
 * ```
 */
export const list = (
  target: ContentRef
): Effect.Effect<ReadonlyArray<GranteeCapabilities>, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.run(gatedFor(operations.list, target, []), itemParams(target))

/**
 * Adds permission rules to a project, workbook, view or data source and
 * returns the rules that were added (TSC's `update_permissions`).
 * Capabilities already set the same way are left alone. REST:
 * `PUT /api/{v}/sites/{siteId}/{collection}/{itemId}/permissions`
 * (`{collection}`: `projects`, `workbooks`, `views` or `datasources`).
 * Fails with `NotFound` (404005, 404006, 404011, 404012, 404002, 404003: no
 * such project, workbook, view, data source, user, group), `InvalidRequest`
 * (no rules, or a rule without capabilities), `UnsupportedApiVersion` (views
 * before 3.2, group-set grantees before 3.22), `Forbidden` or a
 * `CommonError`. Minimum API version: 2.0 (views: 3.2; group sets: 3.22).
 *
 * @example
 * ```ts
 * yield* Permissions.add(Content.datasource(datasourceId), [
 *   { grantee: Permissions.group(groupId), capabilities: { Connect: "Allow", Read: "Allow" } }
 * ])
 * ```
 */
export const add = (
  target: ContentRef,
  rules: ReadonlyArray<PermissionRule>
): Effect.Effect<ReadonlyArray<GranteeCapabilities>, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  sendRules(gatedFor(operations.add, target, rules.map((r) => r.grantee)), itemParams(target), rules)

const delete_ = (
  target: ContentRef,
  grantee: Grantee,
  capability: CapabilityName,
  mode: CapabilityMode
): Effect.Effect<void, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.run(gatedFor(operations.delete, target, [grantee]), {
    ...itemParams(target),
    ...ruleParams(grantee, capability, mode)
  })

export {
  /**
   * Removes one capability rule (capability and mode) of a user or group
   * from a project, workbook, view or data source (TSC's
   * `delete_permission`). REST:
   * `DELETE /api/{v}/sites/{siteId}/{collection}/{itemId}/permissions/{granteeKind}/{granteeId}/{capability}/{mode}`
   * (`{collection}`: `projects`, `workbooks`, `views` or `datasources`;
   * `{granteeKind}`: `users`, `groups` or `groupSets`). Fails with
   * `NotFound` (404005, 404006, 404011, 404012: no such project, workbook,
   * view, data source; or no such rule), `UnsupportedApiVersion` (views
   * before 3.2, group-set grantees before 3.22) or a `CommonError`. Minimum
   * API version: 2.0 (views: 3.2; group sets: 3.22).
   *
   * @example
   * ```ts
   * yield* Permissions.delete(Content.project(projectId), Permissions.user(userId), "Write", "Allow")
   * ```
   */
  delete_ as delete
}

/**
 * The default permission rules a project gives new workbooks or data
 * sources (TSC's `populate_workbook_default_permissions`, ...). REST:
 * `GET /api/{v}/sites/{siteId}/projects/{projectId}/default-permissions/{kind}`.
 * Fails with `NotFound` (404005, no such project), `UnsupportedApiVersion`
 * (before 2.1, sent nothing) or a `CommonError`. Minimum API version: 2.1.
 *
 * @example
 * ```ts
 * const rules = yield* Permissions.listDefault(projectId, "workbooks")
 * ```
 */
export const listDefault = (
  projectId: ProjectId,
  kind: DefaultPermissionsKind
): Effect.Effect<ReadonlyArray<GranteeCapabilities>, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.run(operations.listDefault, { projectId, kind })

/**
 * Adds default permission rules for new workbooks or data sources of a
 * project; returns the rules added. REST:
 * `PUT /api/{v}/sites/{siteId}/projects/{projectId}/default-permissions/{kind}`.
 * Fails with `NotFound` (404005, 404002, 404003: no such project, user,
 * group), `InvalidRequest`, `UnsupportedApiVersion` (before 2.1; group-set
 * grantees before 3.22), `Forbidden` or a `CommonError`. Minimum API
 * version: 2.1 (group sets: 3.22).
 *
 * @example
 * ```ts
 * yield* Permissions.addDefault(projectId, "datasources", [
 *   { grantee: Permissions.group(groupId), capabilities: { Connect: "Allow" } }
 * ])
 * ```
 */
export const addDefault = (
  projectId: ProjectId,
  kind: DefaultPermissionsKind,
  rules: ReadonlyArray<PermissionRule>
): Effect.Effect<ReadonlyArray<GranteeCapabilities>, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  sendRules(gatedFor(operations.addDefault, undefined, rules.map((r) => r.grantee)), { projectId, kind }, rules)

/**
 * Removes one default capability rule of a user or group for new
 * workbooks or data sources of a project. REST:
 * `DELETE /api/{v}/sites/{siteId}/projects/{projectId}/default-permissions/{kind}/{granteeKind}/{granteeId}/{capability}/{mode}`
 * (`{granteeKind}`: `users`, `groups` or `groupSets`). Fails with
 * `NotFound` (404005: no such project; or no such rule),
 * `UnsupportedApiVersion` (before 2.1; group-set grantees before 3.22) or a
 * `CommonError`. Minimum API version: 2.1 (group sets: 3.22).
 *
 * @example
 * ```ts
 * yield* Permissions.deleteDefault(projectId, "workbooks", Permissions.group(groupId), "Read", "Allow")
 * ```
 */
export const deleteDefault = (
  projectId: ProjectId,
  kind: DefaultPermissionsKind,
  grantee: Grantee,
  capability: CapabilityName,
  mode: CapabilityMode
): Effect.Effect<void, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.run(gatedFor(operations.deleteDefault, undefined, [grantee]), {
    projectId,
    kind,
    ...ruleParams(grantee, capability, mode)
  })
