/**
 * The redirect rule as a table (the runtime tests in test/runtime show it
 * on every HTTP client; this pins each branch, including the ones a local
 * test server cannot reach, such as https to http).
 */
import { describe, expect, it } from "@effect/vitest"
import * as Transport from "../src/internal/transport.ts"

const request = (over: Partial<Transport.Request> = {}): Transport.Request => ({
  operation: "Sites.get",
  method: "GET",
  url: "https://tableau.example.com/api/3.24/sites/s1",
  pathTemplate: "/api/{v}/sites/{siteId}",
  headers: { "x-tableau-auth": "token" },
  body: Transport.noBody,
  idempotent: true,
  timeout: 1000,
  retry: false,
  ...over
})

const signIn = (over: Partial<Transport.Request> = {}) =>
  request({
    operation: "Auth.signIn",
    method: "POST",
    url: "https://prod-useast-a.online.tableau.com/api/3.24/auth/signin",
    headers: {},
    body: Transport.xmlBody("<tsRequest/>"),
    signIn: true,
    redirectHosts: ["*.online.tableau.com"],
    ...over
  })

const decide = (r: Transport.Request, status: number, location: string | undefined, hops = 0) => {
  const d = Transport.decideRedirect(r, status, location, hops)
  return d._tag === "Follow" ? `Follow ${d.method} ${d.url}` : `Refuse: ${d.reason}`
}

describe("redirect rule", () => {
  it("GET: same origin followed with its token, another origin refused, loops bounded", () => {
    expect(decide(request(), 302, "/api/3.24/sites/s2")).toBe("Follow GET https://tableau.example.com/api/3.24/sites/s2")
    expect(decide(request(), 301, "https://evil.example.net/x")).toBe("Refuse: the token is only sent to https://tableau.example.com")
    expect(decide(request(), 302, "http://tableau.example.com/api/3.24/sites/s1")).toMatch(/^Refuse: the token is only sent/)
    expect(decide(request(), 302, "https://tableau.example.com:8443/x")).toMatch(/^Refuse: the token is only sent/)
    expect(decide(request(), 302, "/again", 5)).toBe("Refuse: more than 5 redirects")
    expect(decide(request(), 302, "javascript:alert(1)")).toBe("Refuse: only http and https are followed")
    expect(decide(request(), 302, undefined)).toBe("Refuse: the answer has no Location header")
    expect(decide(request(), 300, "/x")).toBe("Refuse: HTTP 300 is not followed")
  })

  it("sign-in: re-posted to the same origin or an allowed host; never to another host, to http, or as a GET", () => {
    expect(decide(signIn(), 301, "https://prod-uswest-b.online.tableau.com/api/3.24/auth/signin")).toBe(
      "Follow POST https://prod-uswest-b.online.tableau.com/api/3.24/auth/signin"
    )
    expect(decide(signIn(), 308, "/api/3.24/auth/signin")).toBe(
      "Follow POST https://prod-useast-a.online.tableau.com/api/3.24/auth/signin"
    )
    expect(decide(signIn(), 307, "https://online.tableau.com.evil.net/api/3.24/auth/signin")).toMatch(
      /^Refuse: the credentials are only sent to https:\/\/prod-useast-a\.online\.tableau\.com; to allow this host/
    )
    expect(decide(signIn(), 302, "http://prod-uswest-b.online.tableau.com/api/3.24/auth/signin")).toBe(
      "Refuse: a sign-in is never sent from https to http"
    )
    expect(decide(signIn(), 303, "/api/3.24/auth/signin")).toBe("Refuse: a sign-in is never turned into a GET")
    expect(decide(signIn({ redirectHosts: [] }), 301, "https://prod-uswest-b.online.tableau.com/x")).toMatch(/^Refuse/)
  })

  it("other methods are never re-sent nor turned into a GET, even on the same origin", () => {
    for (const method of ["POST", "PUT", "DELETE"] as const) {
      expect(decide(request({ method }), 307, "/api/3.24/sites/s1")).toBe(
        `Refuse: a ${method} is not re-sent to another address (nor turned into a GET)`
      )
    }
  })

  it("a tokenless GET (server info) may follow to an allowed host, not downgrade to http", () => {
    const info = request({ headers: {}, url: "https://a.online.tableau.com/api/2.4/serverinfo", redirectHosts: ["*.online.tableau.com"] })
    expect(decide(info, 302, "https://b.online.tableau.com/api/2.4/serverinfo")).toBe(
      "Follow GET https://b.online.tableau.com/api/2.4/serverinfo"
    )
    expect(decide(info, 302, "http://b.online.tableau.com/api/2.4/serverinfo")).toMatch(/^Refuse/)
    expect(decide(info, 302, "https://elsewhere.example/api/2.4/serverinfo")).toMatch(/^Refuse/)
  })

  it("host patterns: exact or *.suffix, case-insensitive; the bare suffix is not a subdomain", () => {
    expect(Transport.hostAllowed("Prod-A.Online.Tableau.com", ["*.online.tableau.com"])).toBe(true)
    expect(Transport.hostAllowed("online.tableau.com", ["*.online.tableau.com"])).toBe(false)
    expect(Transport.hostAllowed("evilonline.tableau.com", ["*.online.tableau.com"])).toBe(false)
    expect(Transport.hostAllowed("tableau.example.com", ["tableau.example.com"])).toBe(true)
  })
})
