/**
 * The typed failures of effect-tableau.
 *
 * Server failures carry what Tableau said: `code` (such as `"404002"`),
 * `summary`, `detail` and the HTTP `status`, plus the `operation` that failed
 * (such as `"Users.get"`). Client-side failures (`InvalidRequest`,
 * `UnsupportedApiVersion`) are raised before anything is sent.
 *
 * Every endpoint's type names the errors it can fail with: the
 * `CommonError` set that any authenticated call can meet (including
 * `InvalidRequest` for a malformed ID or page size), and its own
 * (`NotFound`, `Conflict`, ...). A 4xx answer that an endpoint does not
 * document arrives as `BadRequest`, with its real `status` and `code`.
 *
 * No error message contains a secret or an auth token.
 *
 * @example
 * ```ts
 * import { Effect } from "effect"
 * import { Sites } from "effect-tableau"
 *
 * const program = Sites.getByName("Finance").pipe(
 *   Effect.catchTag("NotFound", (e) => Effect.logWarning(`no such site (${e.code})`))
 * )
 * ```
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

const apiFields = {
  /** The operation that failed, such as `"Sites.get"`. */
  operation: Schema.String,
  /** HTTP status of the answer. */
  status: Schema.Number,
  /** Tableau's error code, such as `"404002"`; empty when the body had none. */
  code: Schema.String,
  /** Tableau's short summary, such as `"Resource Not Found"`. */
  summary: Schema.String,
  /** Tableau's detail sentence. */
  detail: Schema.String
}

const describe = (e: { operation: string; status: number; code: string; summary: string; detail: string }) =>
  `${e.operation} failed with HTTP ${e.status}${e.code ? ` (${e.code})` : ""}: ${e.summary}${
    e.detail ? `: ${e.detail}` : ""
  }`

/** The server refused the request as malformed (400xxx), or answered a 4xx this endpoint does not document. */
export class BadRequest extends Schema.TaggedError<BadRequest>("effect-tableau/BadRequest")("BadRequest", apiFields) {
  override get message() {
    return describe(this)
  }
}

/** The auth token was refused (401xxx) even after one fresh sign-in. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>("effect-tableau/Unauthorized")(
  "Unauthorized",
  apiFields
) {
  override get message() {
    return describe(this)
  }
}

/** Signing in failed: wrong credentials (401001), unknown site (401000 or 404000), disabled user. */
export class SignInFailed extends Schema.TaggedError<SignInFailed>("effect-tableau/SignInFailed")(
  "SignInFailed",
  apiFields
) {
  override get message() {
    return describe(this)
  }
}

/** The signed-in user may not do this (403xxx). */
export class Forbidden extends Schema.TaggedError<Forbidden>("effect-tableau/Forbidden")("Forbidden", apiFields) {
  override get message() {
    return describe(this)
  }
}

/** The resource does not exist (404xxx). */
export class NotFound extends Schema.TaggedError<NotFound>("effect-tableau/NotFound")("NotFound", apiFields) {
  override get message() {
    return describe(this)
  }
}

/** The request conflicts with what exists, such as a duplicate name (409xxx). */
export class Conflict extends Schema.TaggedError<Conflict>("effect-tableau/Conflict")("Conflict", apiFields) {
  override get message() {
    return describe(this)
  }
}

/** The server asked us to slow down (HTTP 429), and retries ran out. */
export class RateLimited extends Schema.TaggedError<RateLimited>("effect-tableau/RateLimited")("RateLimited", {
  ...apiFields,
  /** What `Retry-After` asked for, when the server sent it. */
  retryAfter: Schema.optional(Schema.DurationFromSelf)
}) {
  override get message() {
    return describe(this)
  }
}

/** The server failed (5xx), and retries, where allowed, ran out. */
export class ServerError extends Schema.TaggedError<ServerError>("effect-tableau/ServerError")(
  "ServerError",
  apiFields
) {
  override get message() {
    return describe(this)
  }
}

/**
 * The request did not complete: connection refused or reset, DNS, TLS, or
 * the timeout elapsed. `maybeApplied` is true when the request may have
 * reached the server (it was sent and no answer came back); such a
 * non-idempotent request (POST) is never replayed, so check the server's
 * state before trying again.
 */
