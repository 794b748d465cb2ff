/**
 * `npm run build` (also run by `npm pack` / `npm publish` through `prepack`):
 * compiles mod.ts and src/ to dist/ with tsc (tsconfig.build.json), then
 * rewrites the relative `.ts` specifiers that tsc leaves in declaration
 * files to `.js`, so every TypeScript version and resolver reads them.
 */
import { spawnSync } from "node:child_process"
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const dist = join(root, "dist")

rmSync(dist, { recursive: true, force: true })
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc")
const compiled = spawnSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" })
if (compiled.status !== 0) process.exit(compiled.status ?? 1)

const relativeTs = /((?:from|import)\s*\(?\s*)(["'])(\.{1,2}\/[^"']+)\.ts\2/g
let rewritten = 0
for (const file of readdirSync(dist, { recursive: true, encoding: "utf8" })) {
  if (!file.endsWith(".d.ts")) continue
  const path = join(dist, file)
  const text = readFileSync(path, "utf8")
  const fixed = text.replace(relativeTs, (_m, lead: string, quote: string, spec: string) => `${lead}${quote}${spec}.js${quote}`)
  if (fixed !== text) {
    writeFileSync(path, fixed)
    rewritten++
  }
}
console.log(`dist/ built; .ts specifiers rewritten in ${rewritten} declaration files`)
