/**
 * Quick start: sign in, read server info, page through sites, handle a
 * typed error, and see the raw response of a call.
 *
 *   npm run demo                      # against the embedded fake server
 *   TABLEAU_SERVER=https://... TABLEAU_PAT_NAME=... TABLEAU_PAT_SECRET=... npm run demo
 *
 * Against a real server it only reads (server info and sites).
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { Raw, RequestOptions, ServerInfo, Sites, TableauSession } from "../mod.ts"
import * as FakeTableau from "../src/testing.ts"

const real = process.env["TABLEAU_SERVER"] !== undefined

/** The real server from TABLEAU_* variables, or the in-memory fake with 30 extra sites. */
const Tableau = real
  ? TableauSession.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))
  : FakeTableau.sessionLayer({ sites: 30 })

const program = Effect.gen(function*() {
  yield* Console.log(
    real
      ? `Running against ${process.env["TABLEAU_SERVER"]} (TABLEAU_SERVER), read only.`
      : [
        "Running against the embedded fake Tableau server (in memory, no network): the versions and sites below are the fake's.",
        "To use a real server: TABLEAU_SERVER=https://tableau.example.com TABLEAU_SITE=... TABLEAU_PAT_NAME=... TABLEAU_PAT_SECRET=... npm run demo",
        "(or TABLEAU_USERNAME + TABLEAU_PASSWORD instead of the token)",
        ""
      ].join("\n")
  )
  const info = yield* ServerInfo.get
  const session = yield* TableauSession.TableauSession
  yield* Console.log(`Tableau ${info.productVersion} (REST API ${info.restApiVersion}), using API ${session.apiVersion}`)

  // Every site, page after page (4 pages in flight at most), as a Stream.
  const count = yield* Sites.list({ pageSize: 10, sort: [RequestOptions.asc("name")] }).pipe(
    Stream.tap((site) => Console.log(`  ${site.name.padEnd(20)} ${site.contentUrl || "(default)"} ${site.state ?? ""}`)),
    Stream.runCount
  )
  yield* Console.log(`${count} sites`)

  // One page, with the HTTP response next to the decoded value.
  const [page, response] = yield* Raw.withResponse(Sites.getPage({ pageSize: 5 }))
  yield* Console.log(
    `page 1 of ${Math.ceil((page.pagination?.totalAvailable ?? 0) / 5)}: HTTP ${response?.status} in ${response?.durationMillis} ms`
  )

  if (!real) {
    // Typed errors: a duplicate site is a Conflict, a missing one NotFound.
    yield* Sites.create({ name: "Marketing", contentUrl: "marketing" })
    yield* Sites.create({ name: "Marketing", contentUrl: "marketing-2" }).pipe(
      Effect.catchTag("Conflict", (e) => Console.log(`Conflict as expected: ${e.code} ${e.detail}`))
    )
    yield* Sites.getByContentUrl("no-such-site").pipe(
      Effect.catchTag("NotFound", (e) => Console.log(`NotFound as expected: ${e.code}`))
    )
  }
})

Effect.runPromise(program.pipe(Effect.provide(Tableau))).catch((error: unknown) => {
  console.error(String(error))
  process.exit(1)
})
