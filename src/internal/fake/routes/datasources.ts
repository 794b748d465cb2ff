/**
 * Fake routes: published data sources (shared routes in `items.ts`).
 *
 * @internal
 */
import type { Route } from "../server.ts"
import { DATASOURCES } from "../content.ts"
import { itemRoutes } from "./items.ts"

export const routes: ReadonlyArray<Route> = itemRoutes(DATASOURCES, {
  publish: {
    filePart: "tableau_datasource",
    typeParameter: "datasourceType",
    extensions: new Set(["tds", "tdsx", "tde", "hyper"]),
    allowAppend: true,
    attributes: ["description", "useRemoteQueryAgent"],
    defaults: (name) => ({ type: "hyper", description: "", isCertified: "false", encryptExtracts: "false", hasExtracts: "true", webpageUrl: `https://fake-tableau.test/#/datasources/${encodeURIComponent(name)}` })
  },
  updatable: ["name", "isCertified", "certificationNote", "encryptExtracts"],
  booleans: new Set(["isCertified", "encryptExtracts"]),
  fields: new Set(["name", "projectName", "ownerName", "tags", "type", "isCertified", "createdAt", "updatedAt", "contentUrl", "id"])
})
