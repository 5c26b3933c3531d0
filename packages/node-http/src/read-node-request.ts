import type { IncomingMessage } from "node:http";
import type { HandlerRequest, HeaderReader } from "@claude-gemini/fetch-handler";
import { buildNodeUrl } from "./build-node-url.js";
import { createRequestBody, type RequestBodyOptions } from "./create-request-body.js";
import { readBodyChunks } from "./read-body-chunks.js";

const BODYLESS_METHODS = new Set(["GET", "HEAD"]);

/** Headers that no longer describe a body the bridge decoded or was handed already parsed. */
const FRAMING_HEADERS: ReadonlySet<string> = new Set(["content-encoding", "content-length"]);

const encoder = new TextEncoder();

/** Options of {@link readNodeRequest}: the body's limits, the method and a body read by earlier middleware. */
export type NodeRequestOptions = RequestBodyOptions & {
  /** Upper case. */
  method: string;
  consumed: Uint8Array | string | undefined;
};

/**
 * A Node request as the fetch handler's core reads it, without a WHATWG `Request`: headers
 * looked up in `rawHeaders` when first asked for (several values of a name joined with ", ", as
 * `Headers.get` does; HTTP/2 pseudo-headers skipped), the URL as `toWebRequest` builds it, the
 * body as chunks off the socket (decoded from gzip or deflate on the way, with the same limits),
 * and `signal` aborting when the client leaves.
 */
export function readNodeRequest(
  incoming: IncomingMessage,
  signal: AbortSignal,
  options: NodeRequestOptions,
): { request: HandlerRequest; detachBody: () => void } {
  const { method, consumed } = options;
  const url = buildNodeUrl(incoming);
  const request = (body: HandlerRequest["body"], hidden?: ReadonlySet<string>): HandlerRequest => ({
    method,
    url: url.href,
    pathname: url.pathname,
    headers: createHeaderReader(incoming.rawHeaders, hidden),
    signal,
    body,
  });
  const detachBody = () => {};
  if (BODYLESS_METHODS.has(method)) return { request: request(null), detachBody };
  if (consumed !== undefined) {
    // The bytes were decoded and parsed upstream of us: the original framing headers no longer match.
    const bytes = typeof consumed === "string" ? encoder.encode(consumed) : consumed;
    return { request: request(yieldOnce(bytes), FRAMING_HEADERS), detachBody };
  }
  if (incoming.headers["content-encoding"] !== undefined) {
    const body = createRequestBody(incoming, options);
    return {
      request: request(body.stream, body.decoded ? FRAMING_HEADERS : undefined),
      detachBody: body.detach,
    };
  }
  const body = readBodyChunks(incoming, options);
  return { request: request(body.chunks), detachBody: body.detach };
}

function createHeaderReader(raw: readonly string[], hidden: ReadonlySet<string> | undefined): HeaderReader {
  let table: Map<string, string> | undefined;
  const build = () => {
    const built = new Map<string, string>();
    for (let index = 0; index + 1 < raw.length; index += 2) {
      const name = raw[index]!;
      // HTTP/2 pseudo-headers (`:path`, …) are not headers in the fetch sense.
      if (name.startsWith(":")) continue;
      const lower = name.toLowerCase();
      if (hidden?.has(lower)) continue;
      const value = trimHttpWhitespace(raw[index + 1]!);
      const previous = built.get(lower);
      built.set(lower, previous === undefined ? value : `${previous}, ${value}`);
    }
    return built;
  };
  return {
    get(name) {
      table ??= build();
      return table.get(name.toLowerCase()) ?? null;
    },
  };
}

/** As `Headers` normalizes a value: leading and trailing tabs, spaces, CR and LF removed. */
function trimHttpWhitespace(value: string): string {
  if (value === "") return value;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  const isWhitespace = (code: number) => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
  return isWhitespace(first) || isWhitespace(last) ? value.replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, "") : value;
}

async function* yieldOnce(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}
