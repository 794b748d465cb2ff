/**
 * Raw response access (the Visier SDK's `.raw`): the HTTP status, headers
 * and round-trip time of any call, next to its decoded value, with no
 * second code path per endpoint.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Ref from "effect/Ref"
import { type ResponseInfo, ResponseCapture } from "./internal/endpoint.ts"

export type {
  /** Status, headers (without `set-cookie`), duration, method and URL of one HTTP exchange. */
  ResponseInfo
} from "./internal/endpoint.ts"

/**
 * Runs an effect and returns its value with the last HTTP response it
 * received (the successful one, after retries), or `undefined` if it made
 * no request. Works with any endpoint; no request is changed.
 *
 * @example
 * ```ts
 * const [site, response] = yield* Raw.withResponse(Sites.get(siteId))
 * console.log(response?.status, response?.headers["content-type"], response?.durationMillis)
 * ```
 */
export const withResponse = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<readonly [A, ResponseInfo | undefined], E, R> =>
  Effect.map(withResponses(effect), ([value, all]) => [value, all[all.length - 1]] as const)

/**
 * Like {@link withResponse}, with every successful response the effect
 * received, in order (a paged `Stream.runCollect`, say).
 *
 * @example
 * ```ts
 * const [users, responses] = yield* Raw.withResponses(Stream.runCollect(Users.list()))
 * console.log(`${responses.length} pages`)
 * ```
 */
export const withResponses = <A, E, R>(
  effect: Effect.Effect<A, E, R>
): Effect.Effect<readonly [A, ReadonlyArray<ResponseInfo>], E, R> =>
  Effect.flatMap(Ref.make<ReadonlyArray<ResponseInfo>>([]), (ref) =>
    Effect.flatMap(
      Effect.provideService(effect, ResponseCapture, ref),
      (value) => Effect.map(Ref.get(ref), (all) => [value, all] as const)
    ))
