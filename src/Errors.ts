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
 * import * as Effect from "effect/Effect"
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
import type { TaggedErrorOf } from "./internal/schema.ts"

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

const BadRequestBase: TaggedErrorOf<BadRequest, "BadRequest", typeof apiFields> = Schema.TaggedError<BadRequest>(
  "effect-tableau/BadRequest"
)("BadRequest", apiFields)

/** The server refused the request as malformed (400xxx), or answered a 4xx this endpoint does not document. */
export class BadRequest extends BadRequestBase {
  override get message(): string {
    return describe(this)
  }
}

const UnauthorizedBase: TaggedErrorOf<
  Unauthorized,
  "Unauthorized",
  typeof apiFields
> = Schema.TaggedError<Unauthorized>("effect-tableau/Unauthorized")(
  "Unauthorized",
  apiFields
)

/** The auth token was refused (401xxx) even after one fresh sign-in. */
export class Unauthorized extends UnauthorizedBase {
  override get message(): string {
    return describe(this)
  }
}

const SignInFailedBase: TaggedErrorOf<
  SignInFailed,
  "SignInFailed",
  typeof apiFields
> = Schema.TaggedError<SignInFailed>("effect-tableau/SignInFailed")(
  "SignInFailed",
  apiFields
)

/** Signing in failed: wrong credentials (401001), unknown site (401000 or 404000), disabled user. */
export class SignInFailed extends SignInFailedBase {
  override get message(): string {
    return describe(this)
  }
}

const ForbiddenBase: TaggedErrorOf<Forbidden, "Forbidden", typeof apiFields> = Schema.TaggedError<Forbidden>(
  "effect-tableau/Forbidden"
)("Forbidden", apiFields)

/** The signed-in user may not do this (403xxx). */
export class Forbidden extends ForbiddenBase {
  override get message(): string {
    return describe(this)
  }
}

const NotFoundBase: TaggedErrorOf<NotFound, "NotFound", typeof apiFields> = Schema.TaggedError<NotFound>(
  "effect-tableau/NotFound"
)("NotFound", apiFields)

/** The resource does not exist (404xxx). */
export class NotFound extends NotFoundBase {
  override get message(): string {
    return describe(this)
  }
}

const ConflictBase: TaggedErrorOf<Conflict, "Conflict", typeof apiFields> = Schema.TaggedError<Conflict>(
  "effect-tableau/Conflict"
)("Conflict", apiFields)

/** The request conflicts with what exists, such as a duplicate name (409xxx). */
export class Conflict extends ConflictBase {
  override get message(): string {
    return describe(this)
  }
}

const rateLimitedFields = {
  ...apiFields,
  /** What `Retry-After` asked for, when the server sent it. */
  retryAfter: Schema.optional(Schema.DurationFromSelf) as Schema.optional<typeof Schema.DurationFromSelf>
}

const RateLimitedBase: TaggedErrorOf<
  RateLimited,
  "RateLimited",
  typeof rateLimitedFields
> = Schema.TaggedError<RateLimited>("effect-tableau/RateLimited")(
  "RateLimited",
  rateLimitedFields
)

/** The server asked us to slow down (HTTP 429), and retries ran out. */
export class RateLimited extends RateLimitedBase {
  override get message(): string {
    return describe(this)
  }
}

const ServerErrorBase: TaggedErrorOf<ServerError, "ServerError", typeof apiFields> = Schema.TaggedError<ServerError>(
  "effect-tableau/ServerError"
)("ServerError", apiFields)

/** The server failed (5xx), and retries, where allowed, ran out. */
export class ServerError extends ServerErrorBase {
  override get message(): string {
    return describe(this)
  }
}

const transportErrorFields = {
  operation: Schema.String,
  reason: Schema.Literal("Timeout", "Connection") as Schema.Literal<["Timeout", "Connection"]>,
  description: Schema.String,
  /** Whether the request may have reached the server (it was sent and no complete answer came back). */
  maybeApplied: Schema.Boolean,
  /** How many times the request was sent (1 when it was not retried). */
  attempts: Schema.optionalWith(Schema.Number, { default: () => 1 }) as Schema.optionalWith<
    typeof Schema.Number,
    { default: () => number }
  >,
  /** Whether the request is safe to replay (GET, PUT, DELETE): such requests are retried by the policy. */
  idempotent: Schema.optionalWith(Schema.Boolean, { default: () => false }) as Schema.optionalWith<
    typeof Schema.Boolean,
    { default: () => boolean }
  >
}

