/**
 * Helpers shared by the content modules: paths of content references and
 * binary answers (images, PDFs, CSV, downloads) as Streams or bytes.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as Redacted from "effect/Redacted"
import type { ConnectionCredentials, ConnectionUpdate, PublishConnection } from "../Connections.ts"
import { ConnectionItem } from "../Connections.ts"
import type { ContentRef } from "../Content.ts"
import { RevisionItem } from "../Content.ts"
import type { CommonError, DeclaredErrorTag, NotFound, UnsupportedApiVersion } from "../Errors.ts"
import { InvalidRequest, ResponseTooLarge } from "../Errors.ts"
import type { ConnectionId } from "../Ids.ts"
import type { OnProgress, Progress } from "../Progress.ts"
import { JobItem, jobDecoder } from "../Jobs.ts"
import type { StreamOptions } from "../RequestOptions.ts"
import { TableauSession } from "../TableauSession.ts"
import * as Endpoint from "./endpoint.ts"
import { track } from "./progress.ts"
import { ArrayOf } from "./schema.ts"
import { xmlBody } from "./transport.ts"
import * as Xml from "./xml.ts"

const collections = {
  Project: "projects",
  Workbook: "workbooks",
  View: "views",
  Datasource: "datasources"
} as const satisfies Record<ContentRef["_tag"], string>

/** The URL collection of a kind of content: `projects`, `workbooks`, `views`, `datasources`. */
export type Collection = (typeof collections)[ContentRef["_tag"]]

/** The URL collection a content reference lives in, such as `workbooks` for `Content.workbook(id)`. */
export const collectionOf = (ref: ContentRef): Collection => collections[ref._tag]

/** Two paths one after the other. */
const joinPath = (base: Endpoint.Path, rest: Endpoint.Path): Endpoint.Path => ({
  segments: [...base.segments, ...rest.segments],
  template: `${base.template}/${rest.template}`,
  invalid: base.invalid ?? rest.invalid
})

/** `projects/{id}/...`, `workbooks/{id}/...`: the path of a content item plus `suffix`. */
export const refPath = (ref: ContentRef, suffix?: Endpoint.Path): Endpoint.Path => {
  const base = Endpoint.path`${collections[ref._tag]}/${ref.id}`
  const item = { ...base, template: `${collections[ref._tag]}/{}` }
  return suffix === undefined ? item : joinPath(item, suffix)
}

/**
 * The size an answer announces, when it is the size of the bytes read: a
 * `Content-Length` of a body without `Content-Encoding` (a compressed
 * body's length is not the length after decompression).
 */
const announcedSize = (headers: Readonly<Record<string, string>>): number | undefined => {
  const encoding = headers["content-encoding"]
  if (encoding !== undefined && encoding.trim().toLowerCase() !== "identity") return undefined
  const length = headers["content-length"]
  return length !== undefined && /^\d+$/.test(length.trim()) ? Number(length) : undefined
}

/**
 * The body of a successful answer as a Stream of bytes, read as it arrives;
 * a download that stalls for the session's idle timeout fails. `onProgress`
 * gets the bytes received after every piece, with the size when the answer
 * announces it.
 */
export const byteStream = <const Tags extends DeclaredErrorTag = never>(
  spec: Endpoint.Spec<Tags>,
  onProgress?: OnProgress | undefined
): Stream.Stream<Uint8Array, Endpoint.ErrorOf<Tags>, TableauSession> =>
  Stream.unwrap(Effect.map(Endpoint.raw(spec), (response) => {
    const total = announcedSize(response.headers)
    return track(
      Endpoint.body(spec.operation, response),
      onProgress,
      (chunk) => chunk.byteLength,
      (done): Progress => ({ unit: "bytes", done, total })
    )
  }))

/**
 * The whole body of a successful answer (a preview image, say), counted as
 * it arrives: past the session's `maxResponseBytes` reading stops with
 * `ResponseTooLarge`.
 */
export const bytes = <const Tags extends DeclaredErrorTag = never>(
  spec: Endpoint.Spec<Tags>
): Effect.Effect<Uint8Array, Endpoint.ErrorOf<Tags>, TableauSession> =>
  Effect.flatMap(TableauSession, (session) => {
    const limit = session.settings.maxResponseBytes
    return Effect.flatMap(Endpoint.raw(spec), (response) =>
      Endpoint.body(spec.operation, response).pipe(
        Stream.runFoldWhile(
          { parts: [] as Array<Uint8Array>, size: 0 },
          (acc) => acc.size <= limit,
          (acc, chunk) => {
            acc.size += chunk.byteLength
            if (acc.size <= limit) acc.parts.push(chunk)
            return acc
          }
        ),
        Effect.flatMap((acc) =>
          acc.size > limit
            ? Effect.fail(new ResponseTooLarge({ operation: spec.operation, status: response.status, limit }))
            : Effect.succeed(concat(acc.parts, acc.size))
        )
      ))
  })

const concat = (parts: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  const out = new Uint8Array(size)
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.byteLength
  }
  return out
}

/** `"true"` when the flag is set, nothing otherwise (query parameters). */
export const flag = (value: boolean | undefined): string | undefined => value === undefined ? undefined : String(value)

/** `<connectionCredentials name password embed oAuth/>` (publishing). */
export const credentialsElement = (c: ConnectionCredentials): Xml.XmlElement =>
  Xml.el("connectionCredentials", {
    name: c.name,
    password: Redacted.value(c.password),
    embed: c.embed ?? true,
    oAuth: c.oAuth === true ? true : undefined
  })

