/**
 * Test support: a session against a fresh fake whose requests (method, URL,
 * content type, body text) are recorded, so tests can check what was sent.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import { Credentials, type Ids, TableauSession } from "../../mod.ts"
import type { FakeOptions, FakeServer } from "../../src/testing.ts"
import * as Fake from "../../src/testing.ts"

export interface Sent {
  readonly method: string
  readonly url: string
  readonly contentType: string
  readonly body: string
}

export class Recorded extends Context.Tag("test/Recorded")<Recorded, Array<Sent>>() {}

/** An HttpClient for `fake` that records every request. */
export const recordingClient = (fake: FakeServer, sent: Array<Sent>): Effect.Effect<HttpClient.HttpClient> => {
  const inner = Fake.fetchFor(fake)
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    sent.push({
      method: request.method,
      url: request.url,
      contentType: request.headers.get("content-type") ?? "",
      body: await request.clone().text()
    })
    return inner(request)
  }) as typeof globalThis.fetch
  return Effect.map(
    Effect.provide(HttpClient.HttpClient, FetchHttpClient.layer),
    (client) => HttpClient.transform(client, (effect) => Effect.provideService(effect, FetchHttpClient.Fetch, fetch))
  )
}

/** Fake + recording HttpClient + admin session (options as `FakeTableau.sessionLayer`). */
export const recordingSession = (
  options: FakeOptions & { readonly session?: Partial<TableauSession.Options> } = {}
): Layer.Layer<
  TableauSession.TableauSession | Fake.FakeTableau | Recorded | HttpClient.HttpClient,
  TableauSession.SignInError
> => {
  const base = Layer.effectContext(
    Effect.gen(function*() {
      const fake = yield* Fake.make(options)
      const sent: Array<Sent> = []
      const client = yield* recordingClient(fake, sent)
      return Context.make(Fake.FakeTableau, fake).pipe(
        Context.add(HttpClient.HttpClient, client),
        Context.add(Recorded, sent)
      )
    })
  )
  return TableauSession.layer({
    server: Fake.FAKE_URL,
    credentials: Credentials.password({ username: "admin", password: "admin" }),
    ...options.session
  }).pipe(Layer.provideMerge(base))
}

/** The requests sent so far whose URL contains `path` (and method, if given). */
export const sentTo = (path: string, method?: string): Effect.Effect<ReadonlyArray<Sent>, never, Recorded> =>
  Effect.map(Recorded, (all) => all.filter((s) => s.url.includes(path) && (method === undefined || s.method === method)))

/** Runs `effect` in a second session on the same fake, signed in as admin impersonating `userId`. */
export const impersonating = <A, E>(userId: Ids.UserId, effect: Effect.Effect<A, E, TableauSession.TableauSession>) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    const session = yield* TableauSession.make({
      server: Fake.FAKE_URL,
      credentials: Credentials.password({ username: "admin", password: "admin", impersonateUserId: userId })
    }).pipe(Scope.extend(scope))
    return yield* Effect.provideService(effect, TableauSession.TableauSession, session).pipe(
      Effect.ensuring(Scope.close(scope, Exit.void))
    )
  })
