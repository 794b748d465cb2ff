/**
 * Uploads: Tableau's `multipart/mixed` bodies and chunked file uploads.
 *
 * Publishing sends a `request_payload` XML part and a file part. Content of
 * known size up to `singleRequestLimit` (64 MB, Tableau's cap) goes in one
 * request; anything larger or of unknown size goes through a file upload
 * session: `POST fileUploads` (initiate), one `PUT fileUploads/{id}` per
 * chunk (append), then the publish request with `uploadSessionId` and only
 * the XML part.
 *
 * Every request body is one sized `Uint8Array` (so it always has a
 * Content-Length, and Node's fetch does not keep streamed chunks): each
 * chunk is read from the source straight into a buffer that already holds
 * its multipart head and tail, so a chunk is copied once. The next chunk is
 * read while the current one is sent; at most two chunks are alive whatever
 * the content's size (plus the copy Node's fetch makes of the body it sends).
 *
 * A chunk that fails with a retryable error is sent again on the same
 * upload session by the transport's retry policy (an append is a PUT).
 *
 * @internal
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type { CommonError } from "../Errors.ts"
import { UploadCorrupted } from "../Errors.ts"
import { UploadSessionId } from "../Ids.ts"
import type { OnProgress, Progress as BaseProgress } from "../Progress.ts"
import type { TableauSession } from "../TableauSession.ts"
import * as Endpoint from "./endpoint.ts"
import type { TaggedErrorOf } from "./schema.ts"
import type * as Transport from "./transport.ts"
import * as Xml from "./xml.ts"

/** Tableau's limit for one publish request and for one chunk: 64 MB. */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024

/** The default chunk size of chunked uploads: 8 MiB (measured: 1 GiB peaks at 191 MiB RSS on Node 20, against 278 MiB at 16 MiB). */
export const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024

/** What can be uploaded: a Stream of bytes, bytes, a web ReadableStream or a Blob. */
export type Content<E = never> =
  | Stream.Stream<Uint8Array, E>
  | Uint8Array
  | ReadableStream<Uint8Array>
  | Blob

/**
 * Progress of an upload, reported after every chunk (or once for a single
 * request): the library's `Progress` in bytes, plus the chunks sent.
 */
export interface Progress extends BaseProgress {
  readonly unit: "bytes"
  /** Bytes sent (the same as `done`). */
  readonly bytesSent: number
  readonly chunksSent: number
  /** The content's size, when known in advance (the same as `total`). */
  readonly totalBytes: number | undefined
}

/** An upload's progress after `bytesSent` bytes in `chunksSent` chunks. */
const progressOf = (bytesSent: number, chunksSent: number, totalBytes: number | undefined): Progress => ({
  unit: "bytes",
  done: bytesSent,
  total: totalBytes,
  bytesSent,
  chunksSent,
  totalBytes
})

const SourceErrorFields = { description: Schema.String }

const SourceErrorBase: TaggedErrorOf<SourceError, "UploadSourceError", typeof SourceErrorFields> = Schema.TaggedError<
  SourceError
>("effect-tableau/UploadSourceError")("UploadSourceError", SourceErrorFields)

/** The source stream broke while it was being read (a web ReadableStream or Blob). */
export class SourceError extends SourceErrorBase {}

/** A content value as a Stream, with its size when known. */
export const toStream = <E>(
  content: Content<E>,
  size?: number
): { readonly stream: Stream.Stream<Uint8Array, E | SourceError>; readonly size: number | undefined } => {
  if (content instanceof Uint8Array) return { stream: Stream.succeed(content), size: content.byteLength }
  if (typeof Blob !== "undefined" && content instanceof Blob) {
    return {
      stream: Stream.fromReadableStream(
        () => content.stream() as ReadableStream<Uint8Array>,
        (e) => new SourceError({ description: String(e) })
      ),
      size: content.size
    }
  }
  if (typeof ReadableStream !== "undefined" && content instanceof ReadableStream) {
    return {
      stream: Stream.fromReadableStream(
        () => content as ReadableStream<Uint8Array>,
        (e) => new SourceError({ description: String(e) })
      ),
      size
    }
  }
  return { stream: content as Stream.Stream<Uint8Array, E>, size }
}

// ---------------------------------------------------------------------------
// multipart/mixed
// ---------------------------------------------------------------------------

const encoder = new TextEncoder()

/** A fresh multipart boundary (32 hex digits). */
export const makeBoundary = (): string => {
  const bytes = new Uint8Array(16)
  globalThis.crypto.getRandomValues(bytes)
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")
}

/** The `Content-Type` of a multipart body. */
export const contentType = (boundary: string): string => `multipart/mixed; boundary=${boundary}`

