/**
 * Fake routes: server schedules (Tableau Server; server-scoped). Anyone
 * signed in may read them; creating, changing and deleting them needs a
 * server administrator. A new fake has Tableau Server's usual default
 * schedules, created when schedules are first used.
 *
 * Errors as the REST reference documents them: 409021 for a taken name,
 * 404023 for an unknown schedule, 400 with 409004 for frequency details
 * that do not match the frequency. The value rules below (hourly every 1,
 * 2, 4, 6, 8 or 12 hours or 15 or 30 minutes with an end time; weekly on
 * named days; monthly on days 1 to 31 or LastDay; priority 1 to 100) are
 * those of Tableau Server's schedule editor and TSC's checks; the exact
 * error code Tableau sends for a bad priority or state is not documented
 * (400000 here).
 *
 * @internal
 */
import type { Context, FakeState, Route } from "../server.ts"
import { extension } from "../server.ts"
import { type FakeRecord, makeTable, put, remove, type Table } from "../store.ts"
import { attr, badRequest, conflict, element, noContent, notFound, parseBody, requestElement, xml } from "../wire.ts"
import { listAnswer, requireServerAdmin } from "./common.ts"
import { stamp } from "../content.ts"

const TYPES = new Set(["Extract", "Subscription", "Flow", "DataAcceleration", "ActiveDirectorySync", "System"])
const WEEK_DAYS = new Set(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"])
const HOURS = new Set(["1", "2", "4", "6", "8", "12"])
const MINUTES = new Set(["15", "30"])
const TIME = /^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/

type Interval = Readonly<Record<string, string>>

/** Frequency, start, end and intervals of a schedule, as stored (`_`-prefixed keys are not rendered). */
interface Recurrence {
  readonly frequency: string
  readonly _start: string
  readonly _end: string | undefined
  readonly _intervals: string
}

const seed = (state: FakeState): Table => {
  const schedules = makeTable()
  const now = new Date(state.now()).toISOString().replace(/\.\d{3}Z$/, "Z")
  const defaults: ReadonlyArray<readonly [string, string, string, string, ReadonlyArray<Interval>]> = [
    ["Weekday early mornings", "Extract", "Weekly", "05:00:00", "Monday Tuesday Wednesday Thursday Friday".split(" ").map((weekDay) => ({ weekDay }))],
    ["Saturday night", "Extract", "Weekly", "23:00:00", [{ weekDay: "Saturday" }]],
    ["End of the month", "Extract", "Monthly", "23:00:00", [{ monthDay: "LastDay" }]],
    ["Monday morning", "Subscription", "Weekly", "06:00:00", [{ weekDay: "Monday" }]]
  ]
  for (const [name, type, frequency, start, intervals] of defaults) {
    put(schedules, {
      id: state.newId(),
      name,
      state: "Active",
      priority: "50",
      createdAt: now,
      updatedAt: now,
      type,
      frequency,
      nextRunAt: nextRun(state, start),
      executionOrder: "Parallel",
      _start: start,
      _end: undefined,
      _intervals: JSON.stringify(intervals)
    })
  }
  return schedules
}

const schedulesOf = (ctx: Context): Table => extension(ctx.state, "schedules", () => seed(ctx.state))

/** The next time of day `start` comes after now (the fake does not run schedules, nor read their days). */
const nextRun = (state: FakeState, start: string): string => {
  const now = new Date(state.now())
  const [h, m, s] = start.split(":").map(Number) as [number, number, number]
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), h, m, s))
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1)
  return next.toISOString().replace(/\.\d{3}Z$/, "Z")
}

const render = (record: FakeRecord): string => {
  const attributes = Object.fromEntries(Object.entries(record).filter(([key]) => !key.startsWith("_")))
  const intervals = JSON.parse(record["_intervals"] ?? "[]") as ReadonlyArray<Interval>
  return element(
    "schedule",
    attributes,
    element(
      "frequencyDetails",
      { start: record["_start"], end: record["_end"] },
      intervals.length === 0 ? undefined : element("intervals", {}, intervals.map((i) => element("interval", i)).join(""))
    )
  )
}

