/**
 * Background jobs: extract refreshes, CSV user imports, publishes with
 * `asJob`, Active Directory group imports. Start one with the endpoint that
 * returns a `JobItem`, then `wait` for it.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type { CommonError, NotFound, UnsupportedApiVersion } from "./Errors.ts"
import { JobCancelled, JobFailed, JobTimedOut } from "./Errors.ts"
import { JobId } from "./Ids.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Operation from "./internal/operation.ts"
import {
  ArrayOf,
  type ClassOf,
  IntFromString,
  OpenLiteral,
  OptionalDate,
  OptionalInt,
  OptionalString,
  OptionalText,
  StringOrEmpty
} from "./internal/schema.ts"
import type { OnProgress, Progress } from "./Progress.ts"
import type { TableauSession } from "./TableauSession.ts"

/** How a job ended: 0 success, 1 failure, 2 cancelled. */
export const FinishCode = { Success: 0, Failed: 1, Cancelled: 2 } as const

/** A job's mode. */
export const JobMode: OpenLiteral<"Asynchronous" | "Synchronous"> = OpenLiteral("Asynchronous", "Synchronous")
/** @since 0.1.0 */
export type JobMode = typeof JobMode.Type

const StatusNoteFields = {
  type: OptionalString,
  value: OptionalString,
  text: OptionalString
}

const StatusNoteBase: ClassOf<StatusNote, typeof StatusNoteFields> = Schema.Class<StatusNote>("StatusNote")(
  StatusNoteFields
)

/** `<statusNote type value text/>`: what a job reports about its progress or failure. */
export class StatusNote extends StatusNoteBase {}

type StatusNoteEncoded = Schema.Schema.Encoded<typeof StatusNote>

/** `<statusNotes>`: its `statusNote` elements, or `""` when empty. */
const StatusNotes: Schema.Union<[
  Schema.Literal<[""]>,
  Schema.Struct<{
    statusNote: Schema.optional<
      Schema.Schema<ReadonlyArray<StatusNote>, ReadonlyArray<StatusNoteEncoded> | StatusNoteEncoded | "">
    >
  }>
]> = Schema.Union(Schema.Literal(""), Schema.Struct({ statusNote: Schema.optional(ArrayOf(StatusNote)) }))

const JobItemFields = {
  id: JobId,
  /** Such as `RefreshExtract`, `UserImport`, `PublishWorkbook`, `GroupSync`. */
  type: StringOrEmpty,
  mode: Schema.optional(JobMode) as Schema.optional<typeof JobMode>,
  /** 0 to 100. */
  progress: Schema.optionalWith(IntFromString, { default: () => 0 }) as Schema.optionalWith<
    typeof IntFromString,
    { default: () => number }
  >,
  createdAt: OptionalDate,
  startedAt: OptionalDate,
  completedAt: OptionalDate,
  /** 0 success, 1 failed, 2 cancelled; absent while running. */
  finishCode: OptionalInt,
  statusNotes: Schema.optionalWith(StatusNotes, { default: () => "" as const }) as Schema.optionalWith<
    typeof StatusNotes,
    { default: () => "" }
  >,
  /** Free-text notes (failures of user imports, for example). */
  notes: OptionalText
}

const JobItemBase: ClassOf<JobItem, typeof JobItemFields> = Schema.Class<JobItem>("JobItem")(JobItemFields)

/** A background job. `finishCode` is set once it has finished. */
export class JobItem extends JobItemBase {
  /** Whether the job has finished (in any way). */
  get finished(): boolean {
    return this.finishCode !== undefined || this.completedAt !== undefined
  }
  /** The job's notes as lines: status note texts and free-text notes. */
  get noteLines(): ReadonlyArray<string> {
    const status = this.statusNotes === "" ? [] : (this.statusNotes.statusNote ?? [])
    return [
      ...status.map((n) => n.text ?? n.value ?? "").filter((t) => t !== ""),
      ...(this.notes ? this.notes.split(/\r?\n/).filter((t) => t.trim() !== "") : [])
    ]
  }
}