const TransportErrorBase: TaggedErrorOf<
  TransportError,
  "TransportError",
  typeof transportErrorFields
> = Schema.TaggedError<TransportError>("effect-tableau/TransportError")(
  "TransportError",
  transportErrorFields
)

/**
 * The request did not complete: connection refused or reset, DNS, TLS, a
 * body that broke off, or a time bound elapsed (the per-request timeout,
 * the idle timeout of a download, or the call's deadline across retries).
 * `attempts` says how often it was sent. `maybeApplied` is true when the
 * request may have reached the server (it was sent and no complete answer
 * came back); such a non-idempotent request (POST) is never replayed, so
 * check the server's state before trying again.
 */
export class TransportError extends TransportErrorBase {
  override get message(): string {
    const attempts = this.attempts > 1 ? ` after ${this.attempts} attempts` : ""
    const applied = !this.maybeApplied
      ? " (the request never reached the server)"
      : this.idempotent
      ? ""
      : " (the server may have acted on the request; it was not replayed)"
    return `${this.operation} failed${attempts}: ${this.reason}: ${this.description}${applied}`
  }
}

const redirectRefusedFields = {
  operation: Schema.String,
  /** The redirect's HTTP status (301, 302, 303, 307, 308), or 0 for an opaque redirect. */
  status: Schema.Number,
  /** Where the server wanted the request to go (resolved against the request URL), or "" when it did not say. */
  location: Schema.String,
  /** Why it was not followed. */
  reason: Schema.String
}

const RedirectRefusedBase: TaggedErrorOf<
  RedirectRefused,
  "RedirectRefused",
  typeof redirectRefusedFields
> = Schema.TaggedError<RedirectRefused>("effect-tableau/RedirectRefused")(
  "RedirectRefused",
  redirectRefusedFields
)

/**
 * The server answered with a redirect that effect-tableau does not follow:
 * to another origin (the token, credentials and request body never leave
 * the origin they were meant for), a non-GET request (a POST is never
 * turned into a GET), a redirect loop, or one without a `Location`. Only a
 * sign-in may be redirected to another host, and only to a host the session
 * allows (`TableauSession.Options.signInRedirectHosts`). Usually the server
 * URL is not the one Tableau expects: use the `location` named here.
 */
export class RedirectRefused extends RedirectRefusedBase {
  override get message(): string {
    return `${this.operation}: the server redirected (HTTP ${this.status}) to ${
      this.location || "an unnamed location"
    }, which was not followed: ${this.reason}`
  }
}

const responseTooLargeFields = {
  operation: Schema.String,
  status: Schema.Number,
  /** The limit, in bytes (after any decompression). */
  limit: Schema.Number
}

const ResponseTooLargeBase: TaggedErrorOf<
  ResponseTooLarge,
  "ResponseTooLarge",
  typeof responseTooLargeFields
> = Schema.TaggedError<ResponseTooLarge>("effect-tableau/ResponseTooLarge")(
  "ResponseTooLarge",
  responseTooLargeFields
)

/**
 * A response that is decoded in memory (not a download) grew past the
 * session's `maxResponseBytes`, counted while it was read and after any
 * decompression; the rest was not read. Downloads are Streams and have no
 * such limit.
 */
export class ResponseTooLarge extends ResponseTooLargeBase {
  override get message(): string {
    return `${this.operation}: the response (HTTP ${this.status}) is larger than ${this.limit} bytes; reading stopped there`
  }
}

const pagingInconsistentFields = {
  operation: Schema.String,
  /** The page whose answer did not fit what the pages before it said. */
  pageNumber: Schema.Number,
  /**
   * What was wrong: `PageNumberIgnored` (the page echoed another number),
   * `PageSizeMismatch` (another page size, or more items than it), `InvalidTotal`
   * (a negative or missing total), `BeyondTotal` (items past `totalAvailable`),
   * `RepeatedPage` (the same items as an earlier page), `DuplicateItem` (an item
   * twice while the collection did not change). Open for future kinds.
   */
  kind: Schema.String,
  /** The figures, in words. */
  detail: Schema.String
}

