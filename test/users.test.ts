import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { Groups, Ids, Jobs, Raw, RequestOptions, UserCsv, Users } from "../mod.ts"
import { favoritesOf, memberships } from "../src/internal/fake/routes/directory.ts"
import { table } from "../src/internal/fake/server.ts"
import { put } from "../src/internal/fake/store.ts"
import { parse } from "../src/internal/xml.ts"
import * as Fake from "../src/testing.ts"
import { FakeTableau } from "../src/testing.ts"
import { impersonating, recordingSession, sentTo } from "./support/recording.ts"

const missing = Ids.UserId.make("00000000-0000-4000-a000-000000000000")

/** The `<user>` element of a request body, as attributes. */
const userElement = (body: string): Record<string, unknown> => {
  const doc = parse(body) as { tsRequest: { user: Record<string, unknown> } }
  return doc.tsRequest.user
}

describe("Users", () => {
  it.effect("add sends name, siteRole and authSetting, then sets email, fullName and password with Update User", () =>
    Effect.gen(function*() {
      const created = yield* Users.add({
        name: "ana@example.com",
        siteRole: "Explorer",
        authSetting: "SAML",
        fullName: "Ana Lima",
        email: "ana@example.com",
        password: Redacted.make("s3cret!")
      })
      expect(created.name).toBe("ana@example.com")
      expect(created.siteRole).toBe("Explorer")
      expect(created.authSetting).toBe("SAML")
      expect(created.fullName).toBe("Ana Lima")
      expect(created.email).toBe("ana@example.com")
      expect(created.domainName).toBe("local")
      const [post] = yield* sentTo("/users", "POST")
      expect(userElement(post!.body)).toEqual({ name: "ana@example.com", siteRole: "Explorer", authSetting: "SAML" })
      const [put_] = yield* sentTo(`/users/${created.id}`, "PUT")
      expect(userElement(put_!.body)).toEqual({ fullName: "Ana Lima", email: "ana@example.com", password: "s3cret!" })
      // The follow-up answer has no ID; the user keeps the one it was created with.
      expect((yield* Users.get(created.id)).email).toBe("ana@example.com")
    }).pipe(Effect.provide(recordingSession())))

  it.effect("add without extra fields sends one request; a duplicate name is a Conflict (409017)", () =>
    Effect.gen(function*() {
      yield* Users.add({ name: "bo", siteRole: "Viewer" })
      expect((yield* sentTo("/users")).length).toBe(1)
      const dup = yield* Effect.flip(Users.add({ name: "BO", siteRole: "Viewer" }))
      expect(dup._tag).toBe("Conflict")
      expect(dup._tag === "Conflict" && dup.code).toBe("409017")
    }).pipe(Effect.provide(recordingSession())))

  it.effect("a non-administrator (impersonated Viewer) adding users is Forbidden", () =>
    Effect.gen(function*() {
      const viewer = yield* Users.add({ name: "viewer", siteRole: "Viewer" })
      const refused = yield* Effect.flip(impersonating(viewer.id, Users.add({ name: "eve", siteRole: "Creator" })))
      expect(refused._tag).toBe("Forbidden")
      const fake = yield* FakeTableau
      expect([...table(fake.state, "users", fake.defaultSiteId).rows.values()].some((u) => u["name"] === "eve")).toBe(false)
    }).pipe(Effect.provide(Fake.sessionLayer())))

  it.effect("get decodes every attribute, tolerates unknown site roles, and reports NotFound (404002)", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau
      const id = fake.state.newId()
      put(table(fake.state, "users", fake.defaultSiteId), {
        id,
        name: "future",
        siteRole: "HyperCreator",
        authSetting: "PasskeyOnly",
        fullName: "Future User",
        email: "f@example.com",
        lastLogin: "2024-03-01T10:00:00Z",
        externalAuthUserId: "ext-1",
        locale: "en_US",
        language: "en",
        idpConfigurationId: "idp-1",
        somethingNew: "ignored"
      })
      const u = yield* Users.get(Ids.UserId.make(id))
      expect(u.siteRole).toBe("HyperCreator")
      expect(u.authSetting).toBe("PasskeyOnly")
      expect(u.lastLogin?.toISOString()).toBe("2024-03-01T10:00:00.000Z")
      expect([u.externalAuthUserId, u.locale, u.language, u.idpConfigurationId]).toEqual(["ext-1", "en_US", "en", "idp-1"])
      const nf = yield* Effect.flip(Users.get(missing))
      expect(nf._tag === "NotFound" && nf.code).toBe("404002")
    }).pipe(Effect.provide(Fake.sessionLayer())))

  it.effect("list filters by site role, name and last login, sorts, and pages", () =>
    Effect.gen(function*() {
      const creators = yield* Stream.runCollect(Users.list({ siteRole: "Creator", pageSize: 7 }))
      expect(Chunk.size(creators)).toBe(25) // every 10th of 250
      const both = yield* Stream.runCollect(Users.list({ siteRole: ["Creator", "Explorer"], pageSize: 100 }))
      expect(Chunk.toReadonlyArray(both).every((u) => u.siteRole === "Creator" || u.siteRole === "Explorer")).toBe(true)
      const named = yield* Users.getPage({ name: "user000042" })
      expect(named.items.map((u) => u.name)).toEqual(["user000042"])
      const recent = yield* Users.getPage({
        lastLoginSince: new Date(Date.UTC(2024, 0, 1) + 240 * 60_000),
        sort: [RequestOptions.desc("name")]
      })
      expect(recent.items.map((u) => u.name)).toEqual([
        "user000250", "user000249", "user000248", "user000247", "user000246",
        "user000245", "user000244", "user000243", "user000242", "user000241", "user000240"
      ])
      const [page] = yield* sentTo("/users?", "GET").pipe(Effect.map((s) => s.filter((x) => x.url.includes("name%3Aeq"))))
      expect(decodeURIComponent(page!.url)).toContain("filter=name:eq:user000042")
    }).pipe(Effect.provide(recordingSession({ users: 250 }))))

  it.effect("update changes the given attributes only and keeps the password Redacted; NotFound for a missing user", () =>
    Effect.gen(function*() {
      const u = yield* Users.add({ name: "laura", siteRole: "Viewer" })
      const changed = yield* Users.update(u.id, { fullName: "Laura Rodriguez", siteRole: "Creator", password: Redacted.make("pw") })
      expect(changed.id).toBe(u.id)
      expect(changed.fullName).toBe("Laura Rodriguez")
      expect(changed.siteRole).toBe("Creator")
      const [sent] = yield* sentTo(`/users/${u.id}`, "PUT")
      expect(userElement(sent!.body)).toEqual({ fullName: "Laura Rodriguez", siteRole: "Creator", password: "pw" })
      expect(String(Redacted.make("pw"))).not.toContain("pw")
      const nf = yield* Effect.flip(Users.update(missing, { fullName: "x" }))
      expect(nf._tag).toBe("NotFound")
    }).pipe(Effect.provide(recordingSession())))

  it.effect("remove keeps memberships consistent, maps assets, refuses owners, and gates mapAssetsTo by version", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau
      const leaver = yield* Users.add({ name: "leaver", siteRole: "Creator" })
      const heir = yield* Users.add({ name: "heir", siteRole: "Creator" })
      const g = yield* Groups.create({ name: "Team" })
      yield* Groups.addUser(g.id, leaver.id)
      const workbooks = table(fake.state, "workbooks", fake.defaultSiteId)
      put(workbooks, { id: fake.state.newId(), name: "Sales", ownerId: leaver.id })

      const refused = yield* Effect.flip(Users.remove(leaver.id))
      expect(refused._tag).toBe("Conflict")
      expect((yield* Users.get(leaver.id)).siteRole).toBe("Unlicensed")

      yield* Users.remove(leaver.id, { mapAssetsTo: heir.id })
      expect([...workbooks.rows.values()][0]!["ownerId"]).toBe(heir.id)
      expect(memberships(fake.state, fake.defaultSiteId).get(g.id)?.has(leaver.id)).toBe(false)
      expect(Chunk.size(yield* Stream.runCollect(Groups.users(g.id)))).toBe(0)
      expect((yield* Effect.flip(Users.remove(leaver.id)))._tag).toBe("NotFound")
    }).pipe(Effect.provide(Fake.sessionLayer())))

  it.effect("remove with mapAssetsTo before API 3.9 fails UnsupportedApiVersion without sending", () =>
    Effect.gen(function*() {
      const e = yield* Effect.flip(Users.remove(missing, { mapAssetsTo: missing }))
      expect(e._tag).toBe("UnsupportedApiVersion")
      expect((yield* sentTo("/users/")).length).toBe(0)
    }).pipe(Effect.provide(recordingSession({ session: { apiVersion: "3.8" } }))))

  it.effect("workbooks streams a user's workbooks (ownedBy) with project and owner", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau
      const owner = yield* Users.add({ name: "owner", siteRole: "Creator" })
      const workbooks = table(fake.state, "workbooks", fake.defaultSiteId)
      for (let i = 0; i < 5; i++) {
        put(workbooks, {
          id: fake.state.newId(),
          name: `wb${i}`,
          contentUrl: `wb${i}`,
          showTabs: "true",
          size: "2",
          createdAt: "2024-01-01T00:00:00Z",
          updatedAt: "2024-01-02T00:00:00Z",
          projectId: "p1",
          projectName: "Default",
          ownerId: i < 3 ? owner.id : fake.adminUserId
        })
      }
      const owned = Chunk.toReadonlyArray(yield* Stream.runCollect(Users.workbooks(owner.id, { ownedBy: true, pageSize: 2 })))
      expect(owned.map((w) => w.name)).toEqual(["wb0", "wb1", "wb2"])
      expect(owned[0]!.project?.name).toBe("Default")
      expect(owned[0]!.owner?.id).toBe(owner.id)
      expect(owned[0]!.showTabs).toBe(true)
      const readable = yield* Stream.runCollect(Users.workbooks(owner.id))
      expect(Chunk.size(readable)).toBe(5)
      expect((yield* Effect.flip(Stream.runCollect(Users.workbooks(missing))))._tag).toBe("NotFound")
    }).pipe(Effect.provide(Fake.sessionLayer())))

  it.effect("groups streams a user's groups; NotFound and UnsupportedApiVersion (3.7)", () =>
    Effect.gen(function*() {
      const u = yield* Users.add({ name: "member", siteRole: "Viewer" })
      for (const name of ["A", "B", "C"]) {
        const g = yield* Groups.create({ name })
        if (name !== "B") yield* Groups.addUser(g.id, u.id)
      }
      const names = yield* Users.groups(u.id, { pageSize: 1 }).pipe(Stream.map((g) => g.name), Stream.runCollect)
      // Every user is in All Users, as on Tableau.
      expect(Chunk.toReadonlyArray(names)).toEqual(["All Users", "A", "C"])
      expect((yield* Effect.flip(Stream.runCollect(Users.groups(missing))))._tag).toBe("NotFound")
    }).pipe(Effect.provide(Fake.sessionLayer())))

  it.effect("groups needs API 3.7", () =>
    Effect.gen(function*() {
      const e = yield* Effect.flip(Stream.runCollect(Users.groups(missing)))
      expect(e._tag).toBe("UnsupportedApiVersion")
    }).pipe(Effect.provide(Fake.sessionLayer({ session: { apiVersion: "3.6" } }))))

  it.effect("favorites decodes every kind, including ones this version does not know", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau
      const u = yield* Users.add({ name: "fan", siteRole: "Viewer" })
      favoritesOf(fake.state, fake.defaultSiteId).set(u.id, [
        { label: "Sales", kind: "workbook", id: "w1", name: "Sales", addedAt: "2024-05-01T00:00:00Z" },
        { label: "Map", kind: "view", id: "v1", name: "Map" },
        { label: "Pulse", kind: "pulseMetric", id: "m1" }
      ])
      const favs = yield* Users.favorites(u.id)
      expect(favs.map((f) => [f.kind, f.id, f.label, f.position])).toEqual([
        ["workbook", "w1", "Sales", 1],
        ["view", "v1", "Map", 2],
        ["pulseMetric", "m1", "Pulse", 3]
      ])
      expect(favs[0]!.addedAt?.toISOString()).toBe("2024-05-01T00:00:00.000Z")
      expect(yield* Users.favorites(Ids.UserId.make(fake.adminUserId))).toEqual([])
      expect((yield* Effect.flip(Users.favorites(missing)))._tag).toBe("NotFound")
    }).pipe(Effect.provide(Fake.sessionLayer())))

  it.effect("Raw.withResponse gives the status, headers and duration of a Users call", () =>
    Effect.gen(function*() {
      const [created, response] = yield* Raw.withResponse(Users.add({ name: "raw", siteRole: "Viewer" }))
      expect(created.name).toBe("raw")
      expect(response?.status).toBe(201)
      expect(response?.method).toBe("POST")
      expect(response?.headers["content-type"]).toContain("application/xml")
      expect(response?.durationMillis).toBeGreaterThanOrEqual(0)
      const [, responses] = yield* Raw.withResponses(Stream.runCollect(Users.list({ pageSize: 10 })))
      expect(responses.length).toBe(3) // 21 users, 10 per page
    }).pipe(Effect.provide(Fake.sessionLayer({ users: 19 }))))
})

