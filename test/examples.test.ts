import { describe, expect, it } from "vitest"
import { check, extract } from "../scripts/check-examples.ts"

const source = [
  "/**",
  " * Reads a site.",
  " *",
  " * @example",
  " * ```ts",
  " * const s = yield* Sites.get(SiteId.make(\"x\"))",
  " * ```",
  " */",
  "export const a = 1",
  "",
  "/**",
  " * @example",
  " * ```ts",
  " * import { Sites } from \"effect-tableau\"",
  " *",
  " * const sites = Stream.runCollect(Sites.list())",
  " * ```",
  " * @since 0.1.0",
  " */",
  "/** @example `inline` is not a block */",
  "/**",
  " * @example",
  " * ```ts",
  " * const s = yield* Sites.get(Ids.SiteId.make(\"x\"))",
  " * const done = yield* Jobs.wait(job.id, { timeout: \"1 minute\" })",
  " * ```",
  " */"
].join("\n")

describe("JSDoc example check", () => {
  it("extracts each fenced block under @example with its line", () => {
    const examples = extract("src/X.ts", source)
    expect(examples.map((e) => e.line)).toEqual([6, 14, 24])
    expect(examples[1]!.code).toBe("import { Sites } from \"effect-tableau\"\n\nconst sites = Stream.runCollect(Sites.list())")
  })

  it("reports a fragment's unknown name and a program's missing import at their source lines", () => {
    const problems = check(extract("src/X.ts", source))
    const found = problems.map((p) => `${p.file}:${p.line} ${p.message.split(".")[0]}`).sort()
    expect(found).toEqual(["src/X.ts:16 Cannot find name 'Stream'", "src/X.ts:6 Cannot find name 'SiteId'"])
  })
})
