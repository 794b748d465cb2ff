/**
 * What the benchmarks page and publish through. Switching the collection
 * to users, or uploads to `Workbooks.publish`, is one line each (marked).
 */
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import { Sites } from "../mod.ts"
import type { TableauSession } from "../mod.ts"
import type { CommonError } from "../src/Errors.ts"
import * as Endpoint from "../src/internal/endpoint.ts"
import type { StreamOptions } from "../src/RequestOptions.ts"
import * as Upload from "../src/internal/upload.ts"

/** The paged collection: how the fake is seeded, how it is listed, how an item is named, the expected name of item i. */
export interface Collection<A> {
  readonly name: string
  readonly seed: (n: number) => { readonly sites?: number; readonly users?: number }
  readonly list: (options: StreamOptions) => Stream.Stream<A, CommonError, TableauSession.TableauSession>
  readonly key: (item: A) => string
  readonly expected: (i: number) => string
  /** Path of the list below `/api/{v}/` (`{siteId}` filled in), and the decoder the module uses. */
  readonly path: string
  readonly decoder: Endpoint.Decoder<unknown>
}

const sites: Collection<Sites.SiteItem> = {
  name: "sites",
  seed: (n) => ({ sites: n }),
  list: (options) => Sites.list(options),
  key: (site) => site.name,
  expected: (i) => (i === 0 ? "Default" : `Site ${String(i).padStart(5, "0")}`),
  path: "sites",
  decoder: Endpoint.items("sites", "site", Sites.SiteItem)
}

// SWITCH (one line): `export const collection = users` once Users.list lands.
export const collection: Collection<unknown> = sites as Collection<unknown>

/** An upload of `size` bytes from a stream; succeeds with what the fake needs to find the stored content. */
export type Uploader = (
  source: Stream.Stream<Uint8Array>,
  size: number,
  chunkBytes: number | undefined
) => Effect.Effect<string, unknown, TableauSession.TableauSession>

// SWITCH (one line): `Workbooks.publish` once it lands (the fake then keeps the published content).
export const upload: Uploader = (source, _size, chunkBytes) => Upload.uploadFile(source, { chunkBytes })
