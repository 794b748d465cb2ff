/**
 * One benchmark scenario in a fresh process (forked by `bench/index.ts`),
 * so `process.resourceUsage().maxRSS` is the peak RSS of that scenario
 * alone. argv[2]: the scenario as JSON; the result goes to the parent as
 * one IPC message.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { Credentials, TableauSession } from "../mod.ts"
import * as Upload from "../src/internal/upload.ts"
import * as Data from "./data.ts"
import { collection, publishes, upload, type Uploaded } from "./target.ts"

export type Scenario =
  | {
    readonly kind: "paging"
    readonly url: string
    readonly n: number
    readonly pageSize: number
    readonly concurrency: number
    /** A fast retry policy (resilience runs) instead of the default one. */
    readonly fastRetry?: boolean | undefined
  }
  | {
    readonly kind: "upload"
    readonly url: string
    readonly size: number
    readonly chunkBytes: number
    readonly mode: "ours" | "raw"
    readonly fastRetry?: boolean | undefined
  }

export interface ClientResult {
  readonly wallMs: number
  readonly items?: number | undefined
  /** Every item exactly once, in order. */
  readonly exact?: boolean | undefined
  readonly firstMismatch?: string | undefined
  readonly uploaded?: Uploaded | undefined
  readonly baseRssMiB: number
  readonly peakRssMiB: number
  /** Sampled peaks of ArrayBuffer memory and of the JS heap. */
  readonly peakArrayBuffersMiB?: number | undefined
  readonly peakHeapMiB?: number | undefined
  /** CPU time (user + system) of the client process during the measured part. */
  readonly cpuMs?: number | undefined
  readonly error?: string | undefined
}

const scenario = JSON.parse(process.argv[2] ?? "{}") as Scenario

// Peak of V8's ArrayBuffer memory, sampled every 10 ms (what RSS is made of, besides the heap).
let peakArrayBuffers = 0
let peakHeap = 0
setInterval(() => {
  const m = process.memoryUsage()
  peakArrayBuffers = Math.max(peakArrayBuffers, m.arrayBuffers)
  peakHeap = Math.max(peakHeap, m.heapUsed)
}, 10).unref()
const rss = () => process.memoryUsage().rss / 1024 / 1024
const peak = () => process.resourceUsage().maxRSS / 1024
const cpuSince = (start: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(start)
  return (used.user + used.system) / 1000
}

const sessionLayer = (url: string, fastRetry: boolean | undefined) =>
  TableauSession.layer({
    server: url,
    credentials: Credentials.password({ username: "admin", password: "admin" }),
    ...(fastRetry ? { retry: { maxRetries: 6, baseDelay: 20, maxDelay: 500, maxRetryAfter: 5000 } } : {})
  }).pipe(Layer.provide(FetchHttpClient.layer))

const paging = (s: Extract<Scenario, { kind: "paging" }>) =>
  Effect.gen(function*() {
    yield* TableauSession.current
    const baseRssMiB = rss()
    let index = 0
    let firstMismatch: string | undefined
    const cpu = process.cpuUsage()
    const started = performance.now()
    yield* Stream.runForEach(
      collection.list({ pageSize: s.pageSize, concurrency: s.concurrency }),
      (item) =>
        Effect.sync(() => {
          const key = collection.key(item)
          if (firstMismatch === undefined && key !== collection.expected(index)) {
            firstMismatch = `item ${index}: ${key}, expected ${collection.expected(index)}`
          }
          index++
        })
    )
    const wallMs = performance.now() - started
    return {
      wallMs,
      cpuMs: cpuSince(cpu),
      items: index,
      exact: firstMismatch === undefined && index === s.n + 1,
      firstMismatch,
      baseRssMiB,
      peakRssMiB: peak()
    } satisfies ClientResult
  }).pipe(Effect.provide(sessionLayer(s.url, s.fastRetry)))

const ours = (s: Extract<Scenario, { kind: "upload" }>) =>
  Effect.gen(function*() {
    yield* TableauSession.current
    const baseRssMiB = rss()
    const cpu = process.cpuUsage()
    const started = performance.now()
    const uploaded = yield* upload(Data.source(s.size), s.size, s.chunkBytes)
    const wallMs = performance.now() - started
    return { wallMs, cpuMs: cpuSince(cpu), uploaded, baseRssMiB, peakRssMiB: peak() } satisfies ClientResult
  }).pipe(Effect.provide(sessionLayer(s.url, s.fastRetry)))

