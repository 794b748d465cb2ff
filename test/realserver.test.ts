/**
 * Regressions found against real Tableau servers (issue 10): each test
 * feeds the client what Tableau sends (own fixtures, in the shapes of
 * Tableau's REST reference) where the fake used to answer in the shape the
 * client expected.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import {
  Auth,
  Content,
  Groups,
  GroupSets,
  Ids,
  Jobs,
  Permissions,
  Projects,
  ServerInfo,
  Sites,
  TableauSession,
  Tags,
  Users,
  Views,
  Workbooks
} from "../mod.ts"
import { table } from "../src/internal/fake/server.ts"
import { put } from "../src/internal/fake/store.ts"
import * as Fake from "../src/testing.ts"
import { FakeTableau } from "../src/testing.ts"
import { cannedSession, fixture } from "./support/canned.ts"
import { contentLayer, lastBody, lastRequest, seeded } from "./support/content.ts"
import { recordingSession, sentTo } from "./support/recording.ts"

describe("Users.list and Users.export ask for every attribute (item 1)", () => {
  it.effect("the fake answers Tableau's default attributes without fields; the client sends fields=_all_", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau
      const id = fake.state.newId()
      put(table(fake.state, "users", fake.defaultSiteId), {
        id,
        name: "ana@example.com",
        siteRole: "Creator",
        authSetting: "ServerDefault",
        fullName: "Ana Lima",
        email: "ana@example.com",
        lastLogin: "2024-03-01T10:00:00Z"
      })
      // A generic client without `fields` gets no fullName or email.
      const plain = yield* Effect.promise(() =>
        Fake.fetchFor(fake)(`${Fake.FAKE_URL}/api/3.24/sites/${fake.defaultSiteId}/users`, {
          headers: { "x-tableau-auth": [...fake.state.tokens.keys()][0]! }
        }).then((r) => r.text())
      )
      expect(plain).toContain("name=\"ana@example.com\"")
      expect(plain).not.toContain("Ana Lima")
      expect(plain).not.toContain("email=")

      const listed = Chunk.toReadonlyArray(yield* Stream.runCollect(Users.list({ name: "ana@example.com" })))
      expect(listed.map((u) => [u.fullName, u.email])).toEqual([["Ana Lima", "ana@example.com"]])
      const lines = Chunk.toReadonlyArray(yield* Stream.runCollect(Users.export({ groups: false })))
      expect(lines).toContain(`${id},ana@example.com,Ana Lima,ana@example.com,Creator,ServerDefault,2024-03-01T10:00:00Z,`)
      const sent = yield* sentTo("/users?", "GET")
      expect(sent.every((s) => new URL(s.url).searchParams.get("fields") === "_all_")).toBe(true)

      // The caller's own fields are sent as they are.
      const page = yield* Users.getPage({ fields: ["_default_", "email"], name: "ana@example.com" })
      expect(page.items.map((u) => [u.fullName, u.email])).toEqual([[undefined, "ana@example.com"]])
      const [last] = (yield* sentTo("/users?", "GET")).slice(-1)
      expect(new URL(last!.url).searchParams.get("fields")).toBe("_default_,email")
    }).pipe(Effect.provide(recordingSession())))
})

describe("group sets keep their groups in both shapes (item 2)", () => {
  it.effect("<group> directly under <groupSet>, and inside <groups>, one or several", () =>
    Effect.gen(function*() {
      const direct = yield* GroupSets.get(Ids.GroupSetId.make("5a1c2b3d-0000-4000-a000-00000000g5e7"))
      expect(direct.groupCount).toBe(3)
      expect(direct.groups.map((g) => g.name)).toEqual(["EMEA", "APAC", "AMER"])
      const page = yield* GroupSets.getPage()
      expect(page.items.map((s) => [s.name, s.groupCount, s.groups.map((g) => g.name)])).toEqual([
        ["Wrapped", 2, ["EMEA", "APAC"]],
        ["Direct, one group", 1, ["AMER"]],
        ["Counted only", 4, []]
      ])
    }).pipe(Effect.provide(cannedSession([
      { method: "GET", pattern: "/api/:v/sites/:siteId/groupsets/:id", body: fixture("groupset-direct.xml") },
      { method: "GET", pattern: "/api/:v/sites/:siteId/groupsets", body: fixture("groupsets-page.xml") }
    ]))))

  it.effect("the fake answers Get Group Set with <group> under <groupSet>, and the client reads them", () =>
    Effect.gen(function*() {
      const set = yield* GroupSets.create({ name: "Leads" })
      const a = yield* Groups.create({ name: "EMEA" })
      yield* GroupSets.addGroup(set.id, a.id)
      const read = yield* GroupSets.get(set.id)
      expect([read.groupCount, read.groups.map((g) => g.id)]).toEqual([1, [a.id]])
    }).pipe(Effect.provide(Fake.sessionLayer())))
})

describe("job notes nested in the job-type element reach JobFailed (item 3)", () => {
  it.effect("a failed extract refresh and a failed flow run: notes and the error's message carry the reason", () =>
    Effect.gen(function*() {
      const refresh = yield* Effect.flip(Jobs.wait(Ids.JobId.make("7c9e2a10-0000-4000-a000-00000000j0b1")))
      expect(refresh._tag).toBe("JobFailed")
      if (refresh._tag !== "JobFailed") return
      expect(refresh.notes).toEqual([
        "com.tableausoftware.nativeapi.dll.DataSourceException: The database credentials for 'warehouse' were rejected."
      ])
      expect(refresh.message).toContain("credentials for 'warehouse' were rejected")
      const flow = yield* Jobs.get(Ids.JobId.make("7c9e2a10-0000-4000-a000-00000000j0b2"))
      expect(flow.noteLines).toEqual([
        "Output step 'Orders' failed",
        "Output step 'Orders' could not write to the target table."
      ])
    }).pipe(Effect.provide(cannedSession([
      { method: "GET", pattern: "/api/:v/sites/:siteId/jobs/7c9e2a10-0000-4000-a000-00000000j0b1", body: fixture("job-refresh-failed.xml") },
      { method: "GET", pattern: "/api/:v/sites/:siteId/jobs/7c9e2a10-0000-4000-a000-00000000j0b2", body: fixture("job-flow-failed.xml") }
    ]))))

  it.effect("the fake nests a refresh's notes in <extractRefreshJob>, and Workbooks.refresh then Jobs.wait fails with them", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau
      const workbooks = table(fake.state, "workbooks", fake.defaultSiteId)
      const [first] = [...workbooks.rows.values()]
      put(workbooks, { ...first!, _refreshError: "The extract could not be refreshed: connection timed out." })
      const job = yield* Workbooks.refresh(Ids.WorkbookId.make(first!.id))
      const failed = yield* Effect.flip(Jobs.wait(job.id))
      expect(failed._tag === "JobFailed" && failed.notes).toEqual(["The extract could not be refreshed: connection timed out."])
      expect(failed.message).toContain("connection timed out")
      const sent = fake.log.filter((e) => e.path.endsWith(`/jobs/${job.id}`))
      expect(sent.length).toBeGreaterThan(0)
    }).pipe(Effect.provide(contentLayer({ content: { projects: 1, workbooksPerProject: 1 } }))))
})

describe("group-set and unknown grantees (item 4)", () => {
  it.effect("rules for a group set, a newer kind of grantee and no grantee decode without a throw", () =>
    Effect.gen(function*() {
      const rules = yield* Permissions.list(Content.project(Ids.ProjectId.make("6e7f8091-0000-4000-a000-000000000p01")))
      expect(rules.map((r) => r.grantee)).toEqual([
        { _tag: "GroupSet", id: "5a1c2b3d-0000-4000-a000-00000000g5e7" },
        {
          _tag: "Unknown",
          kind: "serviceAccount",
          id: "0f1e2d3c-0000-4000-a000-0000000005a1",
          attributes: { id: "0f1e2d3c-0000-4000-a000-0000000005a1", name: "etl-bot" }
        },
        { _tag: "Unknown", kind: "", id: undefined, attributes: {} }
      ])
      expect(rules.map((r) => r.capabilities.map((c) => `${c.name}:${c.mode}`))).toEqual([["Read:Allow"], ["Write:Deny"], ["Read:Deny"]])
    }).pipe(Effect.provide(cannedSession([
      { method: "GET", pattern: "/api/:v/sites/:siteId/projects/:id/permissions", body: fixture("permissions-grantees.xml") }
    ]))))

  it.effect("add and delete accept group-set grantees (<groupSet id/>, .../permissions/groupSets/{id}/...)", () =>
    Effect.gen(function*() {
      const project = Ids.ProjectId.make((yield* seeded).projects[0]!)
      const set = yield* GroupSets.create({ name: "Leads" })
      const added = yield* Permissions.add(Content.project(project), [
        { grantee: Permissions.groupSet(set.id), capabilities: { Read: "Allow" } }
      ])
      expect(added.map((r) => r.grantee)).toEqual([{ _tag: "GroupSet", id: set.id }])
      expect((yield* lastBody("PUT", `/projects/${project}/permissions`)).permissions).toEqual({
        granteeCapabilities: [{ groupSet: { id: set.id }, capabilities: { capability: [{ name: "Read", mode: "Allow" }] } }]
      })
      yield* Permissions.addDefault(project, "workbooks", [
        { grantee: Permissions.groupSet(set.id), capabilities: { Read: "Allow" } }
      ])
      expect((yield* Permissions.listDefault(project, "workbooks")).map((r) => r.grantee._tag)).toEqual(["GroupSet"])
      yield* Permissions.delete(Content.project(project), Permissions.groupSet(set.id), "Read", "Allow")
      expect((yield* lastRequest("DELETE", `/permissions/groupSets/${set.id}/Read/Allow`)).method).toBe("DELETE")
      expect(yield* Permissions.list(Content.project(project))).toEqual([])
    }).pipe(Effect.provide(contentLayer({ content: { projects: 1 } }))))

  it.effect("a group-set grantee needs API 3.22: refused before sending on older sessions", () =>
    Effect.gen(function*() {
      const refused = yield* Effect.flip(Permissions.add(Content.project(Ids.ProjectId.make("6e7f8091-0000-4000-a000-000000000p01")), [
        { grantee: Permissions.groupSet(Ids.GroupSetId.make("5a1c2b3d-0000-4000-a000-00000000g5e7")), capabilities: { Read: "Allow" } }
      ]))
      expect(refused._tag === "UnsupportedApiVersion" && refused.required).toBe("3.22")
    }).pipe(Effect.provide(Fake.sessionLayer({ apiVersion: "3.21" }))))
})

describe("switchSite to the current site is a success (item 5)", () => {
  it.effect("same contentUrl: nothing sent; differently spelled: Tableau's 403070 is taken as success", () =>
    Effect.gen(function*() {
      const before = yield* TableauSession.current
      const same = yield* Auth.switchSite("")
      expect(same.siteId).toBe(before.siteId)
      const fake = yield* FakeTableau
      expect(fake.log.filter((e) => e.path.endsWith("/auth/switchSite"))).toEqual([])

      yield* Sites.create({ name: "Finance", contentUrl: "finance" })
      const finance = yield* Auth.switchSite("finance")
      const again = yield* Auth.switchSite("Finance")
      expect(again.siteId).toBe(finance.siteId)
      expect(fake.log.filter((e) => e.path.endsWith("/auth/switchSite")).map((e) => e.status)).toEqual([200, 403])
      expect((yield* TableauSession.current).token).toBe(finance.token)
      // The session still works on its site.
      expect((yield* Sites.get(finance.siteId)).contentUrl).toBe("finance")
    }).pipe(Effect.provide(Fake.sessionLayer())))
})

describe("Views.get exists from API 3.1 (item 6)", () => {
  it.effect("a 3.0 session is refused before sending; 3.1 reads the view", () =>
    Effect.gen(function*() {
      const view = Ids.ViewId.make((yield* seeded).views[0]!)
      const refused = yield* Effect.flip(Views.get(view))
      expect(refused._tag === "UnsupportedApiVersion" && refused.required).toBe("3.1")
      const fake = yield* FakeTableau
      expect(fake.log.filter((e) => e.path.endsWith(`/views/${view}`))).toEqual([])
    }).pipe(Effect.provide(contentLayer({ content: { projects: 1, workbooksPerProject: 1, viewsPerWorkbook: 1 }, session: { apiVersion: "3.0" } }))))

  it.effect("at 3.1 it is sent", () =>
    Effect.gen(function*() {
      const view = Ids.ViewId.make((yield* seeded).views[0]!)
      expect((yield* Views.get(view)).id).toBe(view)
    }).pipe(Effect.provide(contentLayer({ content: { projects: 1, workbooksPerProject: 1, viewsPerWorkbook: 1 }, session: { apiVersion: "3.1" } }))))
})

describe("Tags.delete encodes labels (item 7)", () => {
  it.effect("labels with / ? # \\ % and spaces round-trip: added, then deleted one by one", () =>
    Effect.gen(function*() {
      const workbook = Content.workbook(Ids.WorkbookId.make((yield* seeded).workbooks[0]!))
      const labels = ["Q3/Q4", "why?", "#1", "C:\\data", "100%", "two words", "a+b&c"]
      yield* Tags.add(workbook, labels)
      for (const label of labels) yield* Tags.delete(workbook, label)
      const fake = yield* FakeTableau
      const deletes = fake.log.filter((e) => e.method === "DELETE" && e.path.includes("/tags/"))
      expect(deletes.map((e) => e.status)).toEqual(labels.map(() => 204))
      expect(deletes[0]!.path).toMatch(/\/tags\/Q3%2FQ4$/)
      expect(deletes[3]!.path).toMatch(/\/tags\/C%3A%5Cdata$/)
      expect((yield* Workbooks.get(Ids.WorkbookId.make((yield* seeded).workbooks[0]!))).tags).toEqual([])
      const dots = yield* Effect.flip(Tags.delete(workbook, ".."))
      expect(dots._tag).toBe("InvalidRequest")
    }).pipe(Effect.provide(contentLayer({ content: { projects: 1, workbooksPerProject: 1 } }))))
})

describe("impossible dates are a decode error, never another date (item 8)", () => {
  it.effect("lastLogin 2016-06-31T20:34:04Z fails to decode; real dates, leap days and empty values still decode", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau
      const users = table(fake.state, "users", fake.defaultSiteId)
      const add = (lastLogin: string) => {
        const id = fake.state.newId()
        put(users, { id, name: `u-${id}`, siteRole: "Viewer", lastLogin })
        return Ids.UserId.make(id)
      }
      const impossible = yield* Effect.flip(Users.get(add("2016-06-31T20:34:04Z")))
      expect(impossible._tag).toBe("ResponseDecodeError")
      expect(String(impossible.message)).toContain("2016-06-31T20:34:04Z")
      for (const bad of ["2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-04-01T24:00:00Z", "2024-04-01T10:60:00Z"]) {
        expect((yield* Effect.flip(Users.get(add(bad))))._tag).toBe("ResponseDecodeError")
      }
      expect((yield* Users.get(add("2024-02-29T23:59:59Z"))).lastLogin?.toISOString()).toBe("2024-02-29T23:59:59.000Z")
      expect((yield* Users.get(add("2016-06-30T20:34:04.250Z"))).lastLogin?.toISOString()).toBe("2016-06-30T20:34:04.250Z")
      expect((yield* Users.get(add(""))).lastLogin).toBeUndefined()
    }).pipe(Effect.provide(Fake.sessionLayer())))
})

describe("Users.favorites keeps entries it cannot read (item 11)", () => {
  it.effect("a kind without id and an entry without content come back as kind other, with their raw element", () =>
    Effect.gen(function*() {
      const favs = yield* Users.favorites(Ids.UserId.make("1f2e3d4c-0000-4000-a000-000000000u01"))
      expect(favs.map((f) => [f.kind, f.id, f.label, f.position])).toEqual([
        ["workbook", "8a9b0c1d-0000-4000-a000-000000000w01", "Sales overview", 1],
        ["other", "", "Churn metric", 2],
        ["other", "", "Orphan", 3],
        ["lens", "9e8d7c6b-0000-4000-a000-000000000l01", "Orders lens", 4]
      ])
      expect(favs[1]!.raw["pulseMetric"]).toEqual({ luid: "4d5e6f70-0000-4000-a000-000000000m01", definitionName: "Churn" })
      expect(favs[1]!.addedAt?.toISOString()).toBe("2024-05-02T08:00:00.000Z")
      // An impossible date is left out, the entry kept.
      expect([favs[2]!.addedAt, favs[2]!.raw["addedAt"]]).toEqual([undefined, "2016-06-31T20:34:04Z"])
    }).pipe(Effect.provide(cannedSession([
      { method: "GET", pattern: "/api/:v/sites/:siteId/favorites/:userId", body: fixture("favorites-mixed.xml") }
    ]))))
})

describe("ServerInfo without a session (item 9)", () => {
  it.effect("a server URL and an HttpClient are enough; no sign-in is sent", () =>
    Effect.gen(function*() {
      const info = yield* ServerInfo.fromServer({ server: Fake.FAKE_URL })
      expect([info.productVersion, info.restApiVersion]).toEqual(["2024.2.0", "3.24"])
      const fake = yield* FakeTableau
      expect(fake.log.map((e) => `${e.method} ${e.path}`)).toEqual(["GET /api/2.4/serverinfo"])
      const bad = yield* Effect.flip(ServerInfo.fromServer({ server: "ftp://tableau.example.com" }))
      expect(bad._tag).toBe("InvalidRequest")
    }).pipe(Effect.provide(Fake.layer())))
})

describe("fake fidelity: a fresh site", () => {
  it.effect("has the Default project and the All Users group, whose members are every user; All Users cannot be changed", () =>
    Effect.gen(function*() {
      const projects = Chunk.toReadonlyArray(yield* Stream.runCollect(Projects.list()))
      expect(projects.map((p) => p.name)).toEqual(["Default"])
      const groups = Chunk.toReadonlyArray(yield* Stream.runCollect(Groups.list()))
      expect(groups.map((g) => g.name)).toEqual(["All Users"])
      const ana = yield* Users.add({ name: "ana", siteRole: "Viewer" })
      const members = Chunk.toReadonlyArray(yield* Stream.runCollect(Groups.users(groups[0]!.id)))
      expect(members.map((u) => u.name).sort()).toEqual(["admin", "ana"])
      expect((yield* Effect.flip(Groups.delete(groups[0]!.id)))._tag).toBe("BadRequest")
      expect((yield* Effect.flip(Groups.removeUser(groups[0]!.id, ana.id)))._tag).toBe("BadRequest")

      yield* Sites.create({ name: "Finance", contentUrl: "finance" })
      yield* Auth.switchSite("finance")
      expect(Chunk.toReadonlyArray(yield* Stream.runCollect(Projects.list())).map((p) => p.name)).toEqual(["Default"])
      expect(Chunk.toReadonlyArray(yield* Stream.runCollect(Groups.list())).map((g) => g.name)).toEqual(["All Users"])
    }).pipe(Effect.provide(Fake.sessionLayer())))
})

describe("fake fidelity: default permissions of every content kind", () => {
  it.effect("Permissions.addDefault / listDefault / deleteDefault for flows, metrics, lenses, data roles, virtual connections, databases, tables", () =>
    Effect.gen(function*() {
      const s = yield* seeded
      const project = Ids.ProjectId.make(s.projects[0]!)
      const group = Permissions.group(Ids.GroupId.make(s.groups[0]!))
      for (const kind of ["flows", "metrics", "lenses", "dataroles", "virtualconnections", "databases", "tables"] as const) {
        yield* Permissions.addDefault(project, kind, [{ grantee: group, capabilities: { Read: "Allow" } }])
        expect((yield* Permissions.listDefault(project, kind)).map((r) => r.mode("Read"))).toEqual(["Allow"])
        yield* Permissions.deleteDefault(project, kind, group, "Read", "Allow")
        expect((yield* lastRequest("DELETE", `/default-permissions/${kind}/groups/${s.groups[0]}/Read/Allow`)).method).toBe("DELETE")
        expect(yield* Permissions.listDefault(project, kind)).toEqual([])
      }
    }).pipe(Effect.provide(contentLayer({ content: { projects: 1, groups: 1 } }))))
})
