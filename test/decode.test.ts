import { describe, expect, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { readFileSync } from "node:fs"
import { Sites } from "../mod.ts"
import * as Endpoint from "../src/internal/endpoint.ts"
import * as SignIn from "../src/internal/signin.ts"

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")
const sitePage = Endpoint.items("sites", "site", Sites.SiteItem)
const oneSite = Endpoint.one("site", Sites.SiteItem)

describe("decoding real-shaped responses", () => {
  it.effect("a page of sites: namespace, pagination, nested elements and unknown attributes", () =>
    Effect.gen(function*() {
      const page = yield* sitePage.decode("Sites.list", 200, fixture("sites-page.xml"))
      expect(page.pagination).toMatchObject({ pageNumber: 2, pageSize: 2, totalAvailable: 5 })
      expect(page.items.length).toBe(2)
      const [finance, lead] = page.items
      expect(finance).toMatchObject({
        name: "Finance & Ops",
        contentUrl: "finance",
        adminMode: "ContentAndUsers",
        revisionLimit: 25,
        disableSubscriptions: false,
        flowsEnabled: true,
        tierViewerCapacity: 100,
        usage: { numUsers: 42, storage: 1930 }
      })
      expect(lead?.name).toBe(" Leading space")
      expect(lead?.state).toBe("Suspended")
      expect(lead?.statusReason).toBe("Suspended by admin")
    }))

  it.effect("an empty collection element decodes to no items", () =>
    Effect.gen(function*() {
      const page = yield* sitePage.decode("Sites.list", 200, fixture("sites-empty.xml"))
      expect(page.items).toEqual([])
      expect(page.pagination?.totalAvailable).toBe(0)
    }))

  it.effect("enum values this version does not know are kept, not refused", () =>
    Effect.gen(function*() {
      const site = yield* oneSite.decode("Sites.get", 200, fixture("sites-unknown-enum.xml"))
      expect(site.adminMode).toBe("ContentUsersAndAgents")
      expect(site.state).toBe("Archived")
    }))

  it.effect("a value of the wrong type is a ResponseDecodeError naming its path", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(oneSite.decode("Sites.get", 200, fixture("site-bad-quota.xml")))
      expect(error._tag).toBe("ResponseDecodeError")
      expect(error.path).toBe("tsResponse.site.userQuota")
      expect(error.excerpt).toContain("Broken")
    }))

  it.effect("a response without the expected element is a ResponseDecodeError, not undefined", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(oneSite.decode("Sites.get", 200, fixture("serverinfo.xml")))
      expect(error.path).toBe("tsResponse.site")
    }))

  it.effect("server info: text and attributes on one element, unknown elements ignored", () =>
    Effect.gen(function*() {
      const info = yield* SignIn.decodeServerInfo(200, fixture("serverinfo.xml"))
      expect(info.productVersion).toBe("2023.3.2")
      expect(info.buildNumber).toBe("20233.24.0118.1545")
      expect(info.restApiVersion).toBe("3.21")
    }))
})
