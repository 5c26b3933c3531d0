import { crc32, deflateSync } from "node:zlib";

type Rgb = readonly [number, number, number];

/**
 * A valid RGB PNG of one solid colour, or of the colour `rgb(x, y)` per pixel, built by hand
 * (signature, IHDR, IDAT, IEND) so the suite needs no image library. Each scanline starts with
 * filter byte 0.
 */
export function createPng(width: number, height: number, rgb: Rgb | ((x: number, y: number) => Rgb)): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // colour type: truecolour
  let pixels: Buffer;
  if (typeof rgb === "function") {
    pixels = Buffer.alloc((width * 3 + 1) * height);
    let offset = 0;
    for (let y = 0; y < height; y++) {
      pixels[offset++] = 0;
      for (let x = 0; x < width; x++) {
        const [red, green, blue] = rgb(x, y);
        pixels[offset++] = red;
        pixels[offset++] = green;
        pixels[offset++] = blue;
      }
    }
  } else {
    const scanline = Buffer.from([0, ...Array.from({ length: width }, () => rgb).flat()]);
    pixels = Buffer.concat(Array.from({ length: height }, () => scanline));
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(pixels)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const checksum = Buffer.alloc(4);
  checksum.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, checksum]);
}
