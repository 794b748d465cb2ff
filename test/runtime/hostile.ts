/**
 * Hostile and broken servers: the same programs under Node (with each HTTP
 * client, `node.test.ts`), Deno (`deno.test.ts`) and, for redirects, workerd
 * (`worker.test.ts`). A "hostile" server is the fake Tableau behind a
 * wrapper that answers some requests its own way (redirects, bodies that
 * drip or never end, bombs, secrets echoed back); a second server on
 * 127.0.0.2 (another origin) records whatever reaches it.
 *
 * Public API only; assertions throw plain errors so no test framework is
 * needed to run them.
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import { inspect } from "node:util"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { Credentials, Ids, Sites, TableauSession, Users, Views } from "../../mod.ts"
import * as FakeTableau from "../../src/testing.ts"
import { expectEqual } from "./scenarios.ts"

/** The HTTP client the scenarios use. */
export type Client = Layer.Layer<HttpClient.HttpClient>

/** What reached a server: enough to tell whether a secret or a body went there. */
export interface Seen {
  readonly method: string
  readonly url: string
  readonly token: string | null
  readonly body: string
}

/** An answer of the wrapper, or `undefined` to let the fake answer. */
export type Answer = (request: Request, seen: Seen) => Response | undefined | Promise<Response | undefined>

/** The hostile server's own answers are counted per kind in `hits`. */
export interface Hostile {
  readonly url: string
  readonly fake: FakeTableau.FakeServer
  readonly seen: Array<Seen>
}

const SECRET = "pat-secret-0123456789"

/**
 * Serves the fake behind `answer` on `host` (127.0.0.1 by default) and
 * records every request that reaches it.
 */
export const hostile = (
  answer: Answer = () => undefined,
  host = "127.0.0.1",
  options: FakeTableau.FakeOptions = {}
): Effect.Effect<Hostile, never, Scope.Scope> =>
  Effect.gen(function*() {
    const fake = yield* FakeTableau.make({ credentials: { patSecret: SECRET }, ...options })
    const seen: Array<Seen> = []
    const wrapped: FakeTableau.FakeServer = {
      ...fake,
      handle: async (request) => {
        const body = request.body === null ? "" : await request.clone().text()
        const hit: Seen = { method: request.method, url: request.url, token: request.headers.get("x-tableau-auth"), body }
        seen.push(hit)
        return (await answer(request, hit)) ?? fake.handle(request)
      }
    }
    const served = yield* FakeTableau.serve({ fake: wrapped, host })
    return { url: served.url, fake, seen }
  })

/** A session layer to `url` with a personal access token whose secret is {@link SECRET}. */
const session = (url: string, client: Client, options: Partial<TableauSession.Options> = {}) =>
  TableauSession.layer({
    server: url,
    credentials: Credentials.personalAccessToken({ name: "admin", secret: SECRET }),
    apiVersion: "3.24",
    timeout: "2 seconds",
    retry: { maxRetries: 2, baseDelay: 10, maxDelay: 50, maxRetryAfter: 1000 },
    ...options
  }).pipe(Layer.provide(client))

const redirect = (status: number, location: string): Response =>
  new Response(null, { status, headers: { location } })

/** A body that sends `prefix`, then one byte every `everyMs` until the reader gives up. */
const drip = (prefix: string, everyMs: number): ReadableStream<Uint8Array> => {
  const encoder = new TextEncoder()
  let timer: ReturnType<typeof setInterval> | undefined
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(prefix))
      timer = setInterval(() => {
        try {
          controller.enqueue(encoder.encode(" "))
        } catch {
          clearInterval(timer)
        }
      }, everyMs)
    },
    cancel() {
      clearInterval(timer)
    }
  })
}

/** An answer that never comes; the wrapper's promise stays pending until the client gives up. */
const never = (request: Request): Promise<Response> =>
  new Promise<Response>((resolve) =>
    request.signal.addEventListener("abort", () => resolve(new Response(null, { status: 499 })), { once: true })
  )

const isSiteGet = (request: Request) => request.method === "GET" && /\/sites\/[0-9a-f-]+$/.test(new URL(request.url).pathname)
const isSignIn = (request: Request) => new URL(request.url).pathname.endsWith("/auth/signin")
const isSignOut = (request: Request) => new URL(request.url).pathname.endsWith("/auth/signout")

