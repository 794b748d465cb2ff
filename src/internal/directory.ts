/**
 * The wire types of users and groups, shared by `Users.ts` and `Groups.ts`
 * (each returns the other's item: `Users.groups`, `Groups.users`). They live
 * here so the two public modules do not import each other; both re-export
 * them.
 *
 * @internal
 */
import * as Schema from "effect/Schema"
import { GroupId, UserId } from "../Ids.ts"
import { DateFromString, IntFromString, OpenLiteral } from "./schema.ts"

/**
 * A user's site role. Current roles first, then the legacy roles of the
 * seed (TSC's `UserItem.Roles`); values this version does not know still
 * decode, as the raw string.
 */
export const SiteRole = OpenLiteral(
  "Creator",
  "Explorer",
  "ExplorerCanPublish",
  "SiteAdministratorCreator",
  "SiteAdministratorExplorer",
  "Viewer",
  "Unlicensed",
  "ReadOnly",
  "ServerAdministrator",
  "SupportUser",
  // Legacy (before the 2018.1 role model), kept for older servers.
  "Interactor",
  "Publisher",
  "SiteAdministrator",
  "UnlicensedWithPublish",
  "ViewerWithPublish",
  "Guest"
)
/** @since 0.1.0 */
export type SiteRole = typeof SiteRole.Type

/** How a user signs in. */
export const AuthSetting = OpenLiteral("ServerDefault", "SAML", "OpenID", "TableauIDWithMFA")
/** @since 0.1.0 */
export type AuthSetting = typeof AuthSetting.Type

/** When an Active Directory group grants its minimum site role: at sign-in or at each sync. */
export const GrantLicenseMode = OpenLiteral("onLogin", "onSync")
/** @since 0.1.0 */
export type GrantLicenseMode = typeof GrantLicenseMode.Type

/** A timestamp attribute that servers sometimes send empty: `""` decodes as absent. */
export const OptionalDate: Schema.Schema<Date | undefined, string> = Schema.transform(
  Schema.Union(Schema.Literal(""), DateFromString),
  Schema.UndefinedOr(Schema.DateFromSelf),
  {
    strict: true,
    decode: (value) => (value === "" ? undefined : value),
    encode: (value) => value ?? ""
  }
)

/** `<domain name="local"/>`: the user's or group's domain. */
export class Domain extends Schema.Class<Domain>("Domain")({
  name: Schema.optional(Schema.String)
}) {}

/** The attributes of a user, without the ID (Update User answers without it). */
export const userFields = {
  /** The user name (empty when a `fields` selection left it out). */
  name: Schema.optionalWith(Schema.String, { default: () => "" }),
  siteRole: Schema.optional(SiteRole),
  authSetting: Schema.optional(AuthSetting),
  /** Display name (TSC's `fullname`). */
  fullName: Schema.optional(Schema.String),
  email: Schema.optional(Schema.String),
  lastLogin: Schema.optional(OptionalDate),
  /** The user's ID in the single sign-on system (Tableau Cloud). */
  externalAuthUserId: Schema.optional(Schema.String),
  locale: Schema.optional(Schema.String),
  language: Schema.optional(Schema.String),
  /** The identity provider configuration the user signs in with (Tableau Cloud, API 3.24+). */
  idpConfigurationId: Schema.optional(Schema.String),
  domain: Schema.optional(Domain)
}

/**
 * A user of a site, with every attribute of TSC's `UserItem` (workbooks,
 * groups and favorites are Streams and Effects of `Users` instead of
 * populated fields) and the ones current servers send. Unknown attributes
 * are ignored; unknown site roles and auth settings are kept as strings.
 */
export class UserItem extends Schema.Class<UserItem>("UserItem")({
  id: UserId,
  ...userFields
}) {
  /** The user's domain (`local` for local authentication), TSC's `domain_name`. */
  get domainName(): string | undefined {
    return this.domain?.name
  }
}

/** `<import source domainName siteRole grantLicenseMode/>` of an Active Directory group. */
export class GroupImport extends Schema.Class<GroupImport>("GroupImport")({
  source: Schema.optional(Schema.String),
  domainName: Schema.optional(Schema.String),
  /** The minimum site role users of the group get. */
  siteRole: Schema.optional(SiteRole),
  grantLicenseMode: Schema.optional(GrantLicenseMode)
}) {}

/**
 * A group of a site (TSC's `GroupItem`; its `users` are the Stream
 * `Groups.users`). Local groups carry `<domain name="local"/>`, Active
 * Directory groups an `<import>` element with the minimum site role and
 * grant-license mode.
 */
export class GroupItem extends Schema.Class<GroupItem>("GroupItem")({
  id: GroupId,
  name: Schema.optionalWith(Schema.String, { default: () => "" }),
  domain: Schema.optional(Domain),
  import: Schema.optional(GroupImport),
  /** The minimum site role of a local group with on-demand access (API 3.x, Tableau Cloud). */
  minimumSiteRole: Schema.optional(SiteRole),
  /** Sent when the list asks for it (`fields: ["_all_"]` or `"userCount"`). */
  userCount: Schema.optional(IntFromString)
}) {
  /** The Active Directory domain, or `local`. */
  get domainName(): string | undefined {
    return this.domain?.name ?? this.import?.domainName
  }
  /** The minimum site role, from the `<import>` element or the group's own attribute. */
  get minimumRole(): SiteRole | undefined {
    return this.import?.siteRole ?? this.minimumSiteRole
  }
  /** The grant-license mode of an Active Directory group. */
  get grantLicenseMode(): GrantLicenseMode | undefined {
    return this.import?.grantLicenseMode
  }
}
