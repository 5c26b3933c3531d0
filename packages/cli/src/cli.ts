import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { resolveModel } from "@claude-gemini/core";
import { createRequestLogger } from "@claude-gemini/fetch-handler";
import { closeServerGracefully, createServer } from "@claude-gemini/node-http";
import { loadConfig, type ProxyConfig } from "./load-config.js";
import { runClaudeCode } from "./run-claude-code.js";
import { runDoctor } from "./run-doctor.js";
import { runSetup } from "./run-setup.js";

/** Where the CLI talks to the world; tests replace every part. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Directory searched for `.env`. */
  cwd: string;
  /** Human-readable lines on a terminal, JSON lines otherwise. */
  isTTY: boolean;
  /** Shuts the server down when aborted. Default: SIGTERM and SIGINT. */
  shutdownSignal?: AbortSignal;
  /** How long open streams may finish after a shutdown request. Default 30000. */
  gracePeriodMs?: number;
  /** Called with the server once it listens. */
  onListening?: (server: Server, url: string) => void;
}

const HELP = `Usage: claude-gemini-proxy [options] [serve | setup [--write] [--shell] | doctor]
       claude-gemini-proxy [options] code [claude args…]    (also: claude-gemini-code [claude args…])

Serves the Anthropic Messages API on top of Google Gemini, so Claude Code and the
Anthropic SDKs can run on Gemini models.

Commands:
  serve            start the proxy (the default)
  code [args…]     run Claude Code on Gemini: reuses a running proxy or starts one
                   (logging to a file it names), then runs \`claude\` with the
                   arguments given
  setup [--write] [--shell]
                   print the settings that point Claude Code at the proxy and test
                   the key; --write merges them into ~/.claude/settings.json,
                   --shell prints export lines for eval "$(… setup --shell)"
  doctor           check Node, the key, the model, Claude Code, the port and settings

Options (before or after the command, but before \`code\`):
  --port <port>    port to listen on (wins over PROXY_PORT)
  --host <address> address to listen on (wins over PROXY_HOST)
  --config <file>  a JSON file of the settings below, e.g. {"PROXY_PORT": 9000}
  -h, --help       show this help
  -v, --version    print the version

Settings come from the flags, the environment, the --config file, then .env in the
working directory (the first that sets a variable wins; blank counts as unset):
  GEMINI_API_KEY             Gemini API key (https://aistudio.google.com/apikey)
  GEMINI_API_KEYS            several keys, comma-separated, used round-robin
  GOOGLE_GENAI_USE_VERTEXAI  true to use Vertex AI instead, with
  GOOGLE_CLOUD_PROJECT       ... the Google Cloud project and
  GOOGLE_CLOUD_LOCATION      ... location (for example us-central1)
  GEMINI_BASE_URL            another Gemini endpoint (gateways, tests)
  PROXY_HOST                 address to listen on (default 127.0.0.1)
  PROXY_PORT                 port to listen on (default 8080)
  PROXY_API_KEY              key clients must send; required to listen off localhost
  ALLOW_UNAUTHENTICATED_REMOTE  true to serve without PROXY_API_KEY off localhost (anyone who
                             can reach the port then spends your Gemini quota)
  DEFAULT_MODEL              Gemini model for every family without its own variable
  OPUS_MODEL, SONNET_MODEL, HAIKU_MODEL   Gemini model per Claude family
  ENABLE_STREAMING           false to serve streams from one non-streaming call
  LOG_LEVEL                  debug, info, warn, error or silent (default info)
  REQUEST_TIMEOUT_MS         time limit of a non-streaming request
  RETRY_MAX_ATTEMPTS         Gemini calls per request before the first byte (default 3)
  RETRY_BASE_DELAY_MS        first backoff delay between them (default 500, doubling)
  RETRY_MAX_TOTAL_DELAY_MS   most time spent waiting between them (default 20000)
  RETRY_MAX_DELAY_MS         longest single wait between them (default 60000)
  RETRY_HTTP_STATUS_CODES    the only HTTP statuses retried, e.g. 429,503 (default: the rules)
  MAX_BODY_BYTES             largest request body, after decompression (default 25165824, 24 MiB)
  MAX_BODY_BYTES_IN_FLIGHT   most bytes of request bodies held at once (default 134217728, 128 MiB)
  MAX_JSON_DEPTH             deepest nesting of arrays and objects in a body (default 128)
  MAX_TOOLS                  most tools in one request (default 512)
  MAX_MEDIA_BYTES            largest decoded image or PDF in a request (default 20971520)
  UPSTREAM_MAX_SOCKETS       most connections open at once to Gemini (default 256)
  IDLE_MEMORY_RELEASE_MS     idle time before memory left by a burst is given back (default 10000; 0 = never)
  ENABLE_METRICS             true to serve Prometheus metrics on GET /metrics
  CORS_ORIGINS               origins browsers may call from (comma-separated, or *); default off
  FALLBACK_MODELS            models tried when one is overloaded or missing, e.g.
                             gemini-3.1-pro-preview:gemini-3.8-flash,gemini-3.5-flash-lite (chains split by ;)
  ENABLE_CONTEXT_CACHE       true to cache long system prompts and tools with Gemini (default off)
  CONTEXT_CACHE_MIN_TOKENS   smallest prefix worth caching (default 4096)
  CONTEXT_CACHE_TTL_SECONDS  lifetime of a cache, extended while in use (default 3600)
  ENABLE_AUTO_MODE_CHECK     false to stop judging Claude Code's auto-mode tool calls (default on)
  AUTO_MODE_CHECK_MODEL      Gemini model that judges them (default gemini-3.5-flash-lite)
  AUTO_MODE_CHECK_TIMEOUT_MS most time the check may add to an answer (default 15000)

code, setup and doctor also read:
  CLAUDE_CODE_PATH           the claude executable, when it is not on PATH
  CLAUDE_CONFIG_DIR          Claude Code's own settings directory (default ~/.claude)
`;

