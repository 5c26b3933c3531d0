import { readFileSync } from "node:fs";

/**
 * CPU time (user + system, in milliseconds) a process has used so far, read from
 * `/proc/<pid>/stat` on Linux; `undefined` where there is no such file. The bench reads it
 * for its server children before and after each run: CPU per request moves far less with
 * the load of a shared machine than requests per second do.
 *
 * @param {number} pid
 * @param {(path: string) => string} [read] reads the file (tests pass their own)
 * @returns {number | undefined}
 */
export function readProcessCpu(pid, read = (path) => readFileSync(path, "utf8")) {
  let stat;
  try {
    stat = read(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
  return parseProcessStat(stat);
}

/** Clock ticks per second of `/proc` on every Linux this runs on (`getconf CLK_TCK`). */
const TICKS_PER_SECOND = 100;

/**
 * User + system time of one `/proc/<pid>/stat` line, in milliseconds. The command name (field 2)
 * is in parentheses and may itself hold spaces and parentheses, so the fields are counted
 * from the last `)`: utime and stime are fields 14 and 15.
 *
 * @param {string} stat
 * @returns {number | undefined}
 */
export function parseProcessStat(stat) {
  const end = stat.lastIndexOf(")");
  if (end < 0) return undefined;
  const fields = stat.slice(end + 2).split(" ");
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  if (!Number.isFinite(user) || !Number.isFinite(system)) return undefined;
  return ((user + system) * 1000) / TICKS_PER_SECOND;
}
