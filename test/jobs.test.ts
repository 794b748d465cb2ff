/**
 * Jobs: Query Job (and so `wait`) and Cancel Job are gated at their
 * minimum API versions, before anything is sent.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { Ids, Jobs } from "../mod.ts"
import * as FakeTableau from "../src/testing.ts"
import { contentLayer } from "./support/content.ts"

const jobId = Ids.JobId.make("9f9e9d9c-8b8a-4f8e-ad7c-7b7a6f6d6e6d")

describe("Jobs", () => {
  it.effect("get and wait are refused before 2.2 (Query Job), nothing sent", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const before = fake.log.length
      const read = yield* Effect.flip(Jobs.get(jobId))
      expect(read._tag === "UnsupportedApiVersion" && read.required).toBe("2.2")
      const waited = yield* Effect.flip(Jobs.wait(jobId))
      expect(waited._tag === "UnsupportedApiVersion" && waited.operation).toBe("Jobs.wait")
      expect(fake.log.length).toBe(before)
    }).pipe(Effect.provide(contentLayer({ apiVersion: "2.1" }))))

  it.effect("get of an unknown job is NotFound 404031", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Jobs.get(jobId))
      expect(error._tag === "NotFound" && error.code).toBe("404031")
    }).pipe(Effect.provide(contentLayer())))
})
