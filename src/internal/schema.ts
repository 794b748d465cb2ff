/**
 * Schema building blocks for XML-shaped wire data: every attribute arrives
 * as a string, lists arrive as an array, a single object, or `""` for an
 * empty element, and enums grow on the server before they grow here.
 *
 * @internal
 */
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"

/**
 * The type of a `Schema.Class` base with these fields. JSR's fast check
 * cannot infer a class's superclass expression, so every schema class is
 * written as a typed base constant plus the class:
 *
 * ```ts
 * const SiteUsageFields = { numUsers: OptionalInt }
 * const SiteUsageBase: ClassOf<SiteUsage, typeof SiteUsageFields> = Schema.Class<SiteUsage>("SiteUsage")(
 *   SiteUsageFields
 * )
 * export class SiteUsage extends SiteUsageBase {}
 * ```
 *
 * Field values must be identifiers or typed expressions (`Schema.optional(X) as Schema.optional<typeof X>`).
 */
export type ClassOf<Self, Fields extends Schema.Struct.Fields> = Schema.Class<
  Self,
  Fields,
  Schema.Struct.Encoded<Fields>,
  Schema.Struct.Context<Fields>,
  Schema.Struct.Constructor<Fields>,
  {},
  {}
>

/** The type of a `Schema.TaggedError` base with this tag and fields (see {@link ClassOf}). */
export type TaggedErrorOf<Self, Tag extends string, Fields extends Schema.Struct.Fields> = Schema.TaggedErrorClass<
  Self,
  Tag,
  { readonly _tag: Schema.tag<Tag> } & Fields
>

/** An open literal union type: the known values, or any other string. */
export type OpenLiteral<L extends string> = Schema.Schema<L | (string & {}), string>

/** `"true"` / `"false"` on the wire, a boolean in the program. */
export const BooleanFromString: Schema.transform<
  Schema.Literal<["true", "false", "True", "False"]>,
  typeof Schema.Boolean
> = Schema.transform(
  Schema.Literal("true", "false", "True", "False"),
  Schema.Boolean,
  {
    strict: true,
    decode: (s) => s === "true" || s === "True",
    encode: (b) => (b ? "true" : "false")
  }
)

/** A whole number written as a string. */
export const IntFromString: Schema.Schema<number, string> = Schema.compose(
  Schema.NumberFromString,
  Schema.Int
)

const isoParts = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?/

/**
 * Whether the calendar parts of an ISO-8601 text exist as written:
 * `new Date("2016-06-31T20:34:04Z")` is July 1st, but June has 30 days.
 * Texts that do not start with `YYYY-MM-DD` are left to `Date` alone.
 */
const realCalendarDate = (text: string): boolean => {
  const m = isoParts.exec(text)
  if (m === null) return true
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1).map((p) => (p === undefined ? undefined : Number(p)))
  if (month! < 1 || month! > 12 || day! < 1) return false
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate()
  return day! <= daysInMonth && hour! <= 23 && minute! <= 59 && second! <= 59
}

/**
 * An ISO-8601 timestamp as Tableau writes it (`2024-02-01T10:00:00Z`). A
 * date that does not exist (`2016-06-31`, `2023-02-29`, hour 25) is a
 * decode error, never silently another date.
 */
export const DateFromString: Schema.Schema<Date, string> = Schema.transformOrFail(
  Schema.String,
  Schema.DateFromSelf,
  {
    strict: true,
    decode: (text, _, ast) => {
      const date = new Date(text)
      return Number.isNaN(date.getTime()) || !realCalendarDate(text)
        ? ParseResult.fail(new ParseResult.Type(ast, text, `"${text}" is not a real date and time`))
        : ParseResult.succeed(date)
    },
    encode: (date) => ParseResult.succeed(date.toISOString().replace(/\.000Z$/, "Z"))
  }
)

