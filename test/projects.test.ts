import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Ids, Projects, RequestOptions, Workbooks } from "../mod.ts"
import { contentLayer, demoteAdmin, lastBody, lastRequest, seeded } from "./support/content.ts"

const layer = contentLayer({ content: { projects: 2, workbooksPerProject: 1 } })

describe("Projects", () => {
  it.effect("creates a top-level project with content permissions, sending <project name description contentPermissions>", () =>
    Effect.gen(function*() {
      const created = yield* Projects.create({
        name: "Finance",
        description: "Money & more",
        contentPermissions: "LockedToProject",
        publishSamples: false
      })
      expect(created.name).toBe("Finance")
      expect(created.contentPermissions).toBe("LockedToProject")
      expect(created.parentProjectId).toBeUndefined()
      expect(created.topLevelProject).toBe(true)
      const body = yield* lastBody("POST", "/projects")
      expect(body.project).toEqual({ name: "Finance", description: "Money & more", contentPermissions: "LockedToProject" })
      const request = yield* lastRequest("POST", "/projects")
      expect(request.url.searchParams.get("publishSamples")).toBe("false")
    }).pipe(Effect.provide(layer)))

  it.effect("creates nested projects and lists the children of a project", () =>
    Effect.gen(function*() {
      const parent = yield* Projects.create({ name: "Sales", contentPermissions: "ManagedByOwner" })
      const east = yield* Projects.create({ name: "East", parentProjectId: parent.id })
      const west = yield* Projects.create({ name: "West", parentProjectId: parent.id })
      expect(east.parentProjectId).toBe(parent.id)
      expect(east.topLevelProject).toBe(false)
      expect((yield* lastBody("POST", "/projects")).project.parentProjectId).toBe(parent.id)
      const children = Chunk.toArray(yield* Stream.runCollect(Projects.children(parent.id)))
      expect(children.map((p) => p.id).sort()).toEqual([east.id, west.id].sort())
      // the same name is fine at another level, not at the same one
      yield* Projects.create({ name: "East" })
      const dup = yield* Effect.flip(Projects.create({ name: "east", parentProjectId: parent.id }))
      expect(dup._tag).toBe("Conflict")
      if (dup._tag === "Conflict") expect(dup.code).toBe("409006")
    }).pipe(Effect.provide(layer)))

  it.effect("fails with NotFound when the parent project does not exist", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Projects.create({ name: "Orphan", parentProjectId: Ids.ProjectId.make("no-such-project") }))
      expect(error._tag).toBe("NotFound")
      if (error._tag === "NotFound") expect(error.code).toBe("404005")
    }).pipe(Effect.provide(layer)))

  it.effect("fails with Forbidden when the caller is not an administrator", () =>
    Effect.gen(function*() {
      yield* demoteAdmin("Viewer")
      const error = yield* Effect.flip(Projects.create({ name: "Nope" }))
      expect(error._tag).toBe("Forbidden")
    }).pipe(Effect.provide(layer)))

  it.effect("gets one project, lists, pages and filters", () =>
    Effect.gen(function*() {
      const { projects } = yield* seeded
      const first = yield* Projects.get(Ids.ProjectId.make(projects[0]!))
      expect(first.name).toBe("Default")
      expect(first.owner?.id).toBeDefined()
      const all = Chunk.toArray(yield* Stream.runCollect(Projects.list({ pageSize: 1 })))
      expect(all.map((p) => p.name)).toEqual(["Default", "Project 2"])
      const page = yield* Projects.getPage({ pageSize: 1, pageNumber: 2 })
      expect(page.items.map((p) => p.name)).toEqual(["Project 2"])
      expect(page.pagination?.totalAvailable).toBe(2)
      const filtered = yield* Projects.getPage({ filter: [RequestOptions.eq("name", "Project 2")] })
      expect(filtered.items).toHaveLength(1)
      const missing = yield* Effect.flip(Projects.get(Ids.ProjectId.make("missing")))
      expect(missing._tag).toBe("NotFound")
      if (missing._tag === "NotFound") expect(missing.code).toBe("404005")
    }).pipe(Effect.provide(layer)))

  it.effect("updates name, description, permissions and parent; null moves to the top level", () =>
    Effect.gen(function*() {
      const a = yield* Projects.create({ name: "A" })
      const b = yield* Projects.create({ name: "B" })
      const moved = yield* Projects.update(b.id, { parentProjectId: a.id, contentPermissions: "LockedToProject", description: "d" })
      expect(moved.parentProjectId).toBe(a.id)
      expect(moved.contentPermissions).toBe("LockedToProject")
      expect((yield* lastBody("PUT", `/projects/${b.id}`)).project).toEqual({
        parentProjectId: a.id,
        contentPermissions: "LockedToProject",
        description: "d"
      })
      const top = yield* Projects.update(b.id, { parentProjectId: null, name: "B2" })
      expect(top.parentProjectId).toBeUndefined()
      expect(top.name).toBe("B2")
      expect((yield* lastBody("PUT", `/projects/${b.id}`)).project).toEqual({ name: "B2", parentProjectId: "" })
      const conflict = yield* Effect.flip(Projects.update(b.id, { name: "A" }))
      expect(conflict._tag).toBe("Conflict")
      const missing = yield* Effect.flip(Projects.update(Ids.ProjectId.make("missing"), { name: "x" }))
      expect(missing._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer)))

  it.effect("deletes a project with its nested projects and content", () =>
    Effect.gen(function*() {
      const { projects, workbooks } = yield* seeded
      const projectId = Ids.ProjectId.make(projects[0]!)
      const child = yield* Projects.create({ name: "Child", parentProjectId: projectId })
      yield* Projects.delete(projectId)
      expect((yield* lastRequest("DELETE", `/projects/${projectId}`)).method).toBe("DELETE")
      const remaining = Chunk.toArray(yield* Stream.runCollect(Projects.list())).map((p) => p.id)
      expect(remaining).not.toContain(projectId)
      expect(remaining).not.toContain(child.id)
      const gone = yield* Effect.flip(Workbooks.get(Ids.WorkbookId.make(workbooks[0]!)))
      expect(gone._tag).toBe("NotFound")
      const again = yield* Effect.flip(Projects.delete(projectId))
      expect(again._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer)))
})
