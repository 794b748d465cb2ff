/**
 * Server schedules: when Tableau Server runs extract refreshes, flows and
 * subscriptions (TSC's `schedules`). Server schedules are server-scoped and
 * exist on Tableau Server only: on Tableau Cloud each task carries its own
 * frequency instead (see the Cloud task methods). The REST reference does
 * not say which error Tableau Cloud answers to these routes.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type { CommonError, Conflict, NotFound, UnsupportedApiVersion } from "./Errors.ts"
import { ScheduleId } from "./Ids.ts"
import * as Endpoint from "./internal/endpoint.ts"
import * as Operation from "./internal/operation.ts"
import {
  type ClassOf,
  Collection,
  DateOrEmpty,
  OpenLiteral,
  OptionalDate,
  OptionalInt,
  OptionalString
} from "./internal/schema.ts"
import * as Xml from "./internal/xml.ts"
import type { Page, PageOptions, StreamOptions } from "./RequestOptions.ts"
import type { TableauSession } from "./TableauSession.ts"

// ---------------------------------------------------------------------------
// Wire schema
// ---------------------------------------------------------------------------

/** What a schedule runs: `Extract`, `Subscription`, `Flow`, or a kind Tableau adds later. */
export const ScheduleType: OpenLiteral<
  "Extract" | "Subscription" | "Flow" | "DataAcceleration" | "ActiveDirectorySync" | "System"
> = OpenLiteral("Extract", "Subscription", "Flow", "DataAcceleration", "ActiveDirectorySync", "System")
/** @since 0.1.0 */
export type ScheduleType = typeof ScheduleType.Type

/** `Active` or `Suspended` (a suspended schedule runs nothing). */
export const ScheduleState: OpenLiteral<"Active" | "Suspended"> = OpenLiteral("Active", "Suspended")
/** @since 0.1.0 */
export type ScheduleState = typeof ScheduleState.Type

/** How often a schedule runs. */
export const Frequency: OpenLiteral<"Hourly" | "Daily" | "Weekly" | "Monthly"> = OpenLiteral(
  "Hourly",
  "Daily",
  "Weekly",
  "Monthly"
)
/** @since 0.1.0 */
export type Frequency = typeof Frequency.Type

/** `Parallel` (all backgrounders) or `Serial` (one at a time). */
export const ExecutionOrder: OpenLiteral<"Parallel" | "Serial"> = OpenLiteral("Parallel", "Serial")
/** @since 0.1.0 */
export type ExecutionOrder = typeof ExecutionOrder.Type

/** A day of the week as Tableau writes it. */
export const WeekDay: OpenLiteral<
  "Monday" | "Tuesday" | "Wednesday" | "Thursday" | "Friday" | "Saturday" | "Sunday"
