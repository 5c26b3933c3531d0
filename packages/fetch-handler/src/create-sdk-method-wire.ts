import type { GeminiGenerateContentResponse } from "@claude-gemini/core";
import type { GoogleGenAI } from "@google/genai";
import type { GeminiWire } from "./create-gemini-wire.js";
import type { GeminiChunkStream } from "./read-gemini-event-stream.js";
import { readGeminiResponse } from "./read-gemini-response.js";

/**
 * The generate calls of `client` made through its own public methods
 * (`models.generateContent`, `models.generateContentStream`), each answer copied to a plain
 * object as the REST wire gives it. The fallback of `createGeminiWire` for a `@google/genai`
 * whose request client it cannot read (a version that changed it): slower, since every chunk
 * goes through the SDK's conversion, but the calls keep working, with the SDK's own handling
 * of credentials, `extraBody`, `timeout` and `retryOptions` (which, unread by the handler, then
 * retry inside each call under the handler's own retries). A transport given to the handler is
 * not used by this wire.
 *
 * @example
 * const wire = createSdkMethodWire(new GoogleGenAI({ apiKey }));
 * const chunks = await wire.generateContentStream({ model: "gemini-3.8-flash", contents });
 */
export function createSdkMethodWire(client: GoogleGenAI): GeminiWire {
  return {
    via: "sdk-methods",
    async generateContent(parameters) {
      return readGeminiResponse(await client.models.generateContent(parameters));
    },
    async generateContentStream(parameters) {
      const source = await client.models.generateContentStream(parameters);
      const chunks = copyChunks(source) as GeminiChunkStream;
      // The SDK hands chunks over one promise at a time: none is ever waiting unread.
      chunks.takeBuffered = () => undefined;
      return chunks;
    },
  };
}

async function* copyChunks(
  source: AsyncGenerator<unknown, unknown, undefined>,
): AsyncGenerator<GeminiGenerateContentResponse, void, undefined> {
  // `for await` hands an early `return()` (the client left) on to the SDK's stream, which
  // cancels its reader.
  for await (const chunk of source) yield readGeminiResponse(chunk);
}
