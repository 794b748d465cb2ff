/**
 * The unauthenticated and authentication calls the session is built from:
 * server info, sign-in, sign-out and switch site. They take the HTTP client
 * and settings explicitly because no session exists yet when they run.
 *
 * @internal
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type { Credentials } from "../Credentials.ts"
import { type CommonError, InvalidRequest, type NotFound, type SignInFailed } from "../Errors.ts"
import { SiteId, UserId } from "../Ids.ts"
import { type ClassOf, OptionalString, Text } from "./schema.ts"
import * as Transport from "./transport.ts"
import * as Xml from "./xml.ts"

/** Per-request settings the session applies to every call. */
export interface Settings {
  /** Time allowed for one request: the whole exchange, headers and body. */
  readonly timeout: Duration.DurationInput
  /** Time allowed for one call across all its retries. */
  readonly deadline: Duration.DurationInput
  /** Longest pause in a download's bytes. */
  readonly idleTimeout: Duration.DurationInput
  /** Largest answer read into memory, in bytes. */
  readonly maxResponseBytes: number
  readonly retry: Transport.RetryPolicy | false
  /** Hosts a sign-in may be redirected to, besides the server's own origin. */
  readonly signInRedirectHosts: ReadonlyArray<string>
}

/** The request settings of `settings`, as `Transport.Request` fields. */
const limits = (settings: Settings) => ({
  timeout: settings.timeout,
  deadline: settings.deadline,
  maxResponseBytes: settings.maxResponseBytes,
  retry: settings.retry,
  redirectHosts: settings.signInRedirectHosts
})

/**
 * Hosts a sign-in may be redirected to when the caller names none: Tableau
 * Cloud answers a sign-in at `online.tableau.com` (or a pod) with a 301 to
 * the pod of the site (`prod-useast-a.online.tableau.com`, ...), so for a
 * server under `online.tableau.com` any host under it is allowed (https
 * only: the redirect rule never sends a sign-in from https to http).
 */
export const defaultSignInRedirectHosts = (server: string): ReadonlyArray<string> => {
  const host = new URL(server).hostname.toLowerCase()
  return host === "online.tableau.com" || host.endsWith(".online.tableau.com")
    ? ["online.tableau.com", "*.online.tableau.com"]
    : []
}

const invalid = (reason: string) => new InvalidRequest({ operation: "TableauSession.make", reason })

/** The server URL without a trailing slash, or why it is unusable (nothing is sent then). */
export const validServer = (server: string): Effect.Effect<string, InvalidRequest> => {
  const trimmed = server.trim().replace(/\/+$/, "")
  let url: URL
  try {
    url = new URL(trimmed)
  } catch {
    return Effect.fail(
      invalid(`the server URL "${server}" is not a URL: write it with its scheme, like https://${trimmed}`)
    )
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Effect.fail(invalid(`the server URL "${server}" must start with https:// (or http://)`))
  }
  if (url.username !== "" || url.password !== "") {
    return Effect.fail(invalid("the server URL must not contain a user name or password: pass them as credentials"))
  }
  if (url.search !== "" || url.hash !== "") {
    return Effect.fail(invalid(`the server URL "${url.origin}${url.pathname}" must not have a query or fragment`))
  }
  return Effect.succeed(trimmed)
}

const positiveDuration = (name: string, value: Duration.DurationInput | undefined, fallback: Duration.Duration) => {
  if (value === undefined) return Effect.succeed(fallback)
  const decoded = Duration.decodeUnknown(value)
  return Option.isSome(decoded) && Duration.greaterThan(decoded.value, Duration.zero)
    ? Effect.succeed(decoded.value)
    : Effect.fail(invalid(`${name} must be a positive duration, got ${String(value)}`))
}

/** What callers may set of {@link Settings}; the rest has defaults. */
export interface SettingsInput {
  readonly timeout?: Duration.DurationInput | undefined
  readonly deadline?: Duration.DurationInput | undefined
  readonly idleTimeout?: Duration.DurationInput | undefined
  readonly maxResponseBytes?: number | undefined
  readonly retry?: Transport.RetryPolicy | false | undefined
  readonly signInRedirectHosts?: ReadonlyArray<string> | undefined
}