> = OpenLiteral("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
/** @since 0.1.0 */
export type WeekDay = typeof WeekDay.Type

const ScheduleIntervalFields = {
  hours: OptionalInt,
  minutes: OptionalInt,
  weekDay: Schema.optional(WeekDay) as Schema.optional<typeof WeekDay>,
  /** `"1"` to `"31"`, `"LastDay"`, or what Tableau adds later (kept as text). */
  monthDay: OptionalString
}

const ScheduleIntervalBase: ClassOf<ScheduleInterval, typeof ScheduleIntervalFields> = Schema.Class<ScheduleInterval>(
  "ScheduleInterval"
)(ScheduleIntervalFields)

/** `<interval>`: one of `hours`, `minutes`, `weekDay` or `monthDay`. */
export class ScheduleInterval extends ScheduleIntervalBase {}

const FrequencyDetailsFields = {
  /** Start time, `HH:MM:SS` in the server's time zone. */
  start: OptionalString,
  /** End time of an hourly (or repeating daily) schedule, `HH:MM:SS`. */
  end: OptionalString,
  /** Empty when the schedule has none (a daily schedule on every day). */
  intervals: Schema.optionalWith(Collection("interval", ScheduleInterval), {
    default: (): ReadonlyArray<ScheduleInterval> => []
  }) as Schema.optionalWith<
    Schema.Schema<ReadonlyArray<ScheduleInterval>, unknown>,
    { default: () => ReadonlyArray<ScheduleInterval> }
  >
}

const FrequencyDetailsBase: ClassOf<FrequencyDetails, typeof FrequencyDetailsFields> = Schema.Class<FrequencyDetails>(
  "FrequencyDetails"
)(FrequencyDetailsFields)

/** `<frequencyDetails>`: start and end times and the intervals. */
export class FrequencyDetails extends FrequencyDetailsBase {}

const OptionalDateOrEmpty: Schema.optional<typeof DateOrEmpty> = Schema.optional(DateOrEmpty)

const ScheduleItemFields = {
  id: ScheduleId,
  name: Schema.String,
  state: Schema.optional(ScheduleState) as Schema.optional<typeof ScheduleState>,
  /** 1 (first) to 100. */
  priority: OptionalInt,
  createdAt: OptionalDate,
  updatedAt: OptionalDate,
  type: Schema.optional(ScheduleType) as Schema.optional<typeof ScheduleType>,
  frequency: Schema.optional(Frequency) as Schema.optional<typeof Frequency>,
  /** Absent (or empty) for a suspended schedule. */
  nextRunAt: OptionalDateOrEmpty,
  endScheduleAt: OptionalDateOrEmpty,
  executionOrder: Schema.optional(ExecutionOrder) as Schema.optional<typeof ExecutionOrder>,
  /** Sent by create, update and get; Query Schedules' documented answer leaves it out. */
  frequencyDetails: Schema.optional(FrequencyDetails) as Schema.optional<typeof FrequencyDetails>
}

const ScheduleItemBase: ClassOf<ScheduleItem, typeof ScheduleItemFields> = Schema.Class<ScheduleItem>("ScheduleItem")(
  ScheduleItemFields
)

/** A server schedule (`<schedule>`). */
export class ScheduleItem extends ScheduleItemBase {}

// ---------------------------------------------------------------------------
// What callers send
// ---------------------------------------------------------------------------

/** A time of day, `HH:MM:SS` (24-hour clock, the server's time zone). */
export type TimeOfDay = `${number}:${number}:${number}`

/**
 * When a schedule runs, one case per frequency, so that impossible
 * combinations (an hourly schedule without an end, a weekly one without
 * days) do not type-check. Tableau checks the values (such as
 * `hours: 3`) and refuses them with `BadRequest` (400, 409004).
 */
export type Recurrence =
  | {
    readonly frequency: "Hourly"
    readonly start: TimeOfDay
    readonly end: TimeOfDay
    readonly every: { readonly hours: 1 | 2 | 4 | 6 | 8 | 12 } | { readonly minutes: 15 | 30 }
    /** Limits the schedule to these days (Tableau Server 2023.3 and later report them back). */
    readonly weekDays?: ReadonlyArray<WeekDay> | undefined
  }
  | {
    readonly frequency: "Daily"
    readonly start: TimeOfDay
    readonly weekDays?: ReadonlyArray<WeekDay> | undefined
  }
  | {
    readonly frequency: "Weekly"
    readonly start: TimeOfDay
    readonly weekDays: readonly [WeekDay, ...Array<WeekDay>]
  }
  | {
    readonly frequency: "Monthly"
    readonly start: TimeOfDay
    /** Days of the month (1 to 31) or `"LastDay"`. */
    readonly monthDays: readonly [number | "LastDay", ...Array<number | "LastDay">]
  }

/** What `create` needs. */
export interface NewSchedule {
  readonly name: string
  readonly type: ScheduleType
  readonly recurrence: Recurrence
  /** 1 (first) to 100; Tableau's default is 50. */
  readonly priority?: number | undefined
  /** Default `Parallel`. */
  readonly executionOrder?: ExecutionOrder | undefined
}

/** What `update` can change; a schedule's type cannot change. */
export interface ScheduleFields {
  readonly name?: string | undefined
  readonly state?: ScheduleState | undefined
  readonly priority?: number | undefined
  readonly executionOrder?: ExecutionOrder | undefined
  readonly recurrence?: Recurrence | undefined
}

const intervalsOf = (recurrence: Recurrence): ReadonlyArray<Record<string, string | number>> => {
  switch (recurrence.frequency) {
    case "Hourly":
      return [recurrence.every, ...(recurrence.weekDays ?? []).map((weekDay) => ({ weekDay }))]
    case "Daily":
    case "Weekly":
      return (recurrence.weekDays ?? []).map((weekDay) => ({ weekDay }))
    case "Monthly":
      return recurrence.monthDays.map((monthDay) => ({ monthDay }))
    default:
      // A frequency outside the type (from untyped input): sent as it is, for Tableau to refuse.
      return []
  }
}

const scheduleElement = (fields: ScheduleFields & { readonly type?: ScheduleType | undefined }): Xml.XmlElement => {
  const recurrence = fields.recurrence
  const intervals = recurrence === undefined ? [] : intervalsOf(recurrence)
  return Xml.el(
    "schedule",
    {
      name: fields.name,
      state: fields.state,
      priority: fields.priority,
      type: fields.type,
      frequency: recurrence?.frequency,
      executionOrder: fields.executionOrder
    },
    recurrence !== undefined && Xml.el(
      "frequencyDetails",
      { start: recurrence.start, end: recurrence.frequency === "Hourly" ? recurrence.end : undefined },
      intervals.length > 0 && Xml.el("intervals", {}, ...intervals.map((interval) => Xml.el("interval", interval)))
    )
  )
}

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------

const schedule = Endpoint.one("schedule", ScheduleItem)

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
  // The reference gives Query Schedules 2.2 (TSC gates it at 2.3); the writes 2.3; Get Server Schedule 3.8.
  list: Operation.make({
    name: "Schedules.list", method: "GET", scope: "server", path: "schedules",
    minApiVersion: "2.2", errors: {}, decoder: Endpoint.items("schedules", "schedule", ScheduleItem)
  }),
  // The reference lists no error codes for Get Server Schedule: 404023 is Update's and Delete's.
  get: Operation.make({
    name: "Schedules.get", method: "GET", scope: "server", path: "schedules/{scheduleId}",
    minApiVersion: "3.8", errors: { NotFound: ["404023"] }, decoder: schedule
  }),
  create: Operation.make({
    name: "Schedules.create", method: "POST", scope: "server", path: "schedules",
    minApiVersion: "2.3", errors: { Conflict: ["409021"] }, decoder: schedule
  }),
  update: Operation.make({
    name: "Schedules.update", method: "PUT", scope: "server", path: "schedules/{scheduleId}",
    minApiVersion: "2.3", errors: { NotFound: ["404023"], Conflict: ["409021"] }, decoder: schedule
  }),
  delete: Operation.make({
    name: "Schedules.delete", method: "DELETE", scope: "server", path: "schedules/{scheduleId}",
    minApiVersion: "2.3", errors: { NotFound: ["404023"] }, decoder: Endpoint.none
  })
}

