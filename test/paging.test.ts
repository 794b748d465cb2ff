import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import * as fc from "fast-check"
import { RequestOptions, Sites } from "../mod.ts"
import * as Paging from "../src/internal/paging.ts"
import { parseFilter } from "../src/internal/fake/store.ts"
import * as Xml from "../src/internal/xml.ts"
import { Pagination, type Page } from "../src/RequestOptions.ts"
import * as FakeTableau from "../src/testing.ts"

/** A paged source over a mutable list; `onPage` may change it as pages are read. */
const source = (
  items: Array<number>,
  onPage: (n: number, items: Array<number>) => void = () => {},
  pagination = true
) => {
  const requested: Array<number> = []
  const fetchPage = (pageNumber: number): Effect.Effect<Page<number>> =>
    Effect.sync(() => {
      requested.push(pageNumber)
      onPage(pageNumber, items)
      const pageSize = 10
      return {
        items: items.slice((pageNumber - 1) * pageSize, pageNumber * pageSize),
        pagination: pagination
          ? new Pagination({ pageNumber, pageSize, totalAvailable: items.length })
          : undefined
      }
    })
  return { fetchPage, requested }
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i)
const collect = <A, E, R>(stream: Stream.Stream<A, E, R>) => Effect.map(Stream.runCollect(stream), Chunk.toArray)

describe("paging stream", () => {
  it.effect("reads page 1, then the remaining pages, in order", () =>
    Effect.gen(function*() {
      const { fetchPage, requested } = source(range(95))
      const all = yield* collect(Paging.stream(fetchPage, { operation: "test", pageSize: 10, concurrency: 4 }))
      expect(all).toEqual(range(95))
      expect(requested[0]).toBe(1)
      expect([...requested].sort((a, b) => a - b)).toEqual(range(10).map((i) => i + 1))
    }))

  it.effect("stops at a short or empty page when items were deleted underneath", () =>
    Effect.gen(function*() {
      const { fetchPage } = source(range(50), (n, items) => {
        if (n === 1) items.splice(30, 20) // 20 items deleted after page 1 told the total
      })
      const all = yield* collect(Paging.stream(fetchPage, { operation: "test", pageSize: 10, concurrency: 1 }))
      expect(all).toEqual(range(30))
    }))

  it.effect("keeps going when items were added underneath", () =>
    Effect.gen(function*() {
      const { fetchPage, requested } = source(range(20), (n, items) => {
        if (n === 2) items.push(...range(15).map((i) => 20 + i))
      })
      const all = yield* collect(Paging.stream(fetchPage, { operation: "test", pageSize: 10, concurrency: 1 }))
      expect(all).toEqual(range(35))
      expect(requested).toEqual([1, 2, 3, 4])
    }))

  it.effect("a response without pagination is the whole collection", () =>
    Effect.gen(function*() {
      const { fetchPage, requested } = source(range(10), undefined, false)
      const all = yield* collect(Paging.stream(fetchPage, { operation: "test", pageSize: 10, concurrency: 4 }))
      expect(all).toEqual(range(10))
      expect(requested).toEqual([1])
    }))

  it.effect("an empty collection is one request and no items", () =>
    Effect.gen(function*() {
      const { fetchPage, requested } = source([])
      expect(yield* collect(Paging.stream(fetchPage, { operation: "test", pageSize: 10, concurrency: 4 }))).toEqual([])
      expect(requested).toEqual([1])
    }))

  it.live("fetches at most `concurrency` pages at once and keeps the order when later pages finish first", () =>
    Effect.gen(function*() {
      let inFlight = 0
      let peak = 0
      const fetchPage = (n: number): Effect.Effect<Page<number>> =>
        Effect.gen(function*() {
          inFlight++
          peak = Math.max(peak, inFlight)
          yield* Effect.sleep(n % 3 === 0 ? 30 : 5)
          inFlight--
          return { items: range(10).map((i) => (n - 1) * 10 + i), pagination: new Pagination({ pageNumber: n, pageSize: 10, totalAvailable: 200 }) }
        })
      const all = yield* collect(Paging.stream(fetchPage, { operation: "test", pageSize: 10, concurrency: 3 }))
      expect(all).toEqual(range(200))
      expect(peak).toBe(3)
    }))

  it.effect("stops fetching when the consumer takes only what it needs", () =>
    Effect.gen(function*() {
      const { fetchPage, requested } = source(range(1000))
      const first = yield* collect(Stream.take(Paging.stream(fetchPage, { operation: "test", pageSize: 10, concurrency: 2 }), 15))
      expect(first).toEqual(range(15))
      expect(requested.length).toBeLessThanOrEqual(4)
    }))

  it.effect("Sites.list pages the fake server with the session's concurrency", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const all = yield* collect(Sites.list({ pageSize: 10, concurrency: 3 }))
      expect(all.length).toBe(101)
      expect(new Set(all.map((s) => s.id)).size).toBe(101)
      const pages = fake.log.filter((e) => e.method === "GET" && e.path.endsWith("/sites"))
      expect(pages.length).toBe(11)
    }).pipe(Effect.provide(FakeTableau.sessionLayer({ sites: 100 }))))
})

