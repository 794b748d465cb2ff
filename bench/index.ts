/**
 * `npm run bench -- <section> [--flag=value ...]`
 *
 * Sections: `paging`, `decode`, `upload`, `resilience`, `all` (default).
 * The fake server runs in a child process (`server.ts`); every client
 * scenario runs in a fresh child process (`client.ts`), so the peak RSS
 * reported is that scenario's alone and the server's CPU work (rendering
 * XML, SHA-256) does not share the client's event loop. Results are
 * printed as a table and written as JSON to `bench/results/`.
 *
 * Flags: `--sizes=10000,100000 --pageSizes=100,1000 --latencies=0,20
 * --concurrency=1,4,16` (paging), `--uploadMiB=256,1024 --chunkMiB=16
 * --repeat=3` (upload), `--prof` (write a V8 CPU profile of every client
 * to bench/results/profiles/).
 */
import { type ChildProcess, fork } from "node:child_process"
import { mkdirSync, writeFileSync } from "node:fs"
import { cpus } from "node:os"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"
import type { ClientResult, Scenario } from "./client.ts"
import * as Data from "./data.ts"
import * as Decode from "./decode.ts"
import type { ServerMessage } from "./server.ts"
import { DEFAULT_CHUNK_BYTES } from "../src/internal/upload.ts"
import { collection, publishes } from "./target.ts"

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url))
const args = process.argv.slice(2)
const section = args.find((a) => !a.startsWith("--")) ?? "all"
const flag = (name: string, fallback: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback
const numbers = (name: string, fallback: string) => flag(name, fallback).split(",").map(Number)
const prof = args.includes("--prof")
const resultsDir = here("./results")
mkdirSync(`${resultsDir}/profiles`, { recursive: true })

// The child processes run bundles under plain `node`: with tsx's loader in
// the process, RSS would include its transpiler (about 60 MiB more).
await build({
  entryPoints: { client: here("./client.ts"), server: here("./server.ts") },
  outdir: `${resultsDir}/build`,
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: prof,
  logLevel: "error",
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" }
})
const bundle = (name: string) => `${resultsDir}/build/${name}.mjs`

// ---------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------

interface Server {
  readonly url: string
  readonly call: <T>(message: DistributiveOmit<ServerMessage, "id">) => Promise<T>
  readonly close: () => void
}
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never

const startServer = (options: object): Promise<Server> =>
  new Promise((resolve, reject) => {
    const execArgv = [...(prof ? ["--cpu-prof", `--cpu-prof-dir=${resultsDir}/profiles`, "--enable-source-maps"] : [])]
    const child = fork(bundle("server"), [JSON.stringify(options)], { execArgv })
    const pending = new Map<number, (result: unknown) => void>()
    let next = 1
    child.on("message", (message: { id: number; result: unknown }) => {
      if (message.id === 0) {
        const { url } = message.result as { url: string }
        resolve({
          url,
          call: <T>(m: DistributiveOmit<ServerMessage, "id">) =>
            new Promise<T>((done) => {
              const id = next++
              pending.set(id, (r) => done(r as T))
              child.send({ ...m, id })
            }),
          // A disconnect lets the server exit normally (and write its profile).
          close: () => child.disconnect()
        })
        return
      }
      pending.get(message.id)?.(message.result)
      pending.delete(message.id)
    })
    child.on("error", reject)
  })

const runClient = (scenario: Scenario): Promise<ClientResult> =>
  new Promise((resolve, reject) => {
    const execArgv = [...(prof ? ["--cpu-prof", `--cpu-prof-dir=${resultsDir}/profiles`, "--enable-source-maps"] : [])]
    const child: ChildProcess = fork(bundle("client"), [JSON.stringify(scenario)], { execArgv })
    let result: ClientResult | undefined
    child.on("message", (message: ClientResult) => {
      result = message
    })
    child.on("exit", () => (result ? resolve(result) : reject(new Error("the client exited without a result"))))
    child.on("error", reject)
  })

// ---------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------

type Row = Record<string, string | number | boolean | undefined>

const table = (title: string, rows: ReadonlyArray<Row>) => {
  if (rows.length === 0) return
  const columns = Object.keys(rows[0]!)
  const cell = (v: Row[string]) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v ?? ""))
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)))
  const line = (values: ReadonlyArray<string>) => `| ${values.map((v, i) => v.padStart(widths[i]!)).join(" | ")} |`
  console.log(`\n${title}\n${line(columns)}\n|${widths.map((w) => "-".repeat(w + 1) + ":").join("|")}|`)
  for (const r of rows) console.log(line(columns.map((c) => cell(r[c]))))
}

const save = (name: string, data: unknown) => {
  const body = JSON.stringify({ section: name, at: new Date().toISOString(), machine: machine(), argv: args, data }, null, 2)
  writeFileSync(`${resultsDir}/${name}.json`, body)
  console.log(`\n-> bench/results/${name}.json`)
}

