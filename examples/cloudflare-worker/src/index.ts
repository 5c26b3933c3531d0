import {
  createFetchHandler,
  createRequestLogger,
  type FetchHandler,
  parseEnvironment,
} from "@claude-gemini/fetch-handler";

/**
 * The bindings this worker reads: the variables of docs/configuration.md, the same names as
 * on every other host (`[vars]` in wrangler.toml, the keys as secrets).
 */
export type Env = Record<string, string | undefined>;

// One handler (and so one Gemini client) per isolate, built on the first request: Workers
// hand out bindings only with a request, and reusing the handler reuses its connections.
let handler: FetchHandler | undefined;

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    handler ??= buildHandler(env);
    return handler(request);
  },
};

function buildHandler(env: Env): FetchHandler {
  const { options, logLevel, problems, warnings } = parseEnvironment(env);
  for (const warning of warnings) console.warn(warning);
  if (problems.length > 0) {
    // The problems go to the worker's log; the client learns only that the worker is misconfigured.
    console.error(
      `claude-gemini is misconfigured:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`,
    );
    return async () =>
      Response.json(
        {
          type: "error",
          error: { type: "api_error", message: "The proxy is misconfigured; its log says how." },
        },
        { status: 500 },
      );
  }
  const { logger, onRequestComplete } = createRequestLogger({
    level: logLevel,
    format: "json",
    write: (line) => console.log(line.trimEnd()),
  });
  return createFetchHandler({ ...options, logger, onRequestComplete });
}
