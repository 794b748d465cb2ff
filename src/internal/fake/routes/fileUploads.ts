/**
 * Fake routes: file upload sessions (initiate, append). Appends are atomic:
 * a chunk whose request broke off is not appended. Publish routes take the
 * finished upload with `takeUpload`.
 *
 * Content is kept as size + SHA-256 always, and as bytes while the total is
 * at most `HELD_BYTES_LIMIT`, so the fake can serve small content back and
 * still verify gigabytes.
 *
 * @internal
 */
import * as Multipart from "../multipart.ts"
import type { Context, FakeState, Route } from "../server.ts"
import { extension } from "../server.ts"
import { badRequest, element, notFound, xml } from "../wire.ts"

/** Content larger than this is kept as size and digest only. */
export const HELD_BYTES_LIMIT = 256 * 1024 * 1024

/** Uploaded content as the fake keeps it. */
export interface StoredContent {
  readonly size: number
  readonly sha256: string
  /** The bytes, when the content was at most `HELD_BYTES_LIMIT`. */
  readonly bytes: ReadonlyArray<Uint8Array> | undefined
}

interface Session {
  readonly siteId: string
  size: number
  chunks: number
  readonly digest: Digest
  held: Array<Uint8Array> | undefined
}

/** An incremental SHA-256 (implemented in `../digest.ts`). */
interface Digest {
  readonly update: (bytes: Uint8Array) => void
  readonly hex: () => string
}

/** A fresh SHA-256; `node:crypto` is loaded on first use so the fake loads anywhere. */
const sha256 = async (): Promise<Digest> => (await import("../digest.ts")).sha256()

const sessions = (state: FakeState) => extension(state, "fileUploads", () => new Map<string, Session>())

/** Accumulates content: size, digest and (while small) bytes. */
export const accumulator = async () => {
  const digest = await sha256()
  let size = 0
  let held: Array<Uint8Array> | undefined = []
  return {
    add: (bytes: Uint8Array) => {
      digest.update(bytes)
      size += bytes.byteLength
      if (held !== undefined) {
        if (size <= HELD_BYTES_LIMIT) held.push(bytes.slice())
        else held = undefined
      }
    },
    done: (): StoredContent => ({ size, sha256: digest.hex(), bytes: held })
  }
}

/** Content from bytes already in hand (a single-request publish). */
export const storedFrom = async (bytes: Uint8Array): Promise<StoredContent> => {
  const acc = await accumulator()
  acc.add(bytes)
  return acc.done()
}

/** Finishes an upload session and returns its content; 404 if there is no such session on the site. */
export const takeUpload = (state: FakeState, siteId: string, uploadSessionId: string): StoredContent => {
  const session = sessions(state).get(uploadSessionId)
  if (session === undefined || session.siteId !== siteId) {
    throw notFound("404007", "Upload session", uploadSessionId)
  }
  sessions(state).delete(uploadSessionId)
  return { size: session.size, sha256: session.digest.hex(), bytes: session.held }
}

const megabytes = (size: number) => String(Math.floor(size / (1024 * 1024)))

const initiate = async (ctx: Context) => {
  const id = `${Math.floor(ctx.state.now() / 1000)}:${ctx.state.newId().replace(/-/g, "").toUpperCase()}-0:0`
  sessions(ctx.state).set(id, { siteId: ctx.auth.siteId, size: 0, chunks: 0, digest: await sha256(), held: [] })
  return xml(element("fileUpload", { uploadSessionId: id, fileSize: "0" }), 201)
}

const append = async (ctx: Context) => {
  const id = ctx.params["uploadSessionId"]!
  const session = sessions(ctx.state).get(id)
  if (session === undefined || session.siteId !== ctx.auth.siteId) throw notFound("404007", "Upload session", id)
  // Read the whole request first: a body that breaks off appends nothing.
  const parts = await Multipart.read(ctx.request)
  const file = parts.find((p) => p.name === "tableau_file")
  if (file === undefined) throw badRequest("400000", "The append request has no tableau_file part.")
  if (file.data.byteLength > 64 * 1024 * 1024) throw badRequest("400000", "A chunk may be at most 64 MB.")
  session.digest.update(file.data)
  session.size += file.data.byteLength
  session.chunks++
  if (session.held !== undefined) {
    if (session.size <= HELD_BYTES_LIMIT) session.held.push(file.data.slice())
    else session.held = undefined
  }
  return xml(element("fileUpload", { uploadSessionId: id, fileSize: megabytes(session.size) }))
}

export const routes: ReadonlyArray<Route> = [
  { method: "POST", pattern: "/api/:v/sites/:siteId/fileUploads", handler: initiate },
  { method: "PUT", pattern: "/api/:v/sites/:siteId/fileUploads/:uploadSessionId", handler: append }
]
