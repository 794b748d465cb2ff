import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Chunk from "effect/Chunk"
import { Sites, ServerInfo, TableauSession } from "../mod.ts"
import { FakeTableau } from "../src/testing.ts"
import * as Fake from "../src/testing.ts"

describe("smoke", () => {
  it.effect("signs in, reads server info and pages sites", () =>
    Effect.gen(function*() {
      const info = yield* ServerInfo.get
      expect(info.restApiVersion).toBe("3.24")
      const session = yield* TableauSession.TableauSession
      expect(session.apiVersion).toBe("3.24")
      const all = yield* Stream.runCollect(Sites.list({ pageSize: 10 }))
      expect(Chunk.size(all)).toBe(26)
      const created = yield* Sites.create({ name: "Tableau", contentUrl: "tableau" })
      expect(created.name).toBe("Tableau")
      const dup = yield* Effect.flip(Sites.create({ name: "Tableau", contentUrl: "x" }))
      expect(dup._tag).toBe("Conflict")
      const fake = yield* FakeTableau
      expect(fake.log.length).toBeGreaterThan(3)
    }).pipe(Effect.provide(Fake.sessionLayer({ sites: 25 }))))
})
