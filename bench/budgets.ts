/**
 * `npm run bench:budgets [-- --runs N]`: measures the budgets of issue 5 and
 * prints a table (also written to bench/results/budgets.json).
 *
 * - Worker bundle: examples/worker bundled as for deployment
 *   (`esbuild --bundle --minify --format=esm --platform=neutral
 *   --main-fields=module,main`), raw and gzipped (zlib level 9). Budget: 125 KB
 *   (120,000 bytes) gzipped.
 * - Cold import in Node: a fresh `node` process per run, median of N runs
 *   (after 2 warm-up runs), against a bare `node -e 0`. Measured for the
 *   npm package as installed (dist/mod.js, unbundled), for the bare
 *   dependency modules the package imports (the floor: effect, @effect/platform,
 *   fast-xml-parser, module by module), and for an application bundle of the
 *   package and of its dependencies alone (esbuild, platform node). Budget:
 *   under 60 ms above bare node.
 * - Cold import in Deno: `deno run` of a file importing mod.ts (warm module
 *   cache) against `deno run` of an empty file.
 */
import { spawnSync } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"
import { gzipSync } from "node:zlib"
import * as esbuild from "esbuild"
import { bundleWorker } from "../examples/worker/build.ts"

const root = fileURLToPath(new URL("..", import.meta.url))
const results = join(root, "bench", "results")
const runsArg = process.argv.indexOf("--runs")
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 15
const WORKER_BUDGET_GZIP = 125_000
const IMPORT_BUDGET_MS = 60

mkdirSync(results, { recursive: true })

