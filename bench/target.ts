/**
 * What the benchmarks page and publish through. Switching the collection
 * to users, or uploads to `Workbooks.publish`, is one line each (marked).
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import { Projects, Sites, Users, Workbooks } from "../mod.ts"
import type { TableauSession } from "../mod.ts"
import type { CommonError } from "../src/Errors.ts"
import { UserItem } from "../src/internal/directory.ts"
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

const users: Collection<Users.UserItem> = {
  name: "users",
  seed: (n) => ({ users: n }),
  list: (options) => Users.list(options),
  key: (user) => user.name,
  expected: (i) => (i === 0 ? "admin" : `user${String(i).padStart(6, "0")}`),
  path: "sites/{siteId}/users",
  decoder: Endpoint.items("users", "user", UserItem)
}

// SWITCH (one line): `sites` or `users`.
export const collection: Collection<unknown> = (process.env["BENCH_COLLECTION"] === "sites" ? sites : users) as Collection<unknown>

/** Where the fake keeps what an upload sent: a finished upload session, or a published workbook's file. */
export interface Uploaded {
  readonly kind: "upload" | "workbook"
  readonly id: string
}

/** An upload of `size` bytes from a stream. */
export type Uploader = (
  source: Stream.Stream<Uint8Array>,
  size: number,
  chunkBytes: number | undefined
) => Effect.Effect<Uploaded, unknown, TableauSession.TableauSession>

/** The upload session alone (the upload core, no publish request). */
export const uploadSession: Uploader = (source, _size, chunkBytes) =>
  Effect.map(Upload.uploadFile(source, { chunkBytes }), (id) => ({ kind: "upload", id }))

/** `Workbooks.publish` into the first project: chunked above 64 MB. */
export const publishWorkbook: Uploader = (source, size, chunkBytes) =>
  Effect.gen(function*() {
    const project = yield* Stream.runHead(Projects.list())
    if (Option.isNone(project)) return yield* Effect.fail("the fake has no project")
    const workbook = yield* Workbooks.publish({
      item: { name: `bench-${size}-${Date.now()}`, projectId: project.value.id },
      content: source,
      size,
      fileName: "bench.twbx",
      mode: "Overwrite",
      chunkBytes
    })
    return { kind: "workbook" as const, id: workbook.id }
  })

// SWITCH (one line): `uploadSession` or `publishWorkbook` (BENCH_UPLOAD=session picks the former).
export const upload: Uploader = process.env["BENCH_UPLOAD"] === "session" ? uploadSession : publishWorkbook

/** Whether uploads end with a publish request (the raw `fetch` baseline then sends one too). */
export const publishes = upload === publishWorkbook
