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
import { type ClassOf, DateOrEmpty, OpenLiteral, OptionalInt, OptionalString, StringOrEmpty } from "./schema.ts"

/**
 * A user's site role. Current roles first, then the legacy roles of the
 * seed (TSC's `UserItem.Roles`); values this version does not know still
 * decode, as the raw string.
 */
export const SiteRole: OpenLiteral<
  | "Creator"
  | "Explorer"
  | "ExplorerCanPublish"
  | "SiteAdministratorCreator"
  | "SiteAdministratorExplorer"
  | "Viewer"
  | "Unlicensed"
  | "ReadOnly"
  | "ServerAdministrator"
  | "SupportUser"
  | "Interactor"
  | "Publisher"
  | "SiteAdministrator"
  | "UnlicensedWithPublish"
  | "ViewerWithPublish"
  | "Guest"
> = OpenLiteral(
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
export const AuthSetting: OpenLiteral<"ServerDefault" | "SAML" | "OpenID" | "TableauIDWithMFA"> = OpenLiteral("ServerDefault", "SAML", "OpenID", "TableauIDWithMFA")
/** @since 0.1.0 */
export type AuthSetting = typeof AuthSetting.Type

/** When an Active Directory group grants its minimum site role: at sign-in or at each sync. */
export const GrantLicenseMode: OpenLiteral<"onLogin" | "onSync"> = OpenLiteral("onLogin", "onSync")
/** @since 0.1.0 */
export type GrantLicenseMode = typeof GrantLicenseMode.Type

const DomainFields = {
  name: OptionalString
}

const DomainBase: ClassOf<Domain, typeof DomainFields> = Schema.Class<Domain>("Domain")(DomainFields)

/** `<domain name="local"/>`: the user's or group's domain. */
export class Domain extends DomainBase {}

const OptionalSiteRole: Schema.optional<typeof SiteRole> = Schema.optional(SiteRole)

/** The attributes of a user, without the ID (Update User answers without it). */
export const userFields: {
  /** The user name (empty when a `fields` selection left it out). */
  readonly name: typeof StringOrEmpty
  readonly siteRole: typeof OptionalSiteRole
  readonly authSetting: Schema.optional<typeof AuthSetting>
  /** Display name (TSC's `fullname`). */
  readonly fullName: typeof OptionalString
  readonly email: typeof OptionalString
  readonly lastLogin: Schema.optional<typeof DateOrEmpty>
  /** The user's ID in the single sign-on system (Tableau Cloud). */
  readonly externalAuthUserId: typeof OptionalString
  readonly locale: typeof OptionalString
  readonly language: typeof OptionalString
  /** The identity provider configuration the user signs in with (Tableau Cloud, API 3.24+). */
  readonly idpConfigurationId: typeof OptionalString
  readonly domain: Schema.optional<typeof Domain>
} = {
  /** The user name (empty when a `fields` selection left it out). */
  name: StringOrEmpty,
  siteRole: OptionalSiteRole,
  authSetting: Schema.optional(AuthSetting),
  /** Display name (TSC's `fullname`). */
  fullName: OptionalString,
  email: OptionalString,
  lastLogin: Schema.optional(DateOrEmpty),
  /** The user's ID in the single sign-on system (Tableau Cloud). */
  externalAuthUserId: OptionalString,
  locale: OptionalString,
  language: OptionalString,
  /** The identity provider configuration the user signs in with (Tableau Cloud, API 3.24+). */
  idpConfigurationId: OptionalString,
  domain: Schema.optional(Domain)
}

const UserItemFields = {
  id: UserId,
  ...userFields
}

const UserItemBase: ClassOf<UserItem, typeof UserItemFields> = Schema.Class<UserItem>("UserItem")(UserItemFields)

/**
 * A user of a site, with every attribute of TSC's `UserItem` (workbooks,
 * groups and favorites are Streams and Effects of `Users` instead of
 * populated fields) and the ones current servers send. Unknown attributes
 * are ignored; unknown site roles and auth settings are kept as strings.
 */
export class UserItem extends UserItemBase {
  /** The user's domain (`local` for local authentication), TSC's `domain_name`. */
  get domainName(): string | undefined {
    return this.domain?.name
  }
}

const GroupImportFields = {
  source: OptionalString,
  domainName: OptionalString,
  /** The minimum site role users of the group get. */
  siteRole: OptionalSiteRole,
  grantLicenseMode: Schema.optional(GrantLicenseMode) as Schema.optional<typeof GrantLicenseMode>
}

const GroupImportBase: ClassOf<GroupImport, typeof GroupImportFields> = Schema.Class<GroupImport>("GroupImport")(
  GroupImportFields
)

/** `<import source domainName siteRole grantLicenseMode/>` of an Active Directory group. */
export class GroupImport extends GroupImportBase {}

const GroupItemFields = {
  id: GroupId,
  name: StringOrEmpty,
  domain: Schema.optional(Domain) as Schema.optional<typeof Domain>,
  import: Schema.optional(GroupImport) as Schema.optional<typeof GroupImport>,
  /** The minimum site role of a local group with on-demand access (API 3.x, Tableau Cloud). */
  minimumSiteRole: OptionalSiteRole,
  /** Sent when the list asks for it (`fields: ["_all_"]` or `"userCount"`). */
  userCount: OptionalInt
}

const GroupItemBase: ClassOf<GroupItem, typeof GroupItemFields> = Schema.Class<GroupItem>("GroupItem")(GroupItemFields)

/**
 * A group of a site (TSC's `GroupItem`; its `users` are the Stream
 * `Groups.users`). Local groups carry `<domain name="local"/>`, Active
 * Directory groups an `<import>` element with the minimum site role and
 * grant-license mode.
 */
export class GroupItem extends GroupItemBase {
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