const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure, got a success")
  const failure = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  if (failure === undefined) throw new Error(`expected a typed failure, got ${exit.cause._tag}`)
  return failure
}

const tagOf = (error: unknown): string =>
  typeof error === "object" && error !== null && "_tag" in error ? String(error._tag) : typeof error

const field = (error: unknown, name: string): unknown =>
  typeof error === "object" && error !== null ? (error as Record<string, unknown>)[name] : undefined

/** Runs `program` in a session to `url` and returns how it ended, with the time it took. */
const attempt = <A, E>(
  url: string,
  client: Client,
  program: Effect.Effect<A, E, TableauSession.TableauSession>,
  options: Partial<TableauSession.Options> = {}
) =>
  Effect.gen(function*() {
    const started = Date.now()
    const exit = yield* Effect.exit(Effect.scoped(Effect.provide(program, session(url, client, options))))
    return { exit, millis: Date.now() - started }
  })

const siteGet = Effect.flatMap(TableauSession.current, (c) => Sites.get(c.siteId))

// ---------------------------------------------------------------------------
// Redirects
// ---------------------------------------------------------------------------

/** A 302 on a GET to another origin: refused, the other origin sees nothing (no token). */
export const crossOriginGet = (client: Client) =>
  Effect.scoped(Effect.gen(function*() {
    const other = yield* hostile(undefined, "127.0.0.2")
    const main = yield* hostile((request) => {
      const url = new URL(request.url)
      return isSiteGet(request) ? redirect(302, `${other.url}${url.pathname}`) : undefined
    })
    const { exit } = yield* attempt(main.url, client, siteGet)
    const error = failureOf(exit)
    expectEqual("refused", tagOf(error), "RedirectRefused")
    expectEqual("names the target", String(field(error, "location")).startsWith(other.url), true)
    expectEqual("the other origin saw nothing", other.seen.length, 0)
  }))

/** A 302 on a GET to the same origin is followed with the token; the call succeeds. */
export const sameOriginGet = (client: Client) =>
  Effect.scoped(Effect.gen(function*() {
    let redirected = false
    const main = yield* hostile((request) => {
      if (!isSiteGet(request) || redirected) return undefined
      redirected = true
      return redirect(302, new URL(request.url).pathname)
    })
    const { exit } = yield* attempt(main.url, client, siteGet)
    expectEqual("succeeded", Exit.isSuccess(exit), true)
    expectEqual("followed once, with the token", main.seen.filter((s) => s.method === "GET" && /sites\/[0-9a-f-]+$/.test(s.url)).map((s) => s.token !== null), [true, true])
  }))

/** 301, 302, 307 and 308 on sign-in to another origin: refused; the credentials never reach it. */
export const signInRedirectRefused = (client: Client) =>
  Effect.scoped(Effect.gen(function*() {
    const other = yield* hostile(undefined, "127.0.0.2")
    for (const status of [301, 302, 307, 308]) {
      const main = yield* hostile((request) =>
        isSignIn(request) ? redirect(status, `${other.url}${new URL(request.url).pathname}`) : undefined
      )
      const { exit } = yield* attempt(main.url, client, TableauSession.current)
      const error = failureOf(exit)
      expectEqual(`${status} refused`, tagOf(error), "RedirectRefused")
      expectEqual(`${status} message names the option`, String(field(error, "reason")).includes("signInRedirectHosts"), true)
    }
    expectEqual("the other origin saw nothing", other.seen.length, 0)
  }))

/**
 * A sign-in redirected (301, as Tableau Cloud does to a pod) to an allowed
 * host: the POST is re-sent there with its body (not turned into a GET),
 * and the session then works with that host, sign-out included.
 */
export const signInRedirectAllowed = (client: Client) =>
  Effect.scoped(Effect.gen(function*() {
    const pod = yield* hostile(undefined, "127.0.0.2")
    const main = yield* hostile((request) =>
      isSignIn(request) ? redirect(301, `${pod.url}${new URL(request.url).pathname}`) : undefined
    )
    const { exit } = yield* attempt(
      main.url,
      client,
      Effect.gen(function*() {
        const s = yield* TableauSession.TableauSession
        const sites = yield* Stream.runCollect(Sites.list())
        return { server: s.server, sites: sites.length }
      }),
      { signInRedirectHosts: ["127.0.0.2"] }
    )
    if (Exit.isFailure(exit)) throw new Error(`expected success, got ${String(exit.cause)}`)
    expectEqual("works with the pod", exit.value.server, pod.url)
    const podCalls = pod.seen.map((s) => `${s.method} ${new URL(s.url).pathname.replace(/\/api\/[\d.]+\//, "/")}`)
    expectEqual("the pod got the sign-in, the list and the sign-out", podCalls, ["POST /auth/signin", "GET /sites", "POST /auth/signout"])
    expectEqual("as a POST with its body", pod.seen[0]!.body.includes("personalAccessTokenName"), true)
    expectEqual("the configured host saw only the first sign-in", main.seen.length, 1)
  }))

