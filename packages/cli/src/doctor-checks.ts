import { createServer as createNetServer } from "node:net";
import type { FetchHandlerOptions, GeminiFailureKind } from "@claude-gemini/fetch-handler";
import type { FoundClaudeCode } from "./find-claude-code.js";
import type { LoadConfigResult } from "./load-config.js";
import type { ProxyProbe } from "./probe-proxy.js";
import { testGeminiConnection } from "./test-gemini-connection.js";

/**
 * One line of `claude-gemini-proxy doctor`. The checks are kept together because they are one
 * screen; each takes what it inspects as arguments, so a test can feed it any situation.
 */
export interface DoctorCheck {
  ok: boolean;
  /** What was checked and what was found, e.g. `Node.js 24.1.0`. */
  label: string;
  /** How to fix it, when `ok` is false. */
  fix?: string;
}

/** Node 22 is the oldest release the packages support (`engines`). */
export function checkNodeVersion(version: string): DoctorCheck {
  const major = Number.parseInt(version.replace(/^v/, ""), 10);
  return major >= 22
    ? { ok: true, label: `Node.js ${version.replace(/^v/, "")}` }
    : {
        ok: false,
        label: `Node.js ${version.replace(/^v/, "")} is too old (22 or newer needed)`,
        fix: "Install Node.js 22 or newer (https://nodejs.org, or `nvm install 22`).",
      };
}

/** The Gemini credentials: a key, or Vertex AI settings, and no other configuration problem. */
export function checkCredentials(loaded: LoadConfigResult): DoctorCheck {
  if (loaded.success) {
    return {
      ok: true,
      label: loaded.config.server.vertexai
        ? `Vertex AI project ${loaded.config.server.vertexai.project} in ${loaded.config.server.vertexai.location}`
        : "GEMINI_API_KEY is set",
    };
  }
  return { ok: false, label: "The proxy configuration has problems", fix: loaded.problems.join(" ") };
}

/** The doctor line for each kind of failed connection test; the fix line names cause and fix. */
const CONNECTION_FAILURE_LABELS = {
  key: "Gemini rejected the API key",
  permission: "Gemini refused access",
  model: "Gemini does not serve the model",
  quota: "Gemini's rate limit or quota is used up",
  server: "Gemini had a server error",
  timeout: "Gemini did not answer in time",
  network: "Gemini could not be reached",
  other: "The Gemini test call failed",
} as const satisfies Record<GeminiFailureKind, string>;

/** The key is accepted and the model answers: a real `test-connection` round trip. */
export async function checkConnection(options: FetchHandlerOptions | undefined): Promise<DoctorCheck> {
  if (!options) {
    return { ok: false, label: "Gemini connection not tested", fix: "Fix the configuration above first." };
  }
  const result = await testGeminiConnection(options);
  if (result.ok) {
    const label = `Gemini answers: ${result.model} in ${Math.round(result.latencyMs)} ms`;
    // A pool with some dead keys still works, but the dead ones should be replaced.
    return result.warning ? { ok: true, label, fix: result.warning } : { ok: true, label };
  }
  const label = CONNECTION_FAILURE_LABELS[result.kind ?? "other"];
  return {
    ok: false,
    label: `${label}${result.model ? ` (${result.model})` : ""}`,
    fix: result.problem,
  };
}

/** Claude Code is installed, and says its version. */
export function checkClaudeCode(
  found: FoundClaudeCode | undefined,
  version: string | undefined,
): DoctorCheck {
  if (!found) {
    return {
      ok: false,
      label: "Claude Code not found",
      fix: "Install it with `npm install -g @anthropic-ai/claude-code`, or set CLAUDE_CODE_PATH to the `claude` executable.",
    };
  }
  if (!version) {
    return {
      ok: false,
      label: `Claude Code at ${found.path} does not run`,
      fix: `Run \`${found.path} --version\` to see why; reinstall it if needed.`,
    };
  }
  return { ok: true, label: `Claude Code ${version} at ${found.path} (${found.source})` };
}

/** The configured port is free for the proxy, or our proxy already runs there. `cli` names this command in the fix. */
export function checkPort(
  address: string,
  free: boolean,
  probe: ProxyProbe,
  cli = "claude-gemini-proxy",
): DoctorCheck {
  if (free) return { ok: true, label: `Port ${address} is free for the proxy` };
  if (probe === "ours") return { ok: true, label: `claude-gemini-proxy is running on ${address}` };
  return {
    ok: false,
    label: `Port ${address} is taken by another program`,
    fix: `Stop that program, or choose a free port with --port or PROXY_PORT (then run \`${cli} setup --write\` again, so the settings below match).`,
  };
}

