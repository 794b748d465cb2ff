import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import { Groups, Ids, Jobs, RequestOptions, Users } from "../mod.ts"
import { parse } from "../src/internal/xml.ts"
import * as Fake from "../src/testing.ts"
import { impersonating, recordingSession, sentTo } from "./support/recording.ts"

const missingGroup = Ids.GroupId.make("00000000-0000-4000-a000-00000000000g")
const missingUser = Ids.UserId.make("00000000-0000-4000-a000-00000000000u")

const requestOf = (body: string) => (parse(body) as { tsRequest: Record<string, unknown> }).tsRequest

const makeUsers = (n: number, prefix = "u") =>
  Effect.forEach(Array.from({ length: n }, (_, i) => i), (i) => Users.add({ name: `${prefix}${i}`, siteRole: "Viewer" }))

describe("Groups", () => {
  it.effect("create, get, getByName, list with userCount, update and delete", () =>
    Effect.gen(function*() {
      const g = yield* Groups.create({ name: "Analysts", minimumSiteRole: "Explorer", grantLicenseMode: "onLogin" })
      expect(g.name).toBe("Analysts")
      expect(g.domainName).toBe("local")
      expect(g.minimumRole).toBe("Explorer")
      const [sent] = yield* sentTo("/groups", "POST")
      expect(requestOf(sent!.body)["group"]).toEqual({ name: "Analysts", minimumSiteRole: "Explorer", grantLicenseMode: "onLogin" })

      for (let i = 0; i < 30; i++) yield* Groups.create({ name: `G${String(i).padStart(2, "0")}` })
      expect((yield* Groups.get(g.id)).name).toBe("Analysts")
      expect((yield* Groups.getByName("G07")).name).toBe("G07")

      const [u] = yield* makeUsers(1)
      yield* Groups.addUser(g.id, u!.id)
      const page = yield* Groups.getPage({ filter: [RequestOptions.eq("name", "Analysts")], fields: ["_all_"] })
      expect(page.items[0]!.userCount).toBe(1)
      const all = yield* Stream.runCollect(Groups.list({ pageSize: 8 }))
      // 31 created, plus the All Users group every site has.
      expect(Chunk.size(all)).toBe(32)
      expect(Chunk.toReadonlyArray(all).find((x) => x.name === "All Users")).toBeDefined()

      const renamed = yield* Groups.update(g.id, { name: "Data Analysts" })
      expect(renamed.name).toBe("Data Analysts")
      yield* Groups.delete(g.id)
      expect((yield* Effect.flip(Groups.get(g.id)))._tag).toBe("NotFound")
      // The user stays on the site.
      expect((yield* Users.get(u!.id)).name).toBe("u0")
    }).pipe(Effect.provide(recordingSession())))

  it.effect("duplicate names are a Conflict (409009) on create and update; unknown groups are NotFound (404012)", () =>
    Effect.gen(function*() {
      const a = yield* Groups.create({ name: "A" })
      yield* Groups.create({ name: "B" })
      const dup = yield* Effect.flip(Groups.create({ name: "a" }))
      expect(dup._tag === "Conflict" && dup.code).toBe("409009")
      const dupRename = yield* Effect.flip(Groups.update(a.id, { name: "B" }))
      expect(dupRename._tag === "Conflict" && dupRename.code).toBe("409009")
      const nf = yield* Effect.flip(Groups.update(missingGroup, { name: "C" }))
      expect(nf._tag === "NotFound" && nf.code).toBe("404012")
      expect((yield* Effect.flip(Groups.delete(missingGroup)))._tag).toBe("NotFound")
      expect((yield* Effect.flip(Stream.runCollect(Groups.users(missingGroup))))._tag).toBe("NotFound")
      expect((yield* Effect.flip(Groups.getByName("nope")))._tag).toBe("NotFound")
    }).pipe(Effect.provide(Fake.sessionLayer())))

  it.effect("Active Directory import sends <import>, decodes it, and runs as a job when asked", () =>
    Effect.gen(function*() {
      const g = yield* Groups.createFromActiveDirectory({
        name: "Sales",
        domainName: "example.com",
        minimumSiteRole: "Explorer",
        grantLicenseMode: "onSync"
      })
      expect(g.domainName).toBe("example.com")
      expect(g.minimumRole).toBe("Explorer")
      expect(g.grantLicenseMode).toBe("onSync")
      const [sent] = yield* sentTo("/groups", "POST")
      expect(requestOf(sent!.body)["group"]).toEqual({
        name: "Sales",
        import: { source: "ActiveDirectory", domainName: "example.com", siteRole: "Explorer", grantLicenseMode: "onSync" }
      })

      const resynced = yield* Groups.update(g.id, {
        activeDirectory: { domainName: "example.com", minimumSiteRole: "Creator", grantLicenseMode: "onLogin" }
      })
      expect([resynced.name, resynced.minimumRole, resynced.grantLicenseMode]).toEqual(["Sales", "Creator", "onLogin"])
      const [updateSent] = yield* sentTo(`/groups/${g.id}`, "PUT")
      expect(requestOf(updateSent!.body)["group"]).toEqual({
        import: { source: "ActiveDirectory", domainName: "example.com", siteRole: "Creator", grantLicenseMode: "onLogin" }
      })

      const job = yield* Groups.createFromActiveDirectoryAsJob({ name: "Support", domainName: "example.com", minimumSiteRole: "Viewer" })
      expect(job.type).toBe("GroupImport")
      const [, asJob] = yield* sentTo("/groups", "POST")
      expect(asJob!.url).toContain("asJob=true")
      yield* Jobs.wait(job.id, { schedule: Schedule.forever })
      expect((yield* Groups.getByName("Support")).minimumRole).toBe("Viewer")
      expect((yield* Effect.flip(Groups.createFromActiveDirectory({ name: "sales", domainName: "example.com", minimumSiteRole: "Viewer" })))._tag)
        .toBe("Conflict")
    }).pipe(Effect.provide(recordingSession())))

  it.effect("addUser / removeUser / users, with 409011 for a repeated add and 404002 for an unknown user", () =>
    Effect.gen(function*() {
      const g = yield* Groups.create({ name: "Team" })
      const people = yield* makeUsers(5)
      for (const p of people) yield* Groups.addUser(g.id, p.id)
      const members = yield* Groups.users(g.id, { pageSize: 2 }).pipe(Stream.map((u) => u.name), Stream.runCollect)
      expect(Chunk.toReadonlyArray(members)).toEqual(["u0", "u1", "u2", "u3", "u4"])
      const again = yield* Effect.flip(Groups.addUser(g.id, people[0]!.id))
      expect(again._tag === "Conflict" && again.code).toBe("409011")
      const unknown = yield* Effect.flip(Groups.addUser(g.id, missingUser))
      expect(unknown._tag === "NotFound" && unknown.code).toBe("404002")
      yield* Groups.removeUser(g.id, people[1]!.id)
      expect((yield* Groups.usersPage(g.id)).pagination?.totalAvailable).toBe(4)
      expect((yield* Effect.flip(Groups.removeUser(missingGroup, people[0]!.id)))._tag).toBe("NotFound")
    }).pipe(Effect.provide(Fake.sessionLayer())))

  it.effect("a non-administrator cannot create groups or change membership (Forbidden)", () =>
    Effect.gen(function*() {
      const viewer = yield* Users.add({ name: "viewer", siteRole: "Viewer" })
      const g = yield* Groups.create({ name: "Team" })
      expect((yield* Effect.flip(impersonating(viewer.id, Groups.create({ name: "Nope" }))))._tag).toBe("Forbidden")
      expect((yield* Effect.flip(impersonating(viewer.id, Groups.addUser(g.id, viewer.id))))._tag).toBe("Forbidden")
      expect((yield* Effect.flip(Groups.getByName("Nope")))._tag).toBe("NotFound")
    }).pipe(Effect.provide(Fake.sessionLayer())))
})

