# syntax=docker/dockerfile:1
# claude-gemini-proxy: the cli package and its production dependencies, nothing else.
# Build:  docker build -t claude-gemini-proxy .
# Run:    docker run --rm -p 8080:8080 -e GEMINI_API_KEY=... -e PROXY_API_KEY=... claude-gemini-proxy
# The same layout is rebuilt without Docker by test/packaging/dockerfile.test.ts.

FROM node:24-slim AS build
ENV PNPM_HOME=/pnpm
ENV PATH=$PNPM_HOME:$PATH
RUN npm install --global --no-audit --no-fund pnpm@12.21.0
WORKDIR /workspace
COPY . .
# Only what the build of the cli needs: the workspace root (tsup, typescript) and
# the cli with its workspace dependencies (node-http, fetch-handler, core).
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile --filter claude-gemini-workspace --filter "@claude-gemini/cli..."
RUN pnpm --filter "@claude-gemini/cli..." run build
# A self-contained folder: the cli's dist and bin, its production dependencies, and the
# built workspace packages it depends on, copied in rather than linked.
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm --filter @claude-gemini/cli deploy --prod /app

FROM node:24-slim AS runtime
ENV NODE_ENV=production
# Inside a container the proxy must listen on every interface to be reachable through the
# published port, and there it refuses to start without PROXY_API_KEY. When the port is only
# published on 127.0.0.1, ALLOW_UNAUTHENTICATED_REMOTE=true lets it run without one.
ENV PROXY_HOST=0.0.0.0
ENV PROXY_PORT=8080
# V8 lets its young generation grow to 3 × 16 MB under a burst of streams and keeps it
# reserved; 8 MB semi-spaces bound that (docs/deploy.md, "Memory", has the figures).
ENV NODE_OPTIONS=--max-semi-space-size=8
WORKDIR /app
# Owned by root and read-only for the user that runs it.
COPY --from=build /app /app
USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PROXY_PORT || 8080) + '/health').then((response) => process.exit(response.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/claude-gemini-proxy.mjs"]
CMD ["serve"]
