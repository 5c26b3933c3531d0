import { randomFillSync } from "node:crypto";
import { createIdGenerator } from "@claude-gemini/core";

const generateId = createIdGenerator((bytes) => randomFillSync(bytes));

/**
 * A request id in Anthropic's style (`req_…`) for answers the Node bridge writes itself,
 * before or without the fetch handler.
 */
export function createRequestId(): string {
  return `req_${generateId()}`;
}
