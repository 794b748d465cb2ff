/**
 * How the fake server speaks: Tableau's XML documents (namespace,
 * `tsResponse`, `pagination`, `error`) and its error codes.
 *
 * @internal
 */
import { escape, escapeAttribute, notXmlCharacter, parse, XmlRefused } from "../xml.ts"

const PREAMBLE =
  "<?xml version='1.0' encoding='UTF-8'?><tsResponse xmlns=\"http://tableau.com/api\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:schemaLocation=\"http://tableau.com/api https://help.tableau.com/samples/en-us/rest_api/ts-api_3_24.xsd\">"

/** A Tableau error answer, thrown by handlers and rendered by the server. */
export class FakeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly summary: string,
    readonly detail: string,
    readonly headers: Readonly<Record<string, string>> = {}
  ) {
    super(`${code} ${summary}: ${detail}`)
  }
}

/** An element with attributes (undefined ones left out) and inner XML. */
export const element = (
  name: string,
  attributes: Readonly<Record<string, string | number | boolean | undefined>>,
  inner?: string
): string => {
  let out = `<${name}`
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined) continue
    out += ` ${key}="${escapeAttribute(String(value))}"`
  }
  return inner === undefined || inner === "" ? `${out}/>` : `${out}>${inner}</${name}>`
}

/** A text-only element. */
export const textElement = (name: string, text: string): string => `<${name}>${escape(text)}</${name}>`

/** Wraps inner XML in a `tsResponse` document. */
export const document = (inner: string): string => `${PREAMBLE}${inner}</tsResponse>`

/** An XML answer. */
export const xml = (inner: string, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(document(inner), {
    status,
    headers: { "content-type": "application/xml;charset=utf-8", ...headers }
  })

/** An empty answer (204 by default). */
export const noContent = (status = 204): Response => new Response(null, { status })

/** Renders a `FakeError` as Tableau does. */
export const errorResponse = (error: FakeError): Response =>
  xml(
    element("error", { code: error.code }, textElement("summary", error.summary) + textElement("detail", error.detail)),
    error.status,
    error.headers
  )

/** `<pagination .../>` followed by the collection element. */
export const paged = (
  pagination: { readonly pageNumber: number; readonly pageSize: number; readonly totalAvailable: number },
  collection: string,
  items: ReadonlyArray<string>
): string => element("pagination", pagination) + (items.length === 0 ? `<${collection}/>` : `<${collection}>${items.join("")}</${collection}>`)

/**
 * What a conforming XML parser does before the application sees a value
 * (XML 1.0, sections 2.11 and 3.3.3), which Tableau's parser is and
 * fast-xml-parser is not: line ends become LF, then a raw tab or LF in an
 * attribute value becomes a space. Character references (`&#10;`) survive.
 */
const normalizeAsXml = (text: string): string =>
  text.replace(/\r\n?/g, "\n").replace(
    /<[A-Za-z_][\w.:-]*(?:\s+[\w.:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*\/?>/g,
    (tag) => tag.replace(/"[^"]*"|'[^']*'/g, (value) => value.replace(/[\t\n]/g, " "))
  )

/** Parses a request body as Tableau does; a malformed one is Tableau's 400000. */
export const parseBody = (text: string): Record<string, unknown> => {
  const invalid = notXmlCharacter(text)
  if (invalid !== undefined) {
    throw new FakeError(400, "400000", "Bad Request", `The request body is not valid XML: it holds ${invalid}.`)
  }
  const parsed = parse(normalizeAsXml(text))
  if (parsed instanceof XmlRefused) {
    throw new FakeError(400, "400000", "Bad Request", `The request body is not valid XML: ${parsed.reason}`)
  }
  return parsed
}

/** The element `name` inside `<tsRequest>`, as attribute values; 400000 if absent. */
export const requestElement = (body: Record<string, unknown>, name: string): Record<string, unknown> => {
  const request = body["tsRequest"]
  const value = typeof request === "object" && request !== null ? (request as Record<string, unknown>)[name] : undefined
  if (typeof value === "object" && value !== null) return value as Record<string, unknown>
  if (value === "") return {}
  throw new FakeError(400, "400000", "Bad Request", `The request must contain a <${name}> element.`)
}

/** An attribute value as a string, or undefined. */
export const attr = (element: Record<string, unknown>, name: string): string | undefined => {
  const value = element[name]
  return typeof value === "string" ? value : undefined
}

export const notFound = (code: string, what: string, id: string): FakeError =>
  new FakeError(404, code, "Resource Not Found", `${what} '${id}' could not be found.`)

export const conflict = (code: string, detail: string): FakeError =>
  new FakeError(409, code, "Resource Conflict", detail)

export const forbidden = (code: string, detail: string): FakeError =>
  new FakeError(403, code, "Forbidden", detail)

export const badRequest = (code: string, detail: string): FakeError =>
  new FakeError(400, code, "Bad Request", detail)
