/**
 * Every declared operation, by module: what the contract tests
 * (`test/contract.test.ts`) walk to check that each has a fake route, that
 * its docs state its facts, and that its version gate holds. A module
 * whose functions run `Operation`s adds its `operations` here.
 *
 * @internal
 */
import * as Datasources from "../Datasources.ts"
import * as Groups from "../Groups.ts"
import * as GroupSets from "../GroupSets.ts"
import * as Jobs from "../Jobs.ts"
import * as Permissions from "../Permissions.ts"
import * as Projects from "../Projects.ts"
import * as Schedules from "../Schedules.ts"
import * as ServerInfo from "../ServerInfo.ts"
import * as Sites from "../Sites.ts"
import * as Tags from "../Tags.ts"
import * as Users from "../Users.ts"
import * as Views from "../Views.ts"
import * as Workbooks from "../Workbooks.ts"
import type { AnyOperation } from "./operation.ts"

/** A module's operations, with the file that documents them. */
export interface Entry {
  readonly module: string
  readonly source: string
  readonly operations: Readonly<Record<string, AnyOperation>>
}

export const catalogue: ReadonlyArray<Entry> = [
  { module: "Datasources", source: "src/Datasources.ts", operations: Datasources.operations },
  { module: "Groups", source: "src/Groups.ts", operations: Groups.operations },
  { module: "GroupSets", source: "src/GroupSets.ts", operations: GroupSets.operations },
  { module: "Jobs", source: "src/Jobs.ts", operations: Jobs.operations },
  { module: "Permissions", source: "src/Permissions.ts", operations: Permissions.operations },
  { module: "Projects", source: "src/Projects.ts", operations: Projects.operations },
  { module: "Schedules", source: "src/Schedules.ts", operations: Schedules.operations },
  { module: "ServerInfo", source: "src/ServerInfo.ts", operations: ServerInfo.operations },
  { module: "Sites", source: "src/Sites.ts", operations: Sites.operations },
  { module: "Tags", source: "src/Tags.ts", operations: Tags.operations },
  { module: "Users", source: "src/Users.ts", operations: Users.operations },
  { module: "Views", source: "src/Views.ts", operations: Views.operations },
  { module: "Workbooks", source: "src/Workbooks.ts", operations: Workbooks.operations }
]
