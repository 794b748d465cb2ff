/**
 * Connections of workbooks and data sources (TSC's `ConnectionItem` and
 * `ConnectionCredentials`): what `Workbooks.connections` and
 * `Datasources.connections` return, what `updateConnection` changes, and
 * the credentials sent when publishing.
 *
 * Passwords are `Redacted`: they never show in logs, spans or errors.
 *
 * @since 0.1.0
 */
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { ConnectionId, DatasourceId } from "./Ids.ts"
import { type ClassOf, OptionalBoolean, OptionalString } from "./internal/schema.ts"

const ConnectionDatasourceFields = {
  id: DatasourceId,
  name: OptionalString
}

const ConnectionDatasourceBase: ClassOf<ConnectionDatasource, typeof ConnectionDatasourceFields> = Schema.Class<
  ConnectionDatasource
>("ConnectionDatasource")(ConnectionDatasourceFields)

/** `<datasource id name/>` inside a connection. */
export class ConnectionDatasource extends ConnectionDatasourceBase {}

const ConnectionItemFields = {
  id: ConnectionId,
  /** The connection type (TSC's `connection_type`), such as `sqlserver` or `postgres`. */
  type: OptionalString,
  serverAddress: OptionalString,
  serverPort: OptionalString,
  /** The user name the connection signs in with. */
  userName: OptionalString,
  embedPassword: OptionalBoolean,
  queryTaggingEnabled: OptionalBoolean,
  authenticationType: OptionalString,
  /** The data source the connection belongs to. */
  datasource: Schema.optional(ConnectionDatasource) as Schema.optional<typeof ConnectionDatasource>
}

const ConnectionItemBase: ClassOf<ConnectionItem, typeof ConnectionItemFields> = Schema.Class<ConnectionItem>(
  "ConnectionItem"
)(ConnectionItemFields)

/** A connection of a workbook or data source (`<connection>`). */
export class ConnectionItem extends ConnectionItemBase {}

/**
 * Credentials of a connection (TSC's `ConnectionCredentials(name, password,
 * embed=True, oauth=False)`).
 */
export interface ConnectionCredentials {
  /** The user name of the connection. */
  readonly name: string
  readonly password: Redacted.Redacted<string>
  /** Whether to embed the password in the workbook or data source (default true). */
  readonly embed?: boolean | undefined
  /** Whether the connection uses OAuth (publishing only; default false). */
  readonly oAuth?: boolean | undefined
}

/**
 * Builds connection credentials, wrapping the password in `Redacted`.
 *
 * @example
 * ```ts
 * const credentials = Connections.credentials("analyst", process.env.DB_PASSWORD!, { embed: true })
 * ```
 */
export const credentials = (
  name: string,
  password: string | Redacted.Redacted<string>,
  options: { readonly embed?: boolean; readonly oAuth?: boolean } = {}
): ConnectionCredentials => ({
  name,
  password: Redacted.isRedacted(password) ? password : Redacted.make(password),
  embed: options.embed ?? true,
  oAuth: options.oAuth ?? false
})

/** What `updateConnection` changes; what is left out stays as it is. */
export interface ConnectionUpdate {
  readonly serverAddress?: string | undefined
  readonly serverPort?: string | number | undefined
  /** New user name, password and whether to embed it. */
  readonly credentials?: ConnectionCredentials | undefined
  readonly queryTaggingEnabled?: boolean | undefined
}

/** A connection of a file being published, with its credentials. */
export interface PublishConnection {
  readonly serverAddress: string
  readonly serverPort?: string | number | undefined
  readonly credentials?: ConnectionCredentials | undefined
}