/** A timestamp attribute that servers sometimes send empty (`lastLogin=""`): `""` decodes as absent. */
export const DateOrEmpty: Schema.Schema<Date | undefined, string> = Schema.transform(
  Schema.Union(Schema.Literal(""), DateFromString),
  Schema.UndefinedOr(Schema.DateFromSelf),
  {
    strict: true,
    decode: (value) => (value === "" ? undefined : value),
    encode: (value) => value ?? ""
  }
)

/**
 * A literal union that still decodes values it does not know (kept as the
 * raw string), so a new site role or auth setting on the server never breaks
 * a program. The type offers the known values for completion.
 */
export const OpenLiteral = <const L extends ReadonlyArray<string>>(
  ...literals: L
): OpenLiteral<L[number]> =>
  Schema.Union(Schema.Literal(...literals), Schema.String) as unknown as Schema.Schema<
    L[number] | (string & {}),
    string
  >

/**
 * A repeated XML element: decodes an array, a single object (the parser saw
 * only one), or the empty string of an empty element.
 */
export const ArrayOf = <A, I, R>(
  item: Schema.Schema<A, I, R>
): Schema.Schema<ReadonlyArray<A>, ReadonlyArray<I> | I | "", R> =>
  Schema.transform(
    Schema.Union(Schema.Literal(""), Schema.Array(item), item as Schema.Schema<A, I, R>),
    Schema.Array(Schema.typeSchema(item)),
    {
      strict: false,
      decode: (value) => (value === "" ? [] : Array.isArray(value) ? value : [value]),
      encode: (items) => items
    }
  ) as unknown as Schema.Schema<ReadonlyArray<A>, ReadonlyArray<I> | I | "", R>

/**
 * A collection wrapper element such as `<users>`: `{ user: [...] }`, or `""`
 * when the server sent `<users/>`. Decodes to the list of items.
 */
export const Collection = <A, I, R>(
  itemName: string,
  item: Schema.Schema<A, I, R>
): Schema.Schema<ReadonlyArray<A>, unknown, R> =>
  Schema.transform(
    Schema.Union(
      Schema.Literal(""),
      Schema.Struct({ [itemName]: Schema.optional(ArrayOf(item)) })
    ),
    Schema.Array(Schema.typeSchema(item)),
    {
      strict: false,
      decode: (value) => (value === "" ? [] : ((value as Record<string, ReadonlyArray<A> | undefined>)[itemName] ?? [])),
      encode: (items) => ({ [itemName]: items })
    }
  ) as unknown as Schema.Schema<ReadonlyArray<A>, unknown, R>

/** An element whose only content is text, such as `<restApiVersion>3.21</restApiVersion>`. */
export const Text: Schema.Schema<string, unknown> = Schema.Union(
  Schema.String,
  Schema.transform(
    Schema.Struct({ "#text": Schema.String }),
    Schema.String,
    { strict: true, decode: (s) => s["#text"], encode: (s) => ({ "#text": s }) }
  )
) as unknown as Schema.Schema<string, unknown>

/** `Schema.optional(Schema.String)`, typed for JSR's fast check. */
export const OptionalString: Schema.optional<typeof Schema.String> = Schema.optional(Schema.String)

/** `Schema.optional(BooleanFromString)`, typed for JSR's fast check. */
export const OptionalBoolean: Schema.optional<typeof BooleanFromString> = Schema.optional(BooleanFromString)

/** `Schema.optional(IntFromString)`, typed for JSR's fast check. */
export const OptionalInt: Schema.optional<typeof IntFromString> = Schema.optional(IntFromString)

/** `Schema.optional(DateFromString)`, typed for JSR's fast check. */
export const OptionalDate: Schema.optional<typeof DateFromString> = Schema.optional(DateFromString)

/** `Schema.optional(Text)`, typed for JSR's fast check. */
export const OptionalText: Schema.optional<typeof Text> = Schema.optional(Text)

/** An optional string attribute that decodes to `""` when absent, typed for JSR's fast check. */
export const StringOrEmpty: Schema.optionalWith<typeof Schema.String, { default: () => string }> = Schema.optionalWith(
  Schema.String,
  { default: () => "" }
)