/** The declared operations, typed precisely in `ops`; exported for tooling. */
export const operations: Operation.Operations = ops

/**
 * Reads one page of the server's schedules (TSC's `schedules.get`): every
 * type, without their frequency details. REST: `GET /api/{v}/schedules`.
 * Fails with `UnsupportedApiVersion` before 2.2, or a `CommonError`
 * (`BadRequest` 400006 / 400007 for a bad page number or size). Minimum
 * API version: 2.2. Tableau Server only.
 *
 * @since 0.1.0
 * @category reading
 * @example
 * ```ts
 * const { items, pagination } = yield* Schedules.getPage({ pageSize: 10 })
 * ```
 */
export const getPage = (
  options?: PageOptions
): Effect.Effect<Page<ScheduleItem>, CommonError | UnsupportedApiVersion, TableauSession> =>
  Operation.page(ops.list, {}, options)

/**
 * Every schedule of the server, as a Stream over all pages. REST:
 * `GET /api/{v}/schedules`. Fails with `UnsupportedApiVersion` before 2.2,
 * or a `CommonError`. Minimum API version: 2.2. Tableau Server only.
 *
 * @since 0.1.0
 * @category reading
 * @example
 * ```ts
 * const extracts = yield* Stream.runCollect(Stream.filter(Schedules.list(), (s) => s.type === "Extract"))
 * ```
 */