/** A POST redirected even to the same origin is not re-sent, and not turned into a GET. */
export const postRedirectRefused = (client: Client) =>
  Effect.scoped(Effect.gen(function*() {
    const main = yield* hostile((request) =>
      request.method === "POST" && new URL(request.url).pathname.endsWith("/sites")
        ? redirect(307, new URL(request.url).pathname)
        : undefined
    )
    const { exit } = yield* attempt(main.url, client, Sites.create({ name: "X", contentUrl: "x" }))
    expectEqual("refused", tagOf(failureOf(exit)), "RedirectRefused")
    expectEqual("sent once", main.seen.filter((s) => s.url.endsWith("/sites")).length, 1)
  }))

/** A redirect loop ends after 5 hops with a typed error. */
export const redirectLoop = (client: Client) =>
  Effect.scoped(Effect.gen(function*() {
    const main = yield* hostile((request) => isSiteGet(request) ? redirect(302, new URL(request.url).pathname) : undefined)
    const { exit } = yield* attempt(main.url, client, siteGet, { retry: false })
    const error = failureOf(exit)
    expectEqual("refused", tagOf(error), "RedirectRefused")
    expectEqual("after 5 hops", main.seen.filter((s) => /sites\/[0-9a-f-]+$/.test(s.url)).length, 6)
  }))

// ---------------------------------------------------------------------------
// Time bounds
// ---------------------------------------------------------------------------

/** A sign-in that never answers ends with the deadline (not the fetch client's 300 s), and a caller's timeout ends it sooner. */
export const signInHangs = (client: Client) =>
  Effect.scoped(Effect.gen(function*() {
    const main = yield* hostile((request) => isSignIn(request) ? never(request) : undefined)
    const bounded = yield* attempt(main.url, client, TableauSession.current, { timeout: "200 millis", deadline: "500 millis" })
    const error = failureOf(bounded.exit)
    expectEqual("times out", [tagOf(error), field(error, "reason")], ["TransportError", "Timeout"])
    expectEqual(`within the deadline (took ${bounded.millis} ms)`, bounded.millis < 2_000, true)
    const started = Date.now()
    const cut = yield* Effect.exit(
      Effect.scoped(Effect.provide(TableauSession.current, session(main.url, client, { timeout: "30 seconds" }))).pipe(
        Effect.timeout("150 millis")
      )
    )
    expectEqual("the caller's timeout ends it", tagOf(failureOf(cut)), "TimeoutException")
    expectEqual(`promptly (took ${Date.now() - started} ms)`, Date.now() - started < 2_000, true)
  }))

/** A sign-out that never answers holds the end of the program for at most the timeout. */
export const signOutHangs = (client: Client) =>
  Effect.scoped(Effect.gen(function*() {
    const main = yield* hostile((request) => isSignOut(request) ? never(request) : undefined)
    const { exit, millis } = yield* attempt(main.url, client, siteGet, { timeout: "300 millis" })
    expectEqual("the program succeeded", Exit.isSuccess(exit), true)
    expectEqual(`the sign-out was bounded (took ${millis} ms)`, millis < 2_000, true)
  }))

/** A 200 whose body drips a byte at a time is a Timeout: the timeout covers the body too. */
export const bodyDrips = (client: Client) =>
  Effect.scoped(Effect.gen(function*() {
    const main = yield* hostile((request) =>
      isSiteGet(request)
        ? new Response(drip(`<?xml version="1.0"?><tsResponse xmlns="http://tableau.com/api">`, 50), {
          status: 200,
          headers: { "content-type": "application/xml" }
        })
        : undefined
    )
    const { exit, millis } = yield* attempt(main.url, client, siteGet, { timeout: "300 millis", retry: false })
    const error = failureOf(exit)
    expectEqual("times out", [tagOf(error), field(error, "reason")], ["TransportError", "Timeout"])
    expectEqual(`within the timeout (took ${millis} ms)`, millis < 2_000, true)
  }))

