export { createClaudeGeminiMiddleware } from "./create-claude-gemini-middleware.js";
