/**
 * The fake Tableau server: an in-memory implementation of the REST API as
 * a web-standard handler, `(Request) => Promise<Response | Reset>`.
 *
 * It enforces the auth token (401002 for a missing, signed-out or expired
 * token), checks that site-scoped URLs name the token's site, answers in
 * Tableau's XML, and injects faults: latency, 429/503 with `Retry-After`
 * (XML or HTML bodies), connection resets (before or after the handler has
 * acted), and requests that never answer.
 *
 * Resource routes live in `routes/*.ts`; `routes/index.ts` lists them.
 *
 * @internal
 */
import { type FakeRecord, makeTable, put, type Table } from "./store.ts"
import { errorResponse, FakeError } from "./wire.ts"

/** A connection reset: the HTTP adapter destroys the socket, the in-memory fetch throws. */
export const RESET: unique symbol = Symbol.for("effect-tableau/fake/Reset")
export type Reset = typeof RESET

/** What a token stands for. */
export interface TokenInfo {
  readonly token: string
  readonly siteId: string
  readonly userId: string
  expired: boolean
}

/** Everything the fake server knows. Routes extend it through `tables` and `extensions`. */
export interface FakeState {
  readonly apiVersion: string
  readonly productVersion: string
  readonly buildNumber: string
  /** Server-level table of sites. */
  readonly sites: Table
  /** Site-level tables, keyed `"<kind>@<siteId>"`. */
  readonly tables: Map<string, Table>
  readonly tokens: Map<string, TokenInfo>
  readonly credentials: FakeCredentials
  /** Per-resource state that is not a table (uploads, memberships, ...). */
  readonly extensions: Map<string, unknown>
  /** Generates IDs shaped like Tableau's LUIDs, deterministic per server. */
  readonly newId: () => string
  /** The current time, in ms (settable for tests of time-dependent behaviour). */
  now: () => number
}

/** The credentials the fake accepts. */
export interface FakeCredentials {
  readonly username: string
  readonly password: string
  readonly patName: string
  readonly patSecret: string
  readonly jwtTokens: ReadonlyArray<string>
}

/** The site-level table of a kind, created on first use. */
export const table = (state: FakeState, kind: string, siteId: string): Table => {
  const key = `${kind}@${siteId}`
  let found = state.tables.get(key)
  if (found === undefined) {
    found = makeTable()
    state.tables.set(key, found)
  }
  return found
}

/** Per-resource extension state, created on first use. */
export const extension = <T>(state: FakeState, key: string, make: () => T): T => {
  if (!state.extensions.has(key)) state.extensions.set(key, make())
  return state.extensions.get(key) as T
}

/** What a route handler gets. */
export interface Context {
  readonly request: Request
  readonly method: string
  readonly params: Readonly<Record<string, string>>
  readonly query: URLSearchParams
  readonly state: FakeState
  /** The caller's token (routes with `auth: true`). */
  readonly auth: TokenInfo
  /** The request body, as text. */
  readonly text: () => Promise<string>
}

export type Handler = (ctx: Context) => Response | Promise<Response>

/** A route: method, path pattern below the host (`/api/:v/sites/:siteId/users`), handler. */
export interface Route {
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  readonly pattern: string
  readonly handler: Handler
  /** Whether the route needs `X-Tableau-Auth` (default true). */
  readonly auth?: boolean | undefined
}

/** One scripted fault, applied to the next request it matches. */
export type FaultAction =
  | { readonly _tag: "Status"; readonly status: number; readonly retryAfter?: string | undefined; readonly html?: boolean | undefined }
  | { readonly _tag: "Reset" }
  /** The handler runs (the server acts), then the connection resets. */
  | { readonly _tag: "ResetAfter" }
  /** The request never answers. */
  | { readonly _tag: "Hang" }
  | { readonly _tag: "Delay"; readonly millis: number }

/** Which requests a scripted fault applies to. */
export interface FaultMatch {
  readonly method?: string | undefined
  /** A substring of the path, such as `"/users"`. */
  readonly path?: string | undefined
}

