/**
 * The unauthenticated and authentication calls the session is built from:
 * server info, sign-in, sign-out and switch site. They take the HTTP client
 * and settings explicitly because no session exists yet when they run.
 *
 * @internal
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type { Credentials } from "../Credentials.ts"
import type { CommonError, NotFound, SignInFailed } from "../Errors.ts"
import { SiteId, UserId } from "../Ids.ts"
import { type ClassOf, OptionalString, Text } from "./schema.ts"
import * as Transport from "./transport.ts"
import * as Xml from "./xml.ts"

/** Per-request settings the session applies to every call. */
export interface Settings {
  readonly timeout: Transport.Request["timeout"]
  readonly retry: Transport.RetryPolicy | false
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
  Transport.send(client, {
    operation: "ServerInfo.get",
    method: "GET",
    url: Transport.joinUrl(server, ["api", version, "serverinfo"]),
    pathTemplate: "/api/{v}/serverinfo",
    headers: { accept: "application/xml" },
    body: Transport.noBody,
    idempotent: true,
    timeout: settings.timeout,
    retry: settings.retry
  }).pipe(
    Effect.flatMap((response) =>
      Effect.flatMap(Transport.readText("ServerInfo.get", response), (body) => decodeServerInfo(response.status, body))
    ),
    Transport.narrow(["NotFound"]),
    Transport.withSpan("ServerInfo.get", "GET", "/api/{v}/serverinfo")
  )

/** What a sign-in returns. */
export interface Credentialed {
  readonly token: Redacted.Redacted<string>
  readonly siteId: SiteId
  readonly siteContentUrl: string
  readonly userId: UserId
}

const CredentialsResponse = Schema.Struct({
  tsResponse: Schema.Struct({
    credentials: Schema.Struct({
      token: Schema.String.pipe(Schema.minLength(1)),
      site: Schema.Struct({ id: SiteId, contentUrl: Schema.optionalWith(Schema.String, { default: () => "" }) }),
      user: Schema.optional(Schema.Struct({ id: UserId }))
    })
  })
})

const credentialsBody = (credentials: Credentials, contentUrl: string): string => {
  const site = Xml.el("site", { contentUrl })
  switch (credentials._tag) {
    case "Password":
      return Xml.render(
        Xml.el(
          "credentials",
          { name: credentials.username, password: Redacted.value(credentials.password) },
          site,
          credentials.impersonateUserId !== undefined && Xml.el("user", { id: credentials.impersonateUserId })
        )
      )
    case "PersonalAccessToken":
      return Xml.render(
        Xml.el("credentials", {
          personalAccessTokenName: credentials.name,
          personalAccessTokenSecret: Redacted.value(credentials.secret)
        }, site)
      )
    case "Jwt":
      return Xml.render(Xml.el("credentials", { jwt: Redacted.value(credentials.token) }, site))
  }
}

const credentialed = (
  operation: string,
  response: Effect.Effect<import("@effect/platform/HttpClientResponse").HttpClientResponse, Transport.SendError>
) =>
  response.pipe(
    Effect.flatMap((r) =>
      Transport.readText(operation, r).pipe(
        Effect.flatMap((body) => Transport.decodeXml(operation, r.status, body, CredentialsResponse))
      )
    ),
    Effect.map(({ tsResponse: { credentials } }): Credentialed => ({
      token: Redacted.make(credentials.token),
      siteId: credentials.site.id,
      siteContentUrl: credentials.site.contentUrl,
      // Older servers omit <user> on switchSite; keep the ID we had.
      userId: credentials.user?.id ?? ("" as UserId)
    }))
  )

/** The errors of a sign-in. */
export type SignInError = SignInFailed | CommonError

const onlySignInErrors = Transport.narrow(["SignInFailed"])

/** `POST /api/{v}/auth/signin`. */
export const signIn = (
  client: HttpClient.HttpClient,
  server: string,
  version: string,
  credentials: Credentials,
  contentUrl: string,
  settings: Settings
): Effect.Effect<Credentialed, SignInError> =>
  credentialed(
    "Auth.signIn",
    Transport.send(client, {
      operation: "Auth.signIn",
      method: "POST",
      url: Transport.joinUrl(server, ["api", version, "auth", "signin"]),
      pathTemplate: "/api/{v}/auth/signin",
      headers: { accept: "application/xml" },
      body: Transport.xmlBody(credentialsBody(credentials, contentUrl)),
      // A repeated sign-in creates one more session at worst: safe to replay.
      idempotent: true,
      timeout: settings.timeout,
      retry: settings.retry,
      signIn: true
    })
  ).pipe(onlySignInErrors, Transport.withSpan("Auth.signIn", "POST", "/api/{v}/auth/signin"))

/** `POST /api/{v}/auth/signout`. */
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
    timeout: settings.timeout,
    retry: false
  }).pipe(Effect.asVoid, Transport.withSpan("Auth.signOut", "POST", "/api/{v}/auth/signout"))

/** `POST /api/{v}/auth/switchSite` (API 2.6+). */
export const switchSite = (
  client: HttpClient.HttpClient,
  server: string,
  version: string,
  token: Redacted.Redacted<string>,
  contentUrl: string,
  settings: Settings
): Effect.Effect<Credentialed, SignInError> =>
  credentialed(
    "Auth.switchSite",
    Transport.send(client, {
      operation: "Auth.switchSite",
      method: "POST",
      url: Transport.joinUrl(server, ["api", version, "auth", "switchSite"]),
      pathTemplate: "/api/{v}/auth/switchSite",
      headers: { "x-tableau-auth": Redacted.value(token), accept: "application/xml" },
      body: Transport.xmlBody(Xml.render(Xml.el("site", { contentUrl }))),
      idempotent: true,
      timeout: settings.timeout,
      retry: settings.retry,
      signIn: true
    })
  ).pipe(onlySignInErrors, Transport.withSpan("Auth.switchSite", "POST", "/api/{v}/auth/switchSite"))
