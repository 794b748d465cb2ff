/**
 * Per-call overrides reach every request of an Effect or a Stream: the
 * Stream twins of withRetryPolicy, withTimeout and withDeadline.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Sites, TableauSession } from "../mod.ts"
import * as FakeTableau from "../src/testing.ts"

describe("per-call overrides", () => {
  it.live("withTimeoutStream bounds every page request of a list", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      fake.faults.latencyMs = 200
      const error = yield* Effect.flip(Stream.runDrain(
        Sites.list({ pageSize: 10 }).pipe(TableauSession.withTimeoutStream("50 millis"), TableauSession.withRetryPolicyStream(false))
      ))
      expect(error).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
      fake.faults.latencyMs = 0
      expect((yield* Stream.runCollect(Sites.list({ pageSize: 10 }))).length).toBe(31)
    }).pipe(Effect.provide(FakeTableau.sessionLayer({ sites: 30 }))))

  it.live("withDeadline ends a call across its retries; withDeadlineStream does the same for a list", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      fake.faults.latencyMs = 80
      const started = Date.now()
      const one = yield* Effect.flip(
        Effect.flatMap(TableauSession.current, (c) => Sites.get(c.siteId)).pipe(
          TableauSession.withTimeout("50 millis"),
          TableauSession.withDeadline("150 millis")
        )
      )
      expect(one).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
      expect(Date.now() - started).toBeLessThan(1_000)
      const list = yield* Effect.flip(Stream.runDrain(
        Sites.list().pipe(TableauSession.withTimeoutStream("50 millis"), TableauSession.withDeadlineStream("150 millis"))
      ))
      expect(list).toMatchObject({ _tag: "TransportError", reason: "Timeout" })
      expect(Date.now() - started).toBeLessThan(2_000)
    }).pipe(Effect.provide(FakeTableau.sessionLayer())))
})
