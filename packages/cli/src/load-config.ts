import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ENVIRONMENT_VARIABLE_NAMES, type LogLevel, parseEnvironment } from "@claude-gemini/fetch-handler";
import type { CreateServerOptions } from "@claude-gemini/node-http";
import { z } from "zod";
import { parseEnvFile } from "./parse-env-file.js";

/**
 * The proxy's settings, validated: where to listen, how much to log, and the options of
 * `createServer`. The variables every host shares come from `parseEnvironment`; only the
 * address and the Node server's own settings are read here.
 */
export interface ProxyConfig {
  host: string;
  port: number;
  logLevel: LogLevel;
  /** What `createServer` gets (logging hooks aside): the shared variables plus the Node-only ones. */
  server: CreateServerOptions;
}

/** What {@link loadConfig} found: settings and warnings, or every problem at once. */
export type LoadConfigResult =
  | { success: true; config: ProxyConfig; warnings: string[] }
  | { success: false; problems: string[]; warnings: string[] };

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** The environment; wins over the config file and `.env`. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Where to look for `.env`, and what a relative `configFile` is resolved against. Default `process.cwd()`. */
  cwd?: string;
  /**
   * A JSON file (`--config`) holding an object of the same variables, e.g.
   * `{ "GEMINI_API_KEY": "…", "PROXY_PORT": 9000 }`; it wins over `.env`, the environment wins over it.
   */
  configFile?: string;
  /** Values from command-line flags (`--port`, `--host`), by variable name; they win over everything. */
  overrides?: Record<string, string>;
}

/** Blank values count as unset: `.env` templates are full of `PROXY_API_KEY=`. */
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === "" ? undefined : value.trim()));

function integerVariable(name: string, minimum: number, maximum: number, describe: string) {
  return optionalText.transform((value, context) => {
    if (value === undefined) return undefined;
    const parsed = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(parsed) || parsed < minimum || parsed > maximum) {
      context.addIssue({ code: "custom", message: `${name} must be ${describe}, got "${value}".` });
      return z.NEVER;
    }
    return parsed;
  });
}

/** The variables only the Node server has: the address, and what `createServer` adds to the handler. */
const nodeSchema = z.object({
  PROXY_HOST: optionalText.transform((value, context) => {
    if (value !== undefined && /[\s/]/.test(value)) {
      context.addIssue({
        code: "custom",
        message: `PROXY_HOST must be a host name or IP address, got "${value}".`,
      });
      return z.NEVER;
    }
    return value ?? "127.0.0.1";
  }),
  PROXY_PORT: integerVariable("PROXY_PORT", 0, 65_535, "a whole number from 0 to 65535").transform(
    (value) => value ?? 8080,
  ),
  MAX_BODY_BYTES_IN_FLIGHT: integerVariable(
    "MAX_BODY_BYTES_IN_FLIGHT",
    1,
    2 ** 40,
    "a number of bytes above 0",
  ),
  UPSTREAM_MAX_SOCKETS: integerVariable("UPSTREAM_MAX_SOCKETS", 1, 65_536, "a number of connections above 0"),
  IDLE_MEMORY_RELEASE_MS: integerVariable(
    "IDLE_MEMORY_RELEASE_MS",
    0,
    86_400_000,
    "a number of milliseconds",
  ),
});

/** Every variable {@link loadConfig} reads: those of every host, then the Node server's own; the docs list each one. */
export const CONFIG_VARIABLE_NAMES: readonly string[] = [
  ...ENVIRONMENT_VARIABLE_NAMES,
  ...Object.keys(nodeSchema.shape),
];

