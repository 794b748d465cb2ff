/**
 * Typed CSV files for Tableau's user import (`Users.importCsv`) and
 * removal (`Users.removeCsv`).
 *
 * Tableau's format: no header row, UTF-8 with a byte-order mark, seven
 * columns per row: user name, password, display name, license level
 * (Creator, Explorer, Viewer, Unlicensed), administrator level (System,
 * Site, None), publishing capability (yes/no, true/false, 1/0) and email.
 * Only the user name is required, but every row keeps all seven columns.
 *
 * `make` builds a file from typed rows (a site role becomes license,
 * administrator level and publishing); `validate` checks a file you already
 * have. Both refuse what Tableau would reject (wrong column count, unknown
 * license or administrator level, a site role the CSV cannot express, a
 * missing or duplicate name) with the row number, before anything is sent,
 * as an `InvalidRequest`. Passwords stay `Redacted` until the file is
 * rendered for upload.
 *
 * @example
 * ```ts
 * import { UserCsv, Users, Jobs } from "effect-tableau"
 *
 * const csv = yield* UserCsv.make([
 *   { name: "ana@example.com", siteRole: "Creator", fullName: "Ana Lima" },
 *   { name: "bo@example.com", siteRole: "Viewer" }
 * ])
 * const job = yield* Users.importCsv(csv)
 * yield* Jobs.wait(job.id)
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import { InvalidRequest } from "./Errors.ts"
import type { SiteRole } from "./internal/directory.ts"

/** The license levels of the CSV format. */
export type LicenseLevel = "Creator" | "Explorer" | "Viewer" | "Unlicensed"
/** The administrator levels of the CSV format. */
export type AdminLevel = "System" | "Site" | "None"

/** Number of columns Tableau expects in every row. */
export const COLUMNS = 7

/** One user of a file built with {@link make}. */
export interface NewCsvUser {
  readonly name: string
  /** Default: Unlicensed. ReadOnly, SupportUser and the legacy roles cannot be expressed in a CSV. */
  readonly siteRole?: SiteRole | undefined
  /** Display name. */
  readonly fullName?: string | undefined
  readonly email?: string | undefined
  /** Only for local authentication on Tableau Server. */
  readonly password?: Redacted.Redacted<string> | undefined
}

/** One validated row. */
export interface UserCsvRow {
  /** 1-based row number in the file. */
  readonly row: number
  readonly name: string
  readonly password: Redacted.Redacted<string> | undefined
  readonly fullName: string
  readonly licenseLevel: LicenseLevel | ""
  readonly adminLevel: AdminLevel | ""
  readonly publishing: boolean | undefined
  readonly email: string
  /** The site role these columns give the user. */
  readonly siteRole: SiteRole
}

/** A validated user CSV: render it with {@link render}, or pass it to `Users.importCsv`. */
export interface UserCsv {
  readonly _tag: "UserCsv"
  readonly rows: ReadonlyArray<UserCsvRow>
}

/** What is wrong with one row. */
export interface RowProblem {
  readonly row: number
  readonly reason: string
}

const LICENSES: ReadonlyArray<LicenseLevel> = ["Creator", "Explorer", "Viewer", "Unlicensed"]
const ADMINS: ReadonlyArray<AdminLevel> = ["System", "Site", "None"]
const YES = new Set(["yes", "true", "1"])
const NO = new Set(["no", "false", "0"])

