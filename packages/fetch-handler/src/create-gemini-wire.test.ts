import { type GeminiGenerateContentParameters, readGeminiFailure } from "@claude-gemini/core";
import { GoogleGenAI } from "@google/genai";
import { describe, expect, it } from "vitest";
import { createGeminiWire, readClientRetryOptions } from "./create-gemini-wire.js";
import type { UpstreamRequest, UpstreamTransport } from "./upstream-transport.js";

const PARAMETERS: GeminiGenerateContentParameters = {
  model: "gemini-3.8-flash",
  contents: [{ role: "user", parts: [{ text: "Hello" }] }],
  config: { systemInstruction: { parts: [{ text: "Be brief." }] }, maxOutputTokens: 64 },
};

interface Sent {
  url: string;
  headers: Record<string, string>;
  body: unknown;
}

/** What the upstream answers: the bytes of the body in pieces, a status and a content type. */
interface Answer {
  status?: number;
  statusText?: string;
  contentType?: string;
  pieces: string[];
}

/**
 * A GoogleGenAI client whose `fetch` records each request and answers with `answer`; the SDK
 * and the wire share it, so both see the same settings and the same bytes.
 */
function createClient(
  answer: Answer,
  options: { vertex?: boolean; extraBody?: Record<string, unknown>; transport?: UpstreamTransport } = {},
) {
  const sent: Sent[] = [];
  const encoder = new TextEncoder();
  const fetch = async (url: string | URL | Request, init?: RequestInit) => {
    sent.push({
      url: String(url),
      headers: Object.fromEntries(new Headers(init?.headers as HeadersInit).entries()),
      body: JSON.parse(String(init?.body)),
    });
    const pieces = [...answer.pieces];
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const piece = pieces.shift();
        if (piece === undefined) controller.close();
        else controller.enqueue(encoder.encode(piece));
      },
    });
    return new Response(body, {
      status: answer.status ?? 200,
      statusText: answer.statusText ?? "",
      headers: { "content-type": answer.contentType ?? "application/json" },
    });
  };
  const client = options.vertex
    ? new GoogleGenAI({
        vertexai: true,
        project: "wire-project",
        location: "europe-west4",
        httpOptions: { baseUrl: "http://vertex.test/", fetch },
      })
    : new GoogleGenAI({
        apiKey: "wire-key",
        apiVersion: "v1beta",
        httpOptions: { baseUrl: "http://gemini.test", fetch, extraBody: options.extraBody },
      });
  if (options.vertex) {
    // Vertex AI credentials come from google-auth-library; a stand-in that needs no Google.
    const internal = client as unknown as {
      apiClient: {
        clientOptions: { auth: { addAuthHeaders: (headers: Headers, url?: string) => Promise<void> } };
      };
    };
    internal.apiClient.clientOptions.auth = {
      addAuthHeaders: async (headers, url) => {
        headers.set("authorization", `Bearer token-for ${url}`);
      },
    };
  }
  return { client, sent, wire: createGeminiWire(client, { transport: options.transport }) };
}

const withoutSdkFields = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (key, inner) => (key === "sdkHttpResponse" ? undefined : inner)));

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
}

const ANSWER = {
  candidates: [{ content: { role: "model", parts: [{ text: "Hi." }] }, finishReason: "STOP", index: 0 }],
  usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 1, totalTokenCount: 4 },
  modelVersion: "gemini-3.8-flash",
  responseId: "r1",
};

