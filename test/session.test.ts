import { describe, expect, it } from "@effect/vitest"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Cause from "effect/Cause"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Scope from "effect/Scope"
import { Auth, Credentials, Jobs, ServerInfo, Sites, TableauSession } from "../mod.ts"
import * as Ids from "../src/Ids.ts"
import * as FakeTableau from "../src/testing.ts"

const server = FakeTableau.FAKE_URL
const admin = Credentials.password({ username: "admin", password: "admin" })

/** A session layer over a fresh fake, with the fake in the context too. */
const sessionWith = (options: Partial<TableauSession.Options> = {}, fake: FakeTableau.FakeOptions = {}) =>
  TableauSession.layer({ server, credentials: admin, ...options }).pipe(
    Layer.provideMerge(FakeTableau.layer({ recordBodies: true, ...fake }))
  )

const signIns = (log: ReadonlyArray<FakeTableau.LogEntry>) =>
  log.filter((e) => e.path.endsWith("/auth/signin") && e.status === 200).length

describe("sign-in", () => {
  it.effect("signs in with a password, reading the API version from serverinfo", () =>
    Effect.gen(function*() {
      const session = yield* TableauSession.TableauSession
      expect(session.apiVersion).toBe("3.24")
      const fake = yield* FakeTableau.FakeTableau
      const current = yield* TableauSession.current
      expect(current.siteId).toBe(fake.defaultSiteId)
      expect(current.userId).toBe(fake.adminUserId)
      expect(fake.log[0]?.path).toBe("/api/2.4/serverinfo")
      const body = fake.log.find((e) => e.path === "/api/3.24/auth/signin")?.body ?? ""
      expect(body).toContain("<credentials name=\"admin\" password=\"admin\"><site contentUrl=\"\"/></credentials>")
    }).pipe(Effect.provide(sessionWith())))

  it.effect("signs in with a personal access token", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const body = fake.log.find((e) => e.path.endsWith("/auth/signin"))?.body ?? ""
      expect(body).toContain("personalAccessTokenName=\"admin\"")
      expect(body).toContain("personalAccessTokenSecret=\"admin\"")
      const sites = yield* Sites.getPage()
      expect(sites.items.length).toBe(1)
    }).pipe(Effect.provide(sessionWith({ credentials: Credentials.personalAccessToken({ name: "admin", secret: "admin" }) }))))

  it.effect("signs in with a connected-app JWT", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      expect(fake.log.find((e) => e.path.endsWith("/auth/signin"))?.body).toContain("jwt=\"admin-jwt\"")
    }).pipe(Effect.provide(sessionWith({ credentials: Credentials.jwt({ token: "admin-jwt" }) }))))

  it.effect("uses an explicit API version as given, without reading serverinfo", () =>
    Effect.gen(function*() {
      const session = yield* TableauSession.TableauSession
      expect(session.apiVersion).toBe("3.19")
      const fake = yield* FakeTableau.FakeTableau
      expect(fake.log.some((e) => e.path.includes("serverinfo"))).toBe(false)
      expect(fake.log[0]?.path).toBe("/api/3.19/auth/signin")
    }).pipe(Effect.provide(sessionWith({ apiVersion: "3.19" }))))

  it.effect("impersonates a user by ID", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.make({ users: 3 })
      const viewer = [...fake.state.tables.get(`users@${fake.defaultSiteId}`)!.rows.values()][1]!
      const client = yield* FakeTableau.httpClient(fake)
      const current = yield* TableauSession.current.pipe(
        Effect.provide(TableauSession.layer({
          server,
          credentials: Credentials.password({ username: "admin", password: "admin", impersonateUserId: Ids.UserId.make(viewer.id) })
        })),
        Effect.provideService(HttpClient.HttpClient, client)
      )
      expect(current.userId).toBe(viewer.id)
    }))

  it.effect("fails with SignInFailed for wrong credentials, never showing the password", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Layer.build(TableauSession.layer({ server, credentials: Credentials.password({ username: "admin", password: "hunter2" }) })).pipe(
          Effect.scoped,
          Effect.provide(FakeTableau.layer())
        )
      )
      expect(error._tag).toBe("SignInFailed")
      if (error._tag !== "SignInFailed") return
      expect(error.code).toBe("401001")
      expect(error.status).toBe(401)
      expect(error.message).not.toContain("hunter2")
      expect(JSON.stringify(error)).not.toContain("hunter2")
    }))

  it.effect("fails with SignInFailed for an unknown site", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        Layer.build(TableauSession.layer({ server, site: "nope", credentials: admin })).pipe(
          Effect.scoped,
          Effect.provide(FakeTableau.layer())
        )
      )
      expect(error._tag).toBe("SignInFailed")
      if (error._tag === "SignInFailed") expect(error.code).toBe("404000")
    }))

  it.effect("reads its configuration from TABLEAU_* variables", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const session = yield* TableauSession.TableauSession
      expect(session.apiVersion).toBe("3.21")
      const body = fake.log.find((e) => e.path.endsWith("/auth/signin"))?.body ?? ""
      expect(body).toContain("personalAccessTokenName=\"admin\"")
    }).pipe(
      Effect.provide(TableauSession.layerConfig().pipe(Layer.provideMerge(FakeTableau.layer({ recordBodies: true })))),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map([
        ["TABLEAU_SERVER", server],
        ["TABLEAU_API_VERSION", "3.21"],
        ["TABLEAU_PAT_NAME", "admin"],
        ["TABLEAU_PAT_SECRET", "admin"]
      ])))
    ))

  it.effect("falls back to password and then JWT variables", () =>
    Effect.gen(function*() {
      const byPassword = yield* TableauSession.config.pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([
          ["TABLEAU_SERVER", server],
          ["TABLEAU_USERNAME", "admin"],
          ["TABLEAU_PASSWORD", "admin"]
        ])))
      )
      expect(byPassword.credentials._tag).toBe("Password")
      expect(byPassword.apiVersion).toBe("auto")
      expect(byPassword.site).toBe("")
      const byJwt = yield* TableauSession.config.pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["TABLEAU_SERVER", server], ["TABLEAU_JWT", "x.y.z"], ["TABLEAU_SITE", "mkt"]])))
      )
      expect(byJwt.credentials._tag).toBe("Jwt")
      expect(byJwt.site).toBe("mkt")
      const missing = yield* Effect.flip(TableauSession.config.pipe(
        Effect.withConfigProvider(ConfigProvider.fromMap(new Map([["TABLEAU_SERVER", server]])))
      ))
      expect(String(missing)).toContain("TABLEAU_PAT_NAME")
    }))

  const layerConfigError = (vars: ReadonlyArray<readonly [string, string]>) =>
    Layer.build(TableauSession.layerConfig()).pipe(
      Effect.scoped,
      Effect.provide(FakeTableau.layer()),
      Effect.withConfigProvider(ConfigProvider.fromMap(new Map(vars))),
      Effect.flip
    )

  it.effect("layerConfig names the missing variables in one line", () =>
    Effect.gen(function*() {
      const none = yield* layerConfigError([])
      expect(none._tag).toBe("MissingConfig")
      expect(none.message).toBe(
        "TableauSession.layerConfig: set TABLEAU_SERVER and credentials (TABLEAU_PAT_NAME and TABLEAU_PAT_SECRET, " +
          "or TABLEAU_USERNAME and TABLEAU_PASSWORD, or TABLEAU_JWT)"
      )
      // What a program that fails with it prints: no And/Or tree, no <redacted>.
      const printed = Cause.pretty(Cause.fail(none)).split("\n")[0]!
      expect(printed).toBe(`MissingConfig: ${none.message}`)
      expect(printed).not.toContain("redacted")

      const half = yield* layerConfigError([["TABLEAU_SERVER", server], ["TABLEAU_PAT_NAME", "ci"]])
      expect(half.message).toBe("TableauSession.layerConfig: set TABLEAU_PAT_SECRET (TABLEAU_PAT_NAME is set)")
      if (half._tag === "MissingConfig") expect(half.variables).toEqual(["TABLEAU_PAT_SECRET"])

      const noServer = yield* layerConfigError([["TABLEAU_JWT", "x.y.z"]])
      expect(noServer.message).toBe("TableauSession.layerConfig: set TABLEAU_SERVER")
    }))
})

