/**
 * Fake routes: tags on workbooks, views and data sources.
 *
 * @internal
 */
import type { Context, Route } from "../server.ts"
import { put } from "../store.ts"
import { attr, badRequest, element, noContent, notFound, parseBody, requestElement, xml } from "../wire.ts"
import { DATASOURCES, find, type Kind, rows, tagsOf, VIEWS, WORKBOOKS } from "../content.ts"

const TAGGABLE: Readonly<Record<string, Kind>> = { workbooks: WORKBOOKS, views: VIEWS, datasources: DATASOURCES }

const target = (ctx: Context) => {
  const kind = TAGGABLE[ctx.params["collection"]!]
  if (kind === undefined) throw notFound("404000", "Resource", ctx.params["collection"]!)
  return { kind, record: find(ctx, kind, ctx.params["id"]!) }
}

const add = async (ctx: Context) => {
  const { kind, record } = target(ctx)
  const tags = requestElement(parseBody(await ctx.text()), "tags")
  const items = Array.isArray(tags["tag"]) ? tags["tag"] as Array<Record<string, unknown>> : []
  const labels = items.map((t) => attr(t, "label") ?? "")
  if (labels.length === 0 || labels.some((l) => l.trim() === "")) throw badRequest("400000", "Every <tag> needs a label.")
  const current = tagsOf(record)
  const merged = [...current, ...labels.filter((l, i) => !current.includes(l) && labels.indexOf(l) === i)]
  put(rows(ctx, kind), { ...record, tags: merged.join("\n") })
  return xml(`<tags>${labels.map((label) => element("tag", { label })).join("")}</tags>`)
}

const remove = (ctx: Context) => {
  const { kind, record } = target(ctx)
  const label = ctx.params["tag"]!
  const current = tagsOf(record)
  if (!current.includes(label)) throw notFound("404007", "Tag", label)
  put(rows(ctx, kind), { ...record, tags: current.filter((t) => t !== label).join("\n") })
  return noContent()
}

export const routes: ReadonlyArray<Route> = [
  { method: "PUT", pattern: "/api/:v/sites/:siteId/:collection/:id/tags", handler: add },
  { method: "DELETE", pattern: "/api/:v/sites/:siteId/:collection/:id/tags/:tag", handler: remove }
]
