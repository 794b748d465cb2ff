/**
 * Filters, sorts, field selection and page size for Tableau's list
 * endpoints (TSC's `RequestOptions`, `Filter` and `Sort`), and the page and
 * pagination types they return.
 *
 * Wire format (Tableau's): `filter=field:operator:value,...`,
 * `sort=field:asc,...`, `fields=a,b`, `pageSize`, `pageNumber`. Tableau
 * splits filter expressions on commas, so a comma inside a value is sent as
 * `\,` and a backslash as `\\` (and `]` as `\]` inside an `in` list); the
 * whole parameter is then percent-encoded,
 * so `&`, `#`, `+` and non-ASCII text arrive intact.
 *
 * @example
 * ```ts
 * import { RequestOptions, Users } from "effect-tableau"
 *
 * Users.list({
 *   filter: [RequestOptions.in("siteRole", ["Viewer", "Explorer"])],
 *   sort: [RequestOptions.asc("name")],
 *   pageSize: 1000
 * })
 * ```
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { type ClassOf, IntFromString } from "./internal/schema.ts"

/** Tableau's filter operators. */
export type Operator = "eq" | "gt" | "gte" | "lt" | "lte" | "in" | "has" | "cieq"

/** A scalar filter value; dates are sent as ISO-8601 UTC without milliseconds. */
export type FilterValue = string | number | boolean | Date

/** One filter expression. */
export interface Filter {
  readonly field: string
  readonly operator: Operator
  readonly value: FilterValue | ReadonlyArray<FilterValue>
}

/** One sort expression. */
export interface Sort {
  readonly field: string
  readonly direction: "asc" | "desc"
}

/** Options of every list endpoint (`getPage` and `list`). */
export interface ListOptions {
  readonly filter?: ReadonlyArray<Filter> | undefined
  readonly sort?: ReadonlyArray<Sort> | undefined
  /** Tableau's `fields` parameter, such as `["_default_", "email"]`. */
  readonly fields?: ReadonlyArray<string> | undefined
  /** Items per page, 1 to 1000; Tableau's default is 100. */
  readonly pageSize?: number | undefined
}

/** Options of `getPage`: list options plus the page number (from 1). */
export interface PageOptions extends ListOptions {
  readonly pageNumber?: number | undefined
}

/** Options of `list`: list options plus how many pages to fetch at once. */
export interface StreamOptions extends ListOptions {
  /** Pages requested at the same time after the first (default: the session's, 4). */
  readonly concurrency?: number | undefined
}

/** Builds a filter expression with any operator. */
export const filter = (field: string, operator: Operator, value: Filter["value"]): Filter => ({
  field,
  operator,
  value
})

/** `field:eq:value`. */
export const eq = (field: string, value: FilterValue): Filter => filter(field, "eq", value)
/** `field:cieq:value`, case-insensitive equality (API 3.x). */
export const cieq = (field: string, value: FilterValue): Filter => filter(field, "cieq", value)
/** `field:gt:value`. */
export const gt = (field: string, value: FilterValue): Filter => filter(field, "gt", value)
/** `field:gte:value`. */
export const gte = (field: string, value: FilterValue): Filter => filter(field, "gte", value)
/** `field:lt:value`. */
export const lt = (field: string, value: FilterValue): Filter => filter(field, "lt", value)
/** `field:lte:value`. */
export const lte = (field: string, value: FilterValue): Filter => filter(field, "lte", value)
/** `field:has:value`, substring match (tags, for example). */
export const has = (field: string, value: FilterValue): Filter => filter(field, "has", value)
/** `field:in:[a,b,c]`. */
const in_ = (field: string, values: ReadonlyArray<FilterValue>): Filter => filter(field, "in", values)
export {
  /** `field:in:[a,b,c]`. */
  in_ as in
}

/** Ascending sort on a field. */
export const asc = (field: string): Sort => ({ field, direction: "asc" })
/** Descending sort on a field. */
export const desc = (field: string): Sort => ({ field, direction: "desc" })

const scalar = (value: FilterValue, inList: boolean): string => {
  const text = value instanceof Date ? value.toISOString().replace(/\.\d{3}Z$/, "Z") : String(value)
  return text.replace(inList ? /[\\,\]]/g : /[\\,]/g, (c) => `\\${c}`)
}

