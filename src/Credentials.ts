/**
 * How a session proves who it is: a username and password, a personal
 * access token, or a JWT from a connected app.
 *
 * Secrets are held as `Redacted`: printing, logging or serialising a
 * credential shows `<redacted>` in their place.
 *
 * @example
 * ```ts
 * import * as Redacted from "effect/Redacted"
 * import { Credentials } from "effect-tableau"
 *
 * const pat = Credentials.personalAccessToken({ name: "automation", secret: Redacted.make("s3cr3t") })
 * ```
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Redacted from "effect/Redacted"
import type { UserId } from "./Ids.ts"

const PasswordBase: ReturnType<typeof Data.TaggedClass<"Password">> = Data.TaggedClass("Password")

/** Sign in with a username and password (optionally impersonating another user). Minimum API version: 2.0. */
export class Password extends PasswordBase<{
  readonly username: string
  readonly password: Redacted.Redacted<string>
  readonly impersonateUserId: UserId | undefined
}> {}

const PersonalAccessTokenBase: ReturnType<typeof Data.TaggedClass<"PersonalAccessToken">> = Data.TaggedClass(
  "PersonalAccessToken"
)

/** Sign in with a personal access token (name and secret). Minimum API version: 3.6. */
export class PersonalAccessToken extends PersonalAccessTokenBase<{
  readonly name: string
  readonly secret: Redacted.Redacted<string>
}> {}

const JwtBase: ReturnType<typeof Data.TaggedClass<"Jwt">> = Data.TaggedClass("Jwt")

/** Sign in with a JWT issued for a Tableau connected app. Minimum API version: 3.16. */
export class Jwt extends JwtBase<{
  readonly token: Redacted.Redacted<string>
}> {}

/** Any of the supported credentials. */
export type Credentials = Password | PersonalAccessToken | Jwt

const secret = (value: string | Redacted.Redacted<string>): Redacted.Redacted<string> =>
  Redacted.isRedacted(value) ? value : Redacted.make(value)

/**
 * Username and password credentials (Tableau Server; Tableau Cloud with
 * TableauID). REST: `POST /api/{v}/auth/signin`.
 *
 * @example
 * ```ts
 * Credentials.password({ username: "admin", password: Redacted.make("admin") })
 * ```
 */
export const password = (options: {
  readonly username: string
  readonly password: string | Redacted.Redacted<string>
  readonly impersonateUserId?: UserId | undefined
}): Password =>
  new Password({
    username: options.username,
    password: secret(options.password),
    impersonateUserId: options.impersonateUserId
  })

/**
 * Personal access token credentials. A token allows one session at a time,
 * which is why a `TableauSession` layer signs in once and shares it.
 * REST: `POST /api/{v}/auth/signin`. Minimum API version: 3.6.
 *
 * @example
 * ```ts
 * Credentials.personalAccessToken({ name: "ci", secret: Redacted.make(process.env.PAT!) })
 * ```
 */
export const personalAccessToken = (options: {
  readonly name: string
  readonly secret: string | Redacted.Redacted<string>
}): PersonalAccessToken => new PersonalAccessToken({ name: options.name, secret: secret(options.secret) })

/**
 * Connected-app JWT credentials. REST: `POST /api/{v}/auth/signin`.
 * Minimum API version: 3.16.
 *
 * @example
 * ```ts
 * Credentials.jwt({ token: Redacted.make(signedJwt) })
 * ```
 */
export const jwt = (options: { readonly token: string | Redacted.Redacted<string> }): Jwt =>
  new Jwt({ token: secret(options.token) })
