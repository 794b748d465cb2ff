/**
 * README's first script: sign in from the TABLEAU_* variables, list every
 * user, change something (create a group), and handle a typed error (the
 * group exists already: Conflict). `NodeRuntime.runMain` runs it, so Ctrl-C
 * interrupts the program and the session signs out before the process
 * exits (test/runtime/examples.test.ts checks that).
 *
 *   npm run fake-server -- --port 8900 --users 50 &
 *   TABLEAU_SERVER=http://127.0.0.1:8900 TABLEAU_USERNAME=admin TABLEAU_PASSWORD=admin \
 *     npx tsx examples/first-script.ts
 *
 * README shows this file with `effect-tableau` in place of `../mod.ts`
 * (test/runtime/package.test.ts compiles that copy against the packed package).
 */
// README:start
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import { Groups, TableauSession, Users } from "../mod.ts"

// Signs in when the program starts, signs out when it ends (success, failure or Ctrl-C).
const Tableau = TableauSession.layerConfig().pipe(Layer.provide(FetchHttpClient.layer))

const program = Effect.gen(function*() {
  // Every user, page after page, as a Stream.
  const count = yield* Users.list({ pageSize: 100 }).pipe(
    Stream.tap((user) => Console.log(`${user.name} ${user.siteRole}`)),
    Stream.runCount
  )
  yield* Console.log(`${count} users`)

  // A change, and a typed error: a second run finds the group and gets a Conflict.
  const group = yield* Groups.create({ name: "Analysts" }).pipe(
    Effect.catchTag("Conflict", () => Groups.getByName("Analysts"))
  )
  yield* Console.log(`group ${group.name} ${group.id}`)
})

program.pipe(Effect.provide(Tableau), NodeRuntime.runMain)
// README:end
