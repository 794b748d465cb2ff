/**
 * Every route of the fake server. A resource module adds its file here.
 *
 * @internal
 */
import type { Route } from "../server.ts"
import { routes as auth } from "./auth.ts"
import { routes as datasources } from "./datasources.ts"
import { routes as fileUploads } from "./fileUploads.ts"
import { routes as groups } from "./groups.ts"
import { routes as groupSets } from "./groupSets.ts"
import { routes as jobs } from "./jobs.ts"
import { routes as permissions } from "./permissions.ts"
import { routes as projects } from "./projects.ts"
import { routes as schedules } from "./schedules.ts"
import { routes as sites } from "./sites.ts"
import { routes as users } from "./users.ts"
import { routes as tags } from "./tags.ts"
import { routes as views } from "./views.ts"
import { routes as workbooks } from "./workbooks.ts"

export const routes: ReadonlyArray<Route> = [
  ...auth,
  ...fileUploads,
  ...jobs,
  ...sites,
  ...users,
  ...groups,
  ...groupSets,
  ...projects,
  ...workbooks,
  ...views,
  ...datasources,
  ...permissions,
  ...tags,
  ...schedules
]
