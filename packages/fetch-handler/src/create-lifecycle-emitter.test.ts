import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type GeminiFake, startGeminiFake } from "../../../test/gemini-fake/index.js";
import { createFetchHandler } from "./create-fetch-handler.js";
import type { FetchHandlerOptions } from "./fetch-handler-options.js";
import type { LifecycleEvent, UpstreamAttemptEndEvent } from "./lifecycle-event.js";

const GEMINI_KEY = "test-gemini-key-abcd";
let fake: GeminiFake;

beforeAll(async () => {
  fake = await startGeminiFake({ apiKey: GEMINI_KEY });
});
afterAll(async () => {
  await fake.close();
});
beforeEach(() => {
  fake.reset();
});

function createHandler(options: Partial<FetchHandlerOptions> = {}) {
  const events: LifecycleEvent[] = [];
  const handler = createFetchHandler({
    apiKey: GEMINI_KEY,
    baseUrl: fake.url,
    retry: { baseDelayMs: 1 },
    modelMetadata: false,
    subscribers: [(event) => events.push(event)],
    ...options,
  });
  /** The request's event types in order; the key pool's `apiKey` events are checked apart. */
  const order = () => events.filter((event) => event.type !== "apiKey").map((event) => event.type);
  const ofType = <Type extends LifecycleEvent["type"]>(type: Type) =>
    events.filter((event): event is Extract<LifecycleEvent, { type: Type }> => event.type === type);
  return { handler, events, order, ofType };
}

const post = (body: Record<string, unknown> = {}) =>
  new Request("http://localhost/v1/messages", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      model: "claude-sonnet-4-5",
      max_tokens: 256,
      messages: [{ role: "user", content: "Hi" }],
      ...body,
    }),
  });

describe("lifecycle events", () => {
  it("follow a JSON request from start to completion", async () => {
    const { handler, events, order, ofType } = createHandler();
    fake.enqueue({ kind: "text", text: "Hello", usage: { promptTokenCount: 12, candidatesTokenCount: 3 } });
    const response = await handler(post());
    expect(response.status).toBe(200);
    await response.json();

    expect(order()).toEqual([
      "requestStart",
      "requestRead",
      "modelSelected",
      "upstreamAttemptStart",
      "upstreamAttemptEnd",
      "usage",
      "requestComplete",
    ]);
    const requestId = response.headers.get("request-id");
    expect(events.every((event) => !("requestId" in event) || event.requestId === requestId)).toBe(true);
    expect(ofType("requestStart")[0]).toMatchObject({
      method: "POST",
      path: "/v1/messages",
      route: "messages",
    });
    expect(ofType("upstreamAttemptEnd")[0]).toMatchObject({
      attempt: 1,
      stream: false,
      geminiModel: "gemini-3.8-flash",
      keyFingerprint: "…abcd",
    });
    expect(ofType("upstreamAttemptEnd")[0]?.failure).toBeUndefined();
    expect(ofType("apiKey")).toEqual([{ type: "apiKey", keyFingerprint: "…abcd", event: "request" }]);
    // The completion record is what the events before it said.
    expect(ofType("requestComplete")[0]?.record).toMatchObject({
      requestId,
      model: "claude-sonnet-4-5",
      geminiModel: "gemini-3.8-flash",
      status: 200,
      inputTokens: 12,
      outputTokens: 3,
      retries: 0,
      stream: false,
    });
  });

  it("open and end a stream between the first upstream chunk and completion", async () => {
    const { handler, order, ofType } = createHandler();
    fake.enqueue({
      kind: "text",
      text: "Streamed answer",
      chunks: 3,
      usage: { promptTokenCount: 10, candidatesTokenCount: 4 },
    });
    const response = await handler(post({ stream: true }));
    await response.text();

    expect(order()).toEqual([
      "requestStart",
      "requestRead",
      "modelSelected",
      "upstreamAttemptStart",
      "upstreamAttemptEnd",
      "streamOpen",
      "streamEnd",
      "requestComplete",
    ]);
    expect(ofType("upstreamAttemptEnd")[0]?.stream).toBe(true);
    const timeToFirstTokenMs = ofType("streamOpen")[0]?.timeToFirstTokenMs;
    expect(timeToFirstTokenMs).toBeGreaterThanOrEqual(0);
    expect(ofType("streamEnd")[0]).toMatchObject({ inputTokens: 10, outputTokens: 4, errorType: undefined });
    expect(ofType("requestComplete")[0]?.record).toMatchObject({
      status: 200,
      stream: true,
      timeToFirstTokenMs,
      inputTokens: 10,
      outputTokens: 4,
    });
    expect(ofType("requestComplete")[0]?.record.errorType).toBeUndefined();
  });

  it("report each attempt of a retried call, with the failure's typed fields", async () => {
    const { handler, order, ofType } = createHandler();
    fake.enqueue(
      {
        kind: "error",
        status: 429,
        geminiStatus: "RESOURCE_EXHAUSTED",
        message: "Slow down.",
        retryDelay: "0.01s",
      },
      { kind: "text", text: "Hello" },
    );
    const response = await handler(post());
    expect(response.status).toBe(200);
    await response.json();

    expect(order()).toEqual([
      "requestStart",
      "requestRead",
      "modelSelected",
      "upstreamAttemptStart",
      "upstreamAttemptEnd",
      "upstreamAttemptStart",
      "upstreamAttemptEnd",
      "usage",
      "requestComplete",
    ]);
    const [failed, answered] = ofType("upstreamAttemptEnd") as [
      UpstreamAttemptEndEvent,
      UpstreamAttemptEndEvent,
    ];
    expect(failed.attempt).toBe(1);
    expect(failed.failure).toMatchObject({
      geminiStatus: "RESOURCE_EXHAUSTED",
      httpStatus: 429,
      status: "RESOURCE_EXHAUSTED",
      retryDelayMs: 10,
      keyRejected: false,
    });
    expect(failed.error).toBeDefined();
    expect(answered).toMatchObject({ attempt: 2 });
    expect(answered.failure).toBeUndefined();
    expect(ofType("requestComplete")[0]?.record.retries).toBe(1);
  });

  it("end a stream that fails after its start with the error type the client got", async () => {
    const { handler, order, ofType } = createHandler();
    fake.enqueue({
      kind: "error_chunk",
      afterChunks: 1,
      geminiStatus: "UNAVAILABLE",
      message: "Overloaded.",
      code: 503,
    });
    const response = await handler(post({ stream: true }));
    expect(response.status).toBe(200);
    await response.text();

    expect(order().slice(-3)).toEqual(["streamOpen", "streamEnd", "requestComplete"]);
    expect(ofType("streamEnd")[0]?.errorType).toBe("overloaded_error");
    expect(ofType("requestComplete")[0]?.record).toMatchObject({
      status: 200,
      errorType: "overloaded_error",
    });
  });

  it("report a stream that fails before its first chunk as a failed request, with no stream", async () => {
    const { handler, order, ofType } = createHandler({ retry: { maxAttempts: 1 } });
    fake.enqueue({ kind: "error", status: 503, geminiStatus: "UNAVAILABLE", message: "Overloaded." });
    const response = await handler(post({ stream: true }));
    await response.text();

    expect(order()).toEqual([
      "requestStart",
      "requestRead",
      "modelSelected",
      "upstreamAttemptStart",
      "upstreamAttemptEnd",
      "requestFailed",
      "requestComplete",
    ]);
    expect(ofType("requestFailed")[0]).toMatchObject({
      status: response.status,
      errorType: "overloaded_error",
    });
    expect(ofType("requestComplete")[0]?.record).toMatchObject({
      status: response.status,
      errorType: "overloaded_error",
    });
  });

  it("end a stream the client abandons as aborted, once", async () => {
    const { handler, order, ofType } = createHandler({ idleTimeoutMs: 5000 });
    fake.enqueue({ kind: "stall", afterChunks: 1 });
    const response = await handler(post({ stream: true }));
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();

    expect(order().slice(-3)).toEqual(["streamOpen", "streamEnd", "requestComplete"]);
    expect(ofType("streamEnd")).toHaveLength(1);
    expect(ofType("streamEnd")[0]?.errorType).toBe("aborted");
    expect(ofType("requestComplete")).toHaveLength(1);
    expect(ofType("requestComplete")[0]?.record).toMatchObject({ status: 200, errorType: "aborted" });
  });

  it("name the route of a 405 and none for a 404", async () => {
    const { handler, ofType } = createHandler();
    await (await handler(new Request("http://localhost/v1/messages"))).text();
    await (await handler(new Request("http://localhost/nowhere"))).text();
    expect(ofType("requestStart").map((event) => event.route)).toEqual(["messages", undefined]);
    expect(ofType("requestComplete").map((event) => event.record.errorType)).toEqual([
      "invalid_request_error",
      "not_found_error",
    ]);
  });
});

