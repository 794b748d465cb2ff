/**
 * Helpers shared by the content modules: paths of content references,
 * binary answers (images, PDFs, CSV, downloads) as Streams or bytes, and
 * the operations workbooks and data sources share (connections, refresh,
 * revisions, downloads), declared once per kind by `publishableOperations`.
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
import type { OnProgress, Progress } from "../Progress.ts"
import { jobDecoder } from "../Jobs.ts"
import { TableauSession } from "../TableauSession.ts"
import * as Endpoint from "./endpoint.ts"
import * as Operation from "./operation.ts"
import { track } from "./progress.ts"
import { ArrayOf } from "./schema.ts"
import type * as Transport from "./transport.ts"
import { compareVersions, xmlBody } from "./transport.ts"
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
// Operations workbooks and data sources share
// ---------------------------------------------------------------------------

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

/**
 * A spec that needs at least `version` because of an option it carries
 * (`includeExtract=false` needs 2.5, `vizWidth` 3.23): the operation's own
 * gate, raised. The engine gates whole operations only; this is the
 * module-side stand-in for a per-parameter version.
 */
export const gatedAt = <Tags extends DeclaredErrorTag>(
  spec: Endpoint.Spec<Tags>,
  version: string | undefined
): Endpoint.Spec<Tags | "UnsupportedApiVersion"> =>
  version === undefined || (spec.minApiVersion !== undefined && compareVersions(spec.minApiVersion, version) >= 0)
    ? spec
    : { ...spec, minApiVersion: version }

/** What tells one kind of publishable content from the other. */
export interface PublishableKind<M extends string, C extends string, I extends string> {
  /** The public module, such as `"Workbooks"`: the operations are named after its functions. */
  readonly module: M
  /** The collection below the site, such as `"workbooks"`. */
  readonly collection: C
  /** The name of the item's path parameter, such as `"workbookId"`. */
  readonly idParam: I
  /** The code of Tableau's "no such item" error for this kind (404006 workbook, 404012 data source). */
  readonly notFound: string
}

/**
 * The operations workbooks and data sources share (connections, refresh,
 * revisions, downloads), declared once for both kinds: each module spreads
 * them into its `operations` and documents the function of the same name.
 */
export const publishableOperations = <const M extends string, const C extends string, const I extends string>(
  kind: PublishableKind<M, C, I>
) => {
  const item = `${kind.collection}/{${kind.idParam}}` as const
  /** One shared operation: `{collection}/{id}/{suffix}`, failing with this kind's NotFound (and `more` codes). */
  const shared = <const S extends string, A, const V extends string>(
    fn: string,
    method: Transport.Method,
    suffix: S,
    minApiVersion: V,
    decoder: Endpoint.Decoder<A>,
    more: ReadonlyArray<string> = []
  ) =>
    Operation.make({
      name: `${kind.module}.${fn}`,
      method,
      scope: "site",
      path: `${item}/${suffix}` as `${C}/{${I}}/${S}`,
      minApiVersion,
      errors: { NotFound: [kind.notFound, ...more] },
      decoder
    })
  return {
    // Tableau does not page connections; the stream reads the one page.
    connections: shared("connections", "GET", "connections", "2.3", connections),
    updateConnection: shared("updateConnection", "PUT", "connections/{connectionId}", "2.3", connection, ["404020"]),
    refresh: shared("refresh", "POST", "refresh", "2.8", job),
    revisions: shared("revisions", "GET", "revisions", "2.3", revisions),
    download: shared("download", "GET", "content", "2.0", Endpoint.none),
    downloadRevision: shared("downloadRevision", "GET", "revisions/{revision}/content", "2.3", Endpoint.none)
  }
}

/** The shared operations of one kind. */
export type PublishableOperations<M extends string, C extends string, I extends string> = ReturnType<
  typeof publishableOperations<M, C, I>
>

/** The body `refresh` sends: an empty `<tsRequest/>`. */
export const emptyRequest = (): Transport.Body => xmlBody(Xml.render())

/** Options of a workbook or data source download. */
export interface DownloadOptions {
  /** Whether the file includes its extract (default true; false needs API 2.5). */
  readonly includeExtract?: boolean | undefined
  /** A revision number to download instead of the current content (API 2.3). */
  readonly revision?: number | undefined
  /** Called as bytes arrive: bytes received, and the file's size when the server sends it. */
  readonly onProgress?: OnProgress | undefined
}

/**
 * The file of a workbook or data source (or one of its revisions),
 * streamed: runs `download`, or `downloadRevision` when a revision is
 * asked for, gated at 2.5 when the extract is left out.
 */
export const downloadOf = <M extends string, C extends string, I extends string>(
  operations: PublishableOperations<M, C, I>,
  // The item's ID under its parameter name; the generic path's own
  // parameter type cannot be spelled here, hence the casts below.
  params: { readonly [K in I]: string },
  options: DownloadOptions = {}
): Stream.Stream<Uint8Array, CommonError | NotFound | UnsupportedApiVersion, TableauSession> => {
  const { download, downloadRevision } = operations
  const request = { query: { includeExtract: flag(options.includeExtract) } }
  const extractGate = options.includeExtract === false ? "2.5" : undefined
  if (options.revision === undefined) {
    const spec = Operation.specOf(download, params as unknown as Operation.Params<typeof download.path>, request)
    return byteStream(gatedAt(spec, extractGate), options.onProgress)
  }
  if (!(Number.isInteger(options.revision) && options.revision >= 1)) {
    return Stream.fail(
      new InvalidRequest({
        operation: downloadRevision.name,
        reason: `revision must be a whole number from 1, got ${options.revision}`
      })
    )
  }
  const spec = Operation.specOf(
    downloadRevision,
    { ...params, revision: String(options.revision) } as unknown as Operation.Params<typeof downloadRevision.path>,
    request
  )
  return byteStream(gatedAt(spec, extractGate), options.onProgress)
}