const noteText = (value: unknown): ReadonlyArray<string> => {
  if (Array.isArray(value)) return value.flatMap(noteText)
  if (typeof value === "string") return value.trim() === "" ? [] : [value]
  if (typeof value === "object" && value !== null) {
    const text = (value as Record<string, unknown>)["#text"]
    return typeof text === "string" && text.trim() !== "" ? [text] : []
  }
  return []
}

/**
 * Tableau nests a job's `<notes>` inside its job-type element
 * (`<extractRefreshJob>`, `<runFlowJobType>`, ... : TSC reads every
 * `.//t:notes`), not only directly under `<job>`: the nested notes are
 * appended to `notes`, so a failed refresh's reason reaches `JobFailed`.
 */
const nestedNotes = (wire: unknown): unknown => {
  if (typeof wire !== "object" || wire === null || Array.isArray(wire)) return wire
  const record = wire as Record<string, unknown>
  const nested: Array<string> = []
  for (const [key, value] of Object.entries(record)) {
    if (key === "notes" || key === "statusNotes") continue
    for (const element of Array.isArray(value) ? value : [value]) {
      if (typeof element === "object" && element !== null && "notes" in element) {
        nested.push(...noteText((element as Record<string, unknown>)["notes"]))
      }
    }
  }
  if (nested.length === 0) return wire
  return { ...record, notes: [...noteText(record["notes"]), ...nested].join("\n") }
}

/** `<job>` with its notes wherever Tableau put them, decoded to a `JobItem`. */
const JobWire: Schema.Schema<JobItem, unknown> = Schema.compose(
  Schema.transform(Schema.Unknown, Schema.Unknown, { strict: true, decode: nestedNotes, encode: (a) => a }),
  JobItem as Schema.Schema<JobItem, unknown>,
  { strict: false }
)

/**
 * The decoder of a `<job>` answer: every endpoint that returns a job uses
 * it, so nested notes are read everywhere.
 *
 * @internal
 */
export const jobDecoder: Endpoint.Decoder<JobItem> = Endpoint.one("job", JobWire)
const job = jobDecoder

const queryJob = Operation.make({
  name: "Jobs.get",
  method: "GET",
  scope: "site",
  path: "jobs/{jobId}",
  // Query Job: 2.2, as these docs have always said; TSC gates its jobs
  // endpoint at 2.6. Not confirmed against the REST reference here.
  minApiVersion: "2.2",
  // 404031: the fake's code for an unknown job (not confirmed against the reference).
  errors: { NotFound: ["404031"] },
  decoder: job
})

/**
 * The REST operations this module runs, as data: each one's route, minimum
 * API version and documented errors, declared once and read by the
 * functions below, their docs and the contract tests. For tooling; call the
 * functions.
 *
 * @since 0.1.0
 * @category operations
 */
const ops = {
  get: queryJob,
  cancel: Operation.make({
    name: "Jobs.cancel",
    method: "PUT",
    scope: "site",
    path: "jobs/{jobId}",
    minApiVersion: "3.1",
    errors: { NotFound: ["404031"] },
    decoder: Endpoint.none
  }),
  /** `wait` polls Query Job: the same route and gate as `get`, under its own name for its docs and spans. */
  wait: Operation.make({ ...queryJob, name: "Jobs.wait" })
}

/** The declared operations, typed precisely in `ops`; exported for tooling. */
export const operations: Operation.Operations = ops

/**
 * Reads a job. REST: `GET /api/{v}/sites/{siteId}/jobs/{jobId}`. Fails with
 * `NotFound` (404031), `UnsupportedApiVersion` (before 2.2) or a
 * `CommonError`. Minimum API version: 2.2.
 *
 * @example
 * ```ts
 * const job = yield* Jobs.get(jobId)
 * console.log(job.progress)
 * ```
 */
export const get = (
  jobId: JobId
): Effect.Effect<JobItem, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.run(ops.get, { jobId })

/**
 * Cancels a running job. REST: `PUT /api/{v}/sites/{siteId}/jobs/{jobId}`.
 * Fails with `NotFound` (404031), `UnsupportedApiVersion` or a
 * `CommonError`. Minimum API version: 3.1.
 *
 * @example
 * ```ts
 * yield* Jobs.cancel(jobId)
 * ```
 */