/**
 * The `claude-gemini-proxy` command. Resolves to the exit code: 0 after `--help`,
 * `--version` or a graceful shutdown, 1 for configuration problems, a port that cannot be
 * bound, or an unknown command.
 */
export async function main(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
  io: Partial<CliIo> = {},
): Promise<number> {
  const fullIo: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
    isTTY: process.stdout.isTTY === true,
    ...io,
  };
  const parsed = parseArguments(argv);
  if (parsed.problem) {
    fullIo.stderr(`claude-gemini-proxy: ${parsed.problem}\n\n${HELP}`);
    return 1;
  }
  const { command, rest, settings } = parsed;
  // Everything after `code` belongs to claude, `--help` included.
  if (command === "code") {
    return runClaudeCode(rest, { env, cwd: fullIo.cwd, stderr: fullIo.stderr, ...settings });
  }
  if (command === "--help" || command === "-h" || command === "help" || rest.includes("--help")) {
    fullIo.stdout(HELP);
    return 0;
  }
  if (command === "--version" || command === "-v") {
    fullIo.stdout(`${readVersion()}\n`);
    return 0;
  }
  if (command === "setup") {
    return runSetup(rest, {
      env,
      cwd: fullIo.cwd,
      stdout: fullIo.stdout,
      stderr: fullIo.stderr,
      ...settings,
    });
  }
  if (command === "doctor" && rest.length === 0) {
    return runDoctor({ env, cwd: fullIo.cwd, stdout: fullIo.stdout, ...settings });
  }
  if (command !== "serve" || rest.length > 0) {
    fullIo.stderr(
      `claude-gemini-proxy: unknown command or option "${[command, ...rest].join(" ")}".\n\n${HELP}`,
    );
    return 1;
  }
  return serve(env, fullIo, settings);
}

/** Where settings come from besides the environment and `.env`: `--config` and the flags. */
export interface SettingsSources {
  configFile?: string;
  overrides?: Record<string, string>;
}

const VALUE_FLAGS = {
  "--port": "PROXY_PORT",
  "--host": "PROXY_HOST",
  "--config": "configFile",
} as const satisfies Record<string, string>;

/**
 * Splits the command line into the command, its own arguments, and the shared flags
 * (`--port`, `--host`, `--config`, as `--port 9000` or `--port=9000`). The flags may come
 * before or after the command, except after `code`: what follows `code` is claude's.
 */
function parseArguments(argv: readonly string[]): {
  command: string;
  rest: string[];
  settings: SettingsSources;
  problem?: string;
} {
  let command: string | undefined;
  const rest: string[] = [];
  const overrides: Record<string, string> = {};
  let configFile: string | undefined;
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index]!;
    if (command === "code") {
      rest.push(argument);
      continue;
    }
    const [flag, inlineValue] = argument.startsWith("--") ? splitOnce(argument, "=") : [argument, undefined];
    if (Object.hasOwn(VALUE_FLAGS, flag)) {
      const value = inlineValue ?? argv[++index];
      if (value === undefined || value === "" || (inlineValue === undefined && value.startsWith("--"))) {
        const example =
          flag === "--config" ? "--config proxy.json" : flag === "--port" ? "--port 9000" : "--host 0.0.0.0";
        return {
          command: command ?? "serve",
          rest,
          settings: {},
          problem: `${flag} needs a value, e.g. ${example}.`,
        };
      }
      const target = VALUE_FLAGS[flag as keyof typeof VALUE_FLAGS];
      if (target === "configFile") configFile = value;
      else overrides[target] = value;
      continue;
    }
    if (command === undefined && !argument.startsWith("-")) command = argument;
    else if (
      command === undefined &&
      (argument === "--help" || argument === "-h" || argument === "--version" || argument === "-v")
    )
      command = argument;
    else rest.push(argument);
  }
  const settings: SettingsSources = {};
  if (configFile !== undefined) settings.configFile = configFile;
  if (Object.keys(overrides).length > 0) settings.overrides = overrides;
  return { command: command ?? "serve", rest, settings };
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

