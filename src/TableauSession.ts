/**
 * The signed-in session every endpoint runs in.
 *
 * `layer(...)` signs in when it is built and signs out when its scope closes
 * (on success, failure and interruption alike). One sign-in is shared by
 * everything that uses the layer; when the server says the token expired
 * (401002), the session signs in again once, shared by every concurrent
 * caller, and the failed request is replayed.
 *
 * It needs an `HttpClient` from `@effect/platform`; `FetchHttpClient.layer`
 * works on Node, Deno and Cloudflare Workers.
 *
 * @example
 * ```ts
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import { Credentials, Sites, TableauSession } from "effect-tableau"
 *
 * const Tableau = TableauSession.layer({
 *   server: "https://tableau.example.com",
 *   site: "marketing",
 *   credentials: Credentials.personalAccessToken({ name: "ci", secret: "..." })
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 *
 * Effect.runPromise(Sites.get(siteId).pipe(Effect.provide(Tableau)))
 * ```
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Config from "effect/Config"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import * as SynchronizedRef from "effect/SynchronizedRef"
import * as Credentials from "./Credentials.ts"
import { type CommonError, InvalidRequest, MissingConfig, type SignInFailed } from "./Errors.ts"
import type { SiteId, UserId } from "./Ids.ts"
import * as SignIn from "./internal/signin.ts"
import * as Transport from "./internal/transport.ts"

/** How failed requests are retried; see {@link defaultRetryPolicy}. */
export type RetryPolicy = Transport.RetryPolicy

/**
 * The default retry policy: 4 retries, backoff from 250 ms doubling with
 * jitter up to 10 s, `Retry-After` honoured up to 60 s.
 */
export const defaultRetryPolicy: RetryPolicy = Transport.defaultRetryPolicy

/** Options of {@link layer}. */
export interface Options {
  /** Base URL of Tableau Server or Tableau Cloud, such as `https://10ax.online.tableau.com`. */
  readonly server: string
  /** The site's `contentUrl`; `""` (the default) is the default site. */
  readonly site?: string | undefined
  readonly credentials: Credentials.Credentials
  /** REST API version such as `"3.21"`, or `"auto"` (the default) to use the server's. */
  readonly apiVersion?: string | undefined
  /** Time allowed for each request: the whole exchange, response headers and body (default 30 s). */
  readonly timeout?: Duration.DurationInput | undefined
  /** Time allowed for one call across all its retries (default 3 × `timeout`: 90 s). */
  readonly deadline?: Duration.DurationInput | undefined
  /** Longest pause between a download's bytes before it fails (default `timeout`: 30 s). */
  readonly idleTimeout?: Duration.DurationInput | undefined
  /**
   * Largest answer read into memory, in bytes, counted after decompression
   * (default 32 MiB); downloads are Streams and have no such limit.
   */
  readonly maxResponseBytes?: number | undefined
  /** Retry policy, or `false` for none (default {@link defaultRetryPolicy}). */
  readonly retry?: RetryPolicy | false | undefined
  /** Pages fetched at the same time by `list` streams (default 4). */
  readonly pageConcurrency?: number | undefined
  /**
   * Hosts a sign-in may be redirected to, besides the server's own origin:
   * names such as `"pod1.tableau.example.com"`, or `"*.tableau.example.com"`
   * for any host under it. The sign-in POST is re-sent there (never turned
   * into a GET, never from https to http), and the session then works with
   * that host. Default: for Tableau Cloud (a server under
   * `online.tableau.com`), `*.online.tableau.com`, where Tableau Cloud sends
   * sign-ins to the site's pod; otherwise none. No other redirect ever takes
   * the token, the credentials or a body to another origin.
   */
  readonly signInRedirectHosts?: ReadonlyArray<string> | undefined
}

/** Who and where the session is signed in. */
export interface SignedIn {
  readonly siteId: SiteId
  readonly siteContentUrl: string
  readonly userId: UserId
  /** The auth token (`X-Tableau-Auth`), redacted when printed. */
  readonly token: Redacted.Redacted<string>
  /** Increases with every fresh sign-in or site switch. */
  readonly generation: number
  /** The base URL the session works with: `server`, or the host a sign-in was redirected to. */
  readonly server: string
}

