import { describe, expect, it } from "@effect/vitest"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { readFileSync } from "node:fs"
import { Credentials, Ids, Schedules, TableauSession } from "../mod.ts"
import * as Endpoint from "../src/internal/endpoint.ts"
import * as FakeTableau from "../src/testing.ts"
import type { Page } from "../src/RequestOptions.ts"

const layer = (options: FakeTableau.SessionLayerOptions = {}) => FakeTableau.sessionLayer({ recordBodies: true, ...options })
const missing = Ids.ScheduleId.make("00000000-0000-4000-a000-000000000000")
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")
const oneSchedule = Endpoint.one("schedule", Schedules.ScheduleItem)

const lastBody = (log: ReadonlyArray<FakeTableau.LogEntry>, method: string) =>
  [...log].reverse().find((e) => e.method === method)?.body ?? ""

/** A recurrence the types refuse, to see what Tableau (the fake) answers to it. */
const unchecked = (recurrence: unknown) => recurrence as Schedules.Recurrence

/** The seeded schedules plus the ones a test creates. */
const DEFAULTS = 4

describe("Schedules", () => {
  it.effect("create hourly: every N hours between start and end, on chosen days, as Tableau's XML", () =>
    Effect.gen(function*() {
      const created = yield* Schedules.create({
        name: "Every two hours",
        type: "Extract",
        recurrence: { frequency: "Hourly", start: "06:00:00", end: "18:00:00", every: { hours: 2 }, weekDays: ["Monday", "Friday"] }
      })
      const fake = yield* FakeTableau.FakeTableau
      expect(lastBody(fake.log, "POST")).toBe(
        "<tsRequest><schedule name=\"Every two hours\" priority=\"50\" type=\"Extract\" frequency=\"Hourly\" executionOrder=\"Parallel\">" +
          "<frequencyDetails start=\"06:00:00\" end=\"18:00:00\"><intervals><interval hours=\"2\"/><interval weekDay=\"Monday\"/>" +
          "<interval weekDay=\"Friday\"/></intervals></frequencyDetails></schedule></tsRequest>"
      )
      expect(fake.log.at(-1)).toMatchObject({ path: "/api/3.24/schedules", status: 201 })
      expect(created).toMatchObject({ name: "Every two hours", type: "Extract", frequency: "Hourly", state: "Active", priority: 50, executionOrder: "Parallel" })
      expect(created.nextRunAt).toBeInstanceOf(Date)
      expect(created.frequencyDetails?.start).toBe("06:00:00")
      expect(created.frequencyDetails?.end).toBe("18:00:00")
      expect(created.frequencyDetails?.intervals.map((i) => ({ ...i }))).toEqual([{ hours: 2 }, { weekDay: "Monday" }, { weekDay: "Friday" }])
      const minutes = yield* Schedules.create({
        name: "Every half hour",
        type: "Extract",
        priority: 10,
        executionOrder: "Serial",
        recurrence: { frequency: "Hourly", start: "08:00:00", end: "17:00:00", every: { minutes: 30 } }
      })
      expect(minutes).toMatchObject({ priority: 10, executionOrder: "Serial" })
      expect(minutes.frequencyDetails?.intervals.map((i) => i.minutes)).toEqual([30])
    }).pipe(Effect.provide(layer())))

  it.effect("create daily, weekly and monthly schedules", () =>
    Effect.gen(function*() {
      const daily = yield* Schedules.create({ name: "Nightly", type: "Flow", recurrence: { frequency: "Daily", start: "02:00:00" } })
      const fake = yield* FakeTableau.FakeTableau
      expect(lastBody(fake.log, "POST")).toBe(
        "<tsRequest><schedule name=\"Nightly\" priority=\"50\" type=\"Flow\" frequency=\"Daily\" executionOrder=\"Parallel\">" +
          "<frequencyDetails start=\"02:00:00\"/></schedule></tsRequest>"
      )
      expect(daily).toMatchObject({ type: "Flow", frequency: "Daily" })
      expect(daily.frequencyDetails?.intervals).toEqual([])
      const weekdays = yield* Schedules.create({
        name: "Weekday nights",
        type: "Extract",
        recurrence: { frequency: "Daily", start: "22:00:00", weekDays: ["Monday", "Tuesday"] }
      })
      expect(weekdays.frequencyDetails?.intervals.map((i) => i.weekDay)).toEqual(["Monday", "Tuesday"])
      const weekly = yield* Schedules.create({
        name: "Monday and Friday",
        type: "Subscription",
        recurrence: { frequency: "Weekly", start: "07:00:00", weekDays: ["Monday", "Friday"] }
      })
      expect(weekly).toMatchObject({ type: "Subscription", frequency: "Weekly" })
      expect(weekly.frequencyDetails?.intervals.map((i) => i.weekDay)).toEqual(["Monday", "Friday"])
      const monthly = yield* Schedules.create({
        name: "Mid and end of month",
        type: "Extract",
        recurrence: { frequency: "Monthly", start: "23:00:00", monthDays: [15, "LastDay"] }
      })
      expect(lastBody(fake.log, "POST")).toContain("<intervals><interval monthDay=\"15\"/><interval monthDay=\"LastDay\"/></intervals>")
      expect(monthly.frequencyDetails?.intervals.map((i) => i.monthDay)).toEqual(["15", "LastDay"])
      expect(monthly.frequencyDetails?.end).toBeUndefined()
    }).pipe(Effect.provide(layer())))

  it.effect("get reads one schedule with its frequency details; an unknown ID is NotFound (404023)", () =>
    Effect.gen(function*() {
      const created = yield* Schedules.create({
        name: "Weekly",
        type: "Extract",
        recurrence: { frequency: "Weekly", start: "05:00:00", weekDays: ["Sunday"] }
      })
      const read = yield* Schedules.get(created.id)
      expect(read).toMatchObject({ id: created.id, name: "Weekly", frequency: "Weekly" })
      expect(read.frequencyDetails?.intervals.map((i) => i.weekDay)).toEqual(["Sunday"])
      const error = yield* Effect.flip(Schedules.get(missing))
      expect(error).toMatchObject({ _tag: "NotFound", status: 404, code: "404023" })
    }).pipe(Effect.provide(layer())))

  it.effect("get needs API 3.8: on 3.7 it fails before sending", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const sent = fake.log.length
      const error = yield* Effect.flip(Schedules.get(missing))
      expect(error).toMatchObject({ _tag: "UnsupportedApiVersion", required: "3.8", actual: "3.7" })
      expect(fake.log.length).toBe(sent)
    }).pipe(Effect.provide(layer({ session: { apiVersion: "3.7" } }))))

  it.effect("list and getPage page through the server's schedules: the defaults, then the new ones", () =>
    Effect.gen(function*() {
      for (const name of ["A", "B", "C"]) {
        yield* Schedules.create({ name, type: "Extract", recurrence: { frequency: "Daily", start: "01:00:00" } })
      }
      const first = yield* Schedules.getPage({ pageSize: 3 })
      expect(first.pagination).toMatchObject({ pageNumber: 1, pageSize: 3, totalAvailable: DEFAULTS + 3 })
      expect(first.items.length).toBe(3)
      const last = yield* Schedules.getPage({ pageSize: 3, pageNumber: 3 })
      expect(last.items.map((s) => s.name)).toEqual(["C"])
      const all = yield* Stream.runCollect(Schedules.list({ pageSize: 2 }))
      expect([...all].map((s) => s.name)).toEqual([
        "Weekday early mornings",
        "Saturday night",
        "End of the month",
        "Monday morning",
        "A",
        "B",
        "C"
      ])
      expect(new Set([...all].map((s) => s.id)).size).toBe(DEFAULTS + 3)
      // As Tableau lists them: attributes only, no frequency details.
      expect([...all].every((s) => s.frequencyDetails === undefined && s.frequency !== undefined)).toBe(true)
      const fake = yield* FakeTableau.FakeTableau
      expect(fake.log.filter((e) => e.path === "/api/3.24/schedules" && e.method === "GET").length).toBe(2 + 4)
    }).pipe(Effect.provide(layer())))

  it.effect("update renames, suspends, re-prioritises and changes the recurrence", () =>
    Effect.gen(function*() {
      const created = yield* Schedules.create({
        name: "Hourly",
        type: "Extract",
        recurrence: { frequency: "Hourly", start: "00:00:00", end: "23:00:00", every: { hours: 1 } }
      })
      const suspended = yield* Schedules.update(created.id, { name: "Paused", state: "Suspended", priority: 90 })
      const fake = yield* FakeTableau.FakeTableau
      expect(lastBody(fake.log, "PUT")).toBe("<tsRequest><schedule name=\"Paused\" state=\"Suspended\" priority=\"90\"/></tsRequest>")
      expect(suspended).toMatchObject({ id: created.id, name: "Paused", state: "Suspended", priority: 90, frequency: "Hourly" })
      expect(suspended.nextRunAt).toBeUndefined()
      expect(suspended.frequencyDetails?.intervals.map((i) => i.hours)).toEqual([1])
      const weekly = yield* Schedules.update(created.id, {
        state: "Active",
        recurrence: { frequency: "Weekly", start: "09:30:00", weekDays: ["Tuesday"] }
      })
      expect(lastBody(fake.log, "PUT")).toBe(
        "<tsRequest><schedule state=\"Active\" frequency=\"Weekly\"><frequencyDetails start=\"09:30:00\">" +
          "<intervals><interval weekDay=\"Tuesday\"/></intervals></frequencyDetails></schedule></tsRequest>"
      )
      expect(weekly).toMatchObject({ name: "Paused", state: "Active", frequency: "Weekly", type: "Extract" })
      expect(weekly.frequencyDetails?.start).toBe("09:30:00")
      expect(weekly.frequencyDetails?.end).toBeUndefined()
      expect(weekly.nextRunAt).toBeInstanceOf(Date)
      expect((yield* Schedules.get(created.id)).frequency).toBe("Weekly")
    }).pipe(Effect.provide(layer())))

  it.effect("update fails with NotFound (404023) for an unknown schedule and Conflict (409021) for a taken name", () =>
    Effect.gen(function*() {
      const notFound = yield* Effect.flip(Schedules.update(missing, { name: "X" }))
      expect(notFound).toMatchObject({ _tag: "NotFound", status: 404, code: "404023" })
      const created = yield* Schedules.create({ name: "Mine", type: "Extract", recurrence: { frequency: "Daily", start: "03:00:00" } })
      const taken = yield* Effect.flip(Schedules.update(created.id, { name: "saturday NIGHT" }))
      expect(taken).toMatchObject({ _tag: "Conflict", status: 409, code: "409021" })
      // Keeping its own name is not a conflict.
      expect((yield* Schedules.update(created.id, { name: "Mine" })).name).toBe("Mine")
    }).pipe(Effect.provide(layer())))

  it.effect("create fails with Conflict (409021) when the name is taken, whatever its case", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Schedules.create({ name: "weekday EARLY mornings", type: "Extract", recurrence: { frequency: "Daily", start: "04:00:00" } })
      )
      expect(error).toMatchObject({ _tag: "Conflict", status: 409, code: "409021" })
    }).pipe(Effect.provide(layer())))

  it.effect("frequency details Tableau refuses are BadRequest (400, 409004), on create and on update", () =>
    Effect.gen(function*() {
      const refused = (recurrence: unknown) =>
        Effect.flip(Schedules.create({ name: `Bad ${JSON.stringify(recurrence)}`, type: "Extract", recurrence: unchecked(recurrence) }))
      const cases = [
        { frequency: "Hourly", start: "06:00:00", end: "18:00:00", every: { hours: 3 } },
        { frequency: "Hourly", start: "06:00:00", every: { hours: 2 } },
        { frequency: "Hourly", start: "06:00:00", end: "18:00:00", every: { minutes: 20 } },
        { frequency: "Weekly", start: "07:00:00", weekDays: [] },
        { frequency: "Weekly", start: "07:00:00", weekDays: ["Funday"] },
        { frequency: "Monthly", start: "07:00:00", monthDays: [32] },
        { frequency: "Daily", start: "25:00:00" },
        { frequency: "Quarterly", start: "07:00:00" }
      ]
      for (const recurrence of cases) {
        const error = yield* refused(recurrence)
        expect(error, JSON.stringify(recurrence)).toMatchObject({ _tag: "BadRequest", status: 400, code: "409004" })
      }
      const created = yield* Schedules.create({ name: "Good", type: "Extract", recurrence: { frequency: "Daily", start: "04:00:00" } })
      const update = yield* Effect.flip(Schedules.update(created.id, { recurrence: unchecked(cases[0]) }))
      expect(update).toMatchObject({ _tag: "BadRequest", code: "409004" })
      expect((yield* Schedules.get(created.id)).frequency).toBe("Daily")
    }).pipe(Effect.provide(layer())))

  it.effect("delete removes a schedule; an unknown one is NotFound (404023)", () =>
    Effect.gen(function*() {
      const created = yield* Schedules.create({ name: "Short-lived", type: "Extract", recurrence: { frequency: "Daily", start: "04:00:00" } })
      yield* Schedules.delete(created.id)
      const fake = yield* FakeTableau.FakeTableau
      expect(fake.log.at(-1)).toMatchObject({ method: "DELETE", path: `/api/3.24/schedules/${created.id}`, status: 204 })
      expect((yield* Effect.flip(Schedules.get(created.id)))._tag).toBe("NotFound")
      const again = yield* Effect.flip(Schedules.delete(created.id))
      expect(again).toMatchObject({ _tag: "NotFound", status: 404, code: "404023" })
    }).pipe(Effect.provide(layer())))

  it.effect("only server administrators create, update or delete schedules (Forbidden); others may read them", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.make({ users: 2 })
      const viewer = [...fake.state.tables.get(`users@${fake.defaultSiteId}`)!.rows.values()][1]!
      const client = yield* FakeTableau.httpClient(fake)
      const asViewer = <A, E>(effect: Effect.Effect<A, E, TableauSession.TableauSession>) =>
        effect.pipe(
          Effect.provide(TableauSession.layer({
            server: FakeTableau.FAKE_URL,
            credentials: Credentials.password({ username: "admin", password: "admin", impersonateUserId: Ids.UserId.make(viewer.id) })
          })),
          Effect.provideService(HttpClient.HttpClient, client)
        )
      const schedules = yield* asViewer(Stream.runCollect(Schedules.list()))
      expect(schedules.length).toBe(DEFAULTS)
      const [first] = schedules
      const create = yield* Effect.flip(
        asViewer(Schedules.create({ name: "Mine", type: "Extract", recurrence: { frequency: "Daily", start: "04:00:00" } }))
      )
      expect(create).toMatchObject({ _tag: "Forbidden", status: 403 })
      expect((yield* Effect.flip(asViewer(Schedules.update(first!.id, { state: "Suspended" }))))._tag).toBe("Forbidden")
      expect((yield* Effect.flip(asViewer(Schedules.delete(first!.id))))._tag).toBe("Forbidden")
      expect(yield* asViewer(Schedules.get(first!.id))).toMatchObject({ id: first!.id, state: "Active" })
    }))
})

