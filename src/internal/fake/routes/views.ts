/**
 * Fake routes: views, their preview images and exports (PNG, PDF, CSV,
 * crosstab Excel), and the workbook PDF and PowerPoint exports.
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

const PAGE_TYPES = ["A3", "A4", "A5", "B4", "B5", "Executive", "Folio", "Ledger", "Legal", "Letter", "Note", "Quarto", "Tabloid", "Unspecified"]
const ORIENTATIONS = ["Portrait", "Landscape"]

/**
 * A PDF option in Tableau's case rules: the reference writes `A4` and
 * `Landscape`, TSC sends `a4` and `landscape`, and Tableau takes both, so
 * the value is matched ignoring case and echoed in the reference's spelling.
 */
const pdfOption = (ctx: Context, name: string, known: ReadonlyArray<string>, fallback: string): string => {
  const value = ctx.query.get(name) ?? fallback
  const found = known.find((k) => k.toLowerCase() === value.toLowerCase())
  if (found === undefined) throw badRequest("400000", `'${value}' is not a valid ${name}.`)
  return found
}

/** `type`, `orientation` and `maxAge` of a PDF export, checked. */
const pdfOptions = (ctx: Context) => {
  checkMaxAge(ctx)
  return `${pdfOption(ctx, "type", PAGE_TYPES, "Legal")} ${pdfOption(ctx, "orientation", ORIENTATIONS, "Portrait")}`
}

/** A small PDF-signed answer naming what it shows. */
export const pdfDocument = (lines: ReadonlyArray<string>): Response =>
  binary(encoder.encode([`%PDF-1.7`, ...lines.map((l) => `% ${l}`), "%%EOF"].join("\n")), "application/pdf")

const pdf = (ctx: Context) => {
  const found = view(ctx)
  return pdfDocument([`view ${found.id} ${pdfOptions(ctx)}`, ...filterLines(ctx)])
}

/** A ZIP-signed answer (the container of .xlsx and .pptx files) naming what it holds. */
const officeDocument = (label: string, contentType: string): Response => {
  const text = encoder.encode(label)
  const bytes = new Uint8Array(4 + text.length)
  bytes.set([0x50, 0x4b, 0x03, 0x04])
  bytes.set(text, 4)
  return binary(bytes, contentType)
}

/** Download View Crosstab Excel (API 3.18): `.xlsx` of the view's data. */
const crosstabExcel = (ctx: Context) => {
  if (!versionAtLeast(ctx, "3.18")) throw tooOld(ctx, "3.18")
  const found = view(ctx)
  checkMaxAge(ctx)
  return officeDocument(
    [`crosstab ${found.id}`, ...filterLines(ctx)].join("\n"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
  )
}

/** Download Workbook PDF (API 3.4): every sheet of the workbook as one PDF. */
const workbookPdf = (ctx: Context) => {
  if (!versionAtLeast(ctx, "3.4")) throw tooOld(ctx, "3.4")
  const workbook = find(ctx, WORKBOOKS, ctx.params["workbookId"]!)
  return pdfDocument([`workbook ${workbook.id} ${pdfOptions(ctx)}`])
}

/** Download Workbook PowerPoint (API 3.8): one slide per sheet. */
const workbookPowerPoint = (ctx: Context) => {
  if (!versionAtLeast(ctx, "3.8")) throw tooOld(ctx, "3.8")
  const workbook = find(ctx, WORKBOOKS, ctx.params["workbookId"]!)
  checkMaxAge(ctx)
  return officeDocument(`powerpoint ${workbook.id}`, "application/vnd.openxmlformats-officedocument.presentationml.presentation")
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
  { method: "GET", pattern: "/api/:v/sites/:siteId/views/:viewId/data", handler: data },
  { method: "GET", pattern: "/api/:v/sites/:siteId/views/:viewId/crosstab/excel", handler: crosstabExcel },
  { method: "GET", pattern: "/api/:v/sites/:siteId/workbooks/:workbookId/pdf", handler: workbookPdf },
  { method: "GET", pattern: "/api/:v/sites/:siteId/workbooks/:workbookId/powerpoint", handler: workbookPowerPoint }
]