/** Settings applied to every call of a session. */
export interface Settings extends SignIn.Settings {
  readonly pageConcurrency: number
}

/** The errors of signing in. */
export type SignInError = SignInFailed | CommonError

/** The operations of a {@link TableauSession}. */
export interface Service {
  /** Base URL without a trailing slash. */
  readonly server: string
  /** The REST API version in use, such as `"3.21"`. */
  readonly apiVersion: string
  readonly settings: Settings
  /** The HTTP client requests go through. */
  readonly httpClient: HttpClient.HttpClient
  /** The current sign-in. */
  readonly current: Effect.Effect<SignedIn>
  /** The secret values of the session (its token and credentials), masked in every error it reports. */
  readonly secrets: Effect.Effect<ReadonlyArray<string>>
  /** Signs in again, once for all callers that saw `stale` fail with 401002. */
  readonly reauthenticate: (stale: SignedIn) => Effect.Effect<SignedIn, SignInError>
  /** Switches the session to another site (`POST /api/{v}/auth/switchSite`). */
  readonly switchSite: (contentUrl: string) => Effect.Effect<SignedIn, SignInError>
}

const TableauSessionBase: Context.TagClass<TableauSession, "effect-tableau/TableauSession", Service> = Context.Tag(
  "effect-tableau/TableauSession"
)<TableauSession, Service>()

/**
 * The session service. Endpoints read it; most programs only provide it
 * with {@link layer} or {@link layerConfig}.
 */
export class TableauSession extends TableauSessionBase {}

/** The API version servers before 10.1 (no `serverinfo`) are addressed with. */
const FALLBACK_API_VERSION = "2.3"
/** The version `serverinfo` is read with when the version is "auto". */
const SERVERINFO_API_VERSION = "2.4"

/** The session's settings from its options, checked. */
const settingsOf = (options: Options, server: string): Effect.Effect<Settings, InvalidRequest> =>
  Effect.gen(function*() {
    const request = yield* SignIn.settingsOf(options, server)
    const pageConcurrency = options.pageConcurrency ?? 4
    if (!Number.isInteger(pageConcurrency) || pageConcurrency < 1) {
      return yield* new InvalidRequest({
        operation: "TableauSession.make",
        reason: `pageConcurrency must be a whole number of at least 1, got ${pageConcurrency}`
      })
    }
    return { ...request, pageConcurrency }
  })

/**
 * Signs in and builds the session; signs out when the scope closes.
 * REST: `GET /api/2.4/serverinfo` (when `apiVersion` is "auto"),
 * `POST /api/{v}/auth/signin`, and `POST /api/{v}/auth/signout` on close.
 * Fails with `SignInFailed` for refused credentials or an unknown site,
 * `InvalidRequest` for a server URL without `https://` or an unusable
 * setting (nothing is sent then), `RedirectRefused` when the server sends
 * the sign-in to a host that is not allowed.
 *
 * Sign-in is interruptible and bounded by the timeout and deadline; the
 * sign-out when the scope closes takes at most 10 s (or the timeout, if
 * shorter) and never fails the program.
 *
 * @example
 * ```ts
 * const session = yield* TableauSession.make({ server, credentials })
 * ```
 */
