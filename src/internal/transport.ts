/**
 * The one place where effect-tableau talks HTTP.
 *
 * `send` takes a fully described request and returns the response once its
 * status is a success, after:
 * - the per-request timeout (time to response headers),
 * - the retry policy (capped exponential backoff with jitter, `Retry-After`
 *   honoured; idempotent requests retry 429, 502, 503, 504 and connection
 *   failures; a POST retries only a 429 or a connection that never opened),
 * - mapping of failures to the typed errors of `Errors.ts`,
 * - a span named after the operation, with no token or secret in it.
 *
 * `decodeXml` turns a response body into a typed value with a Schema,
 * reporting mismatches as `ResponseDecodeError`.
 *
 * Authentication (the token, re-sign-in on 401002) is layered on top in
 * `endpoint.ts`; sign-in itself uses `send` directly.
 *
 * @internal
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type * as Stream from "effect/Stream"
import type { CommonError, DeclaredError, DeclaredErrorTag, InvalidRequest, UnsupportedApiVersion } from "../Errors.ts"
import {
  BadRequest,
  Conflict,
  Forbidden,
  NotFound,
  RateLimited,
  ResponseDecodeError,
  ServerError,
  SignInFailed,
  TransportError,
  Unauthorized
} from "../Errors.ts"
import * as Xml from "./xml.ts"

/** HTTP methods Tableau uses. */
export type Method = "GET" | "POST" | "PUT" | "DELETE"

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
  readonly timeout: Duration.DurationInput
  readonly retry: RetryPolicy | false
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
export type SendError = ApiError | TransportError | ResponseDecodeError

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

/** Masks token- and secret-like values in text that may end up in an error. */
export const scrub = (text: string): string =>
  text
    .replace(
      /((?:token|secret|password|personalAccessTokenSecret|jwt)\s*=\s*)(["'])[^"']*\2/gi,
      "$1$2<redacted>$2"
    )
    .replace(/(<(?:password|jwt|token)[^>]*>)[^<]*(<\/)/gi, "$1<redacted>$2")

/** At most `max` characters of `text`, scrubbed. */
export const excerpt = (text: string, max = 512): string => scrub(text.length > max ? `${text.slice(0, max)}…` : text)

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
  const parsed = Xml.parse(body)
  const decoded = parsed instanceof Xml.XmlRefused ? undefined : decodeErrorBody(parsed)
  const error = decoded && Either.isRight(decoded) ? decoded.right.tsResponse.error : undefined
  const code = error?.code ?? ""
  const fields = {
    operation,
    status,
    code,
    summary: scrub(textOf(error?.summary) || statusSummary(status)),
    detail: scrub(textOf(error?.detail))
  }
  const family = /^\d{3}/.test(code) ? Number(code.slice(0, 3)) : status
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
  effect: Effect.Effect<A, SendError | InvalidRequest | UnsupportedApiVersion, R>
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

/** Node and undici error codes that mean the request never left this machine. */
const neverSent = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ENETUNREACH|EHOSTUNREACH|UND_ERR_CONNECT_TIMEOUT|ERR_INVALID_URL/

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
      (error._tag === "RequestError" ? `${error.reason} error` : `${error.reason} error`) +
        (codes.trim() ? `: ${codes.trim().split(/\s+/).slice(0, 6).join(" ")}` : "")
    ),
    maybeApplied: !notSent
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

/** One attempt: execute, time out, map a failed status to its error. */
const attempt = (
  client: HttpClient.HttpClient,
  request: Request
): Effect.Effect<HttpClientResponse.HttpClientResponse, SendError> =>
  client.execute(toHttpRequest(request)).pipe(
    Effect.mapError((error) => transportError(request, error)),
    Effect.timeoutFail({
      duration: request.timeout,
      onTimeout: () =>
        new TransportError({
          operation: request.operation,
          reason: "Timeout",
          description: `no response within ${Duration.format(request.timeout)}`,
          maybeApplied: true
        })
    }),
    Effect.flatMap((response) => {
      if (response.status < 400) return Effect.succeed(response)
      return response.text.pipe(
        Effect.orElseSucceed(() => ""),
        Effect.flatMap((body) =>
          Effect.clockWith((clock) => clock.currentTimeMillis).pipe(
            Effect.flatMap((now) =>
              Effect.fail(
                classify(
                  request.operation,
                  response.status,
                  body,
                  parseRetryAfter(response.headers["retry-after"], now),
                  request.signIn === true
                )
              )
            )
          )
        )
      )
    }),
    Effect.tap((response) => Effect.annotateCurrentSpan("http.response.status_code", response.status)),
    Effect.tapError((error) =>
      "status" in error ? Effect.annotateCurrentSpan("http.response.status_code", error.status) : Effect.void
    ),
    Effect.locally(Headers.currentRedactedNames, redactedHeaders)
  )

/**
 * Sends a request with timeout, retries and error mapping, inside a span.
 * Succeeds with the response (status below 400), whose body is unread.
 */
export const send = (
  client: HttpClient.HttpClient,
  request: Request
): Effect.Effect<HttpClientResponse.HttpClientResponse, SendError> => {
  const once = attempt(client, request)
  const retried = request.retry === false ? once : Effect.retry(once, retrySchedule(request.retry, request.idempotent))
  return retried
}

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

/**
 * Decodes a response body with a schema of the whole `tsResponse`
 * document. Non-XML, refused and mismatching bodies become
 * `ResponseDecodeError`.
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
      new ResponseDecodeError({ operation, status, path: "", issue: parsed.reason, excerpt: excerpt(body) })
    )
  }
  return Schema.decodeUnknown(schema)(parsed).pipe(
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
}

/** Reads a response body as text, mapping a broken body to `TransportError`. */
export const readText = (
  operation: string,
  response: HttpClientResponse.HttpClientResponse
): Effect.Effect<string, TransportError> =>
  response.text.pipe(
    Effect.mapError((error) =>
      new TransportError({
        operation,
        reason: "Connection",
        description: scrub(`the response body broke off: ${error.reason}`),
        maybeApplied: true
      })
    )
  )

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

/** An XML request body. */
export const xmlBody = (text: string): Body => ({ _tag: "Text", text, contentType: "application/xml" })

/** No request body. */
export const noBody: Body = { _tag: "None" }

export { HttpClient }
