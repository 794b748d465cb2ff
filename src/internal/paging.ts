/**
 * Pages through a Tableau collection as a Stream of items, checking each
 * page against what it asked for and what the pages before it said.
 *
 * Page 1 tells the total (`totalAvailable`); the remaining pages are then
 * fetched with bounded concurrency and checked and emitted in order. The
 * stream ends at the first short or empty page, and keeps going one page at
 * a time past the planned last page while pages come back full and the
 * latest total says there are more (items were added). A response without
 * a pagination element is the whole collection.
 *
 * What a page must satisfy (else `PagingInconsistent`, see docs/reliability.md):
 * - it echoes the `pageNumber` and `pageSize` that were asked for;
 * - its total is present and not negative, it holds at most `pageSize`
 *   items, and none lies past its own total;
 * - no item appears twice in it, and it is not a repeat of an earlier page.
 *
 * Recovered, with a warning in the log (never silently):
 * - an item already seen on one of the last `WINDOW` pages while the total
 *   changed between them (items were added in front, so offset paging
 *   shifted): the repeat is dropped;
 * - a short page while its total says there are more (Tableau counts items
 *   the caller may not see): the stream ends there.
 *
 * Memory: at most `concurrency` pages are in flight or buffered, and the
 * identities of the last `WINDOW` pages are kept.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import { PagingInconsistent } from "../Errors.ts"
import type { Page } from "../RequestOptions.ts"

export interface PagingOptions<A> {
  readonly operation: string
  readonly pageSize: number
  readonly concurrency: number
  /** An item's identity; by default its string `id` attribute. Items without one are not checked for repeats. */
  readonly identify?: ((item: A) => string | undefined) | undefined
}

/** How many recent pages' identities are kept to detect repeats. */
export const WINDOW = 10

/** The default identity: an item's string `id`. */
const idOf = (item: unknown): string | undefined =>
  typeof item === "object" && item !== null && typeof (item as { id?: unknown }).id === "string"
    ? (item as { id: string }).id
    : undefined

interface Seen {
  readonly pageNumber: number
  readonly total: number
  readonly ids: ReadonlySet<string>
}

/** What the checks carry from page to page. */
interface State {
  readonly recent: ReadonlyArray<Seen>
}

/** Streams every item of a paged collection, given a way to fetch page `n` (from 1). */
export const stream = <A, E, R>(
  fetchPage: (pageNumber: number) => Effect.Effect<Page<A>, E, R>,
  options: PagingOptions<A>
): Stream.Stream<A, E | PagingInconsistent, R> =>
  Stream.unwrap(
    Effect.gen(function*() {
      const { operation, pageSize } = options
      const identify = options.identify ?? idOf
      const first = yield* fetchPage(1)
      if (first.pagination === undefined) return Stream.fromIterable(first.items)
      const total1 = first.pagination.totalAvailable
      const plannedLast = first.items.length < pageSize ? 1 : Math.ceil(total1 / pageSize)

      // What the latest page said: whether it was full, and the total then.
      const latest = yield* Ref.make({ full: first.items.length >= pageSize, total: total1, page: 1 })
      const observe = (n: number) => (page: Page<A>) =>
        Ref.set(latest, {
          full: page.items.length >= pageSize,
          total: page.pagination?.totalAvailable ?? 0,
          page: n
        })
      type Entry = readonly [number, Page<A>]
      const fetch = (n: number): Effect.Effect<Entry, E, R> =>
        Effect.map(Effect.tap(fetchPage(n), observe(n)), (page) => [n, page] as const)

      const planned: Stream.Stream<Entry, E, R> = plannedLast < 2 ? Stream.empty : Stream.range(2, plannedLast).pipe(
        Stream.rechunk(1),
        Stream.mapEffect(fetch, { concurrency: options.concurrency }),
        Stream.takeUntil(([, page]) => page.items.length < pageSize)
      )

      // Items added while we paged: continue one page at a time while the
      // latest page was full and the latest total says there are more.
      const beyond: Stream.Stream<Entry, E, R> = Stream.unwrap(
        Effect.map(Ref.get(latest), (last) =>
          last.full && last.page === Math.max(plannedLast, 1) && last.total > last.page * pageSize
            ? Stream.paginateEffect(last.page + 1, (n) =>
              Effect.map(fetch(n), (entry): readonly [Entry, Option.Option<number>] => [
                entry,
                entry[1].items.length >= pageSize && (entry[1].pagination?.totalAvailable ?? 0) > n * pageSize
                  ? Option.some(n + 1)
                  : Option.none()
              ]))
            : Stream.empty)
      )

      const pages: Stream.Stream<Entry, E, R> = Stream.concat(
        Stream.make<[Entry]>([1, first]),
        Stream.concat(planned, beyond)
      )
      return pages.pipe(
        Stream.mapAccumEffect(
          { recent: [] } as State,
          (state, [n, page]) => check(operation, pageSize, identify, state, n, page)
        ),
        Stream.flatMap((items) => Stream.fromIterable(items))
      )
    })
  )

