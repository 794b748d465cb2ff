/** Shared test helpers: a session over real HTTP, and a tracer that records spans. */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"
import { Credentials, TableauSession } from "../../mod.ts"

/** A session over real HTTP (a served fake), signed in as admin with a personal access token. */
export const overHttp = (url: string, options: Partial<TableauSession.Options> = {}) =>
  TableauSession.layer({
    server: url,
    credentials: Credentials.personalAccessToken({ name: "admin", secret: "admin" }),
    retry: { maxRetries: 5, baseDelay: 5, maxDelay: 50, maxRetryAfter: 1000 },
    ...options
  }).pipe(Layer.provide(FetchHttpClient.layer))

/** A tracer that records every span it creates, with its attributes. */
export const recordingTracer = () => {
  const spans: Array<Tracer.Span> = []
  let counter = 0
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind) => {
      const attributes = new Map<string, unknown>()
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: `span-${++counter}`,
        traceId: "trace",
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes,
        links,
        sampled: true,
        kind,
        end: (endTime, exit) => {
          ;(span as { status: Tracer.SpanStatus }).status = { _tag: "Ended", startTime, endTime, exit }
        },
        attribute: (key, value) => {
          attributes.set(key, value)
        },
        event: () => {},
        addLinks: () => {}
      }
      spans.push(span)
      return span
    },
    context: (f) => f()
  })
  return { tracer, spans, parentOf: (span: Tracer.Span) => Option.getOrUndefined(span.parent) }
}
