/**
 * Onboards users from a CSV file into groups, then prints who is where.
 *
 *   npm run example:onboard [-- path/to/users.csv]
 *
 * The file has a header and the columns name, fullName, email, siteRole and
 * groups (group names separated by `;`). Rows are checked with `UserCsv`
 * before anything is sent; users are imported in one background job
 * (`Users.importCsv`, API 3.15+), missing groups are created, and each
 * group gets its new members in one bulk call (per-user calls on servers
 * older than API 3.21).
 *
 * Without TABLEAU_SERVER it runs against the in-memory fake Tableau;
 * with it, against your server (TABLEAU_SITE, TABLEAU_PAT_NAME +
 * TABLEAU_PAT_SECRET or TABLEAU_USERNAME + TABLEAU_PASSWORD).
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { readFileSync } from "node:fs"
import { Groups, Jobs, TableauSession, UserCsv, Users } from "../mod.ts"
import type { Ids } from "../mod.ts"
import * as FakeTableau from "../src/testing.ts"

const file = process.argv[2] ?? new URL("./users.csv", import.meta.url).pathname

interface Wanted {
  readonly name: string
  readonly siteRole: Users.SiteRole
  readonly groups: ReadonlyArray<string>
}

const program = Effect.gen(function*() {
  // 1. Read and check the file: header, then one user per row.
  const [header, ...rows] = UserCsv.parseRows(readFileSync(file, "utf8"))
  const column = (name: string) => header?.fields.indexOf(name) ?? -1
  const at = (fields: ReadonlyArray<string>, name: string) => fields[column(name)]?.trim() ?? ""
  const wanted: ReadonlyArray<Wanted> = rows.map(({ fields }) => ({
    name: at(fields, "name"),
    siteRole: at(fields, "siteRole") || "Unlicensed",
    groups: at(fields, "groups").split(";").map((g) => g.trim()).filter((g) => g !== "")
  }))
  const csv = yield* UserCsv.make(rows.map(({ fields }, i) => ({
    name: wanted[i]!.name,
    siteRole: wanted[i]!.siteRole,
    fullName: at(fields, "fullName") || undefined,
    email: at(fields, "email") || undefined
  })))

  // 2. Import the users in one background job and wait for it.
  const job = yield* Users.importCsv(csv)
  const done = yield* Jobs.wait(job.id, { timeout: "10 minutes" })
  for (const note of done.noteLines) yield* Console.log(`import note: ${note}`)

  // 3. Find the users' IDs and make sure every group exists.
  const names = new Set(wanted.map((w) => w.name.toLowerCase()))
  const ids = new Map<string, Ids.UserId>()
  yield* Users.list({ pageSize: 1000 }).pipe(
    Stream.filter((u) => names.has(u.name.toLowerCase())),
    Stream.runForEach((u) => Effect.sync(() => ids.set(u.name.toLowerCase(), u.id)))
  )
  const groupNames = [...new Set(wanted.flatMap((w) => w.groups))].sort()
  const groups = new Map<string, Groups.GroupItem>()
  for (const name of groupNames) {
    const group = yield* Groups.getByName(name).pipe(
      Effect.catchTag("NotFound", () => Groups.create({ name }))
    )
    groups.set(name, group)
  }

  // 4. Add each group's new members in one call (skipping who is already in).
  const status = new Map<string, string>()
  for (const [name, group] of groups) {
    const current = new Set(yield* Groups.users(group.id).pipe(Stream.map((u) => u.id), Stream.runCollect))
    const members = wanted
      .filter((w) => w.groups.includes(name))
      .flatMap((w) => ids.get(w.name.toLowerCase()) ?? [])
      .filter((id) => !current.has(id))
    yield* Groups.addUsers(group.id, members)
    status.set(name, `${members.length} added, ${current.size} already in`)
  }

  // 5. Print the result: each user with site role and groups, read back from the server.
  const table: Array<Record<string, string>> = []
  for (const w of wanted) {
    const id = ids.get(w.name.toLowerCase())
    if (id === undefined) {
      table.push({ user: w.name, siteRole: "-", groups: "-", result: "not imported" })
      continue
    }
    const user = yield* Users.get(id)
    const inGroups = yield* Users.groups(id).pipe(Stream.map((g) => g.name), Stream.runCollect)
    table.push({ user: user.name, siteRole: user.siteRole ?? "", groups: [...inGroups].sort().join(", "), result: "ok" })
  }
  yield* Console.table(table)
  yield* Console.table([...status].map(([group, result]) => ({ group, result })))
})

const Tableau = process.env["TABLEAU_SERVER"]
  ? TableauSession.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))
  : FakeTableau.sessionLayer()

Effect.runPromise(program.pipe(Effect.provide(Tableau))).catch((error) => {
  console.error(String(error))
  process.exitCode = 1
})
