/**
 * `effect-tableau fake-server`: serves the in-memory fake Tableau server
 * (the one in `effect-tableau/testing`) over HTTP until Ctrl-C, with seed
 * sizes, latency and fault injection, and prints where it listens, how to
 * sign in, and the `TABLEAU_*` lines that point a program at it.
 *
 * @internal
 */
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Console from "effect/Console"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as FakeContent from "../internal/fake/content.ts"
import { listen } from "../internal/fake/node.ts"
import { routes } from "../internal/fake/routes/index.ts"
import * as Server from "../internal/fake/server.ts"

/** The server could not start (port in use, no permission, unknown host). */
export class StartFailed extends Data.TaggedError("StartFailed")<{ readonly message: string }> {}

const invalid = (message: string) => Effect.fail(ValidationError.invalidValue(HelpDoc.p(message)))

/**
 * A number option, checked here rather than by `Options.integer`, whose
 * message does not name the flag (`'lots' is not a integer`).
 */
const numberOption = (
  name: string,
  fallback: number,
  description: string,
  check: { readonly whole: boolean; readonly min: number; readonly max?: number | undefined }
) => {
  const range = `${check.whole ? "a whole number" : "a number"} ${
    check.max === undefined ? `of ${check.min} or more` : `from ${check.min} to ${check.max}`
  }`
  return Options.text(name).pipe(
    Options.withPseudoName(check.whole ? "n" : "x"),
    Options.mapEffect((text) => {
      const n = text.trim() === "" ? Number.NaN : Number(text)
      return (check.whole ? Number.isSafeInteger(n) : Number.isFinite(n)) && n >= check.min &&
          (check.max === undefined || n <= check.max)
        ? Effect.succeed(n)
        : invalid(`--${name} must be ${range}, got '${text}'`)
    }),
    Options.withDefault(fallback),
    Options.withDescription(`${description} Default: ${fallback}.`)
  )
}

/** A whole number option from `min` (up to `max`), with a default. */
const count = (name: string, fallback: number, description: string, min = 0, max?: number) =>
  numberOption(name, fallback, description, { whole: true, min, max })

/** The flags of `fake-server`. */
export const flags = {
  port: count("port", 8900, "Port to listen on (0: any free port).", 0, 65535),
  host: Options.text("host").pipe(
    Options.withPseudoName("address"),
    Options.withDefault("127.0.0.1"),
    Options.withDescription("Address to listen on. Default: 127.0.0.1.")
  ),
  users: count("users", 0, "Users on the default site besides the admin."),
  sites: count("sites", 0, "Sites besides the default site (site1, site2, ...)."),
  projects: count("projects", 0, "Projects to seed on the default site, with workbooks, views and data sources (0: none)."),
  workbooksPerProject: count("workbooks-per-project", 2, "Workbooks per seeded project."),
  viewsPerWorkbook: count("views-per-workbook", 2, "Views per seeded workbook."),
  datasourcesPerProject: count("datasources-per-project", 1, "Data sources per seeded project."),
  groups: count("groups", 0, "Groups to create on the default site."),
  apiVersion: Options.text("api-version").pipe(
    Options.withPseudoName("version"),
    Options.mapEffect((v) => /^\d+\.\d+$/.test(v) ? Effect.succeed(v) : invalid(`--api-version must look like 3.24, got '${v}'`)),
    Options.withDefault("3.24"),
    Options.withDescription("REST API version the server reports. Default: 3.24.")
  ),
  latency: count("latency", 0, "Delay before every answer, in ms."),
  errorRate: numberOption("error-rate", 0, "Fraction of requests (0 to 1) answered 503 or 429, alternating.", {
    whole: false,
    min: 0,
    max: 1
  }),
  retryAfter: count("retry-after", 0, "Retry-After seconds sent with those answers."),
  resetEvery: count("reset-every", 0, "Reset the connection of every Nth request (0: never)."),
  htmlFaults: Options.boolean("html-faults").pipe(
    Options.withDescription("Send fault answers as HTML pages (as a proxy would), not Tableau XML. Default: off.")
  ),
  seed: count("seed", 1, "Seed of the ID and fault generators.")
}

