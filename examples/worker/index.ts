/**
 * A Cloudflare Worker (module syntax) that signs in to Tableau with the
 * `TABLEAU_*` variables of its environment, lists the sites and answers
 * with JSON. It uses `FetchHttpClient` only and needs no compatibility
 * flags (no `nodejs_compat`).
 *
 * Variables (`wrangler.toml` `[vars]`, secrets with `wrangler secret put`):
 * `TABLEAU_SERVER`, `TABLEAU_SITE`, `TABLEAU_API_VERSION`, and
 * `TABLEAU_PAT_NAME` + `TABLEAU_PAT_SECRET`, or `TABLEAU_USERNAME` +
 * `TABLEAU_PASSWORD`, or `TABLEAU_JWT` (see `TableauSession.config`).
 *
 * In your project, import from "effect-tableau" instead of "../../mod.ts".
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { Sites, TableauSession } from "../../mod.ts"

/** The Worker's bindings: strings are read as configuration, the rest ignored. */
export type Env = Readonly<Record<string, unknown>>

/** The session layer, configured from the Worker's environment instead of `process.env`. */
const tableau = (env: Env) => {
  const vars = new Map<string, string>()
  for (const [key, value] of Object.entries(env)) if (typeof value === "string") vars.set(key, value)
  return TableauSession.layerConfig().pipe(
    Layer.provide(FetchHttpClient.layer),
    Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(vars)))
  )
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=utf-8" } })

const listSites = Effect.gen(function*() {
  const session = yield* TableauSession.current
  const sites = yield* Stream.runCollect(Sites.list())
  return {
    siteId: session.siteId,
    sites: Array.from(sites, (s) => ({ id: s.id, name: s.name, contentUrl: s.contentUrl, state: s.state }))
  }
})

export default {
  async fetch(_request: Request, env: Env): Promise<Response> {
    const exit = await Effect.runPromiseExit(Effect.provide(listSites, tableau(env)))
    if (exit._tag === "Success") return json(200, exit.value)
    const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
    return failure !== undefined && "_tag" in failure
      ? json(502, { error: failure._tag, message: failure.message })
      : json(500, { error: "Defect" })
  }
}
