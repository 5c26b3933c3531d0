import { InvalidRequestError } from "@claude-gemini/core";

/** `Content-Encoding` values a request body may carry, and the `DecompressionStream` format of each. */
const FORMATS = {
  gzip: "gzip",
  "x-gzip": "gzip",
  deflate: "deflate",
} as const satisfies Record<string, CompressionFormat>;

/**
 * The decoded bytes of a request body sent with `content-encoding` (`gzip`, `x-gzip`,
 * `deflate`; `identity` or none passes through), as a stream that inflates only as fast as it is
 * read, so whoever counts its bytes can stop a small bomb long before it is inflated in full.
 * Uses the runtime's `DecompressionStream`, the same on every host; the Node bridge decodes with
 * it too. Any other encoding is a 400 naming it.
 *
 * @example
 * const text = await new Response(decodeContentEncoding(request.body, request.headers.get("content-encoding"))).text();
 */
export function decodeContentEncoding(
  body: ReadableStream<Uint8Array>,
  encoding: string | null | undefined,
): ReadableStream<Uint8Array> {
  const name = (encoding ?? "identity").trim().toLowerCase();
  if (name === "identity" || name === "") return body;
  const format = (FORMATS as Record<string, CompressionFormat | undefined>)[name];
  if (format === undefined) {
    throw new InvalidRequestError(`Unsupported content-encoding "${name}"; send identity, gzip or deflate.`);
  }
  return body.pipeThrough(
    new DecompressionStream(format) as unknown as ReadableWritablePair<Uint8Array, Uint8Array>,
  );
}

/** Whether {@link decodeContentEncoding} can decode `encoding`. */
export function isDecodableEncoding(encoding: string | null | undefined): boolean {
  const name = (encoding ?? "identity").trim().toLowerCase();
  return name === "identity" || name === "" || Object.hasOwn(FORMATS, name);
}
