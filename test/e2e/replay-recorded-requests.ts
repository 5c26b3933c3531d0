import {
  convertToGeminiRequest,
  validateCountTokensRequest,
  validateMessagesRequest,
} from "@claude-gemini/core";
import type { ProxiedRequest } from "./start-recording-proxy.js";

/** What replaying the CLI's requests through the converters found. */
export interface ReplayReport {
  messagesRequests: number;
  countTokensRequests: number;
  /** One line per body that was rejected or lost something the converters did not know. */
  problems: string[];
}

/**
 * Warnings that mean the CLI sent something the converters do not understand: a dropped
 * block, an unknown block type or setting. Schema simplification warnings are expected.
 */
const UNKNOWN_CONTENT = /dropped|unknown|not supported|unsupported/i;

/** Thinking that Gemini 2.5 streamed without a signature is echoed back and rightly not re-sent. */
const EXPECTED_DROPS = /a thinking block without a Gemini signature was dropped/;

/**
 * Feeds recorded request bodies through `validateMessagesRequest` (or the count_tokens
 * validator) and `convertToGeminiRequest`, so a CLI release that sends something new fails
 * here, by name, instead of somewhere in a user's session.
 */
export function replayRecordedRequests(requests: readonly ProxiedRequest[]): ReplayReport {
  const report: ReplayReport = { messagesRequests: 0, countTokensRequests: 0, problems: [] };
  for (const [index, recorded] of requests.entries()) {
    if (recorded.method !== "POST") continue;
    const pathname = recorded.path.split("?")[0] ?? "";
    const label = `request ${index} (${recorded.method} ${recorded.path})`;
    const betas = (recorded.headers["anthropic-beta"] ?? "")
      .split(",")
      .map((beta) => beta.trim())
      .filter((beta) => beta !== "");
    try {
      const body = JSON.parse(recorded.bodyText) as unknown;
      if (/\/v1\/messages\/count_tokens\/?$/.test(pathname)) {
        report.countTokensRequests++;
        validateCountTokensRequest(body, { betas });
        continue;
      }
      if (!/\/v1\/messages\/?$/.test(pathname)) {
        report.problems.push(`${label}: a path the replay does not know`);
        continue;
      }
      report.messagesRequests++;
      const converted = convertToGeminiRequest(validateMessagesRequest(body, { betas }));
      // A dropped feature reaches the client as a warnings header: an ordinary CLI request has
      // none. A retired model the session asked for by name is served by its successor, which
      // is reported the same way on purpose.
      for (const entry of converted.dropped) {
        if (!entry.feature.startsWith("model:")) report.problems.push(`${label}: ${entry.message}`);
      }
      for (const warning of converted.warnings) {
        if (UNKNOWN_CONTENT.test(warning) && !EXPECTED_DROPS.test(warning))
          report.problems.push(`${label}: ${warning}`);
      }
    } catch (error) {
      report.problems.push(`${label}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  return report;
}