export const make = (
  options: Options
): Effect.Effect<TableauSession["Type"], SignInError, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const httpClient = yield* HttpClient.HttpClient
    const configured = yield* SignIn.validServer(options.server)
    const settings = yield* settingsOf(options, configured)
    const requested = options.apiVersion ?? "auto"
    const apiVersion = requested === "auto"
      ? yield* SignIn.serverInfo(httpClient, configured, SERVERINFO_API_VERSION, settings).pipe(
        Effect.map((info) => info.restApiVersion),
        Effect.catchTag("NotFound", () => Effect.succeed(FALLBACK_API_VERSION))
      )
      : requested
    const credentialSecrets = SignIn.secretsOf(options.credentials)

    const signInTo = (server: string, contentUrl: string, generation: number) =>
      SignIn.signIn(httpClient, server, apiVersion, options.credentials, contentUrl, settings).pipe(
        Effect.map((c): SignedIn => ({ ...c, generation }))
      )

    // The first sign-in may land on another host (a Tableau Cloud pod): the
    // session then works there.
    const state = yield* SignIn.acquireInterruptible(
      signInTo(configured, options.site ?? "", 0).pipe(Effect.flatMap(SynchronizedRef.make)),
      (ref) =>
        SynchronizedRef.get(ref).pipe(
          Effect.flatMap((current) => SignIn.signOut(httpClient, current.server, apiVersion, current.token, settings)),
          Effect.ignore
        )
    )
    const server = (yield* SynchronizedRef.get(state)).server

    const reauthenticate = (stale: SignedIn) =>
      SynchronizedRef.updateAndGetEffect(state, (current) =>
        current.generation !== stale.generation
          ? Effect.succeed(current)
          : signInTo(current.server, current.siteContentUrl, current.generation + 1).pipe(
            Effect.map((fresh) => (fresh.userId === "" ? { ...fresh, userId: current.userId } : fresh))
          ))

    // Switching to the site the session is on is a success that changes
    // nothing, as in TSC: it is not sent, and Tableau's 403070 ("already
    // signed in to this site", for a differently spelled contentUrl) is
    // taken as the same answer.
    const switchSite = (contentUrl: string) =>
      SynchronizedRef.updateAndGetEffect(state, (current) =>
        current.siteContentUrl === contentUrl
          ? Effect.succeed(current)
          : SignIn.switchSite(httpClient, current.server, apiVersion, current.token, contentUrl, settings, credentialSecrets)
            .pipe(
              Effect.map((c): SignedIn => ({
                ...c,
                server: current.server,
                userId: c.userId === "" ? current.userId : c.userId,
                generation: current.generation + 1
              })),
              Effect.catchIf(
                (error) => error._tag === "Forbidden" && error.code === "403070",
                () => Effect.succeed(current)
              )
            ))

    const secrets = Effect.map(
      SynchronizedRef.get(state),
      (current): ReadonlyArray<string> => [Redacted.value(current.token), ...credentialSecrets]
    )

    return TableauSession.of({
      server,
      apiVersion,
      settings,
      httpClient,
      current: SynchronizedRef.get(state),
      secrets,
      reauthenticate,
      switchSite
    })
  })

/**
 * A layer that signs in when built and signs out when released.
 * REST: `POST /api/{v}/auth/signin` and `POST /api/{v}/auth/signout`.
 * Fails with `SignInFailed` or a `CommonError`. Minimum API version: 2.0
 * (personal access tokens 3.6, JWT 3.16).
 *
 * @example
 * ```ts
 * const Tableau = TableauSession.layer({
 *   server: "https://tableau.example.com",
 *   credentials: Credentials.password({ username: "admin", password: "admin" })
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 */
export const layer = (options: Options): Layer.Layer<TableauSession, SignInError, HttpClient.HttpClient> =>
  Layer.scoped(TableauSession, make(options))

/**
 * The configuration {@link layerConfig} reads: `TABLEAU_SERVER`,
 * `TABLEAU_SITE` (default ""), `TABLEAU_API_VERSION` (default "auto"), and
 * credentials from `TABLEAU_PAT_NAME` + `TABLEAU_PAT_SECRET`, or
 * `TABLEAU_USERNAME` + `TABLEAU_PASSWORD`, or `TABLEAU_JWT`, in that order.
 */
export const config: Config.Config<Options> = Config.all({
  server: Config.string("TABLEAU_SERVER"),
  site: Config.string("TABLEAU_SITE").pipe(Config.withDefault("")),
  apiVersion: Config.string("TABLEAU_API_VERSION").pipe(Config.withDefault("auto")),
  credentials: Config.all({
    name: Config.string("TABLEAU_PAT_NAME"),
    secret: Config.redacted("TABLEAU_PAT_SECRET")
  }).pipe(
    Config.map(Credentials.personalAccessToken),
    Config.orElse(() =>
      Config.all({ username: Config.string("TABLEAU_USERNAME"), password: Config.redacted("TABLEAU_PASSWORD") }).pipe(
        Config.map((c): Credentials.Credentials => Credentials.password(c))
      )
    ),
    Config.orElse(() =>
      Config.redacted("TABLEAU_JWT").pipe(Config.map((token): Credentials.Credentials => Credentials.jwt({ token })))
    )
  )
})

