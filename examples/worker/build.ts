/**
 * Bundles the Worker the way the README says to measure it:
 * `esbuild --bundle --minify --format=esm --platform=neutral --main-fields=module,main`.
 * Used by the workerd test and `npm run bench:budgets`.
 */
import * as esbuild from "esbuild"
import { fileURLToPath } from "node:url"

/** The Worker's entry point. */
export const entry: string = fileURLToPath(new URL("./index.ts", import.meta.url))

/** The bundled, minified Worker as one ES module, and the inputs it contains. */
export const bundleWorker = async (): Promise<{ readonly code: string; readonly inputs: ReadonlyArray<string> }> => {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    mainFields: ["module", "main"],
    write: false,
    metafile: true,
    logLevel: "silent"
  })
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) }
}
