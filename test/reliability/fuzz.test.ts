/**
 * Hostile and broken input through the real node-http server and the strict Gemini fake.
 * Every answer must be a well-formed Anthropic answer: an error body with a 4xx status (a
 * validation error naming the field), or a success where the input was valid. Never a 5xx
 * from our own code, never a hang, and the server still answers `/health` at the end.
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listJsonPaths } from "../../packages/core/src/test-utils/list-json-paths.js";
import type { Scenario } from "../gemini-fake/index.js";
import { type AnthropicAnswer, checkAnthropicAnswer } from "./check-anthropic-answer.js";
import { type JsonMutation, mutateJson } from "./mutate-json.js";
import { type StartedProxy, startProxy } from "./start-proxy.js";

// The recorded session carries signatures the real service issued, which the fake rightly
// calls corrupted: drop thinking blocks and the signatures riding in tool-use ids, so the
// proxy sends its documented placeholder instead.
const SESSION = JSON.parse(
  readFileSync(
    new URL("../../packages/core/src/__fixtures__/requests/claude-code-session.json", import.meta.url),
    "utf8",
  ).replace(/__gs1_[A-Za-z0-9_-]+/g, ""),
) as { messages: { content: unknown }[] };
for (const message of SESSION.messages) {
  if (Array.isArray(message.content)) {
    message.content = message.content.filter((block: { type?: string }) => block.type !== "thinking");
  }
}
const BASE_BODY = { ...SESSION, stream: false };
const BASE_PATHS = listJsonPaths(BASE_BODY);
const SMALL_BODY = {
  model: "claude-sonnet-4-5",
  max_tokens: 256,
  messages: [{ role: "user", content: "Say hello." }],
};
/** A request must be answered within this; anything slower counts as a hang. */
const REQUEST_TIMEOUT_MS = 15_000;
/** Validation errors name the field: `messages.2.content.0.source.data: …`. */
const NAMES_A_FIELD = /^[\w-]+(\.[\w-]+)*: \S/;
/** Body-level problems that have no field to name. */
const BODY_LEVEL_MESSAGES = [
  /^Request body must be a JSON object$/,
  /^Request body is not valid JSON$/,
  /^Unsupported content-encoding/,
];

let proxy: StartedProxy;

beforeAll(async () => {
  proxy = await startProxy({
    // Above the default 24 MiB body limit, so a 20 MiB image reaches the media limit it tests.
    server: {
      idleTimeoutMs: 250,
      requestTimeoutMs: 600,
      pingIntervalMs: 100,
      maxBodyBytes: 32 * 1024 * 1024,
    },
  });
});
afterAll(async () => {
  await proxy?.close();
});

