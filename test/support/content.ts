/**
 * Test support for the content tests: a session against the fake with its
 * content seeded, and a log of the requests the client sent (bodies
 * included), so tests can check request XML at element/attribute level.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { Credentials, TableauSession } from "../../mod.ts"
import * as Xml from "../../src/internal/xml.ts"
import * as Fake from "../../src/testing.ts"

/** The fake's request log (live), plus what the fake was seeded with. */
export class Sent extends Context.Tag("test/Sent")<Sent, {
  readonly requests: ReadonlyArray<Fake.LogEntry>
  readonly seeded: Fake.SeededContent
}>() {}

export interface ContentLayerOptions extends Fake.FakeOptions {
  readonly content?: Fake.SeedOptions
  /** Keep request bodies (default true; turn off for big uploads). */
  readonly captureBodies?: boolean
  readonly session?: Partial<TableauSession.Options>
}

/** A signed-in session against a seeded fake that records what it sends. */
export const contentLayer = (options: ContentLayerOptions = {}) => {
  const base = Layer.effectContext(
    Effect.gen(function*() {
      const fake = yield* Fake.make({ ...options, recordBodies: options.captureBodies !== false })
      const seeded = yield* Effect.provideService(Fake.seedContent(options.content), Fake.FakeTableau, fake)
      return Context.make(Fake.FakeTableau, fake).pipe(
        Context.add(HttpClient.HttpClient, yield* Fake.httpClient(fake)),
        Context.add(Sent, { requests: fake.log, seeded })
      )
    })
  )
  return TableauSession.layer({
    server: Fake.FAKE_URL,
    credentials: Credentials.password({ username: "admin", password: "admin" }),
    ...options.session
  }).pipe(Layer.provideMerge(base))
}

/** The last request whose method matches and whose path ends with `suffix`, with its URL parsed. */
export const lastRequest = (method: string, suffix: string) =>
  Effect.map(Sent, ({ requests }) => {
    const found = [...requests].reverse().find((r) => r.method === method && r.path.endsWith(suffix))
    if (found === undefined) throw new Error(`no ${method} request to ...${suffix}`)
    return { ...found, url: new URL(found.url), body: found.body ?? "" }
  })

/** The `<tsRequest>` of the last matching request, parsed (attributes as plain keys). */
export const lastBody = (method: string, suffix: string) =>
  Effect.map(lastRequest(method, suffix), (r) => {
    const parsed = Xml.parse(r.body)
    if (parsed instanceof Xml.XmlRefused) throw new Error(`not XML: ${r.body}`)
    return parsed["tsRequest"] as Record<string, any>
  })

/** What the fake was seeded with. */
export const seeded = Effect.map(Sent, (s) => s.seeded)

/** Turns the signed-in admin into a user with this site role (for Forbidden tests). */
export const demoteAdmin = (siteRole: string) =>
  Effect.map(Fake.FakeTableau, (fake) => {
    const users = fake.state.tables.get(`users@${fake.defaultSiteId}`)!
    const admin = users.rows.get(fake.adminUserId)!
    users.rows.set(admin.id, { ...admin, siteRole })
    users.version++
  })

/** Adds a user to the default site; returns its ID. */
export const addUser = (name: string, siteRole = "Creator") =>
  Effect.map(Fake.FakeTableau, (fake) => {
    const id = fake.state.newId()
    const users = fake.state.tables.get(`users@${fake.defaultSiteId}`)!
    users.rows.set(id, { id, name, siteRole })
    users.version++
    return id
  })
