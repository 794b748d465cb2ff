/**
 * Declarative endpoints: every public operation is a `Spec` (what to send,
 * which errors it documents, the minimum API version) plus a `Decoder`
 * (what comes back), run by one of:
 *
 * - `call(spec, decoder)`: one authenticated request, decoded;
 * - `page(spec, decoder, options)`: one page of a collection;
 * - `stream(spec, decoder, options)`: every item of a collection;
 * - `raw(spec)`: the response itself, for downloads and uploads.
 *
 * Here the session's token goes on the request, a 401002 (expired token)
 * triggers one shared re-sign-in and a replay, the API version and path IDs
 * are checked before sending, undeclared errors are narrowed, responses are
 * recorded for `Raw.withResponse`, and each call gets its span.
 *
 * @internal
 */
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { CommonError, DeclaredError, DeclaredErrorTag } from "../Errors.ts"
import { InvalidRequest, type TransportError, UnsupportedApiVersion } from "../Errors.ts"
import {
  invalid as invalidListOptions,
  type Page,
  type PageOptions,
  Pagination,
  type StreamOptions,
  toQuery
} from "../RequestOptions.ts"
import { type CallSettings, callSettings, type SignedIn, TableauSession } from "../TableauSession.ts"
import * as Paging from "./paging.ts"
import { Collection } from "./schema.ts"
import * as Transport from "./transport.ts"
import * as Xml from "./xml.ts"

// ---------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------

/** A URL path below the API root, with its IDs encoded and a template for spans. */
export interface Path {
  readonly segments: ReadonlyArray<string>
  readonly template: string
  /** Why an interpolated ID is unusable, if one is. */
  readonly invalid: string | undefined
}

