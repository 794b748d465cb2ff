/**
 * Import lint for src/: what Deno, Workers and bundlers need from the
 * library's own code.
 *
 * - No Node built-in (`node:fs`, `fs`, `http`, ...) outside the Node-only
 *   files of the fake server, and those files are never imported
 *   statically by anything else (testing.ts loads node.ts on demand).
 * - No import from the `effect` barrel (`from "effect"`): module paths only
 *   (`effect/Effect`), or bundles keep whole modules (156 KB gzipped instead
 *   of 104 KB for the same program). The same for `@effect/platform`.
 *
 * Imports are read from the syntax tree, so examples in comments and
 * strings do not count, and `import()`, `export ... from` and
 * `import type` do.
 */
import { readdirSync, readFileSync } from "node:fs"
import { builtinModules } from "node:module"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"
import { describe, expect, it } from "vitest"

const root = fileURLToPath(new URL("../..", import.meta.url))

/**
 * The only files in src/ that may use Node built-ins: the fake server's
 * Node/Deno-only helpers, the `effect-tableau/node` entry (file paths),
 * and the `effect-tableau` command line (src/cli, the package's bin).
 */
export const NODE_ONLY: ReadonlySet<string> = new Set([
  "src/NodeFile.ts",
  "src/internal/fake/node.ts",
  "src/cli/fakeServer.ts",
  "src/cli/main.ts",
  "src/cli/node.ts",
  "src/internal/fake/digest.ts"
])

const BARRELS: ReadonlySet<string> = new Set(["effect", "@effect/platform"])
const builtins: ReadonlySet<string> = new Set(builtinModules.filter((m) => !m.startsWith("_")))

interface ImportSite {
  readonly specifier: string
  readonly line: number
  readonly dynamic: boolean
}

/** Every module specifier a source file imports or re-exports. */
export const importsOf = (fileName: string, text: string): ReadonlyArray<ImportSite> => {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const found: Array<ImportSite> = []
  const add = (node: ts.Node, literal: ts.Node | undefined, dynamic: boolean) => {
    if (literal !== undefined && ts.isStringLiteralLike(literal)) {
      found.push({ specifier: literal.text, line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, dynamic })
    }
  }
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node, node.moduleSpecifier, false)
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node, node.moduleReference.expression, false)
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      add(node, node.arguments[0], true)
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "require") {
      add(node, node.arguments[0], false)
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node, node.argument.literal, false)
    ts.forEachChild(node, visit)
  }
  visit(source)
  return found
}

const isBuiltin = (specifier: string): boolean =>
  specifier.startsWith("node:") || builtins.has(specifier) || builtins.has(specifier.split("/")[0]!)

/** The rule violations of one file (path relative to the repository root). */
export const violations = (file: string, text: string): ReadonlyArray<string> => {
  const out: Array<string> = []
  for (const site of importsOf(file, text)) {
    const where = `${file}:${site.line}`
    if (isBuiltin(site.specifier) && !NODE_ONLY.has(file)) {
      out.push(`${where} imports the Node built-in "${site.specifier}" (Deno/Workers): move it to a Node-only file`)
    }
    if (BARRELS.has(site.specifier)) {
      out.push(`${where} imports the "${site.specifier}" barrel: import the module path (e.g. "effect/Effect")`)
    }
    if (site.specifier.startsWith(".") && !site.dynamic && !NODE_ONLY.has(file)) {
      const target = relative(root, join(root, file, "..", site.specifier)).split("\\").join("/")
      if (NODE_ONLY.has(target)) out.push(`${where} statically imports the Node-only "${target}": import() it on demand`)
    }
  }
  return out
}

const sourceFiles = (dir: string): ReadonlyArray<string> =>
  readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .map((f) => `${dir}/${f.split("\\").join("/")}`)
    .sort()

describe("import lint", () => {
  it("src/ and mod.ts import no Node built-ins and no barrels", () => {
    const files = ["mod.ts", ...sourceFiles("src")]
    expect(files.length).toBeGreaterThan(20)
    const found = files.flatMap((file) => violations(file, readFileSync(join(root, file), "utf8")))
    expect(found).toEqual([])
  })

  it("catches what it is meant to catch", () => {
    const bad = [
      `import * as fs from "node:fs"`,
      `import { readFile } from "fs/promises"`,
      `export { Effect } from "effect"`,
      `import type { Layer } from "effect"`,
      `const http = await import("http")`,
      `import { HttpClient } from "@effect/platform"`,
      `import { listen } from "./internal/fake/node.ts"`
    ].join("\n")
    expect(violations("src/Example.ts", bad).map((v) => v.split(" ")[0])).toEqual([
      "src/Example.ts:1",
      "src/Example.ts:2",
      "src/Example.ts:3",
      "src/Example.ts:4",
      "src/Example.ts:5",
      "src/Example.ts:6",
      "src/Example.ts:7"
    ])
    const fine = [
      `/** @example import { Effect } from "effect" */`,
      `import * as Effect from "effect/Effect"`,
      `const node = () => import("./internal/fake/node.ts")`,
      `const text = "from 'node:fs'"`
    ].join("\n")
    expect(violations("src/Example.ts", fine)).toEqual([])
    expect(violations("src/internal/fake/node.ts", `import * as http from "node:http"`)).toEqual([])
  })
})
