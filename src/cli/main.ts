#!/usr/bin/env node
/**
 * The `effect-tableau` command line (the package's `bin`), built with
 * `@effect/cli`. Commands: `fake-server`. `--help` on any command lists
 * its flags.
 *
 * Exit codes: 0 done (or stopped with Ctrl-C), 1 failed (the server could
 * not start, say), 2 a usage error (an unknown flag, a bad value), each
 * reported in one line on stderr.
 *
 * @internal
 */
import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Effect from "effect/Effect"
import { readFileSync } from "node:fs"
import * as FakeServer from "./fakeServer.ts"
import * as NodeCli from "./node.ts"

/** The package's version: package.json is two levels up from src/cli, three from dist/src/cli. */
const version = (): string => {
  for (const path of ["../../package.json", "../../../package.json"]) {
    try {
      const json = JSON.parse(readFileSync(new URL(path, import.meta.url), "utf8")) as { name?: string; version?: string }
      if (json.name === "effect-tableau" && json.version !== undefined) return json.version
    } catch {
      // not this one
    }
  }
  return "unknown"
}

const root = Command.make("effect-tableau").pipe(
  Command.withDescription("Tools for the Tableau REST API client effect-tableau."),
  Command.withSubcommands([FakeServer.command])
)

const cli = Command.run(root, { name: "effect-tableau", version: version() })

NodeCli.runMain(
  cli(process.argv).pipe(NodeCli.withPlainOutput, Effect.provide(NodeCli.layer)),
  (failure) => {
    // @effect/cli has already printed usage errors (with the help text it chose).
    if (ValidationError.isValidationError(failure)) return NodeCli.ExitCode.Usage
    process.stderr.write(`effect-tableau: ${failure.message}\n`)
    return NodeCli.ExitCode.Failed
  }
)
