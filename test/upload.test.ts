import { describe, expect, it } from "@effect/vitest"
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import * as fc from "fast-check"
import { createHash } from "node:crypto"
import * as Multipart from "../src/internal/fake/multipart.ts"
import { takeUpload } from "../src/internal/fake/routes/fileUploads.ts"
import * as Upload from "../src/internal/upload.ts"
import * as Xml from "../src/internal/xml.ts"
import * as FakeTableau from "../src/testing.ts"

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes)

/** Deterministic pseudo-random bytes, emitted in pieces of `piece` bytes. */
const generated = (total: number, piece: number): Stream.Stream<Uint8Array> =>
  Stream.unfold(0, (offset) => {
    if (offset >= total) return Option.none()
    const n = Math.min(piece, total - offset)
    const out = new Uint8Array(n)
    for (let i = 0; i < n; i++) out[i] = ((offset + i) * 2654435761) >>> 24
    return Option.some([out, offset + n] as const)
  })

const digestOf = (stream: Stream.Stream<Uint8Array>) =>
  Stream.runFold(stream, createHash("sha256"), (hash, bytes) => hash.update(bytes)).pipe(
    Effect.map((hash) => hash.digest("hex"))
  )

describe("multipart bodies", () => {
  it("lays out parts as Tableau documents them", () => {
    const body = Upload.multipart([
      Upload.payloadPart(Xml.el("workbook", { name: "Sales" })),
      { name: "tableau_workbook", filename: "Sales.twbx", contentType: "application/octet-stream", data: new Uint8Array([1, 2, 3]) }
    ], "BOUNDARY")
    expect(body._tag).toBe("Bytes")
    if (body._tag !== "Bytes") return
    expect(body.contentType).toBe("multipart/mixed; boundary=BOUNDARY")
    const expected = "--BOUNDARY\r\n" +
      "Content-Disposition: name=\"request_payload\"\r\n" +
      "Content-Type: text/xml\r\n\r\n" +
      "<tsRequest><workbook name=\"Sales\"/></tsRequest>" +
      "\r\n--BOUNDARY\r\n" +
      "Content-Disposition: name=\"tableau_workbook\"; filename=\"Sales.twbx\"\r\n" +
      "Content-Type: application/octet-stream\r\n\r\n" +
      "\u0001\u0002\u0003" +
      "\r\n--BOUNDARY--\r\n"
    expect(text(body.bytes)).toBe(expected)
  })

  it("makes boundaries of 32 hex digits, different each time", () => {
    const a = Upload.makeBoundary()
    expect(a).toMatch(/^[0-9a-f]{32}$/)
    expect(Upload.makeBoundary()).not.toBe(a)
  })
})

describe("the fake's multipart parser", () => {
  it("reads back any parts, also data full of near-boundaries", () => {
    const boundary = "0123456789abcdef0123456789abcdef"
    // Data built from pieces of the delimiter, so the search meets many partial matches.
    const near = fc.array(
      fc.oneof(
        fc.uint8Array({ maxLength: 8 }),
        fc.integer({ min: 0, max: 35 }).map((n) => new TextEncoder().encode(`\r\n--${boundary}`.slice(0, n)))
      ),
      { maxLength: 12 }
    ).map((pieces) => Uint8Array.from(pieces.flatMap((p) => [...p])))
      // ...but never the whole delimiter, which no part can hold (a sender picks a boundary that is not in its data);
      // the "\r\n" in front is the end of the part's headers, which the data could complete into a delimiter.
      .filter((data) => Buffer.from([13, 10, ...data]).indexOf(`\r\n--${boundary}`) === -1)
    fc.assert(
      fc.property(near, near, (payload, file) => {
        const body = Upload.multipart([
          { name: "request_payload", contentType: "text/xml", data: payload },
          { name: "tableau_file", filename: "f", contentType: "application/octet-stream", data: file }
        ], boundary)
        if (body._tag !== "Bytes") throw new Error("not bytes")
        const parts = Multipart.parse(body.bytes, boundary)
        expect(parts.map((p) => p.name)).toEqual(["request_payload", "tableau_file"])
        expect([...parts[0]!.data]).toEqual([...payload])
        expect([...parts[1]!.data]).toEqual([...file])
        // The search finds what Node's native one finds.
        const delimiter = new TextEncoder().encode(`\r\n--${boundary}`)
        for (let from = 0; from < body.bytes.length; from += 7) {
          expect(Multipart.indexOf(body.bytes, delimiter, from)).toBe(Buffer.from(body.bytes).indexOf(delimiter, from))
        }
      }),
      { numRuns: 500 }
    )
  })
})

describe("framing", () => {
  it.effect("frames any input chunking into full chunks and one short last chunk", () =>
    Effect.promise(() =>
      fc.assert(
        fc.asyncProperty(
          fc.array(fc.uint8Array({ minLength: 0, maxLength: 40 }), { maxLength: 30 }),
          fc.integer({ min: 1, max: 64 }),
          async (pieces, chunkBytes) => {
            const head = new Uint8Array([0xaa])
            const tail = new Uint8Array([0xbb, 0xcc])
            const frames = Chunk.toArray(
              await Effect.runPromise(Stream.runCollect(Upload.frames(Stream.fromIterable(pieces), chunkBytes, head, tail)))
            )
            const input = pieces.flatMap((p) => [...p])
            const data = frames.flatMap((f) => [...f.body.subarray(1, 1 + f.dataBytes)])
            expect(data).toEqual(input)
            frames.forEach((f, i) => {
              expect(f.body[0]).toBe(0xaa)
              expect([...f.body.subarray(f.body.length - 2)]).toEqual([0xbb, 0xcc])
              expect(f.body.length).toBe(f.dataBytes + 3)
              if (i < frames.length - 1) expect(f.dataBytes).toBe(chunkBytes)
              else expect(f.dataBytes).toBeGreaterThan(0)
            })
            expect(frames.length).toBe(Math.ceil(input.length / chunkBytes))
          }
        ),
        { numRuns: 200 }
      )
    ))
})

