/**
 * Deterministic content for upload benchmarks: 64 KiB pieces (a file read
 * stream's size), each a fresh copy of a window into 1 MiB of seeded random
 * bytes, so the same size always gives the same bytes and SHA-256.
 */
import { createHash } from "node:crypto"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"

export const PIECE = 64 * 1024
const BLOCK = 1024 * 1024

const block = (() => {
  const out = new Uint8Array(BLOCK + PIECE)
  let a = 0x9e3779b9
  for (let i = 0; i < out.length; i++) {
    a = (a + 0x6d2b79f5) >>> 0
    let t = Math.imul(a ^ (a >>> 15), a | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out[i] = (t ^ (t >>> 14)) & 0xff
  }
  return out
})()

/** Piece `index` of content of `total` bytes (a new array each time). */
export const piece = (index: number, total: number): Uint8Array => {
  const length = Math.min(PIECE, total - index * PIECE)
  const offset = ((index * 40_503) % (BLOCK / 64)) * 64
  return block.slice(offset, offset + length)
}

/** How many pieces content of `total` bytes has. */
export const pieces = (total: number): number => Math.ceil(total / PIECE)

/** The content as a Stream, one piece per chunk (no 4096-piece groups). */
export const source = (total: number): Stream.Stream<Uint8Array> =>
  Stream.unfold(0, (i) => (i < pieces(total) ? Option.some([piece(i, total), i + 1] as const) : Option.none()))

/** The content as a web ReadableStream (what `fs.openAsBlob(...).stream()` gives). */
export const readable = (total: number): ReadableStream<Uint8Array> => {
  let i = 0
  return new ReadableStream<Uint8Array>({
    pull: (controller) => {
      if (i < pieces(total)) controller.enqueue(piece(i++, total))
      else controller.close()
    }
  })
}

/** SHA-256 of the content, in hex. */
export const sha256 = (total: number): string => {
  const hash = createHash("sha256")
  for (let i = 0; i < pieces(total); i++) hash.update(piece(i, total))
  return hash.digest("hex")
}
