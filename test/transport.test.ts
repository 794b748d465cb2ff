import { describe, expect, it } from "@effect/vitest"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as TestClock from "effect/TestClock"
import { Credentials, Raw, Sites, TableauSession } from "../mod.ts"
import * as Endpoint from "../src/internal/endpoint.ts"
import * as Transport from "../src/internal/transport.ts"
import * as FakeTableau from "../src/testing.ts"
import { recordingTracer } from "./support/common.ts"

const policy: TableauSession.RetryPolicy = {
  maxRetries: 3,
  baseDelay: Duration.seconds(1),
  maxDelay: Duration.seconds(4),
  maxRetryAfter: Duration.seconds(30)
}

const session = (options: Partial<TableauSession.Options> = {}) =>
  FakeTableau.sessionLayer({ recordBodies: true, session: { retry: policy, apiVersion: "3.24", ...options } })

const attempts = (log: ReadonlyArray<FakeTableau.LogEntry>, method: string, pathEnd: string) =>
  log.filter((e) => e.method === method && e.path.endsWith(pathEnd))

describe("retry policy", () => {
  it.effect("retries a GET on 503 and 502 with backoff, then succeeds", () =>
    Effect.gen(function*() {
      const { siteId } = yield* TableauSession.current
      yield* FakeTableau.inject({ _tag: "Status", status: 503 }, { method: "GET" })
      yield* FakeTableau.inject({ _tag: "Status", status: 502 }, { method: "GET" })
      const fiber = yield* Effect.fork(Sites.get(siteId))
      const fake = yield* FakeTableau.FakeTableau
      // The first retry waits at least half the base delay (jitter is 0.8x to 1.2x).
      yield* TestClock.adjust("700 millis")
      expect(attempts(fake.log, "GET", siteId).length).toBe(1)
      yield* TestClock.adjust("10 seconds")
      const site = yield* Fiber.join(fiber)
      expect(site.id).toBe(siteId)
      expect(attempts(fake.log, "GET", siteId).map((e) => e.status)).toEqual([503, 502, 200])
    }).pipe(Effect.provide(session())))

  it.effect("gives up after maxRetries with the last error", () =>
    Effect.gen(function*() {
      const { siteId } = yield* TableauSession.current
      for (let i = 0; i < 4; i++) yield* FakeTableau.inject({ _tag: "Status", status: 503 }, { method: "GET" })
      const fiber = yield* Effect.fork(Effect.flip(Sites.get(siteId)))
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("ServerError")
      if (error._tag === "ServerError") expect(error.status).toBe(503)
      const fake = yield* FakeTableau.FakeTableau
      expect(attempts(fake.log, "GET", siteId).length).toBe(4)
    }).pipe(Effect.provide(session())))

  it.effect("honours Retry-After on 429, also when the body is an HTML page", () =>
    Effect.gen(function*() {
      const { siteId } = yield* TableauSession.current
      yield* FakeTableau.inject({ _tag: "Status", status: 429, retryAfter: "20", html: true }, { method: "GET" })
      const fiber = yield* Effect.fork(Sites.get(siteId))
      const fake = yield* FakeTableau.FakeTableau
      yield* TestClock.adjust("19 seconds")
      expect(attempts(fake.log, "GET", siteId).length).toBe(1)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      expect(attempts(fake.log, "GET", siteId).map((e) => e.status)).toEqual([429, 200])
    }).pipe(Effect.provide(session())))

  it.effect("fails with RateLimited carrying retryAfter when the wait is longer than allowed", () =>
    Effect.gen(function*() {
      const { siteId } = yield* TableauSession.current
      yield* FakeTableau.inject({ _tag: "Status", status: 429, retryAfter: "3600" }, { method: "GET" })
      const error = yield* Effect.flip(Sites.get(siteId))
      expect(error._tag).toBe("RateLimited")
      if (error._tag === "RateLimited") {
        expect(Option.map(Option.fromNullable(error.retryAfter), Duration.toSeconds)).toEqual(Option.some(3600))
        expect(error.code).toBe("429000")
      }
    }).pipe(Effect.provide(session())))

  it.effect("retries a GET whose connection was reset", () =>
    Effect.gen(function*() {
      const { siteId } = yield* TableauSession.current
      yield* FakeTableau.inject({ _tag: "Reset" }, { method: "GET" })
      const fiber = yield* Effect.fork(Sites.get(siteId))
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)
      const fake = yield* FakeTableau.FakeTableau
      expect(attempts(fake.log, "GET", siteId).map((e) => e.status)).toEqual(["reset", 200])
    }).pipe(Effect.provide(session())))

  it.effect("never replays a POST after the server may have acted, and says so", () =>
    Effect.gen(function*() {
      yield* FakeTableau.inject({ _tag: "ResetAfter" }, { method: "POST", path: "/sites" })
      const error = yield* Effect.flip(Sites.create({ name: "Once", contentUrl: "once" }))
      expect(error._tag).toBe("TransportError")
      if (error._tag === "TransportError") {
        expect(error.maybeApplied).toBe(true)
        expect(error.message).toContain("not replayed")
      }
      const fake = yield* FakeTableau.FakeTableau
      const posts = attempts(fake.log, "POST", "/sites")
      expect(posts.length).toBe(1)
      expect(posts[0]?.handled).toBe(true)
      // The server did act: the site exists.
      const site = yield* Sites.getByContentUrl("once")
      expect(site.name).toBe("Once")
    }).pipe(Effect.provide(session())))

  it.effect("does not replay a POST on 503 either", () =>
    Effect.gen(function*() {
      yield* FakeTableau.inject({ _tag: "Status", status: 503 }, { method: "POST", path: "/sites" })
      const error = yield* Effect.flip(Sites.create({ name: "Twice", contentUrl: "twice" }))
      expect(error._tag).toBe("ServerError")
      const fake = yield* FakeTableau.FakeTableau
      expect(attempts(fake.log, "POST", "/sites").length).toBe(1)
    }).pipe(Effect.provide(session())))

  it.effect("retries a POST refused with 429 (the server did not act)", () =>
    Effect.gen(function*() {
      yield* FakeTableau.inject({ _tag: "Status", status: 429, retryAfter: "1" }, { method: "POST", path: "/sites" })
      const fiber = yield* Effect.fork(Sites.create({ name: "Later", contentUrl: "later" }))
      yield* TestClock.adjust("1 second")
      const site = yield* Fiber.join(fiber)
      expect(site.name).toBe("Later")
    }).pipe(Effect.provide(session())))

  it.effect("the policy is configurable per call: no retries", () =>
    Effect.gen(function*() {
      const { siteId } = yield* TableauSession.current
      yield* FakeTableau.inject({ _tag: "Status", status: 503 }, { method: "GET" })
      const error = yield* Effect.flip(Sites.get(siteId).pipe(TableauSession.withRetryPolicy(false)))
      expect(error._tag).toBe("ServerError")
    }).pipe(Effect.provide(session())))

  it.effect("the policy is configurable per session", () =>
    Effect.gen(function*() {
      const { siteId } = yield* TableauSession.current
      yield* FakeTableau.inject({ _tag: "Status", status: 504 }, { method: "GET" })
      const error = yield* Effect.flip(Sites.get(siteId))
      expect(error._tag).toBe("ServerError")
    }).pipe(Effect.provide(session({ retry: false }))))
})