/** A download that stalls fails after the idle timeout with a Timeout. */
export const downloadStalls = (client: Client) =>
  Effect.scoped(Effect.gen(function*() {
    const main = yield* hostile((request) =>
      request.url.includes("/image")
        ? new Response(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(new Uint8Array([137, 80, 78, 71]))
            }
          }),
          { status: 200, headers: { "content-type": "image/png" } }
        )
        : undefined
    )
    const started = Date.now()
    const { exit } = yield* attempt(
      main.url,
      client,
      Stream.runDrain(Views.image(Ids.ViewId.make("00000000-0000-0000-0000-00000000000a"))),
      { idleTimeout: "300 millis" }
    )
    const error = failureOf(exit)
    expectEqual("stalls", [tagOf(error), field(error, "reason")], ["TransportError", "Timeout"])
    expectEqual("says it stalled", String(field(error, "description")).includes("stalled"), true)
    expectEqual(`promptly (took ${Date.now() - started} ms)`, Date.now() - started < 2_000, true)
  }))

/**
 * A 503 whose error body drips is retried like any 503 (each attempt ends
 * with its timeout); a server that never answers ends at the deadline, and
 * the message counts the attempts without claiming a GET was not replayed.
 */
export const neverAnswers = (client: Client) =>
  Effect.scoped(Effect.gen(function*() {
    const dripping = yield* hostile((request) =>
      isSiteGet(request) ? new Response(drip("<tsResponse", 50), { status: 503 }) : undefined
    )
    const first = yield* attempt(dripping.url, client, siteGet, { timeout: "200 millis", deadline: "5 seconds" })
    const dripError = failureOf(first.exit)
    expectEqual("a dripping 503 is retried", [tagOf(dripError), field(dripError, "attempts")], ["TransportError", 3])
    const silent = yield* hostile((request) => isSiteGet(request) ? never(request) : undefined)
    const second = yield* attempt(silent.url, client, siteGet, {
      timeout: "200 millis",
      retry: { maxRetries: 10, baseDelay: 10, maxDelay: 20, maxRetryAfter: 1000 }
    })
    const error = failureOf(second.exit)
    expectEqual("times out", [tagOf(error), field(error, "reason")], ["TransportError", "Timeout"])
    expectEqual(`at the deadline of 3 x 200 ms (took ${second.millis} ms)`, second.millis < 2_000, true)
    const message = String(field(error, "message"))
    expectEqual(`counts attempts: ${message}`, /after \d+ attempts/.test(message), true)
    expectEqual(`no "not replayed" for a GET: ${message}`, message.includes("not replayed"), false)
  }))

// ---------------------------------------------------------------------------
// Size, secrets, small things
// ---------------------------------------------------------------------------

/** Gzip of `megabytes` MiB of zeros, made as a stream (about 1 KB per MiB). */
const gzipOfZeros = async (megabytes: number): Promise<Uint8Array> => {
  const zeros = new Uint8Array(1024 * 1024)
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (megabytes-- > 0) controller.enqueue(zeros)
      else controller.close()
    }
  })
  const compressed = source.pipeThrough(new CompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>)
  return new Uint8Array(await new Response(compressed).arrayBuffer())
}

/**
 * A gzip bomb (0.25 MB inflating to 256 MiB) is refused while it is read:
 * `ResponseTooLarge` where the client inflates (fetch), a decode error where
 * it does not; memory stays far below the inflated size either way.
 */
export const gzipBomb = (client: Client, inflates: boolean) =>
  Effect.scoped(Effect.gen(function*() {
    const bomb = yield* Effect.promise(() => gzipOfZeros(256))
    const main = yield* hostile((request) =>
      isSiteGet(request)
        ? new Response(bomb.slice().buffer, { status: 200, headers: { "content-type": "application/xml", "content-encoding": "gzip" } })
        : undefined
    )
    const { exit } = yield* attempt(main.url, client, siteGet)
    const error = failureOf(exit)
    expectEqual("refused", tagOf(error), inflates ? "ResponseTooLarge" : "ResponseDecodeError")
    if (inflates) expectEqual("names the limit", field(error, "limit"), 32 * 1024 * 1024)
  }))

