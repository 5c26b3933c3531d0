/**
 * Proof that `@claude-gemini/core` stays pure: no Node built-ins, no I/O, no timers, no
 * clocks, no randomness and no host globals in any source file, so it runs unchanged on Node,
 * Deno, Bun and Workers. Comments are ignored, and string contents are ignored except where
 * they name a module (`import … from "…"`).
 *
 * Test-only code is exempt: `*.test.ts`, `__fixtures__/` and `test-utils/`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { describe, expect, it } from "vitest";

const sourceDirectory = new URL("./", import.meta.url);
const packageJson = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
  dependencies?: Record<string, string>;
};
const RUNTIME_DEPENDENCIES = new Set(Object.keys(packageJson.dependencies ?? {}));
/** Dependencies core may use for types only: their runtime code is not pure. */
const TYPE_ONLY_DEPENDENCIES = new Set(["@google/genai"]);
const NODE_BUILTINS = new Set(builtinModules.flatMap((name) => [name, name.replace(/^node:/, "")]));

/** Each rule names what is forbidden; `pattern` runs on code without comments or string contents. */
const FORBIDDEN: ReadonlyArray<{ name: string; pattern: RegExp }> = [
  { name: "fetch()", pattern: /(?<![\w$.])fetch\s*\(/ },
  { name: "setTimeout", pattern: /(?<![\w$.])setTimeout\b/ },
  { name: "setInterval", pattern: /(?<![\w$.])setInterval\b/ },
  { name: "setImmediate", pattern: /(?<![\w$.])setImmediate\b/ },
  { name: "queueMicrotask", pattern: /(?<![\w$.])queueMicrotask\b/ },
  { name: "console", pattern: /(?<![\w$.])console\s*[.[]/ },
  { name: "process", pattern: /(?<![\w$.])process\s*[.[]/ },
  { name: "Buffer", pattern: /(?<![\w$.])Buffer\b/ },
  { name: "globalThis", pattern: /(?<![\w$.])globalThis\b/ },
  { name: "window/self/navigator", pattern: /(?<![\w$.])(?:window|self|navigator)\s*[.[]/ },
  { name: "Deno/Bun", pattern: /(?<![\w$.])(?:Deno|Bun)\s*[.[]/ },
  { name: "crypto", pattern: /(?<![\w$.])crypto\s*[.[]/ },
  { name: "performance", pattern: /(?<![\w$.])performance\s*[.[]/ },
  { name: "Date.now", pattern: /(?<![\w$.])Date\s*\.\s*now\b/ },
  { name: "new Date()", pattern: /\bnew\s+Date\s*\(/ },
  { name: "Math.random", pattern: /(?<![\w$.])Math\s*\.\s*random\b/ },
  { name: "atob/btoa", pattern: /(?<![\w$.])(?:atob|btoa)\b/ },
  { name: "require()", pattern: /(?<![\w$.])require\s*\(/ },
  { name: "dynamic import()", pattern: /(?<![\w$.])import\s*\(/ },
  { name: "import.meta", pattern: /(?<![\w$.])import\s*\.\s*meta\b/ },
  { name: "eval/Function", pattern: /(?<![\w$.])eval\s*\(|\bnew\s+Function\s*\(/ },
  { name: "__dirname/__filename", pattern: /(?<![\w$.])__(?:dirname|filename)\b/ },
];

/** After these, a `/` starts a regular expression rather than a division. */
const REGEX_PRECEDERS = new Set("(,=:[!&|?{};+-*%<>~^".split(""));
const REGEX_KEYWORDS = /(?:^|[^\w$])(?:return|typeof|case|in|of|delete|void|throw|new|do|else|yield|await)$/;

/**
 * Splits source into `code` (comments removed, string and template text blanked, template
 * expressions kept) and `withStrings` (only comments removed). Understands regex literals so a
 * quote inside `/["']/` does not open a string.
 */
function stripSource(source: string): { code: string; withStrings: string } {
  let code = "";
  let withStrings = "";
  const emit = (text: string, keepInCode: boolean) => {
    withStrings += text;
    code += keepInCode ? text : text.replace(/[^\n]/g, " ");
  };
  // Brace depth at which each open template literal's `${` started.
  const templateStack: number[] = [];
  let braceDepth = 0;
  let lastSignificant = "";
  let index = 0;

  const readTemplateText = () => {
    // Called just after "`" or "}" that resumes a template; reads up to "`" or "${".
    let text = "";
    while (index < source.length) {
      const char = source[index]!;
      if (char === "\\") {
        text += source.slice(index, index + 2);
        index += 2;
      } else if (char === "`") {
        emit(text, false);
        emit("`", true);
        index++;
        return;
      } else if (char === "$" && source[index + 1] === "{") {
        emit(text, false);
        emit("${", true);
        index += 2;
        templateStack.push(braceDepth);
        braceDepth++;
        return;
      } else {
        text += char;
        index++;
      }
    }
    emit(text, false);
  };

  while (index < source.length) {
    const char = source[index]!;
    const next = source[index + 1];
    if (char === "/" && next === "/") {
      const end = source.indexOf("\n", index);
      index = end < 0 ? source.length : end;
      continue;
    }
    if (char === "/" && next === "*") {
      const end = source.indexOf("*/", index + 2);
      const comment = source.slice(index, end < 0 ? source.length : end + 2);
      const newlines = comment.replace(/[^\n]/g, "");
      code += newlines || " ";
      withStrings += newlines || " ";
      index += comment.length;
      continue;
    }
    if (char === '"' || char === "'") {
      let end = index + 1;
      while (end < source.length && source[end] !== char && source[end] !== "\n") {
        end += source[end] === "\\" ? 2 : 1;
      }
      emit(char, true);
      emit(source.slice(index + 1, end), false);
      emit(char, true);
      index = end + 1;
      lastSignificant = char;
      continue;
    }
    if (char === "`") {
      emit("`", true);
      index++;
      readTemplateText();
      lastSignificant = "`";
      continue;
    }
    if (char === "/") {
      const before = withStrings.trimEnd();
      const startsRegex =
        lastSignificant === "" || REGEX_PRECEDERS.has(lastSignificant) || REGEX_KEYWORDS.test(before);
      if (startsRegex) {
        let end = index + 1;
        let inClass = false;
        while (end < source.length && source[end] !== "\n") {
          const current = source[end]!;
          if (current === "\\") end++;
          else if (current === "[") inClass = true;
          else if (current === "]") inClass = false;
          else if (current === "/" && !inClass) break;
          end++;
        }
        emit("/", true);
        emit(source.slice(index + 1, end), false);
        emit("/", true);
        index = end + 1;
        lastSignificant = "/regex";
        continue;
      }
    }
    if (char === "{") braceDepth++;
    if (char === "}") {
      braceDepth--;
      if (templateStack.length > 0 && templateStack[templateStack.length - 1] === braceDepth) {
        templateStack.pop();
        emit("}", true);
        index++;
        readTemplateText();
        lastSignificant = "`";
        continue;
      }
    }
    emit(char, true);
    if (!/\s/.test(char)) lastSignificant = char;
    index++;
  }
  return { code, withStrings };
}

interface Violation {
  line: number;
  rule: string;
  text: string;
}

/** Finds every purity violation in one source file. */
function findViolations(source: string): Violation[] {
  const { code, withStrings } = stripSource(source);
  const codeLines = code.split("\n");
  const violations: Violation[] = [];
  codeLines.forEach((line, lineIndex) => {
    for (const rule of FORBIDDEN) {
      if (rule.pattern.test(line))
        violations.push({ line: lineIndex + 1, rule: rule.name, text: line.trim() });
    }
  });

  const moduleReference =
    /\b(import|export)\s+(type\s+)?(?:[\w$*\s{},]*?\s+from\s+)?["']([^"']+)["']|\bimport\s*\(\s*["']([^"']+)["']\s*\)/g;
  for (const match of withStrings.matchAll(moduleReference)) {
    const specifier = (match[3] ?? match[4])!;
    const typeOnly = match[2] !== undefined;
    const line = withStrings.slice(0, match.index).split("\n").length;
    const reference = { line, text: match[0].replace(/\s+/g, " ") };
    if (specifier.startsWith(".")) {
      if (!specifier.endsWith(".js") && !specifier.endsWith(".json")) {
        violations.push({ ...reference, rule: `relative import without .js suffix: ${specifier}` });
      }
      continue;
    }
    const packageName = specifier.startsWith("@")
      ? specifier.split("/").slice(0, 2).join("/")
      : specifier.split("/")[0]!;
    if (specifier.startsWith("node:") || NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(packageName)) {
      violations.push({ ...reference, rule: `Node built-in module: ${specifier}` });
    } else if (TYPE_ONLY_DEPENDENCIES.has(packageName)) {
      if (!typeOnly) violations.push({ ...reference, rule: `runtime import of type-only ${packageName}` });
    } else if (!RUNTIME_DEPENDENCIES.has(packageName)) {
      violations.push({ ...reference, rule: `not a dependency of core: ${specifier}` });
    }
  }
  return violations;
}

function listSourceFiles(directory: URL, prefix = ""): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (entry.name === "__fixtures__" || entry.name === "test-utils" || entry.name === "node_modules")
        continue;
      files.push(...listSourceFiles(new URL(`${entry.name}/`, directory), `${prefix}${entry.name}/`));
    } else if (entry.name.endsWith(".ts") && !/\.test(?:-d)?\.ts$/.test(entry.name)) {
      files.push(`${prefix}${entry.name}`);
    }
  }
  return files.sort();
}

const sourceFiles = listSourceFiles(sourceDirectory);

describe("core purity", () => {
  it("finds the source files", () => {
    expect(sourceFiles).toContain("index.ts");
    expect(sourceFiles).toContain("map-upstream-error.ts");
    expect(sourceFiles.some((file) => file.endsWith(".test.ts"))).toBe(false);
  });

  it.each(sourceFiles)(
    "%s uses no Node built-ins, I/O, timers, clocks, randomness or host globals",
    (file) => {
      const source = readFileSync(new URL(file, sourceDirectory), "utf8");
      const report = findViolations(source).map(
        (violation) => `${file}:${violation.line}: ${violation.rule} — ${violation.text}`,
      );
      expect(report).toEqual([]);
    },
  );
});

describe("purity scanner", () => {
  it.each([
    ['import { readFileSync } from "node:fs";', "Node built-in module: node:fs"],
    ["import fs from 'fs';", "Node built-in module: fs"],
    ['import { readFile } from "fs/promises";', "Node built-in module: fs/promises"],
    ['export { join } from "path";', "Node built-in module: path"],
    ['const module = await import("node:crypto");', "Node built-in module: node:crypto"],
    ['import { GoogleGenAI } from "@google/genai";', "runtime import of type-only @google/genai"],
    ['import leftPad from "left-pad";', "not a dependency of core: left-pad"],
    ['import { x } from "./x";', "relative import without .js suffix: ./x"],
    ['const response = await fetch("https://example.com");', "fetch()"],
    ["setTimeout(() => {}, 10);", "setTimeout"],
    ["const handle = setInterval(tick, 5);", "setInterval"],
    ["queueMicrotask(run);", "queueMicrotask"],
    ['console.log("hi");', "console"],
    ["const key = process.env.GEMINI_API_KEY;", "process"],
    ['const bytes = Buffer.from("x", "base64");', "Buffer"],
    ["const g = globalThis;", "globalThis"],
    ["const bytes = crypto.getRandomValues(new Uint8Array(4));", "crypto"],
    ["const now = Date.now();", "Date.now"],
    ["const now = new Date();", "new Date()"],
    ["const id = Math.random();", "Math.random"],
    ['const text = atob("aGk=");', "atob/btoa"],
    ['const text = btoa("hi");', "atob/btoa"],
    ["const url = import.meta.url;", "import.meta"],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the scanner's input is source code with a template literal
    ["const value = `${console.log(1)}`;", "console"],
  ])("flags %s", (source, rule) => {
    expect(findViolations(source).map((violation) => violation.rule)).toContain(rule);
  });

  it.each([
    ["a line comment", "// console.log(process.env) and setTimeout\nconst a = 1;"],
    ["a block comment", "/* fetch(url); Date.now(); Buffer */ const a = 1;"],
    ["a TSDoc comment", "/**\n * Never calls `fetch(` or `new Date(`.\n */\nexport const a = 1;"],
    ["string contents", 'const message = "set process.env or call fetch( later, see Date.now";'],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the scanner's input is source code with a template literal
    ["template text", "const message = `console.log ${name} Math.random`;"],
    ["a regex with quotes and slashes", "const pattern = /[\"'`]|\\/\\/ console.log/g;\nconst b = 2;"],
    ["an injected dependency", "options.fetch(url); context.crypto.getRandomValues(bytes); this.console.x;"],
    [
      "type-only SDK imports",
      'import type { Part } from "@google/genai";\nexport type { Content } from "@google/genai";',
    ],
    ["a runtime dependency", 'import { z } from "zod";\nimport { a } from "./a.js";'],
    ["a division", "const half = total / 2; const quarter = half / 2; // console.log"],
    [
      "similar names",
      "const fetched = refetch(x); const timeoutMs = 5; const processed = 1; const myBuffer = 2;",
    ],
  ])("ignores %s", (_name, source) => {
    expect(findViolations(source)).toEqual([]);
  });

  it("reports the right line", () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the scanner's input is source code with a template literal
    const source = "const a = 1;\n/* two\nthree */\nconst b = `x\n${Date.now()}`;";
    const lastLine = source.split("\n").at(-1);
    expect(findViolations(source)).toEqual([{ line: 5, rule: "Date.now", text: lastLine }]);
  });
});