/**
 * The settings of `input` with their defaults, checked: timeout 30 s,
 * deadline 3 × timeout, idle timeout = timeout, 32 MiB, the default retry
 * policy, and the default sign-in redirect hosts of `server`.
 */
export const settingsOf = (input: SettingsInput, server: string): Effect.Effect<Settings, InvalidRequest> =>
  Effect.gen(function*() {
    const timeout = yield* positiveDuration("timeout", input.timeout, Transport.DEFAULT_TIMEOUT)
    const maxResponseBytes = input.maxResponseBytes ?? Transport.DEFAULT_MAX_RESPONSE_BYTES
    if (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 1) {
      return yield* invalid(`maxResponseBytes must be a whole number of at least 1, got ${maxResponseBytes}`)
    }
    return {
      timeout,
      deadline: yield* positiveDuration(
        "deadline",
        input.deadline,
        Duration.times(timeout, Transport.DEFAULT_DEADLINE_FACTOR)
      ),
      idleTimeout: yield* positiveDuration("idleTimeout", input.idleTimeout, timeout),
      maxResponseBytes,
      retry: input.retry ?? Transport.defaultRetryPolicy,
      signInRedirectHosts: input.signInRedirectHosts ?? defaultSignInRedirectHosts(server)
    }
  })

/** The secret values of some credentials, masked in every error. */
export const secretsOf = (credentials: Credentials): ReadonlyArray<string> => {
  switch (credentials._tag) {
    case "Password":
      return [Redacted.value(credentials.password)]
    case "PersonalAccessToken":
      return [Redacted.value(credentials.secret)]
    case "Jwt":
      return [Redacted.value(credentials.token)]
  }
}

/** The base URL of an API URL (the part before `/api/`): where a redirected sign-in landed. */
const baseOf = (url: string): string => {
  const at = url.indexOf("/api/")
  return at === -1 ? new URL(url).origin : url.slice(0, at)
}

/** `<productVersion build="...">2023.1.0</productVersion>` */
const ProductVersion: Schema.Union<[
  Schema.Struct<{ "#text": typeof Schema.String; build: Schema.optional<typeof Schema.String> }>,
  typeof Schema.String
]> = Schema.Union(
  Schema.Struct({ "#text": Schema.String, build: Schema.optional(Schema.String) }),
  Schema.String
)

/** The version text of `<productVersion>`, with or without its `build` attribute. */
const ProductVersionText: Schema.transform<typeof ProductVersion, typeof Schema.String> = Schema.transform(
  ProductVersion,
  Schema.String,
  {
    strict: false,
    decode: (v) => (typeof v === "string" ? v : v["#text"]),
    encode: (v) => v
  }
)

const ServerInfoItemFields = {
  productVersion: ProductVersionText,
  buildNumber: OptionalString,
  restApiVersion: Text
}

const ServerInfoItemBase: ClassOf<
  ServerInfoItem,
  typeof ServerInfoItemFields
> = Schema.Class<ServerInfoItem>("ServerInfoItem")(ServerInfoItemFields)

/** The build and version information of a Tableau Server or Tableau Cloud. */
export class ServerInfoItem extends ServerInfoItemBase {}

const ServerInfoResponse = Schema.Struct({
  tsResponse: Schema.Struct({
    serverInfo: Schema.Struct({
      productVersion: ProductVersion,
      restApiVersion: Text
    })
  })
})

/** Decodes a `serverinfo` response. */
export const decodeServerInfo = (status: number, body: string) =>
  Effect.map(
    Transport.decodeXml("ServerInfo.get", status, body, ServerInfoResponse),
    ({ tsResponse: { serverInfo: info } }) =>
      new ServerInfoItem({
        productVersion: typeof info.productVersion === "string" ? info.productVersion : info.productVersion["#text"],
        buildNumber: typeof info.productVersion === "string" ? undefined : info.productVersion.build,
        restApiVersion: info.restApiVersion
      })
  )

