/**
 * Fake routes: published data sources (shared routes in `items.ts`).
 *
 * @internal
 */
import type { Route } from "../server.ts"
import { DATASOURCES } from "../content.ts"
import { itemRoutes } from "./items.ts"

export const routes: ReadonlyArray<Route> = itemRoutes(DATASOURCES, {
  updatable: ["name", "isCertified", "certificationNote", "encryptExtracts"],
  booleans: new Set(["isCertified", "encryptExtracts"]),
  fields: new Set(["name", "projectName", "ownerName", "tags", "type", "isCertified", "createdAt", "updatedAt", "contentUrl", "id"])
})
