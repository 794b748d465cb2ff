/**
 * The fake Tableau server in its own process (forked by `bench/index.ts`),
 * so the client's RSS and CPU are measured apart from the server's.
 *
 * argv[2]: the fake's options as JSON. Messages from the parent:
 * `{ id, op: "faults", patch }`, `{ id, op: "inject", action, match, times }`,
 * `{ id, op: "count" }`, `{ id, op: "take", kind, uploadId }`,
 * `{ id, op: "stats" }`; each is answered with `{ id, result }`.
 */
import * as Effect from "effect/Effect"
import { fileOf, seedContent, WORKBOOKS } from "../src/internal/fake/content.ts"
import { takeUpload } from "../src/internal/fake/routes/fileUploads.ts"
import type { FaultAction, FaultMatch, FaultPlan } from "../src/internal/fake/server.ts"
import * as FakeTableau from "../src/testing.ts"

export type ServerMessage =
  | { readonly id: number; readonly op: "faults"; readonly patch: Partial<FaultPlan> }
  | { readonly id: number; readonly op: "inject"; readonly action: FaultAction; readonly match: FaultMatch; readonly times: number }
  | { readonly id: number; readonly op: "count" }
  | { readonly id: number; readonly op: "take"; readonly kind: "upload" | "workbook"; readonly uploadId: string }
  | { readonly id: number; readonly op: "stats" }
  | { readonly id: number; readonly op: "cpu" }

const options = JSON.parse(process.argv[2] ?? "{}") as FakeTableau.FakeOptions

Effect.runFork(
  Effect.scoped(Effect.gen(function*() {
    const { fake, url } = yield* FakeTableau.serve(options)
    // One empty project to publish into.
    yield* Effect.promise(() =>
      seedContent(fake.state, fake.defaultSiteId, fake.adminUserId, {
        projects: 1,
        workbooksPerProject: 0,
        datasourcesPerProject: 0,
        groups: 0
      })
    )
    const answer = (message: ServerMessage): unknown => {
      switch (message.op) {
        case "faults":
          Object.assign(fake.faults, message.patch)
          return fake.faults
        case "inject":
          for (let i = 0; i < message.times; i++) fake.script.push({ match: message.match, action: message.action })
          return fake.script.length
        case "count":
          return fake.count()
        case "take": {
          const stored = message.kind === "upload"
            ? takeUpload(fake.state, fake.defaultSiteId, message.uploadId)
            : fileOf(fake.state, WORKBOOKS, message.uploadId)?.content
          return stored === undefined ? { error: "nothing stored" } : { size: stored.size, sha256: stored.sha256 }
        }
        case "cpu": {
          const used = process.cpuUsage()
          return (used.user + used.system) / 1000
        }
        case "stats": {
          const statuses: Record<string, number> = {}
          for (const entry of fake.log) statuses[String(entry.status)] = (statuses[String(entry.status)] ?? 0) + 1
          return { count: fake.count(), statuses, maxRssMB: process.resourceUsage().maxRSS / 1024 }
        }
      }
    }
    process.on("message", (message: ServerMessage) => {
      let result: unknown
      try {
        result = answer(message)
      } catch (error) {
        result = { error: error instanceof Error ? error.message : String(error) }
      }
      process.send?.({ id: message.id, result })
    })
    process.on("disconnect", () => process.exit(0))
    process.send?.({ id: 0, result: { url } })
    yield* Effect.never
  }))
)