/** `<connections><connection serverAddress serverPort>...</connection></connections>` (publishing). */
export const connectionsElement = (connections: ReadonlyArray<PublishConnection>): Xml.XmlElement =>
  Xml.el(
    "connections",
    {},
    ...connections.map((c) =>
      Xml.el(
        "connection",
        { serverAddress: c.serverAddress, serverPort: c.serverPort },
        c.credentials && credentialsElement(c.credentials)
      )
    )
  )

/** `<connection serverAddress serverPort userName password embedPassword queryTaggingEnabled/>`. */
export const updateElement = (update: ConnectionUpdate): Xml.XmlElement =>
  Xml.el("connection", {
    serverAddress: update.serverAddress,
    serverPort: update.serverPort,
    userName: update.credentials?.name,
    password: update.credentials === undefined ? undefined : Redacted.value(update.credentials.password),
    embedPassword: update.credentials === undefined ? undefined : (update.credentials.embed ?? true),
    queryTaggingEnabled: update.queryTaggingEnabled
  })

// ---------------------------------------------------------------------------
// Endpoints workbooks and data sources share
// ---------------------------------------------------------------------------

/** A workbook or data source. */
export type Publishable = Extract<ContentRef, { readonly _tag: "Workbook" | "Datasource" }>

/** `<connection>` always parses as a list (it repeats inside `<connections>`): one answer is its first item. */
const SingleConnection = Schema.transformOrFail(ArrayOf(ConnectionItem), Schema.typeSchema(ConnectionItem), {
  strict: true,
  decode: (items, _, ast) =>
    items[0] === undefined ? ParseResult.fail(new ParseResult.Type(ast, items, "no <connection>")) : ParseResult.succeed(items[0]),
  encode: (item) => ParseResult.succeed([item])
})
const connection = Endpoint.one("connection", SingleConnection)
const connections = Endpoint.items("connections", "connection", ConnectionItem)
const job = jobDecoder
const revisions = Endpoint.items("revisions", "revision", RevisionItem)

/** The connections of a workbook or data source (one page: Tableau does not page them). */
export const connectionsOf = (
  operation: string,
  ref: Publishable
): Stream.Stream<ConnectionItem, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Endpoint.stream({
    operation,
    method: "GET",
    path: refPath(ref, Endpoint.path`connections`),
    errors: ["NotFound", "UnsupportedApiVersion"],
    minApiVersion: "2.3"
  }, connections)

/** Updates one connection of a workbook or data source. */
export const updateConnectionOf = (
  operation: string,
  ref: Publishable,
  connectionId: ConnectionId,
  update: ConnectionUpdate
): Effect.Effect<ConnectionItem, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Endpoint.call({
    operation,
    method: "PUT",
    path: refPath(ref, Endpoint.path`connections/${connectionId}`),
    body: updateElement(update),
    errors: ["NotFound", "UnsupportedApiVersion"],
    minApiVersion: "2.3"
  }, connection)

/** Starts an extract refresh of a workbook or data source. */
export const refreshOf = (
  operation: string,
  ref: Publishable
): Effect.Effect<JobItem, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Endpoint.call({
    operation,
    method: "POST",
    path: refPath(ref, Endpoint.path`refresh`),
    body: xmlBody(Xml.render()),
    errors: ["NotFound", "UnsupportedApiVersion"],
    minApiVersion: "2.8"
  }, job)

/** The revisions of a workbook or data source, oldest first. */
export const revisionsOf = (
  operation: string,
  ref: Publishable,
  options?: StreamOptions
): Stream.Stream<RevisionItem, CommonError | NotFound | UnsupportedApiVersion, TableauSession> =>
  Endpoint.stream({
    operation,
    method: "GET",
    path: refPath(ref, Endpoint.path`revisions`),
    errors: ["NotFound", "UnsupportedApiVersion"],
    minApiVersion: "2.3"
  }, revisions, options)

/** Options of a workbook or data source download. */
export interface DownloadOptions {
  /** Whether the file includes its extract (default true; false needs API 2.5). */
  readonly includeExtract?: boolean | undefined
  /** A revision number to download instead of the current content (API 2.3). */
  readonly revision?: number | undefined
  /** Called as bytes arrive: bytes received, and the file's size when the server sends it. */
  readonly onProgress?: OnProgress | undefined
}

/** The file of a workbook or data source (or one of its revisions), streamed. */
export const downloadOf = (
  operation: string,
  ref: Publishable,
  options: DownloadOptions = {}
): Stream.Stream<Uint8Array, CommonError | NotFound | UnsupportedApiVersion, TableauSession> => {
  if (options.revision !== undefined && !(Number.isInteger(options.revision) && options.revision >= 1)) {
    return Stream.fail(new InvalidRequest({ operation, reason: `revision must be a whole number from 1, got ${options.revision}` }))
  }
  return byteStream({
    operation,
    method: "GET",
    path: options.revision === undefined
      ? refPath(ref, Endpoint.path`content`)
      : refPath(ref, Endpoint.path`revisions/${String(options.revision)}/content`),
    query: { includeExtract: flag(options.includeExtract) },
    errors: ["NotFound", "UnsupportedApiVersion"],
    minApiVersion: options.includeExtract === false ? "2.5" : options.revision !== undefined ? "2.3" : undefined
  }, options.onProgress)
}