const quote = (value: string) => value.replace(/["\\\r\n]/g, (c) => (c === "\"" ? "%22" : c === "\\" ? "\\\\" : ""))

/** The head of a part: boundary line and headers, as Tableau documents them. */
export const partHead = (
  boundary: string,
  part: { readonly name: string; readonly filename?: string | undefined; readonly contentType: string },
  first: boolean
): Uint8Array =>
  encoder.encode(
    `${first ? "" : "\r\n"}--${boundary}\r\n` +
      `Content-Disposition: name="${quote(part.name)}"${
        part.filename === undefined ? "" : `; filename="${quote(part.filename)}"`
      }\r\n` +
      `Content-Type: ${part.contentType}\r\n\r\n`
  )

/** The closing boundary. */
export const closing = (boundary: string): Uint8Array => encoder.encode(`\r\n--${boundary}--\r\n`)

/** One part of a multipart body. */
export interface Part {
  readonly name: string
  readonly filename?: string | undefined
  readonly contentType: string
  readonly data: string | Uint8Array
}

/** A whole multipart body as one sized `Uint8Array`. */
export const multipart = (parts: ReadonlyArray<Part>, boundary: string = makeBoundary()): Transport.Body => {
  const pieces: Array<Uint8Array> = []
  parts.forEach((part, i) => {
    pieces.push(partHead(boundary, part, i === 0))
    pieces.push(typeof part.data === "string" ? encoder.encode(part.data) : part.data)
  })
  pieces.push(closing(boundary))
  return { _tag: "Bytes", bytes: concat(pieces), contentType: contentType(boundary) }
}

const concat = (pieces: ReadonlyArray<Uint8Array>): Uint8Array => {
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.byteLength, 0))
  let offset = 0
  for (const p of pieces) {
    out.set(p, offset)
    offset += p.byteLength
  }
  return out
}

/** The `request_payload` part of a publish request. */
export const payloadPart = (payload: Xml.XmlElement | undefined): Part => ({
  name: "request_payload",
  contentType: "text/xml",
  data: payload === undefined ? "" : Xml.render(payload)
})

// ---------------------------------------------------------------------------
// Framing: the source read into sized buffers that are whole request bodies
// ---------------------------------------------------------------------------

/** A request body holding `dataBytes` bytes of content between a head and a tail. */
export interface Frame {
  readonly body: Uint8Array
  readonly dataBytes: number
}

/**
 * Reads a byte stream into frames of `head + up to chunkBytes of data + tail`,
 * each allocated once at its final size (the last one may be shorter).
 */
export const frames = <E>(
  source: Stream.Stream<Uint8Array, E>,
  chunkBytes: number,
  head: Uint8Array,
  tail: Uint8Array
): Stream.Stream<Frame, E> =>
  Stream.unwrapScoped(
    Effect.gen(function*() {
      const pull = yield* Stream.toPull(source)
      // Arrays read from the source but not yet framed, and how far the first is used.
      let queue: Array<Uint8Array> = []
      let offset = 0
      let ended = false

      const fill = (frame: Uint8Array, start: number, want: number): Effect.Effect<number, Option.Option<E>> =>
        Effect.gen(function*() {
          let filled = 0
          while (filled < want) {
            if (queue.length === 0) {
              if (ended) break
              const next = yield* Effect.either(pull)
              if (next._tag === "Left") {
                if (Option.isNone(next.left)) {
                  ended = true
                  break
                }
                return yield* Effect.fail(next.left)
              }
              queue = Chunk.toArray(next.right).filter((a) => a.byteLength > 0)
              offset = 0
              continue
            }
            const current = queue[0]!
            const n = Math.min(want - filled, current.byteLength - offset)
            frame.set(current.subarray(offset, offset + n), start + filled)
            filled += n
            offset += n
            if (offset === current.byteLength) {
              queue.shift()
              offset = 0
            }
          }
          return filled
        })

      const next: Effect.Effect<Frame, Option.Option<E>> = Effect.gen(function*() {
        if (ended && queue.length === 0) return yield* Effect.fail(Option.none())
        const frame = new Uint8Array(head.byteLength + chunkBytes + tail.byteLength)
        frame.set(head, 0)
        const filled = yield* fill(frame, head.byteLength, chunkBytes)
        if (filled === 0) return yield* Effect.fail(Option.none())
        if (filled === chunkBytes) {
          frame.set(tail, head.byteLength + chunkBytes)
          return { body: frame, dataBytes: filled }
        }
        // The last, shorter frame: copy into a buffer of the exact size.
        const last = new Uint8Array(head.byteLength + filled + tail.byteLength)
        last.set(frame.subarray(0, head.byteLength + filled), 0)
        last.set(tail, head.byteLength + filled)
        return { body: last, dataBytes: filled }
      })
      return Stream.repeatEffectOption(next)
    })
  )

