import { createServer as createNetServer } from "node:net";
import type { FetchHandlerOptions } from "@claude-gemini/fetch-handler";
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
      label: loaded.config.vertexai
        ? `Vertex AI project ${loaded.config.vertexai.project} in ${loaded.config.vertexai.location}`
        : "GEMINI_API_KEY is set",
    };
  }
  return { ok: false, label: "The proxy configuration has problems", fix: loaded.problems.join(" ") };
}

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
  return {
    ok: false,
    label: `Gemini did not answer${result.model ? ` (${result.model})` : ""}`,
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

/** The configured port is free for the proxy, or our proxy already runs there. */
export function checkPort(address: string, free: boolean, probe: ProxyProbe): DoctorCheck {
  if (free) return { ok: true, label: `Port ${address} is free for the proxy` };
  if (probe === "ours") return { ok: true, label: `claude-gemini-proxy is running on ${address}` };
  return {
    ok: false,
    label: `Port ${address} is taken by another program`,
    fix: "Stop that program, or set PROXY_PORT to a free port (and update the settings below to match).",
  };
}

/** `~/.claude/settings.json` sends Claude Code to the proxy. `settingsText` undefined: no file. */
export function checkClaudeSettings(
  settingsPath: string,
  settingsText: string | undefined,
  expectedBaseUrl: string,
): DoctorCheck {
  const fix =
    "Run `claude-gemini-proxy setup --write`, or start Claude Code with `claude-gemini-proxy code`.";
  if (settingsText === undefined) return { ok: false, label: `${settingsPath} does not exist`, fix };
  let baseUrl: unknown;
  try {
    baseUrl = (JSON.parse(settingsText) as { env?: Record<string, unknown> })?.env?.ANTHROPIC_BASE_URL;
  } catch {
    return {
      ok: false,
      label: `${settingsPath} is not valid JSON`,
      fix: "Fix the JSON syntax, then run setup again.",
    };
  }
  if (baseUrl === undefined) return { ok: false, label: `${settingsPath} sets no ANTHROPIC_BASE_URL`, fix };
  if (typeof baseUrl !== "string" || baseUrl.replace(/\/+$/, "") !== expectedBaseUrl) {
    return {
      ok: false,
      label: `${settingsPath} points Claude Code at ${String(baseUrl)}, not ${expectedBaseUrl}`,
      fix,
    };
  }
  return { ok: true, label: `${settingsPath} points Claude Code at ${expectedBaseUrl}` };
}

/** True when `host:port` can be bound right now. */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createNetServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
