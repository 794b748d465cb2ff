/**
 * The `effect-tableau` command line, run as a user runs it: a child
 * process (through tsx, on the sources; test/runtime/package.test.ts runs
 * the packed bin).
 */
import { describe, expect, it } from "@effect/vitest"
import { type ChildProcess, spawn } from "node:child_process"
import { once } from "node:events"
import { createServer } from "node:net"
import type { AddressInfo } from "node:net"
import { fileURLToPath } from "node:url"
import * as Command from "@effect/cli/Command"
import * as ValidationError from "@effect/cli/ValidationError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { Sites, TableauSession, Users } from "../mod.ts"
import * as FakeServer from "../src/cli/fakeServer.ts"
import * as NodeCli from "../src/cli/node.ts"

const root = fileURLToPath(new URL("..", import.meta.url))

const start = (args: ReadonlyArray<string>): ChildProcess =>
  spawn(process.execPath, ["--import", "tsx", "src/cli/main.ts", ...args], {
    cwd: root,
    env: process.env,
    stdio: ["ignore", "pipe", "pipe"]
  })

const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, "")

/** Runs the CLI to its end. */
const run = async (args: ReadonlyArray<string>) => {
  const child = start(args)
  let stdout = ""
  let stderr = ""
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()))
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()))
  const [code] = (await once(child, "exit")) as [number | null]
  return { code, stdout: plain(stdout), stderr: plain(stderr), raw: stdout }
}

const lines = (text: string) => text.split("\n").filter((l) => l.trim() !== "")

describe("effect-tableau fake-server", () => {
  it("--help lists every flag and exits 0", async () => {
    const { code, raw, stdout } = await run(["fake-server", "--help"])
    expect(code).toBe(0)
    // Piped, not a terminal: no colour codes.
    expect(raw).toBe(stdout)
    for (
      const flag of [
        "--port n",
        "--host address",
        "--users n",
        "--sites n",
        "--projects n",
        "--workbooks-per-project n",
        "--views-per-workbook n",
        "--datasources-per-project n",
        "--groups n",
        "--api-version version",
        "--latency n",
        "--error-rate x",
        "--retry-after n",
        "--reset-every n",
        "--html-faults",
        "--seed n"
      ]
    ) expect(stdout).toContain(flag)
    expect(stdout).toContain("Default: 8900.")
  })

  it("a bad flag exits 2 with one line on stderr", async () => {
    const results = await Promise.all([run(["fake-server", "--users", "lots"]), run(["fake-server", "--bogus"])])
    expect(results.map((r) => ({ code: r.code, stderr: lines(r.stderr), stdout: r.stdout }))).toEqual([
      { code: 2, stderr: ["--users must be a whole number of 0 or more, got 'lots'"], stdout: "" },
      { code: 2, stderr: ["Received unknown argument: '--bogus'"], stdout: "" }
    ])
  })

  it.effect("every bad value is a ValidationError with one line naming the flag (in process)", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<readonly [ReadonlyArray<string>, string]> = [
        [["--users", "2.5"], "--users must be a whole number of 0 or more, got '2.5'"],
        [["--sites", "-1"], "--sites must be a whole number of 0 or more, got '-1'"],
        [["--port", "70000"], "--port must be a whole number from 0 to 65535, got '70000'"],
        [["--error-rate", "2"], "--error-rate must be a number from 0 to 1, got '2'"],
        [["--error-rate", "often"], "--error-rate must be a number from 0 to 1, got 'often'"],
        [["--api-version", "latest"], "--api-version must look like 3.24, got 'latest'"],
        [["--users", "3", "extra"], "Received unknown argument: 'extra'"]
      ]
      const cli = Command.run(FakeServer.command, { name: "effect-tableau", version: "test" })
      for (const [args, message] of cases) {
        const printed: Array<string> = []
        const error = yield* cli(["node", "effect-tableau", ...args]).pipe(
          Effect.flip,
          Effect.provide(NodeCli.layer),
          (effect) =>
            Console.consoleWith((base) =>
              Effect.withConsole(effect, { ...base, error: (...a) => Effect.sync(() => printed.push(a.join(" "))) })
            )
        )
        expect(ValidationError.isValidationError(error)).toBe(true)
        expect(lines(plain(printed.join("\n")))).toEqual([message])
      }
    }))

  it("a port in use is one line and exit 1", async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve))
    const port = (blocker.address() as AddressInfo).port
    try {
      const { code, stderr } = await run(["fake-server", "--port", String(port)])
      expect(code).toBe(1)
      expect(lines(stderr)).toEqual([
        `effect-tableau: port ${port} on 127.0.0.1 is already in use: stop what uses it, or pick another with --port (0 picks a free one)`
      ])
    } finally {
      blocker.close()
    }
  })

  it("prints a banner whose TABLEAU_* lines sign a program in, and stops on SIGINT", async () => {
    const child = start(["fake-server", "--port", "0", "--users", "3", "--sites", "2", "--latency", "1"])
    let stdout = ""
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()))
    const exited = once(child, "exit") as Promise<[number | null, NodeJS.Signals | null]>
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout!.on("data", () => stdout.includes("Ctrl-C stops it") && resolve())
        void exited.then(() => reject(new Error(`exited early: ${stdout}`)))
      })
      const banner = lines(plain(stdout))
      expect(banner[0]).toMatch(/^effect-tableau fake server \(in memory, not a real Tableau Server\) listening on http:\/\/127\.0\.0\.1:\d+$/)
      expect(banner).toContain("  REST API 3.24; default site \"\" with the admin and 3 users; 2 more sites (site1 to site2)")
      expect(banner).toContain("  faults: latency 1 ms")
      expect(banner).toContain(
        "  sign in: user admin / password admin, or personal access token admin / admin, or JWT admin-jwt"
      )
      // Paste the export lines: they are what layerConfig reads.
      const vars = banner.flatMap((l) => {
        const m = /^ {2}export (TABLEAU_\w+)=(.*)$/.exec(l)
        return m === null ? [] : [[m[1]!, m[2]!] as const]
      })
      expect(vars.map(([name]) => name)).toEqual(["TABLEAU_SERVER", "TABLEAU_USERNAME", "TABLEAU_PASSWORD"])
      const counts = await Effect.runPromise(
        Effect.all([Stream.runCount(Sites.list()), Stream.runCount(Users.list())]).pipe(
          Effect.provide(TableauSession.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))),
          Effect.withConfigProvider(ConfigProvider.fromMap(new Map(vars)))
        )
      )
      expect(counts).toEqual([3, 4])
    } finally {
      child.kill("SIGINT")
    }
    const [code] = await exited
    expect(code).toBe(0)
  })
})
