/**
 * Fake routes: sign in, sign out, switch site, server info.
 *
 * @internal
 */
import { table } from "../server.ts"
import type { Context, FakeState, Route, TokenInfo } from "../server.ts"
import { put, type FakeRecord } from "../store.ts"
import { userRecord } from "../server.ts"
import { attr, element, FakeError, noContent, parseBody, requestElement, textElement, xml } from "../wire.ts"

const signInError = (detail: string) => new FakeError(401, "401001", "Signin Error", detail)

const findSiteByContentUrl = (state: FakeState, contentUrl: string): FakeRecord | undefined => {
  for (const site of state.sites.rows.values()) {
    if ((site["contentUrl"] ?? "").toLowerCase() === contentUrl.toLowerCase()) return site
  }
  return undefined
}

/** The user a name signs in as on a site; the server admin exists on every site. */
const userOnSite = (state: FakeState, siteId: string, name: string): FakeRecord | undefined => {
  const users = table(state, "users", siteId)
  for (const user of users.rows.values()) if (user["name"] === name) return user
  if (name === state.credentials.username) {
    return put(users, userRecord(state.newId(), name, "ServerAdministrator", { fullName: "Administrator" }))
  }
  return undefined
}

const issue = (state: FakeState, site: FakeRecord, userId: string, pat?: string): TokenInfo & { pat?: string } => {
  if (pat !== undefined) {
    // A personal access token allows one session at a time.
    for (const info of state.tokens.values()) if ((info as { pat?: string }).pat === pat) info.expired = true
  }
  const token = `${state.newId().replace(/-/g, "")}|${state.newId().replace(/-/g, "")}|${site.id}`
  const info = { token, siteId: site.id, userId, expired: false, ...(pat === undefined ? {} : { pat }) }
  state.tokens.set(token, info)
  return info
}

const credentialsXml = (info: TokenInfo, site: FakeRecord) =>
  xml(
    element(
      "credentials",
      { token: info.token, estimatedTimeToExpiration: "365:23:59" },
      element("site", { id: site.id, contentUrl: site["contentUrl"] ?? "" }) + element("user", { id: info.userId })
    )
  )

const signIn = async (ctx: Context) => {
  const { state } = ctx
  const credentials = requestElement(parseBody(await ctx.text()), "credentials")
  const siteElement = credentials["site"]
  const contentUrl = typeof siteElement === "object" && siteElement !== null
    ? attr(siteElement as Record<string, unknown>, "contentUrl") ?? ""
    : ""
  const site = findSiteByContentUrl(state, contentUrl)
  if (site === undefined) {
    throw new FakeError(404, "404000", "Site Not Found", `The site '${contentUrl}' could not be found.`)
  }
  const { username, password, patName, patSecret, jwtTokens } = state.credentials
  let pat: string | undefined
  let name: string
  if (attr(credentials, "personalAccessTokenName") !== undefined) {
    if (attr(credentials, "personalAccessTokenName") !== patName || attr(credentials, "personalAccessTokenSecret") !== patSecret) {
      throw signInError("The personal access token you provided is invalid.")
    }
    pat = patName
    name = username
  } else if (attr(credentials, "jwt") !== undefined) {
    if (!jwtTokens.includes(attr(credentials, "jwt")!)) throw signInError("The JWT is invalid.")
    name = username
  } else {
    if (attr(credentials, "name") !== username || attr(credentials, "password") !== password) {
      throw signInError("Error signing in to Tableau Server: the user name or password is incorrect.")
    }
    name = username
  }
  const user = userOnSite(state, site.id, name)
  if (user === undefined) throw signInError("The user is not a member of the site.")
  const impersonate = credentials["user"]
  let userId = user.id
  if (typeof impersonate === "object" && impersonate !== null) {
    const id = attr(impersonate as Record<string, unknown>, "id") ?? ""
    if (!table(state, "users", site.id).rows.has(id)) throw signInError(`The user '${id}' to impersonate does not exist.`)
    userId = id
  }
  return credentialsXml(issue(state, site, userId, pat), site)
}

const signOut = (ctx: Context) => {
  ctx.state.tokens.delete(ctx.auth.token)
  return noContent()
}

const switchSite = async (ctx: Context) => {
  const { state } = ctx
  const requested = requestElement(parseBody(await ctx.text()), "site")
  const contentUrl = attr(requested, "contentUrl") ?? ""
  const site = findSiteByContentUrl(state, contentUrl)
  if (site === undefined) {
    throw new FakeError(404, "404000", "Site Not Found", `The site '${contentUrl}' could not be found.`)
  }
  if (site.id === ctx.auth.siteId) {
    throw new FakeError(403, "403070", "Forbidden", "The session is already signed in to this site.")
  }
  const current = table(state, "users", ctx.auth.siteId).rows.get(ctx.auth.userId)
  const user = userOnSite(state, site.id, current?.["name"] ?? "")
  if (user === undefined) throw signInError("The user is not a member of the site.")
  state.tokens.delete(ctx.auth.token)
  return credentialsXml(issue(state, site, user.id), site)
}

const serverInfo = (ctx: Context) =>
  xml(
    element(
      "serverInfo",
      {},
      element("productVersion", { build: ctx.state.buildNumber }, ctx.state.productVersion) +
        textElement("restApiVersion", ctx.state.apiVersion)
    )
  )

export const routes: ReadonlyArray<Route> = [
  { method: "POST", pattern: "/api/:v/auth/signin", handler: signIn, auth: false },
  { method: "POST", pattern: "/api/:v/auth/signout", handler: signOut },
  { method: "POST", pattern: "/api/:v/auth/switchSite", handler: switchSite },
  { method: "GET", pattern: "/api/:v/serverinfo", handler: serverInfo, auth: false }
]
