/**
 * Small in-memory `multipart/mixed` bodies, as Tableau wants them for CSV
 * user imports: parts named with `Content-Disposition: name="..."`, the
 * file part with a `filename`. Meant for small payloads (a user CSV); the
 * streaming upload core (`upload.ts`) is the place for large files and can
 * fold `mixedBody` in.
 *
 * @internal
 */
import type * as Transport from "./transport.ts"

/** One part of a multipart body. */
export interface Part {
  /** The part's name (`request_payload`, `tableau_user_import`, ...). */
  readonly name: string
  /** Sent as `filename="..."` when the part is a file. */
  readonly filename?: string | undefined
  readonly contentType: string
  readonly content: string | Uint8Array
}

const encoder = new TextEncoder()

const bytesOf = (content: string | Uint8Array): Uint8Array =>
  typeof content === "string" ? encoder.encode(content) : content

const contains = (haystack: Uint8Array, needle: Uint8Array): boolean => {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

/** A boundary that occurs in none of the parts (deterministic: no randomness needed). */
const boundaryFor = (parts: ReadonlyArray<Uint8Array>): string => {
  for (let n = 0;; n++) {
    const candidate = `effect-tableau-boundary-${n.toString(36)}`
    const needle = encoder.encode(candidate)
    if (!parts.some((p) => contains(p, needle))) return candidate
  }
}

const quote = (value: string): string => value.replace(/["\\\r\n]/g, (c) => (c === "\"" ? "%22" : c === "\\" ? "\\\\" : ""))

/** A `multipart/mixed` body with the given parts, as one byte array. */
export const mixedBody = (parts: ReadonlyArray<Part>): Extract<Transport.Body, { _tag: "Bytes" }> => {
  const contents = parts.map((p) => bytesOf(p.content))
  const boundary = boundaryFor(contents)
  const chunks: Array<Uint8Array> = []
  parts.forEach((part, i) => {
    const disposition = `Content-Disposition: name="${quote(part.name)}"${
      part.filename === undefined ? "" : `; filename="${quote(part.filename)}"`
    }`
    chunks.push(encoder.encode(`--${boundary}\r\n${disposition}\r\nContent-Type: ${part.contentType}\r\n\r\n`))
    chunks.push(contents[i]!)
    chunks.push(encoder.encode("\r\n"))
  })
  chunks.push(encoder.encode(`--${boundary}--\r\n`))
  const total = chunks.reduce((n, c) => n + c.length, 0)
  const bytes = new Uint8Array(total)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.length
  }
  return { _tag: "Bytes", bytes, contentType: `multipart/mixed; boundary=${boundary}` }
}
