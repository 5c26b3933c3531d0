import { describe, expect, it } from "vitest";
import { parseProcessStat, readProcessCpu } from "./read-process-cpu.mjs";

// A real line of this machine's /proc/<pid>/stat, the command name changed to hold ") (".
const LINE =
  "17068 (node ) (x) S 17050 17050 16001 0 -1 4194560 23466 0 0 0 1234 321 0 0 20 0 11 0 1625440 1286701056 26034 18446744073709551615 1 1 0 0 0 0 0 16781312 134234626 0 0 0 17 1 0 0 0 0 0";

describe("parseProcessStat", () => {
  it("adds user and system ticks, counting fields after the last parenthesis", () => {
    expect(parseProcessStat(LINE)).toBe((1234 + 321) * 10);
  });

  it("is undefined for a line it cannot read", () => {
    expect(parseProcessStat("garbage")).toBeUndefined();
    expect(parseProcessStat("1 (x) S 1 2")).toBeUndefined();
  });
});

describe("readProcessCpu", () => {
  it("reads this process's own line", () => {
    const cpu = readProcessCpu(process.pid);
    if (process.platform === "linux") expect(cpu).toBeGreaterThan(0);
    else expect(cpu).toBeUndefined();
  });

  it("is undefined when the file cannot be read", () => {
    expect(
      readProcessCpu(1, () => {
        throw new Error("ENOENT");
      }),
    ).toBeUndefined();
  });
});
