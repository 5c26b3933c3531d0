export { SIGNATURE_PLACEHOLDER } from "./create-signature-registry.js";
export { type FakeModel, KNOWN_MODELS } from "./known-models.js";
export { readReviewedActions } from "./plan-scenario.js";
export { startGeminiFake } from "./start-gemini-fake.js";
export type {
  FakeAction,
  FakeCachedContent,
  FakeCall,
  FakeFinishReason,
  FakeServerTool,
  FakeUsage,
  GeminiFake,
  RecordedRequest,
  ReviewedAction,
  Scenario,
  StartGeminiFakeOptions,
} from "./types.js";
