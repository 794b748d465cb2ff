/**
 * A fake Tableau server for tests and demos (`effect-tableau/testing`).
 *
 * It implements the REST API in memory and answers in Tableau's XML: auth
 * tokens (401002), pagination, filters and sorts, uniqueness (409) and
 * not-found (404) codes. Plug it in as an `HttpClient` with no sockets
 * ({@link layer}), or serve it over real HTTP on 127.0.0.1 ({@link serve};
 * Node and Deno). It signs in `admin`/`admin` with a password or a personal
 * access token, and the JWT `admin-jwt`.
 *
 * Faults for resilience tests: latency, 429/503 with `Retry-After` (XML or
 * HTML bodies), connection resets before or after the server acted, and
 * requests that never answer ({@link inject}, {@link setFaults}).
 *
 * @example
 * ```ts
 * import { it } from "@effect/vitest"
 * import * as Effect from "effect/Effect"
 * import * as Stream from "effect/Stream"
 * import { Sites } from "effect-tableau"
 * import * as FakeTableau from "effect-tableau/testing"
 *
 * it.effect("lists sites", () =>
 *   Effect.gen(function*() {
 *     const sites = yield* Stream.runCollect(Sites.list())
 *   }).pipe(Effect.provide(FakeTableau.sessionLayer()))
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Credentials from "./Credentials.ts"
import * as FakeContent from "./internal/fake/content.ts"
import { routes } from "./internal/fake/routes/index.ts"
import * as Server from "./internal/fake/server.ts"
import * as Session from "./TableauSession.ts"

export type { SeedOptions, SeededContent } from "./internal/fake/content.ts"
export type {
  FakeOptions,
  FakeServer,
  FaultAction,
  FaultMatch,
  FaultPlan,
  LogEntry
} from "./internal/fake/server.ts"

/** The base URL the in-memory fake answers on. */
export const FAKE_URL = "http://fake-tableau.test"

const FakeTableauBase: Context.TagClass<FakeTableau, "effect-tableau/testing/FakeTableau", Server.FakeServer> = Context
  .Tag("effect-tableau/testing/FakeTableau")<FakeTableau, Server.FakeServer>()

/** The running fake server: its state, fault plan, script and request log. */
export class FakeTableau extends FakeTableauBase {}

/**
 * Creates a fake server (not yet reachable: see {@link layer} and
 * {@link serve}).
 *
 * @example
 * ```ts
 * const fake = yield* FakeTableau.make({ users: 1000 })
 * ```
 */
export const make = (options?: Server.FakeOptions): Effect.Effect<Server.FakeServer> =>
  Effect.sync(() => Server.make(routes, options))

/** A `fetch` that answers from the fake in memory; a reset is a failed fetch, as with a real socket. */
export const fetchFor = (fake: Server.FakeServer): typeof globalThis.fetch =>
  (async (input: RequestInfo | URL, init?: RequestInit) => {
    // The caller's signal aborts the request only while the fake works on it:
    // Node keeps in-memory responses alive when their request's signal is
    // aborted after they completed (which HTTP clients do to release a
    // connection), about a page per request.
    const controller = new AbortController()
    const outer = init?.signal ?? undefined
    const forward = () => controller.abort(outer?.reason)
    if (outer?.aborted === true) forward()
    outer?.addEventListener("abort", forward, { once: true })
    let result: Response | typeof Server.RESET
    try {
      result = await fake.handle(new Request(input, { ...init, signal: controller.signal }))
    } finally {
      outer?.removeEventListener("abort", forward)
    }
    if (result === Server.RESET) {
      throw new TypeError("fetch failed", {
        cause: Object.assign(new Error("other side closed"), { code: "UND_ERR_SOCKET" })
      })
    }
    return result
  }) as typeof globalThis.fetch

/** An `HttpClient` whose requests go to the fake, in memory, through `FetchHttpClient`. */
export const httpClient = (fake: Server.FakeServer): Effect.Effect<HttpClient.HttpClient> =>
  Effect.map(
    Effect.provide(HttpClient.HttpClient, FetchHttpClient.layer),
    (client) =>
      HttpClient.transform(client, (effect) => Effect.provideService(effect, FetchHttpClient.Fetch, fetchFor(fake)))
  )

/**
 * A fake server plus an `HttpClient` that reaches it in memory (no
 * sockets). Point a session at {@link FAKE_URL}.
 *
 * @example
 * ```ts
 * const Tableau = TableauSession.layer({ server: FakeTableau.FAKE_URL, credentials })
 *   .pipe(Layer.provideMerge(FakeTableau.layer({ users: 100 })))
 * ```
 */
