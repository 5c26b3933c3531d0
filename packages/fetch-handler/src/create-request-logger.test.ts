import { describe, expect, it } from "vitest";
import { createRequestLogger } from "./create-request-logger.js";
import type { RequestCompleteRecord } from "./fetch-handler-options.js";

const record: RequestCompleteRecord = {
  requestId: "req_abc",
  method: "POST",
  path: "/v1/messages",
  model: "claude-opus-4-5",
  geminiModel: "gemini-3.8-flash",
  status: 200,
  latencyMs: 1234.4,
  inputTokens: 100,
  outputTokens: 20,
  retries: 0,
  stream: true,
};

function capture(format: "json" | "text", level: "debug" | "info" | "warn" | "silent" = "info") {
  const lines: string[] = [];
  const logger = createRequestLogger({
    level,
    format,
    write: (line) => lines.push(line),
    now: () => new Date("2026-01-02T03:04:05.000Z"),
  });
  return { lines, ...logger };
}

describe("createRequestLogger", () => {
  it("writes one compact line per request for people", () => {
    const { lines, onRequestComplete } = capture("text");
    onRequestComplete(record);
    expect(lines).toEqual([
      "POST /v1/messages claude-opus-4-5→gemini-3.8-flash 200 1234ms in=100 out=20 stream req_abc\n",
    ]);
  });

  it("writes one JSON object per request for log collectors", () => {
    const { lines, onRequestComplete } = capture("json");
    onRequestComplete(record);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toEqual({
      time: "2026-01-02T03:04:05.000Z",
      level: "info",
      msg: "request",
      ...record,
    });
  });

  it("never writes a credential, however it is nested", () => {
    const { lines, logger } = capture("json", "debug");
    logger.warn("upstream said no", {
      headers: { authorization: "Bearer sk-secret-1", "x-goog-api-key": "AIza-secret-2" },
      apiKey: "AIza-secret-3",
      status: 400,
    });
    expect(lines.join("")).not.toMatch(/secret/);
    expect(JSON.parse(lines[0]!)).toMatchObject({ status: 400, apiKey: "[redacted]" });
  });

  it("honours the level", () => {
    const quiet = capture("text", "warn");
    quiet.logger.info("hello");
    quiet.onRequestComplete(record);
    quiet.onRequestComplete({ ...record, status: 529, errorType: "overloaded_error" });
    expect(quiet.lines).toEqual([
      "POST /v1/messages claude-opus-4-5→gemini-3.8-flash 529 1234ms in=100 out=20 stream error=overloaded_error req_abc\n",
    ]);
    const silent = capture("json", "silent");
    silent.logger.error("boom");
    silent.onRequestComplete({ ...record, status: 500 });
    expect(silent.lines).toEqual([]);
  });

  it("escapes control characters in both formats: no ANSI sequence, no forged second line", () => {
    const hostile = "gemini-x\n\u001b[31mERROR forged line\u001b[0m\r\u0000\u009b2J\u202eevil\u2028";
    const text = capture("text", "debug");
    text.onRequestComplete({ ...record, model: hostile, geminiModel: hostile, path: `/v1/${hostile}` });
    text.logger.warn(`message ${hostile}`, { model: hostile, nested: { value: hostile } });
    const json = capture("json", "debug");
    json.onRequestComplete({ ...record, model: hostile });
    json.logger.warn(`message ${hostile}`, { model: hostile });
    for (const line of [...text.lines, ...json.lines]) {
      expect(line.endsWith("\n")).toBe(true);
      expect(line.slice(0, -1)).not.toMatch(/[\p{Cc}\u2028\u2029\u202e]/u);
    }
    expect(text.lines[0]).toContain(
      String.raw`gemini-x\u000a\u001b[31mERROR forged line\u001b[0m\u000d\u0000\u009b2J\u202eevil\u2028`,
    );
    for (const line of json.lines) expect(() => JSON.parse(line)).not.toThrow();
    expect(JSON.parse(json.lines[0]!).model).toBe(hostile);
  });
});
