/**
 * Test support: a session against a fresh fake that records every request
 * (method, URL, content type, body text) in its log, so tests can check
 * what was sent.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import { Credentials, type Ids, TableauSession } from "../../mod.ts"
import type { FakeOptions } from "../../src/testing.ts"
import * as Fake from "../../src/testing.ts"

export interface Sent {
  readonly method: string
  readonly url: string
  readonly contentType: string
  readonly body: string
}

/** Fake (recording bodies) + admin session (options as `FakeTableau.sessionLayer`). */
export const recordingSession = (
  options: FakeOptions & { readonly session?: Partial<TableauSession.Options> } = {}
): Layer.Layer<TableauSession.TableauSession | Fake.FakeTableau, TableauSession.SignInError> =>
  Fake.sessionLayer({ ...options, recordBodies: true })

/** The requests sent so far whose URL contains `path` (and method, if given). */
export const sentTo = (path: string, method?: string): Effect.Effect<ReadonlyArray<Sent>, never, Fake.FakeTableau> =>
  Effect.map(Fake.requests, (log) =>
    log
      .filter((e) => e.url.includes(path) && (method === undefined || e.method === method))
      .map((e) => ({ method: e.method, url: e.url, contentType: e.contentType ?? "", body: e.body ?? "" })))

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
