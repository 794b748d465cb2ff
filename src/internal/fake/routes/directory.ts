/**
 * Fake state shared by the users, groups and group-set routes: group
 * membership, group-set membership, favorites, and how users and groups are
 * rendered. Records keep internal values under `_`-prefixed keys, which are
 * never rendered as attributes.
 *
 * @internal
 */
import type { Context, FakeState } from "../server.ts"
import { extension, table } from "../server.ts"
import { type FakeRecord, type FieldMap, remove } from "../store.ts"
import { element, FakeError, notFound } from "../wire.ts"

/** groupId -> member user IDs, per site. */
export const memberships = (state: FakeState, siteId: string): Map<string, Set<string>> =>
  extension(state, `memberships@${siteId}`, () => new Map<string, Set<string>>())

/** groupSetId -> group IDs, per site. */
export const groupSetMembers = (state: FakeState, siteId: string): Map<string, Set<string>> =>
  extension(state, `groupSetMembers@${siteId}`, () => new Map<string, Set<string>>())

/**
 * The members of a group: every user of the site for `All Users` (as on
 * Tableau, where each user belongs to it), the stored members otherwise.
 */
export const membersOf = (state: FakeState, siteId: string, group: FakeRecord): ReadonlySet<string> =>
  group["_allUsers"] === "true"
    ? new Set(table(state, "users", siteId).rows.keys())
    : memberships(state, siteId).get(group.id) ?? new Set()

/** How many members a group has (without building the All Users set). */
const memberCount = (state: FakeState, siteId: string, group: FakeRecord): number =>
  group["_allUsers"] === "true"
    ? table(state, "users", siteId).rows.size
    : memberships(state, siteId).get(group.id)?.size ?? 0

/**
 * `All Users` cannot be deleted, renamed or have members added or removed
 * (400; the exact code Tableau answers was not found in the reference).
 */
export const refuseAllUsers = (group: FakeRecord): void => {
  if (group["_allUsers"] === "true") {
    throw new FakeError(400, "400000", "Bad Request", "The All Users group cannot be changed.")
  }
}

/** The set under `key` in `map`, created empty on first use. */
export const setIn = (map: Map<string, Set<string>>, key: string): Set<string> => {
  let set = map.get(key)
  if (set === undefined) {
    set = new Set()
    map.set(key, set)
  }
  return set
}

/** One favorite of a user in the fake. */
export interface FakeFavorite {
  readonly label: string
  readonly kind: string
  readonly id: string
  readonly name?: string | undefined
  readonly addedAt?: string | undefined
}

/** userId -> favorites, per site. Tests seed it directly. */
export const favoritesOf = (state: FakeState, siteId: string): Map<string, Array<FakeFavorite>> =>
  extension(state, `favorites@${siteId}`, () => new Map<string, Array<FakeFavorite>>())

/** The attributes of a record, without internal (`_`-prefixed) keys. */
export const publicAttributes = (record: FakeRecord): Record<string, string | undefined> => {
  const out: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(record)) if (!key.startsWith("_")) out[key] = value
  return out
}

/** `<user .../>` with its `<domain name/>`. */
export const renderUser = (record: FakeRecord, options: { readonly withoutId?: boolean } = {}): string => {
  const attributes = publicAttributes(record)
  if (options.withoutId) delete attributes["id"]
  return element("user", attributes, element("domain", { name: record["_domain"] ?? "local" }))
}

/** `<group .../>` with `<domain/>` and, for Active Directory groups, `<import/>`. */
export const renderGroup = (state: FakeState, siteId: string, record: FakeRecord, withUserCount: boolean): string => {
  const inner = element("domain", { name: record["_domain"] ?? "local" }) +
    (record["_importSource"] === undefined
      ? ""
      : element("import", {
        source: record["_importSource"],
        domainName: record["_domain"],
        siteRole: record["_siteRole"],
        grantLicenseMode: record["_grantLicenseMode"]
      }))
  const attributes = publicAttributes(record)
  if (withUserCount) attributes["userCount"] = String(memberCount(state, siteId, record))
  return element("group", attributes, inner)
}

/** Filter and sort fields of the group list that are not plain attributes. */
export const groupFieldMap = (state: FakeState, siteId: string): FieldMap => ({
  domainName: (r) => r["_domain"] ?? "local",
  isLocal: (r) => String(r["_importSource"] === undefined),
  userCount: (r) => String(memberCount(state, siteId, r))
})

/** The user with this ID on the caller's site, or 404002. */
export const findUser = (ctx: Context, id: string): FakeRecord => {
  const record = table(ctx.state, "users", ctx.auth.siteId).rows.get(id)
  if (record === undefined) throw notFound("404002", "User", id)
  return record
}

/** The group with this ID on the caller's site, or 404012. */
export const findGroup = (ctx: Context, id: string): FakeRecord => {
  const record = table(ctx.state, "groups", ctx.auth.siteId).rows.get(id)
  if (record === undefined) throw notFound("404012", "Group", id)
  return record
}

/** Removes a user and everything that points to it (memberships, favorites). */
export const removeUserEverywhere = (state: FakeState, siteId: string, userId: string): void => {
  remove(table(state, "users", siteId), userId)
  for (const members of memberships(state, siteId).values()) members.delete(userId)
  favoritesOf(state, siteId).delete(userId)
}

/** Whether the request's API version (`:v`) is at least `minimum`. */
export const versionAtLeast = (ctx: Context, minimum: string): boolean => {
  const [a = 0, b = 0] = (ctx.params["v"] ?? "0").split(".").map(Number)
  const [c = 0, d = 0] = minimum.split(".").map(Number)
  return a > c || (a === c && b >= d)
}

/** Tableau's answer for an endpoint the requested API version does not have. */
export const tooOld = (ctx: Context, minimum: string): FakeError =>
  new FakeError(400, "400000", "Bad Request", `This request needs API ${minimum} or newer; the URL asks for ${ctx.params["v"]}.`)