describe("createGeminiWire", () => {
  it("sends what the SDK sends: URL, headers and body (Gemini API)", async () => {
    const { client, sent, wire } = createClient({ pieces: [JSON.stringify(ANSWER)] });
    await client.models.generateContent(structuredClone(PARAMETERS));
    const answer = await wire.generateContent(PARAMETERS);
    expect(sent[1]).toEqual(sent[0]);
    expect(sent[1]?.url).toBe("http://gemini.test/v1beta/models/gemini-3.8-flash:generateContent");
    expect(sent[1]?.headers["x-goog-api-key"]).toBe("wire-key");
    expect(sent[1]?.headers["x-goog-api-client"]).toMatch(/^google-genai-sdk\//);
    expect(answer).toEqual(ANSWER);
  });

  it("sends what the SDK sends on Vertex AI: project path and the credentials' headers", async () => {
    const { client, sent, wire } = createClient({ pieces: [JSON.stringify(ANSWER)] }, { vertex: true });
    await client.models.generateContent(structuredClone(PARAMETERS));
    await wire.generateContent(PARAMETERS);
    const url =
      "http://vertex.test/v1beta1/projects/wire-project/locations/europe-west4/publishers/google/models/gemini-3.8-flash:generateContent";
    expect(sent[0]?.url).toBe(url);
    expect(sent[1]).toEqual(sent[0]);
    expect(sent[1]?.headers.authorization).toBe(`Bearer token-for ${url}`);
  });

  it("reads a stream as the SDK does: lines split anywhere, CRLF, LF, comments", async () => {
    const events = [
      { ...ANSWER, candidates: [{ content: { role: "model", parts: [{ text: "Hel" }] }, index: 0 }] },
      { ...ANSWER, candidates: [{ content: { role: "model", parts: [{ text: "lo ✓" }] }, index: 0 }] },
      ANSWER,
    ];
    const text = `: a comment\r\n\r\ndata: ${JSON.stringify(events[0])}\r\n\r\ndata: ${JSON.stringify(events[1])}\n\ndata: ${JSON.stringify(events[2])}\r\n\r\n`;
    // Split into 7-byte pieces: inside "data:", inside a CRLF pair, inside the "✓" (3 bytes).
    const pieces: string[] = [];
    const bytes = new TextEncoder().encode(text);
    const decoder = new TextDecoder();
    for (let start = 0; start < bytes.length; start += 7) {
      pieces.push(decoder.decode(bytes.subarray(start, start + 7), { stream: true }));
    }
    const { client, sent, wire } = createClient({ pieces, contentType: "text/event-stream" });
    const fromSdk = await collect(await client.models.generateContentStream(structuredClone(PARAMETERS)));
    const fromWire = await collect(await wire.generateContentStream(PARAMETERS));
    expect(withoutSdkFields(fromWire)).toEqual(withoutSdkFields(fromSdk));
    expect(fromWire).toEqual(events);
    expect(sent[1]).toEqual(sent[0]);
    expect(sent[1]?.url).toBe(
      "http://gemini.test/v1beta/models/gemini-3.8-flash:streamGenerateContent?alt=sse",
    );
  });

  it("hands over the chunks of one read at once through takeBuffered, in order", async () => {
    const events = [1, 2, 3].map((index) => ({ ...ANSWER, responseId: `r${index}` }));
    const pieces = [events.map((event) => `data: ${JSON.stringify(event)}\n\n`).join(""), "data: {oops\n\n"];
    const { wire } = createClient({ pieces, contentType: "text/event-stream" });
    const chunks = await wire.generateContentStream(PARAMETERS);
    expect(chunks.takeBuffered()).toBeUndefined();
    expect((await chunks.next()).value).toEqual(events[0]);
    expect(chunks.takeBuffered()).toEqual(events[1]);
    expect(chunks.takeBuffered()).toEqual(events[2]);
    expect(chunks.takeBuffered()).toBeUndefined();
    await expect(chunks.next()).rejects.toBeInstanceOf(SyntaxError);
  });

  it("hands on every chunk as an object with the response's own fields, as the SDK does", async () => {
    const odd = [null, 5, "text", [1, 2], { ...ANSWER, extra: 1, error: { message: "no code" } }];
    const pieces = odd.map((chunk) => `data: ${JSON.stringify(chunk)}\n\n`);
    const { client, wire } = createClient({ pieces, contentType: "text/event-stream" });
    const fromSdk = await collect(await client.models.generateContentStream(structuredClone(PARAMETERS)));
    const fromWire = await collect(await wire.generateContentStream(PARAMETERS));
    expect(withoutSdkFields(fromWire)).toEqual(withoutSdkFields(fromSdk));
    expect(fromWire).toEqual([{}, {}, {}, {}, ANSWER]);
  });

  it("throws the SDK's ApiError for an error event in a stream", async () => {
    const error = { error: { code: 429, message: "Quota exceeded.", status: "RESOURCE_EXHAUSTED" } };
    const answer = {
      pieces: [`data: ${JSON.stringify(ANSWER)}\n\n`, `data: ${JSON.stringify(error)}\n\n`],
      contentType: "text/event-stream",
    };
    const { client, wire } = createClient(answer);
    const fromSdk = await failureOf(
      collect(await client.models.generateContentStream(structuredClone(PARAMETERS))),
    );
    const fromWire = await failureOf(collect(await wire.generateContentStream(PARAMETERS)));
    expect(fromWire.name).toBe("ApiError");
    expect((fromWire as Error & { status: number }).status).toBe(429);
    expect(fromWire.message).toBe(fromSdk.message);
    expect(readGeminiFailure(fromWire)).toEqual(readGeminiFailure(fromSdk));
  });

  it("throws the SDK's ApiError for a JSON error answer, details and all", async () => {
    const body = {
      error: {
        code: 429,
        message: "Quota exceeded.",
        status: "RESOURCE_EXHAUSTED",
        details: [
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "53s" },
          {
            "@type": "type.googleapis.com/google.rpc.QuotaFailure",
            violations: [{ quotaId: "GenerateRequestsPerDayPerProjectPerModel" }],
          },
        ],
      },
    };
    const { client, wire } = createClient({ status: 429, pieces: [JSON.stringify(body)] });
    const fromSdk = await failureOf(client.models.generateContent(structuredClone(PARAMETERS)));
    const fromWire = await failureOf(wire.generateContent(PARAMETERS));
    expect(fromWire.message).toBe(fromSdk.message);
    expect((fromWire as Error & { status: number }).status).toBe(429);
    const failure = readGeminiFailure(fromWire);
    expect(failure).toEqual(readGeminiFailure(fromSdk));
    expect(failure).toMatchObject({
      status: "RESOURCE_EXHAUSTED",
      retryDelayMs: 53_000,
      quota: { perDay: true },
    });
  });

  it("wraps an error answer that is not JSON as the SDK does", async () => {
    const answer = {
      status: 502,
      statusText: "Bad Gateway",
      contentType: "text/html",
      pieces: ["<html>bad gateway</html>"],
    };
    const { client, wire } = createClient(answer);
    const fromSdk = await failureOf(client.models.generateContent(structuredClone(PARAMETERS)));
    const fromWire = await failureOf(wire.generateContent(PARAMETERS));
    expect(fromWire.name).toBe("ApiError");
    expect(fromWire.message).toBe(fromSdk.message);
    expect(JSON.parse(fromWire.message)).toEqual({
      error: { message: "<html>bad gateway</html>", code: 502, status: "Bad Gateway" },
    });
    expect(readGeminiFailure(fromWire)).toEqual(readGeminiFailure(fromSdk));
  });

  it("reads a JSON error answer that does not parse as text, never a SyntaxError", async () => {
    const { wire } = createClient({ status: 500, statusText: "Internal", pieces: ["{not json"] });
    const failure = await failureOf(wire.generateContent(PARAMETERS));
    expect(failure.name).toBe("ApiError");
    expect(readGeminiFailure(failure)).toMatchObject({ httpStatus: 500, message: "{not json" });
  });

  it("fails a stream that ends in the middle of an event", async () => {
    const answer = {
      pieces: [`data: ${JSON.stringify(ANSWER)}\n\n`, `data: ${JSON.stringify(ANSWER).slice(0, 20)}`],
      contentType: "text/event-stream",
    };
    const { client, wire } = createClient(answer);
    await expect(
      collect(await client.models.generateContentStream(structuredClone(PARAMETERS))),
    ).rejects.toThrow();
    const chunks: unknown[] = [];
    const failure = await failureOf(
      (async () => {
        for await (const chunk of await wire.generateContentStream(PARAMETERS)) chunks.push(chunk);
      })(),
    );
    expect(chunks).toEqual([ANSWER]);
    expect(failure.message).toMatch(/ended in the middle of an event/);
  });

  it("fails a stream chunk that is not JSON", async () => {
    const { wire } = createClient({ pieces: ["data: {oops\n\n"], contentType: "text/event-stream" });
    const failure = await failureOf(collect(await wire.generateContentStream(PARAMETERS)));
    expect(failure).toBeInstanceOf(SyntaxError);
    expect(readGeminiFailure(failure)).toBeUndefined();
  });

  it("cancels the call when the abort signal fires", async () => {
    const client = new GoogleGenAI({
      apiKey: "wire-key",
      httpOptions: {
        baseUrl: "http://gemini.test",
        fetch: (_url: string | URL | Request, init?: RequestInit) =>
          new Promise<Response>((_resolve, reject) => {
            init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
          }),
      },
    });
    const controller = new AbortController();
    const pending = createGeminiWire(client).generateContent({
      ...PARAMETERS,
      config: { ...PARAMETERS.config, abortSignal: controller.signal },
    });
    controller.abort(new Error("client left"));
    await expect(pending).rejects.toThrow("client left");
  });

  it("merges the client's httpOptions.extraBody into the body as the SDK does", async () => {
    const extraBody = {
      generationConfig: { temperature: 0.25, stopSequences: ["END"] },
      labels: { team: "wire" },
      contents: [{ role: "user", parts: [{ text: "Replaced" }] }],
    };
    const { client, sent, wire } = createClient({ pieces: [JSON.stringify(ANSWER)] }, { extraBody });
    await client.models.generateContent(structuredClone(PARAMETERS));
    await wire.generateContent(PARAMETERS);
    expect(sent[1]).toEqual(sent[0]);
    expect(sent[1]?.body).toMatchObject({
      generationConfig: { maxOutputTokens: 64, temperature: 0.25, stopSequences: ["END"] },
      systemInstruction: { parts: [{ text: "Be brief." }] },
      labels: { team: "wire" },
      contents: [{ role: "user", parts: [{ text: "Replaced" }] }],
    });
  });

  it("sends through the transport it is given instead of the client's fetch", async () => {
    const requests: UpstreamRequest[] = [];
    const transport: UpstreamTransport = async (request) => {
      requests.push(request);
      return {
        status: 200,
        statusText: "",
        header: () => "application/json",
        text: async () => JSON.stringify(ANSWER),
        read: async () => undefined,
        cancel: () => {},
      };
    };
    const controller = new AbortController();
    const { sent, wire } = createClient({ pieces: [] }, { transport });
    const answer = await wire.generateContent({
      ...PARAMETERS,
      config: { ...PARAMETERS.config, abortSignal: controller.signal },
    });
    expect(answer).toEqual(ANSWER);
    expect(sent).toEqual([]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      url: "http://gemini.test/v1beta/models/gemini-3.8-flash:generateContent",
      method: "POST",
      headers: { "x-goog-api-key": "wire-key" },
      signal: controller.signal,
    });
    expect(JSON.parse(requests[0]!.body)).toMatchObject({ contents: PARAMETERS.contents });
  });

  it("bounds the call with the client's httpOptions.timeout, as X-Server-Timeout and the transport's limit", async () => {
    const requests: UpstreamRequest[] = [];
    const transport: UpstreamTransport = async (request) => {
      requests.push(request);
      throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
    };
    const client = new GoogleGenAI({
      apiKey: "wire-key",
      httpOptions: { baseUrl: "http://gemini.test", timeout: 1500 },
    });
    const failure = await failureOf(createGeminiWire(client, { transport }).generateContent(PARAMETERS));
    expect(failure.name).toBe("TimeoutError");
    expect(requests[0]?.timeoutMs).toBe(1500);
    expect(requests[0]?.headers["X-Server-Timeout"]).toBe("2");
  });
});

