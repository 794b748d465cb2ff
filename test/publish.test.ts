import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import { createHash } from "node:crypto"
import { Connections, Datasources, Ids, Jobs, Workbooks } from "../mod.ts"
import * as Fake from "../src/testing.ts"
import * as Xml from "../src/internal/xml.ts"
import { contentLayer, lastRequest, seeded, Sent } from "./support/content.ts"

const layer = contentLayer({ content: { projects: 1, workbooksPerProject: 0, datasourcesPerProject: 0 } })
const encoder = new TextEncoder()
const project = Effect.map(seeded, (s) => Ids.ProjectId.make(s.projects[0]!))
const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex")
const collect = <E, R>(stream: Stream.Stream<Uint8Array, E, R>) =>
  Effect.map(Stream.runCollect(stream), (chunks) => new Uint8Array(Buffer.concat(Chunk.toArray(chunks))))
/** Deterministic bytes: `n` bytes in chunks of `chunk`. */
const bytesOf = (n: number, seed = 7) => {
  const out = new Uint8Array(n)
  let x = seed
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    out[i] = x >>> 24
  }
  return out
}
const chunked = (bytes: Uint8Array, size: number) =>
  Stream.fromIterable(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)))

describe("publish", () => {
  it.effect("publishes a workbook in one multipart/mixed request laid out as Tableau documents", () =>
    Effect.gen(function*() {
      const projectId = yield* project
      const file = encoder.encode("PK workbook bytes")
      const wb = yield* Workbooks.publish({
        item: { name: "Sales", projectId, showTabs: true, description: "Q3" },
        content: file,
        fileName: "Sales.twbx",
        mode: "CreateNew",
        connectionCredentials: Connections.credentials("analyst", Redacted.make("s3cret"), { embed: true }),
        skipConnectionCheck: true,
        hiddenViews: ["Scratch"]
      })
      expect(wb.name).toBe("Sales")
      expect(wb.project?.id).toBe(projectId)
      expect(wb.showTabs).toBe(true)
      expect(wb.defaultViewId).toBeDefined()
      const request = yield* lastRequest("POST", "/workbooks")
      expect(request.url.searchParams.get("workbookType")).toBe("twbx")
      expect(request.url.searchParams.get("skipConnectionCheck")).toBe("true")
      expect(request.url.searchParams.has("uploadSessionId")).toBe(false)
      expect(request.url.searchParams.has("overwrite")).toBe(false)
      const boundary = /^multipart\/mixed; boundary=([0-9a-f]{32})$/.exec(request.contentType ?? "")?.[1]
      expect(boundary).toBeDefined()
      const payload = request.body.slice(request.body.indexOf("<tsRequest"), request.body.indexOf("</tsRequest>") + 12)
      expect(request.body).toBe(
        `--${boundary}\r\nContent-Disposition: name="request_payload"\r\nContent-Type: text/xml\r\n\r\n${payload}` +
          `\r\n--${boundary}\r\nContent-Disposition: name="tableau_workbook"; filename="Sales.twbx"\r\n` +
          `Content-Type: application/octet-stream\r\n\r\nPK workbook bytes\r\n--${boundary}--\r\n`
      )
      const xml = Xml.parse(payload) as { tsRequest: { workbook: Record<string, unknown> } }
      expect(xml.tsRequest.workbook).toEqual({
        name: "Sales",
        description: "Q3",
        showTabs: "true",
        project: { id: projectId },
        connectionCredentials: { name: "analyst", password: "s3cret", embed: "true" },
        views: { view: [{ name: "Scratch", hidden: "true" }] }
      })
      const downloaded = yield* collect(Workbooks.download(wb.id))
      expect(Buffer.from(downloaded).equals(Buffer.from(file))).toBe(true)
      const [connection] = Chunk.toArray(yield* Stream.runCollect(Workbooks.connections(wb.id)))
      expect(connection!.userName).toBe("analyst")
      expect(connection!.embedPassword).toBe(true)
    }).pipe(Effect.provide(layer)))

  it.effect("CreateNew on an existing name is a Conflict; Overwrite replaces the file and adds a revision", () =>
    Effect.gen(function*() {
      const projectId = yield* project
      const first = yield* Workbooks.publish({ item: { name: "Ops", projectId }, content: encoder.encode("v1"), fileName: "Ops.twb", mode: "CreateNew" })
      const conflict = yield* Effect.flip(
        Workbooks.publish({ item: { name: "Ops", projectId }, content: encoder.encode("v2"), fileName: "Ops.twb", mode: "CreateNew" })
      )
      expect(conflict._tag === "Conflict" && conflict.code).toBe("409006")
      const second = yield* Workbooks.publish({ item: { name: "Ops", projectId }, content: encoder.encode("v2"), fileName: "Ops.twb", mode: "Overwrite" })
      expect(second.id).toBe(first.id)
      expect((yield* lastRequest("POST", "/workbooks")).url.searchParams.get("overwrite")).toBe("true")
      expect(new TextDecoder().decode(yield* collect(Workbooks.download(first.id)))).toBe("v2")
      expect(new TextDecoder().decode(yield* collect(Workbooks.download(first.id, { revision: 1 })))).toBe("v1")
      expect(Chunk.size(yield* Stream.runCollect(Workbooks.revisions(first.id)))).toBe(2)
      const noProject = yield* Effect.flip(
        Workbooks.publish({ item: { name: "X", projectId: Ids.ProjectId.make("nope") }, content: encoder.encode("x"), fileName: "X.twb", mode: "CreateNew" })
      )
      expect(noProject._tag === "NotFound" && noProject.code).toBe("404005")
    }).pipe(Effect.provide(layer)))

  it.effect("refuses the seed's documented failures before sending anything", () =>
    Effect.gen(function*() {
      const projectId = yield* project
      const { requests } = yield* Sent
      const before = requests.length
      const content = encoder.encode("x")
      const badMode = yield* Effect.flip(
        Workbooks.publish({ item: { name: "A", projectId }, content, fileName: "A.twbx", mode: "Replace" as never })
      )
      expect(badMode._tag === "InvalidRequest" && badMode.reason).toMatch(/Invalid mode/)
      const badType = yield* Effect.flip(Workbooks.publish({ item: { name: "A", projectId }, content, fileName: "A.tdsx", mode: "CreateNew" }))
      expect(badType._tag === "InvalidRequest" && badType.reason).toMatch(/\.twb, \.twbx/)
      const badDsType = yield* Effect.flip(Datasources.publish({ item: { name: "A", projectId }, content, fileName: "A.twbx", mode: "CreateNew" }))
      expect(badDsType._tag === "InvalidRequest" && badDsType.reason).toMatch(/\.tds, \.tdsx, \.tde, \.hyper/)
      const append = yield* Effect.flip(Workbooks.publish({ item: { name: "A", projectId }, content, fileName: "A.twbx", mode: "Append" }))
      expect(append._tag === "InvalidRequest" && append.reason).toMatch(/cannot be appended/)
      const chunk = yield* Effect.flip(
        Workbooks.publish({ item: { name: "A", projectId }, content, fileName: "A.twbx", mode: "CreateNew", chunkBytes: 65 * 1024 * 1024 })
      )
      expect(chunk._tag).toBe("InvalidRequest")
      expect(requests.length).toBe(before)
    }).pipe(Effect.provide(layer)))

  it.effect("a stream of unknown size goes through file uploads; progress is reported; the digest survives the round trip", () =>
    Effect.gen(function*() {
      const projectId = yield* project
      const data = bytesOf(3 * 1024 * 1024 + 123)
      const progress = yield* Ref.make<ReadonlyArray<number>>([])
      const ds = yield* Datasources.publish({
        item: { name: "Orders", projectId },
        content: chunked(data, 100_000),
        fileName: "Orders.hyper",
        mode: "CreateNew",
        chunkBytes: 1024 * 1024,
        connections: [{ serverAddress: "warehouse", serverPort: 5432, credentials: Connections.credentials("etl", "pw") }],
        onProgress: (p) => Ref.update(progress, (all) => [...all, p.bytesSent])
      })
      expect(ds.name).toBe("Orders")
      expect(yield* Ref.get(progress)).toEqual([1, 2, 3].map((n) => n * 1024 * 1024).concat(data.length))
      const { requests } = yield* Sent
      const appends = requests.filter((r) => r.method === "PUT" && r.path.includes("/fileUploads/"))
      expect(appends).toHaveLength(4)
      expect(new Set(appends.map((r) => r.path)).size).toBe(1)
      const commit = yield* lastRequest("POST", "/datasources")
      expect(commit.url.searchParams.get("uploadSessionId")).toBe(decodeURIComponent(appends[0]!.path.split("/").pop()!))
      expect(commit.url.searchParams.get("datasourceType")).toBe("hyper")
      expect(commit.body).toContain("Content-Disposition: name=\"request_payload\"")
      expect(commit.body).not.toContain("tableau_datasource")
      expect(commit.body).toContain("<connection serverAddress=\"warehouse\" serverPort=\"5432\"><connectionCredentials name=\"etl\" password=\"pw\" embed=\"true\"/>")
      const downloaded = yield* collect(Datasources.download(ds.id))
      expect(sha256(downloaded)).toBe(sha256(data))
      const [connection] = Chunk.toArray(yield* Stream.runCollect(Datasources.connections(ds.id)))
      expect(connection!.serverAddress).toBe("warehouse")
    }).pipe(Effect.provide(layer)))

  it.effect("takes a Blob and a web ReadableStream; Append adds to an existing data source", () =>
    Effect.gen(function*() {
      const projectId = yield* project
      const blob = new Blob([encoder.encode("blob bytes")])
      const ds = yield* Datasources.publish({ item: { name: "Blobby", projectId }, content: blob, fileName: "Blobby.tdsx", mode: "CreateNew" })
      expect(new TextDecoder().decode(yield* collect(Datasources.download(ds.id)))).toBe("blob bytes")
      const readable = new ReadableStream<Uint8Array>({
        start: (controller) => {
          controller.enqueue(encoder.encode("more "))
          controller.enqueue(encoder.encode("rows"))
          controller.close()
        }
      })
      const appended = yield* Datasources.publish({ item: { name: "Blobby", projectId }, content: readable, fileName: "Blobby.hyper", mode: "Append" })
      expect(appended.id).toBe(ds.id)
      expect((yield* lastRequest("POST", "/datasources")).url.searchParams.get("append")).toBe("true")
      const missing = yield* Effect.flip(
        Datasources.publish({ item: { name: "Nothing", projectId }, content: encoder.encode("x"), fileName: "N.hyper", mode: "Append" })
      )
      expect(missing._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer)))

  it.effect("asJob returns the publish job; the item exists once it finished", () =>
    Effect.gen(function*() {
      const projectId = yield* project
      const job = yield* Workbooks.publish({ item: { name: "Later", projectId }, content: encoder.encode("j"), fileName: "Later.twbx", mode: "CreateNew", asJob: true })
      expect(job.type).toBe("PublishWorkbook")
      expect((yield* lastRequest("POST", "/workbooks")).url.searchParams.get("asJob")).toBe("true")
      yield* Jobs.wait(job.id)
      const all = Chunk.toArray(yield* Stream.runCollect(Workbooks.list()))
      expect(all.map((w) => w.name)).toContain("Later")
      const dsJob = yield* Datasources.publish({ item: { name: "LaterDs", projectId }, content: encoder.encode("j"), fileName: "L.tds", mode: "CreateNew", asJob: true })
      expect((yield* Jobs.wait(dsJob.id)).finishCode).toBe(0)
    }).pipe(Effect.provide(layer)))

  it.live("a dropped connection mid-upload: the chunk is resent on the same session and the bytes are identical", () =>
    Effect.gen(function*() {
      const projectId = yield* project
      const data = bytesOf(5 * 1024 * 1024, 99)
      yield* Fake.inject({ _tag: "Reset" }, { method: "PUT", path: "/fileUploads/" })
      yield* Fake.inject({ _tag: "Reset" }, { method: "PUT", path: "/fileUploads/" })
      const wb = yield* Workbooks.publish({
        item: { name: "Resilient", projectId },
        content: chunked(data, 65_536),
        fileName: "Resilient.twbx",
        mode: "CreateNew",
        chunkBytes: 1024 * 1024
      })
      const fake = yield* Fake.FakeTableau
      const resets = fake.log.filter((l) => l.status === "reset")
      expect(resets).toHaveLength(2)
      expect(new Set(resets.map((r) => r.path)).size).toBe(1)
      expect(sha256(yield* collect(Workbooks.download(wb.id)))).toBe(sha256(data))
    }).pipe(Effect.provide(layer)))
})