export const list = (
  options?: StreamOptions
): Stream.Stream<ScheduleItem, CommonError | UnsupportedApiVersion, TableauSession> =>
  Operation.stream(ops.list, {}, options)

/**
 * Reads one schedule with its frequency details. REST:
 * `GET /api/{v}/schedules/{scheduleId}`. Fails with `NotFound` (404023, no
 * such schedule; the reference lists no codes for this method, 404023 is
 * what Update and Delete document), `UnsupportedApiVersion` before 3.8, or
 * a `CommonError`. Minimum API version: 3.8. Tableau Server only.
 *
 * @since 0.1.0
 * @category reading
 * @example
 * ```ts
 * const s = yield* Schedules.get(scheduleId)
 * console.log(s.frequency, s.frequencyDetails?.start)
 * ```
 */
export const get = (
  scheduleId: ScheduleId
): Effect.Effect<ScheduleItem, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.run(ops.get, { scheduleId })

/**
 * Creates a server schedule (server administrators only). REST:
 * `POST /api/{v}/schedules`. Fails with `Conflict` (409021, a schedule of
 * that name exists), `BadRequest` (400, 409004: frequency details Tableau
 * refuses, such as `hours: 3`; 400064), `Forbidden` (not a server
 * administrator), `UnsupportedApiVersion` before 2.3, or a `CommonError`.
 * Minimum API version: 2.3. Tableau Server only.
 *
 * @since 0.1.0
 * @category writing
 * @example
 * ```ts
 * const nightly = yield* Schedules.create({
 *   name: "Nightly",
 *   type: "Extract",
 *   recurrence: { frequency: "Daily", start: "02:00:00" }
 * })
 * ```
 */
export const create = (
  fields: NewSchedule
): Effect.Effect<ScheduleItem, CommonError | Conflict | UnsupportedApiVersion, TableauSession> =>
  Operation.run(ops.create, {}, {
    body: scheduleElement({ ...fields, priority: fields.priority ?? 50, executionOrder: fields.executionOrder ?? "Parallel" })
  })

/**
 * Changes a schedule: name, state (`Suspended` stops it), priority,
 * execution order, or its recurrence. REST:
 * `PUT /api/{v}/schedules/{scheduleId}`. Fails with `NotFound` (404023),
 * `Conflict` (409021, the name is taken), `BadRequest` (400, 409004 or
 * 400008: values Tableau refuses), `Forbidden` (not a server
 * administrator), `UnsupportedApiVersion` before 2.3, or a `CommonError`.
 * Minimum API version: 2.3. Tableau Server only.
 *
 * @since 0.1.0
 * @category writing
 * @example
 * ```ts
 * const paused = yield* Schedules.update(scheduleId, { state: "Suspended" })
 * ```
 */
export const update = (
  scheduleId: ScheduleId,
  changes: ScheduleFields
): Effect.Effect<ScheduleItem, CommonError | NotFound | Conflict | UnsupportedApiVersion, TableauSession> =>
  Operation.run(ops.update, { scheduleId }, { body: scheduleElement(changes) })

const delete_ = (
  scheduleId: ScheduleId
): Effect.Effect<void, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Operation.run(ops.delete, { scheduleId })

export {
  /**
   * Deletes a schedule and the tasks on it. REST:
   * `DELETE /api/{v}/schedules/{scheduleId}`. Fails with `NotFound`
   * (404023), `Forbidden` (not a server administrator),
   * `UnsupportedApiVersion` before 2.3, or a `CommonError`. Minimum API
   * version: 2.3. Tableau Server only.
   *
   * @since 0.1.0
   * @category writing
   * @example
   * ```ts
   * yield* Schedules.delete(scheduleId)
   * ```
   */
  delete_ as delete
}
