/**
 * The fake server's data: tables of records, one per resource kind and site
 * (`"users@<siteId>"`), each record a flat map of XML attribute values.
 * Lists are evaluated like Tableau does: filter, then sort, then page.
 *
 * The fake is test infrastructure: its tables are mutable on purpose, and
 * are only reached through the functions here and in `server.ts`.
 *
 * @internal
 */
import { FakeError } from "./wire.ts"

/** One resource as attribute values (undefined: attribute absent). */
export type FakeRecord = Record<string, string | undefined> & { readonly id: string }

/** A table: insertion-ordered records plus a version for the query cache. */
export interface Table {
  readonly rows: Map<string, FakeRecord>
  version: number
}

export const makeTable = (): Table => ({ rows: new Map(), version: 0 })

export const put = (table: Table, record: FakeRecord): FakeRecord => {
  table.rows.set(record.id, record)
  table.version++
  return record
}

export const remove = (table: Table, id: string): boolean => {
  const had = table.rows.delete(id)
  if (had) table.version++
  return had
}

/** A parsed filter expression. */
export interface FilterExpr {
  readonly field: string
  readonly operator: string
  readonly values: ReadonlyArray<string>
}

const OPERATORS = new Set(["eq", "gt", "gte", "lt", "lte", "in", "has", "cieq"])

const filterError = (detail: string) => new FakeError(400, "400065", "Bad Request", detail)

/**
 * Parses Tableau's `filter` parameter: `field:op:value` expressions joined by
 * commas; `\` escapes the next character; an `in` value is `[a,b,...]`.
 * Malformed expressions are a 400.
 */
export const parseFilter = (param: string | null): ReadonlyArray<FilterExpr> => {
  if (param === null || param === "") return []
  const out: Array<FilterExpr> = []
  let i = 0
  const readUntil = (stop: string): string => {
    let text = ""
    while (i < param.length && !stop.includes(param[i]!)) {
      if (param[i] === "\\" && i + 1 < param.length) i++
      text += param[i]
      i++
    }
    return text
  }
  while (i <= param.length) {
    const field = readUntil(":,")
    if (param[i] !== ":") throw filterError(`The filter expression '${field}' is not field:operator:value.`)
    i++
    const operator = readUntil(":,")
    if (param[i] !== ":") throw filterError(`The filter expression '${field}:${operator}' has no value.`)
    i++
    if (!OPERATORS.has(operator)) throw filterError(`The filter operator '${operator}' is not supported.`)
    if (operator === "in") {
      if (param[i] !== "[") throw filterError("The 'in' operator needs a list: [a,b].")
      i++
      const values: Array<string> = []
      while (true) {
        values.push(readUntil(",]"))
        if (i >= param.length) throw filterError("The 'in' list is not closed with ']'.")
        if (param[i] === "]") break
        i++
      }
      i++
      out.push({ field, operator, values })
    } else {
      out.push({ field, operator, values: [readUntil(",")] })
    }
    if (i >= param.length) break
    if (param[i] !== ",") throw filterError(`Unexpected '${param[i]}' after a filter expression.`)
    i++
  }
  return out
}

const compare = (a: string, b: string): number => {
  const na = Number(a)
  const nb = Number(b)
  if (a !== "" && b !== "" && Number.isFinite(na) && Number.isFinite(nb)) return na - nb
  return a < b ? -1 : a > b ? 1 : 0
}

const matches = (record: FakeRecord, filter: FilterExpr, fieldMap: FieldMap): boolean => {
  const get = fieldMap[filter.field]
  const actual = get ? get(record) : record[filter.field]
  const value = filter.values[0] ?? ""
  if (actual === undefined) return false
  switch (filter.operator) {
    case "eq":
      return actual === value
    case "cieq":
      return actual.toLowerCase() === value.toLowerCase()
    case "in":
      return filter.values.includes(actual)
    case "has":
      return actual.toLowerCase().includes(value.toLowerCase())
    case "gt":
      return compare(actual, value) > 0
    case "gte":
      return compare(actual, value) >= 0
    case "lt":
      return compare(actual, value) < 0
    default:
      return compare(actual, value) <= 0
  }
}

/** Filterable/sortable fields whose value is not the attribute of the same name. */
export type FieldMap = Readonly<Record<string, (record: FakeRecord) => string | undefined>>

/** What a list query asks for. */
export interface Query {
  readonly filter: ReadonlyArray<FilterExpr>
  readonly sort: ReadonlyArray<{ readonly field: string; readonly direction: "asc" | "desc" }>
  readonly pageSize: number
  readonly pageNumber: number
}

/** Reads filter, sort and paging parameters like Tableau (page size 1..1000, default 100). */
export const parseQuery = (params: URLSearchParams, allowedFields?: ReadonlySet<string>): Query => {
  const filter = parseFilter(params.get("filter"))
  const sortParam = params.get("sort")
  const sort = sortParam === null || sortParam === ""
    ? []
    : sortParam.split(",").map((s) => {
      const [field = "", direction = "asc"] = s.split(":")
      if (direction !== "asc" && direction !== "desc") {
        throw new FakeError(400, "400065", "Bad Request", `The sort direction '${direction}' is not asc or desc.`)
      }
      return { field, direction: direction as "asc" | "desc" }
    })
  if (allowedFields) {
    for (const f of [...filter, ...sort]) {
      if (!allowedFields.has(f.field)) {
        throw new FakeError(400, "400065", "Bad Request", `The field '${f.field}' is not a valid filter or sort field.`)
      }
    }
  }
  const pageSize = Number(params.get("pageSize") ?? "100")
  const pageNumber = Number(params.get("pageNumber") ?? "1")
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    throw new FakeError(400, "400007", "Invalid page size", `The page size '${params.get("pageSize")}' is not between 1 and 1000.`)
  }
  if (!Number.isInteger(pageNumber) || pageNumber < 1) {
    throw new FakeError(400, "400006", "Invalid page number", `The page number '${params.get("pageNumber")}' is not a positive integer.`)
  }
  return { filter, sort, pageSize, pageNumber }
}

/** The cache of the last filtered and sorted view of each table. */
const cache = new WeakMap<Table, { key: string; version: number; rows: ReadonlyArray<FakeRecord> }>()

/** Filters and sorts a table; cached per table version, so paging 100,000 rows stays linear. */
export const select = (table: Table, query: Query, fieldMap: FieldMap = {}): ReadonlyArray<FakeRecord> => {
  const key = JSON.stringify([query.filter, query.sort])
  const hit = cache.get(table)
  if (hit && hit.key === key && hit.version === table.version) return hit.rows
  let rows: Array<FakeRecord> = [...table.rows.values()]
  if (query.filter.length > 0) rows = rows.filter((r) => query.filter.every((f) => matches(r, f, fieldMap)))
  if (query.sort.length > 0) {
    rows.sort((a, b) => {
      for (const s of query.sort) {
        const get = fieldMap[s.field]
        const d = compare((get ? get(a) : a[s.field]) ?? "", (get ? get(b) : b[s.field]) ?? "")
        if (d !== 0) return s.direction === "asc" ? d : -d
      }
      return 0
    })
  }
  cache.set(table, { key, version: table.version, rows })
  return rows
}

/** One page of rows and the total. */
export const pageOf = <T>(rows: ReadonlyArray<T>, query: Query) => ({
  items: rows.slice((query.pageNumber - 1) * query.pageSize, query.pageNumber * query.pageSize),
  pagination: { pageNumber: query.pageNumber, pageSize: query.pageSize, totalAvailable: rows.length }
})
