import { fileURLToPath } from "node:url";
import { findOnPath } from "./find-on-path.js";

/** The launcher of `claude-gemini-proxy code`, installed beside `claude-gemini-proxy`. */
export const CODE_COMMAND = "claude-gemini-code";

/** What {@link formatCliCommand} looks at; tests replace every part. */
export interface FormatCliCommandOptions {
  env?: Record<string, string | undefined>;
  /** Finds an executable on PATH; default {@link findOnPath}. */
  findOnPath?: (name: string) => string | undefined;
}

/**
 * How to run `claude-gemini-proxy` in a hint the user can paste as written: the bare name when
 * it is on `PATH` (installed with npm or `pnpm cli:install`), else `node` with the absolute path
 * of the bin file of this checkout. `formatCliCommand("setup --write")` gives
 * `claude-gemini-proxy setup --write` or `node "/…/bin/claude-gemini-proxy.mjs" setup --write`.
 */
export function formatCliCommand(args: string, options: FormatCliCommandOptions = {}): string {
  const find = options.findOnPath ?? ((name: string) => findOnPath(name, { env: options.env }));
  const command = find("claude-gemini-proxy") ? "claude-gemini-proxy" : `node ${quotePath(binPath())}`;
  return args === "" ? command : `${command} ${args}`;
}

/** The absolute path of this package's `bin/claude-gemini-proxy.mjs`. */
export function binPath(): string {
  // src/ (tests) and dist/ (the build) both sit beside bin/.
  return fileURLToPath(new URL("../bin/claude-gemini-proxy.mjs", import.meta.url));
}

function quotePath(path: string): string {
  return /^[A-Za-z0-9_./:\\-]+$/.test(path) ? path : `"${path.replace(/(["\\$`])/g, "\\$1")}"`;
}