/** Faults applied to every request. */
export interface FaultPlan {
  /** Delay before answering, in ms. */
  latencyMs: number
  /** Fraction of requests (0..1) answered 503 or 429 (alternating), drawn from a seeded generator. */
  errorRate: number
  /** `Retry-After` sent with those answers (seconds). */
  retryAfterSeconds: number
  /** Every Nth request has its connection reset (0: never). */
  resetEvery: number
  /** Fault answers as HTML pages (as a proxy would send) instead of Tableau XML. */
  html: boolean
}

/** One line of the request log. */
export interface LogEntry {
  readonly method: string
  readonly path: string
  readonly status: number | "reset" | "hang"
  /** Whether the route handler ran (the server acted). */
  readonly handled: boolean
  /** The full request URL, query included (it never holds the token). */
  readonly url: string
  readonly contentType: string | undefined
  /** The request body as text, when the server records bodies (`recordBodies`). */
  readonly body?: string | undefined
}

/** Options of a fake server. */
export interface FakeOptions {
  /** Users to create on the default site besides the admin (default 0). */
  readonly users?: number | undefined
  /** Extra sites to create (default 0). */
  readonly sites?: number | undefined
  /** The REST API version the server reports (default "3.24"). */
  readonly apiVersion?: string | undefined
  readonly credentials?: Partial<FakeCredentials> | undefined
  /** Initial faults. */
  readonly faults?: Partial<FaultPlan> | undefined
  /** Seed of the ID and fault generators (default 1). */
  readonly seed?: number | undefined
  /** Keep request bodies (as text) in the log, for tests that check what was sent (default false). */
  readonly recordBodies?: boolean | undefined
}

/** The fake server. */
export interface FakeServer {
  readonly state: FakeState
  readonly faults: FaultPlan
  /** Scripted faults, consumed in order by matching requests. */
  readonly script: Array<{ readonly match: FaultMatch; readonly action: FaultAction }>
  /** The last 20,000 requests. */
  readonly log: Array<LogEntry>
  /** Request counter since start. */
  readonly count: () => number
  /** Handles one request. */
  readonly handle: (request: Request) => Promise<Response | Reset>
  /** The default site's ID. */
  readonly defaultSiteId: string
  /** The admin user's ID on the default site. */
  readonly adminUserId: string
}