/**
 * Reads the proxy's settings from command-line overrides, the environment, an optional JSON
 * config file and an optional `.env` file in the working directory, in that order of precedence.
 * A blank value counts as unset at every layer, so `PROXY_API_KEY=` in the environment leaves
 * the file's value in force. Every problem is reported, one clear sentence each, so a user
 * fixes them all in one go.
 *
 * Needs `GEMINI_API_KEY`, or `GOOGLE_GENAI_USE_VERTEXAI=true` with `GOOGLE_CLOUD_PROJECT` and
 * `GOOGLE_CLOUD_LOCATION`.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadConfigResult {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const envFilePath = join(cwd, ".env");
  const warnings: string[] = [];
  let fileValues: Record<string, string> = {};
  if (existsSync(envFilePath)) {
    try {
      const parsed = parseEnvFile(readFileSync(envFilePath, "utf8"));
      fileValues = parsed.value;
      warnings.push(...parsed.warnings);
    } catch (error) {
      warnings.push(
        `.env could not be read (${(error as NodeJS.ErrnoException).code ?? "unknown error"}); it was ignored.`,
      );
    }
  }

  const configFile =
    options.configFile === undefined ? undefined : readConfigFile(resolve(cwd, options.configFile));
  // Later layers win; a blank value counts as unset, so it never hides a value set below it.
  const merged: Record<string, string | undefined> = {};
  for (const layer of [fileValues, configFile?.values ?? {}, env, options.overrides ?? {}]) {
    for (const [name, value] of Object.entries(layer)) {
      if (value !== undefined && value.trim() !== "") merged[name] = value;
    }
  }

  const shared = parseEnvironment(merged);
  const node = nodeSchema.safeParse(merged);
  const problems = [
    ...(configFile?.problems ?? []),
    ...(node.success ? [] : node.error.issues.map((issue) => issue.message)),
    ...shared.problems,
  ];
  warnings.push(...shared.warnings);
  if (!node.success || problems.length > 0) return { success: false, problems, warnings };

  const data = node.data;
  const server: CreateServerOptions = { ...shared.options };
  if (data.MAX_BODY_BYTES_IN_FLIGHT !== undefined)
    server.maxBodyBytesInFlight = data.MAX_BODY_BYTES_IN_FLIGHT;
  if (data.UPSTREAM_MAX_SOCKETS !== undefined) server.upstreamMaxSockets = data.UPSTREAM_MAX_SOCKETS;
  // The command gives memory back after bursts (createServer leaves it off unless asked).
  const idleMs = data.IDLE_MEMORY_RELEASE_MS;
  server.releaseMemoryWhenIdle = idleMs === undefined ? true : idleMs > 0 && { idleMs };
  return {
    success: true,
    config: { host: data.PROXY_HOST, port: data.PROXY_PORT, logLevel: shared.logLevel, server },
    warnings,
  };
}

/** The variables of a `--config` JSON file as strings, and a sentence for each problem. */
function readConfigFile(path: string): { values: Record<string, string>; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT" ? "there is no such file" : `it cannot be read (${code ?? "unknown error"})`;
    return { values: {}, problems: [`The config file ${path} was not used: ${reason}.`] };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return {
      values: {},
      problems: [`The config file ${path} is not valid JSON (${(error as Error).message}).`],
    };
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    return {
      values: {},
      problems: [
        `The config file ${path} must hold a JSON object of settings, e.g. {"GEMINI_API_KEY": "…", "PROXY_PORT": 9000}.`,
      ],
    };
  }
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (!CONFIG_VARIABLE_NAMES.includes(name)) {
      problems.push(
        `The config file ${path} has an unknown setting "${name}"; settings are the variables of docs/configuration.md, e.g. GEMINI_API_KEY or PROXY_PORT.`,
      );
    } else if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
      values[name] = String(value);
    } else if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
      // Lists such as GEMINI_API_KEYS or CORS_ORIGINS read as their comma-separated form.
      values[name] = value.join(",");
    } else {
      problems.push(
        `The config file ${path} sets ${name} to ${JSON.stringify(value)}; use a string, number or boolean.`,
      );
    }
  }
  return { values, problems };
}