/** A body larger than `maxResponseBytes` is refused while it is read. */
export const hugeBody = (client: Client) =>
  Effect.scoped(Effect.gen(function*() {
    const chunk = new TextEncoder().encode(`<site id="x" name="${"y".repeat(1000)}"/>`)
    let sent = 0
    const main = yield* hostile((request) =>
      isSiteGet(request)
        ? new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              if (sent++ > 100_000) controller.close()
              else controller.enqueue(chunk)
            }
          }),
          { status: 200, headers: { "content-type": "application/xml" } }
        )
        : undefined
    )
    const { exit } = yield* attempt(main.url, client, siteGet, { maxResponseBytes: 1024 * 1024 })
    const error = failureOf(exit)
    expectEqual("refused", [tagOf(error), field(error, "limit")], ["ResponseTooLarge", 1024 * 1024])
    // The server side may buffer ahead of the reader (Deno's does, by a few MB), so the
    // bound is loose: the client stopped long before the 100 MB body ended.
    expectEqual(`stopped reading early (${sent} of 100,000 chunks)`, sent < 50_000, true)
  }))

/**
 * The session's token and secret echoed back in any format (JSON, an
 * unknown element, plain text, an error detail) never appear in an error,
 * its message, its JSON or its string form.
 */
export const secretsEchoed = (client: Client) =>
  Effect.scoped(Effect.gen(function*() {
    let token = ""
    const bodies = [
      () => new Response(JSON.stringify({ token, secret: SECRET }), { status: 200, headers: { "content-type": "application/json" } }),
      () => new Response(`<tsResponse><weird>${token}</weird><other note="${SECRET}"/></tsResponse>`, { status: 200 }),
      () => new Response(`session ${token} with ${SECRET}`, { status: 200, headers: { "content-type": "text/plain" } }),
      () =>
        new Response(
          `<tsResponse><error code="400000"><summary>Bad</summary><detail>token ${token} / ${SECRET}</detail></error></tsResponse>`,
          { status: 400 }
        )
    ]
    let next = 0
    const main = yield* hostile((request, seen) => {
      if (seen.token !== null) token = seen.token
      return isSiteGet(request) ? bodies[next++]!() : undefined
    })
    for (let i = 0; i < bodies.length; i++) {
      const { exit } = yield* attempt(main.url, client, siteGet)
      const error = failureOf(exit)
      const shown = [
        JSON.stringify(error),
        String(error),
        String(field(error, "message")),
        JSON.stringify({ ...(error as object) }),
        inspect(error, { depth: 5 })
      ]
      expectEqual(`body ${i}: a token was issued`, token.length > 10, true)
      for (const text of shown) {
        expectEqual(`body ${i}: no token in ${text.slice(0, 200)}`, text.includes(token), false)
        expectEqual(`body ${i}: no secret in ${text.slice(0, 200)}`, text.includes(SECRET), false)
      }
    }
  }))

/** A blank token from sign-in is refused, not used. */
export const blankToken = (client: Client) =>
  Effect.scoped(Effect.gen(function*() {
    const main = yield* hostile((request) =>
      isSignIn(request)
        ? new Response(
          `<tsResponse xmlns="http://tableau.com/api"><credentials token="   "><site id="9f9e9d9c-0000-0000-0000-000000000001" contentUrl=""/><user id="9f9e9d9c-0000-0000-0000-000000000002"/></credentials></tsResponse>`,
          { status: 200, headers: { "content-type": "application/xml" } }
        )
        : undefined
    )
    const { exit } = yield* attempt(main.url, client, TableauSession.current)
    const error = failureOf(exit)
    expectEqual("refused", tagOf(error), "ResponseDecodeError")
    expectEqual("says why", String(field(error, "message")).includes("blank token"), true)
  }))

/** An HTML page (a proxy's sign-in portal) is named as such, with its title. */
export const htmlPage = (client: Client) =>
  Effect.scoped(Effect.gen(function*() {
    const main = yield* hostile((request) =>
      isSiteGet(request)
        ? new Response(`<!DOCTYPE html><html><head><title>Corporate Sign-In</title></head><body>…</body></html>`, {
          status: 200,
          headers: { "content-type": "text/html" }
        })
        : undefined
    )
    const { exit } = yield* attempt(main.url, client, siteGet)
    const message = String(field(failureOf(exit), "message"))
    expectEqual(`names the HTML page: ${message}`, message.includes("HTML page") && message.includes("Corporate Sign-In"), true)
    expectEqual("does not blame DOCTYPE", message.includes("DOCTYPE and ENTITY"), false)
  }))