/**
 * The same requests by hand with `fetch`: sign in, initiate, one PUT per
 * framed chunk, sequentially, then (when the target publishes) the publish
 * request with the upload session.
 */
const raw = async (s: Extract<Scenario, { kind: "upload" }>): Promise<ClientResult> => {
  const signIn = await fetch(`${s.url}/api/3.24/auth/signin`, {
    method: "POST",
    headers: { "content-type": "application/xml" },
    body: `<tsRequest><credentials name="admin" password="admin"><site contentUrl=""/></credentials></tsRequest>`
  })
  const credentials = await signIn.text()
  const token = /token="([^"]+)"/.exec(credentials)?.[1] ?? ""
  const siteId = /<site id="([^"]+)"/.exec(credentials)?.[1] ?? ""
  const headers = { "x-tableau-auth": token }
  const site = `${s.url}/api/3.24/sites/${siteId}`
  const base = `${site}/fileUploads`
  const projects = await (await fetch(`${site}/projects`, { headers })).text()
  const projectId = /<project id="([^"]+)"/.exec(projects)?.[1] ?? ""
  const baseRssMiB = rss()
  const cpu = process.cpuUsage()
  const started = performance.now()
  const initiated = await (await fetch(base, { method: "POST", headers })).text()
  const uploadSessionId = /uploadSessionId="([^"]+)"/.exec(initiated)?.[1] ?? ""
  const boundary = Upload.makeBoundary()
  const encoder = new TextEncoder()
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: name="request_payload"\r\nContent-Type: text/xml\r\n\r\n` +
      `\r\n--${boundary}\r\nContent-Disposition: name="tableau_file"; filename="file"\r\nContent-Type: application/octet-stream\r\n\r\n`
  )
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`)
  let next = 0
  for (let offset = 0; offset < s.size; offset += s.chunkBytes) {
    const length = Math.min(s.chunkBytes, s.size - offset)
    const body = new Uint8Array(head.byteLength + length + tail.byteLength)
    body.set(head, 0)
    let at = head.byteLength
    while (at < head.byteLength + length) {
      const p = Data.piece(next++, s.size)
      body.set(p, at)
      at += p.byteLength
    }
    body.set(tail, at)
    const response = await fetch(`${base}/${encodeURIComponent(uploadSessionId)}`, {
      method: "PUT",
      headers: { ...headers, "content-type": `multipart/mixed; boundary=${boundary}` },
      body
    })
    await response.text()
    if (response.status !== 200) throw new Error(`append answered ${response.status}`)
  }
  let uploaded: Uploaded = { kind: "upload", id: uploadSessionId }
  if (publishes) {
    const payload = `<tsRequest><workbook name="raw-${s.size}-${Date.now()}"><project id="${projectId}"/></workbook></tsRequest>`
    const response = await fetch(
      `${site}/workbooks?uploadSessionId=${encodeURIComponent(uploadSessionId)}&workbookType=twbx&overwrite=true`,
      {
        method: "POST",
        headers: { ...headers, "content-type": `multipart/mixed; boundary=${boundary}` },
        body: `--${boundary}\r\nContent-Disposition: name="request_payload"\r\nContent-Type: text/xml\r\n\r\n${payload}\r\n--${boundary}--\r\n`
      }
    )
    const published = await response.text()
    if (response.status !== 201) throw new Error(`publish answered ${response.status}: ${published.slice(0, 300)}`)
    uploaded = { kind: "workbook", id: /<workbook id="([^"]+)"/.exec(published)?.[1] ?? "" }
  }
  const wallMs = performance.now() - started
  const cpuMs = cpuSince(cpu)
  await fetch(`${s.url}/api/3.24/auth/signout`, { method: "POST", headers })
  return { wallMs, cpuMs, uploaded, baseRssMiB, peakRssMiB: peak() }
}

const main = async (): Promise<ClientResult> => {
  switch (scenario.kind) {
    case "paging":
      return Effect.runPromise(paging(scenario))
    case "upload":
      return scenario.mode === "raw" ? raw(scenario) : Effect.runPromise(ours(scenario))
  }
}

main().then(
  (result) =>
    process.send?.(
      { ...result, peakArrayBuffersMiB: peakArrayBuffers / 1024 / 1024, peakHeapMiB: peakHeap / 1024 / 1024 },
      () => process.exit(0)
    ),
  (error: unknown) =>
    process.send?.({ wallMs: 0, baseRssMiB: 0, peakRssMiB: peak(), error: String(error) } satisfies ClientResult, () =>
      process.exit(1))
)