const machine = () => ({
  cpu: cpus()[0]?.model,
  cores: cpus().length,
  node: process.version,
  platform: `${process.platform} ${process.arch}`
})

// ---------------------------------------------------------------------------
// Sections
// ---------------------------------------------------------------------------

const paging = async () => {
  const rows: Array<Row> = []
  for (const n of numbers("sizes", "10000,100000")) {
    const server = await startServer(collection.seed(n))
    try {
      // Warm the server up (JIT, list cache) so the first measured row is not its cold start.
      await runClient({ kind: "paging", url: server.url, n, pageSize: 1000, concurrency: 4 })
      for (const latency of numbers("latencies", "0,20")) {
        await server.call({ op: "faults", patch: { latencyMs: latency } })
        for (const pageSize of numbers("pageSizes", "100,1000")) {
          for (const concurrency of numbers("concurrency", "1,4,16")) {
            const before = await server.call<number>({ op: "count" })
            const serverCpuBefore = await server.call<number>({ op: "cpu" })
            const r = await runClient({ kind: "paging", url: server.url, n, pageSize, concurrency })
            const requests = (await server.call<number>({ op: "count" })) - before
            const serverCpuS = ((await server.call<number>({ op: "cpu" })) - serverCpuBefore) / 1000
            const row: Row = {
              items: n,
              pageSize,
              latencyMs: latency,
              concurrency,
              wallS: r.wallMs / 1000,
              itemsPerS: Math.round((r.items ?? 0) / (r.wallMs / 1000)),
              peakRssMiB: Math.round(r.peakRssMiB),
              requests,
              clientCpuS: (r.cpuMs ?? 0) / 1000,
              serverCpuS,
              exact: r.exact,
              error: r.error
            }
            rows.push(row)
            console.log(JSON.stringify(row))
          }
        }
      }
    } finally {
      server.close()
    }
  }
  // Speed-up of each row over its sequential baseline.
  for (const row of rows) {
    const base = rows.find((r) =>
      r["items"] === row["items"] && r["pageSize"] === row["pageSize"] && r["latencyMs"] === row["latencyMs"] &&
      r["concurrency"] === 1
    )
    row["speedup"] = base ? Number(base["wallS"]) / Number(row["wallS"]) : undefined
  }
  table(`Paging ${collection.name} (requests include serverinfo, sign-in and sign-out)`, rows)
  save("paging", rows)
}

const decode = async () => {
  const r = await Decode.run(Number(flag("iterations", "60")))
  table("Decode one 1,000-item page (median ms)", [{ ...r }])
  save("decode", r)
}

const MiB = 1024 * 1024

/** What the fake holds for an upload's result: size and SHA-256. */
const storedOf = (server: Server, r: ClientResult) =>
  r.uploaded
    ? server.call<{ size: number; sha256: string }>({ op: "take", kind: r.uploaded.kind, uploadId: r.uploaded.id })
    : Promise.resolve(undefined)

const upload = async () => {
  const rows: Array<Row> = []
  const server = await startServer({})
  const chunkBytes = Number(flag("chunkMiB", String(DEFAULT_CHUNK_BYTES / MiB))) * MiB
  const repeat = Number(flag("repeat", "3"))
  try {
    for (const sizeMiB of numbers("uploadMiB", "256,1024")) {
      const size = sizeMiB * MiB
      const expected = Data.sha256(size)
      for (let i = 0; i < repeat; i++) {
        for (const mode of ["raw", "ours"] as const) {
          const serverCpuBefore = await server.call<number>({ op: "cpu" })
          const r = await runClient({ kind: "upload", url: server.url, size, chunkBytes, mode })
          const serverCpuS = ((await server.call<number>({ op: "cpu" })) - serverCpuBefore) / 1000
          const stored = await storedOf(server, r)
          const row: Row = {
            mode,
            sizeMiB,
            chunkMiB: chunkBytes / MiB,
            run: i + 1,
            wallS: r.wallMs / 1000,
            MiBPerS: sizeMiB / (r.wallMs / 1000),
            peakRssMiB: Math.round(r.peakRssMiB),
            baseRssMiB: Math.round(r.baseRssMiB),
            peakBuffersMiB: Math.round(r.peakArrayBuffersMiB ?? 0),
            peakHeapMiB: Math.round(r.peakHeapMiB ?? 0),
            clientCpuS: (r.cpuMs ?? 0) / 1000,
            serverCpuS,
            identical: stored?.sha256 === expected && stored.size === size,
            error: r.error
          }
          rows.push(row)
          console.log(JSON.stringify(row))
        }
      }
    }
  } finally {
    server.close()
  }
  const summary: Array<Row> = []
  for (const sizeMiB of numbers("uploadMiB", "256,1024")) {
    const med = (mode: string, key: string) => {
      const values = rows.filter((r) => r["sizeMiB"] === sizeMiB && r["mode"] === mode).map((r) => Number(r[key]))
      return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN
    }
    summary.push({
      sizeMiB,
      rawMiBPerS: med("raw", "MiBPerS"),
      oursMiBPerS: med("ours", "MiBPerS"),
      ratio: med("ours", "MiBPerS") / med("raw", "MiBPerS"),
      rawPeakRssMiB: med("raw", "peakRssMiB"),
      oursPeakRssMiB: med("ours", "peakRssMiB")
    })
  }
  table(`Chunked upload runs (${publishes ? "Workbooks.publish" : "Upload.uploadFile"})`, rows)
  table(`Chunked upload, median of ${repeat}`, summary)
  save("upload", { rows, summary })
}

