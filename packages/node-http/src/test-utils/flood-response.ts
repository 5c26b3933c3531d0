import type { ServerResponse } from "node:http";

/** What {@link floodResponse} has done so far: bytes offered, whether it met backpressure, whether the response closed. */
export interface Flood {
  sent: number;
  blocked: boolean;
  closed: boolean;
}

/**
 * Offers up to 256 MB on `outgoing` in 256 KB writes, waiting for `drain` whenever a write is
 * refused: a server that sends only as fast as its client reads. The returned record fills in
 * as it goes, for backpressure tests.
 */
export function floodResponse(outgoing: ServerResponse, flood: Flood): void {
  outgoing.writeHead(200, { "content-type": "application/octet-stream" });
  outgoing.on("close", () => {
    flood.closed = true;
  });
  const chunk = Buffer.alloc(256 * 1024, 97);
  const pump = () => {
    while (flood.sent < 256 * 1024 * 1024) {
      flood.sent += chunk.length;
      if (!outgoing.write(chunk)) {
        flood.blocked = true;
        outgoing.once("drain", pump);
        return;
      }
    }
    outgoing.end();
  };
  pump();
}
