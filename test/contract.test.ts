/**
 * Contract tests generated from the catalogue (src/internal/catalogue.ts):
 * for every declared operation,
 * - the fake server has a route for its method and path;
 * - the JSDoc of the function that runs it states its route, its declared
 *   errors with their codes, and its minimum API version, exactly as the
 *   declaration says;
 * - on a session pinned just below its minimum version it fails with
 *   `UnsupportedApiVersion` before anything is sent.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { readFileSync } from "node:fs"
import { catalogue } from "../src/internal/catalogue.ts"
import { routes } from "../src/internal/fake/routes/index.ts"
import * as Operation from "../src/internal/operation.ts"
import * as FakeTableau from "../src/testing.ts"

const all = catalogue.flatMap((entry) =>
  Object.values(entry.operations).map((operation) => ({ ...entry, operation }))
)

/** A route pattern with its parameter names erased, so `:id` and `{siteId}` compare equal. */
const shape = (pattern: string) => pattern.replace(/:[^/]+/g, ":").replace(/\{[^}]+\}/g, ":")

/** The version just below `v` among Tableau's (2.0 ... 2.8, 3.0 ...), or undefined below 2.0. */
const below = (v: string): string | undefined => {
  const [major, minor] = v.split(".").map(Number) as [number, number]
  if (minor > 0) return `${major}.${minor - 1}`
  return major === 3 ? "2.8" : undefined
}

/** The JSDoc block right before the export named `name` (`export const name`, or `name_ as name`). */
const docOf = (source: string, name: string): string | undefined => {
  const pattern = new RegExp(
    String.raw`/\*\*((?:(?!\*/)[\s\S])*)\*/\s*(?:export const ${name}\b|${name}_ as ${name}\b)`
  )
  return pattern.exec(source)?.[1]?.replace(/^\s*\* ?/gm, "").replace(/\s+/g, " ")
}

/** Dummy parameters for every placeholder of a path: enough to build the request. */
const dummyParams = (path: string) =>
  Object.fromEntries([...path.matchAll(/\{([^}]+)\}/g)].map((m) => [m[1]!, "00000000-0000-0000-0000-000000000000"]))

describe("contract: every catalogued operation", () => {
  it("the catalogue is not empty and names are unique", () => {
    expect(all.length).toBeGreaterThan(0)
    const names = all.map((e) => e.operation.name)
    expect(new Set(names).size).toBe(names.length)
    for (const e of all) expect(e.operation.name.startsWith(`${e.module}.`)).toBe(true)
  })

  for (const { operation } of all) {
    it(`${operation.name}: the fake serves ${Operation.route(operation)}`, () => {
      const wanted = shape(Operation.route(operation).slice(operation.method.length + 1))
      const served = routes.some((r) => r.method === operation.method && shape(r.pattern) === wanted)
      expect(served, `no fake route for ${operation.method} ${wanted}`).toBe(true)
    })
  }

  for (const { operation, source } of all) {
    it(`${operation.name}: its JSDoc states its route, errors and version`, () => {
      const name = operation.name.slice(operation.name.indexOf(".") + 1)
      const doc = docOf(readFileSync(source, "utf8"), name)
      expect(doc, `no JSDoc for ${name} in ${source}`).toBeDefined()
      for (const fact of Operation.docFacts(operation)) expect(doc).toContain(fact)
    })
  }

  for (const { operation } of all) {
    const pinned = below(operation.minApiVersion)
    if (pinned === undefined) continue
    it.effect(`${operation.name}: on API ${pinned} it is UnsupportedApiVersion, nothing sent`, () =>
      Effect.gen(function*() {
        const fake = yield* FakeTableau.FakeTableau
        const before = fake.log.length
        const params = dummyParams(operation.path) as Operation.Params<string>
        // The gate is the engine's, the same for single calls, pages and streams.
        const error = yield* Effect.flip(Operation.run(operation as Operation.Operation<string, unknown, never>, params))
        expect(error).toMatchObject({ _tag: "UnsupportedApiVersion", required: operation.minApiVersion, actual: pinned })
        expect(fake.log.length).toBe(before)
      }).pipe(Effect.provide(FakeTableau.sessionLayer({ session: { apiVersion: pinned } }))))
  }
})
