/**
 * Input the server would reject, or that would change the request's
 * meaning, is refused before sending with an `InvalidRequest` that says
 * what is wrong; nothing reaches the server.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Ids, RequestOptions, Sites, TableauSession, Users } from "../mod.ts"
import * as FakeTableau from "../src/testing.ts"

const refused = <A, E extends { readonly _tag: string; readonly message: string }, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.flip(effect), (error) => [error._tag, error.message] as const)

describe("refused before sending", () => {
  it.effect("Ids.decode: a malformed ID from outside the program is InvalidRequest, not a thrown ParseError", () =>
    Effect.gen(function*() {
      expect(yield* refused(Ids.decode(Ids.UserId)("../x"))).toEqual([
        "InvalidRequest",
        "Ids.decode: \"../x\" is not a valid ID: a Tableau ID must be non-empty and contain no '/', '\\', '?', '#', '%', whitespace or control characters"
      ])
      expect((yield* refused(Ids.decode(Ids.GroupId, "import")(""))).join(" ")).toContain("import: \"\" is not a valid ID: it is empty")
      const ok: Ids.UserId = yield* Ids.decode(Ids.UserId)("9f9e9d9c-8b8a-8f8e-7d7c-7b7a6f6d6e6d")
      expect(ok).toBe("9f9e9d9c-8b8a-8f8e-7d7c-7b7a6f6d6e6d")
      expect(() => Ids.UserId.make("../x")).toThrow()
    }))

  it.effect("filter, sort and fields names, operators and values are checked", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const before = fake.log.length
      const cases: ReadonlyArray<readonly [RequestOptions.PageOptions, string]> = [
        [{ filter: [RequestOptions.eq("name,siteRole:eq:Creator", "x")] }, "filter field \"name,siteRole:eq:Creator\" is not a field name"],
        [{ filter: [RequestOptions.filter("name", "like" as RequestOptions.Operator, "x")] }, "filter operator \"like\" is not one of"],
        [{ filter: [RequestOptions.in("name", [])] }, "filter name:in needs a non-empty list"],
        [{ filter: [RequestOptions.gte("lastLogin", new Date("nope"))] }, "filter lastLogin:gte has an invalid Date as its value"],
        [{ filter: [RequestOptions.lt("size", Number.NaN)] }, "filter size:lt has NaN as its value"],
        [{ sort: [RequestOptions.asc("name:desc")] }, "sort field \"name:desc\" is not a field name"],
        [{ sort: [{ field: "name", direction: "up" as "asc" }] }, "sort direction \"up\" is not asc or desc"],
        [{ fields: ["_all_", "email,name"] }, "\"email,name\" in fields is not a field name"],
        [{ pageNumber: 0 }, "pageNumber must be a whole number of at least 1, got 0"]
      ]
      for (const [options, reason] of cases) {
        const [tag, message] = yield* refused(Sites.getPage(options))
        expect(tag).toBe("InvalidRequest")
        expect(message).toContain(reason)
      }
      // Accepted: Tableau's own names.
      yield* Users.getPage({ fields: ["_default_", "email"], sort: [RequestOptions.desc("name")] })
      expect(fake.log.length).toBe(before + 1)
    }).pipe(Effect.provide(FakeTableau.sessionLayer())))

  it.effect("concurrency must be 1 to 16, per call and per session", () =>
    Effect.gen(function*() {
      for (const concurrency of [0, -1, 1.5, 17]) {
        const [tag, message] = yield* refused(Stream.runDrain(Sites.list({ concurrency })))
        expect(tag).toBe("InvalidRequest")
        expect(message).toContain(`concurrency must be a whole number from 1 to 16, got ${concurrency}`)
      }
      const layer = FakeTableau.sessionLayer({ session: { pageConcurrency: 0 } })
      const [tag] = yield* refused(Effect.scoped(Effect.provide(TableauSession.current, layer)))
      expect(tag).toBe("InvalidRequest")
    }).pipe(Effect.provide(FakeTableau.sessionLayer())))
})
