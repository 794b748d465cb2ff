/**
 * Counting progress on a Stream (downloads, exports, `Users.export`).
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import type { OnProgress, Progress } from "../Progress.ts"

/**
 * `stream`, reporting to `onProgress` after every element with the running
 * sum of `measure` (unchanged when there is no callback).
 */
export const track = <A, E, R, P extends Progress>(
  stream: Stream.Stream<A, E, R>,
  onProgress: OnProgress<P> | undefined,
  measure: (a: A) => number,
  report: (done: number) => P
): Stream.Stream<A, E, R> =>
  onProgress === undefined ? stream : Stream.suspend(() => {
    let done = 0
    return Stream.tap(stream, (a) =>
      Effect.suspend(() => {
        done += measure(a)
        return onProgress(report(done))
      }))
  })
