/**
 * Test support: a session against the fake where some routes answer with a
 * fixed body (a fixture in Tableau's documented shape) instead of the
 * fake's own rendering, so the client's decoding of every shape Tableau
 * sends can be tested end to end.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { readFileSync } from "node:fs"
import { Credentials, TableauSession } from "../../mod.ts"
import { routes } from "../../src/internal/fake/routes/index.ts"
import * as Server from "../../src/internal/fake/server.ts"
import * as Fake from "../../src/testing.ts"

/** The text of `test/fixtures/<name>`. */
export const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8")

/** A route that answers `body` (XML, 200 unless `status`). */
export interface Canned {
  readonly method: Server.Route["method"]
  /** A fake route pattern, such as `/api/:v/sites/:siteId/groupsets/:id`. */
  readonly pattern: string
  readonly body: string
  readonly status?: number
}

/** A signed-in session against a fake whose `canned` routes answer first. */
export const cannedSession = (canned: ReadonlyArray<Canned>, options: Server.FakeOptions = {}) =>
  TableauSession.layer({
    server: Fake.FAKE_URL,
    credentials: Credentials.password({ username: "admin", password: "admin" })
  }).pipe(Layer.provideMerge(Layer.effectContext(Effect.gen(function*() {
    const fixed: ReadonlyArray<Server.Route> = canned.map((c) => ({
      method: c.method,
      pattern: c.pattern,
      handler: () =>
        new Response(c.body, { status: c.status ?? 200, headers: { "content-type": "application/xml;charset=utf-8" } })
    }))
    const fake = Server.make([...fixed, ...routes], { ...options, recordBodies: true })
    return Context.make(Fake.FakeTableau, fake).pipe(Context.add(HttpClient.HttpClient, yield* Fake.httpClient(fake)))
  }))))
