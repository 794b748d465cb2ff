import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { Ids, RequestOptions, Views } from "../mod.ts"
import * as FakeTableau from "../src/testing.ts"
import { contentLayer, lastRequest, seeded } from "./support/content.ts"

const layer = contentLayer({ content: { projects: 1, workbooksPerProject: 2, viewsPerWorkbook: 2 } })
const text = <E, R>(stream: Stream.Stream<Uint8Array, E, R>) =>
  Effect.map(Stream.runCollect(stream), (chunks) => Buffer.concat(Chunk.toArray(chunks)))
const firstView = Effect.map(seeded, (s) => Ids.ViewId.make(s.views[0]!))
const missing = Ids.ViewId.make("no-such-view")

describe("Views", () => {
  it.effect("lists and pages views with usage statistics", () =>
    Effect.gen(function*() {
      const s = yield* seeded
      const all = Chunk.toArray(yield* Stream.runCollect(Views.list({ includeUsageStatistics: true, pageSize: 3 })))
      expect(all.map((v) => v.id)).toEqual(s.views)
      expect(all.map((v) => v.totalViews)).toEqual([111, 112, 121, 122])
      expect((yield* lastRequest("GET", "/views")).url.searchParams.get("includeUsageStatistics")).toBe("true")
      const page = yield* Views.getPage({ pageSize: 1, pageNumber: 2, filter: [RequestOptions.eq("sheetType", "dashboard")] })
      expect(page.items.map((v) => v.name)).toEqual(["Sheet 1"])
      expect(page.items[0]!.usage).toBeUndefined()
      expect(page.pagination?.totalAvailable).toBe(2)
    }).pipe(Effect.provide(layer)))

  it.effect("gets one view (3.1+); NotFound 404011", () =>
    Effect.gen(function*() {
      const s = yield* seeded
      const view = yield* Views.get(yield* firstView)
      expect(view.name).toBe("Sheet 1")
      expect(view.workbook?.id).toBe(s.workbooks[0])
      expect(view.project?.id).toBe(s.projects[0])
      const error = yield* Effect.flip(Views.get(missing))
      expect(error._tag === "NotFound" && error.code).toBe("404011")
    }).pipe(Effect.provide(layer)))

  it.effect("get is version-gated", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Views.get(Ids.ViewId.make("v")))
      expect(error._tag).toBe("UnsupportedApiVersion")
      const pdf = yield* Effect.flip(Stream.runCollect(Views.pdf(Ids.ViewId.make("v"))))
      expect(pdf._tag).toBe("UnsupportedApiVersion")
      const sized = yield* Effect.flip(Stream.runCollect(Views.image(Ids.ViewId.make("v"), { vizWidth: 800 })))
      expect(sized._tag === "UnsupportedApiVersion" && sized.required).toBe("3.23")
    }).pipe(Effect.provide(contentLayer({ apiVersion: "2.6" }))))

  it.effect("list and getPage are refused before 2.2 (Query Views for Site), nothing sent", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const before = fake.log.length
      const listed = yield* Effect.flip(Stream.runCollect(Views.list({ includeUsageStatistics: true })))
      expect(listed._tag === "UnsupportedApiVersion" && listed.required).toBe("2.2")
      const paged = yield* Effect.flip(Views.getPage())
      expect(paged._tag === "UnsupportedApiVersion" && paged.actual).toBe("2.1")
      expect(fake.log.length).toBe(before)
    }).pipe(Effect.provide(contentLayer({ apiVersion: "2.1" }))))

  it.effect("previewImage needs the view's workbook", () =>
    Effect.gen(function*() {
      const s = yield* seeded
      const png = yield* Views.previewImage(Ids.WorkbookId.make(s.workbooks[0]!), yield* firstView)
      expect(png[1]).toBe(0x50)
      const wrongWorkbook = yield* Effect.flip(Views.previewImage(Ids.WorkbookId.make(s.workbooks[1]!), yield* firstView))
      expect(wrongWorkbook._tag === "NotFound" && wrongWorkbook.code).toBe("404011")
      const noWorkbook = yield* Effect.flip(Views.previewImage(Ids.WorkbookId.make("nope"), yield* firstView))
      expect(noWorkbook._tag === "NotFound" && noWorkbook.code).toBe("404006")
    }).pipe(Effect.provide(layer)))

  it.effect("image streams PNG bytes with resolution, maxAge and view filters", () =>
    Effect.gen(function*() {
      const id = yield* firstView
      const png = yield* text(Views.image(id, { resolution: "high", maxAge: 5, filters: { Region: ["East", "West"] } }))
      expect(Array.from(png.subarray(0, 4))).toEqual([0x89, 0x50, 0x4e, 0x47])
      expect(png.subarray(8).toString()).toBe(`image ${id} high\nRegion=East|West`)
      const request = yield* lastRequest("GET", `/views/${id}/image`)
      expect(request.url.searchParams.get("resolution")).toBe("high")
      expect(request.url.searchParams.get("maxAge")).toBe("5")
      expect(request.url.searchParams.get("vf_Region")).toBe("East,West")
      expect((yield* Effect.flip(Stream.runCollect(Views.image(missing))))._tag).toBe("NotFound")
      const badAge = yield* Effect.flip(Stream.runCollect(Views.image(id, { maxAge: 0 })))
      expect(badAge._tag).toBe("InvalidRequest")
      yield* Stream.runDrain(Views.image(id, { vizWidth: 800, vizHeight: 600 }))
      expect((yield* lastRequest("GET", `/views/${id}/image`)).url.searchParams.get("vizWidth")).toBe("800")
    }).pipe(Effect.provide(layer)))

  it.effect("pdf streams a document with page type and orientation", () =>
    Effect.gen(function*() {
      const id = yield* firstView
      const pdf = (yield* text(Views.pdf(id, { pageType: "A4", orientation: "Landscape", filters: { Year: 2024 } }))).toString()
      expect(pdf.startsWith("%PDF-1.7")).toBe(true)
      expect(pdf).toContain(`% view ${id} A4 Landscape`)
      expect(pdf).toContain("Year=2024")
      const request = yield* lastRequest("GET", `/views/${id}/pdf`)
      expect(request.url.searchParams.get("type")).toBe("A4")
      expect(request.url.searchParams.get("orientation")).toBe("Landscape")
      expect((yield* Effect.flip(Stream.runCollect(Views.pdf(missing))))._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer)))

  it.effect("csv streams the data; a comma inside a filter value is sent as \\,", () =>
    Effect.gen(function*() {
      const id = yield* firstView
      const csv = (yield* text(Views.csv(id, { filters: { City: ["Portland, OR", "Boise"], "Sub Category": "Chairs" } }))).toString()
      expect(csv.split("\n")).toEqual([
        "View,Filter,Value",
        "Sheet 1,City,\"Portland, OR\"",
        "Sheet 1,City,Boise",
        "Sheet 1,Sub Category,Chairs",
        ""
      ])
      const request = yield* lastRequest("GET", `/views/${id}/data`)
      expect(request.url.searchParams.get("vf_City")).toBe("Portland\\, OR,Boise")
      expect(request.url.search).toContain("vf_Sub%20Category=Chairs")
      expect(Views.escapeFilterValue("a,b,c")).toBe("a\\,b\\,c")
      const empty = yield* Effect.flip(Stream.runCollect(Views.csv(id, { filters: { "": "x" } })))
      expect(empty._tag).toBe("InvalidRequest")
      expect((yield* Effect.flip(Stream.runCollect(Views.csv(missing))))._tag).toBe("NotFound")
    }).pipe(Effect.provide(layer)))
})
