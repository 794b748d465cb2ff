/**
 * XML in and out of the Tableau REST API.
 *
 * - `parse` turns a response body into plain objects (attributes and elements
 *   side by side, every value a string) after refusing DOCTYPE and entity
 *   declarations, so a billion-laughs document fails in O(n) with no
 *   expansion at all.
 * - `el` / `render` build request bodies (`<tsRequest>...</tsRequest>`) with
 *   fast-xml-parser's builder; every attribute and text value is escaped by
 *   `escape` (`'` as `&#39;`).
 *
 * Schema does the typing; this module never converts strings to numbers.
 *
 * @internal
 */
import { XMLBuilder, XMLParser } from "fast-xml-parser"

/** The XML namespace every Tableau response and request lives in. */
export const TABLEAU_NAMESPACE = "http://tableau.com/api"

/** Element names that repeat although their parent is not their plural. */
const repeatedElements: ReadonlySet<string> = new Set([
  "granteeCapabilities",
  "capability",
  "connection",
  "column",
  "field"
])

/**
 * An element is a list item when its parent is its plural
 * (`<users><user/></users>`), or when it is one of `repeatedElements`.
 * Schemas accept a single object too (see `schema.ArrayOf`), so a missed
 * case degrades gracefully instead of failing.
 */
const isArray = (name: string, jpath: string | unknown): boolean => {
  if (repeatedElements.has(name)) return true
  if (typeof jpath !== "string") return false
  const parts = jpath.split(".")
  const parent = parts[parts.length - 2]
  return parent === `${name}s` || parent === `${name}es`
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  parseAttributeValue: false,
  parseTagValue: false,
  removeNSPrefix: true,
  // Attribute values are kept exactly (a name may start with a space);
  // element text is trimmed, which also drops indentation between elements.
  trimValues: false,
  tagValueProcessor: (_name: string, value: string) => value.trim(),
  processEntities: true,
  // Decodes numeric character references (&#39;) and HTML's fixed named
  // entities; custom entities are impossible since DOCTYPE is refused.
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  isArray: (name, jpath) => isArray(name, jpath)
})

/** Why `parse` refused a document. */
export class XmlRefused {
  readonly _tag = "XmlRefused"
  constructor(readonly reason: string) {}
}

const forbidden = /<!DOCTYPE|<!ENTITY/i

/**
 * Parses an XML document. Refuses DOCTYPE and ENTITY declarations and
 * anything that is not well formed.
 */
export const parse = (text: string): Record<string, unknown> | XmlRefused => {
  if (forbidden.test(text)) {
    return new XmlRefused("DOCTYPE and ENTITY declarations are refused")
  }
  const trimmed = text.trimStart()
  if (!trimmed.startsWith("<")) {
    return new XmlRefused("the body is not XML")
  }
  try {
    const value: unknown = parser.parse(text, true)
    if (typeof value !== "object" || value === null) {
      return new XmlRefused("the body is not an XML document")
    }
    return value as Record<string, unknown>
  } catch (error) {
    return new XmlRefused(`malformed XML: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`)
  }
}

/** Escapes text for use in an attribute or element body. */
export const escape = (value: string): string =>
  value.replace(/[&<>"']/g, (c) => {
    switch (c) {
      case "&":
        return "&amp;"
      case "<":
        return "&lt;"
      case ">":
        return "&gt;"
      case "\"":
        return "&quot;"
      default:
        return "&#39;"
    }
  })

/** An attribute value: absent values (`undefined`) are left out. */
export type AttrValue = string | number | boolean | undefined

/** A request element: a name, its attributes, its children or text. */
export interface XmlElement {
  readonly name: string
  readonly attributes: Readonly<Record<string, AttrValue>>
  readonly children: ReadonlyArray<XmlElement>
  readonly text: string | undefined
}

/**
 * Builds a request element. Children that are `undefined` or `false` are
 * dropped, so optional parts read naturally:
 * `el("user", { name }, password && el("password", {}, password))`.
 */
export const el = (
  name: string,
  attributes: Readonly<Record<string, AttrValue>> = {},
  ...children: ReadonlyArray<XmlElement | string | undefined | false | null>
): XmlElement => {
  const kept: Array<XmlElement> = []
  let text: string | undefined
  for (const child of children) {
    if (child === undefined || child === false || child === null) continue
    if (typeof child === "string") text = (text ?? "") + child
    else kept.push(child)
  }
  return { name, attributes, children: kept, text }
}

const builder = new XMLBuilder({
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  textNodeName: "#text",
  suppressEmptyNode: true,
  suppressBooleanAttributes: false,
  processEntities: false,
  // We escape ourselves so that `'` becomes `&#39;` (the builder's own
  // entity handling writes `&apos;`, which older servers reject).
  attributeValueProcessor: (_name: string, value: unknown) => escape(String(value)),
  tagValueProcessor: (_name: string, value: unknown) => escape(String(value))
})

type BuilderNode = Record<string, unknown>

const toBuilderNode = (element: XmlElement): BuilderNode => {
  const node: BuilderNode = {}
  for (const [key, value] of Object.entries(element.attributes)) {
    if (value === undefined) continue
    node[`@_${key}`] = typeof value === "string" ? value : String(value)
  }
  if (element.text !== undefined) node["#text"] = element.text
  for (const child of element.children) {
    const existing = node[child.name]
    const built = toBuilderNode(child)
    if (existing === undefined) node[child.name] = built
    else if (Array.isArray(existing)) existing.push(built)
    else node[child.name] = [existing, built]
  }
  return node
}

/** Renders a request body: `<tsRequest>` around the given elements. */
export const render = (...children: ReadonlyArray<XmlElement | undefined | false | null>): string =>
  builder.build({ tsRequest: toBuilderNode(el("tsRequest", {}, ...children)) }) as string
