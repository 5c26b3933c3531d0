/**
 * Lays out rows as a plain-text table for a terminal and for Markdown at once: a header row,
 * a `|---|` rule, cells padded to the widest in their column, numbers right-aligned.
 *
 * @param {string[]} header
 * @param {Array<Array<string | number>>} rows
 * @returns {string}
 */
export function formatTable(header, rows) {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === "number" ? formatNumber(cell) : cell)));
  const numeric = header.map(
    (_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === "number"),
  );
  const widths = header.map((title, column) =>
    Math.max(title.length, 3, ...cells.map((row) => String(row[column] ?? "").length)),
  );
  const line = (row) =>
    `| ${row
      .map((cell, column) => {
        const text = String(cell ?? "");
        return numeric[column] ? text.padStart(widths[column]) : text.padEnd(widths[column]);
      })
      .join(" | ")} |`;
  const rule = `|${widths.map((width, column) => (numeric[column] ? `${"-".repeat(width + 1)}:` : "-".repeat(width + 2))).join("|")}|`;
  return [line(header), rule, ...cells.map(line)].join("\n");
}

/**
 * Three significant digits are as many as a benchmark on a shared machine can stand behind;
 * large numbers keep their integer part, counts stay as they are.
 *
 * @param {number} value
 * @returns {string}
 */
export function formatNumber(value) {
  if (!Number.isFinite(value)) return "n/a";
  if (Number.isInteger(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 100) return String(Math.round(value));
  if (magnitude >= 10) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toFixed(3);
}
