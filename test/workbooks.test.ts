import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { Connections, Ids, Jobs, Projects, RequestOptions, Workbooks } from "../mod.ts"
import * as FakeTableau from "../src/testing.ts"
import { addUser, contentLayer, demoteAdmin, lastBody, lastRequest, seeded } from "./support/content.ts"

const layer = contentLayer({ content: { projects: 2, workbooksPerProject: 2, viewsPerWorkbook: 3 } })
const decoder = new TextDecoder()
const collect = <E, R>(stream: Stream.Stream<Uint8Array, E, R>) =>
  Effect.map(Stream.runCollect(stream), (chunks) => Buffer.concat(Chunk.toArray(chunks)))

const firstWorkbook = Effect.map(seeded, (s) => Ids.WorkbookId.make(s.workbooks[0]!))
const missing = Ids.WorkbookId.make("no-such-workbook")

describe("Workbooks", () => {
  it.effect("gets a workbook with its project, owner and tags; NotFound 404006 otherwise", () =>
    Effect.gen(function*() {
      const s = yield* seeded
      const wb = yield* Workbooks.get(yield* firstWorkbook)
      expect(wb.name).toBe("Workbook 1.1")
      expect(wb.project?.id).toBe(s.projects[0])
      expect(wb.project?.name).toBe("Default")
      expect(wb.owner?.id).toBe(s.ownerId)
      expect(wb.showTabs).toBe(true)
      expect(wb.tags).toEqual([])
      const error = yield* Effect.flip(Workbooks.get(missing))
      expect(error._tag).toBe("NotFound")
      if (error._tag === "NotFound") expect(error.code).toBe("404006")
    }).pipe(Effect.provide(layer)))

  it.effect("lists, pages and filters by project name", () =>
    Effect.gen(function*() {
      const all = Chunk.toArray(yield* Stream.runCollect(Workbooks.list({ pageSize: 3 })))
      expect(all).toHaveLength(4)
      const page = yield* Workbooks.getPage({ filter: [RequestOptions.eq("projectName", "Project 2")], sort: [RequestOptions.desc("name")] })
      expect(page.items.map((w) => w.name)).toEqual(["Workbook 2.2", "Workbook 2.1"])
      expect((yield* lastRequest("GET", "/workbooks")).url.searchParams.get("filter")).toBe("projectName:eq:Project 2")
    }).pipe(Effect.provide(layer)))

  it.effect("updates name, tabs, project and owner with <workbook><project id/><owner id/></workbook>", () =>
    Effect.gen(function*() {
      const s = yield* seeded
      const id = yield* firstWorkbook
      const newOwner = Ids.UserId.make(yield* addUser("analyst"))
      const target = Ids.ProjectId.make(s.projects[1]!)
      const updated = yield* Workbooks.update(id, { name: "Renamed", showTabs: false, projectId: target, ownerId: newOwner })
      expect(updated.name).toBe("Renamed")
      expect(updated.showTabs).toBe(false)
      expect(updated.project?.id).toBe(target)
      expect(updated.owner?.id).toBe(newOwner)
      const body = yield* lastBody("PUT", `/workbooks/${id}`)
      expect(body.workbook).toEqual({ name: "Renamed", showTabs: "false", project: { id: target }, owner: { id: newOwner } })
      // documented failures
      const conflict = yield* Effect.flip(Workbooks.update(id, { name: "Workbook 2.1" }))
      expect(conflict._tag).toBe("Conflict")
      const noProject = yield* Effect.flip(Workbooks.update(id, { projectId: Ids.ProjectId.make("nope") }))
      expect(noProject._tag === "NotFound" && noProject.code).toBe("404005")
      const noOwner = yield* Effect.flip(Workbooks.update(id, { ownerId: Ids.UserId.make("nope") }))
      expect(noOwner._tag === "NotFound" && noOwner.code).toBe("404002")
      const noWorkbook = yield* Effect.flip(Workbooks.update(missing, { name: "x" }))
      expect(noWorkbook._tag === "NotFound" && noWorkbook.code).toBe("404006")
    }).pipe(Effect.provide(layer)))

  it.effect("Forbidden for a user who neither owns the workbook nor administers the site", () =>
    Effect.gen(function*() {
      const id = yield* firstWorkbook
      yield* demoteAdmin("Explorer")
      // the admin still owns it: allowed
      yield* Workbooks.update(id, { description: "mine" })
      // hand it to someone else, then the caller may no longer change it
      const other = Ids.UserId.make(yield* addUser("other"))
      yield* Workbooks.update(id, { ownerId: other })
      const error = yield* Effect.flip(Workbooks.delete(id))
      expect(error._tag).toBe("Forbidden")
    }).pipe(Effect.provide(layer)))

  it.effect("deletes a workbook with its views", () =>
    Effect.gen(function*() {
      const id = yield* firstWorkbook
      yield* Workbooks.delete(id)
      expect((yield* Effect.flip(Workbooks.get(id)))._tag).toBe("NotFound")
      expect((yield* Effect.flip(Stream.runCollect(Workbooks.views(id))))._tag).toBe("NotFound")
      expect((yield* Effect.flip(Workbooks.delete(id)))._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer)))

  it.effect("views (populate_views) with usage statistics", () =>
    Effect.gen(function*() {
      const s = yield* seeded
      const id = yield* firstWorkbook
      const views = Chunk.toArray(yield* Stream.runCollect(Workbooks.views(id, { includeUsageStatistics: true })))
      expect(views.map((v) => v.id)).toEqual(s.views.slice(0, 3))
      expect(views.map((v) => v.totalViews)).toEqual([111, 112, 113])
      expect(views[0]!.workbook?.id).toBe(id)
      expect((yield* lastRequest("GET", `/workbooks/${id}/views`)).url.searchParams.get("includeUsageStatistics")).toBe("true")
      const plain = Chunk.toArray(yield* Stream.runCollect(Workbooks.views(id)))
      expect(plain[0]!.totalViews).toBeUndefined()
      expect((yield* Effect.flip(Stream.runCollect(Workbooks.views(missing))))._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer)))

  it.effect("connections (populate_connections) and updateConnection with Redacted credentials", () =>
    Effect.gen(function*() {
      const s = yield* seeded
      const id = yield* firstWorkbook
      const [connection] = Chunk.toArray(yield* Stream.runCollect(Workbooks.connections(id)))
      expect(connection!.id).toBe(s.connections[0])
      expect(connection!.type).toBe("postgres")
      expect(connection!.serverAddress).toBe("db.example.com")
      const updated = yield* Workbooks.updateConnection(id, connection!.id, {
        serverAddress: "db2.example.com",
        serverPort: 5433,
        credentials: Connections.credentials("analyst", Redacted.make("s3cret"), { embed: true }),
        queryTaggingEnabled: true
      })
      expect(updated.serverAddress).toBe("db2.example.com")
      expect(updated.userName).toBe("analyst")
      expect(updated.embedPassword).toBe(true)
      expect(updated.queryTaggingEnabled).toBe(true)
      const body = yield* lastBody("PUT", `/connections/${connection!.id}`)
      expect(body.connection).toEqual([{
        serverAddress: "db2.example.com",
        serverPort: "5433",
        userName: "analyst",
        password: "s3cret",
        embedPassword: "true",
        queryTaggingEnabled: "true"
      }])
      const badConnection = yield* Effect.flip(Workbooks.updateConnection(id, Ids.ConnectionId.make("nope"), { serverAddress: "x" }))
      expect(badConnection._tag === "NotFound" && badConnection.code).toBe("404020")
      expect((yield* Effect.flip(Stream.runCollect(Workbooks.connections(missing))))._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer)))

  it.effect("connections and updateConnection need API 2.3", () =>
    Effect.gen(function*() {
      const id = Ids.WorkbookId.make("any")
      const e1 = yield* Effect.flip(Stream.runCollect(Workbooks.connections(id)))
      expect(e1._tag).toBe("UnsupportedApiVersion")
      const e2 = yield* Effect.flip(Workbooks.refresh(id))
      expect(e2._tag).toBe("UnsupportedApiVersion")
      const e3 = yield* Effect.flip(Stream.runCollect(Workbooks.download(id, { includeExtract: false })))
      expect(e3._tag).toBe("UnsupportedApiVersion")
    }).pipe(Effect.provide(contentLayer({ apiVersion: "2.2" }))))

  it.effect("previewImage returns the PNG bytes", () =>
    Effect.gen(function*() {
      const id = yield* firstWorkbook
      const png = yield* Workbooks.previewImage(id)
      expect(Array.from(png.slice(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])
      expect((yield* Effect.flip(Workbooks.previewImage(missing)))._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer)))

  it.effect("refresh returns a job that Jobs.wait sees through", () =>
    Effect.gen(function*() {
      const id = yield* firstWorkbook
      const job = yield* Workbooks.refresh(id)
      expect(job.type).toBe("RefreshExtract")
      const request = yield* lastRequest("POST", `/workbooks/${id}/refresh`)
      expect(request.body).toContain("<tsRequest")
      const done = yield* Jobs.wait(job.id, { schedule: undefined })
      expect(done.finishCode).toBe(0)
      expect((yield* Effect.flip(Workbooks.refresh(missing)))._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer)))

  it.effect("downloads the file as a Stream, with or without extract, and revisions", () =>
    Effect.gen(function*() {
      const id = yield* firstWorkbook
      const bytes = yield* collect(Workbooks.download(id))
      expect(decoder.decode(bytes)).toBe("PK fake workbook Workbook 1.1")
      yield* collect(Workbooks.download(id, { includeExtract: false }))
      expect((yield* lastRequest("GET", `/workbooks/${id}/content`)).url.searchParams.get("includeExtract")).toBe("false")
      const revisions = Chunk.toArray(yield* Stream.runCollect(Workbooks.revisions(id)))
      expect(revisions).toHaveLength(1)
      expect(revisions[0]!.revisionNumber).toBe(1)
      expect(revisions[0]!.current).toBe(true)
      expect(revisions[0]!.sizeInBytes).toBe(bytes.length)
      expect(revisions[0]!.publisher?.name).toBe("admin")
      const old = yield* collect(Workbooks.download(id, { revision: 1 }))
      expect(old.equals(bytes)).toBe(true)
      expect((yield* Effect.flip(Stream.runCollect(Workbooks.download(id, { revision: 7 }))))._tag).toBe("NotFound")
      expect((yield* Effect.flip(Stream.runCollect(Workbooks.download(id, { revision: 0 }))))._tag).toBe("InvalidRequest")
      expect((yield* Effect.flip(Stream.runCollect(Workbooks.download(missing))))._tag).toBe("NotFound")
      expect((yield* Effect.flip(Stream.runCollect(Workbooks.revisions(missing))))._tag).toBe("NotFound")
      // projects still list the workbook's project
      expect(Chunk.size(yield* Stream.runCollect(Projects.list()))).toBe(2)
    }).pipe(Effect.provide(layer)))

  it.effect("downloadRevision downloads one revision (TSC's download_revision); InvalidRequest below 1", () =>
    Effect.gen(function*() {
      const id = yield* firstWorkbook
      const current = yield* collect(Workbooks.download(id))
      const first = yield* collect(Workbooks.downloadRevision(id, 1, { includeExtract: false }))
      expect(first.equals(current)).toBe(true)
      const sent = yield* lastRequest("GET", `/workbooks/${id}/revisions/1/content`)
      expect(sent.url.searchParams.get("includeExtract")).toBe("false")
      expect((yield* Effect.flip(Stream.runCollect(Workbooks.downloadRevision(id, 7))))._tag).toBe("NotFound")
      const invalid = yield* Effect.flip(Stream.runCollect(Workbooks.downloadRevision(id, 0)))
      expect(invalid._tag === "InvalidRequest" && invalid.operation).toBe("Workbooks.downloadRevision")
    }).pipe(Effect.provide(layer)))

  it.effect("list, getPage and downloadRevision are refused before 2.3 (Query Workbooks for Site), nothing sent", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const before = fake.log.length
      const listed = yield* Effect.flip(Stream.runCollect(Workbooks.list()))
      expect(listed._tag === "UnsupportedApiVersion" && listed.required).toBe("2.3")
      const paged = yield* Effect.flip(Workbooks.getPage())
      expect(paged._tag === "UnsupportedApiVersion" && paged.operation).toBe("Workbooks.list")
      const revision = yield* Effect.flip(Stream.runCollect(Workbooks.downloadRevision(Ids.WorkbookId.make("any"), 1)))
      expect(revision._tag === "UnsupportedApiVersion" && revision.required).toBe("2.3")
      expect(fake.log.length).toBe(before)
    }).pipe(Effect.provide(contentLayer({ apiVersion: "2.2" }))))
})