export const cancel = (
  jobId: JobId
): Effect.Effect<void, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.run(ops.cancel, { jobId })

/**
 * How long {@link wait} waits by default: 3 hours. Tableau Server stops an
 * extract refresh after 2 hours unless its administrator changed
 * `backgrounder.querylimit` (7200 s by default; from third-party guides,
 * not confirmed in Tableau's reference here), and a job may first wait in
 * the queue; pass `timeout` for shorter or longer waits.
 */
export const DEFAULT_WAIT_TIMEOUT: Duration.Duration = Duration.hours(3)

/** What {@link wait} reports after every poll: the job's `progress` (0 to 100) and the job as read. */
export interface WaitProgress extends Progress {
  readonly unit: "percent"
  readonly total: 100
  readonly job: JobItem
}

/** Options of {@link wait}. */
export interface WaitOptions {
  /**
   * Give up after this long with `JobTimedOut` (default
   * {@link DEFAULT_WAIT_TIMEOUT}, 3 hours); `Duration.infinity` waits as
   * long as the job runs.
   */
  readonly timeout?: Duration.DurationInput | undefined
  /** Delays between polls (default: 500 ms doubling, capped at 10 s). */
  readonly schedule?: Schedule.Schedule<unknown, unknown> | undefined
  /** Called after every poll with the job's progress percentage. */
  readonly onProgress?: OnProgress<WaitProgress> | undefined
}

const defaultPolling: Schedule.Schedule<unknown, unknown> = Schedule.exponential(Duration.millis(500), 2).pipe(
  Schedule.modifyDelay((_, d) => Duration.min(d, Duration.seconds(10)))
)

/**
 * Polls a job until it finishes and returns it, reporting its progress
 * percentage to `onProgress` after every poll. A failed job fails with
 * `JobFailed`, a cancelled one with `JobCancelled` (both carry the job's
 * notes); giving up after `timeout` (default {@link DEFAULT_WAIT_TIMEOUT},
 * 3 hours) fails with `JobTimedOut`, which carries the last progress; the
 * job itself goes on. REST: `GET /api/{v}/sites/{siteId}/jobs/{jobId}`,
 * repeatedly. Fails also with `NotFound` (404031), `UnsupportedApiVersion`
 * (before 2.2) or a `CommonError`. Minimum API version: 2.2.
 *
 * @example
 * ```ts
 * const done = yield* Jobs.wait(job.id, {
 *   timeout: "10 minutes",
 *   onProgress: (p) => Effect.log(`${p.job.type}: ${p.done}%`)
 * })
 * ```
 */
export const wait = (
  jobId: JobId,
  options: WaitOptions = {}
): Effect.Effect<
  JobItem,
  CommonError | NotFound | UnsupportedApiVersion | JobFailed | JobCancelled | JobTimedOut,
  TableauSession
> =>
  Effect.gen(function*() {
    let latest: JobItem | undefined
    const onProgress = options.onProgress
    const poll = Effect.tap(Operation.run(ops.wait, { jobId }), (j) =>
      Effect.suspend(() => {
        latest = j
        return onProgress === undefined ? Effect.void : onProgress({ unit: "percent", done: j.progress, total: 100, job: j })
      }))
    const timeout = Duration.decode(options.timeout ?? DEFAULT_WAIT_TIMEOUT)
    yield* poll.pipe(
      Effect.repeat({ schedule: options.schedule ?? defaultPolling, until: (j) => j.finished }),
      (effect) =>
        !Duration.isFinite(timeout) ? effect : Effect.timeoutFail(effect, {
          duration: timeout,
          onTimeout: () => new JobTimedOut({ jobId, progress: latest?.progress ?? 0 })
        })
    )
    const finished = latest!
    if (finished.finishCode === FinishCode.Failed) {
      return yield* new JobFailed({ jobId, jobType: finished.type, notes: finished.noteLines })
    }
    if (finished.finishCode === FinishCode.Cancelled) {
      return yield* new JobCancelled({ jobId, jobType: finished.type, notes: finished.noteLines })
    }
    return finished
  })
