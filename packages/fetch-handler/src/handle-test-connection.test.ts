import { type AddressInfo, createServer as createNetServer } from "node:net";
import { describe, expect, it } from "vitest";
import { useGeminiFake } from "../../../test/support/use-gemini-fake.js";
import { createFetchHandler } from "./create-fetch-handler.js";
import type { FetchHandlerOptions } from "./fetch-handler-options.js";

// Keys the fake accepts; any other key gets 400 API_KEY_INVALID, as from Gemini.
const GOOD_KEYS = ["good-key-aaaa", "good-key-bbbb"];
const gemini = useGeminiFake({ apiKeys: GOOD_KEYS });
const KEYS_REJECTED =
  "The Gemini API key was rejected (API_KEY_INVALID). Check GEMINI_API_KEYS: a key from https://aistudio.google.com/apikey, without quotes or spaces.";

function testConnection(options: Partial<FetchHandlerOptions>) {
  const handler = createFetchHandler({
    baseUrl: gemini.fake.url,
    retry: { maxAttempts: 1, baseDelayMs: 1 },
    modelMetadata: false,
    ...options,
  });
  return { handler, response: handler(new Request("http://localhost/test-connection")) };
}

/** The keys the fake saw, in arrival order, for one kind of call. */
const keysSeen = (action: string) =>
  gemini.fake.requests
    .filter((request) => request.action === action)
    .map((request) => request.headers["x-goog-api-key"]);

describe("GET /test-connection with a key pool", () => {
  it("checks every key, reports each by fingerprint, and stays ok while one works", async () => {
    const apiKeys = ["good-key-aaaa", "dead-key-cccc", "good-key-bbbb"];
    const { handler, response } = testConnection({ apiKeys });
    const answer = await response;
    expect(answer.status).toBe(200);
    const body = await answer.json();
    expect(body).toMatchObject({
      ok: true,
      model: "gemini-3.8-flash",
      latencyMs: expect.any(Number),
      keys: [
        { key: "…aaaa", ok: true, latencyMs: expect.any(Number) },
        {
          key: "…cccc",
          ok: false,
          problem: KEYS_REJECTED,
        },
        { key: "…bbbb", ok: true, latencyMs: expect.any(Number) },
      ],
    });
    expect(body.warning).toBe(
      `1 of 3 Gemini API keys do not work; the others carry the traffic. …cccc: ${KEYS_REJECTED}`,
    );
    expect(body.problem).toBeUndefined();
    for (const key of apiKeys) expect(JSON.stringify(body)).not.toContain(key);
    // Each key made its own calls: the broken one could not hide behind a working one.
    expect(keysSeen("generateContent").sort()).toEqual([...apiKeys].sort());
    expect(keysSeen("get").sort()).toEqual([...GOOD_KEYS].sort());

    // The dead key was taken out of the pool, so real traffic no longer tries it.
    gemini.fake.reset();
    for (let index = 0; index < 3; index++) {
      const reply = await handler(
        new Request("http://localhost/v1/messages", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            model: "claude-sonnet-4-5",
            max_tokens: 64,
            messages: [{ role: "user", content: "hi" }],
          }),
        }),
      );
      expect(reply.status).toBe(200);
    }
    expect(keysSeen("generateContent")).not.toContain("dead-key-cccc");
  });

  it("is not ok when no key works, and names every broken key in plain words", async () => {
    const answer = await testConnection({ apiKeys: ["dead-key-1111", "dead-key-2222"] }).response;
    expect(answer.status).toBe(502);
    const body = await answer.json();
    expect(body.ok).toBe(false);
    expect(body.keys.map((check: { key: string; ok: boolean }) => [check.key, check.ok])).toEqual([
      ["…1111", false],
      ["…2222", false],
    ]);
    expect(body.problem).toMatch(/^None of the 2 Gemini API keys works\. …1111: .*API_KEY_INVALID.* …2222: /);
    expect(JSON.stringify(body)).not.toMatch(/dead-key/);
  });

  it("checks at most four keys at once", async () => {
    let inFlight = 0;
    let mostInFlight = 0;
    const countingFetch: FetchHandlerOptions["fetch"] = async (input, init) => {
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      try {
        const response = await fetch(input, init);
        // Hold the slot until the body is read, as the SDK does.
        return new Response(await response.arrayBuffer(), response);
      } finally {
        inFlight--;
      }
    };
    gemini.fake.setDefault({ kind: "slow", delayMs: 50, inner: { kind: "text", text: "OK" } });
    const apiKeys = Array.from({ length: 7 }, (_, index) => `good-key-${index}${index}${index}${index}`);
    const answer = await testConnection({ apiKeys: [...GOOD_KEYS, ...apiKeys], fetch: countingFetch })
      .response;
    expect(answer.status).toBe(200);
    const body = await answer.json();
    expect(body.keys).toHaveLength(9);
    expect(body.keys.filter((check: { ok: boolean }) => check.ok)).toHaveLength(2);
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(4);
  });

  it("keeps the single-key answer unchanged: no per-key list", async () => {
    const answer = await testConnection({ apiKey: "good-key-aaaa" }).response;
    expect(answer.status).toBe(200);
    const body = await answer.json();
    expect(Object.keys(body).sort()).toEqual(["latencyMs", "model", "ok"]);
  });
});