/** The `filter` expression of one filter, before percent-encoding. */
export const encodeFilter = (f: Filter): string => {
  const value = Array.isArray(f.value)
    ? `[${(f.value as ReadonlyArray<FilterValue>).map((v) => scalar(v, true)).join(",")}]`
    : scalar(f.value as FilterValue, false)
  return `${f.field}:${f.operator}:${value}`
}

const OPERATORS: ReadonlyArray<string> = ["eq", "gt", "gte", "lt", "lte", "in", "has", "cieq"]
/** A Tableau field name as filters, sorts and `fields` use them: `name`, `ownerEmail`, `_all_`, `owner.name`. */
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/

const badValue = (value: FilterValue): string | undefined =>
  value instanceof Date
    ? (Number.isNaN(value.getTime()) ? "an invalid Date" : undefined)
    : typeof value === "number" && !Number.isFinite(value)
    ? String(value)
    : undefined

/**
 * Why Tableau would refuse these list options (a field name that is not
 * one, an unknown operator or direction, an invalid Date or number), or
 * undefined. Checked before sending; the call fails with `InvalidRequest`.
 *
 * @since 0.1.0
 * @category validation
 */
export const invalid = (options: PageOptions | undefined): string | undefined => {
  for (const f of options?.filter ?? []) {
    if (!FIELD_NAME.test(f.field)) return `filter field ${JSON.stringify(f.field)} is not a field name`
    if (!OPERATORS.includes(f.operator)) return `filter operator ${JSON.stringify(f.operator)} is not one of ${OPERATORS.join(", ")}`
    const values = Array.isArray(f.value) ? f.value as ReadonlyArray<FilterValue> : [f.value as FilterValue]
    if (f.operator === "in" ? !Array.isArray(f.value) || values.length === 0 : Array.isArray(f.value)) {
      return `filter ${f.field}:${f.operator} needs ${f.operator === "in" ? "a non-empty list" : "a single value"}`
    }
    for (const v of values) {
      const bad = badValue(v)
      if (bad !== undefined) return `filter ${f.field}:${f.operator} has ${bad} as its value`
    }
  }
  for (const s of options?.sort ?? []) {
    if (!FIELD_NAME.test(s.field)) return `sort field ${JSON.stringify(s.field)} is not a field name`
    if (s.direction !== "asc" && s.direction !== "desc") return `sort direction ${JSON.stringify(s.direction)} is not asc or desc`
  }
  for (const name of options?.fields ?? []) {
    if (!FIELD_NAME.test(name)) return `${JSON.stringify(name)} in fields is not a field name`
  }
  if (options?.pageNumber !== undefined && (!Number.isInteger(options.pageNumber) || options.pageNumber < 1)) {
    return `pageNumber must be a whole number of at least 1, got ${options.pageNumber}`
  }
  return undefined
}

/** The query parameters of a list request, before percent-encoding. */
export const toQuery = (options: PageOptions | undefined): Record<string, string | undefined> => ({
  pageSize: options?.pageSize === undefined ? undefined : String(options.pageSize),
  pageNumber: options?.pageNumber === undefined ? undefined : String(options.pageNumber),
  filter: options?.filter && options.filter.length > 0 ? options.filter.map(encodeFilter).join(",") : undefined,
  sort: options?.sort && options.sort.length > 0
    ? options.sort.map((s) => `${s.field}:${s.direction}`).join(",")
    : undefined,
  fields: options?.fields && options.fields.length > 0 ? options.fields.join(",") : undefined
})

const PaginationFields = {
  pageNumber: IntFromString,
  pageSize: IntFromString,
  totalAvailable: IntFromString
}

const PaginationBase: ClassOf<Pagination, typeof PaginationFields> = Schema.Class<Pagination>("Pagination")(
  PaginationFields
)

/** Tableau's `<pagination pageNumber pageSize totalAvailable/>`. */
export class Pagination extends PaginationBase {}

/** One page of a list endpoint: its items and, when the server sent it, the pagination. */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  readonly pagination: Pagination | undefined
}
