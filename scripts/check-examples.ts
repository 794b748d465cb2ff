/**
 * `npm run check:examples` (part of `npm run check`): type-checks every
 * JSDoc `@example` of mod.ts and src/*.ts.
 *
 * Each fenced block becomes a temporary .ts file under `.tmp/examples/`:
 *
 * - A block with its own `import` lines is a complete program: it gets only
 *   those imports (with `effect-tableau`, `effect-tableau/testing` and
 *   `effect-tableau/node` pointed at this repository's sources), so a
 *   missing import is an error.
 * - A block without imports is a fragment: it gets the library's
 *   namespaces, `Effect`, `Layer`, `Redacted`, `Stream`,
 *   `FetchHttpClient`, `FakeTableau` and `NodeFile` imported for it; any
 *   other module (`Chunk`, `Option`, `node:fs`, ...) needs its own import,
 *   and then the block is a complete program.
 *
 * Both get {@link PLACEHOLDERS} declared (the IDs, layers and values an
 * example assumes the reader has) and run as the body of a generator, so a
 * fragment may `yield*`. Errors are reported at the example's line in its
 * source file.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import ts from "typescript"

export const root = fileURLToPath(new URL("..", import.meta.url))

/** One `@example` block. */
export interface Example {
  /** The file it comes from, relative to the repository. */
  readonly file: string
  /** Line (1-based) of the block's first code line in that file. */
  readonly line: number
  readonly code: string
}