const invalidSegment = (value: string): string | undefined => {
  if (value.length === 0) return "an ID is empty"
  if (value === "." || value === "..") return `"${value}" is not an ID`
  if (/[\u0000-\u001f\u007f/\\?#]/.test(value)) return "an ID contains '/', '\\', '?', '#' or a control character"
  return undefined
}

/**
 * Builds a path from a template literal: literal parts are taken as they
 * are, each interpolated value is one segment, validated and encoded.
 *
 * @example path`users/${userId}/groups`
 */
export const path = (strings: TemplateStringsArray, ...values: ReadonlyArray<string>): Path => {
  const segments: Array<string> = []
  let template = ""
  let invalid: string | undefined
  strings.forEach((literal, i) => {
    template += literal
    for (const part of literal.split("/")) if (part !== "") segments.push(part)
    if (i < values.length) {
      const value = String(values[i])
      invalid ??= invalidSegment(value)
      segments.push(value)
      template += "{}"
    }
  })
  return { segments, template, invalid }
}

/**
 * A path whose last segment is user text (a tag label), not an ID: any
 * character is allowed and percent-encoded when the URL is built (`/` as
 * `%2F`, `?` as `%3F`, `#` as `%23`, `\\` as `%5C`), as TSC does. Only
 * the empty text and `.` / `..` are refused, which a URL cannot carry as a
 * segment (the URL parser would resolve them).
 *
 * @example text("tags", label)
 */
export const text = (prefix: string, value: string): Path => ({
  segments: [...prefix.split("/").filter((p) => p !== ""), value],
  template: `${prefix}/{}`,
  invalid: value === ""
    ? "the text is empty"
    : value === "." || value === ".."
    ? `"${value}" cannot be sent as a URL path segment`
    : undefined
})

// ---------------------------------------------------------------------------
// Specs and decoders
// ---------------------------------------------------------------------------

/**
 * The API roots Tableau serves: `rest` is `/api/{v}/` (the REST API),
 * `exp` is `/api/exp/` (experimental endpoints), `versionless` is
 * `/api/-/` (endpoints outside the versioning), `metadata` is
 * `/api/metadata/` (the Metadata API: GraphQL over JSON).
 */
export type Family = "rest" | "exp" | "versionless" | "metadata"

/** The path segments of a family's root. */
const rootOf = (family: Family, apiVersion: string): ReadonlyArray<string> => {
  switch (family) {
    case "rest":
      return ["api", apiVersion]
    case "exp":
      return ["api", "exp"]
    case "versionless":
      return ["api", "-"]
    case "metadata":
      return ["api", "metadata"]
  }
}

/** What to send. */
export interface Spec<Tags extends DeclaredErrorTag = never> {
  /** `"Resource.method"`, such as `"Users.get"`. */
  readonly operation: string
  readonly method: Transport.Method
  readonly path: Path
  /** `"site"` (the default) prefixes `sites/{siteId}/`; `"server"` does not. */
  readonly scope?: "site" | "server" | undefined
  /** Which API root the path is under (default `"rest"`, see {@link Family}). */
  readonly family?: Family | undefined
  /** What the endpoint answers (default `"xml"`): sets `accept`. */
  readonly format?: "xml" | "json" | undefined
  readonly query?: Readonly<Record<string, string | undefined>> | undefined
  /** An XML element (wrapped in `<tsRequest>`), or any body. */
  readonly body?: Xml.XmlElement | Transport.Body | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** The errors this endpoint documents beyond `CommonError` (`[]` for none): required, so every endpoint states them. */
  readonly errors: ReadonlyArray<Tags>
  /** Oldest REST API version the endpoint exists in, such as `"3.9"`. */
  readonly minApiVersion?: string | undefined
  /** Defaults to true for GET, PUT and DELETE, false for POST. */
  readonly idempotent?: boolean | undefined
  readonly spanAttributes?: Readonly<Record<string, string | number | boolean>> | undefined
}

/** The errors a spec can fail with. */
export type ErrorOf<Tags extends DeclaredErrorTag> = CommonError | DeclaredError<Tags>

/** Turns a response body into a value. */
export interface Decoder<A> {
  readonly decode: (
    operation: string,
    status: number,
    body: string
  ) => Effect.Effect<A, import("../Errors.ts").ResponseDecodeError>
}

/** The single element `<name>` of the `tsResponse`, decoded with `schema`. */
export const one = <A, I>(name: string, schema: Schema.Schema<A, I>): Decoder<A> => {
  const document = Schema.Struct({ tsResponse: Schema.Struct({ [name]: schema }) }) as unknown as Schema.Schema<
    { readonly tsResponse: Readonly<Record<string, A>> },
    unknown
  >
  return {
    decode: (operation, status, body) =>
      Effect.map(
        Transport.decodeXml(operation, status, body, document),
        (d) => d.tsResponse[name] as A
      )
  }
}

/** A collection `<collection><item/>...</collection>` with its `<pagination>`. */
export const items = <A, I>(collection: string, item: string, schema: Schema.Schema<A, I>): Decoder<Page<A>> => {
  const document = Schema.Struct({
    tsResponse: Schema.Struct({
      pagination: Schema.optional(Pagination),
      [collection]: Collection(item, schema)
    })
  }) as unknown as Schema.Schema<
    { readonly tsResponse: { readonly pagination?: Pagination | undefined } & Readonly<Record<string, unknown>> },
    unknown
  >
  return {
    decode: (operation, status, body) =>
      Effect.map(Transport.decodeXml(operation, status, body, document), (d) => ({
        items: d.tsResponse[collection] as ReadonlyArray<A>,
        pagination: d.tsResponse.pagination
      }))
  }
}

/** A JSON answer, decoded with `schema` (endpoints Tableau answers in JSON). */
export const json = <A, I>(schema: Schema.Schema<A, I>): Decoder<A> => ({
  decode: (operation, status, body) => Transport.decodeJson(operation, status, body, schema)
})

/** An answer whose body is ignored (204 No Content, say). */
export const none: Decoder<void> = { decode: () => Effect.void }

// ---------------------------------------------------------------------------
// Raw response capture (Raw.withResponse)
// ---------------------------------------------------------------------------

/** What `Raw.withResponse` reports about the last HTTP exchange of a call. */
export interface ResponseInfo {
  readonly status: number
  /** Response headers (lower-case names), without `set-cookie`. */
  readonly headers: Readonly<Record<string, string>>
  /** Time from sending the request to its response headers, in milliseconds. */
  readonly durationMillis: number
  readonly method: Transport.Method
  /** The request URL (it never contains the token). */
  readonly url: string
}

/** Where `Raw.withResponse` collects responses. */
export class ResponseCapture extends Context.Tag("effect-tableau/ResponseCapture")<
  ResponseCapture,
  Ref.Ref<ReadonlyArray<ResponseInfo>>
>() {}

const hiddenResponseHeaders = new Set(["set-cookie", "x-tableau-auth", "authorization"])

const record = (
  method: Transport.Method,
  url: string,
  started: number,
  response: HttpClientResponse.HttpClientResponse
) =>
  Effect.flatMap(Effect.serviceOption(ResponseCapture), (capture) =>
    Option.isNone(capture) ? Effect.void : Effect.flatMap(Clock.currentTimeMillis, (now) => {
      const headers: Record<string, string> = {}
      for (const [key, value] of Object.entries(response.headers)) {
        if (!hiddenResponseHeaders.has(key.toLowerCase())) headers[key.toLowerCase()] = value
      }
      return Ref.update(capture.value, (all) => [
        ...all,
        { status: response.status, headers, durationMillis: now - started, method, url }
      ])
    }))

// ---------------------------------------------------------------------------
// Running specs
// ---------------------------------------------------------------------------

const isBody = (body: Spec["body"]): body is Transport.Body =>
  body !== undefined && "_tag" in body && typeof (body as { _tag: unknown })._tag === "string"

const toBody = (body: Spec["body"]): Transport.Body =>
  body === undefined
    ? Transport.noBody
    : isBody(body)
    ? body
    : Transport.xmlBody(Xml.render(body))

/**
 * Sends an authenticated request and reads its answer with `read` (inside
 * the per-request timeout): the base of `call`, `raw`, `page` and `stream`.
 * Every error has the session's secrets masked.
 */
const run = <A, const Tags extends DeclaredErrorTag = never>(
  spec: Spec<Tags>,
  read: (
    request: Transport.Request,
    response: HttpClientResponse.HttpClientResponse
  ) => Effect.Effect<A, Transport.SendError>
): Effect.Effect<A, ErrorOf<Tags>, TableauSession> =>
  Effect.gen(function*() {
    const session = yield* TableauSession
    if (spec.path.invalid !== undefined) {
      return yield* new InvalidRequest({ operation: spec.operation, reason: spec.path.invalid })
    }
    if (
      spec.minApiVersion !== undefined && Transport.compareVersions(session.apiVersion, spec.minApiVersion) < 0
    ) {
      return yield* new UnsupportedApiVersion({
        operation: spec.operation,
        required: spec.minApiVersion,
        actual: session.apiVersion
      })
    }
    if (spec.body !== undefined && !isBody(spec.body)) yield* Transport.refuseInvalidXml(spec.operation, spec.body)
    const overrides: CallSettings["Type"] = Option.getOrElse(yield* callSettings, () => ({}))
    const body = toBody(spec.body)
    const siteScoped = (spec.scope ?? "site") === "site"
    const query = Transport.encodeQuery(spec.query ?? {})
    const timeout = overrides.timeout ?? session.settings.timeout

    const attempt = (auth: SignedIn) => {
      const url = Transport.joinUrl(auth.server, [
        ...rootOf(spec.family ?? "rest", session.apiVersion),
        ...(siteScoped ? ["sites", auth.siteId] : []),
        ...spec.path.segments
      ]) + query
      const request: Transport.Request = {
        operation: spec.operation,
        method: spec.method,
        url,
        pathTemplate: templateOf(spec),
        headers: {
          accept: spec.format === "json" ? "application/json" : "application/xml",
          ...spec.headers,
          "x-tableau-auth": Redacted.value(auth.token)
        },
        body,
        idempotent: spec.idempotent ?? spec.method !== "POST",
        timeout,
        // A shorter per-call timeout brings its deadline along unless one is set.
        deadline: overrides.deadline ??
          (overrides.timeout === undefined ? session.settings.deadline : undefined),
        maxResponseBytes: session.settings.maxResponseBytes,
        retry: overrides.retry ?? session.settings.retry
      }
      return Effect.flatMap(Clock.currentTimeMillis, (started) =>
        Transport.exchange(
          session.httpClient,
          request,
          (response) => Effect.zipRight(record(spec.method, url, started, response), read(request, response))
        ))
    }

    const auth = yield* session.current
    return yield* attempt(auth).pipe(
      Effect.catchIf(
        (error) => error._tag === "Unauthorized" && error.code === "401002",
        () => Effect.flatMap(session.reauthenticate(auth), attempt)
      ),
      Effect.catchAll((error) =>
        Effect.flatMap(session.secrets, (secrets) => Effect.fail(Transport.redactError(error, secrets)))
      )
    )
  }).pipe(
    Transport.narrow(spec.errors),
    Transport.withSpan(spec.operation, spec.method, templateOf(spec), spec.spanAttributes)
  )

/**
 * Sends an authenticated request; succeeds with the (successful) response,
 * body unread: the base of downloads, which read it with {@link body}. The
 * per-request timeout covers the response headers.
 */
export const raw = <const Tags extends DeclaredErrorTag = never>(
  spec: Spec<Tags>
): Effect.Effect<HttpClientResponse.HttpClientResponse, ErrorOf<Tags>, TableauSession> =>
  run(spec, (_, response) => Effect.succeed(response))

/**
 * A download's body as a Stream of bytes: fails with a `TransportError`
 * when it breaks off or when no bytes arrive for the session's idle timeout.
 */
export const body = (
  operation: string,
  response: HttpClientResponse.HttpClientResponse
): Stream.Stream<Uint8Array, TransportError, TableauSession> =>
  Stream.unwrap(
    Effect.map(
      TableauSession,
      (session) =>
        Transport.bodyStream({ operation, idempotent: true }, response, session.settings.idleTimeout)
    )
  )

const templateOf = (spec: Spec<DeclaredErrorTag>): string =>
  `/api/{v}${(spec.scope ?? "site") === "site" ? "/sites/{siteId}" : ""}/${spec.path.template}`

/**
 * One authenticated request, decoded. The per-request timeout covers the
 * whole body, which may be at most the session's `maxResponseBytes`.
 */
export const call = <A, const Tags extends DeclaredErrorTag = never>(
  spec: Spec<Tags>,
  decoder: Decoder<A>
): Effect.Effect<A, ErrorOf<Tags>, TableauSession> =>
  run(
    spec,
    (request, response) =>
      Effect.flatMap(
        Transport.readBody(request, response),
        (text) => decoder.decode(spec.operation, response.status, text)
      )
  )

/** Refuses list options Tableau would reject (page size, field names, operators), before sending. */
const checkListOptions = (operation: string, options: PageOptions | undefined) => {
  const pageSize = options?.pageSize
  const reason = pageSize === undefined || (Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= 1000)
    ? invalidListOptions(options)
    : `pageSize must be a whole number from 1 to 1000, got ${pageSize}`
  return reason === undefined ? Effect.void : Effect.fail(new InvalidRequest({ operation, reason }))
}

/** One page of a collection. */
export const page = <A, const Tags extends DeclaredErrorTag = never>(
  spec: Spec<Tags>,
  decoder: Decoder<Page<A>>,
  options?: PageOptions
): Effect.Effect<Page<A>, ErrorOf<Tags>, TableauSession> =>
  Effect.zipRight(
    checkListOptions(spec.operation, options),
    // Built only once the options passed the checks (an invalid Date cannot be encoded).
    Effect.suspend(() =>
      call(
        {
          ...spec,
          query: { ...spec.query, ...toQuery(options) },
          spanAttributes: { ...spec.spanAttributes, "tableau.page": options?.pageNumber ?? 1 }
        },
        decoder
      )
    )
  )

/** Every item of a collection, page after page (see `paging.ts`). */
export const stream = <A, const Tags extends DeclaredErrorTag = never>(
  spec: Spec<Tags>,
  decoder: Decoder<Page<A>>,
  options?: StreamOptions,
  identify?: (item: A) => string | undefined
): Stream.Stream<A, ErrorOf<Tags>, TableauSession> =>
  Stream.unwrap(
    Effect.gen(function*() {
      const session = yield* TableauSession
      yield* checkListOptions(spec.operation, options)
      const pageSize = options?.pageSize ?? 100
      const { concurrency: _, ...listOptions } = options ?? {}
      const concurrency = options?.concurrency ?? session.settings.pageConcurrency
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16) {
        return yield* Effect.fail(
          new InvalidRequest({
            operation: spec.operation,
            reason: `concurrency must be a whole number from 1 to 16, got ${concurrency}`
          })
        )
      }
      return Paging.stream(
        (pageNumber) => page(spec, decoder, { ...listOptions, pageSize, pageNumber }),
        { operation: spec.operation, pageSize, concurrency, identify }
      )
    })
  )
