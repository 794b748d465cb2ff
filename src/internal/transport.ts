/**
 * The one place where effect-tableau talks HTTP.
 *
 * `exchange` sends a fully described request and reads its answer, with:
 * - the per-request timeout over the whole exchange (headers and the body
 *   that is read), and a deadline over the call across retries (default
 *   3 × the timeout); downloads get an idle timeout instead (`bodyStream`);
 * - the retry policy (capped exponential backoff with jitter, `Retry-After`
 *   honoured; idempotent requests retry 429, 502, 503, 504 and connection
 *   failures; a POST retries only a 429 or a connection that never opened);
 * - the redirect rule (`decideRedirect`): same-origin GETs only, and a
 *   sign-in to the hosts the session allows; nothing else is followed;
 * - a size limit on bodies read into memory (`readBody`);
 * - mapping of failures to the typed errors of `Errors.ts`, with secrets
 *   masked by name (`scrub`) and by value (`redactError`).
 *
 * `decodeXml` turns a response body into a typed value with a Schema,
 * reporting mismatches as `ResponseDecodeError`.
 *
 * Authentication (the token, re-sign-in on 401002) is layered on top in
 * `endpoint.ts`; sign-in itself uses `exchange` directly.
 *
 * @internal
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { CommonError, DeclaredError, DeclaredErrorTag, UnsupportedApiVersion } from "../Errors.ts"
import {
  BadRequest,
  InvalidRequest,
  Conflict,
  Forbidden,
  NotFound,
  RateLimited,
  RedirectRefused,
  ResponseDecodeError,
  ResponseTooLarge,
  ServerError,
  SignInFailed,
  TransportError,
  Unauthorized
} from "../Errors.ts"
import * as Xml from "./xml.ts"

/** HTTP methods Tableau uses. */
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE"

/**
 * How failed requests are retried. Delays grow from `baseDelay` by a factor
 * of 2 with jitter, capped at `maxDelay`; a `Retry-After` answer waits what
 * the server asked for, up to `maxRetryAfter`.
 */
export interface RetryPolicy {
  /** Retries after the first attempt (default 4). */
  readonly maxRetries: number
  /** First backoff delay (default 250 ms). */
  readonly baseDelay: Duration.DurationInput
  /** Longest backoff delay (default 10 s). */
  readonly maxDelay: Duration.DurationInput
  /** Longest `Retry-After` honoured; a longer one fails with `RateLimited` (default 60 s). */
  readonly maxRetryAfter: Duration.DurationInput
}

/** The default retry policy. */
export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 4,
  baseDelay: Duration.millis(250),
  maxDelay: Duration.seconds(10),
  maxRetryAfter: Duration.seconds(60)
}

/** The default per-request timeout: one whole exchange, headers and body. */
export const DEFAULT_TIMEOUT: Duration.Duration = Duration.seconds(30)

/** The call's deadline across retries, as a multiple of the per-request timeout, when none is set. */
export const DEFAULT_DEADLINE_FACTOR = 3

/** The default largest body read into memory (decoded answers; downloads are streams): 32 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024

/** How much of an error body is read to classify it; the rest is dropped. */
const ERROR_BODY_BYTES = 64 * 1024

/** Redirects followed in one exchange at most. */
export const MAX_REDIRECTS = 5

/** A request body. */
export type Body =
  | { readonly _tag: "None" }
  | { readonly _tag: "Text"; readonly text: string; readonly contentType: string }
  | { readonly _tag: "Bytes"; readonly bytes: Uint8Array; readonly contentType: string }
  | {
    readonly _tag: "Stream"
    readonly stream: Stream.Stream<Uint8Array, unknown>
    readonly contentType: string
    readonly contentLength?: number | undefined
  }

/** A request, fully described. */
export interface Request {
  /** Operation name, such as `"Sites.get"`: span name and error context. */
  readonly operation: string
  readonly method: Method
  /** Absolute URL including the query string. */
  readonly url: string
  /** URL path with its IDs as placeholders, for spans: `/api/{v}/sites/{siteId}/users/{}`. */
  readonly pathTemplate: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: Body
  /** Whether the request may be replayed after the server may have acted. */
  readonly idempotent: boolean
  /** Time allowed for one attempt, from sending to the end of the body the caller reads. */
  readonly timeout: Duration.DurationInput
  /** Time allowed for the whole call across retries (default {@link DEFAULT_DEADLINE_FACTOR} × `timeout`). */
  readonly deadline?: Duration.DurationInput | undefined
  readonly retry: RetryPolicy | false
  /** Largest body read into memory (default {@link DEFAULT_MAX_RESPONSE_BYTES}). */
  readonly maxResponseBytes?: number | undefined
  /** Hosts a sign-in may be redirected to (see {@link decideRedirect}). */
  readonly redirectHosts?: ReadonlyArray<string> | undefined
  /** Extra span attributes (a page number, say). */
  readonly spanAttributes?: Readonly<Record<string, string | number | boolean>> | undefined
  /** Map 401xxx to `SignInFailed` rather than `Unauthorized` (sign-in calls). */
  readonly signIn?: boolean | undefined
}

