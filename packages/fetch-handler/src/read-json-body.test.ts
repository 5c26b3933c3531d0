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
});
