/// <reference lib="deno.ns" />
/**
 * The runtime scenarios under Deno: `deno task test` (or
 * `npx deno test --allow-net test/runtime/deno.test.ts`).
 * Type-checked by `deno check`, not by the project's tsc (it uses Deno's globals).
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import { scenarios } from "./scenarios.ts"

for (const [name, scenario] of scenarios) {
  Deno.test(name, () => Effect.runPromise(scenario(FetchHttpClient.layer)))
}
