import { describe, expect, it } from "@effect/vitest"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Credentials, Ids, RequestOptions, Sites, TableauSession } from "../mod.ts"
import * as FakeTableau from "../src/testing.ts"

const layer = (options: FakeTableau.SessionLayerOptions = {}) => FakeTableau.sessionLayer({ recordBodies: true, ...options })
const missing = Ids.SiteId.make("00000000-0000-4000-a000-000000000000")

const lastBody = (log: ReadonlyArray<FakeTableau.LogEntry>, method: string) =>
  [...log].reverse().find((e) => e.method === method)?.body ?? ""

describe("Sites", () => {
  it.effect("create sends every given setting as attributes and returns the site", () =>
    Effect.gen(function*() {
      const site = yield* Sites.create({
        name: "Tableau",
        contentUrl: "tableau",
        adminMode: "ContentAndUsers",
        userQuota: 15,
        storageQuota: 1000,
        disableSubscriptions: true,
        revisionLimit: 10
      })
      expect(site).toMatchObject({ name: "Tableau", contentUrl: "tableau", adminMode: "ContentAndUsers", userQuota: 15, storageQuota: 1000, disableSubscriptions: true, revisionLimit: 10, state: "Active" })
      const fake = yield* FakeTableau.FakeTableau
      expect(lastBody(fake.log, "POST")).toBe(
        "<tsRequest><site name=\"Tableau\" contentUrl=\"tableau\" adminMode=\"ContentAndUsers\" userQuota=\"15\" storageQuota=\"1000\" disableSubscriptions=\"true\" revisionLimit=\"10\"/></tsRequest>"
      )
    }).pipe(Effect.provide(layer())))

  it.effect("create fails with Conflict for a taken name or content URL", () =>
    Effect.gen(function*() {
      yield* Sites.create({ name: "A", contentUrl: "a" })
      const byName = yield* Effect.flip(Sites.create({ name: "a", contentUrl: "other" }))
      expect(byName._tag).toBe("Conflict")
      const byUrl = yield* Effect.flip(Sites.create({ name: "Other", contentUrl: "A" }))
      expect(byUrl._tag).toBe("Conflict")
      if (byUrl._tag === "Conflict") expect(byUrl.code).toBe("409001")
    }).pipe(Effect.provide(layer())))

  it.effect("create and update refuse ContentOnly with a user quota before sending", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const sent = fake.log.length
      const error = yield* Effect.flip(Sites.create({ name: "Q", contentUrl: "q", adminMode: "ContentOnly", userQuota: 5 }))
      expect(error._tag).toBe("InvalidRequest")
      expect(error.message).toContain("ContentOnly")
      const { siteId } = yield* TableauSession.current
      const update = yield* Effect.flip(Sites.update(siteId, { adminMode: "ContentOnly", userQuota: 5 }))
      expect(update._tag).toBe("InvalidRequest")
      expect(fake.log.length).toBe(sent)
    }).pipe(Effect.provide(layer())))

  it.effect("create fails with Forbidden for a user who is not a server administrator", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.make({ users: 2 })
      const viewer = [...fake.state.tables.get(`users@${fake.defaultSiteId}`)!.rows.values()][1]!
      const client = yield* FakeTableau.httpClient(fake)
      const error = yield* Effect.flip(Sites.create({ name: "X", contentUrl: "x" })).pipe(
        Effect.provide(TableauSession.layer({
          server: FakeTableau.FAKE_URL,
          credentials: Credentials.password({ username: "admin", password: "admin", impersonateUserId: Ids.UserId.make(viewer.id) })
        })),
        Effect.provideService(HttpClient.HttpClient, client)
      )
      expect(error._tag).toBe("Forbidden")
    }))

  it.effect("get, getByName and getByContentUrl find the same site", () =>
    Effect.gen(function*() {
      const created = yield* Sites.create({ name: "Marketing Team", contentUrl: "MarketingTeam" })
      expect((yield* Sites.get(created.id)).name).toBe("Marketing Team")
      expect((yield* Sites.getByName("Marketing Team")).id).toBe(created.id)
      expect((yield* Sites.getByContentUrl("MarketingTeam")).id).toBe(created.id)
      const fake = yield* FakeTableau.FakeTableau
      expect(fake.log.at(-2)?.path).toBe("/api/3.24/sites/Marketing%20Team")
    }).pipe(Effect.provide(layer())))

  it.effect("get with usage includes it", () =>
    Effect.gen(function*() {
      const { siteId } = yield* TableauSession.current
      const site = yield* Sites.get(siteId, { includeUsage: true })
      expect(site.usage?.numUsers).toBe(1)
    }).pipe(Effect.provide(layer())))

  it.effect("get, getByName, getByContentUrl, update and delete fail with NotFound", () =>
    Effect.gen(function*() {
      expect((yield* Effect.flip(Sites.get(missing)))._tag).toBe("NotFound")
      expect((yield* Effect.flip(Sites.getByName("nope")))._tag).toBe("NotFound")
      expect((yield* Effect.flip(Sites.getByContentUrl("nope")))._tag).toBe("NotFound")
      expect((yield* Effect.flip(Sites.update(missing, { name: "x" })))._tag).toBe("NotFound")
      const deleted = yield* Effect.flip(Sites.delete(missing))
      expect(deleted._tag).toBe("NotFound")
      if (deleted._tag === "NotFound") expect(deleted.code).toBe("404000")
    }).pipe(Effect.provide(layer())))

  it.effect("empty or malformed IDs are refused before sending", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const sent = fake.log.length
      const empty = yield* Effect.flip(Sites.get("" as Ids.SiteId))
      expect(empty._tag).toBe("InvalidRequest")
      const traversal = yield* Effect.flip(Sites.delete("../users" as Ids.SiteId))
      expect(traversal._tag).toBe("InvalidRequest")
      const emptyUrl = yield* Effect.flip(Sites.getByContentUrl(""))
      expect(emptyUrl._tag).toBe("InvalidRequest")
      expect(fake.log.length).toBe(sent)
      expect(() => Ids.SiteId.make("a/b")).toThrow()
      expect(() => Ids.SiteId.make("")).toThrow()
    }).pipe(Effect.provide(layer())))

  it.effect("update sends only the given settings and returns the site", () =>
    Effect.gen(function*() {
      const created = yield* Sites.create({ name: "Old", contentUrl: "old" })
      const updated = yield* Sites.update(created.id, { name: "New name", revisionHistoryEnabled: false, state: "Suspended" })
      expect(updated).toMatchObject({ id: created.id, name: "New name", contentUrl: "old", revisionHistoryEnabled: false, state: "Suspended" })
      const fake = yield* FakeTableau.FakeTableau
      expect(lastBody(fake.log, "PUT")).toBe(
        "<tsRequest><site name=\"New name\" revisionHistoryEnabled=\"false\" state=\"Suspended\"/></tsRequest>"
      )
      yield* Sites.create({ name: "Taken", contentUrl: "taken" })
      expect((yield* Effect.flip(Sites.update(created.id, { contentUrl: "taken" })))._tag).toBe("Conflict")
    }).pipe(Effect.provide(layer())))

  it.effect("delete removes the site", () =>
    Effect.gen(function*() {
      const created = yield* Sites.create({ name: "Doomed", contentUrl: "doomed" })
      yield* Sites.delete(created.id)
      expect((yield* Effect.flip(Sites.get(created.id)))._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer())))

  it.effect("list streams every site over all pages, in order", () =>
    Effect.gen(function*() {
      const all = Chunk.toArray(yield* Stream.runCollect(Sites.list({ pageSize: 7, sort: [RequestOptions.asc("name")] })))
      expect(all.length).toBe(51)
      const names = all.map((s) => s.name)
      expect(names).toEqual([...names].sort())
      const fake = yield* FakeTableau.FakeTableau
      expect(fake.log.filter((e) => e.method === "GET" && e.path.endsWith("/sites")).length).toBe(8)
    }).pipe(Effect.provide(layer({ sites: 50 }))))

  it.effect("getPage returns one page with its pagination", () =>
    Effect.gen(function*() {
      const page = yield* Sites.getPage({ pageSize: 10, pageNumber: 3 })
      expect(page.items.length).toBe(10)
      expect(page.pagination).toMatchObject({ pageNumber: 3, pageSize: 10, totalAvailable: 51 })
      const beyond = yield* Sites.getPage({ pageSize: 10, pageNumber: 9 })
      expect(beyond.items).toEqual([])
    }).pipe(Effect.provide(layer({ sites: 50 }))))

  it.effect("filters and sorts with Tableau's operators", () =>
    Effect.gen(function*() {
      const one = yield* Sites.getPage({ filter: [RequestOptions.eq("contentUrl", "site7")] })
      expect(one.items.map((s) => s.contentUrl)).toEqual(["site7"])
      const some = yield* Sites.getPage({ filter: [RequestOptions.in("contentUrl", ["site1", "site2", "nope"])], sort: [RequestOptions.desc("contentUrl")] })
      expect(some.items.map((s) => s.contentUrl)).toEqual(["site2", "site1"])
      const ci = yield* Sites.getPage({ filter: [RequestOptions.cieq("name", "SITE 00003")] })
      expect(ci.items.length).toBe(1)
    }).pipe(Effect.provide(layer({ sites: 10 }))))

  it.effect("an invalid page size is refused before sending; a field the server refuses is BadRequest", () =>
    Effect.gen(function*() {
      expect((yield* Effect.flip(Sites.getPage({ pageSize: 0 })))._tag).toBe("InvalidRequest")
      expect((yield* Effect.flip(Stream.runCollect(Sites.list({ pageSize: 5000 }))))._tag).toBe("InvalidRequest")
      const bad = yield* Effect.flip(Sites.getPage({ filter: [RequestOptions.eq("color", "red")] }))
      expect(bad._tag).toBe("BadRequest")
      if (bad._tag === "BadRequest") expect(bad.code).toBe("400065")
    }).pipe(Effect.provide(layer())))
})
