/**
 * XML in and out of the Tableau REST API.
 *
 * - `parse` turns a response body into plain objects (attributes and elements
 *   side by side, every value a string) after refusing DOCTYPE and entity
 *   declarations, so a billion-laughs document fails in O(n) with no
 *   expansion at all.
 * - `el` / `render` build request bodies (`<tsRequest>...</tsRequest>`)
 *   directly (no XML builder: it added 17 KB to every bundle); every
 *   attribute and text value is escaped (`'` as `&#39;`, which older
 *   servers need instead of `&apos;`; tab, LF and CR in attributes as
 *   references, so the server stores them as given), and
 *   `invalidCharacter` names a value XML 1.0 cannot carry, which callers
 *   refuse before sending (`Transport.refuseInvalidXml`).
 *
 * Schema does the typing; this module never converts strings to numbers.
 *
 * @internal
 */
import { XMLParser } from "fast-xml-parser"

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
const isArray = (name: string, jpath: string | unknown, _leaf?: boolean, isAttribute?: boolean): boolean => {
  // Called for every attribute as well: answer those first, without touching the path.
  if (isAttribute === true) return false
  if (repeatedElements.has(name)) return true
  if (typeof jpath !== "string") return false
  // The parent is the segment before the last one: `a.users.user` -> `users`.
  const end = jpath.length - name.length - 1
  if (end <= 0 || jpath.charCodeAt(end) !== 46 /* . */) return false
  const start = jpath.lastIndexOf(".", end - 1) + 1
  const parentLength = end - start
  if (parentLength === name.length + 1) return jpath.startsWith(name, start) && jpath.charCodeAt(end - 1) === 115 /* s */
  if (parentLength === name.length + 2) return jpath.startsWith(name, start) && jpath.startsWith("es", end - 2)
  return false
}

const options = {
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
  isArray: (name: string, jpath: unknown, leaf: boolean, isAttribute: boolean) => isArray(name, jpath, leaf, isAttribute)
}

/**
 * Tableau answers in a default namespace: no element has a prefix, and
 * resolving prefixes costs about a sixth of the parse. Documents with a
 * prefixed element (`<t:site>`) go through a parser that drops prefixes;
 * the others keep the root's `xmlns` attributes, which no schema reads.
 */
const plainParser = new XMLParser({ ...options, removeNSPrefix: false })
const prefixParser = new XMLParser(options)
const prefixedElement = /<\/?[A-Za-z_][\w.-]*:/

/** Why `parse` refused a document. */
export class XmlRefused {
  readonly _tag = "XmlRefused"
  constructor(readonly reason: string) {}
}

const forbidden = /<!DOCTYPE|<!ENTITY/i

/** The name of the first element (after any declaration, comments and whitespace). */
const rootName = (text: string): string | undefined => {
  const match = /^\s*(?:<\?[\s\S]*?\?>\s*)?(?:<!--[\s\S]*?-->\s*)*<([A-Za-z_][\w.:-]*)/.exec(text)
  return match?.[1]
}

/**
 * Whether the document ends by closing its root element, so a body cut off
 * at an element boundary (which a non-validating parse would accept as a
 * shorter document: a page with fewer items) is refused.
 */
const rootClosed = (text: string, root: string): boolean => {
  const end = text.trimEnd()
  if (end.endsWith(`</${root}>`)) return true
  // A document that is a single empty root element: `<tsResponse .../>`.
  return end.endsWith("/>") && text.indexOf("<", text.indexOf(`<${root}`) + 1) === -1
}

/**
 * Parses an XML document. Refuses DOCTYPE and ENTITY declarations, bodies
 * that are not XML or do not close their root element, and anything the
 * parser cannot read.
 *
 * The parser runs without its separate validation pass (a second full scan
 * of the text that cost about a third of the parse time): a truncated body
 * is refused by the root check above, a broken tag by the parser itself,
 * and a document of the wrong shape by the Schema that decodes it.
 */
