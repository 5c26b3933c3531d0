import type { RecordedRequest } from "../gemini-fake/index.js";
import type { ConformanceSettings } from "./create-conformance-settings.js";
import type { ConformanceHost } from "./define-conformance-cases.js";

/** What the client suites of one host share: the host, its settings and views of the fake. */
export interface ConformanceTarget {
  host: ConformanceHost;
  settings: ConformanceSettings;
  /**
   * A fetch for any client: it reaches the host (without a socket for the bare handler) and
   * records the response headers of each call, in order.
   */
  fetch: typeof fetch;
  /** Headers of the responses `fetch` received since the case began. */
  responseHeaders(): Headers[];
  /** The fake's generate and stream requests since the case began. */
  generateRequests(): RecordedRequest[];
  /** Fails the case if the fake rejected any request as the real Gemini API would. */
  expectNoRejection(): void;
}
