/**
 * Helpers shared by the fake's resource routes.
 *
 * @internal
 */
import { table } from "../server.ts"
import type { Context } from "../server.ts"
import { type FakeRecord, type FieldMap, pageOf, parseQuery, select, type Table } from "../store.ts"
import { element, forbidden, paged, xml } from "../wire.ts"

/** The signed-in user's record. */
export const caller = (ctx: Context): FakeRecord | undefined =>
  table(ctx.state, "users", ctx.auth.siteId).rows.get(ctx.auth.userId)

const ADMIN_ROLES = new Set(["ServerAdministrator", "SiteAdministrator", "SiteAdministratorCreator", "SiteAdministratorExplorer"])

/** 403 unless the caller is a server administrator. */
export const requireServerAdmin = (ctx: Context): void => {
  if (caller(ctx)?.["siteRole"] !== "ServerAdministrator") {
    throw forbidden("403000", "Only server administrators may do this.")
  }
}

/** 403 unless the caller administers the site. */
export const requireSiteAdmin = (ctx: Context, code = "403000"): void => {
  if (!ADMIN_ROLES.has(caller(ctx)?.["siteRole"] ?? "")) {
    throw forbidden(code, "Only site or server administrators may do this.")
  }
}

/** Renders a record as an element; `render` adds children. */
export const renderRecord = (name: string, record: FakeRecord, inner?: string): string => element(name, record, inner)

/** A paged list answer from a table, filtered and sorted as the query says. */
export const listAnswer = (
  ctx: Context,
  source: Table,
  collection: string,
  render: (record: FakeRecord) => string,
  options: { readonly fields?: ReadonlySet<string>; readonly fieldMap?: FieldMap } = {}
): Response => {
  const query = parseQuery(ctx.query, options.fields)
  const { items, pagination } = pageOf(select(source, query, options.fieldMap), query)
  return xml(paged(pagination, collection, items.map(render)))
}
