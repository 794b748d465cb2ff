/**
 * What `@effect/cli` needs from Node, without `@effect/platform-node`.
 *
 * `@effect/platform-node` (and `-shared`) would make every install of the
 * library pull `@effect/cluster`, `@effect/rpc`, `@effect/sql` (peers npm
 * installs) and `@parcel/watcher`, a native module with an install script,
 * for a command line that only prints and reads keys. So the bin provides
 * the CLI's environment itself: a `Terminal` on `process.stdin`/`stdout`
 * (for `--wizard` and prompts), `@effect/platform`'s portable `Path`, and a
 * `FileSystem` that reads nothing (no command takes a file). It also runs
 * the program: SIGINT/SIGTERM interrupt it (so scopes close: the server
 * stops), and the exit code says how it ended.
 *
 * @internal
 */
import * as FileSystem from "@effect/platform/FileSystem"
import * as Path from "@effect/platform/Path"
import * as Terminal from "@effect/platform/Terminal"
import * as Cause from "effect/Cause"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Mailbox from "effect/Mailbox"
import * as Option from "effect/Option"
import * as readline from "node:readline"

const terminal: Terminal.Terminal = {
  columns: Effect.sync(() => process.stdout.columns ?? 80),
  rows: Effect.sync(() => process.stdout.rows ?? 24),
  isTTY: Effect.sync(() => process.stdin.isTTY === true),
  display: (text) => Effect.async<void>((resume) => {
    process.stdout.write(text, () => resume(Effect.void))
  }),
  readLine: Effect.async<string, Terminal.QuitException>((resume) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: false })
    let answered = false
    rl.once("line", (line) => {
      answered = true
      rl.close()
      resume(Effect.succeed(line))
    })
    rl.once("close", () => {
      if (!answered) resume(Effect.fail(new Terminal.QuitException()))
    })
    return Effect.sync(() => rl.close())
  }),
  // Key presses until Ctrl-C (which ends the mailbox: the prompt quits).
  readInput: Effect.gen(function*() {
    const input = yield* Mailbox.make<Terminal.UserInput>()
    const stdin = process.stdin
    const onKey = (text: string | undefined, key: readline.Key | undefined) => {
      const name = key?.name ?? ""
      if (key?.ctrl === true && name === "c") {
        input.unsafeDone(Exit.void)
        return
      }
      input.unsafeOffer({
        input: Option.fromNullable(text),
        key: { name, ctrl: key?.ctrl ?? false, meta: key?.meta ?? false, shift: key?.shift ?? false }
      })
    }
    yield* Effect.acquireRelease(
      Effect.sync(() => {
        readline.emitKeypressEvents(stdin)
        if (stdin.isTTY) stdin.setRawMode(true)
        stdin.on("keypress", onKey)
        stdin.resume()
      }),
      () =>
        Effect.sync(() => {
          stdin.off("keypress", onKey)
          if (stdin.isTTY) stdin.setRawMode(false)
          stdin.pause()
        })
    )
    return input
  })
}

/** The environment `Command.run` needs: Terminal, Path, and a FileSystem that reads nothing. */
export const layer: Layer.Layer<Terminal.Terminal | Path.Path | FileSystem.FileSystem> = Layer.mergeAll(
  Layer.succeed(Terminal.Terminal, terminal),
  Path.layer,
  FileSystem.layerNoop({})
)

const ANSI = /\u001b\[[0-9;]*m/g

/** Whether a stream gets colours: a terminal, and `NO_COLOR` not set (https://no-color.org). */
const colours = (stream: NodeJS.WriteStream): boolean =>
  stream.isTTY === true && (process.env["NO_COLOR"] ?? "") === ""

const plain = (args: ReadonlyArray<unknown>, keep: boolean): ReadonlyArray<unknown> =>
  keep ? args : args.map((a) => (typeof a === "string" ? a.replace(ANSI, "") : a))

/**
 * Runs `program` with a Console whose `log` and `error` drop `@effect/cli`'s
 * colour codes when their stream is not a terminal (help piped to a file or
 * a pager) or `NO_COLOR` is set.
 */
export const withPlainOutput = <A, E, R>(program: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Console.consoleWith((base) =>
    Effect.withConsole(program, {
      ...base,
      log: (...args) => base.log(...plain(args, colours(process.stdout))),
      error: (...args) => base.error(...plain(args, colours(process.stderr)))
    })
  )

/** Exit codes: 0 done or stopped by a signal, 1 failed, 2 a usage error (bad flag or value). */
export const ExitCode = { Ok: 0, Failed: 1, Usage: 2 } as const

/**
 * Runs a command-line program: SIGINT and SIGTERM interrupt it (its scopes
 * close), and the process exits with `exitCode(exit)`. Failures are
 * printed by the program itself (`@effect/cli` prints usage errors); a
 * defect is printed here.
 */
export const runMain = <E>(
  program: Effect.Effect<void, E>,
  exitCode: (failure: E) => number
): void => {
  const fiber = Effect.runFork(program)
  let signalled = false
  const onSignal = () => {
    if (signalled) process.exit(130)
    signalled = true
    Effect.runFork(Fiber.interrupt(fiber))
  }
  process.on("SIGINT", onSignal)
  process.on("SIGTERM", onSignal)
  fiber.addObserver((exit) => {
    process.off("SIGINT", onSignal)
    process.off("SIGTERM", onSignal)
    if (Exit.isSuccess(exit)) return process.exit(ExitCode.Ok)
    const failure = Cause.failureOption(exit.cause)
    if (Option.isSome(failure)) return process.exit(exitCode(failure.value))
    if (Cause.isInterruptedOnly(exit.cause)) return process.exit(ExitCode.Ok)
    process.stderr.write(`${Cause.pretty(exit.cause)}\n`)
    process.exit(ExitCode.Failed)
  })
}