describe("sign-out", () => {
  it.effect("signs out when the layer's scope closes", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.make()
      const client = yield* FakeTableau.httpClient(fake)
      yield* Sites.getPage().pipe(
        Effect.provide(TableauSession.layer({ server, credentials: admin })),
        Effect.provideService(HttpClient.HttpClient, client)
      )
      expect(fake.log.map((e) => e.path).at(-1)).toBe("/api/3.24/auth/signout")
      expect(fake.state.tokens.size).toBe(0)
    }))

  it.effect("signs out when the program fails", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.make()
      const client = yield* FakeTableau.httpClient(fake)
      const exit = yield* Effect.exit(
        Effect.fail("boom").pipe(
          Effect.provide(TableauSession.layer({ server, credentials: admin })),
          Effect.provideService(HttpClient.HttpClient, client)
        )
      )
      expect(Exit.isFailure(exit)).toBe(true)
      expect(fake.log.map((e) => e.path).at(-1)).toBe("/api/3.24/auth/signout")
      expect(fake.state.tokens.size).toBe(0)
    }))

  it.live("signs out when the program is interrupted", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.make()
      const client = yield* FakeTableau.httpClient(fake)
      const fiber = yield* Effect.fork(
        Effect.never.pipe(
          Effect.provide(TableauSession.layer({ server, credentials: admin })),
          Effect.provideService(HttpClient.HttpClient, client)
        )
      )
      while (fake.state.tokens.size === 0) yield* Effect.sleep(1)
      yield* Fiber.interrupt(fiber)
      expect(fake.log.map((e) => e.path).at(-1)).toBe("/api/3.24/auth/signout")
      expect(fake.state.tokens.size).toBe(0)
    }))

  it.effect("Auth.signIn gives a token of one's own and signs it out with its scope", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const scope = yield* Scope.make()
      const signedIn = yield* Auth.signIn({ server, apiVersion: "3.24", credentials: admin }).pipe(Scope.extend(scope))
      expect(fake.state.tokens.has(Redacted.value(signedIn.token))).toBe(true)
      expect(String(signedIn.token)).toBe("<redacted>")
      yield* Scope.close(scope, Exit.void)
      expect(fake.state.tokens.has(Redacted.value(signedIn.token))).toBe(false)
    }).pipe(Effect.provide(FakeTableau.layer())))
})

