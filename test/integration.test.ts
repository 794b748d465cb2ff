import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Content, Groups, Ids, Permissions, TableauSession, Users, Workbooks } from "../mod.ts"
import * as FakeTableau from "../src/testing.ts"

describe("users and content together", () => {
  it.effect("a user's workbooks are the workbooks the content side created for them", () =>
    Effect.gen(function*() {
      const seeded = yield* FakeTableau.seedContent({ projects: 2, workbooksPerProject: 3 })
      const { userId } = yield* TableauSession.current
      const owned = Chunk.toArray(yield* Stream.runCollect(Users.workbooks(userId, { ownedBy: true })))
      expect(owned.map((w) => w.id).sort()).toEqual([...seeded.workbooks].sort())
      const listed = Chunk.toArray(yield* Stream.runCollect(Workbooks.list()))
      expect(listed.length).toBe(6)
    }).pipe(Effect.provide(FakeTableau.sessionLayer())))

  it.effect("a group made by Groups can be granted permissions on a project", () =>
    Effect.gen(function*() {
      const seeded = yield* FakeTableau.seedContent({ projects: 1, workbooksPerProject: 0, datasourcesPerProject: 0 })
      const group = yield* Groups.create({ name: "Finance readers" })
      yield* Permissions.add(Content.project(Ids.ProjectId.make(seeded.projects[0]!)), [
        { grantee: Permissions.group(group.id), capabilities: { Read: "Allow" } }
      ])
      const rules = yield* Permissions.list(Content.project(Ids.ProjectId.make(seeded.projects[0]!)))
      expect(rules.some((r) => r.mode("Read") === "Allow")).toBe(true)
    }).pipe(Effect.provide(FakeTableau.sessionLayer())))
})
