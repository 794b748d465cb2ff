/// <reference lib="deno.ns" />
/**
 * A Deno script: signs in with the `TABLEAU_*` environment variables and
 * prints every site as JSON lines.
 *
 *   TABLEAU_SERVER=https://tableau.example.com TABLEAU_PAT_NAME=ci TABLEAU_PAT_SECRET=... \
 *     deno run --allow-net --allow-env examples/deno.ts
 *
 * Against the fake server (`npm run fake-server -- --port 8900 --sites 3`):
 *
 *   TABLEAU_SERVER=http://127.0.0.1:8900 TABLEAU_USERNAME=admin TABLEAU_PASSWORD=admin \
 *     npx deno run --allow-net --allow-env examples/deno.ts
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { Sites, TableauSession } from "../mod.ts"

const Tableau = TableauSession.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))

const program = Sites.list().pipe(
  Stream.runForEach((site) =>
    Console.log(JSON.stringify({ id: site.id, name: site.name, contentUrl: site.contentUrl }))
  )
)

Effect.runPromiseExit(Effect.provide(program, Tableau)).then((exit) => {
  if (exit._tag === "Failure") {
    console.error(String(exit.cause))
    Deno.exit(1)
  }
})