describe("Users CSV provisioning", () => {
  it.effect("importCsv sends a multipart body and the job creates the users when it finishes", () =>
    Effect.gen(function*() {
      const csv = yield* UserCsv.make([
        { name: "ana@example.com", siteRole: "Creator", fullName: "Ana, Lima", email: "ana@example.com" },
        { name: "bo@example.com", siteRole: "ExplorerCanPublish" },
        { name: "cy@example.com", siteRole: "SiteAdministratorExplorer", password: Redacted.make("pw") }
      ])
      const job = yield* Users.importCsv(csv, { authSetting: "SAML", authSettings: { "bo@example.com": "OpenID" } })
      expect(job.type).toBe("UserImport")
      const [sent] = yield* sentTo("/users/import", "POST")
      expect(sent!.contentType).toMatch(/^multipart\/mixed; boundary=/)
      expect(sent!.body).toContain("Content-Disposition: name=\"request_payload\"")
      expect(sent!.body).toContain("Content-Disposition: name=\"tableau_user_import\"; filename=\"users.csv\"")
      expect(sent!.body).toContain("\"Ana, Lima\"")
      expect(yield* Stream.runCollect(Users.list({ name: "ana@example.com" })).pipe(Effect.map(Chunk.size))).toBe(0)

      const done = yield* Jobs.wait(job.id, { schedule: Schedule.forever })
      expect(done.finishCode).toBe(0)
      const byName = new Map(Chunk.toReadonlyArray(yield* Stream.runCollect(Users.list())).map((u) => [u.name, u]))
      expect(byName.get("ana@example.com")?.siteRole).toBe("Creator")
      expect(byName.get("ana@example.com")?.fullName).toBe("Ana, Lima")
      expect(byName.get("ana@example.com")?.authSetting).toBe("SAML")
      expect(byName.get("bo@example.com")?.siteRole).toBe("ExplorerCanPublish")
      expect(byName.get("bo@example.com")?.authSetting).toBe("OpenID")
      expect(byName.get("cy@example.com")?.siteRole).toBe("SiteAdministratorExplorer")
    }).pipe(Effect.provide(recordingSession())))

  it.effect("importCsv and removeCsv need API 3.15", () =>
    Effect.gen(function*() {
      const csv = yield* UserCsv.make([{ name: "a" }])
      expect((yield* Effect.flip(Users.importCsv(csv)))._tag).toBe("UnsupportedApiVersion")
      expect((yield* Effect.flip(Users.removeCsv(csv)))._tag).toBe("UnsupportedApiVersion")
    }).pipe(Effect.provide(Fake.sessionLayer({ session: { apiVersion: "3.14" } }))))

  it.effect("a non-administrator's import is Forbidden", () =>
    Effect.gen(function*() {
      const viewer = yield* Users.add({ name: "viewer", siteRole: "Viewer" })
      const csv = yield* UserCsv.make([{ name: "x@example.com" }])
      expect((yield* Effect.flip(impersonating(viewer.id, Users.importCsv(csv))))._tag).toBe("Forbidden")
    }).pipe(Effect.provide(Fake.sessionLayer())))

  it.effect("removeCsv removes the named users and their memberships", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau
      const a = yield* Users.add({ name: "a@example.com", siteRole: "Viewer" })
      const b = yield* Users.add({ name: "b@example.com", siteRole: "Viewer" })
      const g = yield* Groups.create({ name: "G" })
      yield* Groups.addUsers(g.id, [a.id, b.id])
      const job = yield* Users.removeCsv(yield* UserCsv.names(["a@example.com"]))
      expect(job?.finishCode).toBe(0)
      expect((yield* Effect.flip(Users.get(a.id)))._tag).toBe("NotFound")
      expect((yield* Users.get(b.id)).name).toBe("b@example.com")
      expect([...(memberships(fake.state, fake.defaultSiteId).get(g.id) ?? [])]).toEqual([b.id])
    }).pipe(Effect.provide(Fake.sessionLayer())))
})

