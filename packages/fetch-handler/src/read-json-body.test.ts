import { describe, expect, it } from "vitest";
import { readJsonBody } from "./read-json-body.js";

async function compress(text: string, format: "gzip" | "deflate"): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream(format));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function request(body: BodyInit | null, headers: Record<string, string> = {}) {
  return new Request("http://localhost/v1/messages", { method: "POST", body, headers });
}

describe("readJsonBody", () => {
  it("parses plain JSON, UTF-8 included", async () => {
    expect(await readJsonBody(request('{"text":"héllo ✓"}'), 1000)).toEqual({ text: "héllo ✓" });
  });

  it.each(["gzip", "deflate"] as const)("decodes %s bodies", async (format) => {
    const body = await compress('{"a":[1,2,3]}', format);
    expect(await readJsonBody(request(body, { "content-encoding": format }), 1000)).toEqual({ a: [1, 2, 3] });
  });

  it.each([
    ["not JSON", request("{oops")],
    ["an empty body", request("")],
    ["no body", request(null)],
    ["broken gzip", request(new Uint8Array([1, 2, 3, 4]), { "content-encoding": "gzip" })],
  ])("rejects %s with 400", async (_name, input) => {
    await expect(readJsonBody(input, 1000)).rejects.toMatchObject({
      status: 400,
      type: "invalid_request_error",
      message: "Request body is not valid JSON",
    });
  });

  it("rejects an unknown content-encoding", async () => {
    await expect(readJsonBody(request("{}", { "content-encoding": "zstd" }), 1000)).rejects.toMatchObject({
      status: 400,
    });
  });

  it("stops reading at the limit, counted after decoding", async () => {
    const big = JSON.stringify({ text: "z".repeat(50_000) });
    await expect(readJsonBody(request(big), 10_000)).rejects.toMatchObject({
      status: 413,
      type: "request_too_large",
    });
    const packed = await compress(big, "gzip");
    expect(packed.byteLength).toBeLessThan(10_000);
    await expect(readJsonBody(request(packed, { "content-encoding": "gzip" }), 10_000)).rejects.toMatchObject(
      {
        status: 413,
      },
    );
  });

  it("never reads past the limit of an endless body", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        controller.enqueue(new Uint8Array(1024).fill(32));
      },
    });
    const input = new Request("http://localhost/", {
      method: "POST",
      body: endless,
      duplex: "half",
    } as RequestInit);
    await expect(readJsonBody(input, 8 * 1024)).rejects.toMatchObject({ status: 413 });
    expect(pulled).toBeLessThan(20);
  });

  describe("a body of chunks (what a host bridge hands the core)", () => {
    /** Chunks of `text` split in two (a UTF-8 character across the cut), noting whether the reader let go early. */
    function chunksOf(text: string, cut: number) {
      const bytes = new TextEncoder().encode(text);
      const state = { returned: false, taken: 0 };
      const chunks = [bytes.subarray(0, cut), bytes.subarray(cut)];
      const body: AsyncIterable<Uint8Array> = {
        [Symbol.asyncIterator]: () => ({
          next: async () =>
            state.taken < chunks.length
              ? { done: false, value: chunks[state.taken++]! }
              : { done: true, value: undefined },
          return: async () => {
            state.returned = true;
            return { done: true, value: undefined };
          },
        }),
      };
      return { body, state };
    }
    const headers = new Headers({ "content-type": "application/json" });

    it("parses JSON split across chunks", async () => {
      const { body } = chunksOf('{"text":"héllo ✓"}', 11);
      expect(await readJsonBody({ headers, body }, 1000)).toEqual({ text: "héllo ✓" });
    });

    it("stops at the limit and lets go of the source", async () => {
      const { body, state } = chunksOf(`{"a":"${"x".repeat(100)}"}`, 60);
      await expect(readJsonBody({ headers, body }, 80)).rejects.toMatchObject({ status: 413 });
      expect(state).toEqual({ returned: true, taken: 2 });
    });

    it("decodes gzip chunks", async () => {
      const packed = await compress('{"a":[1,2,3]}', "gzip");
      const body: AsyncIterable<Uint8Array> = {
        async *[Symbol.asyncIterator]() {
          yield packed.subarray(0, 5);
          yield packed.subarray(5);
        },
      };
      const gzipHeaders = new Headers({ "content-encoding": "gzip" });
      expect(await readJsonBody({ headers: gzipHeaders, body }, 1000)).toEqual({ a: [1, 2, 3] });
    });
  });
});