async function send(
  body: BodyInit | undefined,
  headers: Record<string, string> = {},
  path = "/v1/messages",
): Promise<AnthropicAnswer> {
  const response = await fetch(`${proxy.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-api-key": "any", ...headers },
    body,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  return checkAnthropicAnswer(response);
}

const sendJson = (value: unknown, path?: string) => send(JSON.stringify(value), {}, path);

/** A 4xx or a success; a 400 from our validation names the field. */
function expectClientOutcome(answer: AnthropicAnswer): void {
  if (answer.ending === "error" || answer.ending === "error_event") {
    expect(answer.status, answer.errorMessage).toBeGreaterThanOrEqual(400);
    expect(answer.status, answer.errorMessage).toBeLessThan(500);
  }
  if (answer.status === 400 && answer.errorType === "invalid_request_error") {
    const message = answer.errorMessage ?? "";
    const named = NAMES_A_FIELD.test(message) || BODY_LEVEL_MESSAGES.some((pattern) => pattern.test(message));
    expect(named, `a 400 that names no field: ${message}`).toBe(true);
  }
}

const jsonMutation: fc.Arbitrary<JsonMutation> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("replace" as const),
      pick: fc.nat(),
      value: fc.oneof(
        fc.jsonValue({ maxDepth: 3 }),
        fc.constantFrom(null, "", 0, -1, 1.5, true, [], {}, "x".repeat(1000), 2 ** 53, -(2 ** 53)),
      ),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("remove" as const), pick: fc.nat() }) },
);

const unknownBlock = fc.record({
  type: fc.string({ minLength: 1, maxLength: 20 }),
  text: fc.option(fc.string(), { nil: undefined }),
  data: fc.option(fc.jsonValue({ maxDepth: 2 }), { nil: undefined }),
});

const imageBlock = fc.record({
  type: fc.constant("image"),
  source: fc.record({
    type: fc.constantFrom("base64", "url", "file", "bogus"),
    media_type: fc.oneof(
      fc.constantFrom(
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/bmp",
        "application/pdf",
        "",
      ),
      fc.string({ maxLength: 30 }),
    ),
    data: fc.oneof(
      fc.base64String({ maxLength: 64 }),
      fc.string({ maxLength: 64 }),
      fc.constant("data:image/png;base64,AAAA"),
    ),
    url: fc.oneof(fc.webUrl(), fc.string({ maxLength: 20 })),
  }),
});

describe("fuzzing the node-http server", { timeout: 120_000 }, () => {
  it("answers thousands of mutated Claude Code bodies with a message or a 4xx naming the field", async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(jsonMutation, { minLength: 10, maxLength: 10 }), async (mutations) => {
        const answers = await Promise.all(
          mutations.map((mutation) => sendJson(mutateJson(BASE_BODY, BASE_PATHS, mutation))),
        );
        for (const answer of answers) {
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          expectClientOutcome(answer);
        }
      }),
      { numRuns: 160 },
    );
    // Whatever the proxy accepted, it converted into something the strict fake accepts too.
    const rejected = proxy.fake.requests.flatMap((request) => request.rejection?.message ?? []);
    expect(rejected).toEqual([]);
    // The mutations must exercise both outcomes, or the property says little.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(100);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(100);
  });

  it("answers random bodies, unknown blocks and hostile media with a 4xx or a message", async () => {
    const body = fc.oneof(
      fc.jsonValue({ maxDepth: 4 }),
      fc.record({
        model: fc.oneof(fc.constant("claude-sonnet-4-5"), fc.string({ maxLength: 10 }), fc.jsonValue()),
        max_tokens: fc.oneof(fc.integer({ min: -5, max: 200_000 }), fc.jsonValue()),
        messages: fc.array(
          fc.record({
            role: fc.constantFrom("user", "assistant", "system", "tool", ""),
            content: fc.oneof(
              fc.string({ maxLength: 50 }),
              fc.array(fc.oneof(unknownBlock, imageBlock, fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }),
            ),
          }),
          { maxLength: 4 },
        ),
        stream: fc.boolean(),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 8, maxLength: 8 }), async (bodies) => {
        const answers = await Promise.all(bodies.map((value) => sendJson(value)));
        for (const answer of answers) expectClientOutcome(answer);
      }),
      { numRuns: 100 },
    );
  });

  it("answers random bytes and count_tokens mutations without a 5xx", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ bytes, path: "/v1/messages" })),
            jsonMutation.map((mutation) => ({
              bytes: new TextEncoder().encode(JSON.stringify(mutateJson(BASE_BODY, BASE_PATHS, mutation))),
              path: "/v1/messages/count_tokens",
            })),
          ),
          { minLength: 8, maxLength: 8 },
        ),
        async (cases) => {
          const answers = await Promise.all(
            cases.map(({ bytes, path }) => send(bytes as Uint8Array<ArrayBuffer>, {}, path)),
          );
          for (const answer of answers) expectClientOutcome(answer);
        },
      ),
      { numRuns: 50 },
    );
  });

  describe("hostile bodies", () => {
    const deep = (depth: number, open: string, close: string, leaf: string) =>
      `${open.repeat(depth)}${leaf}${close.repeat(depth)}`;

    it.each([
      ["10,000-deep arrays as the body", deep(10_000, "[", "]", "1")],
      [
        "10,000-deep objects in tool input",
        `{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"Bash","input":${deep(10_000, '{"a":', "}", "1")}}]}]}`,
      ],
      [
        "a 10,000-deep schema",
        `{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"t","input_schema":${deep(10_000, '{"type":"object","properties":{"p":', "}}", '{"type":"string"}')}}]}`,
      ],
    ])("rejects %s with a 400 naming the path", async (_name, text) => {
      const answer = await send(text);
      expect(answer.status).toBe(400);
      expect(answer.errorMessage).toMatch(/deeper than the limit of 128 levels/);
      expect(answer.errorMessage).toMatch(NAMES_A_FIELD);
    });

    it("serves a schema nested just under the limit", async () => {
      let schema: Record<string, unknown> = { type: "string" };
      for (let level = 0; level < 60; level++) schema = { type: "object", properties: { p: schema } };
      const answer = await sendJson({ ...SMALL_BODY, tools: [{ name: "deep", input_schema: schema }] });
      expect(answer.status).toBeLessThan(500);
      expectClientOutcome(answer);
    });

    it("serves a huge schema and a few-MB string", async () => {
      const properties = Object.fromEntries(
        Array.from({ length: 5000 }, (_, index) => [`field_${index}`, { type: "string", description: "d" }]),
      );
      const wide = await sendJson({
        ...SMALL_BODY,
        tools: [{ name: "wide", input_schema: { type: "object", properties } }],
      });
      expectClientOutcome(wide);
      const huge = await sendJson({
        ...SMALL_BODY,
        messages: [{ role: "user", content: "x".repeat(3_000_000) }],
      });
      expect(huge.status).toBe(200);
      const hugeModel = await sendJson({ ...SMALL_BODY, model: `claude-${"y".repeat(2_000_000)}` });
      expectClientOutcome(hugeModel);
    });

    it("rejects 10,000 tools naming tools, and accepts 512", async () => {
      const tools = Array.from({ length: 10_000 }, (_, index) => ({
        name: `tool_${index}`,
        description: "A tool.",
        input_schema: { type: "object", properties: { value: { type: "string" } } },
      }));
      const many = await sendJson({ ...SMALL_BODY, tools });
      expect(many.status).toBe(400);
      expect(many.errorMessage).toBe("tools: At most 512 tools are supported, received 10000");
      const enough = await sendJson({ ...SMALL_BODY, tools: tools.slice(0, 512) });
      expect(enough.status).toBe(200);
    });

    it("rejects an image above 20 MiB decoded, naming its data", async () => {
      const data = "A".repeat(Math.ceil((20 * 1024 * 1024 + 3) / 3) * 4);
      const answer = await sendJson({
        ...SMALL_BODY,
        messages: [
          {
            role: "user",
            content: [{ type: "image", source: { type: "base64", media_type: "image/png", data } }],
          },
        ],
      });
      expect(answer.status).toBe(400);
      expect(answer.errorMessage).toMatch(
        /^messages\.0\.content\.0\.source\.data: The image is \d+ bytes, above/,
      );
    });

    it("handles empty bodies, wrong JSON types, invalid UTF-8, duplicate keys and wrong content types", async () => {
      for (const text of ["", " ", "null", "[]", '"text"', "42", "{", '{"model":'])
        expectClientOutcome(await send(text));
      const prefix = new TextEncoder().encode(
        '{"model":"claude-sonnet-4-5","max_tokens":10,"messages":[{"role":"user","content":"bad ',
      );
      const suffix = new TextEncoder().encode('"}]}');
      const invalidInString = new Uint8Array([
        ...prefix,
        0xff,
        0xfe,
        0xc3,
        0x28,
        0xed,
        0xa0,
        0x80,
        ...suffix,
      ]);
      expect((await send(invalidInString)).status).toBe(200);
      const invalidOutside = new Uint8Array([...prefix, ...suffix, 0xff, 0xfe]);
      expect((await send(invalidOutside)).status).toBe(400);
      const duplicated = await send(
        '{"model":1,"model":"claude-sonnet-4-5","max_tokens":"x","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}',
      );
      expect(duplicated.status).toBe(200);
      for (const contentType of [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "",
      ]) {
        expectClientOutcome(await send(JSON.stringify(SMALL_BODY), { "content-type": contentType }));
      }
      expectClientOutcome(await send("model=x", { "content-type": "application/x-www-form-urlencoded" }));
    });

    it("stops a gzip bomb at the body limit with a 413", async () => {
      const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0x20));
      const answer = await send(bomb, { "content-encoding": "gzip" });
      expect(answer.status).toBe(413);
      expect(answer.errorType).toBe("request_too_large");
      const brokenGzip = await send(bomb.subarray(0, 100), { "content-encoding": "gzip" });
      expectClientOutcome(brokenGzip);
      const unknownEncoding = await send("{}", { "content-encoding": "compress" });
      expectClientOutcome(unknownEncoding);
    });
  });

  it("keeps every stream well-formed whatever the upstream sends", async () => {
    const textChunk = (text: string, finishReason?: string) => ({
      candidates: [
        {
          content: { role: "model", parts: [{ text }] },
          index: 0,
          ...(finishReason ? { finishReason } : {}),
        },
      ],
      usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 2, totalTokenCount: 7 },
    });
    const callChunk = {
      candidates: [
        {
          content: { role: "model", parts: [{ functionCall: { name: "Bash", args: { command: "ls" } } }] },
          finishReason: "STOP",
          index: 0,
        },
      ],
    };
    const validChunks = [textChunk("Hello "), textChunk("world"), callChunk, textChunk("", "STOP")];
    const validPaths = listJsonPaths(validChunks);
    const finishReason = fc.constantFrom(
      "STOP",
      "MAX_TOKENS",
      "SAFETY",
      "RECITATION",
      "OTHER",
      "MALFORMED_FUNCTION_CALL",
      "MISSING_THOUGHT_SIGNATURE",
      "FINISH_REASON_UNSPECIFIED",
    );
    const scenario: fc.Arbitrary<Scenario> = fc.oneof(
      {
        arbitrary: fc.nat({ max: 2 }).map((afterChunks): Scenario => ({ kind: "stall", afterChunks })),
        weight: 1,
      },
      fc
        .array(fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(...validChunks)), { maxLength: 5 })
        .map((chunks): Scenario => ({ kind: "respond", handler: () => ({ chunks }) })),
      jsonMutation.map(
        (mutation): Scenario => ({
          kind: "respond",
          handler: () => ({ chunks: mutateJson(validChunks, validPaths, mutation) as unknown[] }),
        }),
      ),
      fc.nat({ max: 3 }).map((afterChunks): Scenario => ({ kind: "garbage_chunk", afterChunks })),
      fc
        .record({
          afterChunks: fc.nat({ max: 3 }),
          mode: fc.constantFrom("close" as const, "reset" as const),
        })
        .map((value): Scenario => ({ kind: "cut_stream", ...value })),
      fc.nat({ max: 3 }).map(
        (afterChunks): Scenario => ({
          kind: "error_chunk",
          afterChunks,
          geminiStatus: "INTERNAL",
          message: "Internal error encountered.",
        }),
      ),
      fc.constantFrom<Scenario>(
        { kind: "no_finish_reason" },
        { kind: "empty_candidates" },
        { kind: "blocked", blockReason: "SAFETY" },
      ),
      finishReason.map(
        (reason): Scenario => ({ kind: "finish", finishReason: reason as "STOP", text: "partial" }),
      ),
    );
    let streams = 0;
    await fc.assert(
      fc.asyncProperty(scenario, fc.boolean(), async (planned, stream) => {
        proxy.fake.reset();
        proxy.fake.enqueue(planned);
        const answer = await sendJson({ ...SMALL_BODY, stream });
        if (answer.events) streams++;
        // Upstream garbage may end in a 5xx before the first byte; either way the answer is well-formed.
        expect(["message", "error", "message_stop", "error_event"]).toContain(answer.ending);
        expect(answer.status).not.toBe(501);
      }),
      { numRuns: 200 },
    );
    expect(streams).toBeGreaterThan(30);
  });

  it("still answers /health", async () => {
    const response = await fetch(`${proxy.url}/health`, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok" });
  });
});