/** Text Tableau names may contain: XML specials, commas, colons, brackets, backslashes, any Unicode. */
const awkwardText = fc.oneof(
  fc.string({ unit: fc.constantFrom("<", ">", "&", "\"", "'", ",", ":", "[", "]", "\\", " ", "\t", "\n", "\r", "%", "+", "#", "?", "/", "é", "ß", "日", "🎉", "a") }),
  fc.string({ unit: "grapheme", minLength: 1 })
).filter((s) => s.length > 0 && Xml.invalidCharacter(Xml.el("x", { s })) === undefined)

describe("encoding", () => {
  it("attribute values survive building a request and parsing it back", () => {
    fc.assert(
      fc.property(awkwardText, (name) => {
        const doc = Xml.render(Xml.el("user", { name }))
        expect(doc).not.toContain("'")
        const parsed = Xml.parse(doc) as { tsRequest: { user: { name: string } } }
        expect(parsed.tsRequest.user.name).toBe(name)
      }),
      { numRuns: 500 }
    )
  })

  it("filter values survive encoding and the server's parsing, with every operator", () => {
    const operators = ["eq", "gt", "gte", "lt", "lte", "has", "cieq"] as const
    fc.assert(
      fc.property(awkwardText, fc.constantFrom(...operators), awkwardText, (a, op, b) => {
        const filters = [RequestOptions.filter("name", op, a), RequestOptions.in("tags", [a, b]), RequestOptions.eq("x", b)]
        const query = RequestOptions.toQuery({ filter: filters })
        // What goes on the wire: percent-encoded, then decoded by the server.
        const wire = new URLSearchParams(`filter=${encodeURIComponent(query.filter!)}`).get("filter")
        const parsed = parseFilter(wire)
        expect(parsed).toEqual([
          { field: "name", operator: op, values: [a] },
          { field: "tags", operator: "in", values: [a, b] },
          { field: "x", operator: "eq", values: [b] }
        ])
      }),
      { numRuns: 500 }
    )
  })

  it("dates are sent as ISO-8601 UTC without milliseconds", () => {
    expect(RequestOptions.encodeFilter(RequestOptions.gte("lastLogin", new Date(Date.UTC(2024, 4, 1, 12, 30, 5, 123))))).toBe(
      "lastLogin:gte:2024-05-01T12:30:05Z"
    )
  })

  it.effect("names with awkward characters are created, filtered and read back through the fake", () =>
    Effect.gen(function*() {
      const names = fc.sample(awkwardText.filter((s) => s.trim() === s), { numRuns: 40, seed: 7 })
      let i = 0
      for (const name of new Set(names)) {
        i++
        const created = yield* Sites.create({ name, contentUrl: `c${i}` })
        expect(created.name).toBe(name)
        const found = yield* Sites.getPage({ filter: [RequestOptions.eq("name", name)] })
        expect(found.items.map((s) => s.id)).toEqual([created.id])
        // A name that cannot be a path segment is refused before sending; the others are found by name.
        const asSegment = !/[\u0000-\u001f/\\?#]/.test(name) && name !== "." && name !== ".."
        const byName = yield* Effect.either(Sites.getByName(name))
        if (asSegment) expect(byName._tag === "Right" && byName.right.id).toBe(created.id)
        else expect(byName._tag === "Left" && byName.left._tag).toBe("InvalidRequest")
      }
    }).pipe(Effect.provide(FakeTableau.sessionLayer())))
})