// ---------------------------------------------------------------------------
// File upload sessions
// ---------------------------------------------------------------------------

/** `<fileUpload uploadSessionId fileSize/>`; `fileSize` is in megabytes, as Tableau reports it. */
export class FileUpload extends Schema.Class<FileUpload>("FileUpload")({
  uploadSessionId: UploadSessionId,
  fileSize: Schema.optional(Schema.String)
}) {}

const fileUpload = Endpoint.one("fileUpload", FileUpload)

/** `POST /api/{v}/sites/{siteId}/fileUploads`: starts an upload session. */
export const initiate: Effect.Effect<FileUpload, CommonError, TableauSession> = Endpoint.call({
  operation: "FileUploads.initiate",
  method: "POST",
  path: Endpoint.path`fileUploads`,
  errors: [],
  // Creating an empty session twice is harmless: safe to replay.
  idempotent: true
}, fileUpload)

/** `PUT /api/{v}/sites/{siteId}/fileUploads/{id}`: appends one framed chunk. */
export const append = (
  uploadSessionId: UploadSessionId,
  body: Uint8Array,
  boundary: string,
  chunk: number
): Effect.Effect<FileUpload, CommonError | import("../Errors.ts").NotFound, TableauSession> =>
  Endpoint.call({
    operation: "FileUploads.append",
    method: "PUT",
    path: Endpoint.path`fileUploads/${uploadSessionId}`,
    body: { _tag: "Bytes", bytes: body, contentType: contentType(boundary) },
    errors: ["NotFound"],
    spanAttributes: { "tableau.upload.chunk": chunk, "tableau.upload.bytes": body.byteLength }
  }, fileUpload)

/**
 * Whether an append's answer shows the chunk was appended twice. Tableau's
 * append has no offset, so a chunk whose answer was lost after the server
 * appended it is appended again when it is resent. Its answer reports the
 * session's size in whole megabytes (10^6 or 2^20 bytes: undocumented), so
 * the size grows by about one chunk per append, and by two after a double
 * append. Both units and the rounding stay apart for chunks of 4 MiB and
 * more; smaller chunks are not checked.
 */
export const appendedTwice = (previousMegabytes: number, reportedMegabytes: number, chunkBytes: number): boolean =>
  chunkBytes >= 4 * 1024 * 1024 && (reportedMegabytes - previousMegabytes) * 1e6 >= 1.5 * chunkBytes

/** Options of {@link uploadFile}. */
export interface UploadOptions {
  /** Bytes per chunk, 1 byte to 64 MB (default 8 MiB). */
  readonly chunkBytes?: number | undefined
  /** The content's size, if known (for progress). */
  readonly totalBytes?: number | undefined
  /** Called after every chunk. */
  readonly onProgress?: OnProgress<Progress> | undefined
}

/**
 * Uploads a byte stream through a file upload session, chunk by chunk,
 * reading the next chunk while the current one is sent. Returns the
 * session ID to commit with.
 */
export const uploadFile = <E>(
  source: Stream.Stream<Uint8Array, E>,
  options: UploadOptions = {}
): Effect.Effect<UploadSessionId, CommonError | import("../Errors.ts").NotFound | UploadCorrupted | E, TableauSession> =>
  Effect.gen(function*() {
    const chunkBytes = Math.min(Math.max(1, Math.floor(options.chunkBytes ?? DEFAULT_CHUNK_BYTES)), MAX_REQUEST_BYTES)
    const session = yield* initiate
    const boundary = makeBoundary()
    const head = concat([
      partHead(boundary, payloadPart(undefined), true),
      partHead(boundary, { name: "tableau_file", filename: "file", contentType: "application/octet-stream" }, false)
    ])
    const progress = yield* Ref.make<Progress>(progressOf(0, 0, options.totalBytes))
    const reported = yield* Ref.make(Number(session.fileSize ?? "0") || 0)
    const send = (frame: Frame) =>
      Effect.gen(function*() {
        const before = yield* Ref.get(progress)
        const answer = yield* append(session.uploadSessionId, frame.body, boundary, before.chunksSent + 1)
        const megabytes = Number(answer.fileSize)
        if (Number.isFinite(megabytes)) {
          const previous = yield* Ref.getAndSet(reported, megabytes)
          if (appendedTwice(previous, megabytes, frame.dataBytes)) {
            return yield* new UploadCorrupted({
              uploadSessionId: session.uploadSessionId,
              bytesSent: before.bytesSent + frame.dataBytes,
              reportedMegabytes: megabytes
            })
          }
        }
        const after = yield* Ref.updateAndGet(
          progress,
          (p) => progressOf(p.bytesSent + frame.dataBytes, p.chunksSent + 1, p.totalBytes)
        )
        if (options.onProgress) yield* options.onProgress(after)
      })
    yield* Effect.scoped(Effect.gen(function*() {
      const pull = yield* Stream.toPull(frames(source, chunkBytes, head, closing(boundary)))
      // The next frame, or none at the end of the source.
      const pullFrame: Effect.Effect<Option.Option<Frame>, Option.Option<E>> = Effect.flatMap(
        pull,
        (chunk) => Chunk.isEmpty(chunk) ? pullFrame : Effect.succeed(Chunk.head(chunk))
      )
      const nextFrame: Effect.Effect<Option.Option<Frame>, E> = Effect.catchAll(
        pullFrame,
        Option.match({ onNone: () => Effect.succeed(Option.none()), onSome: Effect.fail })
      )
      // One frame is read ahead (in its own fiber) while the current one is
      // sent: at most two frames are alive, whatever the content's size.
      let ahead = yield* Effect.fork(nextFrame)
      while (true) {
        const current = yield* Fiber.join(ahead)
        if (Option.isNone(current)) break
        ahead = yield* Effect.fork(nextFrame)
        yield* send(current.value)
      }
    }))
    return session.uploadSessionId
  })