/** A schedule in Query Schedules: without its frequency details, as Tableau lists them. */
const renderListed = (record: FakeRecord): string =>
  element("schedule", Object.fromEntries(Object.entries(record).filter(([key]) => !key.startsWith("_"))))

const invalidDetails = (detail: string) => badRequest("409004", detail)

/** Reads and checks `frequency` and `<frequencyDetails>`. */
const recurrenceOf = (schedule: Record<string, unknown>): Recurrence => {
  const frequency = attr(schedule, "frequency")
  const details = schedule["frequencyDetails"]
  if (typeof details !== "object" || details === null) {
    throw invalidDetails("A schedule needs a frequency and <frequencyDetails>.")
  }
  const start = attr(details as Record<string, unknown>, "start")
  const end = attr(details as Record<string, unknown>, "end")
  const rawIntervals = (details as Record<string, unknown>)["intervals"]
  const list = typeof rawIntervals === "object" && rawIntervals !== null
    ? (rawIntervals as Record<string, unknown>)["interval"]
    : undefined
  const intervals: ReadonlyArray<Interval> = (Array.isArray(list) ? list : list === undefined ? [] : [list]).map(
    (i) => Object.fromEntries(Object.entries(i as Record<string, unknown>).filter(([, v]) => typeof v === "string")) as Interval
  )
  if (start === undefined || !TIME.test(start)) throw invalidDetails(`The start time '${start ?? ""}' is not HH:MM:SS.`)
  if (end !== undefined && !TIME.test(end)) throw invalidDetails(`The end time '${end}' is not HH:MM:SS.`)
  const weekDays = intervals.filter((i) => i["weekDay"] !== undefined)
  for (const i of weekDays) {
    if (!WEEK_DAYS.has(i["weekDay"]!)) throw invalidDetails(`'${i["weekDay"]}' is not a day of the week.`)
  }
  const others = intervals.filter((i) => i["weekDay"] === undefined)
  switch (frequency) {
    case "Hourly": {
      const [every, ...extra] = others
      const ok = every !== undefined && extra.length === 0 &&
        (HOURS.has(every["hours"] ?? "") || MINUTES.has(every["minutes"] ?? "")) && Object.keys(every).length === 1
      if (!ok) throw invalidDetails("An hourly schedule needs one interval of hours (1, 2, 4, 6, 8, 12) or minutes (15, 30).")
      if (end === undefined) throw invalidDetails("An hourly schedule needs an end time.")
      break
    }
    case "Daily":
      if (others.length > 0) throw invalidDetails("A daily schedule takes only weekDay intervals.")
      break
    case "Weekly":
      if (weekDays.length === 0 || others.length > 0) throw invalidDetails("A weekly schedule needs weekDay intervals only.")
      break
    case "Monthly":
      if (
        weekDays.length > 0 || others.length === 0 ||
        others.some((i) => Object.keys(i).length !== 1 || !/^([1-9]|[12]\d|3[01]|LastDay)$/.test(i["monthDay"] ?? ""))
      ) throw invalidDetails("A monthly schedule needs monthDay intervals (1 to 31 or LastDay).")
      break
    default:
      throw invalidDetails(`'${frequency ?? ""}' is not a frequency (Hourly, Daily, Weekly, Monthly).`)
  }
  return { frequency, _start: start, _end: frequency === "Hourly" ? end : undefined, _intervals: JSON.stringify(intervals) }
}

