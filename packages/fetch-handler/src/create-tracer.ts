import { context, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import type {
  FetchHandlerOptions,
  RequestCompleteRecord,
  UpstreamAttemptRecord,
} from "./fetch-handler-options.js";

/** The OpenTelemetry spans of a fetch handler, fed by its request and upstream hooks. */
export interface RequestTracer {
  /** Opens the span of one request, at its arrival. */
  startRequest(requestId: string, path: string): void;
  /** Adds one child span for a finished Gemini call. */
  recordUpstreamAttempt(record: UpstreamAttemptRecord): void;
  /** Sets the request span's attributes and status, and ends it. */
  endRequest(record: RequestCompleteRecord): void;
  /** The handler options with the two hooks feeding this tracer, the caller's own hooks kept. */
  observe(options: FetchHandlerOptions): FetchHandlerOptions;
}

const TRACER_NAME = "@claude-gemini/fetch-handler";

/** Span names by route; `/health` gets none, load balancers poll it far too often. */
const SPAN_NAMES: Record<string, string> = {
  "/v1/messages": "claude_gemini.messages",
  "/v1/messages/count_tokens": "claude_gemini.count_tokens",
};

/**
 * Spans through `@opentelemetry/api`: one `claude_gemini.messages` span per request (model,
 * Gemini model, stream, status, tokens, retries) and one `claude_gemini.upstream` child per
 * Gemini call. Without an SDK registered by the host application the API is a no-op and
 * spans do not record, so nothing is kept.
 */
export function createTracer(tracer: Tracer = trace.getTracer(TRACER_NAME)): RequestTracer {
  const openSpans = new Map<string, Span>();

  const requestTracer: RequestTracer = {
    startRequest(requestId, path) {
      const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
      if (trimmed === "/health") return;
      const span = tracer.startSpan(SPAN_NAMES[trimmed] ?? "claude_gemini.request", {
        kind: SpanKind.SERVER,
        attributes: { "claude_gemini.request_id": requestId, "url.path": trimmed },
      });
      if (span.isRecording()) openSpans.set(requestId, span);
    },

    recordUpstreamAttempt(record) {
      const parent = openSpans.get(record.requestId);
      if (parent === undefined) return;
      const span = tracer.startSpan(
        "claude_gemini.upstream",
        {
          kind: SpanKind.CLIENT,
          startTime: record.startTime,
          attributes: {
            "claude_gemini.attempt": record.attempt,
            "claude_gemini.stream": record.stream,
            ...(record.geminiModel === undefined ? {} : { "gen_ai.request.model": record.geminiModel }),
          },
        },
        trace.setSpan(context.active(), parent),
      );
      if (record.geminiStatus !== undefined) {
        span.setAttribute("claude_gemini.gemini_status", record.geminiStatus);
        span.setStatus({ code: SpanStatusCode.ERROR, message: record.geminiStatus });
      }
      span.end(record.startTime + record.durationMs);
    },

    endRequest(record) {
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

    observe(options) {
      const { onRequestComplete, onUpstreamAttempt } = options;
      return {
        ...options,
        onRequestComplete(record) {
          requestTracer.endRequest(record);
          onRequestComplete?.(record);
        },
        onUpstreamAttempt(record) {
          requestTracer.recordUpstreamAttempt(record);
          onUpstreamAttempt?.(record);
        },
      };
    },
  };
  return requestTracer;
}
