/**
 * Fake routes: background jobs. Other routes start jobs with `createJob`;
 * a job finishes after a number of polls (`GET .../jobs/{id}`), runs its
 * `onFinish` effect on the fake's state, and reports its outcome.
 *
 * @internal
 */
import type { Context, FakeState, Route } from "../server.ts"
import { extension, table } from "../server.ts"
import { type FakeRecord, makeTable, put } from "../store.ts"
import { element, noContent, notFound, textElement, xml } from "../wire.ts"
import { listAnswer } from "./common.ts"
import { tooOld, versionAtLeast } from "./directory.ts"

/** How a fake job ends. */
export type JobOutcome = "success" | "failed" | "cancelled"

interface JobPlan {
  polls: number
  readonly pollsUntilDone: number
  outcome: JobOutcome
  readonly notes: ReadonlyArray<string>
  readonly onFinish: (() => ReadonlyArray<string> | void) | undefined
}

const plans = (state: FakeState) => extension(state, "jobs", () => new Map<string, JobPlan>())

const stamp = (state: FakeState) => new Date(state.now()).toISOString().replace(/\.\d{3}Z$/, "Z")

/** Starts a job; returns its record (render it with `renderJob`). */
export const createJob = (
  state: FakeState,
  siteId: string,
  options: {
    readonly type: string
    /** Polls before the job finishes (default 2; 0: finished at once). */
    readonly pollsUntilDone?: number
    readonly outcome?: JobOutcome
    readonly notes?: ReadonlyArray<string>
    /** Runs when the job finishes successfully; returned lines become notes. */
    readonly onFinish?: () => ReadonlyArray<string> | void
    /**
     * The job-type element Tableau puts under `<job>` (`extractRefreshJob`
     * for RefreshExtract) and the item it names; the job's notes go inside it.
     */
    readonly detail?: { readonly element: string; readonly kind: string; readonly id: string; readonly name?: string | undefined }
  }
): FakeRecord => {
  const id = state.newId()
  const record = put(table(state, "jobs", siteId), {
    id,
    mode: "Asynchronous",
    type: options.type,
    progress: "0",
    createdAt: stamp(state),
    _detailElement: options.detail?.element,
    _detailKind: options.detail?.kind,
    _detailId: options.detail?.id,
    _detailName: options.detail?.name
  })
  const plan: JobPlan = {
    polls: 0,
    pollsUntilDone: options.pollsUntilDone ?? 2,
    outcome: options.outcome ?? "success",
    notes: options.notes ?? [],
    onFinish: options.onFinish
  }
  plans(state).set(id, plan)
  if (plan.pollsUntilDone === 0) return advance(state, siteId, record)
  return record
}

const finishCodes: Record<JobOutcome, string> = { success: "0", failed: "1", cancelled: "2" }

const advance = (state: FakeState, siteId: string, record: FakeRecord): FakeRecord => {
  const plan = plans(state).get(record.id)
  if (plan === undefined || record["finishCode"] !== undefined) return record
  plan.polls++
  if (plan.polls < plan.pollsUntilDone) {
    return put(table(state, "jobs", siteId), {
      ...record,
      startedAt: record["startedAt"] ?? stamp(state),
      progress: String(Math.floor((plan.polls / plan.pollsUntilDone) * 100))
    })
  }
  const extra = plan.outcome === "success" ? (plan.onFinish?.() ?? []) : []
  const notes = [...plan.notes, ...extra]
  return put(table(state, "jobs", siteId), {
    ...record,
    startedAt: record["startedAt"] ?? stamp(state),
    completedAt: stamp(state),
    progress: "100",
    finishCode: finishCodes[plan.outcome],
    notes: notes.length > 0 ? notes.join("\n") : undefined
  })
}

/**
 * Renders a job as Tableau does. A job with a job-type element (an extract
 * refresh) has its notes and its item inside that element
 * (`<extractRefreshJob><notes/><workbook/></extractRefreshJob>`), as Query
 * Job documents; other jobs (user imports, ...) have status notes and
 * notes directly under `<job>`.
 */
