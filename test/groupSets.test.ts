import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Groups, GroupSets, Ids, Users } from "../mod.ts"
import { parse } from "../src/internal/xml.ts"
import * as Fake from "../src/testing.ts"
import { impersonating, recordingSession, sentTo } from "./support/recording.ts"

const missingSet = Ids.GroupSetId.make("00000000-0000-4000-a000-0000000000gs")

describe("GroupSets", () => {
  it.effect("create, get with groups, list, update, add and remove groups, delete", () =>
    Effect.gen(function*() {
      const set = yield* GroupSets.create({ name: "EMEA analysts" })
      expect(set.name).toBe("EMEA analysts")
      expect(set.groups).toEqual([])
      const [sent] = yield* sentTo("/groupsets", "POST")
      expect((parse(sent!.body) as { tsRequest: unknown }).tsRequest).toEqual({ groupSet: { name: "EMEA analysts" } })

      const a = yield* Groups.create({ name: "Analysts" })
      const b = yield* Groups.create({ name: "EMEA" })
      yield* GroupSets.addGroup(set.id, a.id)
      yield* GroupSets.addGroup(set.id, b.id)
      const read = yield* GroupSets.get(set.id)
      expect(read.groupCount).toBe(2)
      expect(read.groups.map((g) => g.name)).toEqual(["Analysts", "EMEA"])

      yield* GroupSets.create({ name: "Other" })
      const all = yield* Stream.runCollect(GroupSets.list({ pageSize: 1 }))
      expect(Chunk.toReadonlyArray(all).map((s) => [s.name, s.groupCount])).toEqual([["EMEA analysts", 2], ["Other", 0]])
      expect((yield* GroupSets.getPage()).pagination?.totalAvailable).toBe(2)

      expect((yield* GroupSets.update(set.id, { name: "EMEA+APAC" })).name).toBe("EMEA+APAC")
      yield* GroupSets.removeGroup(set.id, a.id)
      expect((yield* GroupSets.get(set.id)).groups.map((g) => g.id)).toEqual([b.id])

      // Deleting a group takes it out of its sets.
      yield* Groups.delete(b.id)
      expect((yield* GroupSets.get(set.id)).groupCount).toBe(0)

      yield* GroupSets.delete(set.id)
      expect((yield* Effect.flip(GroupSets.get(set.id)))._tag).toBe("NotFound")
    }).pipe(Effect.provide(recordingSession())))

  it.effect("Conflict for a taken name, NotFound for unknown sets and groups", () =>
    Effect.gen(function*() {
      const set = yield* GroupSets.create({ name: "S" })
      yield* GroupSets.create({ name: "T" })
      expect((yield* Effect.flip(GroupSets.create({ name: "s" })))._tag).toBe("Conflict")
      expect((yield* Effect.flip(GroupSets.update(set.id, { name: "T" })))._tag).toBe("Conflict")
      expect((yield* Effect.flip(GroupSets.get(missingSet)))._tag).toBe("NotFound")
      expect((yield* Effect.flip(GroupSets.update(missingSet, { name: "U" })))._tag).toBe("NotFound")
      expect((yield* Effect.flip(GroupSets.delete(missingSet)))._tag).toBe("NotFound")
      const missingGroup = Ids.GroupId.make("00000000-0000-4000-a000-00000000000g")
      expect((yield* Effect.flip(GroupSets.addGroup(set.id, missingGroup)))._tag).toBe("NotFound")
      expect((yield* Effect.flip(GroupSets.removeGroup(set.id, missingGroup)))._tag).toBe("NotFound")
    }).pipe(Effect.provide(Fake.sessionLayer())))

  it.effect("non-administrators are Forbidden", () =>
    Effect.gen(function*() {
      const viewer = yield* Users.add({ name: "viewer", siteRole: "Viewer" })
      expect((yield* Effect.flip(impersonating(viewer.id, GroupSets.create({ name: "X" }))))._tag).toBe("Forbidden")
    }).pipe(Effect.provide(Fake.sessionLayer())))

  it.effect("before API 3.22 every call fails UnsupportedApiVersion without sending", () =>
    Effect.gen(function*() {
      const results = yield* Effect.all([
        Effect.flip(GroupSets.create({ name: "X" })),
        Effect.flip(GroupSets.get(missingSet)),
        Effect.flip(GroupSets.getPage()),
        Effect.flip(Stream.runCollect(GroupSets.list())),
        Effect.flip(GroupSets.update(missingSet, { name: "Y" })),
        Effect.flip(GroupSets.delete(missingSet)),
        Effect.flip(GroupSets.addGroup(missingSet, Ids.GroupId.make("g1"))),
        Effect.flip(GroupSets.removeGroup(missingSet, Ids.GroupId.make("g1")))
      ])
      expect(results.map((e) => e._tag)).toEqual(Array(8).fill("UnsupportedApiVersion"))
      expect((yield* sentTo("/groupsets")).length).toBe(0)
    }).pipe(Effect.provide(recordingSession({ session: { apiVersion: "3.21" } }))))
})
