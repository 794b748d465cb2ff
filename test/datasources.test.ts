import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { Connections, Datasources, Ids, Jobs, RequestOptions } from "../mod.ts"
import { addUser, contentLayer, lastBody, lastRequest, seeded } from "./support/content.ts"

const layer = contentLayer({ content: { projects: 2, workbooksPerProject: 0, datasourcesPerProject: 2 } })
const firstDatasource = Effect.map(seeded, (s) => Ids.DatasourceId.make(s.datasources[0]!))
const missing = Ids.DatasourceId.make("no-such-datasource")

describe("Datasources", () => {
  it.effect("gets, lists, pages and filters; NotFound 404012", () =>
    Effect.gen(function*() {
      const s = yield* seeded
      const ds = yield* Datasources.get(yield* firstDatasource)
      expect(ds.name).toBe("Datasource 1.1")
      expect(ds.type).toBe("postgres")
      expect(ds.hasExtracts).toBe(true)
      expect(ds.project?.id).toBe(s.projects[0])
      const all = Chunk.toArray(yield* Stream.runCollect(Datasources.list({ pageSize: 3 })))
      expect(all).toHaveLength(4)
      const page = yield* Datasources.getPage({ filter: [RequestOptions.eq("projectName", "Project 2")] })
      expect(page.items.map((d) => d.name)).toEqual(["Datasource 2.1", "Datasource 2.2"])
      const error = yield* Effect.flip(Datasources.get(missing))
      expect(error._tag === "NotFound" && error.code).toBe("404012")
    }).pipe(Effect.provide(layer)))

  it.effect("updates owner, project and certification with <datasource isCertified certificationNote><project/><owner/>", () =>
    Effect.gen(function*() {
      const s = yield* seeded
      const id = yield* firstDatasource
      const owner = Ids.UserId.make(yield* addUser("steward"))
      const project = Ids.ProjectId.make(s.projects[1]!)
      const updated = yield* Datasources.update(id, { isCertified: true, certificationNote: "Reviewed", ownerId: owner, projectId: project })
      expect(updated.isCertified).toBe(true)
      expect(updated.certificationNote).toBe("Reviewed")
      expect(updated.owner?.id).toBe(owner)
      expect(updated.project?.id).toBe(project)
      expect((yield* lastBody("PUT", `/datasources/${id}`)).datasource).toEqual({
        isCertified: "true",
        certificationNote: "Reviewed",
        project: { id: project },
        owner: { id: owner }
      })
      const conflict = yield* Effect.flip(Datasources.update(id, { name: "Datasource 2.1" }))
      expect(conflict._tag === "Conflict" && conflict.code).toBe("409006")
      const noOwner = yield* Effect.flip(Datasources.update(id, { ownerId: Ids.UserId.make("nobody") }))
      expect(noOwner._tag === "NotFound" && noOwner.code).toBe("404002")
      expect((yield* Effect.flip(Datasources.update(missing, { name: "x" })))._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer)))

  it.effect("deletes a data source", () =>
    Effect.gen(function*() {
      const id = yield* firstDatasource
      yield* Datasources.delete(id)
      expect((yield* Effect.flip(Datasources.get(id)))._tag).toBe("NotFound")
      expect((yield* Effect.flip(Datasources.delete(id)))._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer)))

  it.effect("connections and updateConnection with ConnectionCredentials (password Redacted)", () =>
    Effect.gen(function*() {
      const id = yield* firstDatasource
      const [connection] = Chunk.toArray(yield* Stream.runCollect(Datasources.connections(id)))
      expect(connection!.datasource?.id).toBe(id)
      expect(connection!.datasource?.name).toBe("Datasource 1.1")
      const credentials = Connections.credentials("etl", "pa$$word", { embed: false })
      expect(String(credentials.password)).not.toContain("pa$$word")
      const updated = yield* Datasources.updateConnection(id, connection!.id, { credentials })
      expect(updated.userName).toBe("etl")
      expect(updated.embedPassword).toBe(false)
      const body = yield* lastBody("PUT", `/connections/${connection!.id}`)
      expect(body.connection).toEqual([{ userName: "etl", password: "pa$$word", embedPassword: "false" }])
      const other = Connections.credentials("x", Redacted.make("y"))
      const bad = yield* Effect.flip(Datasources.updateConnection(missing, connection!.id, { credentials: other }))
      expect(bad._tag === "NotFound" && bad.code).toBe("404012")
      expect((yield* Effect.flip(Stream.runCollect(Datasources.connections(missing))))._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer)))

  it.effect("refresh returns a job; revisions; download streams the file", () =>
    Effect.gen(function*() {
      const id = yield* firstDatasource
      const job = yield* Datasources.refresh(id)
      expect((yield* Jobs.wait(job.id)).finishCode).toBe(0)
      expect((yield* Effect.flip(Datasources.refresh(missing)))._tag).toBe("NotFound")
      const bytes = Buffer.concat(Chunk.toArray(yield* Stream.runCollect(Datasources.download(id, { includeExtract: true }))))
      expect(bytes.toString()).toBe("PK fake datasource Datasource 1.1")
      expect((yield* lastRequest("GET", `/datasources/${id}/content`)).url.searchParams.get("includeExtract")).toBe("true")
      const [revision] = Chunk.toArray(yield* Stream.runCollect(Datasources.revisions(id)))
      expect(revision!.sizeInBytes).toBe(bytes.length)
      expect((yield* Effect.flip(Stream.runCollect(Datasources.download(missing))))._tag).toBe("NotFound")
      expect((yield* Effect.flip(Stream.runCollect(Datasources.revisions(missing))))._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer)))
})