describe("chunked upload sessions", () => {
  it.effect("uploads a stream chunk by chunk; the server holds identical bytes", () =>
    Effect.gen(function*() {
      const total = 5 * 1024 * 1024 + 12345
      const progress: Array<number> = []
      const id = yield* Upload.uploadFile(generated(total, 100_000), {
        chunkBytes: 1024 * 1024,
        totalBytes: total,
        onProgress: (p) => Effect.sync(() => progress.push(p.bytesSent))
      })
      const fake = yield* FakeTableau.FakeTableau
      const stored = takeUpload(fake.state, fake.defaultSiteId, id)
      expect(stored.size).toBe(total)
      expect(stored.sha256).toBe(yield* digestOf(generated(total, 100_000)))
      expect(progress.length).toBe(6)
      expect(progress[progress.length - 1]).toBe(total)
      const appends = fake.log.filter((e) => e.method === "PUT" && e.path.includes("/fileUploads/"))
      expect(appends.length).toBe(6)
    }).pipe(Effect.provide(FakeTableau.sessionLayer())))

  it.live("resends a chunk whose connection dropped, on the same session", () =>
    Effect.gen(function*() {
      const total = 3 * 1024 * 1024
      yield* FakeTableau.inject({ _tag: "Reset" }, { method: "PUT", path: "/fileUploads/" })
      yield* FakeTableau.inject({ _tag: "Status", status: 503, retryAfter: "0" }, { method: "PUT", path: "/fileUploads/" })
      const id = yield* Upload.uploadFile(generated(total, 65536), { chunkBytes: 1024 * 1024 })
      const fake = yield* FakeTableau.FakeTableau
      const stored = takeUpload(fake.state, fake.defaultSiteId, id)
      expect(stored.size).toBe(total)
      expect(stored.sha256).toBe(yield* digestOf(generated(total, 65536)))
      const appends = fake.log.filter((e) => e.method === "PUT" && e.path.includes("/fileUploads/"))
      expect(appends.map((e) => e.status)).toEqual(["reset", 503, 200, 200, 200])
      expect(fake.log.filter((e) => e.method === "POST" && e.path.endsWith("/fileUploads")).length).toBe(1)
    }).pipe(
      Effect.provide(FakeTableau.sessionLayer({ session: { retry: { maxRetries: 4, baseDelay: 1, maxDelay: 5, maxRetryAfter: 1000 } } }))
    ))

  it.effect("a single-request body refuses content that does not match its declared size", () =>
    Effect.gen(function*() {
      const short = yield* Effect.flip(Upload.singleRequestBody(generated(10, 3), 11, Xml.el("workbook", {}), { name: "tableau_workbook", filename: "a.twbx" }))
      expect(short._tag).toBe("UploadSourceError")
      const long = yield* Effect.flip(Upload.singleRequestBody(generated(12, 5), 11, Xml.el("workbook", {}), { name: "tableau_workbook", filename: "a.twbx" }))
      expect(long.description).toContain("longer")
      const exact = yield* Upload.singleRequestBody(generated(11, 4), 11, Xml.el("workbook", { name: "x" }), { name: "tableau_workbook", filename: "a.twbx" })
      expect(exact._tag).toBe("Bytes")
    }))
})

describe("double appends", () => {
  const MiB = 1024 * 1024
  it("tells a chunk appended twice from one appended once, whatever Tableau's megabyte is", () => {
    for (const chunk of [4 * MiB, 5 * MiB + 123, 16 * MiB, 64 * MiB]) {
      for (const before of [0, 3 * MiB + 17, 1000 * MiB + 5, 1_999_999_999]) {
        for (const unit of [1e6, MiB]) {
          for (const round of [Math.floor, Math.ceil, Math.round]) {
            const mb = (bytes: number) => round(bytes / unit)
            expect(Upload.appendedTwice(mb(before), mb(before + chunk), chunk)).toBe(false)
            expect(Upload.appendedTwice(mb(before), mb(before + 2 * chunk), chunk)).toBe(true)
          }
        }
      }
    }
    // Small chunks are not judged.
    expect(Upload.appendedTwice(0, 2, MiB)).toBe(false)
  })

  it.live("a chunk the server appended before the connection dropped fails the upload instead of corrupting it", () =>
    Effect.gen(function*() {
      yield* FakeTableau.inject({ _tag: "ResetAfter" }, { method: "PUT", path: "/fileUploads/" })
      const error = yield* Effect.flip(Upload.uploadFile(generated(12 * MiB, 1 << 20), { chunkBytes: 4 * MiB }))
      expect(error._tag).toBe("UploadCorrupted")
      if (error._tag === "UploadCorrupted") {
        expect(error.bytesSent).toBe(4 * MiB)
        expect(error.reportedMegabytes).toBe(8)
        expect(error.message).toContain("nothing was published")
      }
      const fake = yield* FakeTableau.FakeTableau
      const appends = fake.log.filter((e) => e.method === "PUT" && e.path.includes("/fileUploads/"))
      expect(appends.map((e) => e.status)).toEqual(["reset", 200])
    }).pipe(Effect.provide(FakeTableau.sessionLayer({ session: { retry: { maxRetries: 2, baseDelay: 1, maxDelay: 5, maxRetryAfter: 1000 } } }))))
})
