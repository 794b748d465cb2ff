/**
 * Decode cost: fast-xml-parser alone (`Xml.parse`) against parsing plus
 * Schema decoding (the module's own decoder) of one 1,000-item page, as the
 * fake renders it.
 */
import * as Effect from "effect/Effect"
import * as Xml from "../src/internal/xml.ts"
import * as FakeTableau from "../src/testing.ts"
import { collection } from "./target.ts"

export interface DecodeResult {
  readonly collection: string
  readonly items: number
  readonly bodyKiB: number
  readonly parseMs: number
  readonly decodeMs: number
  readonly ratio: number
  readonly iterations: number
}

/** The body of the first 1,000-item page of the collection. */
export const pageBody = async (items = 1000): Promise<string> => {
  const fake = await Effect.runPromise(FakeTableau.make(collection.seed(items)))
  const fetch = FakeTableau.fetchFor(fake)
  const signIn = await (await fetch(`${FakeTableau.FAKE_URL}/api/3.24/auth/signin`, {
    method: "POST",
    headers: { "content-type": "application/xml" },
    body: `<tsRequest><credentials name="admin" password="admin"><site contentUrl=""/></credentials></tsRequest>`
  })).text()
  const token = /token="([^"]+)"/.exec(signIn)?.[1] ?? ""
  const path = collection.path.replace("{siteId}", fake.defaultSiteId)
  const response = await fetch(`${FakeTableau.FAKE_URL}/api/3.24/${path}?pageSize=${items}`, {
    headers: { "x-tableau-auth": token }
  })
  return response.text()
}

const median = (values: ReadonlyArray<number>) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

const time = (iterations: number, f: () => void): number => {
  const samples: Array<number> = []
  for (let i = 0; i < iterations; i++) {
    const started = performance.now()
    f()
    samples.push(performance.now() - started)
  }
  return median(samples)
}

export const run = async (iterations = 60): Promise<DecodeResult> => {
  const body = await pageBody()
  let items = 0
  const parse = () => {
    if (Xml.parse(body) instanceof Xml.XmlRefused) throw new Error("refused")
  }
  const decode = () => {
    const page = Effect.runSync(collection.decoder.decode("bench", 200, body)) as { items: ReadonlyArray<unknown> }
    items = page.items.length
  }
  // Warm up both paths (JIT), then alternate rounds so drift hits both.
  time(20, parse)
  time(20, decode)
  const parses: Array<number> = []
  const decodes: Array<number> = []
  for (let round = 0; round < 3; round++) {
    parses.push(time(iterations, parse))
    decodes.push(time(iterations, decode))
  }
  const parseMs = median(parses)
  const decodeMs = median(decodes)
  return {
    collection: collection.name,
    items,
    bodyKiB: Math.round(body.length / 1024),
    parseMs,
    decodeMs,
    ratio: decodeMs / parseMs,
    iterations: iterations * 3
  }
}
