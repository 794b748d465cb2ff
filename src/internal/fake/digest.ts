/**
 * Incremental SHA-256 for the fake server, so it can verify gigabytes of
 * uploaded content without holding them. Uses `node:crypto` (Node, Deno);
 * the fake's only Node built-in besides its HTTP adapter and CLI.
 *
 * @internal
 */
import { createHash, type Hash } from "node:crypto"

export interface Digest {
  readonly update: (bytes: Uint8Array) => void
  /** The hex digest; the digest cannot be updated afterwards. */
  readonly hex: () => string
}

export const sha256 = (): Digest => {
  const hash: Hash = createHash("sha256")
  let result: string | undefined
  return {
    update: (bytes) => {
      hash.update(bytes)
    },
    hex: () => (result ??= hash.digest("hex"))
  }
}