export const renderJob = (record: FakeRecord): string => {
  const { notes, _detailElement, _detailKind, _detailId, _detailName, ...attributes } = record
  const notesElement = notes === undefined ? "" : textElement("notes", notes)
  if (_detailElement !== undefined) {
    const target = _detailKind === undefined ? "" : element(_detailKind, { id: _detailId, name: _detailName })
    return element("job", attributes, element(_detailElement, {}, notesElement + target))
  }
  const statusNotes = notes === undefined
    ? ""
    : `<statusNotes>${notes.split("\n").map((text) => element("statusNote", { type: "Info", text })).join("")}</statusNotes>`
  return element("job", attributes, statusNotes + notesElement)
}

const get = (ctx: Context) => {
  const jobs = table(ctx.state, "jobs", ctx.auth.siteId)
  const record = jobs.rows.get(ctx.params["jobId"]!)
  if (record === undefined) throw notFound("404031", "Job", ctx.params["jobId"]!)
  return xml(renderJob(advance(ctx.state, ctx.auth.siteId, record)))
}

const cancel = (ctx: Context) => {
  const jobs = table(ctx.state, "jobs", ctx.auth.siteId)
  const record = jobs.rows.get(ctx.params["jobId"]!)
  if (record === undefined) throw notFound("404031", "Job", ctx.params["jobId"]!)
  const plan = plans(ctx.state).get(record.id)
  if (plan !== undefined && record["finishCode"] === undefined) {
    plan.outcome = "cancelled"
    put(jobs, { ...record, completedAt: stamp(ctx.state), finishCode: "2" })
  }
  return noContent(200)
}

/**
 * Query Jobs' `jobType` of a job type: the reference writes them in snake
 * case (`refresh_extracts`); the names other than `refresh_extracts` are
 * the fake's guess (not confirmed against a server).
 */
const JOB_TYPES: Readonly<Record<string, string>> = {
  RefreshExtract: "refresh_extracts",
  PublishWorkbook: "publish_workbook",
  PublishDatasource: "publish_datasource",
  UserImport: "import_users",
  UserDelete: "delete_users",
  GroupImport: "group_sync"
}

const statusOf = (record: FakeRecord): string =>
  record["finishCode"] === "0"
    ? "Success"
    : record["finishCode"] === "1"
    ? "Failed"
    : record["finishCode"] === "2"
    ? "Cancelled"
    : record["startedAt"] !== undefined
    ? "InProgress"
    : "Pending"

const BACKGROUND_JOB_FIELDS = new Set([
  "id", "status", "jobType", "createdAt", "startedAt", "endedAt", "priority", "title", "subtitle", "notes", "args"
])

/**
 * Query Jobs (API 3.1): `<backgroundJobs><backgroundJob .../></backgroundJobs>`,
 * filtered (`status:eq:Failed`, `jobType:eq:refresh_extracts`,
 * `createdAt:gt:...`), sorted and paged like other lists.
 */
const list = (ctx: Context) => {
  if (!versionAtLeast(ctx, "3.1")) throw tooOld(ctx, "3.1")
  const source = makeTable()
  for (const record of table(ctx.state, "jobs", ctx.auth.siteId).rows.values()) {
    put(source, {
      id: record.id,
      status: statusOf(record),
      createdAt: record["createdAt"],
      startedAt: record["startedAt"],
      endedAt: record["completedAt"],
      priority: "50",
      jobType: JOB_TYPES[record["type"] ?? ""] ?? (record["type"] ?? "").toLowerCase(),
      title: record["_detailName"] ?? record["type"],
      subtitle: record["_detailKind"] === undefined ? undefined : record["_detailKind"][0]!.toUpperCase() + record["_detailKind"].slice(1)
    })
  }
  return listAnswer(ctx, source, "backgroundJobs", (r) => element("backgroundJob", r), { fields: BACKGROUND_JOB_FIELDS })
}

export const routes: ReadonlyArray<Route> = [
  { method: "GET", pattern: "/api/:v/sites/:siteId/jobs", handler: list },
  { method: "GET", pattern: "/api/:v/sites/:siteId/jobs/:jobId", handler: get },
  { method: "PUT", pattern: "/api/:v/sites/:siteId/jobs/:jobId", handler: cancel }
]
