/**
 * Progress of long work, one shape across the library: every operation
 * that can take long takes an `onProgress` callback that receives a
 * {@link Progress} (or a type that extends it) and returns an Effect.
 *
 * | operation | `unit` | `done` | `total` |
 * | --- | --- | --- | --- |
 * | `Workbooks.publish`, `Datasources.publish` | `"bytes"` | bytes sent, after every chunk | the content's size, when known |
 * | `Workbooks.download`, `Datasources.download`, `Views.image` / `pdf` / `csv` | `"bytes"` | bytes received, after every piece | the answer's `Content-Length`, when it has one |
 * | `Jobs.wait` | `"percent"` | the job's `progress`, after every poll | 100 |
 * | `Users.export` | `"rows"` | user lines emitted, after every line | `undefined` |
 *
 * The callback runs in the operation's fiber: a slow callback slows the
 * work, and a callback's defect fails it. Throttle inside the callback
 * when it does I/O for every call.
 *
 * @example
 * ```ts
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 * import { Progress, Workbooks } from "effect-tableau"
 *
 * const report: Progress.OnProgress = (p) => Effect.log(Progress.format(p))
 * const bytes = Workbooks.download(workbookId, { onProgress: report }).pipe(Stream.runDrain)
 * ```
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"

/** What {@link Progress.done} and {@link Progress.total} count. */
export type Unit = "bytes" | "rows" | "percent"

/** Progress of one operation, reported to its `onProgress` callback. */
export interface Progress {
  readonly unit: Unit
  /** How much is done so far, in `unit`. */
  readonly done: number
  /** How much there is in all, when known (100 for percentages). */
  readonly total: number | undefined
}

/**
 * The callback every long operation takes as `onProgress`. `P` is the
 * operation's own progress type (such as `Workbooks.PublishProgress`,
 * which adds the chunks sent).
 */
export type OnProgress<P extends Progress = Progress> = (progress: P) => Effect.Effect<void>

/**
 * A short text for a progress report: `"12.5 MiB of 100.0 MiB (12%)"`,
 * `"1200 rows"`, `"45%"`.
 *
 * @example
 * ```ts
 * Progress.format({ unit: "bytes", done: 1536, total: undefined }) // "1.5 KiB"
 * ```
 */
export const format = (progress: Progress): string => {
  if (progress.unit === "percent") return `${Math.round(progress.done)}%`
  const size = progress.unit === "bytes" ? bytes : (n: number) => `${n} rows`
  if (progress.total === undefined) return size(progress.done)
  const percent = progress.total > 0 ? ` (${Math.floor((progress.done / progress.total) * 100)}%)` : ""
  return progress.unit === "bytes"
    ? `${bytes(progress.done, unitOf(progress.total))} of ${bytes(progress.total)}${percent}`
    : `${progress.done} of ${progress.total} rows${percent}`
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const

const unitOf = (n: number): number => {
  let unit = 0
  while (n >= 1024 && unit < UNITS.length - 1) {
    n /= 1024
    unit++
  }
  return unit
}

const bytes = (n: number, unit = unitOf(n)): string =>
  unit === 0 ? `${n} B` : `${(n / 1024 ** unit).toFixed(1)} ${UNITS[unit]}`