describe("createGeminiWire with a @google/genai whose request client it cannot read", () => {
  /** The client of `createClient`, its request client hidden as an SDK release might rename it. */
  const hideRequestClient = (client: GoogleGenAI) => {
    Object.defineProperty(client, "apiClient", { value: undefined });
    return client;
  };

  it("makes the calls through the SDK's own methods, with the same answers and the same request", async () => {
    const { client, sent } = createClient({ pieces: [JSON.stringify(ANSWER)] });
    const rest = createGeminiWire(client);
    expect(rest.via).toBe("rest");
    const fromRest = await rest.generateContent(PARAMETERS);
    const wire = createGeminiWire(hideRequestClient(client));
    expect(wire.via).toBe("sdk-methods");
    const fromSdk = await wire.generateContent(PARAMETERS);
    expect(fromSdk).toEqual(fromRest);
    expect(Object.keys(fromSdk)).not.toContain("sdkHttpResponse");
    expect(sent[1]).toEqual(sent[0]);
  });

  it("streams through the SDK's methods as plain chunks, and hands its failures on as the SDK throws them", async () => {
    const events = [1, 2, 3].map((index) => ({ ...ANSWER, responseId: `r${index}` }));
    const pieces = events.map((event) => `data: ${JSON.stringify(event)}\n\n`);
    const { client } = createClient({ pieces, contentType: "text/event-stream" });
    const wire = createGeminiWire(hideRequestClient(client));
    const chunks = await wire.generateContentStream(PARAMETERS);
    expect(chunks.takeBuffered()).toBeUndefined();
    expect(await collect(chunks)).toEqual(events);

    const refusing = createClient({
      status: 400,
      pieces: [JSON.stringify({ error: { code: 400, status: "INVALID_ARGUMENT", message: "No." } })],
    });
    const failure = await failureOf(
      createGeminiWire(hideRequestClient(refusing.client)).generateContent(PARAMETERS),
    );
    expect(readGeminiFailure(failure)).toMatchObject({ httpStatus: 400, status: "INVALID_ARGUMENT" });
  });

  it("still refuses an object that is no GoogleGenAI", () => {
    expect(() => createGeminiWire({} as GoogleGenAI)).toThrow(/GoogleGenAI instance/);
  });
});

