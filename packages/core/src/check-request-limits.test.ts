import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkRequestLimits, DEFAULT_REQUEST_LIMITS } from "./check-request-limits.js";
import { InvalidRequestError } from "./claude-gemini-error.js";
import { validateCountTokensRequest, validateMessagesRequest } from "./validate-messages-request.js";

const PNG_BYTES =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg==";

function nest(depth: number): unknown {
  let value: unknown = "leaf";
  for (let level = 0; level < depth; level++) value = { a: value };
  return value;
}

function imageMessage(source: Record<string, unknown>) {
  return {
    model: "claude-sonnet-4-5",
    max_tokens: 100,
    messages: [
      { role: "user", content: "look" },
      { role: "assistant", content: "ok" },
      {
        role: "user",
        content: [
          { type: "text", text: "this" },
          { type: "image", source },
        ],
      },
    ],
  };
}

function captureError(run: () => unknown): InvalidRequestError {
  try {
    run();
  } catch (error) {
    if (error instanceof InvalidRequestError) return error;
    throw error;
  }
  throw new Error("expected an InvalidRequestError");
}

describe("checkRequestLimits", () => {
  it("accepts an ordinary body with a valid image", () => {
    expect(() =>
      checkRequestLimits(imageMessage({ type: "base64", media_type: "image/png", data: PNG_BYTES })),
    ).not.toThrow();
  });

  it("rejects a 10,000-deep body without overflowing the stack, naming the path", () => {
    const body = { model: "m", max_tokens: 1, messages: [{ role: "user", content: nest(10_000) }] };
    const error = captureError(() => validateMessagesRequest(body));
    expect(error.status).toBe(400);
    expect(error.path).toMatch(/^messages\.0\.content(\.a)+$/);
    // The body is level 1, so the first container past the limit sits at path length limit.
    expect(error.path?.split(".")).toHaveLength(DEFAULT_REQUEST_LIMITS.maxNestingDepth);
    expect(error.message).toContain("deeper than the limit of 128 levels");
  });

  it("rejects deep arrays too, and honours a custom depth", () => {
    let value: unknown = [];
    for (let level = 0; level < 10; level++) value = [value];
    expect(() => checkRequestLimits({ value }, { maxNestingDepth: 20 })).not.toThrow();
    const error = captureError(() => checkRequestLimits({ value }, { maxNestingDepth: 5 }));
    expect(error.path).toBe("value.0.0.0.0");
  });

  it("accepts exactly the limit and rejects one more, for any limit", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 300 }), (limit) => {
        // `{ a: nest(n) }` is n + 1 containers deep counting the body itself.
        expect(() => checkRequestLimits({ a: nest(limit - 1) }, { maxNestingDepth: limit })).not.toThrow();
        expect(() => checkRequestLimits({ a: nest(limit) }, { maxNestingDepth: limit })).toThrow(
          InvalidRequestError,
        );
      }),
      { numRuns: 50 },
    );
  });

  it("rejects more tools than allowed, naming tools", () => {
    const tools = Array.from({ length: 513 }, (_, index) => ({ name: `tool_${index}`, input_schema: {} }));
    const error = captureError(() =>
      validateMessagesRequest({
        model: "m",
        max_tokens: 1,
        messages: [{ role: "user", content: "x" }],
        tools,
      }),
    );
    expect(error.path).toBe("tools");
    expect(error.message).toBe("tools: At most 512 tools are supported, received 513");
    expect(() => checkRequestLimits({ tools: tools.slice(0, 3) }, { maxTools: 3 })).not.toThrow();
    expect(() => checkRequestLimits({ tools: tools.slice(0, 4) }, { maxTools: 3 })).toThrow(
      /At most 3 tools/,
    );
  });

  it.each([
    ["image/bmp", PNG_BYTES, "source.media_type", /Unsupported image media type 'image\/bmp'/],
    ["image/png", "not base64!", "source.data", /not valid base64/],
    ["image/png", `data:image/png;base64,${PNG_BYTES}`, "source.data", /without the `data:` URL prefix/],
    ["image/png", "abcde", "source.data", /not valid base64/],
    ["image/png", "", "source.data", /is empty/],
  ])("rejects media type %s with data %j at %s", (mediaType, data, suffix, message) => {
    const error = captureError(() =>
      validateMessagesRequest(imageMessage({ type: "base64", media_type: mediaType, data })),
    );
    expect(error.path).toBe(`messages.2.content.1.${suffix}`);
    expect(error.message).toMatch(message);
    expect(error.message.startsWith(`messages.2.content.1.${suffix}: `)).toBe(true);
  });

  it("accepts base64 without padding", () => {
    expect(() =>
      checkRequestLimits(imageMessage({ type: "base64", media_type: "image/png", data: "YWJj" + "YQ" })),
    ).not.toThrow();
  });

  it("rejects media above the size limit, counting decoded bytes", () => {
    const data = "A".repeat(4 * 1000);
    const body = imageMessage({ type: "base64", media_type: "image/jpeg", data });
    expect(() => checkRequestLimits(body, { maxMediaBytes: 3000 })).not.toThrow();
    const error = captureError(() => checkRequestLimits(body, { maxMediaBytes: 2999 }));
    expect(error.path).toBe("messages.2.content.1.source.data");
    expect(error.message).toMatch(/3000 bytes, above the limit of 2999 bytes/);
  });

  it("looks into tool results and document content, and checks PDF documents", () => {
    const body = {
      model: "m",
      messages: [
        {
          role: "user",
          content: [
            {
              type: "tool_result",
              tool_use_id: "toolu_1",
              content: [
                { type: "image", source: { type: "base64", media_type: "image/tiff", data: "AAAA" } },
              ],
            },
          ],
        },
      ],
    };
    expect(captureError(() => validateCountTokensRequest(body)).path).toBe(
      "messages.0.content.0.content.0.source.media_type",
    );
    const documentBody = {
      messages: [
        {
          role: "user",
          content: [
            { type: "document", source: { type: "base64", media_type: "text/html", data: "AAAA" } },
            {
              type: "document",
              source: {
                type: "content",
                content: [{ type: "image", source: { type: "base64", media_type: "image/png", data: "%%" } }],
              },
            },
          ],
        },
      ],
    };
    expect(captureError(() => checkRequestLimits(documentBody)).path).toBe(
      "messages.0.content.0.source.media_type",
    );
    documentBody.messages[0]!.content.shift();
    expect(captureError(() => checkRequestLimits(documentBody)).path).toBe(
      "messages.0.content.0.source.content.0.source.data",
    );
  });

  it("leaves values of the wrong type to the schema parse", () => {
    expect(() => checkRequestLimits(null)).not.toThrow();
    expect(() => checkRequestLimits({ messages: "x", tools: "y" })).not.toThrow();
    expect(() =>
      checkRequestLimits({
        messages: [{ content: [{ type: "image", source: { type: "base64", data: 5 } }] }],
      }),
    ).not.toThrow();
    const error = captureError(() =>
      validateMessagesRequest(imageMessage({ type: "base64", media_type: "image/png", data: 5 })),
    );
    expect(error.path).toBe("messages.2.content.1.source.data");
  });
});
