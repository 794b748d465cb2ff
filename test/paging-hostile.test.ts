/**
 * Paging against servers that lie about their pages: each inconsistency
 * is a typed `PagingInconsistent` (with the items before it correct and
 * distinct) or a documented recovery with a warning, never silent loss,
 * duplication or an endless loop. Over real HTTP: test/runtime/hostile.ts.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Logger from "effect/Logger"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Endpoint from "../src/internal/endpoint.ts"
import * as Paging from "../src/internal/paging.ts"
import { Pagination, type Page } from "../src/RequestOptions.ts"

interface Item {
  readonly id: string
}

const item = (i: number): Item => ({ id: `item-${i}` })
const items = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, k) => item(from + k))

/** A page as an honest server would answer it over `total` items, which the test then bends. */
const honest = (n: number, total: number, pageSize = 10): Page<Item> => ({
  items: items((n - 1) * pageSize, Math.min(total, n * pageSize)),
  pagination: new Pagination({ pageNumber: n, pageSize, totalAvailable: total })
})

/** Runs the paging stream over `answer`, recording the pages asked for and the warnings logged. */
const run = (answer: (n: number) => Page<Item>, concurrency = 1) =>
  Effect.gen(function*() {
    const requested: Array<number> = []
    const warnings: Array<string> = []
    const logger = Logger.make(({ message }) => {
      warnings.push(Array.isArray(message) ? message.join(" ") : String(message))
    })
    const out = yield* Paging.stream(
      (n) => Effect.sync(() => (requested.push(n), answer(n))),
      { operation: "Things.list", pageSize: 10, concurrency }
    ).pipe(
      Stream.either,
      Stream.runCollect,
      Effect.map(Chunk.toArray),
      Effect.provide(Logger.replace(Logger.defaultLogger, logger))
    )
    const emitted = out.filter(Either.isRight).map((e) => e.right.id)
    const failure = out.find(Either.isLeft)?.left
    return { emitted, failure, requested, warnings }
  })

const ids = (from: number, to: number) => items(from, to).map((i) => i.id)