const PagingInconsistentBase: TaggedErrorOf<
  PagingInconsistent,
  "PagingInconsistent",
  typeof pagingInconsistentFields
> = Schema.TaggedError<PagingInconsistent>("effect-tableau/PagingInconsistent")(
  "PagingInconsistent",
  pagingInconsistentFields
)

/**
 * The pages of a collection contradicted each other or themselves, so
 * continuing would lose or repeat items silently. The items emitted before
 * it are correct and distinct; the stream ends here. See
 * docs/reliability.md for what each kind means and which are recovered.
 */
export class PagingInconsistent extends PagingInconsistentBase {
  override get message(): string {
    return `${this.operation}: paging stopped at page ${this.pageNumber} (${this.kind}): ${this.detail}`
  }
}

const responseDecodeErrorFields = {
  operation: Schema.String,
  status: Schema.Number,
  /** Where in the document the mismatch is, such as `tsResponse.site.name`. */
  path: Schema.String,
  /** What did not match. */
  issue: Schema.String,
  /** At most 512 characters of the body, with tokens masked. */
  excerpt: Schema.String
}

const ResponseDecodeErrorBase: TaggedErrorOf<
  ResponseDecodeError,
  "ResponseDecodeError",
  typeof responseDecodeErrorFields
> = Schema.TaggedError<ResponseDecodeError>("effect-tableau/ResponseDecodeError")(
  "ResponseDecodeError",
  responseDecodeErrorFields
)

/**
 * The answer did not have the shape Tableau documents: not XML (an HTML
 * error page from a proxy, say), a DOCTYPE or entity declaration (refused),
 * or a value that does not match the schema. `path` says where.
 */
export class ResponseDecodeError extends ResponseDecodeErrorBase {
  override get message(): string {
    return `${this.operation}: unexpected response (HTTP ${this.status}) at ${this.path || "<root>"}: ${this.issue}`
  }
}

const invalidRequestFields = {
  operation: Schema.String,
  reason: Schema.String
}

const InvalidRequestBase: TaggedErrorOf<
  InvalidRequest,
  "InvalidRequest",
  typeof invalidRequestFields
> = Schema.TaggedError<InvalidRequest>("effect-tableau/InvalidRequest")(
  "InvalidRequest",
  invalidRequestFields
)

/** The request was refused before sending because Tableau would reject it (the seed's client-side checks). */
export class InvalidRequest extends InvalidRequestBase {
  override get message(): string {
    return `${this.operation}: ${this.reason}`
  }
}

const unsupportedApiVersionFields = {
  operation: Schema.String,
  required: Schema.String,
  actual: Schema.String
}

const UnsupportedApiVersionBase: TaggedErrorOf<
  UnsupportedApiVersion,
  "UnsupportedApiVersion",
  typeof unsupportedApiVersionFields
> = Schema.TaggedError<UnsupportedApiVersion>("effect-tableau/UnsupportedApiVersion")(
  "UnsupportedApiVersion",
  unsupportedApiVersionFields
)

/** The call needs a newer REST API version than the session uses; nothing was sent. */
export class UnsupportedApiVersion extends UnsupportedApiVersionBase {
  override get message(): string {
    return `${this.operation} needs REST API ${this.required} or newer; the session uses ${this.actual}`
  }
}

const jobFailedFields = {
  jobId: Schema.String,
  jobType: Schema.String,
  notes: Schema.Array(Schema.String) as Schema.Array$<typeof Schema.String>
}

const JobFailedBase: TaggedErrorOf<JobFailed, "JobFailed", typeof jobFailedFields> = Schema.TaggedError<JobFailed>(
  "effect-tableau/JobFailed"
)("JobFailed", jobFailedFields)

/** A background job finished with an error (`finishCode` 1); `notes` are the job's status notes. */
export class JobFailed extends JobFailedBase {
  override get message(): string {
    return `job ${this.jobId} (${this.jobType}) failed${this.notes.length ? `: ${this.notes.join("; ")}` : ""}`
  }
}

const jobCancelledFields = {
  jobId: Schema.String,
  jobType: Schema.String,
  notes: Schema.Array(Schema.String) as Schema.Array$<typeof Schema.String>
}

const JobCancelledBase: TaggedErrorOf<
  JobCancelled,
  "JobCancelled",
  typeof jobCancelledFields