export class TransportError extends Schema.TaggedError<TransportError>("effect-tableau/TransportError")(
  "TransportError",
  {
    operation: Schema.String,
    reason: Schema.Literal("Timeout", "Connection"),
    description: Schema.String,
    maybeApplied: Schema.Boolean
  }
) {
  override get message() {
    return `${this.operation} failed: ${this.reason}: ${this.description}${
      this.maybeApplied ? " (the server may have acted on the request; it was not replayed)" : ""
    }`
  }
}

/**
 * The answer did not have the shape Tableau documents: not XML (an HTML
 * error page from a proxy, say), a DOCTYPE or entity declaration (refused),
 * or a value that does not match the schema. `path` says where.
 */
export class ResponseDecodeError extends Schema.TaggedError<ResponseDecodeError>(
  "effect-tableau/ResponseDecodeError"
)("ResponseDecodeError", {
  operation: Schema.String,
  status: Schema.Number,
  /** Where in the document the mismatch is, such as `tsResponse.site.name`. */
  path: Schema.String,
  /** What did not match. */
  issue: Schema.String,
  /** At most 512 characters of the body, with tokens masked. */
  excerpt: Schema.String
}) {
  override get message() {
    return `${this.operation}: unexpected response (HTTP ${this.status}) at ${this.path || "<root>"}: ${this.issue}`
  }
}

/** The request was refused before sending because Tableau would reject it (the seed's client-side checks). */
export class InvalidRequest extends Schema.TaggedError<InvalidRequest>("effect-tableau/InvalidRequest")(
  "InvalidRequest",
  {
    operation: Schema.String,
    reason: Schema.String
  }
) {
  override get message() {
    return `${this.operation}: ${this.reason}`
  }
}

/** The call needs a newer REST API version than the session uses; nothing was sent. */
export class UnsupportedApiVersion extends Schema.TaggedError<UnsupportedApiVersion>(
  "effect-tableau/UnsupportedApiVersion"
)("UnsupportedApiVersion", {
  operation: Schema.String,
  required: Schema.String,
  actual: Schema.String
}) {
  override get message() {
    return `${this.operation} needs REST API ${this.required} or newer; the session uses ${this.actual}`
  }
}

/** A background job finished with an error (`finishCode` 1); `notes` are the job's status notes. */
export class JobFailed extends Schema.TaggedError<JobFailed>("effect-tableau/JobFailed")("JobFailed", {
  jobId: Schema.String,
  jobType: Schema.String,
  notes: Schema.Array(Schema.String)
}) {
  override get message() {
    return `job ${this.jobId} (${this.jobType}) failed${this.notes.length ? `: ${this.notes.join("; ")}` : ""}`
  }
}

/** A background job was cancelled (`finishCode` 2). */
export class JobCancelled extends Schema.TaggedError<JobCancelled>("effect-tableau/JobCancelled")("JobCancelled", {
  jobId: Schema.String,
  jobType: Schema.String,
  notes: Schema.Array(Schema.String)
}) {
  override get message() {
    return `job ${this.jobId} (${this.jobType}) was cancelled`
  }
}

/** `Jobs.wait` gave up before the job finished; the job may still complete on the server. */
export class JobTimedOut extends Schema.TaggedError<JobTimedOut>("effect-tableau/JobTimedOut")("JobTimedOut", {
  jobId: Schema.String,
  /** The last progress the server reported, 0 to 100. */
  progress: Schema.Number
}) {
  override get message() {
    return `job ${this.jobId} did not finish in time (last progress ${this.progress}%)`
  }
}

/** The failures any authenticated call can meet. */
export type CommonError =
  | BadRequest
  | Unauthorized
  | Forbidden
  | RateLimited
  | ServerError
  | TransportError
  | ResponseDecodeError
  | InvalidRequest

/** Every failure effect-tableau can report. */
export type TableauError =
  | CommonError
  | SignInFailed
  | NotFound
  | Conflict
  | UnsupportedApiVersion

/** The tags of the failures an endpoint may declare beyond `CommonError`. */
export type DeclaredErrorTag = "NotFound" | "Conflict" | "UnsupportedApiVersion" | "SignInFailed"

/** Maps a declared tag to its error class. */
export type DeclaredError<T extends DeclaredErrorTag> = Extract<TableauError, { readonly _tag: T }>
