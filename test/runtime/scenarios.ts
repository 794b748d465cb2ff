/**
 * Runtime scenarios: the same programs run under Node (vitest,
 * `node.test.ts`), Deno (`deno test`, `deno.test.ts`) and, for sign-in and
 * listing, Cloudflare's workerd (`worker.test.ts`). Each serves its own fake
 * Tableau over real HTTP on 127.0.0.1 and talks to it through the given
 * `HttpClient` layer (`FetchHttpClient.layer` everywhere; Node also runs
 * them with `@effect/platform-node`'s clients), with public API only.
 * Assertions throw plain errors so no test framework is needed to run them.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { Credentials, Ids, Raw, Sites, TableauSession } from "../../mod.ts"
import * as FakeTableau from "../../src/testing.ts"

/** Fails with a readable message unless `actual` equals `expected` (compared as JSON). */
export const expectEqual = <A>(label: string, actual: A, expected: A): void => {
  const a = JSON.stringify(actual)
  const e = JSON.stringify(expected)
  if (a !== e) throw new Error(`${label}: expected ${e}, got ${a}`)
}

/** The HTTP client the scenarios use. */
export type Client = Layer.Layer<HttpClient.HttpClient>

const session = (url: string, client: Client) =>
  TableauSession.layer({
    server: url,
    credentials: Credentials.password({ username: "admin", password: "admin" })
  }).pipe(Layer.provide(client))

/** Serves a fake with these options and runs `program` in a session signed in to it. */
const withServedSession = <A, E>(
  client: Client,
  options: FakeTableau.FakeOptions,
  program: (served: { readonly url: string; readonly fake: FakeTableau.FakeServer }) => Effect.Effect<
    A,
    E,
    TableauSession.TableauSession
  >
): Effect.Effect<A, E | TableauSession.SignInError, Scope.Scope> =>
  Effect.flatMap(FakeTableau.serve(options), (served) => Effect.provide(program(served), session(served.url, client)))

/** Signs in over HTTP, reads the session, and signs out when the scope closes. */
export const signIn = (client: Client): Effect.Effect<void, unknown> =>
  Effect.scoped(
    Effect.gen(function*() {
      const served = yield* FakeTableau.serve({})
      const signed = yield* Effect.scoped(
        Effect.gen(function*() {
          const s = yield* TableauSession.TableauSession
          const current = yield* TableauSession.current
          expectEqual("apiVersion", s.apiVersion, "3.24")
          expectEqual("signed in to the default site", current.siteContentUrl, "")
          expectEqual(
            "token is redacted when printed",
            String(current.token).includes(Redacted.value(current.token)),
            false
          )
          return current
        }).pipe(Effect.provide(session(served.url, client)))
      )
      expectEqual("user id", signed.userId.length > 0, true)
      const calls = served.fake.log.map((e) =>
        `${e.method} ${e.path.replace(/\/api\/[\d.]+\//, "/api/{v}/")} ${e.status}`
      )
      expectEqual("exchanges", calls, [
        "GET /api/{v}/serverinfo 200",
        "POST /api/{v}/auth/signin 200",
        "POST /api/{v}/auth/signout 204"
      ])
    })
  )

/** Lists 250 sites in pages of 100: three requests, every site once. */
export const paging = (client: Client): Effect.Effect<void, unknown> =>
  Effect.scoped(
    withServedSession(client, { sites: 249 }, () =>
      Effect.gen(function*() {
        const [sites, responses] = yield* Raw.withResponses(Stream.runCollect(Sites.list({ pageSize: 100 })))
        expectEqual("sites", Chunk.size(sites), 250)
        expectEqual("distinct ids", new Set(Chunk.toReadonlyArray(sites).map((s) => s.id)).size, 250)
        const pages = responses.map((r) => new URL(r.url).searchParams.get("pageNumber")).sort()
        expectEqual("pages requested", pages, ["1", "2", "3"])
        expectEqual(
          "page size sent",
          responses.every((r) => new URL(r.url).searchParams.get("pageSize") === "100"),
          true
        )
      }))
  )

/** A missing site is a typed `NotFound`; a duplicate name is a typed `Conflict`. */
export const errors = (client: Client): Effect.Effect<void, unknown> =>
  Effect.scoped(
    withServedSession(client, {}, () =>
      Effect.gen(function*() {
        const missing = yield* Effect.flip(Sites.get(Ids.SiteId.make("00000000-0000-0000-0000-000000000000")))
        expectEqual("missing site", [missing._tag, missing._tag === "NotFound" ? missing.code : ""], [
          "NotFound",
          "404000"
        ])
        yield* Sites.create({ name: "Runtime", contentUrl: "runtime" })
        const duplicate = yield* Effect.flip(Sites.create({ name: "Runtime", contentUrl: "runtime2" }))
        expectEqual("duplicate site", [duplicate._tag, duplicate._tag === "Conflict" ? duplicate.status : 0], [
          "Conflict",
          409
        ])
      }))
  )

/**
 * Sends a request body as a stream of chunks with `FetchHttpClient` (no
 * public endpoint streams a body yet, so this drives
 * `HttpClientRequest.bodyStream` directly with the session's token): the
 * body goes out without a length, in chunks, and the fake acts on it.
 */
export const streamedBody = (client: Client): Effect.Effect<void, unknown> =>
  Effect.scoped(
    Effect.gen(function*() {
      const fake = yield* FakeTableau.make({})
      const seen: Array<{ readonly contentLength: string | null; readonly transferEncoding: string | null }> = []
      const observed: FakeTableau.FakeServer = {
        ...fake,
        handle: (request) => {
          if (request.method === "POST" && request.url.endsWith("/sites")) {
            seen.push({
              contentLength: request.headers.get("content-length"),
              transferEncoding: request.headers.get("transfer-encoding")
            })
          }
          return fake.handle(request)
        }
      }
      const served = yield* FakeTableau.serve({ fake: observed })
      yield* Effect.gen(function*() {
        const s = yield* TableauSession.TableauSession
        const current = yield* TableauSession.current
        const encoder = new TextEncoder()
        const parts = [
          `<tsRequest><site name="Streamed" `,
          `contentUrl="streamed" `,
          `adminMode="ContentOnly"/></tsRequest>`
        ]
        const body = Stream.fromIterable(parts).pipe(Stream.map((part) => encoder.encode(part)))
        const response = yield* HttpClientRequest.post(`${s.server}/api/${s.apiVersion}/sites`).pipe(
          HttpClientRequest.setHeader("X-Tableau-Auth", Redacted.value(current.token)),
          HttpClientRequest.bodyStream(body, { contentType: "application/xml" }),
          HttpClient.execute,
          Effect.provideService(HttpClient.HttpClient, s.httpClient)
        )
        expectEqual("status", response.status, 201)
        const site = yield* Sites.getByContentUrl("streamed")
        expectEqual("created from the streamed body", [site.name, site.adminMode], ["Streamed", "ContentOnly"])
      }).pipe(Effect.provide(session(served.url, client)))
      expectEqual("sent without a length, chunked", seen, [{ contentLength: null, transferEncoding: "chunked" }])
    })
  )

/** Every scenario, by name. */
export const scenarios: ReadonlyArray<readonly [string, (client: Client) => Effect.Effect<void, unknown>]> = [
  ["signs in and out over HTTP", signIn],
  ["pages 250 sites 100 at a time", paging],
  ["fails with typed NotFound and Conflict", errors],
  ["sends a streamed request body", streamedBody]
]
