/// <reference lib="deno.ns" />
/**
 * The runtime scenarios under Deno: `deno task test` (or
 * `npx deno test --allow-net test/runtime/deno.test.ts`), and the
 * hostile-server scenarios (redirects, time bounds, size cap, secrets).
 * Type-checked by `deno check`, not by the project's tsc (it uses Deno's globals).
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import { hostileScenarios } from "./hostile.ts"
import { scenarios } from "./scenarios.ts"

for (const [name, scenario] of scenarios) {
  Deno.test(name, () => Effect.runPromise(scenario(FetchHttpClient.layer)))
}

// Timers and sockets of a refused or timed-out exchange end a moment after it: no leak checks here.
for (const [name, scenario] of hostileScenarios(true)) {
  Deno.test({ name: `hostile: ${name}`, sanitizeOps: false, sanitizeResources: false }, () =>
    Effect.runPromise(scenario(FetchHttpClient.layer)))
}