describe("re-sign-in", () => {
  it.effect("signs in again once when the token expires, shared by concurrent callers", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const before = yield* TableauSession.current
      expect(signIns(fake.log)).toBe(1)
      yield* FakeTableau.expireTokens
      const results = yield* Effect.all(
        Array.from({ length: 12 }, () => Sites.get(before.siteId)),
        { concurrency: "unbounded" }
      )
      expect(results.every((s) => s.id === before.siteId)).toBe(true)
      expect(signIns(fake.log)).toBe(2)
      const after = yield* TableauSession.current
      expect(after.generation).toBe(before.generation + 1)
      expect(Redacted.value(after.token)).not.toBe(Redacted.value(before.token))
      expect(fake.log.filter((e) => e.status === 401).length).toBe(12)
    }).pipe(Effect.provide(sessionWith())))

  it.effect("a personal access token session keeps one sign-in for all its callers", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const { siteId } = yield* TableauSession.current
      yield* Effect.all(Array.from({ length: 20 }, () => Sites.get(siteId)), { concurrency: 8 })
      expect(signIns(fake.log)).toBe(1)
    }).pipe(Effect.provide(sessionWith({ credentials: Credentials.personalAccessToken({ name: "admin", secret: "admin" }) }))))

  it.effect("reports Unauthorized when the fresh sign-in is refused too", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const { siteId } = yield* TableauSession.current
      yield* FakeTableau.expireTokens
      ;(fake.state.credentials as { password: string }).password = "changed"
      const error = yield* Effect.flip(Sites.get(siteId))
      expect(error._tag).toBe("Unauthorized")
    }).pipe(Effect.provide(sessionWith())))
})

