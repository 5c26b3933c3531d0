import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A terminal a test types into and reads, the way a person would. */
export interface TmuxSession {
  /** Types text literally (no key names), as if typed on the keyboard. */
  type(text: string): Promise<void>;
  /** Presses keys by tmux name: `Enter`, `Escape`, `Down`, `C-d`. */
  press(...keys: string[]): Promise<void>;
  /** The screen, plus `history` lines scrolled off it, wrapped lines joined, empty rows at the end dropped. */
  screen(history?: number): Promise<string>;
  /**
   * Polls the screen until `pattern` shows (a string is matched literally), and resolves to the
   * screen. Fails after `timeoutMs` with the last screen in the message, or at once when one of
   * `failOn` shows first.
   */
  waitFor(
    pattern: string | RegExp,
    options?: { timeoutMs?: number; failOn?: (string | RegExp)[] },
  ): Promise<string>;
  /** Ends the tmux server of this session (and the programs in it). */
  close(): Promise<void>;
}

/** Options of {@link startTmuxSession}. */
export interface StartTmuxSessionOptions {
  /** Names the private tmux server (`tmux -L`), so tests never touch a user's sessions. */
  socket: string;
  cwd: string;
  /** The whole environment of the shell: nothing of the test process leaks in. */
  env: Record<string, string>;
  width?: number;
  height?: number;
}

/** The tmux binary, or undefined when it is not installed. */
export function findTmux(): string | undefined {
  try {
    execFileSync("tmux", ["-V"], { stdio: "ignore" });
    return "tmux";
  } catch {
    return undefined;
  }
}

/**
 * Starts a private tmux server with one window running `sh` in `cwd` with exactly `env`, and
 * returns a handle to type into it and read its screen.
 */
export async function startTmuxSession(options: StartTmuxSessionOptions): Promise<TmuxSession> {
  const tmux = (...args: string[]) => run("tmux", ["-L", options.socket, "-f", "/dev/null", ...args]);
  const assignments = Object.entries(options.env).map(([name, value]) => quote(`${name}=${value}`));
  await tmux(
    "new-session",
    "-d",
    "-s",
    "main",
    "-x",
    String(options.width ?? 160),
    "-y",
    String(options.height ?? 50),
    "-c",
    options.cwd,
    `exec env -i ${assignments.join(" ")} sh`,
  );
  // Keep the window when the shell exits, so a failure can still show the last screen.
  await tmux("set-option", "-t", "main", "remain-on-exit", "on");

  const screen = async (history = 0) => {
    const { stdout } = await tmux("capture-pane", "-p", "-J", "-t", "main", "-S", String(-history));
    // The empty rows below the cursor say nothing; without them the last line is the cursor's.
    return stdout.replace(/\s+$/, "");
  };
  return {
    type: async (text) => {
      await tmux("send-keys", "-t", "main", "-l", text);
    },
    press: async (...keys) => {
      for (const key of keys) await tmux("send-keys", "-t", "main", key);
    },
    screen,
    waitFor: async (pattern, waitOptions = {}) => {
      const deadline = Date.now() + (waitOptions.timeoutMs ?? 30_000);
      let last = "";
      for (;;) {
        last = await screen(300);
        if (matches(last, pattern)) return last;
        const failure = waitOptions.failOn?.find((candidate) => matches(last, candidate));
        if (failure !== undefined) {
          throw new Error(
            `the screen showed ${String(failure)} while waiting for ${String(pattern)}:\n${trim(last)}`,
          );
        }
        if (Date.now() > deadline) {
          throw new Error(
            `${String(pattern)} did not show within ${waitOptions.timeoutMs ?? 30_000} ms:\n${trim(last)}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    },
    close: async () => {
      await tmux("kill-server").catch(() => {});
    },
  };
}

function matches(text: string, pattern: string | RegExp): boolean {
  return typeof pattern === "string" ? text.includes(pattern) : pattern.test(text);
}

/** The screen without its blank lines, for failure messages. */
function trim(screen: string): string {
  return screen
    .split("\n")
    .filter((line) => line.trim() !== "")
    .slice(-60)
    .join("\n");
}

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