/** The parsed flags. */
export type Flags = Command.Command.ParseConfig<typeof flags>

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`

/** What the server was started with, for the banner. */
const describeContent = (f: Flags): string => {
  const parts = [`default site "" with the admin${f.users > 0 ? ` and ${plural(f.users, "user")}` : ""}`]
  if (f.sites > 0) parts.push(`${plural(f.sites, "more site")} (site1${f.sites > 1 ? ` to site${f.sites}` : ""})`)
  if (f.projects > 0) {
    parts.push(
      `${plural(f.projects, "project")}, each with ${plural(f.workbooksPerProject, "workbook")} ` +
        `(${plural(f.viewsPerWorkbook, "view")} each) and ${plural(f.datasourcesPerProject, "data source")}`
    )
  }
  if (f.groups > 0) parts.push(plural(f.groups, "group"))
  return parts.join("; ")
}

const describeFaults = (f: Flags): string => {
  const parts = [
    ...(f.latency > 0 ? [`latency ${f.latency} ms`] : []),
    ...(f.errorRate > 0 ? [`${f.errorRate * 100}% answered 503/429 (Retry-After ${f.retryAfter} s)`] : []),
    ...(f.resetEvery > 0 ? [`every ${f.resetEvery}th connection reset`] : []),
    ...(f.htmlFaults && (f.errorRate > 0) ? ["as HTML pages"] : [])
  ]
  return parts.length === 0 ? "none" : parts.join(", ")
}

/** The start-up banner: URL, credentials, and the variables `TableauSession.layerConfig` reads. */
export const banner = (f: Flags, url: string, credentials: Server.FakeCredentials): string =>
  [
    `effect-tableau fake server (in memory, not a real Tableau Server) listening on ${url}`,
    `  REST API ${f.apiVersion}; ${describeContent(f)}`,
    `  faults: ${describeFaults(f)}`,
    `  sign in: user ${credentials.username} / password ${credentials.password}, ` +
    `or personal access token ${credentials.patName} / ${credentials.patSecret}, or JWT ${credentials.jwtTokens[0] ?? ""}`,
    ``,
    `Point a program at it (TableauSession.layerConfig reads these):`,
    `  export TABLEAU_SERVER=${url}`,
    `  export TABLEAU_USERNAME=${credentials.username}`,
    `  export TABLEAU_PASSWORD=${credentials.password}`,
    ``,
    `Ctrl-C stops it; its state lives in memory only.`
  ].join("\n")

const startFailure = (error: unknown, f: Flags): StartFailed => {
  const code = typeof error === "object" && error !== null && "code" in error ? String(error.code) : ""
  const message = code === "EADDRINUSE"
    ? `port ${f.port} on ${f.host} is already in use: stop what uses it, or pick another with --port (0 picks a free one)`
    : code === "EACCES"
    ? `not allowed to listen on port ${f.port} on ${f.host}: pick a port above 1023 with --port`
    : code === "EADDRNOTAVAIL" || code === "ENOTFOUND"
    ? `cannot listen on --host ${f.host}: no such local address`
    : `cannot listen on ${f.host}:${f.port}: ${error instanceof Error ? error.message : String(error)}`
  return new StartFailed({ message })
}

/** Starts the server, prints the banner, and serves until interrupted. */
export const serve = (f: Flags): Effect.Effect<never, StartFailed> =>
  Effect.scoped(Effect.gen(function*() {
    const fake = Server.make(routes, {
      users: f.users,
      sites: f.sites,
      apiVersion: f.apiVersion,
      seed: f.seed,
      faults: {
        latencyMs: f.latency,
        errorRate: f.errorRate,
        retryAfterSeconds: f.retryAfter,
        resetEvery: f.resetEvery,
        html: f.htmlFaults
      }
    })
    if (f.projects > 0 || f.groups > 0) {
      yield* Effect.promise(() =>
        FakeContent.seedContent(fake.state, fake.defaultSiteId, fake.adminUserId, {
          projects: f.projects,
          workbooksPerProject: f.workbooksPerProject,
          viewsPerWorkbook: f.viewsPerWorkbook,
          datasourcesPerProject: f.datasourcesPerProject,
          groups: f.groups
        })
      )
    }
    const listening = yield* Effect.acquireRelease(
      Effect.tryPromise({ try: () => listen(fake, f.port, f.host), catch: (error) => startFailure(error, f) }),
      (l) => Effect.promise(() => l.close())
    )
    yield* Console.log(banner(f, listening.url, fake.state.credentials))
    return yield* Effect.never
  }))

/** The `fake-server` command. */
export const command = Command.make("fake-server", flags, serve).pipe(
  Command.withDescription(
    "Serve the in-memory fake Tableau server over HTTP (for demos, tests and clients in any language) until Ctrl-C."
  )
)