/** Checks page `n`; answers the items to emit and the state for the next page. */
const check = <A>(
  operation: string,
  pageSize: number,
  identify: (item: A) => string | undefined,
  state: State,
  n: number,
  page: Page<A>
): Effect.Effect<readonly [State, ReadonlyArray<A>], PagingInconsistent> =>
  Effect.gen(function*() {
    const fail = (kind: string, detail: string) =>
      Effect.fail(new PagingInconsistent({ operation, pageNumber: n, kind, detail }))
    const p = page.pagination
    const count = page.items.length
    if (p === undefined) return yield* fail("InvalidTotal", "the page has no pagination element, page 1 had one")
    if (p.pageNumber !== n) {
      return yield* fail("PageNumberIgnored", `asked for page ${n}, the server answered page ${p.pageNumber}`)
    }
    if (p.pageSize !== pageSize) {
      return yield* fail("PageSizeMismatch", `asked for pages of ${pageSize}, the server answered pageSize ${p.pageSize}`)
    }
    if (count > pageSize) {
      return yield* fail("PageSizeMismatch", `the page holds ${count} items, more than its pageSize ${pageSize}`)
    }
    if (p.totalAvailable < 0) return yield* fail("InvalidTotal", `totalAvailable is ${p.totalAvailable}`)
    const before = (n - 1) * pageSize
    if (before + count > p.totalAvailable) {
      return yield* fail(
        "BeyondTotal",
        `the page holds items ${before + 1} to ${before + count}, but totalAvailable is ${p.totalAvailable}`
      )
    }

    // Identities: within the page, then against the recent pages.
    const ids = new Set<string>()
    const keep: Array<A> = []
    const repeated: Array<{ readonly id: string; readonly earlier: Seen }> = []
    for (const item of page.items) {
      const id = identify(item)
      if (id !== undefined) {
        if (ids.has(id)) return yield* fail("DuplicateItem", `item ${id} appears twice on the page`)
        ids.add(id)
        const earlier = state.recent.find((seen) => seen.ids.has(id))
        if (earlier !== undefined) {
          repeated.push({ id, earlier })
          continue
        }
      }
      keep.push(item)
    }
    const repeats = repeated.length
    if (repeats > 0 && repeats === ids.size) {
      return yield* fail(
        "RepeatedPage",
        `every item was already on page ${repeated[0]!.earlier.pageNumber}: the server may ignore pageNumber`
      )
    }
    const unexplained = repeated.find((r) => r.earlier.total === p.totalAvailable)
    if (unexplained !== undefined) {
      return yield* fail(
        "DuplicateItem",
        `item ${unexplained.id} was already on page ${unexplained.earlier.pageNumber}, and the total (${p.totalAvailable}) did not change`
      )
    }
    if (repeats > 0) {
      yield* Effect.logWarning(
        `${operation}: page ${n} repeated ${repeats} item(s) of an earlier page while the total changed; the repeats were dropped`
      )
    }
    if (count < pageSize && before + count < p.totalAvailable) {
      yield* Effect.logWarning(
        `${operation}: page ${n} is short (${count} of ${pageSize}) while totalAvailable says ${p.totalAvailable}; ` +
          `paging ends with ${before + count} items (the server counts items this caller may not see)`
      )
    }
    const recent = [...state.recent, { pageNumber: n, total: p.totalAvailable, ids }].slice(-WINDOW)
    return [{ recent }, keep] as const
  })
