import { context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import type { LifecycleHooks } from "./lifecycle-event.js";
import type { RouteName } from "./route-request.js";

const TRACER_NAME = "@claude-gemini/fetch-handler";

/**
 * Span names by route; `/health` and `/metrics` get none, load balancers and scrapers poll them
 * far too often.
 */
const SPAN_NAMES = {
  messages: "claude_gemini.messages",
  "count-tokens": "claude_gemini.count_tokens",
  "list-models": "claude_gemini.request",
  "get-model": "claude_gemini.request",
  "test-connection": "claude_gemini.request",
  probe: "claude_gemini.request",
  health: undefined,
  metrics: undefined,
} satisfies Record<RouteName, string | undefined>;

/**
 * OpenTelemetry spans through `@opentelemetry/api`, as a lifecycle subscriber of the fetch
 * handler: one `claude_gemini.messages` span per request (model, Gemini model, stream, status,
 * tokens, retries) and one `claude_gemini.upstream` child per Gemini call. Without an SDK
 * registered by the host application the API is a no-op and spans do not record, so nothing is
 * kept.
 */
export function createTracer(tracer: Tracer = trace.getTracer(TRACER_NAME)): LifecycleHooks {
  const openSpans = new Map<string, Span>();
  return {
    requestStart({ requestId, path, route }) {
      const name = route === undefined ? "claude_gemini.request" : SPAN_NAMES[route];
      if (name === undefined) return;
      const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
      const span = tracer.startSpan(name, {
        kind: SpanKind.SERVER,
        attributes: { "claude_gemini.request_id": requestId, "url.path": trimmed },
      });
      if (span.isRecording()) openSpans.set(requestId, span);
    },

    upstreamAttemptEnd(event) {
      const parent = openSpans.get(event.requestId);
      if (parent === undefined) return;
      const span = tracer.startSpan(
        "claude_gemini.upstream",
        {
          kind: SpanKind.CLIENT,
          startTime: event.startTime,
          attributes: {
            "claude_gemini.attempt": event.attempt,
            "claude_gemini.stream": event.stream,
            ...(event.geminiModel === undefined ? {} : { "gen_ai.request.model": event.geminiModel }),
          },
        },
        trace.setSpan(context.active(), parent),
      );
      if (event.failure !== undefined) {
        span.setAttribute("claude_gemini.gemini_status", event.failure.geminiStatus);
        span.setStatus({ code: SpanStatusCode.ERROR, message: event.failure.geminiStatus });
      }
      span.end(event.startTime + event.durationMs);
    },

    requestComplete({ record }) {
      const span = openSpans.get(record.requestId);
      if (span === undefined) return;
      openSpans.delete(record.requestId);
      const attributes: Record<string, string | number | boolean> = {
        "http.request.method": record.method,
        "http.response.status_code": record.status,
        "claude_gemini.stream": record.stream,
        "claude_gemini.retries": record.retries,
      };
      if (record.model !== undefined) attributes["claude_gemini.model"] = record.model;
      if (record.geminiModel !== undefined) attributes["claude_gemini.gemini_model"] = record.geminiModel;
      if (record.inputTokens !== undefined) attributes["gen_ai.usage.input_tokens"] = record.inputTokens;
      if (record.outputTokens !== undefined) attributes["gen_ai.usage.output_tokens"] = record.outputTokens;
      if (record.thinkingTokens !== undefined)
        attributes["claude_gemini.thinking_tokens"] = record.thinkingTokens;
      if (record.cachedTokens !== undefined) attributes["claude_gemini.cached_tokens"] = record.cachedTokens;
      if (record.timeToFirstTokenMs !== undefined)
        attributes["claude_gemini.time_to_first_token_ms"] = record.timeToFirstTokenMs;
      if (record.errorType !== undefined) attributes["error.type"] = record.errorType;
      span.setAttributes(attributes);
      // A stream that failed after its start still answered 200: its error type tells.
      const failedStream =
        record.status < 400 && record.errorType !== undefined && record.errorType !== "aborted";
      if (record.status >= 500 || failedStream) {
        span.setStatus({ code: SpanStatusCode.ERROR, message: record.errorType });
      }
      span.end();
    },
  };
}