/** The columns a site role is written as; undefined for roles a CSV cannot express. */
export const columnsOf = (
  siteRole: SiteRole
): { readonly licenseLevel: LicenseLevel; readonly adminLevel: AdminLevel; readonly publishing: boolean } | undefined => {
  switch (siteRole) {
    case "ServerAdministrator":
      return { licenseLevel: "Creator", adminLevel: "System", publishing: true }
    case "SiteAdministratorCreator":
      return { licenseLevel: "Creator", adminLevel: "Site", publishing: true }
    case "SiteAdministratorExplorer":
      return { licenseLevel: "Explorer", adminLevel: "Site", publishing: true }
    case "Creator":
      return { licenseLevel: "Creator", adminLevel: "None", publishing: true }
    case "ExplorerCanPublish":
      return { licenseLevel: "Explorer", adminLevel: "None", publishing: true }
    case "Explorer":
      return { licenseLevel: "Explorer", adminLevel: "None", publishing: false }
    case "Viewer":
      return { licenseLevel: "Viewer", adminLevel: "None", publishing: false }
    case "Unlicensed":
      return { licenseLevel: "Unlicensed", adminLevel: "None", publishing: false }
    default:
      return undefined
  }
}

/** The site role that license level, administrator level and publishing give. */
export const siteRoleOf = (
  licenseLevel: LicenseLevel | "",
  adminLevel: AdminLevel | "",
  publishing: boolean | undefined
): SiteRole => {
  if (adminLevel === "System") return "ServerAdministrator"
  if (adminLevel === "Site") return licenseLevel === "Creator" ? "SiteAdministratorCreator" : "SiteAdministratorExplorer"
  switch (licenseLevel) {
    case "Creator":
      return "Creator"
    case "Explorer":
      return publishing ? "ExplorerCanPublish" : "Explorer"
    case "Viewer":
      return "Viewer"
    default:
      return "Unlicensed"
  }
}

/**
 * Splits CSV text into rows of fields (RFC 4180: quoted fields may hold
 * commas, quotes as `""` and line breaks). A leading byte-order mark and
 * blank lines are ignored; each row keeps its 1-based line number.
 */
export const parseRows = (text: string): ReadonlyArray<{ readonly row: number; readonly fields: ReadonlyArray<string> }> => {
  const rows: Array<{ row: number; fields: Array<string> }> = []
  const input = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  let fields: Array<string> = []
  let field = ""
  let quoted = false
  let line = 1
  let rowStart = 1
  let sawAny = false
  const endRow = () => {
    fields.push(field)
    if (sawAny || fields.length > 1 || field !== "") rows.push({ row: rowStart, fields })
    fields = []
    field = ""
    sawAny = false
  }
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!
    if (quoted) {
      if (c === "\"") {
        if (input[i + 1] === "\"") {
          field += "\""
          i++
        } else quoted = false
      } else {
        if (c === "\n") line++
        field += c
      }
      continue
    }
    if (c === "\"") {
      quoted = true
      sawAny = true
    } else if (c === ",") {
      fields.push(field)
      field = ""
      sawAny = true
    } else if (c === "\r" || c === "\n") {
      if (c === "\r" && input[i + 1] === "\n") i++
      endRow()
      line++
      rowStart = line
    } else field += c
  }
  if (field !== "" || fields.length > 0 || sawAny) endRow()
  return rows
}

const pick = <A extends string>(value: string, allowed: ReadonlyArray<A>): A | "" | undefined => {
  if (value.trim() === "") return ""
  return allowed.find((a) => a.toLowerCase() === value.trim().toLowerCase())
}