/**
 * A server URL without a scheme is refused at once, naming the URL; a port
 * fetch refuses to use, or where nothing listens, is "never reached the
 * server", not "may have acted".
 */
export const badServerUrl = (client: Client) =>
  Effect.gen(function*() {
    const started = Date.now()
    const { exit } = yield* attempt("tableau.example.com", client, TableauSession.current)
    const error = failureOf(exit)
    expectEqual("refused", tagOf(error), "InvalidRequest")
    expectEqual("names the URL", String(field(error, "message")).includes("tableau.example.com"), true)
    expectEqual("at once", Date.now() - started < 500, true)
    // 6000 is on fetch's list of bad ports; nothing listens there for the Node clients.
    const port = yield* attempt("http://127.0.0.1:6000", client, TableauSession.current, { retry: false })
    const portError = failureOf(port.exit)
    expectEqual("bad port", [tagOf(portError), field(portError, "maybeApplied")], ["TransportError", false])
  })

/**
 * A server that ignores `pageNumber` (answers page 1 to every page) with a
 * total that would never end: `PagingInconsistent` after a few requests,
 * the first page's items once.
 */
export const pagingIgnored = (client: Client) =>
  Effect.scoped(Effect.gen(function*() {
    const behind: { fake?: FakeTableau.FakeServer } = {}
    const main: Hostile = yield* hostile((request) => {
      const url = new URL(request.url)
      if (request.method !== "GET" || !url.pathname.endsWith("/users") || !behind.fake) return undefined
      url.searchParams.set("pageNumber", "1")
      return behind.fake.handle(new Request(url, { headers: request.headers })).then(async (response) => {
        if (!(response instanceof Response)) return undefined
        const text = (await response.text()).replace(/totalAvailable="\d+"/, `totalAvailable="1000000"`)
        return new Response(text, { status: response.status, headers: response.headers })
      })
    }, "127.0.0.1", { users: 250 })
    behind.fake = main.fake
    const emitted: Array<string> = []
    const { exit } = yield* attempt(
      main.url,
      client,
      Stream.runForEach(Users.list({ pageSize: 100 }), (user) => Effect.sync(() => emitted.push(user.id)))
    )
    const error = failureOf(exit)
    expectEqual("refused", [tagOf(error), field(error, "kind")], ["PagingInconsistent", "PageNumberIgnored"])
    expectEqual("page 1 once", [emitted.length, new Set(emitted).size], [100, 100])
    const lists = main.seen.filter((s) => s.method === "GET" && new URL(s.url).pathname.endsWith("/users"))
    expectEqual(`a few requests (${lists.length})`, lists.length <= 6, true)
  }))

/** Every hostile scenario, by name; `inflates` says whether the client decompresses gzip (fetch does). */
export const hostileScenarios = (
  inflates: boolean
): ReadonlyArray<readonly [string, (client: Client) => Effect.Effect<void, unknown>]> => [
  ["a GET redirected to another origin is refused; the token stays home", crossOriginGet],
  ["a GET redirected to the same origin is followed", sameOriginGet],
  ["a sign-in redirected to another origin is refused; the secret stays home", signInRedirectRefused],
  ["a sign-in redirected to an allowed host is re-posted there and the session moves", signInRedirectAllowed],
  ["a POST redirect is neither re-sent nor turned into a GET", postRedirectRefused],
  ["a redirect loop ends after 5 hops", redirectLoop],
  ["a sign-in that never answers is bounded and interruptible", signInHangs],
  ["a sign-out that never answers is bounded", signOutHangs],
  ["a body that drips is a timeout", bodyDrips],
  ["a stalled download fails after the idle timeout", downloadStalls],
  ["a dripping 503 is retried; a silent server ends at the deadline", neverAnswers],
  ["a gzip bomb is refused while it is read", (client) => gzipBomb(client, inflates)],
  ["a body over maxResponseBytes is refused while it is read", hugeBody],
  ["echoed secrets never reach an error", secretsEchoed],
  ["a blank token is refused", blankToken],
  ["an HTML page is named as such", htmlPage],
  ["a URL without a scheme and a bad port are told apart", badServerUrl],
  ["a server that ignores pageNumber is caught after a few pages", pagingIgnored]
]
