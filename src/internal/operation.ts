/**
 * Operations as values: each REST endpoint is declared once, as an
 * `Operation` (name, method, scope, path template with named parameters,
 * minimum API version, documented errors with their Tableau codes, the
 * decoder of its answer). Everything else reads that value:
 *
 * - the public function runs it (`run`, `page`, `stream`), so its route,
 *   version gate and error narrowing cannot differ from the declaration;
 * - `docTrailer(op)` is the sentence its JSDoc must contain, checked by
 *   `test/contract.test.ts` (as are a fake route per operation and each
 *   version gate, on a session pinned just below it);
 * - the catalogue (`src/internal/catalogue.ts`) lists every operation for
 *   those tests.
 *
 * Declaring a list once yields both `getPage` and the `list` Stream.
 *
 * @internal
 */
import type * as Effect from "effect/Effect"
import type * as Stream from "effect/Stream"
import type { DeclaredErrorTag } from "../Errors.ts"
import type { Page, PageOptions, StreamOptions } from "../RequestOptions.ts"
import type { TableauSession } from "../TableauSession.ts"
import * as Endpoint from "./endpoint.ts"
import type * as Transport from "./transport.ts"
import type * as Xml from "./xml.ts"

/** The names of the `{param}` placeholders of a path template. */
export type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}` ? Name | ParamNames<Rest>
  : never

/** The parameters a path template needs: one string per placeholder. */
export type Params<P extends string> = { readonly [K in ParamNames<P>]: string }

/** Documented errors: each declared tag with the Tableau codes the reference lists for it. */
export type ErrorCodes<Tags extends DeclaredErrorTag> = { readonly [K in Tags]: ReadonlyArray<string> }

/**
 * `UnsupportedApiVersion` when the operation is newer than the oldest
 * version a session can use (2.0), so a gated call says so in its type.
 */
export type GateOf<V extends string> = V extends "2.0" ? never : "UnsupportedApiVersion"

/** One REST operation, declared once. */
export interface Operation<P extends string, A, Tags extends DeclaredErrorTag, V extends string = string> {
  /** `"Resource.function"`: the public function that runs it, such as `"Projects.update"`. */
  readonly name: string
  readonly method: Transport.Method
  /** `"site"` prefixes `sites/{siteId}/`; `"server"` does not. */
  readonly scope: "site" | "server"
  /** The API root (default `"rest"`: `/api/{v}/`; also `/api/exp/`, `/api/-/`, `/api/metadata/`). */
  readonly family?: Endpoint.Family | undefined
  /** What the endpoint answers (default `"xml"`); JSON error bodies are classified like XML ones. */
  readonly format?: "xml" | "json" | undefined
  /** Below the API root (and the site), such as `"projects/{projectId}"`. */
  readonly path: P
  /** Oldest REST API version the endpoint exists in; calls on older sessions fail before sending. */
  readonly minApiVersion: V
  readonly errors: ErrorCodes<Tags>
  readonly decoder: Endpoint.Decoder<A>
  /** Defaults to true for GET, PUT and DELETE, false for POST. */
  readonly idempotent?: boolean | undefined
  /** For a list: Tableau's filter and sort fields, for the docs and the contract tests. */
  readonly fields?: ReadonlyArray<string> | undefined
}

/** Any operation, as the catalogue and the contract tests see it. */
export interface AnyOperation {
  readonly name: string
  readonly method: Transport.Method
  readonly scope: "site" | "server"
  readonly family?: Endpoint.Family | undefined
  readonly format?: "xml" | "json" | undefined
  readonly path: string
  readonly minApiVersion: string
  readonly errors: Readonly<Record<string, ReadonlyArray<string>>>
  readonly decoder: Endpoint.Decoder<unknown>
  readonly idempotent?: boolean | undefined
  readonly fields?: ReadonlyArray<string> | undefined
}

/** A module's operations as tooling sees them (each module keeps its own precisely typed record). */
export type Operations = Readonly<Record<string, AnyOperation>>

/** Declares an operation; the `const` parameters keep the path and error tags literal. */
export const make = <const P extends string, A, const V extends string, const Tags extends DeclaredErrorTag = never>(
  operation: Operation<P, A, Tags, V>
): Operation<P, A, Tags, V> => operation

/** What a single call adds to its operation. */
export interface Request {
  readonly query?: Readonly<Record<string, string | undefined>> | undefined
  readonly body?: Xml.XmlElement | Transport.Body | undefined
  readonly headers?: Readonly<Record<string, string>> | undefined
  readonly spanAttributes?: Readonly<Record<string, string | number | boolean>> | undefined
}

/** The operation's path with `params` in place, each validated and encoded as one segment. */
export const pathOf = <P extends string>(template: P, params: Params<P>): Endpoint.Path => {
  const parts = template.split(/\{([^}]+)\}/)
  const strings = parts.filter((_, i) => i % 2 === 0)
  const values = parts.filter((_, i) => i % 2 === 1).map((name) => String((params as Record<string, string>)[name]))
  return Endpoint.path(Object.assign([...strings], { raw: strings }) as unknown as TemplateStringsArray, ...values)
}

/** The `Spec` the engine runs for one call of `operation`. */
export const specOf = <P extends string, A, Tags extends DeclaredErrorTag, V extends string>(
  operation: Operation<P, A, Tags, V>,
  params: Params<P>,
  request: Request = {}
): Endpoint.Spec<Tags | GateOf<V>> => ({
  operation: operation.name,
  method: operation.method,
  path: pathOf(operation.path, params),
  scope: operation.scope,
  family: operation.family,
  format: operation.format,
  query: request.query,
  body: request.body,
  headers: request.headers,
  errors: [...Object.keys(operation.errors), "UnsupportedApiVersion"] as Array<Tags | GateOf<V>>,
  minApiVersion: operation.minApiVersion,
  idempotent: operation.idempotent,
  spanAttributes: request.spanAttributes
})

/** Runs an operation once. */
export const run = <P extends string, A, Tags extends DeclaredErrorTag, V extends string>(
  operation: Operation<P, A, Tags, V>,
  params: Params<P>,
  request?: Request
): Effect.Effect<A, Endpoint.ErrorOf<Tags | GateOf<V>>, TableauSession> =>
  Endpoint.call(specOf(operation, params, request), operation.decoder)

/** One page of a list operation. */
export const page = <P extends string, A, Tags extends DeclaredErrorTag, V extends string>(
  operation: Operation<P, Page<A>, Tags, V>,
  params: Params<P>,
  options?: PageOptions,
  request?: Request
): Effect.Effect<Page<A>, Endpoint.ErrorOf<Tags | GateOf<V>>, TableauSession> =>
  Endpoint.page(specOf(operation, params, request), operation.decoder, options)

/** Every item of a list operation, page after page. */
export const stream = <P extends string, A, Tags extends DeclaredErrorTag, V extends string>(
  operation: Operation<P, Page<A>, Tags, V>,
  params: Params<P>,
  options?: StreamOptions,
  request?: Request
): Stream.Stream<A, Endpoint.ErrorOf<Tags | GateOf<V>>, TableauSession> =>
  Endpoint.stream(specOf(operation, params, request), operation.decoder, options)

/** The REST route as the docs write it: `` `PUT /api/{v}/sites/{siteId}/projects/{projectId}` ``. */
export const route = (operation: AnyOperation): string =>
  `${operation.method} /api/${familyRoot[operation.family ?? "rest"]}/${
    operation.scope === "site" ? "sites/{siteId}/" : ""
  }${operation.path}`

const familyRoot: Record<Endpoint.Family, string> = { rest: "{v}", exp: "exp", versionless: "-", metadata: "metadata" }

/**
 * The facts an operation's JSDoc must state, each as it must appear: the
 * route in backticks, every declared error with its codes
 * (`` `NotFound` (404005) ``), `UnsupportedApiVersion` when it is gated
 * above 2.0, and `Minimum API version: 2.0`.
 */
export const docFacts = (operation: AnyOperation): ReadonlyArray<string> => [
  `\`${route(operation)}\``,
  ...Object.entries(operation.errors).map(([tag, codes]) =>
    codes.length === 0 ? `\`${tag}\`` : `\`${tag}\` (${codes.join(", ")}`
  ),
  ...(operation.minApiVersion === "2.0" ? [] : ["`UnsupportedApiVersion`"]),
  `Minimum API version: ${operation.minApiVersion}`
]