describe("Groups bulk membership", () => {
  it.effect("API 3.21+: addUsers and removeUsers are one request each with a <users> body", () =>
    Effect.gen(function*() {
      const g = yield* Groups.create({ name: "Bulk" })
      const people = yield* makeUsers(10)
      const added = yield* Groups.addUsers(g.id, people.map((p) => p.id))
      expect(added.map((u) => u.name)).toEqual(people.map((p) => p.name))
      const posts = yield* sentTo(`/groups/${g.id}/users`, "POST")
      expect(posts.length).toBe(1)
      const body = requestOf(posts[0]!.body)["users"] as { user: ReadonlyArray<{ id: string }> }
      expect(body.user.map((u) => u.id)).toEqual(people.map((p) => p.id))

      yield* Groups.removeUsers(g.id, people.slice(0, 4).map((p) => p.id))
      const puts = yield* sentTo(`/groups/${g.id}/users/remove`, "PUT")
      expect(puts.length).toBe(1)
      expect((yield* Groups.usersPage(g.id)).pagination?.totalAvailable).toBe(6)

      const conflict = yield* Effect.flip(Groups.addUsers(g.id, [people[9]!.id]))
      expect(conflict._tag).toBe("Conflict")
      expect(yield* Groups.addUsers(g.id, [])).toEqual([])
    }).pipe(Effect.provide(recordingSession({ session: { apiVersion: "3.21" } }))))

  it.effect("older servers (API 3.20): one request per user, bounded concurrency, same result", () =>
    Effect.gen(function*() {
      const fake = yield* Fake.FakeTableau
      const g = yield* Groups.create({ name: "Fallback" })
      const people = yield* makeUsers(12)
      // Every request takes 20 ms, and we count how many are in the server at once.
      fake.faults.latencyMs = 20
      const handle = fake.handle
      let inFlight = 0
      let peak = 0
      ;(fake as { handle: typeof handle }).handle = async (request) => {
        inFlight++
        peak = Math.max(peak, inFlight)
        try {
          return await handle(request)
        } finally {
          inFlight--
        }
      }
      const before = fake.log.length
      const added = yield* Groups.addUsers(g.id, people.map((p) => p.id), { concurrency: 3 })
      expect(peak).toBe(3)
      expect(added.length).toBe(12)
      const posts = fake.log.slice(before).filter((l) => l.method === "POST" && l.path.endsWith(`/groups/${g.id}/users`))
      expect(posts.length).toBe(12)
      expect(posts.every((p) => p.status === 200)).toBe(true)
      expect((yield* Groups.usersPage(g.id)).pagination?.totalAvailable).toBe(12)

      peak = 0
      const removeBefore = fake.log.length
      yield* Groups.removeUsers(g.id, people.slice(0, 5).map((p) => p.id), { concurrency: 2 })
      const deletes = fake.log.slice(removeBefore).filter((l) => l.method === "DELETE")
      expect(deletes.length).toBe(5)
      expect(peak).toBe(2)
      expect(fake.log.slice(removeBefore).some((l) => l.path.endsWith("/users/remove"))).toBe(false)
      expect((yield* Groups.usersPage(g.id)).pagination?.totalAvailable).toBe(7)
    }).pipe(Effect.provide(Fake.sessionLayer({ session: { apiVersion: "3.20" } }))))
})
