/**
 * Publishing workbooks and data sources: the seed's client-side checks
 * (mode, file type, Append to a workbook), the `request_payload` XML, the
 * query parameters, and the upload core (`upload.ts`) that sends the file
 * in one request or in chunks.
 *
 * @internal
 */
import * as Effect from "effect/Effect"
import type { ConnectionCredentials, PublishConnection } from "../Connections.ts"
import type { PublishMode } from "../Content.ts"
import type { CommonError, Conflict, NotFound, UploadCorrupted } from "../Errors.ts"
import { InvalidRequest } from "../Errors.ts"
import type { UploadSessionId } from "../Ids.ts"
import type { OnProgress } from "../Progress.ts"
import type { TableauSession } from "../TableauSession.ts"
import { connectionsElement, credentialsElement } from "./content.ts"
import * as Endpoint from "./endpoint.ts"
import * as Operation from "./operation.ts"
import * as Upload from "./upload.ts"
import * as Transport from "./transport.ts"
import type * as Xml from "./xml.ts"

/** What every publish takes besides the item. */
export interface PublishCommon<E> {
  /** The file: a Stream of bytes, bytes, a web ReadableStream or a Blob (a File). */
  readonly content: Upload.Content<E>
  /** The file name; its extension says the file type (`Sales.twbx`, `Orders.hyper`). */
  readonly fileName: string
  readonly mode: PublishMode
  /** Credentials of the file's one connection. */
  readonly connectionCredentials?: ConnectionCredentials | undefined
  /** Server addresses and credentials of several connections (instead of `connectionCredentials`). */
  readonly connections?: ReadonlyArray<PublishConnection> | undefined
  /** Publish as a background job and return the job (wait for it with `Jobs.wait`). */
  readonly asJob?: boolean | undefined
  /** The size of Stream or ReadableStream content, when known (small known content goes in one request). */
  readonly size?: number | undefined
  /** Bytes per chunk of a chunked upload, up to 64 MB (default 8 MiB). */
  readonly chunkBytes?: number | undefined
  /** Largest content sent in one request (default and maximum 64 MB). */
  readonly singleRequestLimit?: number | undefined
  /** Called after every chunk sent: bytes sent (`done`), chunks, and the size (`total`) when known. */
  readonly onProgress?: OnProgress<Upload.Progress> | undefined
}

/** What a publish can fail with: Tableau's failures, the upload's, and the content stream's. */
export type PublishError<E> = CommonError | Conflict | NotFound | Upload.SourceError | UploadCorrupted | E

/** The commit of a publish, `POST /{collection}`: declared in its module's `operations`. */
export type PublishOperation = Operation.Operation<"workbooks" | "datasources", unknown, "Conflict" | "NotFound", "2.0">

/** One kind of publishable content. */
export interface PublishKind {
  readonly operation: PublishOperation
  /** The file part: `tableau_workbook` or `tableau_datasource`. */
  readonly filePart: string
  /** The query parameter naming the file type: `workbookType` or `datasourceType`. */
  readonly typeParameter: string
  readonly extensions: ReadonlyArray<string>
  readonly allowAppend: boolean
}

const MODES: ReadonlyArray<string> = ["CreateNew", "Overwrite", "Append"]

/** The extension of a file name, lower case, without the dot. */
export const extensionOf = (fileName: string): string => {
  const dot = fileName.lastIndexOf(".")
  return dot < 0 ? "" : fileName.slice(dot + 1).toLowerCase()
}

/** The seed's checks, before anything is sent. */
export const check = (kind: PublishKind, options: PublishCommon<unknown>): InvalidRequest | undefined => {
  const reason = !MODES.includes(options.mode)
    ? `Invalid mode defined: ${String(options.mode)} (use CreateNew, Overwrite or Append)`
    : !kind.extensions.includes(extensionOf(options.fileName))
    ? `Only ${kind.extensions.map((e) => `.${e}`).join(", ")} files can be published as ${kind.operation.path}, not '${options.fileName}'`
    : options.mode === "Append" && !kind.allowAppend
    ? "Workbooks cannot be appended"
    : options.connectionCredentials !== undefined && options.connections !== undefined
    ? "give connectionCredentials or connections, not both"
    : options.chunkBytes !== undefined && !(options.chunkBytes >= 1 && options.chunkBytes <= Upload.MAX_REQUEST_BYTES)
    ? `chunkBytes must be from 1 byte to 64 MB, got ${options.chunkBytes}`
    : undefined
  return reason === undefined ? undefined : new InvalidRequest({ operation: kind.operation.name, reason })
}

/** The credentials or connections children of a payload. */
export const credentialChildren = (options: PublishCommon<unknown>): ReadonlyArray<Xml.XmlElement> => [
  ...(options.connectionCredentials ? [credentialsElement(options.connectionCredentials)] : []),
  ...(options.connections ? [connectionsElement(options.connections)] : [])
]

/**
 * Publishes: checks, then uploads (one request or chunks) and commits with
 * `POST /{collection}?overwrite&append&asJob&uploadSessionId&{type}`.
 */
export const publish = <A, E>(
  kind: PublishKind,
  options: PublishCommon<E>,
  payload: Xml.XmlElement,
  extraQuery: Readonly<Record<string, string | undefined>>,
  decoder: Endpoint.Decoder<A>
): Effect.Effect<A, PublishError<E>, TableauSession> => {
  const invalid = check(kind, options)
  if (invalid !== undefined) return Effect.fail(invalid)
  const commit = (body: Endpoint.Spec["body"], uploadSessionId: UploadSessionId | undefined) =>
    // The declared route, gate and errors; the decoder is the caller's (the item, or the job with asJob).
    Endpoint.call(
      Operation.specOf(kind.operation, {}, {
        query: {
          uploadSessionId,
          [kind.typeParameter]: extensionOf(options.fileName),
          overwrite: options.mode === "Overwrite" ? "true" : undefined,
          append: options.mode === "Append" ? "true" : undefined,
          asJob: options.asJob ? "true" : undefined,
          ...extraQuery
        },
        body
      }),
      decoder
    )
  // Before any byte of the content is read: the payload must be sound XML.
  return Effect.zipRight(Transport.refuseInvalidXml(kind.operation.name, payload), Upload.publish({
    content: options.content,
    size: options.size,
    payload,
    filePart: kind.filePart,
    filename: options.fileName,
    chunkBytes: options.chunkBytes,
    singleRequestLimit: options.singleRequestLimit,
    onProgress: options.onProgress
  }, commit))
}
