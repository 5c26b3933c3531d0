import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

// Docker is not available where these tests run, so the Dockerfile is checked in two ways:
// a static lint of the file, and the runtime stage's layout rebuilt without Docker — the
// same `pnpm deploy --prod` folder, started the same way, probed by the same HEALTHCHECK.

const root = fileURLToPath(new URL("../..", import.meta.url));
const dockerfile = readFileSync(join(root, "Dockerfile"), "utf8");

interface Instruction {
  keyword: string;
  arguments: string;
  stage: number;
}

/** Instructions with line continuations joined and comments dropped, each tagged with its stage. */
function parseDockerfile(text: string): Instruction[] {
  const logical: string[] = [];
  let pending = "";
  for (const line of text.split("\n")) {
    if (/^\s*#/.test(line)) continue;
    const continued = line.endsWith("\\");
    pending += `${continued ? line.slice(0, -1) : line} `;
    if (!continued) {
      if (pending.trim() !== "") logical.push(pending.trim());
      pending = "";
    }
  }
  let stage = -1;
  return logical.map((line) => {
    const [keyword = "", ...rest] = line.split(/\s+/);
    if (keyword.toUpperCase() === "FROM") stage++;
    return { keyword: keyword.toUpperCase(), arguments: rest.join(" "), stage };
  });
}

const instructions = parseDockerfile(dockerfile);
const lastStage = Math.max(...instructions.map((instruction) => instruction.stage));
const runtime = instructions.filter((instruction) => instruction.stage === lastStage);
const find = (list: Instruction[], keyword: string) =>
  list.filter((instruction) => instruction.keyword === keyword);

/** The exec-form array of an instruction such as `CMD ["node", "-e", "..."]`. */
function readExecForm(text: string): string[] {
  const start = text.indexOf("[");
  return JSON.parse(text.slice(start)) as string[];
}

describe("Dockerfile (static)", () => {
  it("builds in one stage and runs in a small node:24-slim stage", () => {
    const stages = find(instructions, "FROM").map((instruction) => instruction.arguments);
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages[0]).toMatch(/^node:24-slim AS build$/i);
    expect(stages.at(-1)).toMatch(/^node:24-slim AS runtime$/i);
    expect(dockerfile).toContain("deploy --prod /app");
    // The runtime stage takes only the deployed folder from the build stage.
    expect(find(runtime, "COPY").map((instruction) => instruction.arguments)).toEqual([
      "--from=build /app /app",
    ]);
    expect(find(runtime, "RUN")).toEqual([]);
  });

  it("runs as a non-root user, exposes 8080, listens on all interfaces and checks /health", () => {
    const users = find(runtime, "USER").map((instruction) => instruction.arguments);
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
    expect(find(runtime, "EXPOSE").map((instruction) => instruction.arguments)).toEqual(["8080"]);
    expect(find(runtime, "ENV").map((instruction) => instruction.arguments)).toContain("PROXY_HOST=0.0.0.0");
    const healthcheck = find(runtime, "HEALTHCHECK");
    expect(healthcheck).toHaveLength(1);
    expect(readExecForm(healthcheck[0]!.arguments)[0]).toBe("node");
    expect(healthcheck[0]!.arguments).toContain("/health");
  });

  it("holds no secrets and copies only files that exist and are not ignored", () => {
    for (const instruction of instructions) {
      if (instruction.keyword !== "ENV" && instruction.keyword !== "ARG") continue;
      expect(instruction.arguments).not.toMatch(/(KEY|TOKEN|SECRET|PASSWORD)\s*=/i);
    }
    expect(dockerfile).not.toMatch(/AIza[0-9A-Za-z_-]{10,}|sk-[A-Za-z0-9]{10,}/);
    const ignored = readFileSync(join(root, ".dockerignore"), "utf8");
    expect(ignored).toMatch(/^\.env$/m);
    expect(ignored).toMatch(/^\*\*\/node_modules$/m);
    for (const instruction of find(instructions, "COPY")) {
      const parts = instruction.arguments.split(/\s+/).filter((part) => !part.startsWith("--"));
      if (instruction.arguments.includes("--from=")) continue;
      for (const source of parts.slice(0, -1)) expect(existsSync(join(root, source)), source).toBe(true);
    }
  });

  it("has a compose file and a systemd unit that match it", () => {
    const compose = readFileSync(join(root, "docker-compose.yml"), "utf8");
    expect(compose).toMatch(/path: \.env/);
    expect(compose).toMatch(/restart: unless-stopped/);
    expect(compose).toMatch(/healthcheck:/);
    expect(compose).toMatch(/:8080"/);
    const unit = readFileSync(join(root, "deploy", "claude-gemini-proxy.service"), "utf8");
    expect(unit).toMatch(/^User=claude-gemini$/m);
    expect(unit).toMatch(/^EnvironmentFile=/m);
    expect(unit).toMatch(/^NoNewPrivileges=true$/m);
    expect(unit).toMatch(/^ProtectSystem=strict$/m);
    // The same V8 memory flag as the image (docs/deploy.md, "Memory").
    const imageOptions = /^ENV NODE_OPTIONS=(.+)$/m.exec(dockerfile)?.[1];
    expect(imageOptions).toBe("--max-semi-space-size=8");
    expect(unit).toContain(`\nEnvironment=NODE_OPTIONS=${imageOptions}\n`);
    // …and the load script runs the proxy as deployed.
    const loadScript = readFileSync(join(root, "test", "load", "run-load.mjs"), "utf8");
    expect(loadScript).toContain(`const DEPLOYED_V8_FLAGS = "${imageOptions}";`);
    // V8 needs writable executable memory: this option would crash Node at start.
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=true$/m);
  });
});