const settingsOf = (schedule: Record<string, unknown>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const key of ["name", "state", "priority", "executionOrder"]) {
    const value = attr(schedule, key)
    if (value !== undefined) out[key] = value
  }
  if (out["name"] !== undefined && out["name"].trim() === "") throw badRequest("400000", "A schedule needs a name.")
  const priority = out["priority"]
  if (priority !== undefined && !(/^\d+$/.test(priority) && Number(priority) >= 1 && Number(priority) <= 100)) {
    throw badRequest("400000", `The priority '${priority}' is not between 1 and 100.`)
  }
  if (out["state"] !== undefined && out["state"] !== "Active" && out["state"] !== "Suspended") {
    throw badRequest("400000", `'${out["state"]}' is not a schedule state (Active, Suspended).`)
  }
  if (out["executionOrder"] !== undefined && out["executionOrder"] !== "Parallel" && out["executionOrder"] !== "Serial") {
    throw badRequest("400000", `'${out["executionOrder"]}' is not an execution order (Parallel, Serial).`)
  }
  return out
}

const checkName = (schedules: Table, name: string, except?: string) => {
  for (const other of schedules.rows.values()) {
    if (other.id !== except && other["name"]?.toLowerCase() === name.toLowerCase()) {
      throw conflict("409021", `A schedule named '${name}' already exists.`)
    }
  }
}

const find = (ctx: Context): FakeRecord => {
  const id = ctx.params["scheduleId"]!
  const found = schedulesOf(ctx).rows.get(id)
  if (found === undefined) throw notFound("404023", "Schedule", id)
  return found
}

const create = async (ctx: Context) => {
  requireServerAdmin(ctx)
  const body = requestElement(parseBody(await ctx.text()), "schedule")
  const settings = settingsOf(body)
  const type = attr(body, "type")
  if (settings["name"] === undefined) throw badRequest("400000", "A schedule needs a name.")
  if (type === undefined || !TYPES.has(type)) throw badRequest("400000", `'${type ?? ""}' is not a schedule type.`)
  const recurrence = recurrenceOf(body)
  const schedules = schedulesOf(ctx)
  checkName(schedules, settings["name"])
  const now = stamp(ctx.state)
  const record = put(schedules, {
    id: ctx.state.newId(),
    name: settings["name"],
    state: settings["state"] ?? "Active",
    priority: settings["priority"] ?? "50",
    createdAt: now,
    updatedAt: now,
    type,
    frequency: recurrence.frequency,
    nextRunAt: nextRun(ctx.state, recurrence._start),
    executionOrder: settings["executionOrder"] ?? "Parallel",
    _start: recurrence._start,
    _end: recurrence._end,
    _intervals: recurrence._intervals
  })
  return xml(render(record), 201)
}

const list = (ctx: Context) => listAnswer(ctx, schedulesOf(ctx), "schedules", renderListed, { fields: new Set() })

const get = (ctx: Context) => xml(render(find(ctx)))

const update = async (ctx: Context) => {
  requireServerAdmin(ctx)
  const schedule = find(ctx)
  const body = requestElement(parseBody(await ctx.text()), "schedule")
  const settings = settingsOf(body)
  const recurrence = attr(body, "frequency") !== undefined || body["frequencyDetails"] !== undefined
    ? recurrenceOf(body)
    : undefined
  if (settings["name"] !== undefined) checkName(schedulesOf(ctx), settings["name"], schedule.id)
  const state = settings["state"] ?? schedule["state"]
  const start = recurrence?._start ?? schedule["_start"] ?? "00:00:00"
  const updated = put(schedulesOf(ctx), {
    ...schedule,
    ...settings,
    ...recurrence,
    updatedAt: stamp(ctx.state),
    nextRunAt: state === "Suspended" ? undefined : nextRun(ctx.state, start)
  })
  return xml(render(updated))
}

const delete_ = (ctx: Context) => {
  requireServerAdmin(ctx)
  remove(schedulesOf(ctx), find(ctx).id)
  return noContent()
}

export const routes: ReadonlyArray<Route> = [
  { method: "POST", pattern: "/api/:v/schedules", handler: create },
  { method: "GET", pattern: "/api/:v/schedules", handler: list },
  { method: "GET", pattern: "/api/:v/schedules/:scheduleId", handler: get },
  { method: "PUT", pattern: "/api/:v/schedules/:scheduleId", handler: update },
  { method: "DELETE", pattern: "/api/:v/schedules/:scheduleId", handler: delete_ }
]