describe("a throwing subscriber", () => {
  it("changes nothing the client gets, is logged, and the others still hear every event", async () => {
    const warnings: [string, Record<string, unknown> | undefined][] = [];
    const heard: string[] = [];
    const completed: unknown[] = [];
    const handler = createFetchHandler({
      apiKey: GEMINI_KEY,
      baseUrl: fake.url,
      modelMetadata: false,
      logger: {
        debug: () => {},
        info: () => {},
        warn: (message, fields) => warnings.push([message, fields]),
        error: () => {},
      },
      onRequestComplete: (record) => {
        completed.push(record);
        throw new Error("hook bug");
      },
      onUpstreamAttempt: () => {
        throw new Error("hook bug");
      },
      subscribers: [
        () => {
          throw new Error("subscriber bug");
        },
        {
          streamOpen: () => {
            throw new Error("subscriber bug");
          },
          requestComplete: () => {
            throw new Error("subscriber bug");
          },
        },
        (event) => heard.push(event.type),
      ],
    });
    fake.enqueue({ kind: "text", text: "Streamed answer", chunks: 2 });
    const response = await handler(post({ stream: true }));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain("Streamed answer".slice(0, 4));
    expect(text).toContain("event: message_stop");

    expect(heard.filter((type) => type !== "apiKey")).toEqual([
      "requestStart",
      "requestRead",
      "modelSelected",
      "upstreamAttemptStart",
      "upstreamAttemptEnd",
      "streamOpen",
      "streamEnd",
      "requestComplete",
    ]);
    expect(completed).toHaveLength(1);
    const messages = warnings.map(([message]) => message);
    expect(messages).toContain("onRequestComplete threw");
    expect(messages).toContain("onUpstreamAttempt threw");
    expect(messages).toContain("lifecycle subscriber threw");
    expect(warnings.find(([message]) => message === "lifecycle subscriber threw")?.[1]).toMatchObject({
      requestId: response.headers.get("request-id"),
      error: "Error: subscriber bug",
    });
  });
});