describe("the runtime stage, rebuilt without Docker", () => {
  const base = mkdtempSync(join(tmpdir(), "claude-gemini-deploy-"));
  const app = join(base, "app");
  let child: ChildProcess | undefined;

  afterAll(() => {
    child?.kill("SIGKILL");
    rmSync(base, { recursive: true, force: true });
  });

  it("deploys the cli with production dependencies only, starts, and passes the HEALTHCHECK", async () => {
    if (!existsSync(join(root, "packages", "cli", "dist", "cli.js"))) {
      throw new Error('packages/cli/dist is missing: run "pnpm build" first.');
    }
    // --prefer-offline: served from the local store; the registry is asked only for metadata it lacks.
    execFileSync("pnpm", ["--filter", "@claude-gemini/cli", "deploy", "--prod", "--prefer-offline", app], {
      cwd: root,
      stdio: "pipe",
    });
    const installed = readdirSync(join(app, "node_modules"));
    expect(installed).toEqual(expect.arrayContaining(["@claude-gemini", "zod"]));
    // Metrics are written by the fetch handler itself: no Prometheus client library.
    for (const devOnly of ["vitest", "typescript", "tsup", "@biomejs", "prom-client"])
      expect(installed).not.toContain(devOnly);
    expect(readdirSync(join(app, "node_modules", "@claude-gemini")).sort()).toEqual([
      "core",
      "fetch-handler",
      "node-http",
    ]);

    const entrypoint = readExecForm(find(runtime, "ENTRYPOINT")[0]!.arguments);
    const command = readExecForm(find(runtime, "CMD")[0]!.arguments);
    expect(existsSync(join(app, entrypoint[1]!))).toBe(true);

    const port = await findFreePort();
    // As in the image: listen on all interfaces, a dummy key (no Gemini call is made), no .env.
    const environment = {
      PATH: process.env.PATH,
      NODE_ENV: "production",
      PROXY_HOST: "0.0.0.0",
      PROXY_PORT: String(port),
      GEMINI_API_KEY: "dummy-key-for-the-layout-test",
      PROXY_API_KEY: "dummy-proxy-key",
    };
    child = spawn(process.execPath, [...entrypoint.slice(1), ...command], {
      cwd: app,
      env: environment,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr?.on("data", (chunk) => {
      output += chunk;
    });
    await waitFor(
      () => output.includes("listening on"),
      10_000,
      () => output,
    );

    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok" });

    // The HEALTHCHECK command itself, exactly as Docker would run it inside the container.
    const probe = readExecForm(find(runtime, "HEALTHCHECK")[0]!.arguments);
    expect(probe[0]).toBe("node");
    execFileSync(process.execPath, probe.slice(1), { env: environment, stdio: "pipe", timeout: 5000 });

    child.kill("SIGTERM");
    await new Promise((resolve) => child?.once("exit", resolve));
    expect(output).not.toContain("dummy-key-for-the-layout-test");
    const failing = spawnSyncStatus(process.execPath, probe.slice(1), {
      ...environment,
      PROXY_PORT: String(port),
    });
    expect(failing).not.toBe(0);

    // Without PROXY_API_KEY, the image's PROXY_HOST=0.0.0.0 would serve the quota to every
    // interface: it refuses to start (issue 14, item 9), unless told to.
    const { PROXY_API_KEY: _proxyKey, ...keyless } = environment;
    const refused = spawnSync(process.execPath, [...entrypoint.slice(1), ...command], {
      cwd: app,
      env: keyless,
      encoding: "utf8",
      timeout: 10_000,
    });
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("PROXY_API_KEY is not set");
    expect(refused.stderr).toContain("ALLOW_UNAUTHENTICATED_REMOTE=true");
    expect(refused.stdout).not.toContain("listening on");
  }, 60_000);
});

function spawnSyncStatus(
  command: string,
  arguments_: string[],
  env: Record<string, string | undefined>,
): number {
  try {
    execFileSync(command, arguments_, { env, stdio: "pipe", timeout: 5000 });
    return 0;
  } catch (error) {
    return (error as { status?: number }).status ?? 1;
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out; output so far:\n${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
