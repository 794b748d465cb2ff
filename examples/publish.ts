/**
 * Publishes a generated 200 MB data source through a chunked upload with a
 * progress line, downloads it back and checks the SHA-256 digest.
 *
 * Runs against the in-memory fake server: `npm run example:publish`.
 * Against a real server, set TABLEAU_SERVER, TABLEAU_SITE, TABLEAU_PAT_NAME,
 * TABLEAU_PAT_SECRET and TABLEAU_PROJECT_ID.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import { createHash } from "node:crypto"
import { Credentials, Datasources, Ids, TableauSession } from "../mod.ts"
import * as Fake from "../src/testing.ts"

const TOTAL = 200 * 1024 * 1024
const PIECE = 1024 * 1024

/** 200 MB of deterministic bytes, generated piece by piece (never held whole), hashed as they go. */
const generated = (hash: ReturnType<typeof createHash>) =>
  Stream.range(0, TOTAL / PIECE - 1).pipe(
    Stream.rechunk(1),
    Stream.map((i) => {
      const piece = new Uint8Array(PIECE)
      let x = i + 1
      for (let j = 0; j < PIECE; j++) {
        x = (x * 1103515245 + 12345) >>> 0
        piece[j] = x >>> 24
      }
      hash.update(piece)
      return piece
    })
  )

const mb = (n: number) => (n / (1024 * 1024)).toFixed(1)

const program = (projectId: Ids.ProjectId) => Effect.gen(function*() {
  const sent = createHash("sha256")
  const started = Date.now()
  const ds = yield* Datasources.publish({
    item: { name: `Generated ${new Date().toISOString()}`, projectId },
    content: generated(sent),
    fileName: "generated.hyper",
    mode: "CreateNew",
    onProgress: (p) =>
      Effect.sync(() => {
        const seconds = (Date.now() - started) / 1000
        process.stdout.write(
          `\rpublished ${mb(p.bytesSent)} / ${mb(TOTAL)} MB in ${p.chunksSent} chunks (${(Number(mb(p.bytesSent)) / seconds).toFixed(0)} MB/s)`
        )
      })
  })
  const sentDigest = sent.digest("hex")
  console.log(`\npublished data source ${ds.id} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  const received = createHash("sha256")
  const size = yield* Datasources.download(ds.id).pipe(
    Stream.runFold(0, (n, chunk) => {
      received.update(chunk)
      return n + chunk.length
    })
  )
  const receivedDigest = received.digest("hex")
  console.log(`downloaded ${mb(size)} MB, SHA-256 ${receivedDigest}`)
  if (receivedDigest !== sentDigest || size !== TOTAL) {
    return yield* Effect.dieMessage(`digest mismatch: sent ${sentDigest}, received ${receivedDigest}`)
  }
  console.log("digest verified")
})

const real = process.env["TABLEAU_SERVER"]
const main = real !== undefined
  ? Effect.provide(
    program(Ids.ProjectId.make(process.env["TABLEAU_PROJECT_ID"] ?? "")),
    TableauSession.layer({
      server: real,
      site: process.env["TABLEAU_SITE"] ?? "",
      credentials: Credentials.personalAccessToken({
        name: process.env["TABLEAU_PAT_NAME"] ?? "",
        secret: Redacted.make(process.env["TABLEAU_PAT_SECRET"] ?? "")
      })
    }).pipe(Layer.provide(FetchHttpClient.layer))
  )
  : Effect.provide(
    Effect.flatMap(
      Fake.seedContent({ projects: 1, workbooksPerProject: 0, datasourcesPerProject: 0 }),
      (seeded) => program(Ids.ProjectId.make(seeded.projects[0]!))
    ),
    Fake.sessionLayer()
  )

Effect.runPromise(main).catch((error) => {
  console.error(error)
  process.exitCode = 1
})
