// The one builder of error responses is fetch-handler's (with key redaction); the bridge's own
// answers (405, 413, 529, its failures) use it too. Kept as a module for imports inside node-http.
export { createErrorResponse } from "@claude-gemini/fetch-handler";
