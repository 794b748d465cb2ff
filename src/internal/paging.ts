/**
 * Pages through a Tableau collection as a Stream of items.
 *
 * Page 1 tells the total (`totalAvailable`); the remaining pages are then
 * fetched with bounded concurrency and emitted in order. The stream ends
 * early at the first short or empty page (items were deleted underneath
 * us), and keeps going one page at a time past the planned last page while
 * pages come back full and the latest total says there are more (items
 * were added). A response without a pagination element is the whole
 * collection.
 *
 * Memory: at most `concurrency` pages are in flight or buffered.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Stream from "effect/Stream"
import type { Page } from "../RequestOptions.ts"

export interface PagingOptions {
  readonly pageSize: number
  readonly concurrency: number
}

/** Streams every item of a paged collection, given a way to fetch page `n` (from 1). */
export const stream = <A, E, R>(
  fetchPage: (pageNumber: number) => Effect.Effect<Page<A>, E, R>,
  options: PagingOptions
): Stream.Stream<A, E, R> =>
  Stream.unwrap(
    Effect.gen(function*() {
      const first = yield* fetchPage(1)
      const firstItems = Stream.fromIterable(first.items)
      if (first.pagination === undefined) return firstItems
      const pageSize = first.pagination.pageSize > 0 ? first.pagination.pageSize : options.pageSize
      if (first.items.length < pageSize) return firstItems
      const plannedLast = Math.ceil(first.pagination.totalAvailable / pageSize)

      // What the latest page said: whether it was full, and the total then.
      const latest = yield* Ref.make({ full: true, total: first.pagination.totalAvailable, page: 1 })
      const observe = (n: number) => (page: Page<A>) =>
        Ref.set(latest, {
          full: page.items.length >= pageSize,
          total: page.pagination?.totalAvailable ?? 0,
          page: n
        })

      const planned: Stream.Stream<A, E, R> = plannedLast < 2 ? Stream.empty : Stream.range(2, plannedLast).pipe(
        Stream.rechunk(1),
        Stream.mapEffect((n) => Effect.tap(fetchPage(n), observe(n)), { concurrency: options.concurrency }),
        Stream.takeUntil((page) => page.items.length < pageSize),
        Stream.filter((page) => page.items.length > 0),
        Stream.flatMap((page) => Stream.fromIterable(page.items))
      )

      // Items added while we paged: continue one page at a time while the
      // latest page was full and the latest total says there are more.
      const beyond = Stream.unwrap(
        Effect.map(Ref.get(latest), (last) =>
          last.full && last.page === Math.max(plannedLast, 1) && last.total > last.page * pageSize
            ? Stream.paginateEffect(last.page + 1, (n) =>
              Effect.map(fetchPage(n), (page): readonly [ReadonlyArray<A>, Option.Option<number>] => [
                page.items,
                page.items.length >= pageSize && (page.pagination?.totalAvailable ?? 0) > n * pageSize
                  ? Option.some(n + 1)
                  : Option.none()
              ])).pipe(Stream.flatMap((items) => Stream.fromIterable(items)))
            : Stream.empty as Stream.Stream<A, E, R>)
      )

      return Stream.concat(firstItems, Stream.concat(planned, beyond))
    })
  )
