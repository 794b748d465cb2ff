/**
 * Fake routes: views, their preview images and exports (PNG, PDF, CSV).
 * Exports echo what they were asked for, so tests can see the options and
 * view filters (`vf_`) arrive as Tableau reads them.
 *
 * @internal
 */
import type { Context, Route } from "../server.ts"
import { badRequest, notFound, xml } from "../wire.ts"
import { contentFieldMap, find, renderItem, rows, VIEWS, WORKBOOKS } from "../content.ts"
import { listAnswer } from "./common.ts"
import { tooOld, versionAtLeast } from "./directory.ts"

const FIELDS = new Set(["name", "projectName", "ownerName", "tags", "createdAt", "updatedAt", "contentUrl", "sheetType", "viewUrlName", "workbookId", "id"])
const encoder = new TextEncoder()
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

const binary = (bytes: Uint8Array, contentType: string) =>
  new Response(bytes as Uint8Array<ArrayBuffer>, { status: 200, headers: { "content-type": contentType, "content-length": String(bytes.length) } })

/** A small PNG-signed answer naming what it shows. */
export const png = (label: string): Response => {
  const text = encoder.encode(label)
  const bytes = new Uint8Array(PNG_SIGNATURE.length + text.length)
  bytes.set(PNG_SIGNATURE)
  bytes.set(text, PNG_SIGNATURE.length)
  return binary(bytes, "image/png")
}

/** Splits a `vf_` value on commas that are not escaped as `\,`. */
export const splitFilterValue = (value: string): ReadonlyArray<string> => {
  const parts: Array<string> = []
  let current = ""
  for (let i = 0; i < value.length; i++) {
    if (value[i] === "\\" && value[i + 1] === ",") {
      current += ","
      i++
    } else if (value[i] === ",") {
      parts.push(current)
      current = ""
    } else current += value[i]
  }
  parts.push(current)
  return parts
}

/** The view filters of a request, one line each: `field=value|value`. */
const filterLines = (ctx: Context): ReadonlyArray<string> => {
  const lines: Array<string> = []
  for (const [key, value] of ctx.query) {
    if (key.startsWith("vf_")) lines.push(`${key.slice(3)}=${splitFilterValue(value).join("|")}`)
  }
  return lines
}

const checkMaxAge = (ctx: Context) => {
  const maxAge = ctx.query.get("maxAge")
  if (maxAge !== null && !(/^\d+$/.test(maxAge) && Number(maxAge) >= 1)) {
    throw badRequest("400000", `maxAge must be a whole number of minutes from 1, got '${maxAge}'.`)
  }
}

const view = (ctx: Context) => find(ctx, VIEWS, ctx.params["viewId"]!)

const list = (ctx: Context) => {
  const usage = ctx.query.get("includeUsageStatistics") === "true"
  return listAnswer(ctx, rows(ctx, VIEWS), "views", (r) => renderItem(ctx, VIEWS, r, { usage }), {
    fields: FIELDS,
    fieldMap: contentFieldMap(ctx)
  })
}

/** Get View exists from API 3.1 (Tableau Server 2018.2). */
const get = (ctx: Context) => {
  if (!versionAtLeast(ctx, "3.1")) throw tooOld(ctx, "3.1")
  return xml(renderItem(ctx, VIEWS, view(ctx)))
}

const previewImage = (ctx: Context) => {
  const workbook = find(ctx, WORKBOOKS, ctx.params["workbookId"]!)
  const found = view(ctx)
  if (found["workbookId"] !== workbook.id) throw notFound("404011", "View", found.id)
  return png(`preview ${found.id}`)
}

const image = (ctx: Context) => {
  const found = view(ctx)
  checkMaxAge(ctx)
  const resolution = ctx.query.get("resolution") ?? "standard"
  return png([`image ${found.id} ${resolution}`, ...filterLines(ctx)].join("\n"))
}

const PAGE_TYPES = new Set(["A3", "A4", "A5", "B4", "B5", "Executive", "Folio", "Ledger", "Legal", "Letter", "Note", "Quarto", "Tabloid", "Unspecified"])

const pdf = (ctx: Context) => {
  const found = view(ctx)
  checkMaxAge(ctx)
  const type = ctx.query.get("type") ?? "Legal"
  const orientation = ctx.query.get("orientation") ?? "Portrait"
  if (!PAGE_TYPES.has(type)) throw badRequest("400000", `'${type}' is not a page type.`)
  if (orientation !== "Portrait" && orientation !== "Landscape") throw badRequest("400000", `'${orientation}' is not an orientation.`)
  return binary(encoder.encode([`%PDF-1.7`, `% view ${found.id} ${type} ${orientation}`, ...filterLines(ctx), "%%EOF"].join("\n")), "application/pdf")
}

const csvField = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, "\"\"")}"` : value)

const data = (ctx: Context) => {
  const found = view(ctx)
  checkMaxAge(ctx)
  const rowsOut = ["View,Filter,Value"]
  for (const [key, value] of ctx.query) {
    if (!key.startsWith("vf_")) continue
    for (const v of splitFilterValue(value)) rowsOut.push([found["name"] ?? "", key.slice(3), v].map(csvField).join(","))
  }
  return binary(encoder.encode(rowsOut.join("\n") + "\n"), "text/csv; charset=utf-8")
}

export const routes: ReadonlyArray<Route> = [
  { method: "GET", pattern: "/api/:v/sites/:siteId/views", handler: list },
  { method: "GET", pattern: "/api/:v/sites/:siteId/views/:viewId", handler: get },
  { method: "GET", pattern: "/api/:v/sites/:siteId/workbooks/:workbookId/views/:viewId/previewImage", handler: previewImage },
  { method: "GET", pattern: "/api/:v/sites/:siteId/views/:viewId/image", handler: image },
  { method: "GET", pattern: "/api/:v/sites/:siteId/views/:viewId/pdf", handler: pdf },
  { method: "GET", pattern: "/api/:v/sites/:siteId/views/:viewId/data", handler: data }
]
