/**
 * Fake routes: workbooks, their views and preview image (the routes
 * workbooks share with data sources are in `items.ts`).
 *
 * @internal
 */
import type { Context, Route } from "../server.ts"
import { find, renderItem, rows, VIEWS, WORKBOOKS } from "../content.ts"
import { itemRoutes } from "./items.ts"
import { listAnswer } from "./common.ts"
import { png } from "./views.ts"
import { makeTable, put } from "../store.ts"

const views = (ctx: Context) => {
  const workbook = find(ctx, WORKBOOKS, ctx.params["itemId"]!)
  const usage = ctx.query.get("includeUsageStatistics") === "true"
  const source = makeTable()
  for (const view of rows(ctx, VIEWS).rows.values()) if (view["workbookId"] === workbook.id) put(source, view)
  return listAnswer(ctx, source, "views", (r) => renderItem(ctx, VIEWS, r, { usage }))
}

const previewImage = (ctx: Context) => png(find(ctx, WORKBOOKS, ctx.params["itemId"]!).id)

export const routes: ReadonlyArray<Route> = [
  ...itemRoutes(WORKBOOKS, {
    updatable: ["name", "description", "showTabs", "encryptExtracts"],
    booleans: new Set(["showTabs", "encryptExtracts"]),
    fields: new Set(["name", "projectName", "ownerName", "tags", "createdAt", "updatedAt", "contentUrl", "showTabs", "id"])
  }),
  { method: "GET", pattern: "/api/:v/sites/:siteId/workbooks/:itemId/views", handler: views },
  { method: "GET", pattern: "/api/:v/sites/:siteId/workbooks/:itemId/previewImage", handler: previewImage }
]

