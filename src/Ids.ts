/**
 * Branded identifiers of Tableau resources.
 *
 * Tableau identifies every resource by a LUID (a UUID string). The brands
 * keep a user ID from being passed where a group ID is expected; `make`
 * checks the value (non-empty, no `/`, whitespace or control characters)
 * and throws for a malformed literal; `decode` checks input from outside
 * the program and fails with `InvalidRequest`. IDs decoded from responses
 * are branded already.
 *
 * @example
 * ```ts
 * import { Ids } from "effect-tableau"
 * const id = Ids.UserId.make("9f9e9d9c-8b8a-8f8e-7d7c-7b7a6f6d6e6d")
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { InvalidRequest } from "./Errors.ts"

/** The shape every Tableau ID must have before it goes into a URL path. */
const Luid: Schema.filter<typeof Schema.String> = Schema.String.pipe(
  Schema.filter((s) => s.length > 0 && s.length <= 256 && !/[\s/\\?#%\u0000-\u001f\u007f]/.test(s) && s !== "." && s !== "..", {
    message: () => "a Tableau ID must be non-empty and contain no '/', '\\', '?', '#', '%', whitespace or control characters"
  })
)

/** Identifier of a site (the `id`, not the `contentUrl`). Minimum API version: 2.0. */
export const SiteId: Schema.brand<typeof Luid, "SiteId"> = Luid.pipe(Schema.brand("SiteId"))
/** @since 0.1.0 */
export type SiteId = typeof SiteId.Type

/** Identifier of a user. Minimum API version: 2.0. */
export const UserId: Schema.brand<typeof Luid, "UserId"> = Luid.pipe(Schema.brand("UserId"))
/** @since 0.1.0 */
export type UserId = typeof UserId.Type

/** Identifier of a group. Minimum API version: 2.0. */
export const GroupId: Schema.brand<typeof Luid, "GroupId"> = Luid.pipe(Schema.brand("GroupId"))
/** @since 0.1.0 */
export type GroupId = typeof GroupId.Type

/** Identifier of a group set. Minimum API version: 3.22. */
export const GroupSetId: Schema.brand<typeof Luid, "GroupSetId"> = Luid.pipe(Schema.brand("GroupSetId"))
/** @since 0.1.0 */
export type GroupSetId = typeof GroupSetId.Type

/** Identifier of a project. Minimum API version: 2.0. */
export const ProjectId: Schema.brand<typeof Luid, "ProjectId"> = Luid.pipe(Schema.brand("ProjectId"))
/** @since 0.1.0 */
export type ProjectId = typeof ProjectId.Type

/** Identifier of a workbook. Minimum API version: 2.0. */
export const WorkbookId: Schema.brand<typeof Luid, "WorkbookId"> = Luid.pipe(Schema.brand("WorkbookId"))
/** @since 0.1.0 */
export type WorkbookId = typeof WorkbookId.Type

/** Identifier of a view. Minimum API version: 2.0. */
export const ViewId: Schema.brand<typeof Luid, "ViewId"> = Luid.pipe(Schema.brand("ViewId"))
/** @since 0.1.0 */
export type ViewId = typeof ViewId.Type

/** Identifier of a published data source. Minimum API version: 2.0. */
export const DatasourceId: Schema.brand<typeof Luid, "DatasourceId"> = Luid.pipe(Schema.brand("DatasourceId"))
/** @since 0.1.0 */
export type DatasourceId = typeof DatasourceId.Type

/** Identifier of a connection of a workbook or data source. Minimum API version: 2.3. */
export const ConnectionId: Schema.brand<typeof Luid, "ConnectionId"> = Luid.pipe(Schema.brand("ConnectionId"))
/** @since 0.1.0 */
export type ConnectionId = typeof ConnectionId.Type

/** Identifier of a background job. Minimum API version: 2.2. */
export const JobId: Schema.brand<typeof Luid, "JobId"> = Luid.pipe(Schema.brand("JobId"))
/** @since 0.1.0 */
export type JobId = typeof JobId.Type

/** Identifier of a server schedule (Tableau Server only). Minimum API version: 2.2. */
export const ScheduleId: Schema.brand<typeof Luid, "ScheduleId"> = Luid.pipe(Schema.brand("ScheduleId"))
/** @since 0.1.0 */
export type ScheduleId = typeof ScheduleId.Type

/** Identifier of a chunked file upload session. Minimum API version: 2.0. */
export const UploadSessionId: Schema.brand<Schema.filter<typeof Schema.String>, "UploadSessionId"> = Schema.String.pipe(
  Schema.minLength(1),
  Schema.brand("UploadSessionId")
)
/** @since 0.1.0 */
export type UploadSessionId = typeof UploadSessionId.Type

/**
 * Checks an ID that comes from outside the program (a CSV, a command line,
 * an environment variable) and brands it, failing with `InvalidRequest`
 * naming the problem instead of throwing as `make` does for a literal.
 * Nothing is sent; no API version applies.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Ids } from "effect-tableau"
 *
 * const program = Effect.gen(function*() {
 *   const userId = yield* Ids.decode(Ids.UserId)(process.argv[2] ?? "")
 *   return userId
 * })
 * ```
 *
 * @since 0.1.0
 * @category constructors
 */
export const decode = <A extends string, I extends string>(schema: Schema.Schema<A, I>, operation = "Ids.decode") =>
(value: string): Effect.Effect<A, InvalidRequest> =>
  Effect.mapError(
    Schema.decodeUnknown(schema)(value),
    () =>
      new InvalidRequest({
        operation,
        reason: `${JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}...` : value)} is not a valid ID: ${
          value === "" ? "it is empty" : "a Tableau ID must be non-empty and contain no '/', '\\', '?', '#', '%', whitespace or control characters"
        }`
      })
  )
