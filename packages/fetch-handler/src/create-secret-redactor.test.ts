import { describe, expect, it } from "vitest";
import { startGeminiFake } from "../../../test/gemini-fake/index.js";
import { createFetchHandler } from "./create-fetch-handler.js";
import { createRedactingLogger } from "./create-redacting-logger.js";
import { createSecretRedactor } from "./create-secret-redactor.js";
import type { FetchHandlerLogger } from "./fetch-handler-options.js";

describe("createSecretRedactor", () => {
  it("replaces configured secrets and anything shaped like a Google API key", () => {
    const redact = createSecretRedactor(["gemini-secret-1234", undefined, "proxy-secret-5678"]);
    expect(
      redact(
        "API key gemini-secret-1234 not valid (also gemini-secret-1234); proxy-secret-5678; AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY.",
      ),
    ).toBe("API key [redacted] not valid (also [redacted]); [redacted]; [redacted].");
  });

  it("leaves text alone when nothing matches", () => {
    const redact = createSecretRedactor(["", undefined, "long-enough-secret-1"]);
    expect(redact("a plain message about secrets and keys")).toBe("a plain message about secrets and keys");
  });

  it("replaces a key shorter than 8 characters where it stands alone, never inside a word", () => {
    const redact = createSecretRedactor(["k9Zq", "x"]);
    expect(redact("key=k9Zq, k9Zq. (k9Zq) 'k9Zq'")).toBe(
      "key=[redacted], [redacted]. ([redacted]) '[redacted]'",
    );
    expect(redact("k9Zqk9Zq ak9Zq k9Zq-1 x-ray")).toBe("k9Zqk9Zq ak9Zq k9Zq-1 x-ray");
    expect(redact("x")).toBe("[redacted]");
  });

  it("replaces fragments of a key of 8 characters or more, as a JSON parse error quotes them", () => {
    const key = "AQ.Ab8RN6Kx2vQ7mTzL9pWc4dEfGhJkLmNo";
    const redact = createSecretRedactor([key]);
    let parseError = "";
    try {
      JSON.parse(`${key.slice(3)} and the rest of an upstream page`);
    } catch (error) {
      parseError = (error as Error).message;
    }
    // V8 quotes a piece of the text it could not parse.
    expect(parseError).toContain(key.slice(3, 13));
    expect(redact(parseError)).not.toContain(key.slice(3, 11));
    expect(redact(parseError)).toContain("[redacted]");
    expect(redact(`…${key.slice(10, 18)}…`)).toBe("…[redacted]…");
    expect(redact(`two ${key.slice(0, 9)} and ${key.slice(20)} pieces`)).toBe(
      "two [redacted] and [redacted] pieces",
    );
    // Seven characters of the key are not enough to be sure, and are left alone.
    expect(redact(`near ${key.slice(5, 12)} miss`)).toBe(`near ${key.slice(5, 12)} miss`);
  });

  it("replaces a secret that contains another one whole", () => {
    const redact = createSecretRedactor(["secret-part", "secret-part-and-more"]);
    expect(redact("x secret-part-and-more y")).toBe("x [redacted] y");
  });
});

describe("createRedactingLogger", () => {
  it("redacts messages, nested string fields and errors", () => {
    const lines: unknown[][] = [];
    const sink: FetchHandlerLogger = {
      debug: (...args) => lines.push(["debug", ...args]),
      info: (...args) => lines.push(["info", ...args]),
      warn: (...args) => lines.push(["warn", ...args]),
      error: (...args) => lines.push(["error", ...args]),
    };
    const logger = createRedactingLogger(sink, createSecretRedactor(["top-secret-key"]));
    logger.warn("failed with top-secret-key", {
      status: 500,
      error: new Error("echo top-secret-key"),
      nested: { list: ["top-secret-key", 1] },
    });
    logger.info("plain");
    expect(lines).toEqual([
      [
        "warn",
        "failed with [redacted]",
        { status: 500, error: "Error: echo [redacted]", nested: { list: ["[redacted]", 1] } },
      ],
      ["info", "plain", undefined],
    ]);
  });
});

describe("the fetch handler with an upstream that echoes its key", () => {
  it("sends the key to no client and no log line, as JSON or as a stream error event", async () => {
    const key = "regression-gemini-key-4242";
    const fake = await startGeminiFake({ apiKey: key });
    const lines: string[] = [];
    const record = (message: string, fields?: Record<string, unknown>) =>
      lines.push(message, JSON.stringify(fields));
    try {
      const handler = createFetchHandler({
        apiKey: key,
        baseUrl: fake.url,
        retry: { maxAttempts: 1 },
        logger: { debug: record, info: record, warn: record, error: record },
      });
      const echo = `API key ${key} not valid.`;
      fake.enqueue(
        {
          kind: "error",
          status: 400,
          geminiStatus: "INVALID_ARGUMENT",
          message: echo,
          reason: "API_KEY_INVALID",
        },
        { kind: "error_chunk", afterChunks: 1, geminiStatus: "INTERNAL", message: echo },
      );
      const texts: string[] = [];
      for (const stream of [false, true]) {
        const response = await handler(
          new Request("http://localhost/v1/messages", {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              model: "claude-sonnet-4-5",
              max_tokens: 10,
              stream,
              messages: [{ role: "user", content: "hi" }],
            }),
          }),
        );
        texts.push(await response.text());
      }
      expect(texts[0]).toContain("API key [redacted] not valid.");
      expect(texts[1]).toContain("event: error");
      expect(texts[1]).toContain("[redacted]");
      expect([...texts, ...lines].join("\n")).not.toContain(key);
      expect(lines.join("\n")).toContain("[redacted]");
    } finally {
      await fake.close();
    }
  });
});
