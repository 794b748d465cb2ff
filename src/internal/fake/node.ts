/**
 * Serves a fake Tableau server over real HTTP with `node:http` (Node and
 * Deno). Kept apart from the in-memory fake so Workers never load it.
 *
 * @internal
 */
import * as http from "node:http"
import type { AddressInfo } from "node:net"
import { Readable } from "node:stream"
import { type FakeServer, RESET } from "./server.ts"

export interface Listening {
  readonly url: string
  readonly port: number
  readonly close: () => Promise<void>
}

export const listen = (fake: FakeServer, port = 0, host = "127.0.0.1"): Promise<Listening> =>
  new Promise((resolve, reject) => {
    const server = http.createServer((req, res) => {
      const controller = new AbortController()
      res.on("close", () => {
        if (!res.writableEnded) controller.abort()
      })
      const method = req.method ?? "GET"
      const headers = new Headers()
      for (const [key, value] of Object.entries(req.headers)) {
        if (value === undefined) continue
        headers.set(key, Array.isArray(value) ? value.join(", ") : value)
      }
      const hasBody = method !== "GET" && method !== "HEAD"
      const request = new Request(`http://${host}:${(server.address() as AddressInfo).port}${req.url ?? "/"}`, {
        method,
        headers,
        signal: controller.signal,
        ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {})
      } as RequestInit)
      fake.handle(request).then(
        (result) => {
          if (result === RESET) {
            req.socket.destroy()
            return
          }
          const outHeaders: Record<string, string> = {}
          result.headers.forEach((value, key) => {
            outHeaders[key] = value
          })
          res.writeHead(result.status, outHeaders)
          if (result.body === null) {
            res.end()
            return
          }
          Readable.fromWeb(result.body as import("node:stream/web").ReadableStream<Uint8Array>).pipe(res)
        },
        (error: unknown) => {
          res.writeHead(500, { "content-type": "text/plain" })
          res.end(`fake server failure: ${error instanceof Error ? error.message : String(error)}`)
        }
      )
    })
    server.keepAliveTimeout = 60_000
    server.headersTimeout = 65_000
    server.requestTimeout = 0
    server.on("error", reject)
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo
      resolve({
        url: `http://${host}:${address.port}`,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections()
            server.close(() => done())
          })
      })
    })
  })
