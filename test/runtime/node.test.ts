import { describe, it } from "@effect/vitest"
import { scenarios } from "./scenarios.ts"

// The runtime scenarios under Node, over real HTTP with FetchHttpClient.
describe("runtime: Node", () => {
  for (const [name, scenario] of scenarios) it.effect(name, () => scenario)
})
