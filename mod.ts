/**
 * effect-tableau: the Effect-native client for the Tableau Server and
 * Tableau Cloud REST API.
 *
 * Every resource is a namespace of Effects and Streams that need a
 * `TableauSession`; every failure is a typed error (see `Errors`).
 *
 * @example
 * ```ts
 * import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
 * import * as Effect from "effect/Effect"
 * import * as Layer from "effect/Layer"
 * import * as Stream from "effect/Stream"
 * import { Credentials, Sites, TableauSession } from "effect-tableau"
 *
 * const Tableau = TableauSession.layer({
 *   server: "https://tableau.example.com",
 *   credentials: Credentials.password({ username: "admin", password: "admin" })
 * }).pipe(Layer.provide(FetchHttpClient.layer))
 *
 * const names = Sites.list().pipe(Stream.map((s) => s.name), Stream.runCollect)
 * Effect.runPromise(Effect.provide(names, Tableau)).then(console.log)
 * ```
 *
 * @module
 */
export * as Auth from "./src/Auth.ts"
export * as Connections from "./src/Connections.ts"
export * as Content from "./src/Content.ts"
export * as Credentials from "./src/Credentials.ts"
export * as Datasources from "./src/Datasources.ts"
export * as Errors from "./src/Errors.ts"
export * as Groups from "./src/Groups.ts"
export * as GroupSets from "./src/GroupSets.ts"
export * as Ids from "./src/Ids.ts"
export * as Jobs from "./src/Jobs.ts"
export * as Permissions from "./src/Permissions.ts"
export * as Progress from "./src/Progress.ts"
export * as Projects from "./src/Projects.ts"
export * as Raw from "./src/Raw.ts"
export * as RequestOptions from "./src/RequestOptions.ts"
export * as Schedules from "./src/Schedules.ts"
export * as ServerInfo from "./src/ServerInfo.ts"
export * as Sites from "./src/Sites.ts"
export * as Tags from "./src/Tags.ts"
export * as TableauSession from "./src/TableauSession.ts"
export * as UserCsv from "./src/UserCsv.ts"
export * as Users from "./src/Users.ts"
export * as Views from "./src/Views.ts"
export * as Workbooks from "./src/Workbooks.ts"