describe("switch site", () => {
  it.effect("switches to another site; later calls run there", () =>
    Effect.gen(function*() {
      const created = yield* Sites.create({ name: "Finance", contentUrl: "finance" })
      const switched = yield* Auth.switchSite("finance")
      expect(switched.siteId).toBe(created.id)
      expect(switched.siteContentUrl).toBe("finance")
      const fake = yield* FakeTableau.FakeTableau
      expect(fake.log.find((e) => e.path.endsWith("/auth/switchSite"))?.body).toContain("<site contentUrl=\"finance\"/>")
      const current = yield* TableauSession.current
      expect(current.siteId).toBe(created.id)
    }).pipe(Effect.provide(sessionWith())))

  it.effect("fails with SignInFailed for an unknown site", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(TableauSession.switchSite("nowhere"))
      expect(error._tag).toBe("SignInFailed")
    }).pipe(Effect.provide(sessionWith())))
})

describe("server info and versions", () => {
  it.effect("reads server info", () =>
    Effect.gen(function*() {
      const info = yield* ServerInfo.get
      expect(info.productVersion).toBe("2024.2.0")
      expect(info.buildNumber).toBe("20242.24.0711.1636")
      expect(info.restApiVersion).toBe("3.24")
    }).pipe(Effect.provide(sessionWith())))

  it.effect("fails with NotFound where the server has no serverinfo", () =>
    Effect.gen(function*() {
      yield* FakeTableau.inject({ _tag: "Status", status: 404 }, { path: "/serverinfo" })
      const error = yield* Effect.flip(ServerInfo.get)
      expect(error._tag).toBe("NotFound")
    }).pipe(Effect.provide(sessionWith())))

  it.effect("server info needs API 2.4: a session pinned at 2.3 is refused before sending", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const sent = fake.log.length
      const error = yield* Effect.flip(ServerInfo.get)
      expect(error).toMatchObject({ _tag: "UnsupportedApiVersion", required: "2.4", actual: "2.3" })
      expect(fake.log.length).toBe(sent)
    }).pipe(Effect.provide(sessionWith({ apiVersion: "2.3" }))))

  it.effect("refuses a call that needs a newer API version, before sending", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const sent = fake.log.length
      const error = yield* Effect.flip(Jobs.cancel(Ids.JobId.make("9f9e9d9c-8b8a-4f8e-ad7c-7b7a6f6d6e6d")))
      expect(error._tag).toBe("UnsupportedApiVersion")
      if (error._tag === "UnsupportedApiVersion") {
        expect(error.required).toBe("3.1")
        expect(error.actual).toBe("2.8")
      }
      expect(fake.log.length).toBe(sent)
    }).pipe(Effect.provide(sessionWith({ apiVersion: "2.8" }))))
})

describe("redaction", () => {
  it("credentials print no secret", () => {
    const all = [
      Credentials.password({ username: "u", password: "pw-SECRET" }),
      Credentials.personalAccessToken({ name: "n", secret: "pat-SECRET" }),
      Credentials.jwt({ token: "jwt-SECRET" })
    ]
    for (const c of all) {
      expect(String(c)).not.toContain("SECRET")
      expect(JSON.stringify(c)).not.toContain("SECRET")
      expect(`${c}`).not.toContain("SECRET")
    }
  })

  it.effect("the session's token prints as <redacted>", () =>
    Effect.gen(function*() {
      const current = yield* TableauSession.current
      const token = Redacted.value(current.token)
      expect(JSON.stringify(current)).not.toContain(token)
      expect(String(current.token)).toBe("<redacted>")
    }).pipe(Effect.provide(sessionWith())))
})