describe("readClientRetryOptions", () => {
  const clientWith = (retryOptions?: object) =>
    new GoogleGenAI({ apiKey: "k", httpOptions: { baseUrl: "http://gemini.test", retryOptions } });

  it("is undefined for a client without retryOptions (the SDK then tries once)", () => {
    expect(readClientRetryOptions(clientWith())).toBeUndefined();
  });

  it("fills what the client leaves out with the SDK's defaults", () => {
    expect(readClientRetryOptions(clientWith({}))).toEqual({
      maxAttempts: 5,
      baseDelayMs: 1000,
      maxDelayMs: 60_000,
      backoffFactor: 2,
      httpStatusCodes: [408, 429, 500, 502, 503, 504],
    });
  });

  it("reads each field in the handler's units", () => {
    expect(
      readClientRetryOptions(
        clientWith({
          attempts: 0,
          initialDelay: 0.25,
          maxDelay: 2,
          expBase: 3,
          jitter: 0,
          httpStatusCodes: [503],
        }),
      ),
    ).toEqual({
      maxAttempts: 1,
      baseDelayMs: 250,
      maxDelayMs: 2000,
      backoffFactor: 3,
      jitter: 0,
      httpStatusCodes: [503],
    });
  });

  it("is undefined for an object that is not a GoogleGenAI", () => {
    expect(readClientRetryOptions({} as GoogleGenAI)).toBeUndefined();
  });
});
