import * as zlib from "node:zlib";

/**
 * The decoder of an upstream answer's `content-encoding` (`gzip`, `x-gzip`, `deflate`, `br`),
 * `undefined` for an identity body or an encoding not decoded here (handed on as is).
 */
export function createBodyDecoder(
  encoding: string | undefined,
): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  switch (encoding?.trim().toLowerCase()) {
    case "gzip":
    case "x-gzip":
      return zlib.createGunzip();
    case "deflate":
      return zlib.createInflate();
    case "br":
      return zlib.createBrotliDecompress();
    default:
      return undefined;
  }
}