/** The credential variables {@link config} accepts, in the order it tries them. */
const CREDENTIAL_SETS: ReadonlyArray<ReadonlyArray<string>> = [
  ["TABLEAU_PAT_NAME", "TABLEAU_PAT_SECRET"],
  ["TABLEAU_USERNAME", "TABLEAU_PASSWORD"],
  ["TABLEAU_JWT"]
]

/**
 * Why {@link config} failed, in one line naming the variables to set (read
 * from the same `ConfigProvider`; values are only tested for presence).
 * `undefined` when nothing is missing (the failure was of another kind).
 */
const missingConfig: Effect.Effect<MissingConfig | undefined> = Effect.gen(function*() {
  const names = ["TABLEAU_SERVER", ...CREDENTIAL_SETS.flat()]
  const present = new Set<string>()
  for (const name of names) {
    const value = yield* Effect.orElseSucceed(Config.option(Config.string(name)), () => Option.none())
    if (Option.isSome(value)) present.add(name)
  }
  const missing = (set: ReadonlyArray<string>) => set.filter((name) => !present.has(name))
  const parts: Array<string> = []
  const variables: Array<string> = []
  if (!present.has("TABLEAU_SERVER")) {
    parts.push("TABLEAU_SERVER")
    variables.push("TABLEAU_SERVER")
  }
  if (!CREDENTIAL_SETS.some((set) => missing(set).length === 0)) {
    // A set begun but not finished names what it lacks; otherwise every set is offered.
    const begun = CREDENTIAL_SETS.find((set) => missing(set).length < set.length)
    if (begun !== undefined) {
      const lacking = missing(begun)
      parts.push(`${lacking.join(" and ")} (${begun.filter((n) => present.has(n)).join(" and ")} is set)`)
      variables.push(...lacking)
    } else {
      parts.push(`credentials (${CREDENTIAL_SETS.map((set) => set.join(" and ")).join(", or ")})`)
      variables.push(...CREDENTIAL_SETS.flat())
    }
  }
  return parts.length === 0 ? undefined : new MissingConfig({ variables, reason: `set ${parts.join(" and ")}` })
})

/**
 * A session layer configured from the environment (see {@link config});
 * `overrides` set what the environment does not (timeout, retry, ...).
 * Fails with `MissingConfig` when variables are missing (one line naming
 * them, such as `set TABLEAU_SERVER and credentials (TABLEAU_PAT_NAME and
 * TABLEAU_PAT_SECRET, or TABLEAU_USERNAME and TABLEAU_PASSWORD, or
 * TABLEAU_JWT)`), with a `ConfigError` for another configuration failure,
 * otherwise as {@link layer}.
 *
 * @example
 * ```ts
 * const Tableau = TableauSession.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))
 * ```
 */
export const layerConfig = (
  overrides: Partial<Omit<Options, "server" | "site" | "credentials" | "apiVersion">> = {}
): Layer.Layer<
  TableauSession,
  SignInError | MissingConfig | import("effect/ConfigError").ConfigError,
  HttpClient.HttpClient
> =>
  Layer.scoped(
    TableauSession,
    config.pipe(
      Effect.catchAll((error) =>
        Effect.flatMap(missingConfig, (missing) => Effect.fail(missing ?? error))
      ),
      Effect.flatMap((options) => make({ ...options, ...overrides }))
    )
  )

/** The current sign-in (site, user, token). */
export const current: Effect.Effect<SignedIn, never, TableauSession> = Effect.flatMap(
  TableauSession,
  (session) => session.current
)

