/**
 * Resilience over real HTTP (sockets on 127.0.0.1): paging and publishing
 * complete exactly under 503/429, connection resets and hung requests, and
 * what may already have been applied is never silently applied twice.
 * CI sizes; the full-size runs are `npm run bench -- resilience`.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { createHash } from "node:crypto"
import { Ids, type TableauSession, Users, Workbooks } from "../mod.ts"
import { fileOf, WORKBOOKS } from "../src/internal/fake/content.ts"
import type { FakeServer } from "../src/internal/fake/server.ts"
import * as FakeTableau from "../src/testing.ts"
import { overHttp, recordingTracer } from "./support/common.ts"

const MiB = 1024 * 1024

const over = (url: string, options: Partial<TableauSession.Options> = {}) =>
  overHttp(url, { retry: { maxRetries: 6, baseDelay: 5, maxDelay: 50, maxRetryAfter: 1000 }, ...options })

/** Deterministic content in 64 KiB pieces (a file read stream's size), each a fresh array. */
const content = (total: number): Stream.Stream<Uint8Array> =>
  Stream.unfold(0, (offset) => {
    if (offset >= total) return Option.none()
    const piece = new Uint8Array(Math.min(65536, total - offset))
    for (let i = 0; i < piece.length; i++) piece[i] = ((offset + i) * 31 + ((offset + i) >>> 16)) & 0xff
    return Option.some([piece, offset + piece.length] as const)
  })

const digest = (total: number) =>
  Stream.runFold(content(total), createHash("sha256"), (hash, bytes) => hash.update(bytes)).pipe(
    Effect.map((hash) => hash.digest("hex"))
  )

const statuses = (fake: FakeServer, method: string, path: string) =>
  fake.log.filter((e) => e.method === method && e.path.includes(path)).map((e) => e.status)

/** A fake with one empty project, served over HTTP; its project ID. */
const serveWithProject = (options: FakeTableau.FakeOptions = {}) =>
  Effect.gen(function*() {
    const served = yield* FakeTableau.serve(options)
    const seeded = yield* FakeTableau.seedContent({
      projects: 1,
      workbooksPerProject: 0,
      datasourcesPerProject: 0,
      groups: 0
    }).pipe(Effect.provideService(FakeTableau.FakeTableau, served.fake))
    return { ...served, projectId: Ids.ProjectId.make(seeded.projects[0]!) }
  })

describe("paging under faults, over real HTTP", () => {
  it.live("5% 503/429 with Retry-After and a reset every 200 requests: every user exactly once, in order", () =>
    Effect.gen(function*() {
      const n = 30_000
      const { fake, url } = yield* FakeTableau.serve({
        users: n,
        faults: { errorRate: 0.05, retryAfterSeconds: 0, resetEvery: 200 }
      })
      const names = yield* Stream.runCollect(
        Users.list({ pageSize: 50, concurrency: 8 }).pipe(Stream.map((u) => u.name))
      ).pipe(Effect.provide(over(url)))
      const expected = ["admin", ...Array.from({ length: n }, (_, i) => `user${String(i + 1).padStart(6, "0")}`)]
      expect([...names]).toEqual(expected)
      const pages = statuses(fake, "GET", "/users")
      expect(pages.filter((s) => s === "reset").length).toBeGreaterThanOrEqual(2)
      expect(pages.filter((s) => s === 503).length).toBeGreaterThan(5)
      expect(pages.filter((s) => s === 429).length).toBeGreaterThan(5)
    }).pipe(Effect.scoped))

  it.live("a page request that never answers ends with a Timeout error, not a hang", () =>
    Effect.gen(function*() {
      const { fake, url } = yield* FakeTableau.serve({ users: 500 })
      const error = yield* Effect.gen(function*() {
        fake.script.push({ match: { method: "GET", path: "/users" }, action: { _tag: "Hang" } })
        return yield* Effect.flip(Stream.runCollect(Users.list({ pageSize: 100 })))
      }).pipe(Effect.provide(over(url, { timeout: "300 millis", retry: false })))
      expect(error._tag).toBe("TransportError")
      if (error._tag === "TransportError") {
        expect(error.reason).toBe("Timeout")
        expect(error.maybeApplied).toBe(true)
      }
    }).pipe(Effect.scoped))
})

