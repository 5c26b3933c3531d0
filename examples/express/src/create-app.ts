import { createClaudeGeminiMiddleware } from "@claude-gemini/express";
import type { FetchHandlerOptions } from "@claude-gemini/fetch-handler";
import express, { type Express } from "express";

/**
 * An Express 5 app that serves the Anthropic Messages API from Gemini at its root
 * (`/v1/messages`, `/v1/models`, `/health`…) next to a route of its own. Point
 * `ANTHROPIC_BASE_URL` at wherever it listens.
 *
 * @example
 * createApp({ apiKey: process.env.GEMINI_API_KEY }).listen(8080);
 */
export function createApp(options: FetchHandlerOptions): Express {
  const app = express();
  // Mounted before any body parser: the middleware streams the body itself.
  app.use(createClaudeGeminiMiddleware(options));
  // Everything the middleware does not own falls through to the app's own routes.
  app.get("/", (_request, response) => {
    response.type("text/plain").send("claude-gemini example: POST /v1/messages\n");
  });
  return app;
}
