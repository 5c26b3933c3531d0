import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";

/** Options of {@link spawnRuntimeHost}. */
export interface SpawnRuntimeHostOptions {
  /** The runtime binary; missing means the test fails (runtimes are dev dependencies). */
  binary: string;
  arguments: string[];
  cwd: string;
  /** Added to a minimal environment (PATH and HOME only, so nothing leaks in from the shell). */
  environment: Record<string, string>;
  /** How long the server may take to print its address and answer `/health`. Default 30000. */
  startTimeoutMs?: number;
}

/** A server running in another runtime. */
export interface RuntimeHost {
  baseUrl: string;
  close(): Promise<void>;
}

const LISTENING = /Listening on (http:\/\/\S+)/;

/**
 * Starts an example server in another runtime (Deno, Bun) with `PROXY_PORT=0`, reads the address it
 * prints, waits until `/health` answers, and returns a `close` that kills exactly that process.
 * Whatever the process wrote is part of the error when it fails to start.
 */
export async function spawnRuntimeHost(options: SpawnRuntimeHostOptions): Promise<RuntimeHost> {
  if (!existsSync(options.binary)) {
    throw new Error(`${options.binary} is missing: run pnpm install (the runtime is a dev dependency).`);
  }
  const child = spawn(options.binary, options.arguments, {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NO_COLOR: "1",
      PROXY_PORT: "0",
      ...options.environment,
    },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group: `node_modules/.bin/deno` is a shim that starts the real binary as a
    // child, and killing only the shim would leave the server running.
    detached: true,
  });
  // Detached children outlive a test process that dies; take them along when it exits.
  const killOnExit = () => {
    if (child.pid !== undefined && child.exitCode === null) {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  };
  process.once("exit", killOnExit);
  child.once("exit", () => process.off("exit", killOnExit));
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (text: string) => {
    output += text;
  });
  child.stderr?.setEncoding("utf8").on("data", (text: string) => {
    output += text;
  });

  try {
    const baseUrl = await waitForAddress(child, () => output, options.startTimeoutMs ?? 30_000);
    await waitForHealth(baseUrl);
    return { baseUrl, close: () => stop(child) };
  } catch (error) {
    await stop(child);
    throw new Error(
      `${options.binary} ${options.arguments.join(" ")} did not start: ${String(error)}\n${output}`,
    );
  }
}

function waitForAddress(child: ChildProcess, readOutput: () => string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const match = LISTENING.exec(readOutput());
      if (match) finish(() => resolve(match[1]!));
    };
    const onExit = (code: number | null, signal: string | null) =>
      finish(() => reject(new Error(`exited early (code ${code}, signal ${signal})`)));
    const timer = setTimeout(
      () => finish(() => reject(new Error(`no "Listening on" line within ${timeoutMs} ms`))),
      timeoutMs,
    );
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      child.stdout?.off("data", check);
      child.off("exit", onExit);
      settle();
    };
    child.stdout?.on("data", check);
    child.once("exit", onExit);
    check();
  });
}

async function waitForHealth(baseUrl: string): Promise<void> {
  const response = await fetch(new URL("/health", baseUrl));
  const body = await response.text();
  if (response.status !== 200) throw new Error(`/health answered ${response.status}: ${body}`);
}

/** Ends the process group this host started (the shim and the runtime under it), nothing else. */
function stop(child: ChildProcess): Promise<void> {
  const signalGroup = (signal: NodeJS.Signals) => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  if (child.exitCode !== null || child.signalCode !== null) {
    signalGroup("SIGKILL");
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const force = setTimeout(() => signalGroup("SIGKILL"), 3000);
    child.once("exit", () => {
      clearTimeout(force);
      // A runtime that ignored the shim's end must not outlive the test.
      signalGroup("SIGKILL");
      resolve();
    });
    signalGroup("SIGTERM");
  });
}
