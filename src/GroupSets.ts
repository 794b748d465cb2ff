/**
 * Group sets (TSC's `groupsets`): named sets of groups, for permission
 * rules that apply to users in all of several groups; Tableau's nearest
 * match to the peers' child groups. API 3.22 (Tableau Cloud February 2024,
 * Server 2024.2) and later; on older sessions every call fails with
 * `UnsupportedApiVersion` before sending. Only server administrators and
 * Tableau Cloud site administrators may call them (`Forbidden` otherwise).
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type { CommonError, Conflict, NotFound, UnsupportedApiVersion } from "./Errors.ts"
import { GroupId, GroupSetId } from "./Ids.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Operation from "./internal/operation.ts"
import type * as Transport from "./internal/transport.ts"
import { type ClassOf, Collection, OptionalInt, OptionalString, StringOrEmpty } from "./internal/schema.ts"
import * as Xml from "./internal/xml.ts"
import type { Page, PageOptions, StreamOptions } from "./RequestOptions.ts"
import type { TableauSession } from "./TableauSession.ts"

/** The version group sets need. */
export const MIN_API_VERSION = "3.22"

const GroupSetMemberFields = {
  id: GroupId,
  name: OptionalString
}

const GroupSetMemberBase: ClassOf<GroupSetMember, typeof GroupSetMemberFields> = Schema.Class<GroupSetMember>(
  "GroupSetMember"
)(GroupSetMemberFields)

/** `<group id name/>` inside a group set. */
export class GroupSetMember extends GroupSetMemberBase {}

const GroupSetMembers: Schema.Schema<ReadonlyArray<GroupSetMember>, unknown> = Collection("group", GroupSetMember)

const GroupSetItemFields = {
  id: GroupSetId,
  name: StringOrEmpty,
  groupCount: OptionalInt,
  groups: Schema.optionalWith(GroupSetMembers, { default: (): ReadonlyArray<GroupSetMember> => [] }) as Schema.optionalWith<
    typeof GroupSetMembers,
    { default: () => ReadonlyArray<GroupSetMember> }
  >
}

const GroupSetItemBase: ClassOf<GroupSetItem, typeof GroupSetItemFields> = Schema.Class<GroupSetItem>("GroupSetItem")(
  GroupSetItemFields
)

/** A group set: its name, how many groups it has, and (when sent) the groups. */
export class GroupSetItem extends GroupSetItemBase {}

const asList = (value: unknown): ReadonlyArray<unknown> =>
  value === undefined || value === "" ? [] : Array.isArray(value) ? value : [value]

/**
 * Tableau lists a set's groups either inside a `<groups>` wrapper or as
 * `<group>` elements directly under `<groupSet>` (TSC reads both, with
 * `.//t:group`); both become `groups`, wrapper first.
 */
const bothGroupShapes = (wire: unknown): unknown => {
  if (typeof wire !== "object" || wire === null || !("group" in wire)) return wire
  const { group, groups, ...rest } = wire as Record<string, unknown>
  const wrapped = typeof groups === "object" && groups !== null ? (groups as Record<string, unknown>)["group"] : undefined
  return { ...rest, groups: { group: [...asList(wrapped), ...asList(group)] } }
}

/** `<groupSet>` in either shape, decoded to a `GroupSetItem`. */
const GroupSetWire: Schema.Schema<GroupSetItem, unknown> = Schema.compose(
  Schema.transform(Schema.Unknown, Schema.Unknown, { strict: true, decode: bothGroupShapes, encode: (a) => a }),
  GroupSetItem as Schema.Schema<GroupSetItem, unknown>,
  { strict: false }
)

const groupSet = Endpoint.one("groupSet", GroupSetWire)
const groupSets = Endpoint.items("groupSets", "groupSet", GroupSetWire)

type Errors<T extends "NotFound" | "Conflict" = never> = CommonError | UnsupportedApiVersion | Extract<NotFound | Conflict, { _tag: T }>

