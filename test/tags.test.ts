import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as Chunk from "effect/Chunk"
import { Content, Datasources, Ids, RequestOptions, Tags, Views, Workbooks } from "../mod.ts"
import { contentLayer, lastBody, lastRequest, seeded } from "./support/content.ts"

const layer = contentLayer({ content: { projects: 1, workbooksPerProject: 2, viewsPerWorkbook: 1, datasourcesPerProject: 1 } })

describe("Tags", () => {
  it.effect("adds tags to a workbook with <tags><tag label/></tags>, then filters by tag", () =>
    Effect.gen(function*() {
      const s = yield* seeded
      const id = Ids.WorkbookId.make(s.workbooks[0]!)
      const added = yield* Tags.add(Content.workbook(id), ["finance", "q3 & q4"])
      expect(added).toEqual(["finance", "q3 & q4"])
      expect((yield* lastBody("PUT", `/workbooks/${id}/tags`)).tags).toEqual({ tag: [{ label: "finance" }, { label: "q3 & q4" }] })
      yield* Tags.add(Content.workbook(id), ["finance"])
      expect((yield* Workbooks.get(id)).tags).toEqual(["finance", "q3 & q4"])
      const tagged = yield* Workbooks.getPage({ filter: [RequestOptions.has("tags", "finance")] })
      expect(tagged.items.map((w) => w.id)).toEqual([id])
    }).pipe(Effect.provide(layer)))

  it.effect("adds and deletes tags on views and data sources", () =>
    Effect.gen(function*() {
      const s = yield* seeded
      const view = Ids.ViewId.make(s.views[0]!)
      const ds = Ids.DatasourceId.make(s.datasources[0]!)
      yield* Tags.add(Content.view(view), ["kpi"])
      yield* Tags.add(Content.datasource(ds), ["certified", "gold"])
      expect((yield* Views.get(view)).tags).toEqual(["kpi"])
      yield* Tags.delete(Content.datasource(ds), "certified")
      expect((yield* lastRequest("DELETE", `/datasources/${ds}/tags/certified`)).method).toBe("DELETE")
      expect((yield* Datasources.get(ds)).tags).toEqual(["gold"])
      yield* Tags.delete(Content.view(view), "kpi")
      const views = Chunk.toArray(yield* Stream.runCollect(Views.list()))
      expect(views.find((v) => v.id === view)!.tags).toEqual([])
    }).pipe(Effect.provide(layer)))

  it.effect("documented failures: unknown item, unknown tag, empty tags", () =>
    Effect.gen(function*() {
      const s = yield* seeded
      const missing = yield* Effect.flip(Tags.add(Content.workbook(Ids.WorkbookId.make("nope")), ["x"]))
      expect(missing._tag === "NotFound" && missing.code).toBe("404006")
      const noView = yield* Effect.flip(Tags.delete(Content.view(Ids.ViewId.make("nope")), "x"))
      expect(noView._tag === "NotFound" && noView.code).toBe("404011")
      const noTag = yield* Effect.flip(Tags.delete(Content.workbook(Ids.WorkbookId.make(s.workbooks[0]!)), "absent"))
      expect(noTag._tag === "NotFound" && noTag.code).toBe("404007")
      expect((yield* Effect.flip(Tags.add(Content.workbook(Ids.WorkbookId.make(s.workbooks[0]!)), [])))._tag).toBe("InvalidRequest")
      expect((yield* Effect.flip(Tags.add(Content.workbook(Ids.WorkbookId.make(s.workbooks[0]!)), [" "])))._tag).toBe("InvalidRequest")
      // A label with "/" is sent encoded (issue 10): here the item has no such tag.
      const slashed = yield* Effect.flip(Tags.delete(Content.workbook(Ids.WorkbookId.make(s.workbooks[0]!)), "a/b"))
      expect(slashed._tag === "NotFound" && slashed.code).toBe("404007")
      expect((yield* Effect.flip(Tags.delete(Content.workbook(Ids.WorkbookId.make(s.workbooks[0]!)), "")))._tag).toBe("InvalidRequest")
    }).pipe(Effect.provide(layer)))
})