/** A failure that came from the server. */
export type ApiError =
  | BadRequest
  | Unauthorized
  | SignInFailed
  | Forbidden
  | NotFound
  | Conflict
  | RateLimited
  | ServerError

/** Everything `send` can fail with. */
export type SendError = ApiError | TransportError | RedirectRefused | ResponseTooLarge | ResponseDecodeError

const errorSchema = Schema.Struct({
  tsResponse: Schema.Struct({
    error: Schema.Struct({
      code: Schema.optional(Schema.String),
      summary: Schema.optional(Schema.Union(Schema.String, Schema.Struct({}))),
      detail: Schema.optional(Schema.Union(Schema.String, Schema.Struct({})))
    })
  })
})
const decodeErrorBody = Schema.decodeUnknownEither(errorSchema)

const textOf = (value: unknown): string => (typeof value === "string" ? value : "")

/** Names whose values are secret, in XML attributes, JSON members, query strings and headers. */
const secretName = "(?:x-tableau-auth|token|secret|password|personalAccessTokenSecret|jwt|authorization)"
const secretPatterns: ReadonlyArray<readonly [RegExp, string]> = [
  // XML attributes and quoted assignments: token="...", password='...'
  [new RegExp(`(${secretName}\\s*=\\s*)(["'])[^"']*\\2`, "gi"), "$1$2<redacted>$2"],
  // JSON members: "token": "...", including escaped quotes inside the value
  [new RegExp(`(["']${secretName}["']\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, "gi"), "$1\"<redacted>\""],
  // Elements: <password>...</password>, <token>...</token>
  [/(<(?:password|jwt|token|secret)\b[^>]*>)[^<]*(<\/)/gi, "$1<redacted>$2"],
  // Headers and query strings: X-Tableau-Auth: ..., token=...&
  [new RegExp(`(${secretName}\\s*[:=]\\s*)(?!["'<])[^\\s&"'<>,;]+`, "gi"), "$1<redacted>"]
]

/** Masks token- and secret-like values (by name) in text that may end up in an error. */
export const scrub = (text: string): string => {
  let out = text
  for (const [pattern, replacement] of secretPatterns) out = out.replace(pattern, replacement)
  return out
}

/**
 * Masks every occurrence of the given secret values (the session's token,
 * password, personal access token secret, JWT), whatever the format around
 * them, and then secret-like values by name.
 */
export const redactValues = (text: string, secrets: ReadonlyArray<string>): string => {
  let out = text
  for (const secret of secrets) {
    // Very short values would mask ordinary text; Tableau's secrets are long.
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join("<redacted>")
  }
  return scrub(out)
}

/**
 * The same error with every string field passed through {@link redactValues}.
 * Errors are immutable: a changed one is constructed anew.
 */
export const redactError = <E>(error: E, secrets: ReadonlyArray<string>): E => {
  if (typeof error !== "object" || error === null || secrets.length === 0) return error
  let changed = false
  const fields: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(error)) {
    if (key === "_tag") continue
    if (typeof value === "string") {
      const clean = redactValues(value, secrets)
      if (clean !== value) changed = true
      fields[key] = clean
    } else {
      fields[key] = value
    }
  }
  if (!changed) return error
  const Class = (error as { readonly constructor: new(fields: Record<string, unknown>) => E }).constructor
  return new Class(fields)
}

/** At most `max` characters of `text`, scrubbed before it is cut (so no half secret survives the cut). */
export const excerpt = (text: string, max = 512): string => {
  const clean = scrub(text.length > max * 8 ? text.slice(0, max * 8) : text)
  return clean.length > max ? `${clean.slice(0, max)}…` : clean
}

/** Parses `Retry-After`: delta-seconds or an HTTP date. */
export const parseRetryAfter = (value: string | undefined, now: number): Duration.Duration | undefined => {
  if (value === undefined || value.trim() === "") return undefined
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Duration.seconds(Number(trimmed))
  const date = Date.parse(trimmed)
  if (Number.isNaN(date)) return undefined
  return Duration.millis(Math.max(0, date - now))
}

const statusSummary = (status: number): string => {
  switch (status) {
    case 400:
      return "Bad Request"
    case 401:
      return "Unauthorized"
    case 403:
      return "Forbidden"
    case 404:
      return "Not Found"
    case 405:
      return "Method Not Allowed"
    case 409:
      return "Conflict"
    case 429:
      return "Too Many Requests"
    case 502:
      return "Bad Gateway"
    case 503:
      return "Service Unavailable"
    case 504:
      return "Gateway Timeout"
    default:
      return status >= 500 ? "Server Error" : "Request Failed"
  }
}

const htmlStart = /^\s*(?:<\?xml[^>]*>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!doctype\s+html|<html[\s>])/i

/** When `body` is an HTML page, what to say about it: its title, and what that usually means. */
export const describeHtml = (status: number, body: string): string | undefined => {
  if (!htmlStart.test(body)) return undefined
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(body.slice(0, 16_384))?.[1]?.replace(/\s+/g, " ").trim()
  return `an HTML page came back (HTTP ${status}${
    title ? `, title "${title.slice(0, 120)}"` : ""
  }) instead of Tableau's XML: usually a wrong server URL, a proxy or a sign-in portal in front of Tableau`
}

/** The `<error>` of an XML error body, if it has one. */
const xmlErrorOf = (body: string) => {
  const parsed = Xml.parse(body)
  const decoded = parsed instanceof Xml.XmlRefused ? undefined : decodeErrorBody(parsed)
  return decoded && Either.isRight(decoded) ? decoded.right.tsResponse.error : undefined
}

const JsonErrorBody = Schema.Struct({
  error: Schema.Struct({
    code: Schema.optionalWith(Schema.Union(Schema.String, Schema.Number.pipe(Schema.transform(Schema.String, {
      decode: String,
      encode: Number
    }))), { default: () => "" }),
    summary: Schema.optional(Schema.String),
    detail: Schema.optional(Schema.String)
  })
})

/**
 * The error of a JSON error body, as Tableau answers JSON requests:
 * `{"error":{"code":"404005","summary":"...","detail":"..."}}`.
 */
const jsonErrorOf = (body: string) => {
  try {
    const decoded = Schema.decodeUnknownEither(JsonErrorBody)(JSON.parse(body))
    return Either.isRight(decoded) ? decoded.right.error : undefined
  } catch {
    return undefined
  }
}

/**
 * Maps a failed answer to its typed error. Tableau's error code decides the
 * class where there is one (its first three digits are the HTTP status it
 * belongs to); the HTTP status decides otherwise (an HTML page from a proxy).
 */
export const classify = (
  operation: string,
  status: number,
  body: string,
  retryAfter: Duration.Duration | undefined,
  signIn: boolean
): ApiError => {
  const error = /^\s*\{/.test(body) ? jsonErrorOf(body) : xmlErrorOf(body)
  const code = error?.code ?? ""
  const fields = {
    operation,
    status,
    code,
    summary: scrub(textOf(error?.summary) || statusSummary(status)),
    detail: scrub(textOf(error?.detail) || (error === undefined ? describeHtml(status, body) ?? "" : ""))
  }
  // The HTTP status decides the class; the code only where the status is not a client error Tableau
  // documents (a 4xx whose code names another family, such as 409004 sent with HTTP 400, is what its status says).
  const codeFamily = /^\d{3}/.test(code) ? Number(code.slice(0, 3)) : status
  const family = status >= 400 && status < 500 ? status : codeFamily
  if (status === 429 || family === 429) return new RateLimited({ ...fields, retryAfter })
  if (status >= 500) return new ServerError(fields)
  if (signIn && (family === 401 || (family === 404 && code === "404000"))) return new SignInFailed(fields)
  switch (family) {
    case 401:
      return new Unauthorized(fields)
    case 403:
      return new Forbidden(fields)
    case 404:
      return new NotFound(fields)
    case 409:
      return new Conflict(fields)
    default:
      return new BadRequest(fields)
  }
}

/**
 * Narrows the errors of a call to what its endpoint declares: a `NotFound`
 * or `Conflict` the endpoint does not document becomes `BadRequest` (same
 * status and code), an undeclared `SignInFailed` (a failed re-sign-in)
 * becomes `Unauthorized`.
 */
export const narrow = <const Tags extends DeclaredErrorTag>(declared: ReadonlyArray<Tags>) =>
<A, R>(
  effect: Effect.Effect<A, SendError | CommonError | InvalidRequest | UnsupportedApiVersion, R>
): Effect.Effect<A, CommonError | DeclaredError<Tags>, R> =>
  Effect.mapError(effect, (error) => {
    const allowed = (declared as ReadonlyArray<string>).includes(error._tag)
    if (allowed) return error
    switch (error._tag) {
      case "NotFound":
      case "Conflict":
        return new BadRequest(apiFieldsOf(error))
      case "SignInFailed":
        return new Unauthorized(apiFieldsOf(error))
      default:
        return error
    }
  }) as Effect.Effect<A, CommonError | DeclaredError<Tags>, R>

const apiFieldsOf = (e: ApiError) => ({
  operation: e.operation,
  status: e.status,
  code: e.code,
  summary: e.summary,
  detail: e.detail
})

/**
 * Node, undici and fetch errors that mean the request never left this
 * machine: nothing listens, no such host, no route, a URL or port fetch
 * refuses to use.
 */
const neverSent =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|UND_ERR_CONNECT_TIMEOUT|ERR_INVALID_URL|bad port|are blocked|Invalid URL|unsupported scheme|Connection refused/i

const causeCodes = (error: unknown, depth = 0): string => {
  if (depth > 4 || error === null || typeof error !== "object") return ""
  const record = error as { code?: unknown; message?: unknown; cause?: unknown }
  return `${typeof record.code === "string" ? record.code : ""} ${
    typeof record.message === "string" ? record.message : ""
  } ${causeCodes(record.cause, depth + 1)}`
}

const transportError = (request: Request, error: HttpClientError.HttpClientError): TransportError => {
  const codes = causeCodes(error.cause)
  const notSent = error._tag === "RequestError" && (error.reason !== "Transport" || neverSent.test(codes))
  return new TransportError({
    operation: request.operation,
    reason: "Connection",
    description: scrub(
      `${error.reason} error` + (codes.trim() ? `: ${codes.trim().split(/\s+/).slice(0, 6).join(" ")}` : "")
    ),
    maybeApplied: !notSent,
    idempotent: request.idempotent
  })
}

/** Whether an error may be retried for this request under the rules above. */
export const isRetryable = (idempotent: boolean) => (error: SendError): boolean => {
  switch (error._tag) {
    case "RateLimited":
      return true
    case "ServerError":
      return idempotent && (error.status === 502 || error.status === 503 || error.status === 504)
    case "TransportError":
      return idempotent || !error.maybeApplied
    default:
      return false
  }
}

/** The retry schedule of a policy, as a `Schedule` over the errors it sees. */
export const retrySchedule = (policy: RetryPolicy, idempotent: boolean): Schedule.Schedule<unknown, SendError> => {
  const cap = Duration.decode(policy.maxDelay)
  const maxRetryAfter = Duration.decode(policy.maxRetryAfter)
  return Schedule.exponential(policy.baseDelay, 2).pipe(
    Schedule.jittered,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, cap)),
    Schedule.intersect(Schedule.recurs(policy.maxRetries)),
    Schedule.intersect(Schedule.identity<SendError>()),
    Schedule.whileInput((error: SendError) => {
      if (!isRetryable(idempotent)(error)) return false
      if (error._tag === "RateLimited" && error.retryAfter !== undefined) {
        return Duration.lessThanOrEqualTo(error.retryAfter, maxRetryAfter)
      }
      return true
    }),
    Schedule.modifyDelay(([, error], delay) =>
      error._tag === "RateLimited" && error.retryAfter !== undefined ? error.retryAfter : delay
    )
  )
}

const toHttpRequest = (request: Request): HttpClientRequest.HttpClientRequest => {
  const base = HttpClientRequest.make(request.method)(request.url).pipe(
    HttpClientRequest.setHeaders(request.headers)
  )
  switch (request.body._tag) {
    case "None":
      return base
    case "Text":
      return HttpClientRequest.bodyText(base, request.body.text, request.body.contentType)
    case "Bytes":
      return HttpClientRequest.bodyUint8Array(base, request.body.bytes, request.body.contentType)
    case "Stream":
      return HttpClientRequest.bodyStream(base, request.body.stream, {
        contentType: request.body.contentType,
        ...(request.body.contentLength === undefined ? {} : { contentLength: request.body.contentLength })
      })
  }
}

/** Header names whose values never reach a span or a log. */
const redactedHeaders = ["x-tableau-auth", "authorization", "cookie", "set-cookie"]

// ---------------------------------------------------------------------------
// Redirects
// ---------------------------------------------------------------------------

/** What to do with a redirect. */
export type RedirectDecision =
  | { readonly _tag: "Follow"; readonly url: string; readonly method: Method }
  | { readonly _tag: "Refuse"; readonly location: string; readonly reason: string }

/** Whether `host` matches one of `patterns` (`tableau.example.com`, or `*.example.com` for any subdomain). */
export const hostAllowed = (host: string, patterns: ReadonlyArray<string>): boolean => {
  const h = host.toLowerCase()
  return patterns.some((raw) => {
    const p = raw.trim().toLowerCase()
    if (p.startsWith("*.")) return h.endsWith(p.slice(1)) && h.length > p.length - 1
    return h === p
  })
}

const redirectStatuses = new Set([301, 302, 303, 307, 308])

/**
 * The redirect rule. Nothing is followed blindly:
 * - a GET is followed (at most {@link MAX_REDIRECTS} times) when the target
 *   has the same origin (scheme, host and port), with its headers;
 * - a sign-in POST (301, 302, 307, 308; Tableau Cloud sends sign-ins to a
 *   pod's host) is followed with the same method and body, to the same
 *   origin or to a host in `redirectHosts`, never from https to http; so is
 *   a GET that carries no token (server info before signing in);
 * - everything else is refused: another origin never gets the token, the
 *   credentials or a body; a POST, PUT or DELETE is never re-sent or turned
 *   into a GET.
 */
export const decideRedirect = (
  request: Request,
  status: number,
  location: string | undefined,
  hops: number
): RedirectDecision => {
  if (status === 0) return { _tag: "Refuse", location: "", reason: "the HTTP client hid the redirect's target" }
  if (location === undefined || location.trim() === "") {
    return { _tag: "Refuse", location: "", reason: "the answer has no Location header" }
  }
  let target: URL
  try {
    target = new URL(location.trim(), request.url)
  } catch {
    return { _tag: "Refuse", location: location.slice(0, 200), reason: "its Location is not a URL" }
  }
  const from = new URL(request.url)
  const shown = `${target.origin}${target.pathname}`
  if (target.protocol !== "https:" && target.protocol !== "http:") {
    return { _tag: "Refuse", location: shown, reason: "only http and https are followed" }
  }
  if (hops >= MAX_REDIRECTS) return { _tag: "Refuse", location: shown, reason: `more than ${MAX_REDIRECTS} redirects` }
  if (!redirectStatuses.has(status)) return { _tag: "Refuse", location: shown, reason: `HTTP ${status} is not followed` }
  const sameOrigin = target.origin === from.origin
  if (request.signIn === true && request.method === "POST") {
    if (status === 303) return { _tag: "Refuse", location: shown, reason: "a sign-in is never turned into a GET" }
    if (request.body._tag === "Stream") return { _tag: "Refuse", location: shown, reason: "a streamed body is not re-sent" }
    if (from.protocol === "https:" && target.protocol === "http:") {
      return { _tag: "Refuse", location: shown, reason: "a sign-in is never sent from https to http" }
    }
    if (sameOrigin || hostAllowed(target.hostname, request.redirectHosts ?? [])) {
      return { _tag: "Follow", url: target.href, method: "POST" }
    }
    return {
      _tag: "Refuse",
      location: shown,
      reason:
        `the credentials are only sent to ${from.origin}; to allow this host, add it to the session's signInRedirectHosts`
    }
  }
  if (!sameOrigin) {
    // A GET that carries no token (server info before sign-in) may go where a sign-in may.
    const carriesToken = Object.keys(request.headers).some((name) => redactedHeaders.includes(name.toLowerCase()))
    if (
      request.method === "GET" && !carriesToken && hostAllowed(target.hostname, request.redirectHosts ?? []) &&
      !(from.protocol === "https:" && target.protocol === "http:")
    ) {
      return { _tag: "Follow", url: target.href, method: "GET" }
    }
    return { _tag: "Refuse", location: shown, reason: `the token is only sent to ${from.origin}` }
  }
  if (request.method !== "GET") {
    return {
      _tag: "Refuse",
      location: shown,
      reason: `a ${request.method} is not re-sent to another address (nor turned into a GET)`
    }
  }
  return { _tag: "Follow", url: target.href, method: "GET" }
}

/** Stops reading a body we do not want (a redirect's), releasing its connection. */
const discard = (response: HttpClientResponse.HttpClientResponse): Effect.Effect<void> =>
  Stream.runDrain(Stream.take(response.stream, 0)).pipe(Effect.ignore)

/**
 * `fetch` follows redirects by itself, to any origin, with our headers.
 * Every request goes out with `redirect: "manual"`, so the rule above
 * decides; `@effect/platform-node`'s clients never follow.
 */
const manualRedirects = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.flatMap(
    Effect.serviceOption(FetchHttpClient.RequestInit),
    (init) =>
      Effect.provideService(effect, FetchHttpClient.RequestInit, {
        ...Option.getOrElse(init, () => ({})),
        redirect: "manual"
      })
  )

/** Executes a request, following redirects by {@link decideRedirect}; refuses the rest. */
const executeFollowing = (
  client: HttpClient.HttpClient,
  request: Request,
  hops = 0
): Effect.Effect<HttpClientResponse.HttpClientResponse, TransportError | RedirectRefused> =>
  client.execute(toHttpRequest(request)).pipe(
    manualRedirects,
    Effect.mapError((error) => transportError(request, error)),
    Effect.flatMap((response) => {
      const status = response.status
      if ((status >= 200 && status < 300) || status >= 400) return Effect.succeed(response)
      if (status >= 100 && status < 200) {
        return Effect.zipRight(
          discard(response),
          Effect.fail(
            new RedirectRefused({
              operation: request.operation,
              status,
              location: "",
              reason: "an informational status is not an answer"
            })
          )
        )
      }
      const decision = decideRedirect(request, response.status, response.headers["location"], hops)
      return Effect.zipRight(
        discard(response),
        decision._tag === "Follow"
          ? executeFollowing(client, {
            ...request,
            url: decision.url,
            method: decision.method,
            body: decision.method === "GET" ? noBody : request.body
          }, hops + 1)
          : Effect.fail(
            new RedirectRefused({
              operation: request.operation,
              status: response.status,
              location: scrub(decision.location),
              reason: decision.reason
            })
          )
      )
    })
  )

// ---------------------------------------------------------------------------
// Bodies
// ---------------------------------------------------------------------------

/**
 * A response's bytes; a response without a body (204, say) is an empty
 * stream, not a failure.
 */
const bytesOf = (
  response: HttpClientResponse.HttpClientResponse,
  request: Pick<Request, "operation" | "idempotent">
): Stream.Stream<Uint8Array, TransportError> =>
  response.stream.pipe(
    Stream.catchAll((error) => error.reason === "EmptyBody" ? Stream.empty : Stream.fail(brokenBody(request)(error)))
  )

const brokenBody = (request: Pick<Request, "operation" | "idempotent">) => (error: HttpClientError.ResponseError) =>
  new TransportError({
    operation: request.operation,
    reason: "Connection",
    description: scrub(`the response body broke off: ${error.reason}`),
    maybeApplied: true,
    idempotent: request.idempotent
  })

interface Collected {
  readonly decoder: TextDecoder
  text: string
  size: number
}

const collect = (
  response: HttpClientResponse.HttpClientResponse,
  request: Pick<Request, "operation" | "idempotent">,
  limit: number
): Effect.Effect<Collected, TransportError> =>
  bytesOf(response, request).pipe(
    Stream.runFoldWhile(
      { decoder: new TextDecoder(), text: "", size: 0 } as Collected,
      (acc) => acc.size <= limit,
      (acc, chunk) => {
        acc.size += chunk.byteLength
        if (acc.size <= limit) acc.text += acc.decoder.decode(chunk, { stream: true })
        return acc
      }
    ),
    Effect.map((acc) => {
      if (acc.size <= limit) acc.text += acc.decoder.decode()
      return acc
    })
  )

/**
 * Reads a whole body as text, counting bytes as they arrive (after any
 * decompression): past `maxResponseBytes` reading stops with
 * `ResponseTooLarge`; a body that breaks off is a `TransportError`.
 */
export const readBody = (
  request: Pick<Request, "operation" | "idempotent" | "maxResponseBytes">,
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<string, TransportError | ResponseTooLarge> => {
  const limit = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
  return Effect.flatMap(collect(response, request, limit), (acc) =>
    acc.size > limit
      ? Effect.fail(new ResponseTooLarge({ operation: request.operation, status: response.status, limit }))
      : Effect.succeed(acc.text))
}

/** Reads the first {@link ERROR_BODY_BYTES} of an error body (enough to classify it); drops the rest. */
const readErrorBody = (request: Request, response: HttpClientResponse.HttpClientResponse) =>
  Effect.map(collect(response, request, ERROR_BODY_BYTES), (acc) => acc.text)

/**
 * A download's body as a Stream of bytes, read as it arrives. Fails with a
 * `TransportError` when it breaks off, or when no bytes arrive for
 * `idleTimeout` (a stalled server).
 */
export const bodyStream = (
  request: Pick<Request, "operation" | "idempotent">,
  response: HttpClientResponse.HttpClientResponse,
  idleTimeout: Duration.DurationInput
): Stream.Stream<Uint8Array, TransportError> =>
  bytesOf(response, request).pipe(
    Stream.timeoutFail(
      () =>
        new TransportError({
          operation: request.operation,
          reason: "Timeout",
          description: `the download stalled: no bytes for ${Duration.format(idleTimeout)}`,
          maybeApplied: true,
          idempotent: request.idempotent
        }),
      idleTimeout
    )
  )

// ---------------------------------------------------------------------------
// Exchanges
// ---------------------------------------------------------------------------

/**
 * One attempt: execute (following redirects by the rule), map a failed
 * status to its error (reading at most 64 KiB of its body), then `read` the
 * successful response. The per-request timeout covers all of it.
 */
const attempt = <A>(
  client: HttpClient.HttpClient,
  request: Request,
  read: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, SendError>
): Effect.Effect<A, SendError> =>
  executeFollowing(client, request).pipe(
    Effect.flatMap((response): Effect.Effect<HttpClientResponse.HttpClientResponse, SendError> => {
      if (response.status < 400) return Effect.succeed(response)
      return readErrorBody(request, response).pipe(
        Effect.orElseSucceed(() => ""),
        Effect.flatMap((body) =>
          Effect.flatMap(Clock.currentTimeMillis, (now) =>
            Effect.fail(
              classify(
                request.operation,
                response.status,
                body,
                parseRetryAfter(response.headers["retry-after"], now),
                request.signIn === true
              )
            ))
        )
      )
    }),
    Effect.tap((response) => Effect.annotateCurrentSpan("http.response.status_code", response.status)),
    Effect.tapError((error) =>
      "status" in error ? Effect.annotateCurrentSpan("http.response.status_code", error.status) : Effect.void
    ),
    Effect.flatMap(read),
    // Bounded even inside an uninterruptible region (a finalizer, say).
    Effect.interruptible,
    Effect.timeoutFail({
      duration: request.timeout,
      onTimeout: () =>
        new TransportError({
          operation: request.operation,
          reason: "Timeout",
          description: `no complete response within ${Duration.format(request.timeout)}`,
          maybeApplied: true,
          idempotent: request.idempotent
        })
    }),
    Effect.locally(Headers.currentRedactedNames, redactedHeaders)
  )

/** The deadline of a request: its own, or {@link DEFAULT_DEADLINE_FACTOR} × its timeout. */
export const deadlineOf = (request: Pick<Request, "timeout" | "deadline">): Duration.Duration =>
  request.deadline !== undefined
    ? Duration.decode(request.deadline)
    : Duration.times(Duration.decode(request.timeout), DEFAULT_DEADLINE_FACTOR)

/**
 * Sends a request and reads its answer with `read`, with the per-request
 * timeout on each attempt, the retry policy between attempts, and the
 * deadline over all of them. A `TransportError` says how many attempts were
 * made. When the deadline passes during a backoff, the last attempt's error
 * is the answer; a `Retry-After` longer than what is left of the deadline
 * is not waited for.
 */
export const exchange = <A>(
  client: HttpClient.HttpClient,
  request: Request,
  read: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, SendError>
): Effect.Effect<A, SendError> =>
  Effect.gen(function*() {
    const deadline = deadlineOf(request)
    const startedAt = yield* Clock.currentTimeMillis
    const endsAt = startedAt + Duration.toMillis(deadline)
    let attempts = 0
    let last: SendError | undefined
    const once = Effect.suspend(() => {
      attempts++
      last = undefined
      return attempt(client, request, read)
    }).pipe(Effect.tapError((error) => Effect.sync(() => (last = error))))
    const retried = request.retry === false ? once : Effect.retry(
      once,
      retrySchedule(request.retry, request.idempotent).pipe(
        Schedule.checkEffect((error: SendError) =>
          Effect.map(Clock.currentTimeMillis, (now) =>
            !(error._tag === "RateLimited" && error.retryAfter !== undefined &&
              now + Duration.toMillis(error.retryAfter) > endsAt)
          )
        )
      )
    )
    return yield* Effect.interruptible(retried).pipe(
      Effect.timeoutFailCause({
        duration: deadline,
        onTimeout: () =>
          last !== undefined
            ? Cause.fail(last)
            : Cause.fail(
              new TransportError({
                operation: request.operation,
                reason: "Timeout",
                description: `no complete response within the call's deadline of ${Duration.format(deadline)}`,
                maybeApplied: true,
                idempotent: request.idempotent
              })
            )
      }),
      Effect.mapError((error) =>
        error instanceof TransportError && attempts > 1 && error.attempts !== attempts
          ? new TransportError({ ...error, attempts })
          : error
      )
    )
  })

/**
 * Sends a request with timeout, retries, redirects and error mapping.
 * Succeeds with the response (status 2xx), whose body is unread: the
 * per-request timeout covers the headers only, so read the body with
 * {@link bodyStream} (idle timeout) or use {@link exchange}.
 */
export const send = (
  client: HttpClient.HttpClient,
  request: Request
): Effect.Effect<HttpClientResponse.HttpClientResponse, SendError> => exchange(client, request, Effect.succeed)

/** Wraps an operation in its span: `Tableau.<operation>` with method and path template. */
export const withSpan = (
  operation: string,
  method: Method,
  pathTemplate: string,
  extra?: Readonly<Record<string, string | number | boolean>>
) =>
<A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.withSpan(effect, `Tableau.${operation}`, {
    kind: "client",
    attributes: {
      "http.request.method": method,
      "tableau.operation": operation,
      "url.template": pathTemplate,
      ...extra
    }
  })

/** Decodes a parsed body with `schema`; a mismatch names its path, with an excerpt of the body. */
const decodeParsed = <A, I>(
  operation: string,
  status: number,
  body: string,
  schema: Schema.Schema<A, I>,
  parsed: unknown
): Effect.Effect<A, ResponseDecodeError> =>
  Schema.decodeUnknown(schema)(parsed).pipe(
    Effect.mapError((error) => {
      const first = ParseResult.ArrayFormatter.formatErrorSync(error)[0]
      return new ResponseDecodeError({
        operation,
        status,
        path: first ? first.path.map(String).join(".") : "",
        issue: scrub(first ? first.message : error.message).slice(0, 512),
        excerpt: excerpt(body)
      })
    })
  )

/**
 * Decodes a JSON body with `schema` (for the endpoints Tableau answers in
 * JSON): a body that is not JSON, or that does not match, is a
 * `ResponseDecodeError` with the path of the mismatch.
 */
export const decodeJson = <A, I>(
  operation: string,
  status: number,
  body: string,
  schema: Schema.Schema<A, I>
): Effect.Effect<A, ResponseDecodeError> => {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch (error) {
    return Effect.fail(
      new ResponseDecodeError({
        operation,
        status,
        path: "",
        issue: describeHtml(status, body) ?? `the body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
        excerpt: excerpt(body)
      })
    )
  }
  return decodeParsed(operation, status, body, schema, parsed)
}

/**
 * Decodes a response body with a schema of the whole `tsResponse`
 * document. Non-XML, refused and mismatching bodies become
 * `ResponseDecodeError`; an HTML page is named as such.
 */
export const decodeXml = <A, I>(
  operation: string,
  status: number,
  body: string,
  schema: Schema.Schema<A, I>
): Effect.Effect<A, ResponseDecodeError> => {
  const parsed = Xml.parse(body)
  if (parsed instanceof Xml.XmlRefused) {
    return Effect.fail(
      new ResponseDecodeError({
        operation,
        status,
        path: "",
        issue: describeHtml(status, body) ?? parsed.reason,
        excerpt: excerpt(body)
      })
    )
  }
  return decodeParsed(operation, status, body, schema, parsed)
}

/** Reads a response body as text (within the default size limit), mapping a broken body to `TransportError`. */
export const readText = (
  operation: string,
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<string, TransportError | ResponseTooLarge> => readBody({ operation, idempotent: true }, response)

/** Joins a base URL and path segments, percent-encoding each segment. */
export const joinUrl = (server: string, segments: ReadonlyArray<string>): string =>
  `${server.replace(/\/+$/, "")}/${segments.map(encodeURIComponent).join("/")}`

/** Encodes query parameters, leaving out undefined values; spaces as `%20`. */
export const encodeQuery = (query: Readonly<Record<string, string | undefined>>): string => {
  const parts: Array<string> = []
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
  }
  return parts.length === 0 ? "" : `?${parts.join("&")}`
}

/** Compares REST API versions numerically: "3.10" is newer than "3.9". */
export const compareVersions = (a: string, b: string): number => {
  const pa = a.split(".").map((n) => Number.parseInt(n, 10) || 0)
  const pb = b.split(".").map((n) => Number.parseInt(n, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d
  }
  return 0
}

/**
 * Refuses, before anything is sent, a request body holding a character XML
 * 1.0 cannot carry (a conforming server would reject the document, or store
 * U+FFFD for a lone surrogate): `InvalidRequest` naming the field.
 */
export const refuseInvalidXml = (
  operation: string,
  ...children: ReadonlyArray<Xml.XmlElement | undefined | false | null>
): Effect.Effect<void, InvalidRequest> => {
  const found = Xml.invalidCharacter(...children)
  return found === undefined ? Effect.void : Effect.fail(new InvalidRequest({ operation, reason: found }))
}

/** An XML request body. */
export const xmlBody = (text: string): Body => ({ _tag: "Text", text, contentType: "application/xml" })

/** A JSON request body. */
export const jsonBody = (value: unknown): Body => ({
  _tag: "Text",
  text: JSON.stringify(value),
  contentType: "application/json"
})

/** No request body. */
export const noBody: Body = { _tag: "None" }

export { HttpClient }