/** Reads `GET /api/{version}/serverinfo` (no sign-in needed since API 2.4). */
export const serverInfo = (
  client: HttpClient.HttpClient,
  server: string,
  version: string,
  settings: Settings
): Effect.Effect<ServerInfoItem, CommonError | NotFound> =>
  Transport.exchange(
    client,
    {
      operation: "ServerInfo.get",
      method: "GET",
      url: Transport.joinUrl(server, ["api", version, "serverinfo"]),
      pathTemplate: "/api/{v}/serverinfo",
      headers: { accept: "application/xml" },
      body: Transport.noBody,
      idempotent: true,
      ...limits(settings)
    },
    (response) =>
      Effect.map(
        Transport.readBody({ operation: "ServerInfo.get", idempotent: true, ...limits(settings) }, response),
        (body) => [response.status, body] as const
      )
  ).pipe(
    Effect.flatMap(([status, body]) => decodeServerInfo(status, body)),
    Transport.narrow(["NotFound"]),
    Transport.withSpan("ServerInfo.get", "GET", "/api/{v}/serverinfo")
  )

/** What a sign-in returns. */
export interface Credentialed {
  readonly token: Redacted.Redacted<string>
  readonly siteId: SiteId
  readonly siteContentUrl: string
  readonly userId: UserId
  /** The base URL the sign-in was answered at: the server's, or where an allowed redirect led (a Tableau Cloud pod). */
  readonly server: string
}

/** A token is an opaque non-blank string. */
const Token = Schema.String.pipe(
  Schema.filter((token) => token.trim().length > 0 || "the sign-in answered a blank token")
)

const CredentialsResponse = Schema.Struct({
  tsResponse: Schema.Struct({
    credentials: Schema.Struct({
      token: Token,
      site: Schema.Struct({ id: SiteId, contentUrl: Schema.optionalWith(Schema.String, { default: () => "" }) }),
      user: Schema.optional(Schema.Struct({ id: UserId }))
    })
  })
})

/** The `<credentials>` element of a sign-in. */
const credentialsElement = (credentials: Credentials, contentUrl: string): Xml.XmlElement => {
  const site = Xml.el("site", { contentUrl })
  switch (credentials._tag) {
    case "Password":
      return Xml.el(
        "credentials",
        { name: credentials.username, password: Redacted.value(credentials.password) },
        site,
        credentials.impersonateUserId !== undefined && Xml.el("user", { id: credentials.impersonateUserId })
      )
    case "PersonalAccessToken":
      return Xml.el("credentials", {
        personalAccessTokenName: credentials.name,
        personalAccessTokenSecret: Redacted.value(credentials.secret)
      }, site)
    case "Jwt":
      return Xml.el("credentials", { jwt: Redacted.value(credentials.token) }, site)
  }
}

/**
 * Sends a sign-in or site switch and decodes the credentials it answers;
 * every error has `secrets` (and the answered token) masked.
 */
const credentialed = (
  client: HttpClient.HttpClient,
  request: Transport.Request,
  settings: Settings,
  secrets: ReadonlyArray<string>
): Effect.Effect<Credentialed, Transport.SendError> =>
  Transport.exchange(client, request, (response) =>
    Effect.map(
      Transport.readBody({ ...request, ...limits(settings) }, response),
      (body) => ({ status: response.status, body, url: response.request.url })
    )).pipe(
      Effect.flatMap(({ body, status, url }) =>
        Effect.map(
          Transport.decodeXml(request.operation, status, body, CredentialsResponse),
          ({ tsResponse: { credentials } }): Credentialed => ({
            token: Redacted.make(credentials.token),
            siteId: credentials.site.id,
            siteContentUrl: credentials.site.contentUrl,
            // Older servers omit <user> on switchSite; keep the ID we had.
            userId: credentials.user?.id ?? ("" as UserId),
            server: baseOf(url)
          })
        )
      ),
      Effect.mapError((error) => Transport.redactError(error, secrets))
    )

/** The errors of a sign-in. */
export type SignInError = SignInFailed | CommonError

const onlySignInErrors = Transport.narrow(["SignInFailed"])

