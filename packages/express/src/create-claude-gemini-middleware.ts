import type { IncomingMessage } from "node:http";
import { createFetchHandler, type FetchHandlerOptions } from "@claude-gemini/fetch-handler";
import { createNodeListener } from "@claude-gemini/node-http";
import type { RequestHandler } from "express";

/**
 * The paths this middleware answers, relative to where it is mounted. Everything else is
 * the host app's: it falls through with `next()`, so the app's own routes and 404 page work.
 */
const OWNED_PATH = /^\/(?:v1(?:\/.*)?|health|test-connection)$/;

/**
 * Express middleware serving the Anthropic Messages API from Gemini. Mount it anywhere:
 * `app.use(middleware)` answers `/v1/messages`, `app.use("/anthropic", middleware)` answers
 * `/anthropic/v1/messages` (point `ANTHROPIC_BASE_URL` at `…/anthropic`). It owns `/v1/*`,
 * `/health` and `/test-connection` under its mount path and calls `next()` for anything else.
 *
 * It works with or without `express.json()` in front of it: a body that was already parsed
 * is serialised again rather than read from the consumed socket. API failures are answered
 * as Anthropic JSON errors; only failures of the bridge itself reach `next(error)`. Note that
 * `express.json()` refuses bodies over 100 kB by default, and Claude Code sends larger ones:
 * give it a `limit` (for example `"32mb"`) or mount this middleware before it.
 *
 * @example
 * app.use("/anthropic", createClaudeGeminiMiddleware({ apiKey: process.env.GEMINI_API_KEY }));
 */
export function createClaudeGeminiMiddleware(options: FetchHandlerOptions = {}): RequestHandler {
  const listener = createNodeListener(createFetchHandler(options), {
    maxBodyBytes: options.maxBodyBytes,
    readConsumedBody,
  });
  return (request, response, next) => {
    // Inside a mount, Express strips the mount path from `req.url` (and so from `req.path`).
    if (!OWNED_PATH.test(request.path)) {
      next();
      return;
    }
    listener(request, response, next);
  };
}

/**
 * A body parser that ran before us leaves `req.body` set and the stream consumed (`_body`
 * is body-parser 1's flag; body-parser 2 only leaves the stream ended). Raw and text parsers
 * leave bytes or a string; JSON and urlencoded parsers leave an object, which we serialise
 * as JSON again. A stream consumed with nothing left behind is an empty body: reading the
 * socket again would wait forever.
 */
function readConsumedBody(incoming: IncomingMessage): Uint8Array | string | undefined {
  const parsed = incoming as IncomingMessage & { body?: unknown; _body?: boolean };
  const consumed =
    parsed._body === true || incoming.readableEnded || (incoming.complete && !incoming.readable);
  if (!consumed) return undefined;
  if (parsed.body === undefined) return "";
  if (typeof parsed.body === "string") return parsed.body;
  if (parsed.body instanceof Uint8Array) return parsed.body;
  return JSON.stringify(parsed.body);
}
