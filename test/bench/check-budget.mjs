/**
 * One line of the overhead budget: whether `measured` is within `limit` ("at most" or "at
 * least"), and by how much it misses when it does not, as a share of the limit.
 *
 * @param {{ name: string, measured: number, limit: number, kind: "at-most" | "at-least", unit: string, extra?: boolean }} line
 *   `extra`: a further condition that must hold too (e.g. zero errors)
 * @returns {{ name: string, met: boolean, text: string }}
 */
export function checkBudget(line) {
  const { name, measured, limit, kind, unit } = line;
  const within = Number.isFinite(measured) && (kind === "at-most" ? measured <= limit : measured >= limit);
  const met = within && line.extra !== false;
  const sign = kind === "at-most" ? "≤" : "≥";
  const value = `${formatMeasured(measured)}${unit} (budget ${sign} ${formatMeasured(limit)}${unit})`;
  if (met) return { name, met, text: `MET     ${name}: ${value}` };
  const reason = !within
    ? `misses by ${Math.abs(((measured - limit) / limit) * 100).toFixed(0)}%`
    : "the further condition failed";
  return { name, met, text: `MISSED  ${name}: ${value}, ${reason}` };
}

/** @param {number} value */
function formatMeasured(value) {
  if (!Number.isFinite(value)) return "n/a";
  return Math.abs(value) >= 100 ? String(Math.round(value)) : String(Number(value.toPrecision(3)));
}
