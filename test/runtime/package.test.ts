/**
 * The npm package as a user gets it: `npm pack` (which builds dist/), then a
 * fresh project installs the tarball and, under plain Node (no tsx, no
 * loaders), imports both entries, runs a program against the fake, and
 * type-checks a file that uses them.
 */
import { execFileSync, spawnSync } from "node:child_process"
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../..", import.meta.url))
const npm = process.platform === "win32" ? "npm.cmd" : "npm"

interface Packed {
  readonly filename: string
  readonly files: ReadonlyArray<{ readonly path: string }>
}

describe("npm package", () => {
  const dir = mkdtempSync(join(tmpdir(), "effect-tableau-pack-"))
  const project = join(dir, "consumer")
  let packed: Packed

  const node = (code: string): string =>
    execFileSync(process.execPath, ["--input-type=module", "-e", code], { cwd: project, encoding: "utf8" })

  beforeAll(() => {
    const out = execFileSync(npm, ["pack", "--json", "--pack-destination", dir], { cwd: root, encoding: "utf8" })
    packed = (JSON.parse(out.slice(out.indexOf("[\n"))) as ReadonlyArray<Packed>)[0]!
    mkdirSync(project, { recursive: true })
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }))
    // Dependencies come from npm's cache when it has them (it does after `npm ci`), else from the registry.
    execFileSync(npm, ["install", "--prefer-offline", "--no-audit", "--no-fund", join(dir, packed.filename)], {
      cwd: project,
      stdio: "ignore"
    })
  }, 180_000)

  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it("contains the compiled entries and no sources or tests", () => {
    const paths = packed.files.map((f) => f.path)
    expect(paths).toEqual(
      expect.arrayContaining(["dist/mod.js", "dist/mod.d.ts", "dist/src/testing.js", "dist/src/cli/main.js", "package.json"])
    )
    expect(paths.filter((p) => p.endsWith(".ts") && !p.endsWith(".d.ts"))).toEqual([])
    expect(paths.filter((p) => p.startsWith("test/"))).toEqual([])
  })

  it("installs the effect-tableau bin, which runs under plain Node", () => {
    const bin = join(project, "node_modules", ".bin", "effect-tableau")
    expect(execFileSync(bin, ["--version"], { cwd: project, encoding: "utf8" }).trim()).toBe(
      (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version
    )
    expect(execFileSync(bin, ["fake-server", "--help"], { cwd: project, encoding: "utf8" })).toContain("--users")
    const bad = spawnSync(bin, ["fake-server", "--users", "lots"], { cwd: project, encoding: "utf8" })
    expect({ status: bad.status, stderr: bad.stderr.trim() }).toEqual({
      status: 2,
      stderr: "--users must be a whole number of 0 or more, got 'lots'"
    })
  })

  it("imports both entries under plain Node and runs a program", () => {
    const out = node(`
      import * as Effect from "effect/Effect"
      import * as Stream from "effect/Stream"
      import { Sites, TableauSession, Errors } from "effect-tableau"
      import * as FakeTableau from "effect-tableau/testing"
      const program = Stream.runCollect(Sites.list({ pageSize: 2 })).pipe(Effect.provide(FakeTableau.sessionLayer({ sites: 4 })))
      const sites = await Effect.runPromise(program)
      console.log(JSON.stringify({ sites: sites.length, layer: typeof TableauSession.layer, notFound: typeof Errors.NotFound }))
    `)
    expect(JSON.parse(out)).toEqual({ sites: 5, layer: "function", notFound: "function" })
  })

  it("does not export internal modules", () => {
    const out = node(`
      for (const path of ["effect-tableau/src/internal/xml.js", "effect-tableau/dist/src/internal/xml.js", "effect-tableau/internal/xml"]) {
        await import(path).then(() => console.log("loaded " + path), (e) => console.log(e.code))
      }
    `)
    expect(out.trim().split("\n")).toEqual([
      "ERR_PACKAGE_PATH_NOT_EXPORTED",
      "ERR_PACKAGE_PATH_NOT_EXPORTED",
      "ERR_PACKAGE_PATH_NOT_EXPORTED"
    ])
  })

  it("type-checks a consumer with the package's declarations", () => {
    writeFileSync(
      join(project, "main.ts"),
      `import * as Effect from "effect/Effect"
import { Errors, Sites, type TableauSession } from "effect-tableau"
import * as FakeTableau from "effect-tableau/testing"

const site: Effect.Effect<Sites.SiteItem, Errors.CommonError | Errors.NotFound, TableauSession.TableauSession> =
  Sites.getByName("Default")
export const name: Effect.Effect<string, unknown> = site.pipe(
  Effect.map((s) => s.name),
  Effect.provide(FakeTableau.sessionLayer())
)
`
    )
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          lib: ["es2022", "dom"],
          types: []
        },
        files: ["main.ts"]
      })
    )
    const tsc = join(root, "node_modules", "typescript", "bin", "tsc")
    const result = (() => {
      try {
        return execFileSync(process.execPath, [tsc, "-p", "."], { cwd: project, encoding: "utf8" })
      } catch (error) {
        return String((error as { stdout?: string }).stdout ?? error)
      }
    })()
    expect(result).toBe("")
  }, 60_000)
})
