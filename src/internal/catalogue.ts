/**
 * Every declared operation, by module: what the contract tests
 * (`test/contract.test.ts`) walk to check that each has a fake route, that
 * its docs state its facts, and that its version gate holds. A module
 * whose functions run `Operation`s adds its `operations` here.
 *
 * @internal
 */
import * as Projects from "../Projects.ts"
import * as Schedules from "../Schedules.ts"
import type { AnyOperation } from "./operation.ts"

/** A module's operations, with the file that documents them. */
export interface Entry {
  readonly module: string
  readonly source: string
  readonly operations: Readonly<Record<string, AnyOperation>>
}

export const catalogue: ReadonlyArray<Entry> = [
  { module: "Projects", source: "src/Projects.ts", operations: Projects.operations },
  { module: "Schedules", source: "src/Schedules.ts", operations: Schedules.operations }
]
