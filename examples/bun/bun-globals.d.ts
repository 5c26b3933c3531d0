// The part of Bun's API server.ts uses, declared here so `tsc -p examples/bun` needs no
// `bun-types` package. With `bun-types` installed, use its declarations instead.
declare namespace Bun {
  const env: Record<string, string | undefined>;
  interface ServeOptions {
    hostname?: string;
    port?: number;
    idleTimeout?: number;
    fetch(request: Request): Response | Promise<Response>;
  }
  interface Server {
    readonly hostname: string;
    readonly port: number;
    stop(closeActiveConnections?: boolean): void;
  }
  function serve(options: ServeOptions): Server;
}
declare const process: { exit(code?: number): never };
