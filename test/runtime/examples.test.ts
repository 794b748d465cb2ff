/**
 * The examples as a user runs them, in child processes.
 *
 * `npm run demo` (examples/quickstart.ts) says that it talks to the embedded
 * fake server, and how to point it at a real one; with TABLEAU_SERVER set it
 * talks to that server instead.
 *
 * Ctrl-C signs out: a child process runs README's first script
 * (examples/first-script.ts, `NodeRuntime.runMain`) against the fake server
 * over real HTTP, with a long and slow user list; the test sends SIGINT once
 * the first users are printed and checks that the fake saw the sign-out of
 * the session that was listing.
 */
import { describe, expect, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as Effect from "effect/Effect"
import * as FakeTableau from "../../src/testing.ts"

const root = fileURLToPath(new URL("../..", import.meta.url))
const script = fileURLToPath(new URL("../../examples/first-script.ts", import.meta.url))
const quickstart = fileURLToPath(new URL("../../examples/quickstart.ts", import.meta.url))

/** The environment without any TABLEAU_* variable of the machine running the tests. */
const cleanEnv = (extra: Record<string, string>): NodeJS.ProcessEnv => ({
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("TABLEAU_"))),
  ...extra
})

/** Runs the demo to its end (asynchronously: the test's fake server must keep answering meanwhile). */
const demo = (env: NodeJS.ProcessEnv) =>
  Effect.promise(() =>
    new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      let stdout = ""
      let stderr = ""
      const child = spawn(process.execPath, ["--import", "tsx", quickstart], { cwd: root, env })
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()))
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
      child.on("close", (status) => resolve({ status, stdout, stderr }))
    })
  )

describe("npm run demo", () => {
  it.live("says it runs against the embedded fake server, and how to use a real one", () =>
    Effect.gen(function*() {
      const run = yield* demo(cleanEnv({}))
      expect(run.status, run.stderr).toBe(0)
      const [first, second] = run.stdout.split("\n")
      expect(first).toContain("embedded fake Tableau server")
      expect(second).toContain("TABLEAU_SERVER=")
      expect(run.stdout).toContain("31 sites")
    }), 30_000)

  it.live("talks to the server TABLEAU_SERVER names", () =>
    Effect.gen(function*() {
      const { fake, url } = yield* FakeTableau.serve({ sites: 2 })
      const env = cleanEnv({ TABLEAU_SERVER: url, TABLEAU_USERNAME: "admin", TABLEAU_PASSWORD: "admin" })
      const run = yield* demo(env)
      expect(run.status, run.stderr).toBe(0)
      expect(run.stdout.split("\n")[0]).toBe(`Running against ${url} (TABLEAU_SERVER), read only.`)
      expect(run.stdout).toContain("3 sites")
      expect(fake.log.some((e) => e.path.endsWith("/auth/signin"))).toBe(true)
    }).pipe(Effect.scoped), 30_000)
})

describe("Ctrl-C", () => {
  it.live("during a long list, the first script signs out before it exits", () =>
    Effect.gen(function*() {
      // 5,001 users in pages of 100 at 300 ms a request: about 4 s of listing.
      const { fake, url } = yield* FakeTableau.serve({ users: 5000, faults: { latencyMs: 300 } })
      const child = spawn(process.execPath, ["--import", "tsx", script], {
        cwd: root,
        env: cleanEnv({ TABLEAU_SERVER: url, TABLEAU_USERNAME: "admin", TABLEAU_PASSWORD: "admin" }),
        stdio: ["ignore", "pipe", "pipe"]
      })
      let stdout = ""
      let stderr = ""
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on("exit", (code, signal) => resolve({ code, signal }))
      )
      yield* Effect.addFinalizer(() => Effect.sync(() => child.kill("SIGKILL")))

      // Wait for the list to be under way (users printed), then Ctrl-C.
      yield* Effect.async<void>((resume) => {
        child.stdout.on("data", (d: Buffer) => {
          stdout += d.toString()
          if (stdout.includes("user000001")) resume(Effect.void)
        })
        void exited.then(() => resume(Effect.void))
      })
      const signedIn = fake.log.filter((e) => e.path.endsWith("/auth/signin")).length
      child.kill("SIGINT")
      const exit = yield* Effect.promise(() => exited)

      expect(stderr).not.toContain("Error")
      expect(stdout).not.toContain("users\n") // the list did not finish
      expect(signedIn).toBe(1)
      const signOuts = fake.log.filter((e) => e.method === "POST" && e.path.endsWith("/auth/signout"))
      expect(signOuts.map((e) => e.status)).toEqual([204])
      expect(fake.state.tokens.size).toBe(0) // the listing session's token is gone
      expect(exit.signal).toBeNull() // it exited by itself, after the sign-out
    }).pipe(Effect.scoped), 30_000)
})