async function serve(
  env: Record<string, string | undefined>,
  io: CliIo,
  settings: SettingsSources,
): Promise<number> {
  const loaded = loadConfig({ env, cwd: io.cwd, ...settings });
  for (const warning of loaded.warnings) io.stderr(`claude-gemini-proxy: ${warning}\n`);
  if (!loaded.success) {
    io.stderr(
      `claude-gemini-proxy cannot start:\n${loaded.problems.map((problem) => `  - ${problem}\n`).join("")}`,
    );
    return 1;
  }
  const config = loaded.config;
  const openToOthers = !isLoopback(config.host) && !config.server.proxyApiKey;
  if (openToOthers && config.server.allowUnauthenticatedRemote !== true) {
    io.stderr(
      `claude-gemini-proxy cannot start: PROXY_HOST=${config.host} is not a loopback address and PROXY_API_KEY is not set, so anyone who can reach the port could spend your Gemini quota.\n` +
        "  - Set PROXY_API_KEY (clients send it as ANTHROPIC_API_KEY), or\n" +
        "  - set PROXY_HOST=127.0.0.1 to accept local connections only, or\n" +
        "  - set ALLOW_UNAUTHENTICATED_REMOTE=true if every machine that can reach the port may use it\n" +
        "    (a container whose port is published on 127.0.0.1 only, for instance).\n",
    );
    return 1;
  }
  const { logger, onRequestComplete, log } = createRequestLogger({
    level: config.logLevel,
    format: io.isTTY ? "text" : "json",
    write: io.stdout,
  });

  const server = createServer({ ...config.server, logger, onRequestComplete });

  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "EADDRINUSE"
        ? `port ${config.port} is already in use; choose a free one with --port or PROXY_PORT`
        : code === "EACCES"
          ? `no permission to listen on port ${config.port}; use a port above 1023`
          : `could not listen on ${config.host}:${config.port} (${code ?? (error as Error).message})`;
    io.stderr(`claude-gemini-proxy cannot start: ${reason}.\n`);
    return 1;
  }

  const url = formatUrl(server.address() as AddressInfo);
  if (config.logLevel !== "silent") {
    const startup = `claude-gemini-proxy listening on ${url} (models: ${describeModels(config)})`;
    if (io.isTTY) io.stdout(`${startup}\n`);
    else log("info", startup, { url });
  }
  if (openToOthers) {
    io.stderr(
      `\n*** WARNING: claude-gemini-proxy listens on ${config.host} without PROXY_API_KEY          ***\n` +
        "*** (ALLOW_UNAUTHENTICATED_REMOTE=true). Anyone who can reach this port can use your  ***\n" +
        "*** Gemini key. Set PROXY_API_KEY, or PROXY_HOST=127.0.0.1 for local connections only. ***\n\n",
    );
  }
  io.onListening?.(server, url);

  await waitForShutdown(server, io, log);
  log("info", "claude-gemini-proxy stopped");
  return 0;
}

function waitForShutdown(server: Server, io: CliIo, log: ReturnType<typeof createRequestLogger>["log"]) {
  return new Promise<void>((resolve) => {
    let requested = false;
    const shutdown = (reason: string) => {
      if (requested) {
        // A second Ctrl-C means "now": cut the open streams.
        server.closeAllConnections();
        return;
      }
      requested = true;
      log("info", `${reason}: finishing open requests, then stopping`);
      void closeServerGracefully(server, { gracePeriodMs: io.gracePeriodMs }).then(() => {
        process.off("SIGTERM", onTerminate);
        process.off("SIGINT", onInterrupt);
        resolve();
      });
    };
    const onTerminate = () => shutdown("SIGTERM");
    const onInterrupt = () => shutdown("SIGINT");
    if (io.shutdownSignal) {
      if (io.shutdownSignal.aborted) shutdown("shutdown requested");
      else io.shutdownSignal.addEventListener("abort", () => shutdown("shutdown requested"), { once: true });
    } else {
      process.on("SIGTERM", onTerminate);
      process.on("SIGINT", onInterrupt);
    }
  });
}

function describeModels(config: ProxyConfig): string {
  return (["opus", "sonnet", "haiku"] as const)
    .map((family) => `${family}→${resolveModel(`claude-${family}`, config.server.models).geminiModel}`)
    .join(", ");
}

function formatUrl(address: AddressInfo): string {
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

function isLoopback(host: string): boolean {
  const lower = host.toLowerCase();
  return lower === "localhost" || lower === "::1" || lower === "[::1]" || /^127(\.\d{1,3}){3}$/.test(lower);
}

function readVersion(): string {
  const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return packageJson.version;
}