export const parse = (text: string): Record<string, unknown> | XmlRefused => {
  if (forbidden.test(text)) {
    return new XmlRefused("DOCTYPE and ENTITY declarations are refused")
  }
  const root = rootName(text)
  if (root === undefined) {
    return new XmlRefused("the body is not XML")
  }
  if (!rootClosed(text, root)) {
    return new XmlRefused(`malformed XML: the root element <${root}> is not closed (the body may be truncated)`)
  }
  try {
    const value: unknown = (prefixedElement.test(text) ? prefixParser : plainParser).parse(text)
    if (typeof value !== "object" || value === null) {
      return new XmlRefused("the body is not an XML document")
    }
    return value as Record<string, unknown>
  } catch (error) {
    return new XmlRefused(`malformed XML: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`)
  }
}

/**
 * Escapes text for an element body: the five markup characters, and CR as
 * `&#13;` (a parser turns a raw CR or CRLF into LF).
 */
export const escape = (value: string): string => value.replace(/[&<>"'\r]/g, reference)

/**
 * Escapes an attribute value: as {@link escape}, and tab, LF and CR as
 * character references, which a parser keeps (raw, it turns them into
 * spaces: a password with a newline would be stored differently).
 */
export const escapeAttribute = (value: string): string => value.replace(/[&<>"'\t\n\r]/g, reference)

const reference = (c: string): string => {
  switch (c) {
    case "&":
      return "&amp;"
    case "<":
      return "&lt;"
    case ">":
      return "&gt;"
    case "\"":
      return "&quot;"
    case "'":
      return "&#39;"
    default:
      return `&#${c.charCodeAt(0)};`
  }
}

/**
 * A character XML 1.0 cannot carry, even as a reference: C0 controls other
 * than tab, LF and CR, U+FFFE, U+FFFF, and a UTF-16 surrogate without its
 * pair (it would reach the server as U+FFFD).
 */
const notXml = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** The first character of `value` that XML 1.0 cannot carry, as `U+0000 at position 3`, or undefined. */
export const notXmlCharacter = (value: string): string | undefined => {
  const match = notXml.exec(value)
  return match === null
    ? undefined
    : `U+${match[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")} at position ${match.index}`
}

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

/**
 * Writes one element: attributes in the order given (absent ones left out),
 * then its text and children; an element with neither is self-closing.
 */
const renderElement = (element: XmlElement): string => {
  let open = `<${element.name}`
  for (const [key, value] of Object.entries(element.attributes)) {
    if (value !== undefined) open += ` ${key}="${escapeAttribute(String(value))}"`
  }
  const content = (element.text === undefined ? "" : escape(element.text)) + element.children.map(renderElement).join("")
  return content === "" ? `${open}/>` : `${open}>${content}</${element.name}>`
}

/**
 * Where the elements hold a character XML 1.0 cannot carry: a sentence
 * naming the field (`user@fullName`, `comment` for text) and the character,
 * never the value (it may be a secret); undefined when the body is sound.
 */
export const invalidCharacter = (
  ...children: ReadonlyArray<XmlElement | undefined | false | null>
): string | undefined => {
  const visit = (element: XmlElement, path: string): string | undefined => {
    const here = path === "" ? element.name : `${path}.${element.name}`
    for (const [key, value] of Object.entries(element.attributes)) {
      const found = value === undefined ? undefined : notXmlCharacter(String(value))
      if (found !== undefined) return `${here}@${key} holds ${found}, which XML 1.0 cannot carry`
    }
    const inText = element.text === undefined ? undefined : notXmlCharacter(element.text)
    if (inText !== undefined) return `the text of ${here} holds ${inText}, which XML 1.0 cannot carry`
    for (const child of element.children) {
      const found = visit(child, here)
      if (found !== undefined) return found
    }
    return undefined
  }
  for (const child of children) {
    const found = child ? visit(child, "") : undefined
    if (found !== undefined) return found
  }
  return undefined
}

/** Renders a request body: `<tsRequest>` around the given elements. */
export const render = (...children: ReadonlyArray<XmlElement | undefined | false | null>): string =>
  renderElement(el("tsRequest", {}, ...children))