type Stats = { statuses: Record<string, number> }
const faultsBetween = (before: Stats, after: Stats) =>
  ["503", "429", "reset", "hang"]
    .map((k) => [k, (after.statuses[k] ?? 0) - (before.statuses[k] ?? 0)] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k}:${n}`)
    .join(" ")

const resilience = async () => {
  const rows: Array<Row> = []
  const n = Number(flag("resilienceItems", "100000"))
  const pagingServer = await startServer({
    ...collection.seed(n),
    faults: { errorRate: 0.05, retryAfterSeconds: 0, resetEvery: 200, latencyMs: Number(flag("resilienceLatency", "0")) }
  })
  try {
    for (const concurrency of numbers("resilienceConcurrency", "4,16")) {
      const before = await pagingServer.call<Stats>({ op: "stats" })
      const requestsBefore = await pagingServer.call<number>({ op: "count" })
      const r = await runClient({ kind: "paging", url: pagingServer.url, n, pageSize: 100, concurrency, fastRetry: true })
      const after = await pagingServer.call<Stats>({ op: "stats" })
      const row: Row = {
        test: `paging ${n} ${collection.name}, 5% 503/429 (Retry-After: 0) + reset every 200 requests`,
        concurrency,
        wallS: r.wallMs / 1000,
        requests: (await pagingServer.call<number>({ op: "count" })) - requestsBefore,
        faults: faultsBetween(before, after),
        outcome: r.exact ? `all ${r.items} items exactly once, in order` : `WRONG: ${r.error ?? r.firstMismatch ?? r.items}`
      }
      rows.push(row)
      console.log(JSON.stringify(row))
    }
  } finally {
    pagingServer.close()
  }
  const sizeMiB = Number(flag("resilienceUploadMiB", "1024"))
  const size = sizeMiB * MiB
  const expected = Data.sha256(size)
  const upload = async (test: string, faults: object, script: (server: Server) => Promise<unknown>) => {
    const server = await startServer({ faults })
    try {
      await script(server)
      const before = await server.call<Stats>({ op: "stats" })
      const requestsBefore = await server.call<number>({ op: "count" })
      const r = await runClient({ kind: "upload", url: server.url, size, chunkBytes: DEFAULT_CHUNK_BYTES, mode: "ours", fastRetry: true })
      const after = await server.call<Stats>({ op: "stats" })
      const stored = await storedOf(server, r)
      const row: Row = {
        test,
        concurrency: 1,
        wallS: r.wallMs / 1000,
        requests: (await server.call<number>({ op: "count" })) - requestsBefore,
        faults: faultsBetween(before, after),
        outcome: r.error !== undefined
          ? `failed: ${r.error.slice(0, 160)}`
          : stored?.sha256 === expected && stored.size === size
          ? "server holds identical bytes (SHA-256)"
          : `WRONG: server holds ${stored?.size} bytes, ${stored?.sha256}`
      }
      rows.push(row)
      console.log(JSON.stringify(row))
    } finally {
      server.close()
    }
  }
  await upload(`publish ${sizeMiB} MiB, connection reset mid-chunk on every 7th request`, { resetEvery: 7 }, () => Promise.resolve())
  await upload(
    `publish ${sizeMiB} MiB, reset AFTER the server appended chunk 10`,
    {},
    (server) =>
      server.call({ op: "inject", action: { _tag: "Delay", millis: 0 }, match: { method: "PUT", path: "/fileUploads/" }, times: 9 })
        .then(() => server.call({ op: "inject", action: { _tag: "ResetAfter" }, match: { method: "PUT", path: "/fileUploads/" }, times: 1 }))
  )
  table("Resilience, full size", rows)
  save("resilience", rows)
}

const sections: Record<string, () => Promise<void>> = { paging, decode, upload, resilience }
const chosen = section === "all" ? Object.keys(sections) : [section]
for (const name of chosen) {
  const run = sections[name]
  if (run === undefined) {
    console.error(`unknown section ${name}; use one of ${Object.keys(sections).join(", ")}, all`)
    process.exit(2)
  }
  await run()
}
