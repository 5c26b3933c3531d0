/**
 * How large Claude Code's requests grow in a long session with screenshots: the measurement
 * behind the default `MAX_BODY_BYTES` (docs/configuration.md, "Request size limits"). Not a
 * check, so it runs only when asked:
 *
 *   MEASURE_SESSION_BODIES=1 pnpm vitest run -c test/e2e/vitest.config.ts test/e2e/measure-session-bodies.e2e.test.ts
 *
 * The real CLI reads 40 source files of ~70 KB and, every second file, a 2880×1800 screenshot:
 * one of random pixels (the worst case for compression) or one like a user interface. The
 * scripted model asks for one file per turn; every request body is printed with its images.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { startGeminiFake } from "../gemini-fake/index.js";
import { createPng } from "./create-png.js";
import { runClaudeCli } from "./run-claude-cli.js";
import { startRecordingProxy } from "./start-recording-proxy.js";

const WIDTH = 2880;
const HEIGHT = 1800;

it.runIf(process.env.MEASURE_SESSION_BODIES === "1")(
  "prints the size of every request of a long session with screenshots",
  async () => {
    const root = mkdtempSync(join(tmpdir(), "claude-gemini-measure-"));
    const home = join(root, "home");
    const work = join(root, "work");
    mkdirSync(home);
    mkdirSync(work);
    const noise = randomBytes(WIDTH * HEIGHT * 3);
    writeFileSync(
      join(work, "noise.png"),
      createPng(WIDTH, HEIGHT, (x, y) => {
        const index = (y * WIDTH + x) * 3;
        return [noise[index]!, noise[index + 1]!, noise[index + 2]!];
      }),
    );
    writeFileSync(
      join(work, "interface.png"),
      createPng(WIDTH, HEIGHT, (x, y) => {
        if (y % 40 >= 30) return [200, 210, 230];
        const glyph = (x >> 3) % 7 === 0 && y % 40 > 10 && y % 40 < 22;
        return glyph ? [30, 30, 30] : [245, 245, 245];
      }),
    );
    // Source-like lines with quotes, backslashes and newlines, which JSON escaping makes longer.
    const line = (n: number) =>
      `  const value${n} = compute("item-${n}", { path: "src\\\\lib\\\\file${n}.ts", enabled: true }); // note ${n}\n`;
    const plan: string[] = [];
    for (let file = 0; file < 40; file++) {
      writeFileSync(
        join(work, `source${file}.ts`),
        Array.from({ length: 700 }, (_, n) => line(file * 1000 + n)).join(""),
      );
      plan.push(`source${file}.ts`);
      if (file % 2 === 1) plan.push(file % 4 === 1 ? "noise.png" : "interface.png");
    }

    const fake = await startGeminiFake({ apiKey: "measure-key" });
    let step = 0;
    fake.setDefault({
      kind: "script",
      handler: (request) => {
        const tools = Array.isArray(request.body?.tools) && request.body.tools.length > 0;
        if (!tools || !JSON.stringify(request.body?.contents ?? []).includes("[measure]")) {
          return { kind: "text", text: "Side answer." };
        }
        const file = plan[step++];
        if (file === undefined) return { kind: "text", text: "Done." };
        return { kind: "tool_calls", calls: [{ name: "Read", args: { file_path: join(work, file) } }] };
      },
    });
    const proxy = await startRecordingProxy({
      apiKey: "measure-key",
      baseUrl: fake.url,
      maxBodyBytes: 256 * 1024 * 1024,
    });
    try {
      const run = await runClaudeCli({
        prompt: "[measure] Read every file you are asked for.",
        model: "sonnet",
        baseUrl: proxy.url,
        home,
        cwd: work,
        args: ["--allowedTools", "Read"],
        timeoutMs: 280_000,
      });
      expect(run.exitCode).toBe(0);
      const rows = proxy.requests
        .filter((request) => request.path.startsWith("/v1/messages?") || request.path === "/v1/messages")
        .map((request) => {
          const images: number[] = [];
          const body = JSON.parse(request.bodyText, (_key, value) => {
            if (value?.type === "base64" && typeof value.data === "string") images.push(value.data.length);
            return value;
          }) as { messages?: unknown[] };
          return {
            bytes: request.bodyText.length,
            messages: body.messages?.length ?? 0,
            images: images.length,
            imageBytes: images.reduce((sum, length) => sum + length, 0),
            largestImage: Math.max(0, ...images),
          };
        });
      console.table(rows);
      console.log("largest request:", Math.max(...rows.map((row) => row.bytes)), "bytes");
    } finally {
      await proxy.close();
      await fake.close();
      rmSync(root, { recursive: true, force: true });
    }
  },
  300_000,
);
