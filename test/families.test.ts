/**
 * The engine beyond REST XML: JSON answers and JSON error bodies, PATCH,
 * and the `/api/exp`, `/api/-` and `/api/metadata` roots, each declared on
 * an operation (the resources that need them come with the coverage issues).
 */
import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import { Credentials, TableauSession } from "../mod.ts"
import * as Endpoint from "../src/internal/endpoint.ts"
import * as Operation from "../src/internal/operation.ts"
import * as Transport from "../src/internal/transport.ts"
import * as FakeTableau from "../src/testing.ts"

/** The fake, with `answer` in front of it for the paths it knows; every request it sees is recorded. */
const layer = (answer: (request: Request) => Response | undefined) =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const fake = yield* FakeTableau.make()
    const seen: Array<{ method: string; path: string; accept: string | null; body: string }> = []
    const wrapped: FakeTableau.FakeServer = {
      ...fake,
      handle: async (request) => {
        const body = request.body === null ? "" : await request.clone().text()
        seen.push({ method: request.method, path: new URL(request.url).pathname, accept: request.headers.get("accept"), body })
        return answer(request) ?? fake.handle(request)
      }
    }
    const client = yield* FakeTableau.httpClient(wrapped)
    return TableauSession.layer({
      server: FakeTableau.FAKE_URL,
      credentials: Credentials.password({ username: "admin", password: "admin" }),
      retry: false
    }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)), Layer.merge(Layer.succeed(Seen, seen)))
  }))

class Seen extends Context.Tag("test/Seen")<Seen, Array<{ method: string; path: string; accept: string | null; body: string }>>() {}

const Thing = Schema.Struct({ thing: Schema.Struct({ id: Schema.String, size: Schema.Number }) })

const patchThing = Operation.make({
  name: "Things.update",
  method: "PATCH",
  scope: "site",
  family: "exp",
  format: "json",
  path: "things/{thingId}",
  minApiVersion: "3.20",
  errors: { NotFound: ["404030"] },
  decoder: Endpoint.json(Thing)
})

const json = (status: number, value: unknown) =>
  new Response(JSON.stringify(value), { status, headers: { "content-type": "application/json" } })

describe("API families", () => {
  it.effect("a PATCH with a JSON body to /api/exp, answered in JSON", () =>
    Effect.gen(function*() {
      const result = yield* Operation.run(patchThing, { thingId: "t1" }, { body: Transport.jsonBody({ size: 3 }) })
      expect(result.thing).toEqual({ id: "t1", size: 3 })
      const seen = (yield* Seen).find((s) => s.method === "PATCH")!
      expect(seen.path).toMatch(/^\/api\/exp\/sites\/[0-9a-f-]+\/things\/t1$/)
      expect(seen.accept).toBe("application/json")
      expect(JSON.parse(seen.body)).toEqual({ size: 3 })
    }).pipe(Effect.provide(layer((request) =>
      request.method === "PATCH" && request.url.includes("/api/exp/")
        ? json(200, { thing: { id: "t1", size: 3 } })
        : undefined
    ))))

  it.effect("a JSON error body is classified into the declared typed error, with its code", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Operation.run(patchThing, { thingId: "nope" }))
      expect(error).toMatchObject({ _tag: "NotFound", code: "404030", summary: "Not Found", detail: "Thing 'nope' not found." })
    }).pipe(Effect.provide(layer((request) =>
      request.method === "PATCH"
        ? json(404, { error: { summary: "Not Found", detail: "Thing 'nope' not found.", code: "404030" } })
        : undefined
    ))))

  it.effect("a JSON answer that does not match is a ResponseDecodeError naming the path", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Operation.run(patchThing, { thingId: "t1" }))
      expect(error).toMatchObject({ _tag: "ResponseDecodeError", path: "thing.size" })
    }).pipe(Effect.provide(layer((request) =>
      request.method === "PATCH" ? json(200, { thing: { id: "t1", size: "3" } }) : undefined
    ))))

  it.effect("versionless and metadata roots, server-scoped", () =>
    Effect.gen(function*() {
      const ping = Operation.make({
        name: "Things.ping",
        method: "GET",
        scope: "server",
        family: "versionless",
        format: "json",
        path: "ping",
        minApiVersion: "2.0",
        errors: {},
        decoder: Endpoint.json(Schema.Struct({ ok: Schema.Boolean }))
      })
      const graphql = Operation.make({
        name: "Things.query",
        method: "POST",
        scope: "server",
        family: "metadata",
        format: "json",
        path: "graphql",
        minApiVersion: "3.5",
        errors: {},
        decoder: Endpoint.json(Schema.Struct({ data: Schema.Unknown }))
      })
      expect(Operation.route(ping)).toBe("GET /api/-/ping")
      expect(Operation.route(graphql)).toBe("POST /api/metadata/graphql")
      expect((yield* Operation.run(ping, {})).ok).toBe(true)
      yield* Operation.run(graphql, {}, { body: Transport.jsonBody({ query: "{ workbooks { name } }" }) })
      const paths = (yield* Seen).map((s) => `${s.method} ${s.path}`)
      expect(paths).toContain("GET /api/-/ping")
      expect(paths).toContain("POST /api/metadata/graphql")
    }).pipe(Effect.provide(layer((request) => {
      const path = new URL(request.url).pathname
      if (path === "/api/-/ping") return json(200, { ok: true })
      if (path === "/api/metadata/graphql") return json(200, { data: { workbooks: [] } })
      return undefined
    }))))
})