describe("UserCsv", () => {
  it.effect("validate accepts Tableau's seven-column format, quoted fields, a BOM and CRLF", () =>
    Effect.gen(function*() {
      const csv = yield* UserCsv.validate(
        "\uFEFFana@example.com,,\"Lima, Ana\",Creator,None,yes,ana@example.com\r\n" +
          "bo@example.com,pw,Bo,explorer,site,no,\r\n" +
          "cy@example.com,,,,,,\r\n"
      )
      expect(csv.rows.map((r) => [r.row, r.name, r.fullName, r.siteRole])).toEqual([
        [1, "ana@example.com", "Lima, Ana", "Creator"],
        [2, "bo@example.com", "Bo", "SiteAdministratorExplorer"],
        [3, "cy@example.com", "", "Unlicensed"]
      ])
      expect(csv.rows[1]!.password !== undefined && Redacted.value(csv.rows[1]!.password)).toBe("pw")
      expect(String(csv.rows[1]!.password)).not.toContain("pw")
    }))

  it.effect("validate refuses wrong column counts, missing names, unknown levels and repeated names, with row numbers", () =>
    Effect.gen(function*() {
      const text = [
        "ok@example.com,,,Viewer,None,no,",
        "short@example.com,,Viewer",
        ",,,Viewer,None,no,",
        "x@example.com,,,Admin,None,no,",
        "y@example.com,,,Viewer,Boss,maybe,not-an-email",
        "OK@example.com,,,Viewer,None,no,"
      ].join("\n")
      const e = yield* Effect.flip(UserCsv.validate(text))
      expect(e._tag).toBe("InvalidRequest")
      expect(e.reason).toContain("row 2 has 3 columns, Tableau expects 7")
      expect(e.reason).toContain("row 3 has no user name")
      expect(e.reason).toContain("row 4 has unknown license level \"Admin\"")
      expect(e.reason).toContain("row 5 has unknown administrator level \"Boss\"")
      expect(e.reason).toContain("row 5 has unknown publishing capability \"maybe\"")
      expect(e.reason).toContain("row 5 has an invalid email")
      expect(e.reason).toContain("row 6 repeats user name \"OK@example.com\" (first on row 1)")
      expect(UserCsv.problems(text).map((p) => p.row)).toEqual([2, 3, 4, 5, 5, 5, 6])
      expect((yield* Effect.flip(UserCsv.validate("")))._tag).toBe("InvalidRequest")
    }))

  it.effect("make maps site roles to columns and refuses roles a CSV cannot express", () =>
    Effect.gen(function*() {
      const csv = yield* UserCsv.make([
        { name: "a", siteRole: "ServerAdministrator" },
        { name: "b", siteRole: "ExplorerCanPublish", fullName: "B \"the\" Second" },
        { name: "c" }
      ])
      expect(UserCsv.render(csv)).toBe(
        "\uFEFFa,,,Creator,System,yes,\r\nb,,\"B \"\"the\"\" Second\",Explorer,None,yes,\r\nc,,,Unlicensed,None,no,\r\n"
      )
      // What make renders, validate accepts, with the same site roles.
      const again = yield* UserCsv.validate(UserCsv.render(csv))
      expect(again.rows.map((r) => r.siteRole)).toEqual(["ServerAdministrator", "ExplorerCanPublish", "Unlicensed"])
      const e = yield* Effect.flip(UserCsv.make([{ name: "ok" }, { name: "r", siteRole: "ReadOnly" }, { name: "" }]))
      expect(e.reason).toContain("row 2 has site role \"ReadOnly\"")
      expect(e.reason).toContain("row 3 has no user name")
      expect((yield* Effect.flip(UserCsv.names(["a", "a"]))).reason).toContain("row 2 repeats user name")
    }))

  it.effect("an invalid CSV never reaches the server", () =>
    Effect.gen(function*() {
      const result = yield* Effect.flip(Effect.flatMap(UserCsv.validate("a,b\n"), (csv) => Users.importCsv(csv)))
      expect(result._tag).toBe("InvalidRequest")
      expect((yield* sentTo("/users/import")).length).toBe(0)
    }).pipe(Effect.provide(recordingSession())))
})
