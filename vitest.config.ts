import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Deno.test files run under `deno test` (npm run test:deno)
    exclude: ["test/**/deno.test.ts", "node_modules/**"],
    testTimeout: 60_000,
    hookTimeout: 60_000
  }
})
