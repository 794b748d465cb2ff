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
    publish: {
      filePart: "tableau_workbook",
      typeParameter: "workbookType",
      extensions: new Set(["twb", "twbx"]),
      allowAppend: false,
      attributes: ["description", "showTabs"],
      defaults: () => ({ description: "", showTabs: "false", encryptExtracts: "false" }),
      created: (ctx, record) => {
        const view = put(rows(ctx, VIEWS), {
          id: ctx.state.newId(),
          name: "Sheet 1",
          contentUrl: `${record["contentUrl"]}/sheets/Sheet1`,
          viewUrlName: "Sheet1",
          sheetType: "worksheet",
          createdAt: record["createdAt"],
          updatedAt: record["createdAt"],
          workbookId: record.id,
          projectId: record["projectId"],
          ownerId: record["ownerId"],
          totalViewCount: "0"
        })
        put(rows(ctx, WORKBOOKS), { ...record, defaultViewId: view.id })
      }
    },
    updatable: ["name", "description", "showTabs", "encryptExtracts"],
    booleans: new Set(["showTabs", "encryptExtracts"]),
    fields: new Set(["name", "projectName", "ownerName", "tags", "createdAt", "updatedAt", "contentUrl", "showTabs", "id"])
  }),
  { method: "GET", pattern: "/api/:v/sites/:siteId/workbooks/:itemId/views", handler: views },
  { method: "GET", pattern: "/api/:v/sites/:siteId/workbooks/:itemId/previewImage", handler: previewImage }
]

