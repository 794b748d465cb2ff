/**
 * Progress reports (one shape, `Progress`): downloads and exports count
 * bytes with the announced size, `Users.export` counts rows, `Jobs.wait`
 * reports the job's percentage and gives up after its default deadline.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Ref from "effect/Ref"
import * as Schedule from "effect/Schedule"
import * as Stream from "effect/Stream"
import * as TestClock from "effect/TestClock"
import { Datasources, Ids, Jobs, Progress, Users, Views, Workbooks } from "../mod.ts"
import { createJob } from "../src/internal/fake/routes/jobs.ts"
import * as Fake from "../src/testing.ts"
import { contentLayer, seeded } from "./support/content.ts"

const layer = contentLayer({ users: 5, captureBodies: false, content: { projects: 1, workbooksPerProject: 1 } })

/** Runs `use` with an onProgress callback and returns what it reported. */
const reports = <P extends Progress.Progress, A, E, R>(use: (onProgress: Progress.OnProgress<P>) => Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const seen = yield* Ref.make<ReadonlyArray<P>>([])
    const result = yield* use((p) => Ref.update(seen, (all) => [...all, p]))
    return { result, seen: yield* Ref.get(seen) }
  })

/** A job in the fake that finishes after `polls` polls. */
const fakeJob = (polls: number) =>
  Effect.map(Fake.FakeTableau, (fake) =>
    Ids.JobId.make(String(createJob(fake.state, fake.defaultSiteId, { type: "RefreshExtract", pollsUntilDone: polls }).id)))

/** Lets in-memory requests (real promises) finish between clock moves. */
const settle = Effect.promise(() => new Promise((resolve) => setTimeout(resolve, 20)))

