/**
 * Request bodies are well-formed XML 1.0 and carry every value exactly:
 * characters XML cannot carry are refused before sending (InvalidRequest
 * naming the field); tab, LF and CR survive a conforming parser's
 * normalization. The reference below is written from the XML 1.0 spec
 * (Char production, sections 2.11 and 3.3.3), not from the library.
 */
import { describe, expect, it } from "@effect/vitest"
import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as fc from "fast-check"
import { Credentials, Ids, TableauSession, Users } from "../mod.ts"
import * as Xml from "../src/internal/xml.ts"
import * as FakeTableau from "../src/testing.ts"

/** XML 1.0's Char production, by code point; a lone surrogate is not a character. */
const isXmlChar = (cp: number) =>
  cp === 0x9 || cp === 0xa || cp === 0xd || (cp >= 0x20 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd) ||
  (cp >= 0x10000 && cp <= 0x10ffff)

const allXmlChars = (s: string) => {
  for (const ch of s) {
    if (!isXmlChar(ch.codePointAt(0)!)) return false
  }
  return true
}

const references = (s: string) =>
  s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(parseInt(ref.slice(2), 16))
    if (ref.startsWith("#")) return String.fromCodePoint(parseInt(ref.slice(1), 10))
    return ({ amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'" } as Record<string, string>)[ref]!
  })

/** What a conforming parser hands the application for an attribute literal (without quotes). */
const attributeValue = (literal: string) => references(literal.replace(/\r\n?/g, "\n").replace(/[\t\n]/g, " "))
/** ... and for element text (no markup inside). */
const textValue = (literal: string) => references(literal.replace(/\r\n?/g, "\n"))

/** Every kind of string: all of Unicode, raw UTF-16 (lone surrogates), and the troublesome characters. */
const anyText = fc.oneof(
  fc.fullUnicodeString(),
  fc.string16bits(),
  fc.string({
    unit: fc.constantFrom("\t", "\n", "\r", "\u0000", "\u0001", "\u001b", "\ufffe", "\uffff", "\ud800", "\udc00", "a", "&", "<", "\"", "'", "🎉")
  })
)

describe("request bodies are XML 1.0", () => {
  it("a value is refused exactly when XML 1.0 cannot carry it, and otherwise arrives unchanged", () => {
    fc.assert(
      fc.property(anyText, (value) => {
        // Fenced, so that an empty value still has a body to compare.
        const fenced = `|${value}|`
        const element = Xml.el("user", { name: fenced }, Xml.el("comment", {}, fenced))
        const refused = Xml.invalidCharacter(element)
        expect(refused === undefined).toBe(allXmlChars(value))
        if (refused !== undefined) {
          expect(refused).toMatch(/^(user@name|the text of user\.comment) holds U\+[0-9A-F]{4} at position \d+/)
          return
        }
        const doc = Xml.render(element)
        expect(allXmlChars(doc)).toBe(true)
        const attribute = /<user name="([^"]*)">/.exec(doc)![1]!
        const text = /<comment>([^<]*)<\/comment>/.exec(doc)![1]!
        expect(attributeValue(attribute)).toBe(fenced)
        expect(textValue(text)).toBe(fenced)
      }),
      { numRuns: 3000 }
    )
  })

  it("the refusal names the field and the character, never the value", () => {
    const found = Xml.invalidCharacter(Xml.el("credentials", { name: "admin", password: "s3cr\u0001t" }))
    expect(found).toBe("credentials@password holds U+0001 at position 4, which XML 1.0 cannot carry")
  })

  it.effect("tab, newline and CR in an attribute reach the server exactly", () =>
    Effect.gen(function*() {
      const user = yield* Users.add({ name: "ana@example.com", siteRole: "Viewer" })
      const fullName = "Ana\tMaria\nSilva\r\nJr.\r"
      yield* Users.update(user.id, { fullName })
      const read = yield* Users.get(user.id)
      expect(read.fullName).toBe(fullName)
    }).pipe(Effect.provide(FakeTableau.sessionLayer())))

  it.effect("a value XML cannot carry is InvalidRequest naming the field, and nothing is sent", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const user = yield* Users.add({ name: "bo@example.com", siteRole: "Viewer" })
      const before = fake.log.length
      for (const bad of ["a\u0000b", "esc\u001b", "\ufffe", "half \ud800 pair"]) {
        const error = yield* Effect.flip(Users.update(user.id, { fullName: bad }))
        expect(error._tag).toBe("InvalidRequest")
        expect(error.message).toMatch(/Users\.update: user@fullName holds U\+/)
      }
      const password = yield* Effect.flip(Users.update(user.id, { password: Redacted.make("pa\u0001ss") }))
      expect(password.message).toContain("@password holds U+0001")
      expect(password.message).not.toContain("pa\u0001ss")
      expect(fake.log.length).toBe(before)
    }).pipe(Effect.provide(FakeTableau.sessionLayer())))

  it.effect("a sign-in with such a password is refused before sending", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.make()
      const client = yield* FakeTableau.httpClient(fake)
      const error = yield* Effect.flip(Effect.scoped(Layer.build(
        TableauSession.layer({
          server: FakeTableau.FAKE_URL,
          credentials: Credentials.password({ username: "admin", password: Redacted.make("ad\u0000min") })
        }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)))
      )))
      expect(error._tag).toBe("InvalidRequest")
      expect(error.message).toBe("Auth.signIn: credentials@password holds U+0000 at position 2, which XML 1.0 cannot carry")
      // Only the version lookup (GET serverinfo) went out; no sign-in.
      expect(fake.log.map((e) => e.method)).toEqual(["GET"])
    }))

  it.effect("the fake parses as Tableau does: a raw newline in an attribute becomes a space", () =>
    Effect.gen(function*() {
      const fake = yield* FakeTableau.FakeTableau
      const user = yield* Users.add({ name: "cy@example.com", siteRole: "Viewer" })
      const session = yield* TableauSession.TableauSession
      const signedIn = yield* session.current
      const fetch = FakeTableau.fetchFor(fake)
      const response = yield* Effect.promise(() =>
        fetch(`${FakeTableau.FAKE_URL}/api/${session.apiVersion}/sites/${signedIn.siteId}/users/${user.id}`, {
          method: "PUT",
          headers: { "x-tableau-auth": Redacted.value(signedIn.token), "content-type": "application/xml" },
          body: `<tsRequest><user fullName="Cy\nRaw\tName"/></tsRequest>`
        })
      )
      expect(response.status).toBe(200)
      expect((yield* Users.get(Ids.UserId.make(user.id))).fullName).toBe("Cy Raw Name")
    }).pipe(Effect.provide(FakeTableau.sessionLayer())))
})
