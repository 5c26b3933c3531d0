import {
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
  type SpanOptions,
  type SpanStatus,
  type TimeInput,
  type Tracer,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type GeminiFake, startGeminiFake } from "../../../test/gemini-fake/index.js";
import { createFetchHandler } from "./create-fetch-handler.js";
import type { UpstreamAttemptRecord } from "./fetch-handler-options.js";

// A tiny tracer provider written against the @opentelemetry/api interfaces: it keeps every
// finished span in memory, which is all an SDK would add that these tests look at.

interface FinishedSpan {
  name: string;
  spanId: string;
  parentSpanId?: string;
  attributes: Attributes;
  status: SpanStatus;
  startTime?: TimeInput;
  endTime?: TimeInput;
}

function createMemoryTracerProvider(): TracerProvider & { finished: FinishedSpan[] } {
  const finished: FinishedSpan[] = [];
  let nextId = 1;
  const tracer: Tracer = {
    startSpan(name: string, options: SpanOptions = {}, parentContext?: Context): Span {
      const parent = parentContext === undefined ? undefined : trace.getSpan(parentContext);
      const spanContext: SpanContext = {
        traceId: parent?.spanContext().traceId ?? "0af7651916cd43dd8448eb211c80319c",
        spanId: String(nextId++).padStart(16, "0"),
        traceFlags: 1,
      };
      const record: FinishedSpan = {
        name,
        spanId: spanContext.spanId,
        parentSpanId: parent?.spanContext().spanId,
        attributes: { ...options.attributes },
        status: { code: 0 },
        startTime: options.startTime,
      };
      let ended = false;
      const span: Span = {
        spanContext: () => spanContext,
        setAttribute(key, value) {
          if (value !== undefined) record.attributes[key] = value;
          return span;
        },
        setAttributes(attributes) {
          Object.assign(record.attributes, attributes);
          return span;
        },
        addEvent: () => span,
        addLink: () => span,
        addLinks: () => span,
        setStatus(status) {
          record.status = status;
          return span;
        },
        updateName(newName) {
          record.name = newName;
          return span;
        },
        end(endTime) {
          if (ended) return;
          ended = true;
          record.endTime = endTime;
          finished.push(record);
        },
        isRecording: () => !ended,
        recordException: () => {},
      };
      return span;
    },
    startActiveSpan() {
      throw new Error("not used by the fetch handler");
    },
  };
  return { finished, getTracer: () => tracer };
}

const GEMINI_KEY = "test-gemini-key";
let fake: GeminiFake;

beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: GEMINI_KEY });
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.reset();
  trace.disable();
});

const post = (body: unknown) =>
  new Request("http://localhost/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const body = { model: "claude-sonnet-4-5", max_tokens: 256, messages: [{ role: "user", content: "Hi" }] };

describe("OpenTelemetry spans", () => {
  it("records one request span and one child per upstream attempt", async () => {
    const provider = createMemoryTracerProvider();
    trace.setGlobalTracerProvider(provider);
    const attempts: UpstreamAttemptRecord[] = [];
    const handler = createFetchHandler({
      apiKey: GEMINI_KEY,
      baseUrl: fake.url,
      retry: { baseDelayMs: 1 },
      modelMetadata: false,
      onUpstreamAttempt: (record) => attempts.push(record),
    });
    fake.enqueue(
      { kind: "error", status: 503, geminiStatus: "UNAVAILABLE", message: "The model is overloaded." },
      { kind: "text", text: "Hello", usage: { promptTokenCount: 12, candidatesTokenCount: 3 } },
    );

    const response = await handler(post(body));
    expect(response.status).toBe(200);
    await response.json();

    const requestSpan = provider.finished.find((span) => span.name === "claude_gemini.messages");
    expect(requestSpan?.attributes).toMatchObject({
      "claude_gemini.model": "claude-sonnet-4-5",
      "claude_gemini.gemini_model": "gemini-3.8-flash",
      "claude_gemini.stream": false,
      "claude_gemini.retries": 1,
      "http.response.status_code": 200,
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.usage.output_tokens": 3,
    });
    expect(requestSpan?.status.code).toBe(0);

    const upstreamSpans = provider.finished.filter((span) => span.name === "claude_gemini.upstream");
    expect(upstreamSpans.map((span) => span.parentSpanId)).toEqual([
      requestSpan?.spanId,
      requestSpan?.spanId,
    ]);
    expect(upstreamSpans.map((span) => span.attributes["claude_gemini.attempt"])).toEqual([1, 2]);
    expect(upstreamSpans[0]?.attributes["claude_gemini.gemini_status"]).toBe("UNAVAILABLE");
    expect(upstreamSpans[0]?.status.code).toBe(2);
    expect(upstreamSpans[1]?.attributes["claude_gemini.gemini_status"]).toBeUndefined();

    // The caller's own hook still hears of both attempts.
    expect(attempts.map((attempt) => [attempt.attempt, attempt.geminiStatus])).toEqual([
      [1, "UNAVAILABLE"],
      [2, undefined],
    ]);
  });

  it("marks a failed request span as an error and skips /health", async () => {
    const provider = createMemoryTracerProvider();
    trace.setGlobalTracerProvider(provider);
    const handler = createFetchHandler({ apiKey: GEMINI_KEY, baseUrl: fake.url, retry: { maxAttempts: 1 } });
    fake.enqueue({ kind: "error", status: 500, geminiStatus: "INTERNAL", message: "Internal error." });

    const failed = await handler(post(body));
    expect(failed.status).toBe(500);
    await failed.text();
    await (await handler(new Request("http://localhost/health"))).text();

    expect(provider.finished.map((span) => span.name)).toEqual([
      "claude_gemini.upstream",
      "claude_gemini.messages",
    ]);
    const requestSpan = provider.finished[1];
    expect(requestSpan?.status).toEqual({ code: 2, message: "api_error" });
    expect(requestSpan?.attributes["error.type"]).toBe("api_error");
  });

  it("keeps nothing when no tracer provider is registered", async () => {
    const attempts: UpstreamAttemptRecord[] = [];
    const handler = createFetchHandler({
      apiKey: GEMINI_KEY,
      baseUrl: fake.url,
      onUpstreamAttempt: (record) => attempts.push(record),
    });
    fake.enqueue({ kind: "text", text: "Hello" });
    const response = await handler(post(body));
    expect(response.status).toBe(200);
    await response.json();
    expect(attempts).toHaveLength(1);
    expect(attempts[0]?.error).toBeUndefined();
    expect(attempts[0]?.durationMs).toBeGreaterThanOrEqual(0);
  });
});