const checkRow = (
  row: number,
  fields: ReadonlyArray<string>,
  seen: Map<string, number>
): { readonly ok: UserCsvRow } | { readonly problems: ReadonlyArray<string> } => {
  const problems: Array<string> = []
  if (fields.length !== COLUMNS) {
    return { problems: [`has ${fields.length} column${fields.length === 1 ? "" : "s"}, Tableau expects ${COLUMNS} (name, password, display name, license level, administrator level, publishing, email)`] }
  }
  const [name = "", password = "", fullName = "", license = "", admin = "", publish = "", email = ""] = fields
  if (name.trim() === "") problems.push("has no user name")
  else if (name !== name.trim()) problems.push(`user name "${name}" has leading or trailing spaces`)
  else {
    const key = name.toLowerCase()
    const first = seen.get(key)
    if (first !== undefined) problems.push(`repeats user name "${name}" (first on row ${first})`)
    else seen.set(key, row)
  }
  const licenseLevel = pick(license, LICENSES)
  if (licenseLevel === undefined) problems.push(`has unknown license level "${license}" (expected ${LICENSES.join(", ")})`)
  const adminLevel = pick(admin, ADMINS)
  if (adminLevel === undefined) problems.push(`has unknown administrator level "${admin}" (expected ${ADMINS.join(", ")})`)
  const p = publish.trim().toLowerCase()
  const publishing = p === "" ? undefined : YES.has(p) ? true : NO.has(p) ? false : null
  if (publishing === null) problems.push(`has unknown publishing capability "${publish}" (expected yes or no)`)
  if (email.trim() !== "" && !/^[^@\s]+@[^@\s]+$/.test(email.trim())) problems.push(`has an invalid email "${email}"`)
  if (problems.length > 0 || licenseLevel === undefined || adminLevel === undefined || publishing === null) {
    return { problems }
  }
  return {
    ok: {
      row,
      name,
      password: password === "" ? undefined : Redacted.make(password),
      fullName,
      licenseLevel,
      adminLevel,
      publishing,
      email: email.trim(),
      siteRole: siteRoleOf(licenseLevel, adminLevel, publishing)
    }
  }
}

const MAX_REPORTED = 20

const refuse = (operation: string, problems: ReadonlyArray<RowProblem>) =>
  new InvalidRequest({
    operation,
    reason: `the user CSV has ${problems.length} problem${problems.length === 1 ? "" : "s"}: ${
      problems.slice(0, MAX_REPORTED).map((p) => `row ${p.row} ${p.reason}`).join("; ")
    }${problems.length > MAX_REPORTED ? `; and ${problems.length - MAX_REPORTED} more` : ""}`
  })

const check = (
  rows: ReadonlyArray<{ readonly row: number; readonly fields: ReadonlyArray<string> }>
): { readonly rows: ReadonlyArray<UserCsvRow>; readonly problems: ReadonlyArray<RowProblem> } => {
  const seen = new Map<string, number>()
  const ok: Array<UserCsvRow> = []
  const problems: Array<RowProblem> = []
  for (const { row, fields } of rows) {
    const result = checkRow(row, fields, seen)
    if ("ok" in result) ok.push(result.ok)
    else for (const reason of result.problems) problems.push({ row, reason })
  }
  if (rows.length === 0) problems.push({ row: 1, reason: "is missing: the file has no users" })
  return { rows: ok, problems }
}

/**
 * Every problem of a CSV file's text, by row, without failing (an empty
 * list means `validate` succeeds).
 *
 * @example
 * ```ts
 * for (const p of UserCsv.problems(text)) console.log(`row ${p.row}: ${p.reason}`)
 * ```
 */
export const problems = (text: string): ReadonlyArray<RowProblem> => check(parseRows(text)).problems

/**
 * Checks a user CSV file's text as Tableau would, before anything is sent.
 * Fails with `InvalidRequest` naming each bad row (wrong column count,
 * missing or repeated name, unknown license or administrator level, bad
 * publishing value or email).
 *
 * @example
 * ```ts
 * import * as fs from "node:fs"
 * import { UserCsv } from "effect-tableau"
 *
 * const csv = yield* UserCsv.validate(fs.readFileSync("users.csv", "utf8"))
 * ```
 */
export const validate = (text: string): Effect.Effect<UserCsv, InvalidRequest> =>
  Effect.suspend(() => {
    const result = check(parseRows(text))
    return result.problems.length > 0
      ? Effect.fail(refuse("UserCsv.validate", result.problems))
      : Effect.succeed({ _tag: "UserCsv" as const, rows: result.rows })
  })

