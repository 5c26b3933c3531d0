// Runs as is on Node 24 (type stripping): `node src/server.ts`.
import { createApp } from "./create-app.ts";

const port = Number(process.env.PORT ?? 8080);
const app = createApp({
  apiKey: process.env.GEMINI_API_KEY,
  baseUrl: process.env.GEMINI_BASE_URL || undefined,
  proxyApiKey: process.env.PROXY_API_KEY || undefined,
});

const server = app.listen(port, "127.0.0.1", () => {
  const address = server.address();
  const actualPort = typeof address === "object" && address ? address.port : port;
  console.log(`Listening on http://127.0.0.1:${actualPort}`);
});