/** The fenced blocks under each `@example` tag of a file's JSDoc comments. */
export const extract = (file: string, text: string): ReadonlyArray<Example> => {
  const examples: Array<Example> = []
  const lines = text.split("\n")
  let inComment = false
  let inExample = false
  let fence: { start: number; lines: Array<string> } | undefined
  lines.forEach((raw, index) => {
    const trimmed = raw.trim()
    if (!inComment) {
      if (trimmed.startsWith("/**")) {
        inComment = !trimmed.endsWith("*/")
        inExample = inComment && trimmed.includes("@example")
      }
      return
    }
    if (trimmed.startsWith("*/") || (fence === undefined && trimmed.endsWith("*/"))) {
      inComment = false
      inExample = false
      fence = undefined
      return
    }
    const content = raw.replace(/^\s*\* ?/, "")
    if (fence !== undefined) {
      if (content.trim() === "```") {
        examples.push({ file, line: fence.start + 1, code: fence.lines.join("\n") })
        fence = undefined
      } else fence.lines.push(content)
      return
    }
    if (content.trim().startsWith("@")) inExample = content.trim().startsWith("@example")
    else if (inExample && /^```(ts|typescript)?\s*$/.test(content.trim())) fence = { start: index + 1, lines: [] }
  })
  return examples
}

/** What an example's `effect-tableau` imports resolve to (paths from the repository root). */
const PACKAGE_ENTRIES: Readonly<Record<string, string>> = {
  "effect-tableau": "mod.ts",
  "effect-tableau/testing": "src/testing.ts",
  "effect-tableau/node": "src/NodeFile.ts"
}

/** The imports a fragment gets. */
const FRAGMENT_IMPORTS = [
  ...["Effect", "Layer", "Redacted", "Stream"].map((m) => `import * as ${m} from "effect/${m}"`),
  `import * as FetchHttpClient from "@effect/platform/FetchHttpClient"`,
  `import * as FakeTableau from "effect-tableau/testing"`,
  `import * as NodeFile from "effect-tableau/node"`
]

/** The library's namespaces (`export * as X from ...` in mod.ts), imported into fragments. */
const libraryNamespaces = (): ReadonlyArray<string> =>
  [...readFileSync(join(root, "mod.ts"), "utf8").matchAll(/^export \* as (\w+) from/gm)].map((m) => m[1]!)

/** IDs examples take as given, by name: the `Ids` brand each has. */
const ID_PLACEHOLDERS: Readonly<Record<string, string>> = {
  siteId: "SiteId",
  userId: "UserId",
  ownerId: "UserId",
  leaverId: "UserId",
  managerId: "UserId",
  groupId: "GroupId",
  groupSetId: "GroupSetId",
  projectId: "ProjectId",
  workbookId: "WorkbookId",
  datasourceId: "DatasourceId",
  viewId: "ViewId",
  jobId: "JobId",
  scheduleId: "ScheduleId",
  connectionId: "ConnectionId"
}

/** Other values examples take as given, by name: their types. */
const VALUE_PLACEHOLDERS: Readonly<Record<string, string>> = {
  userIds: `ReadonlyArray<__Id<"UserId">>`,
  job: "__Lib.Jobs.JobItem",
  view: "__Lib.Views.ViewItem",
  server: "string",
  signedJwt: "string",
  text: "string",
  csvText: "string",
  bytes: "Uint8Array",
  file: "Blob",
  fileStream: "__Stream.Stream<Uint8Array>",
  credentials: "__Lib.Credentials.Credentials",
  sink: "__Sink.Sink<void, string>",
  program: "__Effect.Effect<void, __Lib.Errors.CommonError, __Lib.TableauSession.TableauSession>"
}

/**
 * Values examples take as given, declared with their types. Declared at
 * module level, so an example may also define its own of the same name.
 */
export const PLACEHOLDERS: string = [
  `type __Id<K extends keyof typeof __Lib.Ids> = (typeof __Lib.Ids)[K] extends { Type: infer T } ? T : never`,
  ...Object.entries(ID_PLACEHOLDERS).map(([name, brand]) => `declare const ${name}: __Id<"${brand}">`),
  ...Object.entries(VALUE_PLACEHOLDERS).map(([name, type]) => `declare const ${name}: ${type}`)
].join("\n")

const IMPORT = /^import\s[\s\S]*?\sfrom\s+(["'])([^"']+)\1;?[ \t]*$|^import\s+(["'])([^"']+)\3;?[ \t]*$/gm

/** The source of the temporary file for an example, placed at `dir`, and the line its code starts on. */
export const render = (
  example: Example,
  dir: string,
  namespaces: ReadonlyArray<string> = libraryNamespaces()
): { readonly text: string; readonly codeLine: number } => {
  const toRepo = (path: string) => {
    const rel = relative(dir, join(root, path)).split("\\").join("/")
    return rel.startsWith(".") ? rel : `./${rel}`
  }
  const specifier = (spec: string) => (PACKAGE_ENTRIES[spec] === undefined ? spec : toRepo(PACKAGE_ENTRIES[spec]))
  const imports: Array<string> = []
  const body = example.code.replace(IMPORT, (statement: string) => {
    imports.push(
      statement.replace(/(["'])([^"']+)\1/, (_m, q: string, spec: string) => `${q}${specifier(spec)}${q}`)
    )
    // Keep the line count so diagnostics map back to the source.
    return statement.replace(/[^\n]/g, "")
  })
  const own = imports.length > 0
  const prelude = [
    `import * as __Lib from "${toRepo("mod.ts")}"`,
    `import type * as __Effect from "effect/Effect"`,
    `import type * as __Sink from "effect/Sink"`,
    `import type * as __Stream from "effect/Stream"`,
    ...(own
      ? []
      : [
        ...FRAGMENT_IMPORTS.map((line) => line.replace(/"(effect-tableau[^"]*)"/, (_m, spec: string) => `"${specifier(spec)}"`)),
        `import { ${namespaces.join(", ")} } from "${toRepo("mod.ts")}"`
      ]),
    PLACEHOLDERS,
    ...imports.map((s) => s.replace(/\n/g, " "))
  ]
  const asyncBody = /(^|[^\w.])await\s/.test(body)
  const head = [...prelude, `export ${asyncBody ? "async " : ""}function* __example() {`].join("\n")
  return {
    text: `${head}\n${body}\n}\n`,
    codeLine: head.split("\n").length + 1
  }
}

/** One type error, at its place in the source. */
export interface Problem {
  readonly file: string
  readonly line: number
  readonly message: string
}

/** Type-checks examples; returns their errors (none when all compile). */
export const check = (examples: ReadonlyArray<Example>, dir = join(root, ".tmp", "examples")): ReadonlyArray<Problem> => {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const namespaces = libraryNamespaces()
  const files = new Map<string, { readonly example: Example; readonly codeLine: number }>()
  examples.forEach((example, i) => {
    const path = join(dir, `${example.file.replace(/[^\w]/g, "_")}_${example.line}_${i}.ts`)
    const { codeLine, text } = render(example, dir, namespaces)
    writeFileSync(path, text)
    files.set(path, { example, codeLine })
  })
  const config = ts.getParsedCommandLineOfConfigFile(join(root, "tsconfig.json"), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"))
    }
  })!
  const program = ts.createProgram([...files.keys()], {
    ...config.options,
    noEmit: true,
    // Examples show a call, not a finished program: values they make need not be read.
    noUnusedLocals: false,
    noUnusedParameters: false
  })
  const problems: Array<Problem> = []
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ")
    const source = diagnostic.file === undefined ? undefined : files.get(diagnostic.file.fileName)
    if (diagnostic.file === undefined || source === undefined) {
      problems.push({ file: diagnostic.file?.fileName ?? "(program)", line: 0, message })
      continue
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start ?? 0)
    const offset = line + 1 - source.codeLine
    problems.push({
      file: source.example.file,
      line: offset >= 0 ? source.example.line + offset : source.example.line,
      message: offset >= 0 ? message : `(in the generated prelude) ${message}`
    })
  }
  rmSync(dir, { recursive: true, force: true })
  return problems
}

/** mod.ts and src/*.ts. */
export const sourceFiles = (): ReadonlyArray<string> => [
  "mod.ts",
  ...ts.sys.readDirectory(join(root, "src"), [".ts"], undefined, undefined, 1).map((p) => relative(root, p))
]

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const examples = sourceFiles().flatMap((file) => extract(file, readFileSync(join(root, file), "utf8")))
  const problems = check(examples)
  for (const p of problems) console.error(`${p.file}:${p.line}: ${p.message}`)
  console.log(`${examples.length} examples checked, ${problems.length} errors`)
  if (problems.length > 0) process.exit(1)
}
