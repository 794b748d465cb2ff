/**
 * Sign in, sign out and switch site (TSC's `auth`).
 *
 * Most programs never call these: `TableauSession.layer` signs in when it
 * is built and out when it is released. `signIn` is for programs that want
 * a token of their own (to hand to another tool, say), scoped so that it is
 * signed out when the scope closes.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { Credentials } from "./Credentials.ts"
import * as SignIn from "./internal/signin.ts"
import * as Session from "./TableauSession.ts"

/** What a sign-in returns: the token (redacted when printed), site and user. */
export type Credentialed = SignIn.Credentialed

/**
 * Signs in and returns the token, site and user; signs out when the scope
 * closes. REST: `POST /api/{v}/auth/signin`, then `POST /api/{v}/auth/signout`.
 * Fails with `SignInFailed` (wrong credentials, unknown site) or a
 * `CommonError`. Minimum API version: 2.0 (personal access tokens 3.6, JWT 3.16).
 *
 * @example
 * ```ts
 * const signedIn = yield* Auth.signIn({
 *   server: "https://tableau.example.com",
 *   apiVersion: "3.21",
 *   credentials: Credentials.password({ username: "admin", password: "admin" })
 * })
 * ```
 */
export const signIn = (options: {
  readonly server: string
  readonly apiVersion: string
  readonly credentials: Credentials
  readonly site?: string | undefined
  /** Time allowed for each request, headers and body (default 30 s). */
  readonly timeout?: Duration.DurationInput | undefined
  /** Hosts the sign-in may be redirected to; see `TableauSession.Options`. */
  readonly signInRedirectHosts?: ReadonlyArray<string> | undefined
}): Effect.Effect<Credentialed, Session.SignInError, HttpClient.HttpClient | Scope.Scope> =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const server = yield* SignIn.validServer(options.server)
    const settings = yield* SignIn.settingsOf(options, server)
    return yield* SignIn.acquireInterruptible(
      SignIn.signIn(client, server, options.apiVersion, options.credentials, options.site ?? "", settings),
      (c) => SignIn.signOut(client, c.server, options.apiVersion, c.token, settings).pipe(Effect.ignore)
    )
  })

/**
 * Switches the current session to another site; the same as
 * `TableauSession.switchSite`. REST: `POST /api/{v}/auth/switchSite`.
 * Fails with `SignInFailed` or a `CommonError`. Minimum API version: 2.6.
 *
 * @example
 * ```ts
 * yield* Auth.switchSite("finance")
 * ```
 */
export const switchSite = Session.switchSite

/**
 * The current sign-in of the session (site, user, token).
 *
 * @example
 * ```ts
 * const { siteId, userId } = yield* Auth.current
 * ```
 */
export const current = Session.current
