/**
 * Every route of the fake server. A resource module adds its file here.
 *
 * @internal
 */
import type { Route } from "../server.ts"
import { routes as auth } from "./auth.ts"
import { routes as fileUploads } from "./fileUploads.ts"
import { routes as groups } from "./groups.ts"
import { routes as groupSets } from "./groupSets.ts"
import { routes as jobs } from "./jobs.ts"
import { routes as sites } from "./sites.ts"
import { routes as users } from "./users.ts"

export const routes: ReadonlyArray<Route> = [
  ...auth,
  ...fileUploads,
  ...jobs,
  ...sites,
  ...users,
  ...groups,
  ...groupSets
]
