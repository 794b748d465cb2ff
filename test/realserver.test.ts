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
import { Groups, GroupSets, Ids, Users } from "../mod.ts"
import { table } from "../src/internal/fake/server.ts"
import { put } from "../src/internal/fake/store.ts"
import * as Fake from "../src/testing.ts"
import { FakeTableau } from "../src/testing.ts"
import { cannedSession, fixture } from "./support/canned.ts"
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