/**
 * Reads a source of known size into one multipart body: the payload part,
 * then the file part. Fails with `SourceError` when the source is longer or
 * shorter than `size`.
 */
export const singleRequestBody = <E>(
  source: Stream.Stream<Uint8Array, E>,
  size: number,
  payload: Xml.XmlElement,
  file: { readonly name: string; readonly filename: string }
): Effect.Effect<Transport.Body, E | SourceError> =>
  Effect.gen(function*() {
    const boundary = makeBoundary()
    const head = concat([
      partHead(boundary, payloadPart(payload), true),
      encoder.encode(Xml.render(payload)),
      partHead(boundary, { name: file.name, filename: file.filename, contentType: "application/octet-stream" }, false)
    ])
    const found = yield* frames(source, Math.max(1, size), head, closing(boundary)).pipe(Stream.take(2), Stream.runCollect)
    const all = Chunk.toArray(found)
    const dataBytes = all.reduce((n, f) => n + f.dataBytes, 0)
    if (all.length > 1 || dataBytes !== size) {
      return yield* new SourceError({
        description: `the content ${all.length > 1 ? "is longer than" : `has ${dataBytes} bytes, not`} its declared size of ${size} bytes`
      })
    }
    return { _tag: "Bytes" as const, bytes: all[0]?.body ?? concat([head, closing(boundary)]), contentType: contentType(boundary) }
  })

/** Options of {@link publish}. */
export interface PublishOptions<SE> extends UploadOptions {
  readonly content: Content<SE>
  /** The size of a Stream or ReadableStream content, when known (Uint8Array and Blob know theirs). */
  readonly size?: number | undefined
  /** The `request_payload` XML (`<workbook>`, `<datasource>`). */
  readonly payload: Xml.XmlElement
  /** The file part's name: `tableau_workbook`, `tableau_datasource`, `tableau_flow`. */
  readonly filePart: string
  readonly filename: string
  /** Largest content sent in one request (default and maximum 64 MB). */
  readonly singleRequestLimit?: number | undefined
}

/**
 * Publishes content: in one multipart request when its size is known and
 * at most `singleRequestLimit`, otherwise through a chunked upload session.
 * `commit` sends the publish request with the body it is given and, for a
 * chunked upload, the `uploadSessionId` to put in its query.
 */
export const publish = <A, E, R, SE>(
  options: PublishOptions<SE>,
  commit: (body: Transport.Body, uploadSessionId: UploadSessionId | undefined) => Effect.Effect<A, E, R>
): Effect.Effect<
  A,
  E | SE | SourceError | CommonError | import("../Errors.ts").NotFound | UploadCorrupted,
  R | TableauSession
> =>
  Effect.gen(function*() {
    const { size, stream } = toStream(options.content, options.size)
    const limit = Math.min(options.singleRequestLimit ?? MAX_REQUEST_BYTES, MAX_REQUEST_BYTES)
    if (size !== undefined && size <= limit) {
      const body = yield* singleRequestBody(stream, size, options.payload, {
        name: options.filePart,
        filename: options.filename
      })
      const result = yield* commit(body, undefined)
      if (options.onProgress) yield* options.onProgress(progressOf(size, 1, size))
      return result
    }
    const uploadSessionId = yield* uploadFile(stream, { ...options, totalBytes: options.totalBytes ?? size })
    return yield* commit(multipart([payloadPart(options.payload)]), uploadSessionId)
  })