/** A loopback port nothing listens on: bound once, then closed. */
async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Answers Gemini's `models.get` URL with `response`, and passes every other call on. */
function failingMetadata(response: () => Response): FetchHandlerOptions["fetch"] {
  return (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    return /\/models\/[^/:?]+(?:\?|$)/.test(url) ? Promise.resolve(response()) : fetch(input, init);
  };
}

describe("GET /test-connection tells the kinds of failure apart", () => {
  const read = async (options: Partial<FetchHandlerOptions>, query = "") => {
    const handler = createFetchHandler({
      apiKey: "good-key-aaaa",
      baseUrl: gemini.fake.url,
      retry: { maxAttempts: 1, baseDelayMs: 1 },
      ...options,
    });
    const response = await handler(new Request(`http://localhost/test-connection${query}`));
    return { status: response.status, body: await response.json() };
  };

  it("a rejected key", async () => {
    const { status, body } = await read({ apiKey: "wrong-key-zzzz" });
    expect(status).toBe(502);
    expect(body.kind).toBe("key");
    expect(body.problem).toMatch(
      /^The Gemini API key was rejected \(API_KEY_INVALID\)\. Check GEMINI_API_KEY/,
    );
  });

  it("a model Gemini does not know, quoting Gemini", async () => {
    const { body } = await read({}, "?model=gemini-9.9-ultra");
    expect(body.kind).toBe("model");
    expect(body.problem).toMatch(/^Gemini does not know the model gemini-9\.9-ultra \(NOT_FOUND\)/);
    expect(body.problem).toContain("OPUS_MODEL, SONNET_MODEL, HAIKU_MODEL, DEFAULT_MODEL");
    expect(body.problem).toContain('Gemini says: "models/gemini-9.9-ultra is not found');
  });

  it("an endpoint that is no Gemini API (a 404 page)", async () => {
    const baseUrl = gemini.fake.url;
    const { body } = await read({
      fetch: () => Promise.resolve(new Response("<html>Not Found</html>", { status: 404 })),
      baseUrl,
    });
    expect(body.kind).toBe("model");
    expect(body.problem).toBe(
      `The Gemini endpoint at ${baseUrl} answered 404 without a Gemini error for gemini-3.8-flash: GEMINI_BASE_URL may not point at a Gemini API.`,
    );
  });

  it("an unreachable GEMINI_BASE_URL: where, why, and the fix, never a class name", async () => {
    const baseUrl = `http://127.0.0.1:${await closedPort()}`;
    const { status, body } = await read({ baseUrl });
    expect(status).toBe(502);
    expect(body.kind).toBe("network");
    expect(body.problem).toBe(
      `Could not reach Gemini at ${baseUrl}: the connection was refused: nothing listens on that host and port (ECONNREFUSED). Check GEMINI_BASE_URL (now ${baseUrl}): is that server running, and is the address right? Unset it to use Google's endpoint.`,
    );
    expect(body.problem).not.toMatch(/TypeError|\(Error\)/);
  });

  it("a host name that does not resolve", async () => {
    const { body } = await read({ baseUrl: "http://gemini-gateway.invalid" });
    expect(body.kind).toBe("network");
    expect(body.problem).toMatch(
      /^Could not reach Gemini at http:\/\/gemini-gateway\.invalid: the host name (does not|could not) /,
    );
  });

  it("only the metadata call failing is a warning: the model answers", async () => {
    const { status, body } = await read({
      fetch: failingMetadata(
        () =>
          new Response(
            JSON.stringify({ error: { code: 404, message: "Method not found.", status: "NOT_FOUND" } }),
            {
              status: 404,
              headers: { "content-type": "application/json" },
            },
          ),
      ),
    });
    expect(status).toBe(200);
    expect(body.ok).toBe(true);
    expect(body.warning).toMatch(
      /^gemini-3\.8-flash answers, but its metadata call \(models\.get\) failed, which requests do not need: /,
    );
  });
});