const run = (command: string, args: ReadonlyArray<string>): number => {
  const start = performance.now()
  const result = spawnSync(command, args, { cwd: root, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" })
  const elapsed = performance.now() - start
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr}`)
  return elapsed
}

const median = (command: string, args: ReadonlyArray<string>): number => {
  run(command, args)
  run(command, args)
  const times = Array.from({ length: RUNS }, () => run(command, args)).sort((a, b) => a - b)
  const mid = Math.floor(times.length / 2)
  return times.length % 2 === 1 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2
}

const importModules = (urls: ReadonlyArray<string>): ReadonlyArray<string> => [
  "--input-type=module",
  "-e",
  urls.map((u) => `await import(${JSON.stringify(u)})`).join(";")
]

// --- Worker bundle -----------------------------------------------------------------------------
const worker = await bundleWorker()
const workerRaw = Buffer.byteLength(worker.code)
const workerGzip = gzipSync(worker.code, { level: 9 }).length
writeFileSync(join(results, "worker.js"), worker.code)

// --- Node ---------------------------------------------------------------------------------------
const build = spawnSync(process.execPath, [join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/build.ts"], {
  cwd: root,
  stdio: "ignore"
})
if (build.status !== 0) throw new Error("npm run build failed")

// The bare specifiers the package imports: its dependency floor.
const deps = await esbuild.build({
  entryPoints: [join(root, "mod.ts")],
  bundle: true,
  packages: "external",
  format: "esm",
  platform: "neutral",
  write: false,
  metafile: true,
  logLevel: "silent"
})
const external = [
  ...new Set(Object.values(deps.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)))
].sort()
// Namespace imports kept alive, so a bundler cannot drop them (the packages are side-effect free).
writeFileSync(
  join(results, "deps-floor.mjs"),
  external.map((s, i) => `import * as m${i} from ${JSON.stringify(s)}`).join("\n") +
    `\nglobalThis.__floor = [${external.map((_, i) => `m${i}`).join(", ")}]\n`
)

const app = await esbuild.build({
  stdin: { contents: `export * from "./mod.ts"`, resolveDir: root, loader: "ts" },
  bundle: true,
  minify: true,
  format: "esm",
  platform: "node",
  outfile: join(results, "app-bundle.mjs"),
  logLevel: "silent"
})
const floorBundle = await esbuild.build({
  entryPoints: [join(results, "deps-floor.mjs")],
  bundle: true,
  minify: true,
  format: "esm",
  platform: "node",
  outfile: join(results, "deps-floor-bundle.mjs"),
  logLevel: "silent"
})
if (app.errors.length > 0 || floorBundle.errors.length > 0) throw new Error("bundling failed")

const nodeBare = median(process.execPath, ["-e", "0"])
const nodePackage = median(process.execPath, importModules([pathToFileURL(join(root, "dist/mod.js")).href]))
const nodeFloor = median(process.execPath, [join(results, "deps-floor.mjs")])
const nodeBundle = median(process.execPath, [join(results, "app-bundle.mjs")])
const nodeFloorBundle = median(process.execPath, [join(results, "deps-floor-bundle.mjs")])

// --- Deno ---------------------------------------------------------------------------------------
const deno = join(root, "node_modules", ".bin", "deno")
writeFileSync(join(results, "deno-empty.ts"), "\n")
writeFileSync(join(results, "deno-import.ts"), `import "../../mod.ts"\n`)
const denoBare = median(deno, ["run", "--quiet", join(results, "deno-empty.ts")])
const denoPackage = median(deno, ["run", "--quiet", join(results, "deno-import.ts")])

// --- Report ---------------------------------------------------------------------------------------
const ms = (n: number) => `${n.toFixed(0)} ms`
const over = (n: number, bare: number) => `+${(n - bare).toFixed(0)} ms`
const kb = (n: number) => `${(n / 1000).toFixed(1)} KB`
const verdict = (ok: boolean) => (ok ? "within budget" : "OVER budget")

const rows: ReadonlyArray<readonly [string, string, string, string]> = [
  ["Worker bundle, minified", `${workerRaw.toLocaleString("en")} B`, kb(workerRaw), ""],
  [
    "Worker bundle, minified + gzip -9",
    `${workerGzip.toLocaleString("en")} B`,
    kb(workerGzip),
    `${verdict(workerGzip <= WORKER_BUDGET_GZIP)} (125 KB)`
  ],
  ["Node: bare `node -e 0`", ms(nodeBare), "", ""],
  [
    "Node: import the npm package (dist/mod.js)",
    ms(nodePackage),
    over(nodePackage, nodeBare),
    `${verdict(nodePackage - nodeBare < IMPORT_BUDGET_MS)} (+60 ms)`
  ],
  [`Node: import its dependencies only (${external.length} modules)`, ms(nodeFloor), over(nodeFloor, nodeBare), "floor"],
  [
    "Node: import an app bundle of the package",
    ms(nodeBundle),
    over(nodeBundle, nodeBare),
    `${verdict(nodeBundle - nodeBare < IMPORT_BUDGET_MS)} (+60 ms)`
  ],
  ["Node: import a bundle of its dependencies only", ms(nodeFloorBundle), over(nodeFloorBundle, nodeBare), "floor"],
  ["Deno: bare `deno run` (empty file)", ms(denoBare), "", ""],
  ["Deno: import mod.ts", ms(denoPackage), over(denoPackage, denoBare), ""]
]

const header = `Budgets (${RUNS} runs each, median; Node ${process.version}, ${
  spawnSync(deno, ["--version"], { encoding: "utf8" }).stdout.split("\n")[0]
})`
const table = [
  "| measure | value | | budget |",
  "| --- | ---: | ---: | --- |",
  ...rows.map((r) => `| ${r.join(" | ")} |`)
].join("\n")
console.log(`${header}\n\n${table}`)
writeFileSync(
  join(results, "budgets.json"),
  JSON.stringify(
    {
      runs: RUNS,
      node: process.version,
      workerRaw,
      workerGzip,
      nodeBare,
      nodePackage,
      nodeFloor,
      nodeBundle,
      nodeFloorBundle,
      denoBare,
      denoPackage,
      dependencies: external
    },
    null,
    2
  )
)