/** `POST /api/{v}/auth/signin`; a redirect is followed only to the hosts `settings` allow. */
export const signIn = (
  client: HttpClient.HttpClient,
  server: string,
  version: string,
  credentials: Credentials,
  contentUrl: string,
  settings: Settings
): Effect.Effect<Credentialed, SignInError> => {
  const body = credentialsElement(credentials, contentUrl)
  return Effect.zipRight(Transport.refuseInvalidXml("Auth.signIn", body), credentialed(client, {
    operation: "Auth.signIn",
    method: "POST",
    url: Transport.joinUrl(server, ["api", version, "auth", "signin"]),
    pathTemplate: "/api/{v}/auth/signin",
    headers: { accept: "application/xml" },
    body: Transport.xmlBody(Xml.render(body)),
    // A repeated sign-in creates one more session at worst: safe to replay.
    idempotent: true,
    ...limits(settings),
    signIn: true
  }, settings, secretsOf(credentials))).pipe(
    onlySignInErrors,
    Transport.withSpan("Auth.signIn", "POST", "/api/{v}/auth/signin")
  )
}

/** The longest a sign-out may hold up the end of a program. */
const SIGN_OUT_BOUND = 10_000

/**
 * Acquires with `acquire` (interruptible: a sign-in that never answers ends
 * with its timeout or the caller's interruption) and registers `release` in
 * the scope as soon as it succeeded, with no gap in which an interruption
 * could lose the release.
 */
export const acquireInterruptible = <A, E, R, R2>(
  acquire: Effect.Effect<A, E, R>,
  release: (a: A) => Effect.Effect<void, never, R2>
): Effect.Effect<A, E, R | R2 | Scope.Scope> =>
  Effect.uninterruptibleMask((restore) => Effect.tap(restore(acquire), (a) => Effect.addFinalizer(() => release(a))))

/**
 * `POST /api/{v}/auth/signout`: one attempt, bounded by the timeout and by
 * 10 s, interruptible even in a finalizer; failures are ignored (the token
 * expires on its own).
 */
export const signOut = (
  client: HttpClient.HttpClient,
  server: string,
  version: string,
  token: Redacted.Redacted<string>,
  settings: Settings
): Effect.Effect<void, Transport.SendError> =>
  Transport.send(client, {
    operation: "Auth.signOut",
    method: "POST",
    url: Transport.joinUrl(server, ["api", version, "auth", "signout"]),
    pathTemplate: "/api/{v}/auth/signout",
    headers: { "x-tableau-auth": Redacted.value(token) },
    body: Transport.noBody,
    idempotent: true,
    ...limits(settings),
    timeout: Math.min(Duration.toMillis(settings.timeout), SIGN_OUT_BOUND),
    deadline: Math.min(Duration.toMillis(settings.timeout), SIGN_OUT_BOUND),
    retry: false
  }).pipe(
    Effect.mapError((error) => Transport.redactError(error, [Redacted.value(token)])),
    Effect.asVoid,
    Transport.withSpan("Auth.signOut", "POST", "/api/{v}/auth/signout")
  )

/** `POST /api/{v}/auth/switchSite` (API 2.6+). */
export const switchSite = (
  client: HttpClient.HttpClient,
  server: string,
  version: string,
  token: Redacted.Redacted<string>,
  contentUrl: string,
  settings: Settings,
  secrets: ReadonlyArray<string>
): Effect.Effect<Credentialed, SignInError> =>
  Effect.zipRight(Transport.refuseInvalidXml("Auth.switchSite", Xml.el("site", { contentUrl })), credentialed(client, {
    operation: "Auth.switchSite",
    method: "POST",
    url: Transport.joinUrl(server, ["api", version, "auth", "switchSite"]),
    pathTemplate: "/api/{v}/auth/switchSite",
    headers: { "x-tableau-auth": Redacted.value(token), accept: "application/xml" },
    body: Transport.xmlBody(Xml.render(Xml.el("site", { contentUrl }))),
    idempotent: true,
    ...limits(settings),
    // Only a sign-in may land on another host; a switch stays where the token is.
    redirectHosts: [],
    signIn: true
  }, settings, [Redacted.value(token), ...secrets])).pipe(
    onlySignInErrors,
    Transport.withSpan("Auth.switchSite", "POST", "/api/{v}/auth/switchSite")
  )
