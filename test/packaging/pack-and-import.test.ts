import { execFileSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Packs the five packages as npm would publish them, installs the tarballs into a scratch
// project outside the workspace and loads them there with plain `node`, as ESM and as CJS.
// Only the packed files are imported: the scratch project cannot see the workspace sources.
//
// Third-party dependencies come from the workspace's own install (symlinked), so the test
// runs offline; `npm install --offline` of the tarballs would need every dependency in the
// npm cache, which a pnpm-only machine does not have.

const root = fileURLToPath(new URL("../..", import.meta.url));
const PACKAGES = ["core", "fetch-handler", "node-http", "express", "cli"] as const;

/** Node binaries to import with: this one, plus any listed in `CLAUDE_GEMINI_EXTRA_NODES` (e.g. a Node 22). */
const extraNodes = (process.env.CLAUDE_GEMINI_EXTRA_NODES ?? "").split(":").filter(Boolean);

let scratch: string;
let packDirectory: string;

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8")) as PackageJson;

beforeAll(() => {
  for (const name of PACKAGES) {
    if (!existsSync(join(root, "packages", name, "dist", "index.js"))) {
      throw new Error(`packages/${name}/dist is missing: run "pnpm build" first.`);
    }
  }
  const base = mkdtempSync(join(tmpdir(), "claude-gemini-pack-"));
  packDirectory = join(base, "tarballs");
  scratch = join(base, "scratch");
  mkdirSync(packDirectory);
  mkdirSync(join(scratch, "node_modules", "@claude-gemini"), { recursive: true });

  const linked = new Set<string>();
  for (const name of PACKAGES) {
    const packageDirectory = join(root, "packages", name);
    // pnpm pack rewrites `workspace:^` to the real version range, as a publish does.
    execFileSync("pnpm", ["pack", "--pack-destination", packDirectory], {
      cwd: packageDirectory,
      stdio: "pipe",
    });
    const tarball = readdirSync(packDirectory).find((file) => file.startsWith(`claude-gemini-${name}-`))!;
    const target = join(scratch, "node_modules", "@claude-gemini", name);
    mkdirSync(target);
    execFileSync("tar", ["-xzf", join(packDirectory, tarball), "-C", target, "--strip-components=1"]);

    const manifest = readJson(join(target, "package.json"));
    for (const dependency of [
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
    ]) {
      if (dependency.startsWith("@claude-gemini/") || linked.has(dependency)) continue;
      linked.add(dependency);
      const installed = [
        join(packageDirectory, "node_modules", dependency),
        join(root, "node_modules", dependency),
      ].find((candidate) => existsSync(candidate));
      if (installed === undefined) throw new Error(`${dependency} is not installed in the workspace.`);
      const link = join(scratch, "node_modules", dependency);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(realpathSync(installed), link, "dir");
    }
  }
}, 60_000);

afterAll(() => {
  if (scratch) rmSync(dirname(scratch), { recursive: true, force: true });
});

/** What each package must do once installed; `load` is `await import(...)` or `require(...)`. */
const CHECKS: Record<(typeof PACKAGES)[number], string> = {
  core: `
    const core = await load("@claude-gemini/core");
    const request = core.validateMessagesRequest({ model: "claude-sonnet-4-5", max_tokens: 16, messages: [{ role: "user", content: "Hi" }] });
    if (request.model !== "claude-sonnet-4-5") throw new Error("validateMessagesRequest lost the model");
    let rejected = false;
    try { core.validateMessagesRequest({ model: 1 }); } catch (error) { rejected = core.ClaudeGeminiError.isInstance(error); }
    if (!rejected) throw new Error("an invalid body was not rejected with a ClaudeGeminiError");
    const converted = core.convertToGeminiRequest(request, {});
    if (!converted.value.model.startsWith("gemini-")) throw new Error("no Gemini model: " + converted.value.model);`,
  "fetch-handler": `
    const { createFetchHandler } = await load("@claude-gemini/fetch-handler");
    const handler = createFetchHandler({ apiKey: "dummy" });
    if (typeof handler !== "function") throw new Error("createFetchHandler did not return a function");
    const health = await handler(new Request("http://localhost/health"));
    if (health.status !== 200 || (await health.json()).status !== "ok") throw new Error("/health failed");`,
  "node-http": `
    const nodeHttp = await load("@claude-gemini/node-http");
    const server = nodeHttp.createServer({ apiKey: "dummy", metrics: true });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = server.address().port;
    const health = await fetch("http://127.0.0.1:" + port + "/health");
    const metrics = await fetch("http://127.0.0.1:" + port + "/metrics");
    const page = await metrics.text();
    server.close();
    if (health.status !== 200 || !page.includes("claude_gemini_requests_total")) throw new Error("server failed");`,
  express: `
    const { createClaudeGeminiMiddleware } = await load("@claude-gemini/express");
    const middleware = createClaudeGeminiMiddleware({ apiKey: "dummy" });
    if (typeof middleware !== "function") throw new Error("no middleware");`,
  cli: `
    const cli = await load("@claude-gemini/cli");
    const loaded = cli.loadConfig({ env: { GEMINI_API_KEY: "dummy" }, cwd: "/" });
    if (!loaded.success || loaded.config.port !== 8080) throw new Error("loadConfig failed");
    if (typeof cli.main !== "function") throw new Error("no main");`,
};

function runInScratch(node: string, name: (typeof PACKAGES)[number], format: "esm" | "cjs"): string {
  const prologue =
    format === "esm"
      ? "const load = (specifier) => import(specifier); const where = (specifier) => import.meta.resolve(specifier);"
      : "const load = async (specifier) => require(specifier); const where = (specifier) => require.resolve(specifier);";
  const script = `${prologue}
    (async () => {
      ${CHECKS[name]}
      process.stdout.write(String(where("@claude-gemini/${name}")));
    })().catch((error) => { console.error(error); process.exit(1); });`;
  const arguments_ = format === "esm" ? ["--input-type=module", "-e", script] : ["-e", script];
  return execFileSync(node, arguments_, {
    cwd: scratch,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

describe.each([process.execPath, ...extraNodes])("packed packages under %s", (node) => {
  it.each(PACKAGES.flatMap((name) => (["esm", "cjs"] as const).map((format) => [name, format] as const)))(
    "%s loads as %s from its tarball",
    (name, format) => {
      const resolved = runInScratch(node, name, format);
      const expectedFile = format === "esm" ? "index.js" : "index.cjs";
      expect(resolved).toContain(`node_modules/@claude-gemini/${name}/dist/${expectedFile}`);
      expect(resolved).not.toContain(join(root, "packages"));
    },
  );

  it("installs the middleware and the Node bridge without the command or its config", () => {
    const closure = (name: string): string[] => {
      const manifest = readJson(join(scratch, "node_modules", "@claude-gemini", name, "package.json"));
      const own = Object.keys(manifest.dependencies ?? {});
      return [
        ...own,
        ...own
          .filter((dependency) => dependency.startsWith("@claude-gemini/"))
          .flatMap((dependency) => closure(dependency.slice(15))),
      ];
    };
    for (const name of ["express", "node-http"]) {
      expect(closure(name)).not.toContain("@claude-gemini/cli");
      expect(
        readJson(join(scratch, "node_modules", "@claude-gemini", name, "package.json")),
      ).not.toHaveProperty("bin");
    }
    expect(readJson(join(scratch, "node_modules", "@claude-gemini", "cli", "package.json"))).toHaveProperty(
      "bin",
    );
  });

  it("ships only dist (and the CLI launcher) and no workspace: ranges", () => {
    for (const name of PACKAGES) {
      const installed = join(scratch, "node_modules", "@claude-gemini", name);
      const entries = readdirSync(installed).sort();
      expect(
        entries.filter((entry) => !["dist", "package.json", "README.md", "LICENSE", "bin"].includes(entry)),
      ).toEqual([]);
      expect(readFileSync(join(installed, "package.json"), "utf8")).not.toContain("workspace:");
    }
  });
});
