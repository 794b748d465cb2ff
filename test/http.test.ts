import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Sites, TableauSession } from "../mod.ts"
import * as FakeTableau from "../src/testing.ts"
import { overHttp as over } from "./support/common.ts"

describe("over real HTTP", () => {
  it.live("signs in, pages and signs out through sockets on 127.0.0.1", () =>
    Effect.gen(function*() {
      const { fake, url } = yield* FakeTableau.serve({ sites: 250 })
      const names = yield* Stream.runCollect(Sites.list({ pageSize: 100 })).pipe(Effect.provide(over(url)))
      expect(Chunk.size(names)).toBe(251)
      expect(fake.log.at(-1)?.path).toBe("/api/3.24/auth/signout")
    }).pipe(Effect.scoped))

  it.live("survives connection resets and 503/429 with Retry-After, every item exactly once", () =>
    Effect.gen(function*() {
      const { fake, url } = yield* FakeTableau.serve({ sites: 400, faults: { resetEvery: 7, errorRate: 0.1, retryAfterSeconds: 0 } })
      const sites = yield* Stream.runCollect(Sites.list({ pageSize: 10, concurrency: 4 })).pipe(Effect.provide(over(url)))
      const ids = Chunk.toArray(sites).map((s) => s.id)
      expect(ids.length).toBe(401)
      expect(new Set(ids).size).toBe(401)
      expect(fake.log.some((e) => e.status === "reset")).toBe(true)
      expect(fake.log.some((e) => e.status === 503)).toBe(true)
    }).pipe(Effect.scoped))

  it.live("a request that never answers ends with a timeout, not a hang", () =>
    Effect.gen(function*() {
      const { fake, url } = yield* FakeTableau.serve()
      const error = yield* Effect.gen(function*() {
        const { siteId } = yield* TableauSession.current
        fake.script.push({ match: { method: "GET" }, action: { _tag: "Hang" } })
        return yield* Effect.flip(Sites.get(siteId))
      }).pipe(Effect.provide(over(url, { timeout: "300 millis", retry: false })))
      expect(error._tag).toBe("TransportError")
      if (error._tag === "TransportError") expect(error.reason).toBe("Timeout")
    }).pipe(Effect.scoped))
})