export const layer = (options?: Server.FakeOptions): Layer.Layer<FakeTableau | HttpClient.HttpClient> =>
  Layer.effectContext(
    Effect.gen(function*() {
      const fake = yield* make(options)
      const client = yield* httpClient(fake)
      return Context.make(FakeTableau, fake).pipe(Context.add(HttpClient.HttpClient, client))
    })
  )

/** Options of {@link sessionLayer}: the fake's options plus session options. */
export interface SessionLayerOptions extends Server.FakeOptions {
  readonly session?: Partial<Session.Options> | undefined
}

/**
 * A fake server with a `TableauSession` signed in to its default site as
 * `admin` (password credentials, API version read from the fake).
 *
 * @example
 * ```ts
 * program.pipe(Effect.provide(FakeTableau.sessionLayer({ users: 10 })))
 * ```
 */
export const sessionLayer = (
  options: SessionLayerOptions = {}
): Layer.Layer<Session.TableauSession | FakeTableau | HttpClient.HttpClient, Session.SignInError> =>
  Session.layer({
    server: FAKE_URL,
    credentials: Credentials.password({ username: "admin", password: "admin" }),
    ...options.session
  }).pipe(Layer.provideMerge(layer(options)))

/**
 * Serves a fake server over HTTP on 127.0.0.1 (Node and Deno) until the
 * scope closes. Port 0 (the default) picks a free port.
 *
 * @example
 * ```ts
 * const { url } = yield* FakeTableau.serve({ users: 1000, port: 8900 })
 * ```
 */
export const serve = (
  options: Server.FakeOptions & { readonly port?: number; readonly host?: string; readonly fake?: Server.FakeServer } =
    {}
): Effect.Effect<{ readonly url: string; readonly fake: Server.FakeServer }, never, Scope.Scope> =>
  Effect.gen(function*() {
    const fake = options.fake ?? Server.make(routes, options)
    const node = yield* Effect.promise(() => import("./internal/fake/node.ts"))
    const listening = yield* Effect.acquireRelease(
      Effect.promise(() => node.listen(fake, options.port ?? 0, options.host ?? "127.0.0.1")),
      (l) => Effect.promise(() => l.close())
    )
    return { url: listening.url, fake }
  })

/**
 * Queues a fault for the next request that matches (all requests when
 * `match` is empty).
 *
 * @example
 * ```ts
 * yield* FakeTableau.inject({ _tag: "Status", status: 503, retryAfter: "1" }, { method: "GET", path: "/sites" })
 * ```
 */
export const inject = (
  action: Server.FaultAction,
  match: Server.FaultMatch = {}
): Effect.Effect<void, never, FakeTableau> =>
  Effect.map(FakeTableau, (fake) => {
    fake.script.push({ match, action })
  })

/** Changes the faults applied to every request. */
export const setFaults = (patch: Partial<Server.FaultPlan>): Effect.Effect<void, never, FakeTableau> =>
  Effect.map(FakeTableau, (fake) => {
    Object.assign(fake.faults, patch)
  })

/** Expires every token: the next authenticated request gets 401002. */
export const expireTokens: Effect.Effect<void, never, FakeTableau> = Effect.map(FakeTableau, (fake) => {
  for (const info of fake.state.tokens.values()) info.expired = true
})

/** The request log (last 20,000 requests). */
export const requests: Effect.Effect<ReadonlyArray<Server.LogEntry>, never, FakeTableau> = Effect.map(
  FakeTableau,
  (fake) => [...fake.log]
)

/**
 * Fills the fake's default site (or `options.siteId`) with content owned by
 * the admin: projects (the first named "Default"), workbooks with views, a
 * connection and a stored file, data sources with a connection and a file,
 * and groups. Returns the IDs it created.
 *
 * @example
 * ```ts
 * const seeded = yield* FakeTableau.seedContent({ projects: 3, workbooksPerProject: 5 })
 * const wb = yield* Workbooks.get(Ids.WorkbookId.make(seeded.workbooks[0]!))
 * ```
 */
export const seedContent = (
  options: FakeContent.SeedOptions = {}
): Effect.Effect<FakeContent.SeededContent, never, FakeTableau> =>
  Effect.flatMap(FakeTableau, (fake) =>
    Effect.promise(() => FakeContent.seedContent(fake.state, options.siteId ?? fake.defaultSiteId, fake.adminUserId, options)))
