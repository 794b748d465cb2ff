import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as v8 from "node:v8"
import * as vm from "node:vm"
import { Groups, Users } from "../mod.ts"
import { memberships } from "../src/internal/fake/routes/directory.ts"
import { table } from "../src/internal/fake/server.ts"
import { put } from "../src/internal/fake/store.ts"
import * as Fake from "../src/testing.ts"
import { FakeTableau } from "../src/testing.ts"

v8.setFlagsFromString("--expose-gc")
const gc: () => void = (globalThis as { gc?: () => void }).gc ?? vm.runInNewContext("gc")

/**
 * Lets the event loop turn: the in-memory fake never waits for I/O, and a vitest worker that does not reach
 * its poll phase for 60 s (this test takes that long on a loaded 2-core machine) fails the whole run with
 * "Timeout calling onTaskUpdate" although every test passed.
 */
const turnEventLoop = Effect.async<void>((resume) => {
  setImmediate(() => resume(Effect.void))
})

const heapMb = () => {
  gc()
  return process.memoryUsage().heapUsed / 1024 / 1024
}

describe("Users.export", () => {
  it.effect("writes a header and one CSV line per user with site role, auth setting, last login and groups", () =>
    Effect.gen(function*() {
      const a = yield* Users.add({ name: "ana@example.com", siteRole: "Creator", fullName: "Lima, \"Ana\"" })
      const b = yield* Users.add({ name: "bo@example.com", siteRole: "Viewer", authSetting: "SAML" })
      const g1 = yield* Groups.create({ name: "Analysts" })
      const g2 = yield* Groups.create({ name: "EMEA; West" })
      yield* Groups.addUsers(g1.id, [a.id, b.id])
      yield* Groups.addUser(g2.id, a.id)
      const lines = Chunk.toReadonlyArray(yield* Stream.runCollect(Users.export({ pageSize: 2 })))
      expect(lines[0]).toBe(Users.EXPORT_HEADER)
      expect(lines.length).toBe(4)
      // Every user is in the site's All Users group, as on Tableau.
      expect(lines[1]).toMatch(/^[^,]+,admin,Administrator,,ServerAdministrator,ServerDefault,2024-01-01T00:00:00Z,All Users$/)
      expect(lines[2]).toBe(`${a.id},ana@example.com,"Lima, ""Ana""",,Creator,ServerDefault,,All Users;Analysts;EMEA; West`)
      expect(lines[3]).toBe(`${b.id},bo@example.com,,,Viewer,SAML,,All Users;Analysts`)
      const viewers = Chunk.toReadonlyArray(yield* Stream.runCollect(Users.export({ siteRole: "Viewer", groups: false })))
      expect(viewers).toEqual([Users.EXPORT_HEADER, `${b.id},bo@example.com,,,Viewer,SAML,,`])
    }).pipe(Effect.provide(Fake.sessionLayer())))

  it.effect("pages 100,000 users with memory that stays flat (heap measured)", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau
      const site = fake.defaultSiteId
      // Three groups: everyone, every tenth user, the first hundred.
      const userIds = [...table(fake.state, "users", site).rows.keys()]
      const groups = table(fake.state, "groups", site)
      const everyone = put(groups, { id: fake.state.newId(), name: "Everyone" })
      const tenth = put(groups, { id: fake.state.newId(), name: "Tenth" })
      const first = put(groups, { id: fake.state.newId(), name: "First hundred" })
      const members = memberships(fake.state, site)
      members.set(everyone.id, new Set(userIds))
      members.set(tenth.id, new Set(userIds.filter((_, i) => i % 10 === 0)))
      members.set(first.id, new Set(userIds.slice(0, 100)))

      const measure = (options: Users.ExportOptions, keep: boolean) =>
        Effect.gen(function*() {
          const kept: Array<string> = []
          const samples: Array<{ lines: number; mb: number }> = []
          let lines = 0
          let bytes = 0
          const before = heapMb()
          yield* Users.export(options).pipe(
            Stream.runForEach((line) =>
              Effect.suspend(() => {
                lines++
                bytes += line.length + 1
                if (keep) kept.push(line)
                if (lines % 10_000 === 1) samples.push({ lines, mb: heapMb() })
                return lines % 1000 === 0 ? turnEventLoop : Effect.void
              })
            )
          )
          samples.push({ lines, mb: heapMb() })
          const after = samples[samples.length - 1]!.mb
          void kept.length
          return { lines, bytes, before, samples, after }
        })

      const streamed = yield* measure({ pageSize: 1000 }, false)
      expect(streamed.lines).toBe(100_001 + 1) // header + 100,000 users + admin
      const atStart = streamed.samples[1]!.mb // after the first 10,000 users (membership map built)
      const peak = Math.max(...streamed.samples.slice(1).map((s) => s.mb))
      const growth = peak - atStart

      const control = yield* measure({ pageSize: 1000, groups: false }, true)
      const controlGrowth = control.after - control.samples[1]!.mb

      console.log(
        `export of ${streamed.lines - 1} users (${(streamed.bytes / 1024 / 1024).toFixed(1)} MB of CSV): ` +
          `heap ${streamed.before.toFixed(1)} MB before, ${atStart.toFixed(1)} MB after 10k users, peak ${peak.toFixed(1)} MB, ` +
          `growth over the last 90k users ${growth.toFixed(1)} MB; control keeping every line grew ${controlGrowth.toFixed(1)} MB`
      )
      // Streaming: the last 90,000 users add (almost) nothing; keeping the lines costs many megabytes.
      expect(growth).toBeLessThan(5)
      expect(controlGrowth).toBeGreaterThan(growth + 5)
    }).pipe(Effect.provide(Fake.sessionLayer({ users: 100_000 }))), 300_000) // about 60 s alone on 2 cores; generous for loaded CI machines
})