const mulberry32 = (seed: number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const luid = (random: () => number) => () => {
  const hex = (n: number) =>
    Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join("")
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`
}

/** Site attributes of a new site record. */
export const siteRecord = (id: string, name: string, contentUrl: string, extra: Partial<FakeRecord> = {}): FakeRecord => ({
  id,
  name,
  contentUrl,
  adminMode: "ContentAndUsers",
  state: "Active",
  disableSubscriptions: "false",
  subscribeOthersEnabled: "true",
  revisionHistoryEnabled: "true",
  revisionLimit: "25",
  ...extra
})

/** User attributes of a new user record. */
export const userRecord = (id: string, name: string, siteRole: string, extra: Partial<FakeRecord> = {}): FakeRecord => ({
  id,
  name,
  siteRole,
  authSetting: "ServerDefault",
  fullName: name,
  email: undefined,
  lastLogin: undefined,
  externalAuthUserId: "",
  locale: undefined,
  language: "en",
  ...extra
})

/**
 * What every new Tableau site has: the `Default` project and the `All
 * Users` group, whose members are all the site's users (the group is
 * marked `_allUsers`; see `membersOf` in `routes/directory.ts`).
 */
export const seedSite = (state: FakeState, siteId: string, ownerId?: string): void => {
  const now = new Date(state.now()).toISOString().replace(/\.\d{3}Z$/, "Z")
  put(table(state, "projects", siteId), {
    id: state.newId(),
    name: "Default",
    description: "The default project that was automatically created by Tableau.",
    contentPermissions: "ManagedByOwner",
    createdAt: now,
    updatedAt: now,
    ownerId
  })
  put(table(state, "groups", siteId), { id: state.newId(), name: "All Users", _allUsers: "true" })
}

const compile = (pattern: string) => pattern.split("/").filter((s) => s !== "")

const htmlPage = (status: number) =>
  `<!DOCTYPE html><html><head><title>${status}</title></head><body><h1>${status} Service Unavailable</h1><p>Try again later.</p></body></html>`

/** Builds a fake server with the given routes. */
export const make = (routes: ReadonlyArray<Route>, options: FakeOptions = {}): FakeServer => {
  const random = mulberry32(options.seed ?? 1)
  const faultRandom = mulberry32((options.seed ?? 1) ^ 0x5bd1e995)
  const newId = luid(random)
  const state: FakeState = {
    apiVersion: options.apiVersion ?? "3.24",
    productVersion: "2024.2.0",
    buildNumber: "20242.24.0711.1636",
    sites: makeTable(),
    tables: new Map(),
    tokens: new Map(),
    credentials: {
      username: "admin",
      password: "admin",
      patName: "admin",
      patSecret: "admin",
      jwtTokens: ["admin-jwt"],
      ...options.credentials
    },
    extensions: new Map(),
    newId,
    now: () => Date.now()
  }
  const defaultSiteId = newId()
  put(state.sites, siteRecord(defaultSiteId, "Default", ""))
  for (let i = 1; i <= (options.sites ?? 0); i++) {
    const siteId = newId()
    put(state.sites, siteRecord(siteId, `Site ${String(i).padStart(5, "0")}`, `site${i}`))
    seedSite(state, siteId)
  }
  const adminUserId = newId()
  seedSite(state, defaultSiteId, adminUserId)
  const users = table(state, "users", defaultSiteId)
  put(users, userRecord(adminUserId, state.credentials.username, "ServerAdministrator", { fullName: "Administrator", lastLogin: "2024-01-01T00:00:00Z" }))
  for (let i = 1; i <= (options.users ?? 0); i++) {
    const name = `user${String(i).padStart(6, "0")}`
    put(users, userRecord(newId(), name, i % 10 === 0 ? "Creator" : i % 3 === 0 ? "Explorer" : "Viewer", {
      email: `${name}@example.com`,
      fullName: `User ${i}`,
      lastLogin: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z")
    }))
  }

  const compiled = routes.map((route) => ({ route, segments: compile(route.pattern) }))
  const faults: FaultPlan = {
    latencyMs: 0,
    errorRate: 0,
    retryAfterSeconds: 0,
    resetEvery: 0,
    html: false,
    ...options.faults
  }
  const script: FakeServer["script"] = []
  const log: Array<LogEntry> = []
  let counter = 0
  let alternate = false

  const record = (entry: LogEntry) => {
    log.push(entry)
    if (log.length > 20_000) log.splice(0, log.length - 20_000)
  }

  const match = (method: string, segments: ReadonlyArray<string>) => {
    let methodMismatch = false
    for (const { route, segments: pattern } of compiled) {
      if (pattern.length !== segments.length) continue
      const params: Record<string, string> = {}
      let ok = true
      for (let i = 0; i < pattern.length; i++) {
        const p = pattern[i]!
        const s = segments[i]!
        if (p.startsWith(":")) params[p.slice(1)] = s
        else if (p.toLowerCase() !== s.toLowerCase()) {
          ok = false
          break
        }
      }
      if (!ok) continue
      if (route.method !== method) {
        methodMismatch = true
        continue
      }
      return { route, params }
    }
    return methodMismatch ? "method" as const : undefined
  }

  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (ms <= 0) return resolve()
      const timer = setTimeout(resolve, ms)
      signal.addEventListener("abort", () => {
        clearTimeout(timer)
        resolve()
      }, { once: true })
    })

  const faultAnswer = (status: number, retryAfter: string | undefined, html: boolean): Response => {
    const headers: Record<string, string> = retryAfter === undefined ? {} : { "retry-after": retryAfter }
    if (html) {
      return new Response(htmlPage(status), { status, headers: { "content-type": "text/html", ...headers } })
    }
    return errorResponse(
      new FakeError(
        status,
        status === 429 ? "429000" : `${status}000`,
        status === 429 ? "Too Many Requests" : "Service Unavailable",
        "Injected by the fake server.",
        headers
      )
    )
  }

  const run = async (
    request: Request,
    method: string,
    path: string,
    url: URL
  ): Promise<{ response: Response; handled: boolean }> => {
    const segments = path.split("/").filter((s) => s !== "").map(decodeURIComponent)
    const found = match(method, segments)
    if (found === undefined) {
      return { response: errorResponse(new FakeError(404, "404000", "Resource Not Found", `No resource at ${path}.`)), handled: false }
    }
    if (found === "method") {
      return { response: errorResponse(new FakeError(405, "405000", "Method Not Allowed", `${method} is not allowed on ${path}.`)), handled: false }
    }
    const { route, params } = found
    let auth: TokenInfo | undefined
    if (route.auth !== false) {
      const token = request.headers.get("x-tableau-auth")
      auth = token === null ? undefined : state.tokens.get(token)
      if (auth === undefined || auth.expired) {
        return {
          response: errorResponse(
            new FakeError(401, "401002", "Unauthorized Access", "Invalid authentication credentials were provided.")
          ),
          handled: false
        }
      }
      if (params["siteId"] !== undefined && params["siteId"] !== auth.siteId) {
        return {
          response: errorResponse(
            new FakeError(403, "403000", "Forbidden", "The site in the URI does not match the site of the auth token.")
          ),
          handled: false
        }
      }
    }
    let bodyText: string | undefined
    const ctx: Context = {
      request,
      method,
      params,
      query: url.searchParams,
      state,
      auth: auth ?? { token: "", siteId: "", userId: "", expired: false },
      text: async () => (bodyText ??= await request.text())
    }
    try {
      return { response: await route.handler(ctx), handled: true }
    } catch (error) {
      if (error instanceof FakeError) return { response: errorResponse(error), handled: true }
      throw error
    }
  }

  const handle = async (request: Request): Promise<Response | Reset> => {
    const url = new URL(request.url)
    const method = request.method.toUpperCase()
    const path = url.pathname
    counter++
    const n = counter
    const signal = request.signal
    const body = options.recordBodies === true && request.body !== null ? await request.clone().text() : undefined
    const contentType = request.headers.get("content-type") ?? undefined
    const entry = (status: LogEntry["status"], handled: boolean): LogEntry => ({
      method,
      path,
      url: request.url,
      contentType,
      status,
      handled,
      body
    })

    const scripted = script.findIndex(({ match: m }) =>
      (m.method === undefined || m.method === method) && (m.path === undefined || path.includes(m.path))
    )
    const action = scripted >= 0 ? script.splice(scripted, 1)[0]!.action : undefined

    await sleep(faults.latencyMs + (action?._tag === "Delay" ? action.millis : 0), signal)

    if (action?._tag === "Hang") {
      record(entry("hang", false))
      return new Promise<Reset>((resolve) => signal.addEventListener("abort", () => resolve(RESET), { once: true }))
    }
    if (action?._tag === "Reset" || (faults.resetEvery > 0 && n % faults.resetEvery === 0)) {
      record(entry("reset", false))
      return RESET
    }
    if (action?._tag === "Status") {
      record(entry(action.status, false))
      return faultAnswer(action.status, action.retryAfter, action.html ?? faults.html)
    }
    if (faults.errorRate > 0 && faultRandom() < faults.errorRate) {
      alternate = !alternate
      const status = alternate ? 503 : 429
      record(entry(status, false))
      return faultAnswer(status, String(faults.retryAfterSeconds), faults.html)
    }
    const { handled, response } = await run(request, method, path, url)
    if (action?._tag === "ResetAfter") {
      record(entry("reset", handled))
      return RESET
    }
    record(entry(response.status, handled))
    return response
  }

  return { state, faults, script, log, count: () => counter, handle, defaultSiteId, adminUserId }
}