/** A group-set operation: all of them came with API 3.22. */
type GroupSetOperation<P extends string, A, Tags extends "NotFound" | "Conflict" = never> = Operation.Operation<
  P,
  A,
  Tags,
  typeof MIN_API_VERSION
>


const groupSetOperation = <const P extends string, A, const Tags extends "NotFound" | "Conflict" = never>(
  name: string,
  method: Transport.Method,
  path: P,
  errors: Operation.ErrorCodes<Tags>,
  decoder: Endpoint.Decoder<A>
) => Operation.make({ name, method, scope: "site", path, minApiVersion: MIN_API_VERSION, errors, decoder })

// The REST reference lists no Tableau error codes for group sets, so none
// are declared here (the fake answers 404000 / 409000 of its own choosing).

/**
 * The REST operations this module runs, as data: each one's route, minimum
 * API version and documented errors, declared once and read by the
 * functions below, their docs and the contract tests. For tooling; call the
 * functions.
 *
 * @since 0.1.0
 * @category operations
 */
export const operations: {
  readonly create: GroupSetOperation<"groupsets", GroupSetItem, "Conflict">
  readonly get: GroupSetOperation<"groupsets/{groupSetId}", GroupSetItem, "NotFound">
  readonly list: GroupSetOperation<"groupsets", Page<GroupSetItem>>
  readonly update: GroupSetOperation<"groupsets/{groupSetId}", GroupSetItem, "NotFound" | "Conflict">
  readonly delete: GroupSetOperation<"groupsets/{groupSetId}", void, "NotFound">
  readonly addGroup: GroupSetOperation<"groupsets/{groupSetId}/groups/{groupId}", void, "NotFound" | "Conflict">
  readonly removeGroup: GroupSetOperation<"groupsets/{groupSetId}/groups/{groupId}", void, "NotFound">
} = {
  create: groupSetOperation("GroupSets.create", "POST", "groupsets", { Conflict: [] }, groupSet),
  get: groupSetOperation("GroupSets.get", "GET", "groupsets/{groupSetId}", { NotFound: [] }, groupSet),
  list: groupSetOperation("GroupSets.list", "GET", "groupsets", {}, groupSets),
  update: groupSetOperation(
    "GroupSets.update",
    "PUT",
    "groupsets/{groupSetId}",
    { NotFound: [], Conflict: [] },
    groupSet
  ),
  delete: groupSetOperation("GroupSets.delete", "DELETE", "groupsets/{groupSetId}", { NotFound: [] }, Endpoint.none),
  addGroup: groupSetOperation(
    "GroupSets.addGroup",
    "PUT",
    "groupsets/{groupSetId}/groups/{groupId}",
    { NotFound: [], Conflict: [] },
    Endpoint.none
  ),
  removeGroup: groupSetOperation(
    "GroupSets.removeGroup",
    "DELETE",
    "groupsets/{groupSetId}/groups/{groupId}",
    { NotFound: [] },
    Endpoint.none
  )
}

/**
 * Creates a group set. REST: `POST /api/{v}/sites/{siteId}/groupsets`.
 * Fails with `Conflict` (the name is taken), `UnsupportedApiVersion`,
 * `Forbidden` or a `CommonError`. Minimum API version: 3.22.
 *
 * @example
 * ```ts
 * const set = yield* GroupSets.create({ name: "EMEA analysts" })
 * ```
 */
export const create = (fields: { readonly name: string }): Effect.Effect<GroupSetItem, Errors<"Conflict">, TableauSession> =>
  Operation.run(operations.create, {}, { body: Xml.el("groupSet", { name: fields.name }) })

/**
 * Reads a group set with its groups. REST:
 * `GET /api/{v}/sites/{siteId}/groupsets/{groupSetId}`. Fails with
 * `NotFound`, `UnsupportedApiVersion` or a `CommonError`. Minimum API
 * version: 3.22.
 *
 * @example
 * ```ts
 * const set = yield* GroupSets.get(groupSetId)
 * console.log(set.groups.map((g) => g.name))
 * ```
 */
