/**
 * Build and version information of the server (TSC's `server_info`).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { CommonError, NotFound } from "./Errors.ts"
import * as SignIn from "./internal/signin.ts"
import { TableauSession } from "./TableauSession.ts"

export {
  /** Product version, build number and REST API version. */
  ServerInfoItem
} from "./internal/signin.ts"

/**
 * Reads the server's product version, build number and REST API version.
 * No sign-in is needed by the endpoint; it is read with the session's
 * version and HTTP client. REST: `GET /api/{v}/serverinfo`. Fails with
 * `NotFound` (404003, servers before 10.1) or a `CommonError`. Minimum API
 * version: 2.4.
 *
 * @example
 * ```ts
 * const info = yield* ServerInfo.get
 * console.log(info.productVersion, info.restApiVersion)
 * ```
 */
export const get: Effect.Effect<SignIn.ServerInfoItem, CommonError | NotFound, TableauSession> = Effect.flatMap(
  TableauSession,
  (session) => SignIn.serverInfo(session.httpClient, session.server, session.apiVersion, session.settings)
)