describe("timeouts", () => {
  it.effect("a request that never answers ends with a Timeout error", () =>
    Effect.gen(function*() {
      const { siteId } = yield* TableauSession.current
      yield* FakeTableau.inject({ _tag: "Hang" }, { method: "GET" })
      const fiber = yield* Effect.fork(Effect.flip(Sites.get(siteId).pipe(TableauSession.withRetryPolicy(false))))
      yield* TestClock.adjust("5 seconds")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("TransportError")
      if (error._tag === "TransportError") expect(error.reason).toBe("Timeout")
    }).pipe(Effect.provide(session({ timeout: "5 seconds" }))))

  it.effect("the timeout is configurable per call", () =>
    Effect.gen(function*() {
      const { siteId } = yield* TableauSession.current
      yield* FakeTableau.inject({ _tag: "Hang" }, { method: "GET" })
      const fiber = yield* Effect.fork(
        Effect.flip(Sites.get(siteId).pipe(TableauSession.withTimeout("1 second"), TableauSession.withRetryPolicy(false)))
      )
      yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(fiber)
      expect(error._tag).toBe("TransportError")
    }).pipe(Effect.provide(session({ timeout: "1 hour" }))))
})

describe("error mapping", () => {
  it("maps Tableau error codes to tags", () => {
    const body = (code: string) =>
      `<?xml version='1.0' encoding='UTF-8'?><tsResponse xmlns="http://tableau.com/api"><error code="${code}"><summary>S</summary><detail>D</detail></error></tsResponse>`
    expect(Transport.classify("Op", 400, body("400006"), undefined, false)._tag).toBe("BadRequest")
    expect(Transport.classify("Op", 401, body("401002"), undefined, false)._tag).toBe("Unauthorized")
    expect(Transport.classify("Op", 401, body("401001"), undefined, true)._tag).toBe("SignInFailed")
    expect(Transport.classify("Op", 403, body("403004"), undefined, false)._tag).toBe("Forbidden")
    expect(Transport.classify("Op", 404, body("404002"), undefined, false)._tag).toBe("NotFound")
    expect(Transport.classify("Op", 409, body("409017"), undefined, false)._tag).toBe("Conflict")
    expect(Transport.classify("Op", 429, "<html/>", undefined, false)._tag).toBe("RateLimited")
    expect(Transport.classify("Op", 500, body("500000"), undefined, false)._tag).toBe("ServerError")
    const notFound = Transport.classify("Users.get", 404, body("404002"), undefined, false)
    expect(notFound).toMatchObject({ code: "404002", summary: "S", detail: "D", status: 404, operation: "Users.get" })
  })

  it("parses Retry-After as seconds or as an HTTP date", () => {
    expect(Transport.parseRetryAfter("120", 0)).toEqual(Duration.seconds(120))
    expect(Transport.parseRetryAfter("Wed, 21 Oct 2015 07:28:10 GMT", Date.parse("Wed, 21 Oct 2015 07:28:00 GMT"))).toEqual(
      Duration.millis(10_000)
    )
    expect(Transport.parseRetryAfter("soon", 0)).toBeUndefined()
    expect(Transport.parseRetryAfter(undefined, 0)).toBeUndefined()
  })

  it.effect("an HTML page where XML was expected is a ResponseDecodeError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Endpoint.one("site", Sites.SiteItem).decode("Sites.get", 200, "<!DOCTYPE html><html><body>Login</body></html>")
      )
      expect(error._tag).toBe("ResponseDecodeError")
      expect(error.excerpt).toContain("<html>")
    }))

  it.effect("a billion-laughs document fails fast, without expanding entities", () =>
    Effect.gen(function*() {
      const entities = Array.from({ length: 10 }, (_, i) =>
        `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join("")
      const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${entities}]><tsResponse><site id="a" name="&lol10;"/></tsResponse>`
      const started = performance.now()
      const heapBefore = process.memoryUsage().heapUsed
      const error = yield* Effect.flip(Endpoint.one("site", Sites.SiteItem).decode("Sites.get", 200, bomb))
      expect(error.issue).toContain("DOCTYPE")
      expect(performance.now() - started).toBeLessThan(1000)
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(50 * 1024 * 1024)
    }))

  it.effect("a mismatching response names the path of the mismatch, with tokens masked", () =>
    Effect.gen(function*() {
      const body =
        `<tsResponse xmlns="http://tableau.com/api"><credentials token="SECRET-TOKEN"><site contentUrl=""/></credentials></tsResponse>`
      const error = yield* Effect.flip(
        Endpoint.one("credentials", Sites.SiteItem).decode("Auth.signIn", 200, body)
      )
      expect(error.path).toContain("credentials")
      expect(error.excerpt).not.toContain("SECRET-TOKEN")
      expect(error.issue).not.toContain("SECRET-TOKEN")
      expect(error.message).not.toContain("SECRET-TOKEN")
    }))
})

