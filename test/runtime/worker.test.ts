/**
 * The Worker example (examples/worker) bundled with esbuild and run in real
 * workerd through Miniflare, against the fake Tableau served on 127.0.0.1.
 * No compatibility flags: the Worker needs fetch only.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Scope from "effect/Scope"
import { Miniflare } from "miniflare"
import { gzipSync } from "node:zlib"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { bundleWorker } from "../../examples/worker/build.ts"
import * as FakeTableau from "../../src/testing.ts"
import { type Hostile, hostile } from "./hostile.ts"

const COMPATIBILITY_DATE = "2025-09-01"

interface SitesAnswer {
  readonly siteId: string
  readonly sites: ReadonlyArray<{ readonly id: string; readonly name: string; readonly contentUrl: string }>
}

describe("runtime: Cloudflare workerd", () => {
  const scope = Effect.runSync(Scope.make())
  let url = ""
  let fake: FakeTableau.FakeServer
  let worker: Miniflare
  let bundle: { readonly code: string; readonly inputs: ReadonlyArray<string> }

  const start = (bindings: Record<string, string>) =>
    new Miniflare({
      modules: [{ type: "ESModule", path: "worker.js", contents: bundle.code }],
      compatibilityDate: COMPATIBILITY_DATE,
      bindings
    })

  beforeAll(async () => {
    bundle = await bundleWorker()
    const served = await Effect.runPromise(Scope.extend(FakeTableau.serve({ sites: 120 }), scope))
    url = served.url
    fake = served.fake
    worker = start({ TABLEAU_SERVER: url, TABLEAU_USERNAME: "admin", TABLEAU_PASSWORD: "admin" })
    await worker.ready
  })

  afterAll(async () => {
    await worker?.dispose()
    await Effect.runPromise(Scope.close(scope, Exit.void))
  })

  it("bundles with no Node built-ins and none of the fake server", () => {
    expect(bundle.inputs.filter((input) => input.startsWith("node:") || input.includes("/fake/"))).toEqual([])
  })

  // 125 KB since the hostile-server hardening (redirect rule, time bounds, size
  // cap, secret masking by value): it added 3.0 KB gzipped to a 118.7 KB bundle.
  it("stays within the bundle budget: 125 KB minified + gzipped", () => {
    // Measured in full by `npm run bench:budgets`; see docs/runtime.md.
    expect(gzipSync(bundle.code, { level: 9 }).length).toBeLessThanOrEqual(125_000)
  })

  it("signs in, lists every site (two pages) and answers JSON", async () => {
    const before = fake.log.length
    const response = await worker.dispatchFetch("http://worker.test/")
    expect(response.status).toBe(200)
    expect(response.headers.get("content-type")).toContain("application/json")
    const body = (await response.json()) as SitesAnswer
    expect(body.sites).toHaveLength(121)
    expect(body.sites[0]).toMatchObject({ name: "Default", contentUrl: "" })
    expect(body.sites.map((s) => s.contentUrl)).toContain("site120")
    expect(body.siteId).toBe(body.sites[0]!.id)
    const calls = fake.log.slice(before).map((e) => `${e.method} ${e.path.replace(/\/api\/[\d.]+\//, "/")} ${e.status}`)
    expect(calls).toEqual([
      "GET /serverinfo 200",
      "POST /auth/signin 200",
      "GET /sites 200",
      "GET /sites 200",
      "POST /auth/signout 204"
    ])
  })

  it("answers a typed error as JSON when sign-in is refused", async () => {
    const refused = start({ TABLEAU_SERVER: url, TABLEAU_USERNAME: "admin", TABLEAU_PASSWORD: "wrong" })
    try {
      const response = await refused.dispatchFetch("http://worker.test/")
      expect(response.status).toBe(502)
      expect(await response.json()).toMatchObject({ error: "SignInFailed" })
    } finally {
      await refused.dispose()
    }
  })

  describe("redirects (the hostile-server rule, in workerd's fetch)", () => {
    /** Runs the Worker against a server whose answers `answer` bends; 127.0.0.2 records what reaches it. */
    const against = async (answer: (request: Request, other: Hostile) => Response | undefined) => {
      const local = Effect.runSync(Scope.make())
      try {
        const other = await Effect.runPromise(Scope.extend(hostile(undefined, "127.0.0.2"), local))
        const main = await Effect.runPromise(Scope.extend(hostile((request) => answer(request, other)), local))
        const redirected = start({ TABLEAU_SERVER: main.url, TABLEAU_USERNAME: "admin", TABLEAU_PASSWORD: "admin" })
        try {
          const response = await redirected.dispatchFetch("http://worker.test/")
          return { status: response.status, body: (await response.json()) as { error?: string; message?: string }, other }
        } finally {
          await redirected.dispose()
        }
      } finally {
        await Effect.runPromise(Scope.close(local, Exit.void))
      }
    }
    const to = (status: number, location: string) => new Response(null, { status, headers: { location } })
    const path = (request: Request) => new URL(request.url).pathname

    it("a GET redirected to another origin is refused; the token never reaches it", async () => {
      const { body, other, status } = await against((request, other) =>
        request.method === "GET" && path(request).endsWith("/sites") ? to(302, `${other.url}${path(request)}`) : undefined
      )
      expect([status, body.error]).toEqual([502, "RedirectRefused"])
      expect(body.message).toContain("127.0.0.2")
      expect(other.seen).toEqual([])
    })

    for (const code of [301, 307, 308]) {
      it(`a sign-in answered ${code} to another origin is refused; the password never reaches it`, async () => {
        const { body, other } = await against((request, other) =>
          path(request).endsWith("/auth/signin") ? to(code, `${other.url}${path(request)}`) : undefined
        )
        expect(body.error).toBe("RedirectRefused")
        expect(other.seen).toEqual([])
      })
    }
  })
})