/**
 * `~/.claude/settings.json` sends Claude Code to the proxy, without an `ANTHROPIC_API_KEY` beside
 * the token (Claude Code would ask which to use). `settingsText` undefined: no file. `cli` is how
 * the fix names this command, e.g. `claude-gemini-proxy` or `node "/…/claude-gemini-proxy.mjs"`.
 */
export function checkClaudeSettings(
  settingsPath: string,
  settingsText: string | undefined,
  expectedBaseUrl: string,
  cli = "claude-gemini-proxy",
): DoctorCheck {
  const fix = `Run \`${cli} setup --write\`, or start Claude Code with \`${cli} code\`.`;
  if (settingsText === undefined) return { ok: false, label: `${settingsPath} does not exist`, fix };
  let env: Record<string, unknown> | undefined;
  try {
    env = (JSON.parse(settingsText) as { env?: Record<string, unknown> })?.env;
  } catch {
    return {
      ok: false,
      label: `${settingsPath} is not valid JSON`,
      fix: `Fix the JSON syntax, then run \`${cli} setup --write\` again.`,
    };
  }
  const baseUrl = env?.ANTHROPIC_BASE_URL;
  if (baseUrl === undefined) return { ok: false, label: `${settingsPath} sets no ANTHROPIC_BASE_URL`, fix };
  if (typeof baseUrl !== "string" || baseUrl.replace(/\/+$/, "") !== expectedBaseUrl) {
    return {
      ok: false,
      label: `${settingsPath} points Claude Code at ${String(baseUrl)}, not ${expectedBaseUrl}`,
      fix,
    };
  }
  if (env?.ANTHROPIC_API_KEY !== undefined) {
    return {
      ok: false,
      label: `${settingsPath} sets ANTHROPIC_API_KEY`,
      fix: `Claude Code then asks whether to use that key, and its default answer leaves you logged out. Run \`${cli} setup --write\`, which passes the proxy key as ANTHROPIC_AUTH_TOKEN and removes the one it wrote earlier; remove any other by hand.`,
    };
  }
  return { ok: true, label: `${settingsPath} points Claude Code at ${expectedBaseUrl}` };
}

/**
 * Claude Code's first-run screens are marked done in `~/.claude.json`: on a fresh machine they
 * test api.anthropic.com and stop at "Unable to connect to Anthropic services" when it cannot be
 * reached. `configText` undefined: no file.
 */
export function checkClaudeOnboarding(
  configPath: string,
  configText: string | undefined,
  cli = "claude-gemini-proxy",
): DoctorCheck {
  let done = false;
  try {
    done =
      configText !== undefined &&
      (JSON.parse(configText) as { hasCompletedOnboarding?: unknown })?.hasCompletedOnboarding === true;
  } catch {
    done = false;
  }
  if (done) return { ok: true, label: `Claude Code's first-run setup is done (${configPath})` };
  return {
    ok: false,
    label: `Claude Code's first-run setup is not done (${configPath})`,
    fix: `Its first screens need api.anthropic.com and stop without it. Run \`${cli} setup --write\` or \`${cli} code\`, which mark them done.`,
  };
}

/** True when `host:port` can be bound right now. */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createNetServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/**
 * The models the configuration routes to, each with its input window and output limit — as a
 * running proxy reports them (Gemini's model metadata, and corrections it learned from Gemini's
 * answers) or else as the built-in table says. Informational: it never fails.
 */
export function checkModelLimits(
  limits: Readonly<
    Record<string, { maxInputTokens: number; maxOutputTokens: number; source: string; learned?: string[] }>
  >,
): DoctorCheck {
  const lines = Object.entries(limits).map(([model, limit]) => {
    const from = limit.source === "proxy" ? "the running proxy" : "the built-in table";
    const learned = limit.learned?.length ? `; learned from Gemini: ${limit.learned.join("; ")}` : "";
    return `${model}: ${limit.maxInputTokens.toLocaleString("en-US")} in / ${limit.maxOutputTokens.toLocaleString("en-US")} out (${from}${learned})`;
  });
  return { ok: true, label: `Models: ${Object.keys(limits).join(", ")}`, fix: lines.join("\n          ") };
}
