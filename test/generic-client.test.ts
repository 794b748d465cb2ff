/**
 * The fake serves other clients too: a generic HTTP client (plain `fetch`,
 * no code of this library) sends the requests TSC sends for the areas the
 * library covers, written from Tableau's REST reference and the shapes TSC
 * puts on the wire (lower-case PDF options, `fields=_all_` on users,
 * `groupSets` grantees, percent-encoded tag labels, a multipart publish),
 * against the fake served over HTTP as `npm run fake-server` serves it.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import * as Fake from "../src/testing.ts"

const V = "3.24"
const xmlHeaders = { "content-type": "application/xml" }

/** One request: status, content type and body text, plus `attr(name)` to read the first value of an attribute. */
const send = (url: string, init: RequestInit = {}) =>
  Effect.promise(async () => {
    const response = await fetch(url, init)
    const body = await response.text()
    return {
      status: response.status,
      contentType: response.headers.get("content-type") ?? "",
      body,
      attr: (name: string, after = "") => {
        const from = after === "" ? 0 : body.indexOf(after)
        return new RegExp(`\\b${name}="([^"]*)"`).exec(body.slice(Math.max(0, from)))?.[1]
      }
    }
  })

describe("a generic HTTP client sends TSC's requests to the fake", () => {
  it.scoped("sign in, list and filter, create, update, delete, publish, download, permissions, tags, jobs", () =>
    Effect.gen(function*() {
      const { url } = yield* Fake.serve({ users: 3 })
      const api = `${url}/api/${V}`

      // Server info needs no token; sign-in as TSC sends it.
      expect((yield* send(`${api}/serverinfo`)).attr("build")).toBeDefined()
      const signIn = yield* send(`${api}/auth/signin`, {
        method: "POST",
        headers: xmlHeaders,
        body: "<tsRequest><credentials name=\"admin\" password=\"admin\"><site contentUrl=\"\" /></credentials></tsRequest>"
      })
      expect(signIn.status).toBe(200)
      const token = signIn.attr("token")!
      const siteId = signIn.attr("id", "<site")!
      const site = `${api}/sites/${siteId}`
      const auth = { "x-tableau-auth": token }
      const withXml = { ...auth, ...xmlHeaders }

      // Users: TSC's users.get sends fields=_all_ and reads email and fullName.
      const users = yield* send(`${site}/users?fields=_all_&filter=siteRole:eq:Viewer&pageSize=100&pageNumber=1`, { headers: auth })
      expect(users.status).toBe(200)
      expect(users.body).toContain("email=\"user000001@example.com\"")
      const plain = yield* send(`${site}/users?filter=siteRole:eq:Viewer`, { headers: auth })
      expect(plain.body).not.toContain("email=")
      const created = yield* send(`${site}/users`, {
        method: "POST",
        headers: withXml,
        body: "<tsRequest><user name=\"ana@example.com\" siteRole=\"Explorer\" authSetting=\"ServerDefault\" /></tsRequest>"
      })
      expect(created.status).toBe(201)
      const userId = created.attr("id")!
      const updated = yield* send(`${site}/users/${userId}`, {
        method: "PUT",
        headers: withXml,
        body: "<tsRequest><user fullName=\"Ana Lima\" email=\"ana@example.com\" /></tsRequest>"
      })
      expect(updated.attr("fullName")).toBe("Ana Lima")

      // Groups and a group set; All Users is there from the start.
      const groups = yield* send(`${site}/groups?filter=name:eq:All Users`, { headers: auth })
      expect(groups.attr("name", "<group ")).toBe("All Users")
      const group = yield* send(`${site}/groups`, { method: "POST", headers: withXml, body: "<tsRequest><group name=\"Analysts\" /></tsRequest>" })
      const groupId = group.attr("id", "<group ")!
      expect((yield* send(`${site}/groups/${groupId}/users`, {
        method: "POST",
        headers: withXml,
        body: `<tsRequest><user id="${userId}" /></tsRequest>`
      })).status).toBe(200)
      const set = yield* send(`${site}/groupsets`, { method: "POST", headers: withXml, body: "<tsRequest><groupSet name=\"Leads\" /></tsRequest>" })
      const groupSetId = set.attr("id", "<groupSet")!
      expect((yield* send(`${site}/groupsets/${groupSetId}/groups/${groupId}`, { method: "PUT", headers: auth })).status).toBe(200)

      // Projects: the Default project exists; create one.
      const projects = yield* send(`${site}/projects?filter=name:eq:Default`, { headers: auth })
      expect(projects.attr("name", "<project ")).toBe("Default")
      const project = yield* send(`${site}/projects`, {
        method: "POST",
        headers: withXml,
        body: "<tsRequest><project name=\"Finance\" description=\"\" contentPermissions=\"ManagedByOwner\" /></tsRequest>"
      })
      const projectId = project.attr("id", "<project ")!

      // Publish a workbook in one multipart/mixed request, as TSC does for small files.
      const boundary = "b0undary"
      const publishBody = [
        `--${boundary}`,
        "Content-Disposition: name=\"request_payload\"",
        "Content-Type: text/xml",
        "",
        `<tsRequest><workbook name="Sales" showTabs="false"><project id="${projectId}" /></workbook></tsRequest>`,
        `--${boundary}`,
        "Content-Disposition: name=\"tableau_workbook\"; filename=\"Sales.twb\"",
        "Content-Type: application/octet-stream",
        "",
        "<workbook/>",
        `--${boundary}--`,
        ""
      ].join("\r\n")
      const published = yield* send(`${site}/workbooks?workbookType=twb&overwrite=false`, {
        method: "POST",
        headers: { ...auth, "content-type": `multipart/mixed; boundary=${boundary}` },
        body: publishBody
      })
      expect(published.status).toBe(201)
      const workbookId = published.attr("id", "<workbook ")!
      const views = yield* send(`${site}/workbooks/${workbookId}/views`, { headers: auth })
      const viewId = views.attr("id", "<view ")!
      const download = yield* send(`${site}/workbooks/${workbookId}/content`, { headers: auth })
      expect([download.status, download.body]).toEqual([200, "<workbook/>"])

      // Exports with TSC's lower-case options; workbook PDF and PowerPoint; crosstab Excel.
      const viewPdf = yield* send(`${site}/views/${viewId}/pdf?type=a4&orientation=landscape`, { headers: auth })
      expect([viewPdf.status, viewPdf.contentType]).toEqual([200, "application/pdf"])
      expect(viewPdf.body).toContain("A4 Landscape")
      const workbookPdf = yield* send(`${site}/workbooks/${workbookId}/pdf?type=letter&orientation=portrait`, { headers: auth })
      expect(workbookPdf.body).toContain(`workbook ${workbookId} Letter Portrait`)
      const pptx = yield* send(`${site}/workbooks/${workbookId}/powerpoint`, { headers: auth })
      expect([pptx.status, pptx.contentType]).toEqual([200, "application/vnd.openxmlformats-officedocument.presentationml.presentation"])
      const xlsx = yield* send(`${site}/views/${viewId}/crosstab/excel?maxAge=1`, { headers: auth })
      expect([xlsx.status, xlsx.contentType]).toEqual([200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"])
      expect((yield* send(`${site}/views/${viewId}/pdf?type=a11`, { headers: auth })).status).toBe(400)

      // Permissions: a group-set grantee, then its delete path; default permissions of every kind.
      const rule = (grantee: string, capability: string) =>
        `<tsRequest><permissions><granteeCapabilities>${grantee}<capabilities><capability name="${capability}" mode="Allow" /></capabilities></granteeCapabilities></permissions></tsRequest>`
      const granted = yield* send(`${site}/workbooks/${workbookId}/permissions`, {
        method: "PUT",
        headers: withXml,
        body: rule(`<groupSet id="${groupSetId}" />`, "Read")
      })
      expect(granted.body).toContain(`<groupSet id="${groupSetId}"/>`)
      expect((yield* send(`${site}/workbooks/${workbookId}/permissions/groupSets/${groupSetId}/Read/Allow`, {
        method: "DELETE",
        headers: auth
      })).status).toBe(204)
      for (const kind of ["workbooks", "datasources", "flows", "metrics", "lenses", "dataroles", "virtualconnections", "databases", "tables"]) {
        const put = yield* send(`${site}/projects/${projectId}/default-permissions/${kind}`, {
          method: "PUT",
          headers: withXml,
          body: rule(`<group id="${groupId}" />`, "Read")
        })
        expect([kind, put.status]).toEqual([kind, 200])
        const read = yield* send(`${site}/projects/${projectId}/default-permissions/${kind}`, { headers: auth })
        expect(read.body).toContain(`<group id="${groupId}"/>`)
      }

      // Tags with characters TSC percent-encodes in the delete URL.
      yield* send(`${site}/workbooks/${workbookId}/tags`, {
        method: "PUT",
        headers: withXml,
        body: "<tsRequest><tags><tag label=\"Q3/Q4\" /><tag label=\"why?\" /></tags></tsRequest>"
      })
      for (const label of ["Q3/Q4", "why?"]) {
        const deleted = yield* send(`${site}/workbooks/${workbookId}/tags/${encodeURIComponent(label)}`, { method: "DELETE", headers: auth })
        expect([label, deleted.status]).toEqual([label, 204])
      }

      // Jobs: refresh, then list and filter background jobs, read one.
      const refresh = yield* send(`${site}/workbooks/${workbookId}/refresh`, { method: "POST", headers: withXml, body: "<tsRequest />" })
      expect(refresh.status).toBe(202)
      const jobId = refresh.attr("id", "<job ")!
      const job = yield* send(`${site}/jobs/${jobId}`, { headers: auth })
      expect(job.body).toContain("<extractRefreshJob>")
      const jobs = yield* send(`${site}/jobs?filter=jobType:eq:refresh_extracts,status:eq:Success`, { headers: auth })
      expect([jobs.status, jobs.attr("id", "<backgroundJob ")]).toEqual([200, jobId])
      const none = yield* send(`${site}/jobs?filter=status:eq:Failed`, { headers: auth })
      expect(none.body).toContain("<backgroundJobs/>")

      // Delete what was created, then sign out.
      expect((yield* send(`${site}/workbooks/${workbookId}`, { method: "DELETE", headers: auth })).status).toBe(204)
      expect((yield* send(`${site}/groups/${groupId}`, { method: "DELETE", headers: auth })).status).toBe(204)
      expect((yield* send(`${site}/users/${userId}`, { method: "DELETE", headers: auth })).status).toBe(204)
      expect((yield* send(`${api}/auth/signout`, { method: "POST", headers: auth })).status).toBe(204)
      expect((yield* send(`${site}/users`, { headers: auth })).status).toBe(401)
    }))
})
