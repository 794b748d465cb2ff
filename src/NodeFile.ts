/**
 * Files on disk, for Node and Deno (`effect-tableau/node`): read a file as
 * publishable content, write a download to a file. TSC's `file_path`
 * arguments, as a separate entry point: the core (`effect-tableau`) never
 * imports it, so Workers bundles stay free of Node built-ins.
 *
 * @example
 * ```ts
 * import { Workbooks } from "effect-tableau"
 * import * as NodeFile from "effect-tableau/node"
 *
 * const file = yield* NodeFile.read("Sales.twbx")
 * const workbook = yield* Workbooks.publish({ item: { name: "Sales", projectId }, ...file, mode: "Overwrite" })
 * yield* Workbooks.download(workbook.id).pipe(NodeFile.write("backup/Sales.twbx"))
 * ```
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import * as fs from "node:fs"
import * as path from "node:path"
import type { TaggedErrorOf } from "./internal/schema.ts"

const FileOperation: Schema.Literal<["read", "write"]> = Schema.Literal("read", "write")

const fileErrorFields = {
  path: Schema.String,
  operation: FileOperation,
  description: Schema.String
}

const FileErrorBase: TaggedErrorOf<FileError, "FileError", typeof fileErrorFields> = Schema.TaggedError<FileError>(
  "effect-tableau/FileError"
)("FileError", fileErrorFields)

/** Reading or writing a file failed (missing, not a file, no permission, disk full, ...). */
export class FileError extends FileErrorBase {
  override get message(): string {
    return `cannot ${this.operation} ${this.path}: ${this.description}`
  }
}

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)

/** A file as publishable content: what `Workbooks.publish` and `Datasources.publish` take. */
export interface FileContent {
  /** The file's bytes, read lazily in 1 MiB pieces each time the stream runs. */
  readonly content: Stream.Stream<Uint8Array, FileError>
  /** The file's size in bytes (it decides between one request and a chunked upload). */
  readonly size: number
  /** The file's name, whose extension is the file type (`.twbx`, `.hyper`, ...). */
  readonly fileName: string
}

/**
 * Opens a file for publishing: its size and name now, its bytes as a
 * Stream read from disk while the upload sends them (never held whole).
 * Fails with `FileError` when the path is missing or not a regular file.
 *
 * @example
 * ```ts
 * const file = yield* NodeFile.read("/data/Orders.hyper")
 * yield* Datasources.publish({ item: { name: "Orders", projectId }, ...file, mode: "Overwrite" })
 * ```
 */
export const read = (filePath: string): Effect.Effect<FileContent, FileError> =>
  Effect.tryPromise({
    try: () => fs.promises.stat(filePath),
    catch: (error) => new FileError({ path: filePath, operation: "read", description: describe(error) })
  }).pipe(
    Effect.filterOrFail(
      (stat) => stat.isFile(),
      () => new FileError({ path: filePath, operation: "read", description: "not a regular file" })
    ),
    Effect.map((stat) => ({
      size: stat.size,
      fileName: path.basename(filePath),
      content: Stream.suspend(() =>
        Stream.fromAsyncIterable(
          fs.createReadStream(filePath, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Uint8Array>,
          (error) => new FileError({ path: filePath, operation: "read", description: describe(error) })
        )
      )
    }))
  )

/**
 * Writes a byte stream (a download, an export) to a file and returns the
 * number of bytes written. The bytes go to `<path>.partial` first, renamed
 * to `path` only when the stream has ended, so a failed download never
 * leaves a truncated file under the final name. Fails with `FileError`, or
 * with the stream's own error.
 *
 * @example
 * ```ts
 * const bytes = yield* Datasources.download(datasourceId).pipe(NodeFile.write("Orders.tdsx"))
 * ```
 */
export const write = (
  filePath: string
): <E, R>(stream: Stream.Stream<Uint8Array, E, R>) => Effect.Effect<number, E | FileError, R> =>
<E, R>(stream: Stream.Stream<Uint8Array, E, R>): Effect.Effect<number, E | FileError, R> => {
  const partial = `${filePath}.partial`
  const fail = (error: unknown) => new FileError({ path: filePath, operation: "write", description: describe(error) })
  return Effect.acquireUseRelease(
    Effect.tryPromise({ try: () => fs.promises.open(partial, "w"), catch: fail }),
    (handle) =>
      Stream.runFoldEffect(stream, 0, (written, bytes) =>
        Effect.tryPromise({ try: () => handle.write(bytes), catch: fail }).pipe(
          Effect.as(written + bytes.byteLength)
        )).pipe(
          Effect.tap(() => Effect.tryPromise({ try: () => handle.close(), catch: fail })),
          Effect.tap(() => Effect.tryPromise({ try: () => fs.promises.rename(partial, filePath), catch: fail })),
          Effect.tapErrorCause(() => Effect.promise(() => fs.promises.rm(partial, { force: true })))
        ),
    (handle) => Effect.promise(() => handle.close().catch(() => undefined))
  )
}