describe("paging verifies what the server says", () => {
  it.effect("a server that echoes another pageNumber: PageNumberIgnored at page 2", () =>
    Effect.gen(function*() {
      // Whatever page is asked for, page 1 comes back, saying so.
      const r = yield* run(() => honest(1, 1000))
      expect(r.failure).toMatchObject({ _tag: "PagingInconsistent", kind: "PageNumberIgnored", pageNumber: 2 })
      expect(r.emitted).toEqual(ids(0, 10))
      expect(r.requested.length).toBeLessThanOrEqual(3)
    }))

  it.effect("a server that ignores pageNumber but echoes it, with a huge total: RepeatedPage, not 3,000 requests", () =>
    Effect.gen(function*() {
      const r = yield* run((n) => ({
        items: honest(1, 1_000_000).items,
        pagination: new Pagination({ pageNumber: n, pageSize: 10, totalAvailable: 1_000_000 })
      }), 4)
      expect(r.failure).toMatchObject({ kind: "RepeatedPage", pageNumber: 2 })
      expect(r.emitted).toEqual(ids(0, 10))
      expect(r.requested.length).toBeLessThanOrEqual(6)
    }))

  it.effect("a page repeating the previous one: RepeatedPage, nothing duplicated", () =>
    Effect.gen(function*() {
      const r = yield* run((n) => ({ ...honest(n === 3 ? 2 : n, 50), pagination: honest(n, 50).pagination }))
      expect(r.failure).toMatchObject({ kind: "RepeatedPage", pageNumber: 3 })
      expect(r.emitted).toEqual(ids(0, 20))
    }))

  it.effect("an item repeated across pages while the total stays the same: DuplicateItem", () =>
    Effect.gen(function*() {
      const r = yield* run((n) => {
        const page = honest(n, 30)
        return n === 2 ? { ...page, items: [item(5), ...page.items.slice(1)] } : page
      })
      expect(r.failure).toMatchObject({ kind: "DuplicateItem", pageNumber: 2 })
      expect(r.failure?.message).toContain("item-5")
      expect(new Set(r.emitted).size).toBe(r.emitted.length)
    }))

  it.effect("items added in front while paging (the total grew): repeats dropped with a warning, none lost", () =>
    Effect.gen(function*() {
      // After page 1, five items are added at the front: page 2 starts with the last five of page 1.
      const r = yield* run((n) =>
        n === 1 ? honest(1, 30) : {
          items: items((n - 1) * 10 - 5, Math.min(35 - 5, n * 10 - 5)),
          pagination: new Pagination({ pageNumber: n, pageSize: 10, totalAvailable: 35 })
        }
      )
      expect(r.failure).toBeUndefined()
      expect(r.emitted).toEqual(ids(0, 30))
      expect(r.warnings.join("\n")).toMatch(/repeated 5 item/)
    }))

  it.effect("an echoed pageSize larger than asked: PageSizeMismatch instead of losing 200 of 300", () =>
    Effect.gen(function*() {
      const r = yield* run((n) => ({
        ...honest(n, 300),
        pagination: new Pagination({ pageNumber: n, pageSize: 100, totalAvailable: 300 })
      }))
      expect(r.failure).toMatchObject({ kind: "PageSizeMismatch", pageNumber: 1 })
      expect(r.emitted).toEqual([])
    }))

  it.effect("more items on a page than its pageSize: PageSizeMismatch", () =>
    Effect.gen(function*() {
      const r = yield* run((n) => ({ ...honest(n, 300), items: items(0, 11) }))
      expect(r.failure).toMatchObject({ kind: "PageSizeMismatch" })
    }))

  it.effect("a total of -1: InvalidTotal", () =>
    Effect.gen(function*() {
      const r = yield* run((n) => ({
        ...honest(n, 300),
        pagination: new Pagination({ pageNumber: n, pageSize: 10, totalAvailable: -1 })
      }))
      expect(r.failure).toMatchObject({ kind: "InvalidTotal", pageNumber: 1 })
    }))

  it.effect("a total of 0 next to a full page: BeyondTotal", () =>
    Effect.gen(function*() {
      const r = yield* run((n) => ({
        ...honest(n, 300),
        pagination: new Pagination({ pageNumber: n, pageSize: 10, totalAvailable: 0 })
      }))
      expect(r.failure).toMatchObject({ kind: "BeyondTotal", pageNumber: 1 })
    }))

  it.effect("a later page without pagination: InvalidTotal", () =>
    Effect.gen(function*() {
      const r = yield* run((n) => (n === 1 ? honest(1, 30) : { items: honest(n, 30).items, pagination: undefined }))
      expect(r.failure).toMatchObject({ kind: "InvalidTotal", pageNumber: 2 })
      expect(r.emitted).toEqual(ids(0, 10))
    }))

  it.effect("more pages than totalAvailable allows: BeyondTotal", () =>
    Effect.gen(function*() {
      // Page 1 says 100; page 3 claims the total shrank to 25 yet holds items 21 to 30.
      const r = yield* run((n) => ({
        ...honest(n, 100),
        pagination: new Pagination({ pageNumber: n, pageSize: 10, totalAvailable: n >= 3 ? 25 : 100 })
      }))
      expect(r.failure).toMatchObject({ kind: "BeyondTotal", pageNumber: 3 })
      expect(r.emitted).toEqual(ids(0, 20))
    }))

  it.effect("an item twice on one page: DuplicateItem", () =>
    Effect.gen(function*() {
      const r = yield* run((n) => ({ ...honest(n, 30), items: [item(0), ...items(0, 9)] }))
      expect(r.failure).toMatchObject({ kind: "DuplicateItem", pageNumber: 1 })
    }))

  it.effect("a short page while the total says more: paging ends there with a warning naming the figures", () =>
    Effect.gen(function*() {
      const r = yield* run((n) => ({ ...honest(n, 50), items: n === 3 ? items(20, 24) : honest(n, 50).items }))
      expect(r.failure).toBeUndefined()
      expect(r.emitted).toEqual(ids(0, 24))
      expect(r.requested).toEqual([1, 2, 3])
      expect(r.warnings.join("\n")).toMatch(/page 3 is short \(4 of 10\) while totalAvailable says 50/)
    }))

  it.effect("an honest server, concurrency 4: every item exactly once, no warning", () =>
    Effect.gen(function*() {
      const r = yield* run((n) => honest(n, 995), 4)
      expect(r.failure).toBeUndefined()
      expect(r.emitted).toEqual(ids(0, 995))
      expect(r.warnings).toEqual([])
    }))

  it.effect("a pagination element without totalAvailable is a ResponseDecodeError naming it", () =>
    Effect.gen(function*() {
      const decoder = Endpoint.items("things", "thing", Schema.Struct({ id: Schema.String }))
      const error = yield* Effect.flip(decoder.decode(
        "Things.list",
        200,
        `<tsResponse><pagination pageNumber="1" pageSize="10"/><things><thing id="a"/></things></tsResponse>`
      ))
      expect(error._tag).toBe("ResponseDecodeError")
      expect(error.path + error.issue).toMatch(/totalAvailable/)
    }))
})
