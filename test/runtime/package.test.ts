/**
 * The npm package as a user gets it: `npm pack` (which builds dist/), then
 * fresh projects install the tarball next to Effect the way README says
 * (`effect@3 @effect/platform@0.97`), at the lowest versions the peer
 * ranges allow, and one Effect patch behind the one CI pins. Each must
 * resolve exactly one copy of `effect` and `@effect/platform`, import both
 * entries under plain Node (no tsx, no loaders), run a program against the
 * fake, and type-check a file that uses them; README's first script
 * type-checks as printed. Effect 4 is refused at install time by npm with a
 * message that names the Effect 3 line.
 */
import { spawn } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../..", import.meta.url))
const npm = process.platform === "win32" ? "npm.cmd" : "npm"
const tsc = join(root, "node_modules", "typescript", "bin", "tsc")

interface Packed {
  readonly filename: string
  readonly files: ReadonlyArray<{ readonly path: string }>
}

/** What each fresh project installs next to the tarball. */
const consumers = {
  // README's install command (plus @effect/platform-node for README's first script).
  readme: ["effect@3", "@effect/platform@0.97", "@effect/platform-node@0.108"],
  // The lowest versions package.json's peerDependencies allow.
  floor: ["effect@3.22.2", "@effect/platform@0.97.2"],
  // An app one Effect patch behind the version CI pins (3.22.4).
  patch: ["effect@3.22.3", "@effect/platform@0.97"]
} as const
type Consumer = keyof typeof consumers

/** README's first script as README prints it: examples/first-script.ts between its markers. */
const firstScript = (): string => {
  const source = readFileSync(join(root, "examples", "first-script.ts"), "utf8")
  const body = source.slice(source.indexOf("// README:start\n") + 16, source.indexOf("// README:end"))
  return body.replace(`from "../mod.ts"`, `from "effect-tableau"`)
}

const tsconfig = JSON.stringify({
  compilerOptions: {
    strict: true,
    noEmit: true,
    module: "nodenext",
    moduleResolution: "nodenext",
    target: "es2022",
    lib: ["es2022", "dom"],
    types: []
  }
})

interface Ran {
  readonly status: number | null
  readonly stdout: string
  readonly stderr: string
}

/**
 * Runs a command without blocking: a synchronous child (npm pack, tsc) stalls
 * the vitest worker for a minute on a loaded machine, and vitest then fails the
 * run with "Timeout calling onTaskUpdate".
 */
const run = (command: string, args: ReadonlyArray<string>, cwd: string): Promise<Ran> =>
  new Promise((resolve) => {
    const child = spawn(command, args, { cwd, shell: process.platform === "win32" })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()))
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()))
    child.on("error", (error) => resolve({ status: null, stdout, stderr: String(error) }))
    child.on("close", (status) => resolve({ status, stdout, stderr }))
  })

/**
 * Type-checks one file with its own tsconfig (several checks run at once in one project); with `skipLibCheck`, only
 * the file's use of the declarations, not the declarations themselves.
 */
const typeCheck = async (project: string, file: string, skipLibCheck: boolean): Promise<string> => {
  const config = `tsconfig.${file}.json`
  const options = tsconfig.replace(`"strict":true`, `"strict":true,"skipLibCheck":${skipLibCheck}`)
  writeFileSync(join(project, config), options.replace(/}$/, `,"files":${JSON.stringify([file])}}`))
  const result = await run(process.execPath, [tsc, "-p", config], project)
  return result.stdout + result.stderr
}

const consumerMain = `import * as Effect from "effect/Effect"
import { Errors, Sites, type TableauSession } from "effect-tableau"
import * as FakeTableau from "effect-tableau/testing"

const site: Effect.Effect<Sites.SiteItem, Errors.CommonError | Errors.NotFound, TableauSession.TableauSession> =
  Sites.getByName("Default")
export const name: Effect.Effect<string, unknown> = site.pipe(
  Effect.map((s) => s.name),
  Effect.provide(FakeTableau.sessionLayer())
)
`