describe("progress", () => {
  it.effect("a download reports the bytes received piece by piece, with the announced size", () =>
    Effect.gen(function*() {
      const s = yield* seeded
      const bytes = new Uint8Array(10_000).map((_, i) => i % 251)
      const wb = yield* Workbooks.publish({
        item: { name: "Big", projectId: Ids.ProjectId.make(s.projects[0]!) },
        content: Stream.fromIterable([bytes.slice(0, 4000), bytes.slice(4000, 8000), bytes.slice(8000)]),
        fileName: "Big.twbx",
        mode: "CreateNew",
        chunkBytes: 4000
      })
      const { result, seen } = yield* reports((onProgress) =>
        Stream.runCollect(Workbooks.download(wb.id, { onProgress })).pipe(Effect.map((c) => [...c].reduce((n, b) => n + b.length, 0)))
      )
      expect(result).toBe(10_000)
      expect(seen).toEqual([
        { unit: "bytes", done: 4000, total: 10_000 },
        { unit: "bytes", done: 8000, total: 10_000 },
        { unit: "bytes", done: 10_000, total: 10_000 }
      ])
      expect(Progress.format(seen[0]!)).toBe("3.9 KiB of 9.8 KiB (40%)")

      const ds = yield* reports((onProgress) =>
        Stream.runDrain(Datasources.download(Ids.DatasourceId.make(s.datasources[0]!), { onProgress }))
      )
      expect(ds.seen.at(-1)?.done).toBe(ds.seen.at(-1)?.total)
      expect(ds.seen.at(-1)?.done).toBeGreaterThan(0)
    }).pipe(Effect.provide(layer)))

  it.effect("view exports report bytes", () =>
    Effect.gen(function*() {
      const view = Ids.ViewId.make((yield* seeded).views[0]!)
      for (const run of [
        (onProgress: Progress.OnProgress) => Views.csv(view, { onProgress }),
        (onProgress: Progress.OnProgress) => Views.image(view, { onProgress }),
        (onProgress: Progress.OnProgress) => Views.pdf(view, { onProgress })
      ]) {
        const { result, seen } = yield* reports((onProgress) =>
          Stream.runFold(run(onProgress), 0, (n, chunk) => n + chunk.length)
        )
        expect(seen.length).toBeGreaterThan(0)
        expect(seen.at(-1)).toEqual({ unit: "bytes", done: result, total: result })
      }
    }).pipe(Effect.provide(layer)))

  it.effect("Users.export reports the user lines, not the header", () =>
    Effect.gen(function*() {
      const { result, seen } = yield* reports((onProgress) =>
        Stream.runCollect(Users.export({ onProgress, pageSize: 2 }))
      )
      expect(result.length).toBe(7) // header, admin, 5 users
      expect(seen.map((p) => p.done)).toEqual([1, 2, 3, 4, 5, 6])
      expect(seen.every((p) => p.unit === "rows" && p.total === undefined)).toBe(true)
    }).pipe(Effect.provide(layer)))

  it.effect("publish reports the same shape: done and total are the bytes", () =>
    Effect.gen(function*() {
      const s = yield* seeded
      const { seen } = yield* reports((onProgress: Progress.OnProgress<Workbooks.PublishProgress>) =>
        Workbooks.publish({
          item: { name: "Shape", projectId: Ids.ProjectId.make(s.projects[0]!) },
          content: Stream.make(new Uint8Array(300), new Uint8Array(300)),
          fileName: "Shape.twbx",
          mode: "CreateNew",
          chunkBytes: 300,
          onProgress
        })
      )
      expect(seen.map(({ chunksSent, done, total, unit }) => ({ unit, done, total, chunksSent }))).toEqual([
        { unit: "bytes", done: 300, total: undefined, chunksSent: 1 },
        { unit: "bytes", done: 600, total: undefined, chunksSent: 2 }
      ])
    }).pipe(Effect.provide(layer)))

  it.effect("Jobs.wait reports the job's percentage after every poll", () =>
    Effect.gen(function*() {
      const jobId = yield* fakeJob(4)
      const { result, seen } = yield* reports((onProgress: Progress.OnProgress<Jobs.WaitProgress>) =>
        Jobs.wait(jobId, { schedule: Schedule.forever, onProgress })
      )
      expect(result.finishCode).toBe(0)
      expect(seen.map((p) => `${p.unit} ${p.done}/${p.total}`)).toEqual([
        "percent 25/100",
        "percent 50/100",
        "percent 75/100",
        "percent 100/100"
      ])
      expect(seen.at(-1)?.job.id).toBe(jobId)
    }).pipe(Effect.provide(layer)))

  it.effect("Jobs.wait gives up after the default deadline (3 hours) with JobTimedOut", () =>
    Effect.gen(function*() {
      expect(Duration.toHours(Jobs.DEFAULT_WAIT_TIMEOUT)).toBe(3)
      const jobId = yield* fakeJob(1_000)
      const fiber = yield* Effect.fork(Effect.either(Jobs.wait(jobId, { schedule: Schedule.spaced("1 hour") })))
      for (let hour = 1; hour < 3; hour++) {
        yield* settle
        yield* TestClock.adjust("1 hour")
      }
      yield* settle
      expect(fiber.unsafePoll()).toBeNull()
      yield* TestClock.adjust("1 hour")
      yield* settle
      // Not joined: without a deadline the wait would go on for ever.
      const exit = fiber.unsafePoll()
      expect(exit?._tag).toBe("Success")
      const outcome = yield* Fiber.join(fiber)
      expect(outcome._tag).toBe("Left")
      if (outcome._tag === "Left") {
        expect(outcome.left._tag).toBe("JobTimedOut")
        if (outcome.left._tag === "JobTimedOut") expect(outcome.left.progress).toBe(0) // 3 polls of 1000
      }
    }).pipe(Effect.provide(layer)))

  it.effect("Jobs.wait with timeout Duration.infinity waits past the default deadline", () =>
    Effect.gen(function*() {
      const jobId = yield* fakeJob(1_000)
      const fiber = yield* Effect.fork(Jobs.wait(jobId, { schedule: Schedule.spaced("1 hour"), timeout: Duration.infinity }))
      for (let hour = 0; hour < 5; hour++) {
        yield* settle
        yield* TestClock.adjust("1 hour")
      }
      yield* settle
      expect(fiber.unsafePoll()).toBeNull()
      yield* Fiber.interrupt(fiber)
    }).pipe(Effect.provide(layer)))
})