describe("chunked publish under faults, over real HTTP", () => {
  // 4 MiB chunks: large enough that a doubled chunk shows in Tableau's whole-megabyte fileSize.
  const total = 9 * 4 * MiB + 12_345
  const publish = (name: string, projectId: Ids.ProjectId) =>
    Workbooks.publish({
      item: { name, projectId },
      content: content(total),
      fileName: `${name}.twbx`,
      mode: "CreateNew",
      chunkBytes: 4 * MiB
    })

  it.live("connections reset mid-chunk: the chunks are resent and the server holds identical bytes", () =>
    Effect.gen(function*() {
      const { fake, projectId, url } = yield* serveWithProject()
      const workbook = yield* Effect.gen(function*() {
        // From here on every third request has its connection reset before the server reads it.
        fake.faults.resetEvery = 3
        return yield* publish("Resets", projectId)
      }).pipe(Effect.provide(over(url)))
      fake.faults.resetEvery = 0
      const stored = fileOf(fake.state, WORKBOOKS, workbook.id)?.content
      expect(stored?.size).toBe(total)
      expect(stored?.sha256).toBe(yield* digest(total))
      const appends = statuses(fake, "PUT", "/fileUploads/")
      expect(appends.filter((s) => s === "reset").length).toBeGreaterThanOrEqual(3)
      expect(appends.filter((s) => s === 200).length).toBe(10)
    }).pipe(Effect.scoped))

  it.live("a chunk PUT that never answers times out and is resent; the server holds identical bytes", () =>
    Effect.gen(function*() {
      const { fake, projectId, url } = yield* serveWithProject()
      fake.script.push({ match: { method: "PUT", path: "/fileUploads/" }, action: { _tag: "Delay", millis: 0 } })
      fake.script.push({ match: { method: "PUT", path: "/fileUploads/" }, action: { _tag: "Hang" } })
      const workbook = yield* publish("Hung", projectId).pipe(Effect.provide(over(url, { timeout: "2 seconds" })))
      const stored = fileOf(fake.state, WORKBOOKS, workbook.id)?.content
      expect(stored?.sha256).toBe(yield* digest(total))
      expect(statuses(fake, "PUT", "/fileUploads/")).toContain("hang")
    }).pipe(Effect.scoped))

  it.live("a reset AFTER the server appended a chunk fails the publish instead of committing the chunk twice", () =>
    Effect.gen(function*() {
      const { fake, projectId, url } = yield* serveWithProject()
      // The second chunk is appended, then its connection resets: the client cannot tell it landed.
      fake.script.push({ match: { method: "PUT", path: "/fileUploads/" }, action: { _tag: "Delay", millis: 0 } })
      fake.script.push({ match: { method: "PUT", path: "/fileUploads/" }, action: { _tag: "ResetAfter" } })
      const error = yield* Effect.flip(
        publish("Twice", projectId)
      ).pipe(Effect.provide(over(url)))
      expect(error._tag).toBe("UploadCorrupted")
      if (error._tag === "UploadCorrupted") {
        // Two 4 MiB chunks were sent; the session reports three.
        expect(error.bytesSent).toBe(8 * MiB)
        expect(error.reportedMegabytes).toBe(12)
        expect(error.message).toContain("appended twice")
      }
      // The resend was refused after the second append; nothing was published.
      expect(statuses(fake, "PUT", "/fileUploads/")).toEqual([200, "reset", 200])
      expect(fake.log.some((e) => e.method === "POST" && e.path.endsWith("/workbooks"))).toBe(false)
    }).pipe(Effect.scoped))

  it.live("the publish request (a POST) is not replayed when its connection resets after the server acted", () =>
    Effect.gen(function*() {
      const { fake, projectId, url } = yield* serveWithProject()
      fake.script.push({ match: { method: "POST", path: "/workbooks" }, action: { _tag: "ResetAfter" } })
      const error = yield* Effect.flip(
        publish("Once", projectId)
      ).pipe(Effect.provide(over(url)))
      expect(error._tag).toBe("TransportError")
      if (error._tag === "TransportError") {
        expect(error.maybeApplied).toBe(true)
        expect(error.message).toContain("not replayed")
      }
      const commits = fake.log.filter((e) => e.method === "POST" && e.path.endsWith("/workbooks"))
      expect(commits.map((e) => [e.status, e.handled])).toEqual([["reset", true]])
      // The server did publish it, once.
      const published = [...fake.state.tables.entries()].filter(([key]) => key.startsWith("workbooks@"))
        .flatMap(([, table]) => [...table.rows.values()]).filter((w) => w["name"] === "Once")
      expect(published.length).toBe(1)
    }).pipe(Effect.scoped))
})

describe("observability of uploads", () => {
  it.effect("each chunk is a FileUploads.append span carrying its chunk number; the publish is its own span", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const seeded = yield* FakeTableau.seedContent({ projects: 1, workbooksPerProject: 0, datasourcesPerProject: 0, groups: 0 })
      yield* Workbooks.publish({
        item: { name: "Spans", projectId: Ids.ProjectId.make(seeded.projects[0]!) },
        content: content(3 * MiB + 1),
        fileName: "Spans.twbx",
        mode: "CreateNew",
        chunkBytes: MiB
      }).pipe(Effect.withTracer(tracer))
      const appends = spans.filter((s) => s.name === "Tableau.FileUploads.append")
      expect(appends.map((s) => s.attributes.get("tableau.upload.chunk"))).toEqual([1, 2, 3, 4])
      expect(appends[0]?.attributes.get("url.template")).toBe("/api/{v}/sites/{siteId}/fileUploads/{}")
      expect(appends[0]?.attributes.get("http.response.status_code")).toBe(200)
      expect(spans.map((s) => s.name)).toContain("Tableau.FileUploads.initiate")
      expect(spans.map((s) => s.name)).toContain("Tableau.Workbooks.publish")
    }).pipe(Effect.provide(FakeTableau.sessionLayer())))
})