> = Schema.TaggedError<JobCancelled>("effect-tableau/JobCancelled")(
  "JobCancelled",
  jobCancelledFields
)

/** A background job was cancelled (`finishCode` 2). */
export class JobCancelled extends JobCancelledBase {
  override get message(): string {
    return `job ${this.jobId} (${this.jobType}) was cancelled`
  }
}

const jobTimedOutFields = {
  jobId: Schema.String,
  /** The last progress the server reported, 0 to 100. */
  progress: Schema.Number
}

const JobTimedOutBase: TaggedErrorOf<
  JobTimedOut,
  "JobTimedOut",
  typeof jobTimedOutFields
> = Schema.TaggedError<JobTimedOut>("effect-tableau/JobTimedOut")(
  "JobTimedOut",
  jobTimedOutFields
)

/** `Jobs.wait` gave up before the job finished; the job may still complete on the server. */
export class JobTimedOut extends JobTimedOutBase {
  override get message(): string {
    return `job ${this.jobId} did not finish in time (last progress ${this.progress}%)`
  }
}

const missingConfigFields: {
  readonly variables: Schema.Array$<typeof Schema.String>
  readonly reason: typeof Schema.String
} = {
  /** The variables to set, such as `["TABLEAU_SERVER"]`; for missing credentials, every variable of every kind. */
  variables: Schema.Array(Schema.String),
  /** What to set, in one line. */
  reason: Schema.String
}

const MissingConfigBase: TaggedErrorOf<
  MissingConfig,
  "MissingConfig",
  typeof missingConfigFields
> = Schema.TaggedError<MissingConfig>("effect-tableau/MissingConfig")(
  "MissingConfig",
  missingConfigFields
)

/**
 * `TableauSession.layerConfig` found the configuration incomplete: its
 * message names the variables to set, in one line (no values, secret or not).
 *
 * @example
 * ```ts
 * const Tableau = TableauSession.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))
 * program.pipe(
 *   Effect.provide(Tableau),
 *   // "TableauSession.layerConfig: set TABLEAU_SERVER and credentials (TABLEAU_PAT_NAME and TABLEAU_PAT_SECRET, or ...)"
 *   Effect.catchTag("MissingConfig", (e) => Effect.logError(e.message))
 * )
 * ```
 *
 * @since 0.1.0
 * @category errors
 */
export class MissingConfig extends MissingConfigBase {
  override get message(): string {
    return `TableauSession.layerConfig: ${this.reason}`
  }
}

const uploadCorruptedFields = {
  uploadSessionId: Schema.String,
  /** Bytes sent so far, each exactly once. */
  bytesSent: Schema.Number,
  /** The session's size as the server reported it, in megabytes. */
  reportedMegabytes: Schema.Number
}

const UploadCorruptedBase: TaggedErrorOf<
  UploadCorrupted,
  "UploadCorrupted",
  typeof uploadCorruptedFields
> = Schema.TaggedError<UploadCorrupted>("effect-tableau/UploadCorrupted")(
  "UploadCorrupted",
  uploadCorruptedFields
)

/**
 * A chunked upload's session holds more bytes than were sent: a chunk was
 * appended twice (the server appended it, the connection dropped before
 * the answer, and the chunk was resent). Nothing was published; publish
 * again.
 */
export class UploadCorrupted extends UploadCorruptedBase {
  override get message(): string {
    return `upload session ${this.uploadSessionId} reports ${this.reportedMegabytes} MB after ${this.bytesSent} bytes were sent: a chunk was appended twice; nothing was published`
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
  | RedirectRefused
  | ResponseTooLarge
  | ResponseDecodeError
  | PagingInconsistent
  | InvalidRequest

/** Every failure effect-tableau can report. */
export type TableauError =
  | CommonError
  | SignInFailed
  | NotFound
  | Conflict
  | UnsupportedApiVersion
  | JobFailed
  | JobCancelled
  | JobTimedOut
  | UploadCorrupted

/** The tags of the failures an endpoint may declare beyond `CommonError`. */
export type DeclaredErrorTag = "NotFound" | "Conflict" | "UnsupportedApiVersion" | "SignInFailed"

/** Maps a declared tag to its error class. */
export type DeclaredError<T extends DeclaredErrorTag> = Extract<TableauError, { readonly _tag: T }>