describe("spans", () => {
  it.effect("every call is a span named after the operation, with no token or secret in it", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const { siteId } = yield* TableauSession.current
      const token = Redacted.value((yield* TableauSession.current).token)
      yield* Sites.get(siteId).pipe(Effect.withTracer(tracer))
      yield* Sites.getPage({ pageNumber: 1 }).pipe(Effect.withTracer(tracer))
      const names = spans.map((s) => s.name)
      expect(names).toContain("Tableau.Sites.get")
      expect(names).toContain("Tableau.Sites.list")
      const get = spans.find((s) => s.name === "Tableau.Sites.get")!
      expect(get.attributes.get("http.request.method")).toBe("GET")
      expect(get.attributes.get("url.template")).toBe("/api/{v}/sites/{}")
      expect(get.attributes.get("http.response.status_code")).toBe(200)
      expect(spans.find((s) => s.name === "Tableau.Sites.list")!.attributes.get("tableau.page")).toBe(1)
      for (const span of spans) {
        for (const [key, value] of span.attributes) {
          expect(`${key}=${String(value)}`).not.toContain(token)
          expect(String(value)).not.toContain("admin:admin")
        }
      }
    }).pipe(Effect.provide(session())))

  it.effect("the sign-in span carries no password or token", () =>
    Effect.gen(function*() {
      const { spans, tracer } = recordingTracer()
      const fake = yield* FakeTableau.make()
      const layer = TableauSession.layer({
        server: FakeTableau.FAKE_URL,
        credentials: Credentials.password({ username: "admin", password: "admin-PASSWORD-xyz" })
      })
      ;(fake.state.credentials as { password: string }).password = "admin-PASSWORD-xyz"
      const client = yield* FakeTableau.httpClient(fake)
      const token = yield* TableauSession.current.pipe(
        Effect.map((c) => Redacted.value(c.token)),
        Effect.provide(layer.pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)))),
        Effect.withTracer(tracer)
      )
      expect(spans.map((s) => s.name)).toContain("Tableau.Auth.signIn")
      for (const span of spans) {
        for (const [key, value] of span.attributes) {
          expect(`${key}=${String(value)}`).not.toContain("PASSWORD-xyz")
          expect(`${key}=${String(value)}`).not.toContain(token)
        }
      }
    }))
})

describe("raw responses", () => {
  it.effect("Raw.withResponse gives status, headers and timing next to the value", () =>
    Effect.gen(function*() {
      const { siteId } = yield* TableauSession.current
      const [site, response] = yield* Raw.withResponse(Sites.get(siteId))
      expect(site.id).toBe(siteId)
      expect(response?.status).toBe(200)
      expect(response?.headers["content-type"]).toContain("application/xml")
      expect(response?.method).toBe("GET")
      expect(response?.durationMillis).toBeGreaterThanOrEqual(0)
      const [, none] = yield* Raw.withResponse(Effect.succeed(1))
      expect(none).toBeUndefined()
    }).pipe(Effect.provide(session())))
})