describe("npm package", () => {
  const dir = mkdtempSync(join(tmpdir(), "effect-tableau-pack-"))
  const project = (name: Consumer) => join(dir, name)
  let packed: Packed
  /** The type checks, started together once the installs are done (tsc is slow; the tests await their result). */
  const checks = new Map<string, Promise<string>>()

  const node = async (name: Consumer, code: string): Promise<string> => {
    const result = await run(process.execPath, ["--input-type=module", "-e", code], project(name))
    if (result.status !== 0) throw new Error(result.stderr)
    return result.stdout
  }

  const fresh = (name: string): string => {
    const path = join(dir, name)
    mkdirSync(path, { recursive: true })
    writeFileSync(join(path, "package.json"), JSON.stringify({ name: `consumer-${name}`, private: true, type: "module" }))
    return path
  }

  beforeAll(async () => {
    const { stdout: out } = await run(npm, ["pack", "--json", "--pack-destination", dir], root)
    packed = (JSON.parse(out.slice(out.indexOf("[\n"))) as ReadonlyArray<Packed>)[0]!
    // The three installs at once; dependencies come from npm's cache when it has them (it does after `npm ci`),
    // else from the registry.
    await Promise.all(Object.entries(consumers).map(async ([name, specs]) => {
      const args = ["install", "--prefer-offline", "--no-audit", "--no-fund", join(dir, packed.filename), ...specs]
      const installed = await run(npm, args, fresh(name))
      if (installed.status !== 0) throw new Error(`npm install in ${name} failed:\n${installed.stderr}`)
    }))
    for (const name of Object.keys(consumers)) {
      writeFileSync(join(project(name as Consumer), "main.ts"), consumerMain)
      // README's install gets the full check (declarations included); the other two check how main.ts uses them.
      checks.set(name, typeCheck(project(name as Consumer), "main.ts", name !== "readme"))
    }
    writeFileSync(join(project("readme"), "first.ts"), firstScript())
    // skipLibCheck: @effect/platform-node's own declarations (cluster, rpc, sql) are not ours to check.
    checks.set("first", typeCheck(project("readme"), "first.ts", true))
  }, 240_000)

  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("contains the compiled entries and no sources or tests", () => {
    const paths = packed.files.map((f) => f.path)
    expect(paths).toEqual(
      expect.arrayContaining(["dist/mod.js", "dist/mod.d.ts", "dist/src/testing.js", "dist/src/cli/main.js", "package.json"])
    )
    expect(paths.filter((p) => p.endsWith(".ts") && !p.endsWith(".d.ts"))).toEqual([])
    expect(paths.filter((p) => p.startsWith("test/"))).toEqual([])
  })

  it("installs the effect-tableau bin, which runs under plain Node", async () => {
    const cwd = project("readme")
    const bin = join(cwd, "node_modules", ".bin", "effect-tableau")
    const version = await run(bin, ["--version"], cwd)
    expect(version.stdout.trim()).toBe((JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version)
    expect((await run(bin, ["fake-server", "--help"], cwd)).stdout).toContain("--users")
    const bad = await run(bin, ["fake-server", "--users", "lots"], cwd)
    expect({ status: bad.status, stderr: bad.stderr.trim() }).toEqual({
      status: 2,
      stderr: "--users must be a whole number of 0 or more, got 'lots'"
    })
  })

  it("declares Effect as peer dependencies, not as its own dependencies", () => {
    const manifest = JSON.parse(readFileSync(join(project("readme"), "node_modules", "effect-tableau", "package.json"), "utf8")) as {
      dependencies?: Record<string, string>
      peerDependencies?: Record<string, string>
    }
    // The command line's libraries are the only dependencies besides the XML parser; they peer on the same Effect.
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(["@effect/cli", "@effect/printer", "@effect/printer-ansi", "fast-xml-parser"])
    expect(manifest.peerDependencies).toEqual({ "@effect/platform": "^0.97.2", effect: "^3.22.2" })
  })

  describe.each(Object.keys(consumers) as ReadonlyArray<Consumer>)("installed with %s versions", (name) => {
    it("resolves exactly one copy of effect and of @effect/platform", async () => {
      for (const pkg of ["effect", "@effect/platform"]) {
        const ls = await run(npm, ["ls", pkg, "--all", "--parseable"], project(name))
        expect(ls.status, ls.stderr).toBe(0)
        expect(ls.stdout.trim().split("\n")).toEqual([join(project(name), "node_modules", pkg)])
      }
    })

    it("imports both entries under plain Node and runs a program", async () => {
      const out = await node(
        name,
        `
        import * as Effect from "effect/Effect"
        import * as Stream from "effect/Stream"
        import { Sites, TableauSession, Errors } from "effect-tableau"
        import * as FakeTableau from "effect-tableau/testing"
        const program = Stream.runCollect(Sites.list({ pageSize: 2 })).pipe(Effect.provide(FakeTableau.sessionLayer({ sites: 4 })))
        const sites = await Effect.runPromise(program)
        console.log(JSON.stringify({ sites: sites.length, layer: typeof TableauSession.layer, notFound: typeof Errors.NotFound }))
      `
      )
      expect(JSON.parse(out)).toEqual({ sites: 5, layer: "function", notFound: "function" })
    })

    it("type-checks a consumer with the package's declarations", async () => {
      expect(await checks.get(name)).toBe("")
    }, 120_000)
  })

  it("does not export internal modules", async () => {
    const out = await node(
      "readme",
      `
      for (const path of ["effect-tableau/src/internal/xml.js", "effect-tableau/dist/src/internal/xml.js", "effect-tableau/internal/xml"]) {
        await import(path).then(() => console.log("loaded " + path), (e) => console.log(e.code))
      }
    `
    )
    expect(out.trim().split("\n")).toEqual([
      "ERR_PACKAGE_PATH_NOT_EXPORTED",
      "ERR_PACKAGE_PATH_NOT_EXPORTED",
      "ERR_PACKAGE_PATH_NOT_EXPORTED"
    ])
  })

  it("README's first script is examples/first-script.ts and type-checks as printed", async () => {
    expect(readFileSync(join(root, "README.md"), "utf8")).toContain("```ts\n" + firstScript() + "```\n")
    expect(await checks.get("first")).toBe("")
  }, 120_000)

  it("refuses Effect 4 at install time, naming the Effect 3 line", async () => {
    const args = ["install", "--dry-run", "--prefer-offline", "--no-audit", "--no-fund", join(dir, packed.filename), "effect@4"]
    const installed = await run(npm, args, fresh("effect4"))
    expect(installed.status).not.toBe(0)
    expect(installed.stderr).toContain("ERESOLVE")
    expect(installed.stderr).toMatch(/Found: effect@4\./)
    expect(installed.stderr).toMatch(/peer effect@"\^3\.22\.\d+"/)
  }, 60_000)
})
