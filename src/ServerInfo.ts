/**
 * Build and version information of the server (TSC's `server_info`).
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import type { CommonError, NotFound, UnsupportedApiVersion } from "./Errors.ts"
import type * as Endpoint from "./internal/endpoint.ts"
import * as Operation from "./internal/operation.ts"
import * as SignIn from "./internal/signin.ts"
import type { TableauSession } from "./TableauSession.ts"

export {
  /** Product version, build number and REST API version. */
  ServerInfoItem
} from "./internal/signin.ts"

const serverInfo: Endpoint.Decoder<SignIn.ServerInfoItem> = {
  decode: (_, status, body) => SignIn.decodeServerInfo(status, body)
}

/**
 * The REST operations this module runs, as data: the route, minimum API
 * version and documented errors of `get`, declared once and read by the
 * function, its docs and the contract tests. (`fromServer` reads the same
 * endpoint without a session, so it cannot run through a session's
 * operations; it keeps its own request.) For tooling; call the functions.
 *
 * @since 0.1.0
 * @category operations
 */
export const operations: {
  readonly get: Operation.Operation<"serverinfo", SignIn.ServerInfoItem, "NotFound", "2.4">
} = {
  get: Operation.make({
    name: "ServerInfo.get",
    method: "GET",
    scope: "server",
    path: "serverinfo",
    // Server Info came with API 2.4 (Tableau Server 10.1); older servers answer 404003.
    minApiVersion: "2.4",
    errors: { NotFound: ["404003"] },
    decoder: serverInfo
  })
}

/**
 * Reads the server's product version, build number and REST API version,
 * with the session's version, sign-in and HTTP client (the endpoint itself
 * needs no sign-in: see `fromServer`). REST: `GET /api/{v}/serverinfo`.
 * Fails with `NotFound` (404003, servers before 10.1),
 * `UnsupportedApiVersion` (a session pinned below 2.4) or a `CommonError`.
 * Minimum API version: 2.4.
 *
 * @since 0.1.0
 * @category reading
 * @example
 * ```ts
 * const info = yield* ServerInfo.get
 * console.log(info.productVersion, info.restApiVersion)
 * ```
 */
export const get: Effect.Effect<
  SignIn.ServerInfoItem,
  CommonError | NotFound | UnsupportedApiVersion,
  TableauSession
> = Operation.run(operations.get, {})

/** Options of {@link fromServer}. */
export interface FromServerOptions extends SignIn.SettingsInput {
  /** The server's URL, such as `https://tableau.example.com`. */
  readonly server: string
  /** The version in the URL (default `"2.4"`, the oldest that answers without a sign-in). */
  readonly apiVersion?: string | undefined
}

/**
 * Reads the server's product version, build number and REST API version
 * without a session: the server URL and an `HttpClient` are enough, since
 * the endpoint needs no sign-in (TSC's `server_info.get` before signing
 * in, to pick a version). REST: `GET /api/{v}/serverinfo` (`/api/2.4/`
 * unless `apiVersion` says otherwise). Fails with `InvalidRequest` (a
 * server URL that is not http(s)), `NotFound` (404003, servers before
 * 10.1) or a `CommonError`. Minimum API version: 2.4.
 *
 * @since 0.1.0
 * @category reading
 * @example
 * ```ts
 * const info = yield* ServerInfo.fromServer({ server: "https://tableau.example.com" })
 * console.log(info.restApiVersion)
 * ```
 */
export const fromServer = (
  options: FromServerOptions
): Effect.Effect<SignIn.ServerInfoItem, CommonError | NotFound, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const server = yield* SignIn.validServer(options.server)
    const settings = yield* SignIn.settingsOf(options, server)
    return yield* SignIn.serverInfo(client, server, options.apiVersion ?? "2.4", settings)
  })