export const get = (groupSetId: GroupSetId): Effect.Effect<GroupSetItem, Errors<"NotFound">, TableauSession> =>
  Operation.run(operations.get, { groupSetId })

/**
 * Reads one page of the group sets of the site. REST:
 * `GET /api/{v}/sites/{siteId}/groupsets`. Fails with
 * `UnsupportedApiVersion` or a `CommonError`. Minimum API version: 3.22.
 *
 * @example
 * ```ts
 * const { items } = yield* GroupSets.getPage({ pageSize: 50 })
 * ```
 */
export const getPage = (options?: PageOptions): Effect.Effect<Page<GroupSetItem>, Errors, TableauSession> =>
  Operation.page(operations.list, {}, options)

/**
 * Every group set of the site, as a Stream over all pages. REST:
 * `GET /api/{v}/sites/{siteId}/groupsets`. Fails with
 * `UnsupportedApiVersion` or a `CommonError`. Minimum API version: 3.22.
 *
 * @example
 * ```ts
 * const all = yield* Stream.runCollect(GroupSets.list())
 * ```
 */
export const list = (options?: StreamOptions): Stream.Stream<GroupSetItem, Errors, TableauSession> =>
  Operation.stream(operations.list, {}, options)

/**
 * Renames a group set. REST:
 * `PUT /api/{v}/sites/{siteId}/groupsets/{groupSetId}`. Fails with
 * `NotFound`, `Conflict`, `UnsupportedApiVersion` or a `CommonError`.
 * Minimum API version: 3.22.
 *
 * @example
 * ```ts
 * yield* GroupSets.update(groupSetId, { name: "EMEA + APAC analysts" })
 * ```
 */
export const update = (
  groupSetId: GroupSetId,
  changes: { readonly name: string }
): Effect.Effect<GroupSetItem, Errors<"NotFound" | "Conflict">, TableauSession> =>
  Operation.run(operations.update, { groupSetId }, { body: Xml.el("groupSet", { name: changes.name }) })

const delete_ = (groupSetId: GroupSetId): Effect.Effect<void, Errors<"NotFound">, TableauSession> =>
  Operation.run(operations.delete, { groupSetId })

export {
  /**
   * Deletes a group set (its groups stay). REST:
   * `DELETE /api/{v}/sites/{siteId}/groupsets/{groupSetId}`. Fails with
   * `NotFound`, `UnsupportedApiVersion` or a `CommonError`. Minimum API
   * version: 3.22.
   *
   * @example
   * ```ts
   * yield* GroupSets.delete(groupSetId)
   * ```
   */
  delete_ as delete
}

/**
 * Adds a group to a group set. REST:
 * `PUT /api/{v}/sites/{siteId}/groupsets/{groupSetId}/groups/{groupId}`.
 * Fails with `NotFound` (set or group), `Conflict` (already in the set),
 * `UnsupportedApiVersion` or a `CommonError`. Minimum API version: 3.22.
 *
 * @example
 * ```ts
 * yield* GroupSets.addGroup(groupSetId, groupId)
 * ```
 */
export const addGroup = (
  groupSetId: GroupSetId,
  groupId: GroupId
): Effect.Effect<void, Errors<"NotFound" | "Conflict">, TableauSession> =>
  Operation.run(operations.addGroup, { groupSetId, groupId })

/**
 * Removes a group from a group set. REST:
 * `DELETE /api/{v}/sites/{siteId}/groupsets/{groupSetId}/groups/{groupId}`.
 * Fails with `NotFound`, `UnsupportedApiVersion` or a `CommonError`.
 * Minimum API version: 3.22.
 *
 * @example
 * ```ts
 * yield* GroupSets.removeGroup(groupSetId, groupId)
 * ```
 */
export const removeGroup = (
  groupSetId: GroupSetId,
  groupId: GroupId
): Effect.Effect<void, Errors<"NotFound">, TableauSession> =>
  Operation.run(operations.removeGroup, { groupSetId, groupId })
