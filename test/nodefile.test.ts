import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { mkdtempSync, readFileSync, existsSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Datasources, Ids } from "../mod.ts"
import * as NodeFile from "../src/NodeFile.ts"
import * as FakeTableau from "../src/testing.ts"

const dir = mkdtempSync(join(tmpdir(), "effect-tableau-nodefile-"))

describe("NodeFile (effect-tableau/node)", () => {
  it.effect("publishes a file from disk and writes its download back, byte for byte", () =>
    Effect.gen(function*() {
      const bytes = new Uint8Array(3 * 1024 * 1024 + 7).map((_, i) => (i * 31) & 0xff)
      const source = join(dir, "Orders.hyper")
      writeFileSync(source, bytes)
      const seeded = yield* FakeTableau.seedContent({ projects: 1, workbooksPerProject: 0, datasourcesPerProject: 0 })
      const file = yield* NodeFile.read(source)
      expect(file.size).toBe(bytes.byteLength)
      expect(file.fileName).toBe("Orders.hyper")
      const ds = yield* Datasources.publish({
        item: { name: "Orders", projectId: Ids.ProjectId.make(seeded.projects[0]!) },
        ...file,
        mode: "CreateNew",
        singleRequestLimit: 1024 * 1024
      })
      const target = join(dir, "Orders-copy.hyper")
      const written = yield* Datasources.download(ds.id).pipe(NodeFile.write(target))
      expect(written).toBe(bytes.byteLength)
      expect(new Uint8Array(readFileSync(target))).toEqual(bytes)
      expect(existsSync(`${target}.partial`)).toBe(false)
    }).pipe(Effect.provide(FakeTableau.sessionLayer())))

  it.effect("a missing file or a directory is a FileError", () =>
    Effect.gen(function*() {
      const missing = yield* Effect.flip(NodeFile.read(join(dir, "nope.twbx")))
      expect(missing._tag).toBe("FileError")
      expect(missing.operation).toBe("read")
      const directory = yield* Effect.flip(NodeFile.read(dir))
      expect(directory.description).toBe("not a regular file")
    }))

  it.effect("a stream that fails leaves no file under the final name and no partial file", () =>
    Effect.gen(function*() {
      const target = join(dir, "broken.twbx")
      const error = yield* Effect.flip(
        Stream.concat(Stream.make(new Uint8Array([1, 2, 3])), Stream.fail("network gone" as const)).pipe(NodeFile.write(target))
      )
      expect(error).toBe("network gone")
      expect(existsSync(target)).toBe(false)
      expect(existsSync(`${target}.partial`)).toBe(false)
      const unwritable = yield* Effect.flip(Stream.make(new Uint8Array([1])).pipe(NodeFile.write(join(dir, "no/such/dir/x.twbx"))))
      expect(unwritable._tag).toBe("FileError")
    }))
})