describe("Schedules: decoding Tableau's documented shapes", () => {
  it.effect("an hourly schedule with its end time, a minutes interval and weekdays", () =>
    Effect.gen(function*() {
      const s = yield* oneSchedule.decode("Schedules.get", 200, fixture("schedule-hourly.xml"))
      expect(s).toMatchObject({
        id: "1b2c3d4e-0001-4a5b-9c8d-7e6f5a4b3c2d",
        name: "Business hours, every 30 minutes",
        state: "Active",
        priority: 20,
        type: "Extract",
        frequency: "Hourly",
        executionOrder: "Serial"
      })
      expect(s.createdAt?.toISOString()).toBe("2025-03-01T08:00:00.000Z")
      expect(s.updatedAt?.toISOString()).toBe("2025-03-02T09:30:00.000Z")
      expect(s.nextRunAt?.toISOString()).toBe("2025-03-03T08:00:00.000Z")
      expect(s.frequencyDetails).toMatchObject({ start: "08:00:00", end: "18:00:00" })
      expect(s.frequencyDetails?.intervals.map((i) => ({ ...i }))).toEqual([
        { minutes: 30 },
        { weekDay: "Monday" },
        { weekDay: "Wednesday" }
      ])
    }))

  it.effect("a daily schedule without intervals, a suspended weekly one with an empty nextRunAt", () =>
    Effect.gen(function*() {
      const daily = yield* oneSchedule.decode("Schedules.get", 200, fixture("schedule-daily.xml"))
      expect(daily).toMatchObject({ type: "Flow", frequency: "Daily", frequencyDetails: { start: "02:00:00", intervals: [] } })
      const weekly = yield* oneSchedule.decode("Schedules.get", 200, fixture("schedule-weekly.xml"))
      expect(weekly).toMatchObject({ state: "Suspended", type: "Subscription", frequency: "Weekly", priority: 90 })
      expect(weekly.nextRunAt).toBeUndefined()
      expect(weekly.frequencyDetails?.intervals.map((i) => i.weekDay)).toEqual(["Monday", "Friday"])
    }))

  it.effect("a monthly schedule: an unknown type is kept and an unknown attribute tolerated", () =>
    Effect.gen(function*() {
      const s = yield* oneSchedule.decode("Schedules.get", 200, fixture("schedule-monthly-future.xml"))
      expect(s.type).toBe("MetricRefresh")
      expect(s).toMatchObject({ name: "Month end", frequency: "Monthly" })
      expect(s.frequencyDetails?.intervals.map((i) => i.monthDay)).toEqual(["15", "LastDay"])
    }))

  it.effect("a page of Query Schedules: attributes only", () =>
    Effect.gen(function*() {
      const decoder = Schedules.operations["list"]!.decoder as Endpoint.Decoder<Page<Schedules.ScheduleItem>>
      const page = yield* decoder.decode("Schedules.list", 200, fixture("schedules-page.xml"))
      expect(page.pagination?.totalAvailable).toBe(2)
      expect(page.items.map((s) => [s.name, s.type, s.frequency, s.priority])).toEqual([
        ["Saturday night", "Extract", "Weekly", 80],
        ["First of the month", "System", "Monthly", 30]
      ])
      expect(page.items[0]?.frequencyDetails).toBeUndefined()
    }))
})