/**
 * Builds a user CSV from typed rows: each site role becomes license level,
 * administrator level and publishing. Fails with `InvalidRequest` naming each
 * bad row (missing or repeated name, a site role a CSV cannot express, bad
 * email, a name or field with a line break).
 *
 * @example
 * ```ts
 * const csv = yield* UserCsv.make([{ name: "ana@example.com", siteRole: "Explorer" }])
 * ```
 */
export const make = (users: Iterable<NewCsvUser>): Effect.Effect<UserCsv, InvalidRequest> =>
  Effect.suspend(() => {
    const problemsFound: Array<RowProblem> = []
    const rows: Array<{ row: number; fields: ReadonlyArray<string> }> = []
    let row = 0
    for (const user of users) {
      row++
      const role = user.siteRole ?? "Unlicensed"
      const columns = columnsOf(role)
      if (columns === undefined) {
        problemsFound.push({ row, reason: `has site role "${role}", which a CSV import cannot set (use Creator, Explorer, ExplorerCanPublish, Viewer, Unlicensed, SiteAdministratorCreator, SiteAdministratorExplorer or ServerAdministrator)` })
        continue
      }
      const password = user.password === undefined ? "" : Redacted.value(user.password)
      const fields = [user.name, password, user.fullName ?? "", columns.licenseLevel, columns.adminLevel, columns.publishing ? "yes" : "no", user.email ?? ""]
      if (fields.some((f) => /[\r\n]/.test(f))) {
        problemsFound.push({ row, reason: "has a line break in a field" })
        continue
      }
      rows.push({ row, fields })
    }
    const result = check(rows)
    // A file whose every row was refused above is not also "empty".
    const later = rows.length === 0 && problemsFound.length > 0 ? [] : result.problems
    const all = [...problemsFound, ...later].sort((a, b) => a.row - b.row)
    return all.length > 0
      ? Effect.fail(refuse("UserCsv.make", all))
      : Effect.succeed({ _tag: "UserCsv" as const, rows: result.rows })
  })

const escapeField = (value: string): string => (/[",\r\n]/.test(value) || value !== value.trim() ? `"${value.replace(/"/g, "\"\"")}"` : value)

/**
 * The file's text as Tableau expects it: no header, seven columns, CRLF
 * line ends, with a leading byte-order mark. It contains the passwords.
 *
 * @example
 * ```ts
 * import * as fs from "node:fs"
 * import { UserCsv } from "effect-tableau"
 *
 * const csv = yield* UserCsv.make([{ name: "ana@example.com", siteRole: "Explorer" }])
 * fs.writeFileSync("users.csv", UserCsv.render(csv))
 * ```
 */
export const render = (csv: UserCsv): string =>
  "\uFEFF" +
  csv.rows.map((r) =>
    [
      r.name,
      r.password === undefined ? "" : Redacted.value(r.password),
      r.fullName,
      r.licenseLevel,
      r.adminLevel,
      r.publishing === undefined ? "" : r.publishing ? "yes" : "no",
      r.email
    ].map(escapeField).join(",")
  ).join("\r\n") + "\r\n"

/**
 * A removal file (`Users.removeCsv`): the user names only, in the seven-column
 * layout. Fails with `InvalidRequest` for a missing or repeated name.
 *
 * @example
 * ```ts
 * const csv = yield* UserCsv.names(["ana@example.com", "bo@example.com"])
 * ```
 */
export const names = (userNames: Iterable<string>): Effect.Effect<UserCsv, InvalidRequest> =>
  Effect.mapError(
    make(Array.from(userNames, (name) => ({ name }))),
    (e) => new InvalidRequest({ operation: "UserCsv.names", reason: e.reason })
  )

/** The names-only text of a removal file (no passwords or roles). */
export const renderNames = (csv: UserCsv): string =>
  "\uFEFF" + csv.rows.map((r) => [r.name, "", "", "", "", "", ""].map(escapeField).join(",")).join("\r\n") + "\r\n"
