const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

const DOUBLE_QUOTE_ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/**
 * Parses the text of a `.env` file: `KEY=VALUE` lines, an optional `export ` prefix, `#`
 * comments (whole lines, or after whitespace in an unquoted value), single-quoted values taken
 * literally, double-quoted values with `\n`, `\t`, `\"` and `\\` escapes, both of which may
 * span lines. No variable expansion: a `$` is just a character. Lines that are not
 * assignments are skipped with a warning naming the line, never with the line's content,
 * which may be a secret.
 *
 * @example
 * parseEnvFile('export GEMINI_API_KEY="abc" # studio key\nPROXY_PORT=9000').value;
 * // { GEMINI_API_KEY: "abc", PROXY_PORT: "9000" }
 */
export function parseEnvFile(text: string): { value: Record<string, string>; warnings: string[] } {
  const value: Record<string, string> = {};
  const warnings: string[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);

  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = lines[index]!.trim();
    if (line === "" || line.startsWith("#")) continue;

    const assignment = line.replace(/^export\s+/, "");
    const equals = assignment.indexOf("=");
    const key = equals === -1 ? "" : assignment.slice(0, equals).trim();
    if (!KEY_PATTERN.test(key)) {
      warnings.push(`.env line ${lineNumber} is not a KEY=VALUE assignment; it was ignored.`);
      continue;
    }

    let rest = assignment.slice(equals + 1).trimStart();
    const quote = rest[0];
    if (quote === '"' || quote === "'") {
      // A quoted value may run over several lines: gather them until the closing quote.
      let closing = findClosingQuote(rest, quote);
      while (closing === -1 && index + 1 < lines.length) {
        index++;
        rest += `\n${lines[index]}`;
        closing = findClosingQuote(rest, quote);
      }
      if (closing === -1) {
        warnings.push(`.env line ${lineNumber}: the quoted value of ${key} is never closed; it was ignored.`);
        continue;
      }
      const inner = rest.slice(1, closing);
      value[key] =
        quote === '"'
          ? inner.replace(
              /\\([nrt"\\])/g,
              (_, escapeCharacter: string) => DOUBLE_QUOTE_ESCAPES[escapeCharacter]!,
            )
          : inner;
      continue;
    }

    value[key] = rest.replace(/\s+#.*$/, "").trim();
  }

  return { value, warnings };
}

function findClosingQuote(text: string, quote: string): number {
  for (let position = 1; position < text.length; position++) {
    const character = text[position];
    if (quote === '"' && character === "\\") {
      position++;
      continue;
    }
    if (character === quote) return position;
  }
  return -1;
}
