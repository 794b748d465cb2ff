import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { Content, Ids, Permissions, Projects, Workbooks } from "../mod.ts"
import { FakeTableau } from "../src/testing.ts"
import { addUser, contentLayer, demoteAdmin, lastBody, lastRequest, seeded } from "./support/content.ts"

const layer = contentLayer({ content: { projects: 1, workbooksPerProject: 1, viewsPerWorkbook: 1, datasourcesPerProject: 1, groups: 1 } })

const ids = Effect.map(seeded, (s) => ({
  project: Ids.ProjectId.make(s.projects[0]!),
  workbook: Ids.WorkbookId.make(s.workbooks[0]!),
  view: Ids.ViewId.make(s.views[0]!),
  datasource: Ids.DatasourceId.make(s.datasources[0]!),
  group: Ids.GroupId.make(s.groups[0]!)
}))

describe("Permissions", () => {
  it.effect("adds rules for users and groups to a project with <permissions><granteeCapabilities>", () =>
    Effect.gen(function*() {
      const { group, project } = yield* ids
      const user = Ids.UserId.make(yield* addUser("contractor"))
      const added = yield* Permissions.add(Content.project(project), [
        { grantee: Permissions.group(group), capabilities: { Read: "Allow", Write: "Allow" } },
        { grantee: Permissions.user(user), capabilities: { Write: "Deny" } }
      ])
      expect(added).toHaveLength(2)
      expect((yield* lastBody("PUT", `/projects/${project}/permissions`)).permissions).toEqual({
        granteeCapabilities: [
          { group: { id: group }, capabilities: { capability: [{ name: "Read", mode: "Allow" }, { name: "Write", mode: "Allow" }] } },
          { user: { id: user }, capabilities: { capability: [{ name: "Write", mode: "Deny" }] } }
        ]
      })
      const rules = yield* Permissions.list(Content.project(project))
      expect(rules.map((r) => r.grantee)).toEqual([{ _tag: "Group", id: group }, { _tag: "User", id: user }])
      expect(rules[0]!.mode("Read")).toBe("Allow")
      expect(rules[1]!.mode("Write")).toBe("Deny")
      // the other mode replaces the first
      yield* Permissions.add(Content.project(project), [{ grantee: Permissions.user(user), capabilities: { Write: "Allow" } }])
      const after = yield* Permissions.list(Content.project(project))
      expect(after.find((r) => r.grantee.id === user)!.mode("Write")).toBe("Allow")
    }).pipe(Effect.provide(layer)))

  it.effect("lists, adds and deletes on workbooks, views and data sources", () =>
    Effect.gen(function*() {
      const { datasource, group, view, workbook } = yield* ids
      const targets = [Content.workbook(workbook), Content.view(view), Content.datasource(datasource)]
      for (const target of targets) {
        expect(yield* Permissions.list(target)).toEqual([])
        yield* Permissions.add(target, [{ grantee: Permissions.group(group), capabilities: { Read: "Allow", Delete: "Deny" } }])
        const [rule] = yield* Permissions.list(target)
        expect(rule!.capabilities.map((c) => [c.name, c.mode])).toEqual([["Read", "Allow"], ["Delete", "Deny"]])
        yield* Permissions.delete(target, Permissions.group(group), "Delete", "Deny")
        const [left] = yield* Permissions.list(target)
        expect(left!.capabilities.map((c) => c.name)).toEqual(["Read"])
      }
      expect((yield* lastRequest("DELETE", `/datasources/${datasource}/permissions/groups/${group}/Delete/Deny`)).method).toBe("DELETE")
    }).pipe(Effect.provide(layer)))

  it.effect("project default permissions for workbooks and data sources", () =>
    Effect.gen(function*() {
      const { group, project } = yield* ids
      yield* Permissions.addDefault(project, "workbooks", [{ grantee: Permissions.group(group), capabilities: { ExportData: "Allow" } }])
      yield* Permissions.addDefault(project, "datasources", [{ grantee: Permissions.group(group), capabilities: { Connect: "Allow" } }])
      expect((yield* lastBody("PUT", `/projects/${project}/default-permissions/datasources`)).permissions.granteeCapabilities).toEqual([
        { group: { id: group }, capabilities: { capability: [{ name: "Connect", mode: "Allow" }] } }
      ])
      const workbooks = yield* Permissions.listDefault(project, "workbooks")
      expect(workbooks[0]!.mode("ExportData")).toBe("Allow")
      expect((yield* Permissions.listDefault(project, "datasources"))[0]!.mode("Connect")).toBe("Allow")
      yield* Permissions.deleteDefault(project, "workbooks", Permissions.group(group), "ExportData", "Allow")
      expect(yield* Permissions.listDefault(project, "workbooks")).toEqual([])
      const gone = yield* Effect.flip(Permissions.deleteDefault(project, "workbooks", Permissions.group(group), "ExportData", "Allow"))
      expect(gone._tag).toBe("NotFound")
      const noProject = yield* Effect.flip(Permissions.listDefault(Ids.ProjectId.make("nope"), "workbooks"))
      expect(noProject._tag === "NotFound" && noProject.code).toBe("404005")
    }).pipe(Effect.provide(layer)))

  it.effect("documented failures: unknown item, user, group; bad capability; empty rules; Forbidden", () =>
    Effect.gen(function*() {
      const { group, project, workbook } = yield* ids
      const noItem = yield* Effect.flip(Permissions.list(Content.workbook(Ids.WorkbookId.make("nope"))))
      expect(noItem._tag === "NotFound" && noItem.code).toBe("404006")
      const noUser = yield* Effect.flip(
        Permissions.add(Content.workbook(workbook), [{ grantee: Permissions.user(Ids.UserId.make("ghost")), capabilities: { Read: "Allow" } }])
      )
      expect(noUser._tag === "NotFound" && noUser.code).toBe("404002")
      const noGroup = yield* Effect.flip(
        Permissions.add(Content.workbook(workbook), [{ grantee: Permissions.group(Ids.GroupId.make("ghost")), capabilities: { Read: "Allow" } }])
      )
      expect(noGroup._tag === "NotFound" && noGroup.code).toBe("404003")
      const badCapability = yield* Effect.flip(
        Permissions.add(Content.workbook(workbook), [{ grantee: Permissions.group(group), capabilities: { Connect: "Allow" } }])
      )
      expect(badCapability._tag).toBe("BadRequest")
      expect((yield* Effect.flip(Permissions.add(Content.project(project), [])))._tag).toBe("InvalidRequest")
      expect((yield* Effect.flip(Permissions.add(Content.project(project), [{ grantee: Permissions.group(group), capabilities: {} }])))._tag)
        .toBe("InvalidRequest")
      const noRule = yield* Effect.flip(Permissions.delete(Content.project(project), Permissions.group(group), "Read", "Allow"))
      expect(noRule._tag).toBe("NotFound")
      // a non-owner, non-admin may not change permissions
      const other = Ids.UserId.make(yield* addUser("someone"))
      yield* Workbooks.update(workbook, { ownerId: other })
      yield* demoteAdmin("Viewer")
      const forbidden = yield* Effect.flip(
        Permissions.add(Content.workbook(workbook), [{ grantee: Permissions.group(group), capabilities: { Read: "Allow" } }])
      )
      expect(forbidden._tag).toBe("Forbidden")
    }).pipe(Effect.provide(layer)))

  it.effect("deleting an item deletes its permissions", () =>
    Effect.gen(function*() {
      const { group } = yield* ids
      const p = yield* Projects.create({ name: "Temp" })
      yield* Permissions.add(Content.project(p.id), [{ grantee: Permissions.group(group), capabilities: { Read: "Allow" } }])
      yield* Projects.delete(p.id)
      expect((yield* Effect.flip(Permissions.list(Content.project(p.id))))._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer)))

  it.effect("views' permissions are version-gated", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Permissions.list(Content.view(Ids.ViewId.make("v"))))
      expect(error._tag === "UnsupportedApiVersion" && error.required).toBe("3.2")
      const dflt = yield* Effect.flip(Permissions.listDefault(Ids.ProjectId.make("p"), "workbooks"))
      expect(dflt._tag).toBe("UnsupportedApiVersion")
    }).pipe(Effect.provide(contentLayer({ apiVersion: "2.0" }))))

  it.effect("group-set grantees need API 3.22, on items and defaults; the higher gate wins; nothing is sent", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau
      const { group, project, view, workbook } = yield* ids
      const set = Permissions.groupSet(Ids.GroupSetId.make("00000000-0000-0000-0000-000000000001"))
      const before = fake.log.length
      const failures = [
        yield* Effect.flip(Permissions.add(Content.workbook(workbook), [{ grantee: set, capabilities: { Read: "Allow" } }])),
        // views need 3.2, the group set 3.22: the later one is required
        yield* Effect.flip(Permissions.delete(Content.view(view), set, "Read", "Allow")),
        yield* Effect.flip(Permissions.addDefault(project, "workbooks", [{ grantee: set, capabilities: { Read: "Allow" } }])),
        yield* Effect.flip(Permissions.deleteDefault(project, "datasources", set, "Read", "Allow"))
      ]
      expect(failures.map((e) => e._tag === "UnsupportedApiVersion" && e.required)).toEqual(Array(4).fill("3.22"))
      expect(fake.log.length).toBe(before)
      // A group on a view is fine on 3.21: only the view's own 3.2 applies.
      const added = yield* Permissions.add(Content.view(view), [{ grantee: Permissions.group(group), capabilities: { Read: "Allow" } }])
      expect(added).toHaveLength(1)
    }).pipe(Effect.provide(contentLayer({
      content: { projects: 1, workbooksPerProject: 1, viewsPerWorkbook: 1, groups: 1 },
      session: { apiVersion: "3.21" }
    }))))
})
