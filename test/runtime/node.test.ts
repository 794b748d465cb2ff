import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { describe, it } from "@effect/vitest"
import { hostileScenarios } from "./hostile.ts"
import { type Client, scenarios } from "./scenarios.ts"

// The runtime scenarios under Node, over real HTTP, with each HTTP client a Node user may pick.
const clients: ReadonlyArray<readonly [string, Client]> = [
  ["FetchHttpClient", FetchHttpClient.layer],
  ["NodeHttpClient (node:http)", NodeHttpClient.layer],
  ["NodeHttpClient (undici)", NodeHttpClient.layerUndici]
]

for (const [clientName, client] of clients) {
  describe(`runtime: Node, ${clientName}`, () => {
    for (const [name, scenario] of scenarios) it.effect(name, () => scenario(client))
  })
  describe(`hostile servers: Node, ${clientName}`, () => {
    // fetch inflates gzip; @effect/platform-node's clients hand over the bytes as sent.
    for (const [name, scenario] of hostileScenarios(client === FetchHttpClient.layer)) {
      it.live(name, () => scenario(client), 20_000)
    }
  })
}
