import { ApiError } from "@google/genai";
import type { UpstreamReply } from "./upstream-transport.js";

/**
 * The error a failed Gemini answer (status 400–599) becomes, exactly as `@google/genai`
 * builds it, so `readGeminiFailure` and every policy over it read the same fields whichever
 * client made the call: an `ApiError` whose `status` is the HTTP status and whose message is
 * the JSON error body (`{ error: { code, message, status, details } }`). A body that is not
 * JSON (a proxy's HTML page, plain text) is wrapped as `{ error: { message, code, status } }`
 * with the status text, as the SDK wraps it. Any other status gives a plain `Error`.
 */
export async function readGeminiErrorResponse(
  response: Pick<UpstreamReply, "status" | "statusText" | "header" | "text">,
): Promise<Error> {
  const text = await response.text().catch(() => "");
  let body: unknown;
  if (response.header("content-type")?.includes("application/json")) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  body ??= { error: { message: text, code: response.status, status: response.statusText } };
  const message = JSON.stringify(body);
  if (response.status >= 400 && response.status < 600) {
    return new ApiError({ message, status: response.status });
  }
  return new Error(message);
}