/**
 * Switches the session to the site with this `contentUrl`; later calls run
 * there. Switching to the site the session is on succeeds and changes
 * nothing (as in TSC). REST: `POST /api/{v}/auth/switchSite`. Fails with `SignInFailed`
 * (unknown site, no access) or a `CommonError`. Minimum API version: 2.6.
 *
 * @example
 * ```ts
 * yield* TableauSession.switchSite("finance")
 * ```
 */
export const switchSite = (contentUrl: string): Effect.Effect<SignedIn, SignInError, TableauSession> =>
  Effect.flatMap(TableauSession, (session) => session.switchSite(contentUrl))

/** Per-call overrides of the session's settings (see {@link CallSettings}). */
export interface CallOverrides {
  readonly timeout?: Duration.DurationInput | undefined
  readonly deadline?: Duration.DurationInput | undefined
  readonly retry?: RetryPolicy | false | undefined
}

const CallSettingsBase: Context.TagClass<CallSettings, "effect-tableau/CallSettings", CallOverrides> = Context.Tag(
  "effect-tableau/CallSettings"
)<CallSettings, CallOverrides>()

/** Per-call overrides of the session's settings. */
export class CallSettings extends CallSettingsBase {}

/** Reads the per-call overrides, if any. */
export const callSettings: Effect.Effect<Option.Option<CallSettings["Type"]>> = Effect.serviceOption(CallSettings)

const override = (patch: CallSettings["Type"]) =>
<A, E, R>(self: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(callSettings, (existing) =>
    Effect.provideService(self, CallSettings, { ...Option.getOrElse(existing, () => ({})), ...patch }))

/**
 * Runs an effect with another retry policy (or `false` for none) for every
 * request it makes. For a `Stream`, see {@link withRetryPolicyStream}.
 *
 * @example
 * ```ts
 * Sites.list().pipe(Stream.runCollect, TableauSession.withRetryPolicy(false))
 * ```
 */
export const withRetryPolicy = (
  policy: RetryPolicy | false
): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> => override({ retry: policy })

/** Runs an effect with another request timeout for every request it makes. */
export const withTimeout = (
  timeout: Duration.DurationInput
): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> => override({ timeout })

const overrideStream = (patch: CallSettings["Type"]) =>
<A, E, R>(self: Stream.Stream<A, E, R>): Stream.Stream<A, E, R> =>
  Stream.unwrap(
    Effect.map(callSettings, (existing) =>
      Stream.provideService(self, CallSettings, { ...Option.getOrElse(existing, () => ({})), ...patch }))
  )

/**
 * {@link withRetryPolicy} for a Stream: every request the stream makes
 * (each page of a list, say) uses `policy`.
 *
 * @example
 * ```ts
 * Sites.list().pipe(TableauSession.withRetryPolicyStream(false))
 * ```
 */
export const withRetryPolicyStream = (
  policy: RetryPolicy | false
): <A, E, R>(self: Stream.Stream<A, E, R>) => Stream.Stream<A, E, R> => overrideStream({ retry: policy })

/**
 * {@link withTimeout} for a Stream: every request the stream makes gets
 * this per-request timeout (and, unless set, its deadline).
 *
 * @example
 * ```ts
 * Sites.list().pipe(TableauSession.withTimeoutStream("5 seconds"))
 * ```
 */
export const withTimeoutStream = (
  timeout: Duration.DurationInput
): <A, E, R>(self: Stream.Stream<A, E, R>) => Stream.Stream<A, E, R> => overrideStream({ timeout })

/**
 * Runs an effect with another overall deadline per call (across its
 * retries) for every request it makes.
 *
 * @example
 * ```ts
 * Sites.get(siteId).pipe(TableauSession.withDeadline("20 seconds"))
 * ```
 */
export const withDeadline = (
  deadline: Duration.DurationInput
): <A, E, R>(self: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R> => override({ deadline })

/**
 * {@link withDeadline} for a Stream.
 *
 * @example
 * ```ts
 * Users.list().pipe(TableauSession.withDeadlineStream("2 minutes"))
 * ```
 */
export const withDeadlineStream = (
  deadline: Duration.DurationInput
): <A, E, R>(self: Stream.Stream<A, E, R>) => Stream.Stream<A, E, R> => overrideStream({ deadline })
