import { describe, expect, it } from "vitest";
import { resolveHandlerSettings } from "./handler-settings.js";

describe("resolveHandlerSettings", () => {
  it("allows built-in tools next to functions on the Gemini API only (Vertex AI has no includeServerSideToolInvocations)", () => {
    expect(resolveHandlerSettings({ apiKey: "key" }).supportsServerSideToolInvocations).toBe(true);
    expect(
      resolveHandlerSettings({ vertexai: { project: "p", location: "us-central1" } })
        .supportsServerSideToolInvocations,
    ).toBe(false);
  });
});
