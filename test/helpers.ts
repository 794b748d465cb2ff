/** Shared test helpers. */
import * as Option from "effect/Option"
import * as Tracer from "effect/Tracer"

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
