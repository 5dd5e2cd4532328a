import { createHash } from 'node:crypto';
import { crc32, deflateSync } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes 8-bit RGB pixels (`width * height * 3` bytes, row-major) as a PNG. */
export function encodeRgbPng(width: number, height: number, rgb: Uint8Array): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new Error(`invalid PNG size ${width}x${height}`);
  }
  const stride = width * 3;
  if (rgb.length !== stride * height) {
    throw new Error(`expected ${stride * height} bytes of RGB, got ${rgb.length}`);
  }
  // Every scanline starts with filter type 0 (none).
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  ihdr[10] = 0; // compression
  ihdr[11] = 0; // filter
  ihdr[12] = 0; // interlace
  // Level 1: several times faster than the default on large stripes; size hardly matters here.
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 1 })), chunk('IEND', Buffer.alloc(0))]);
}

/**
 * A deterministic picture for a seed (a prompt, a job id): two colours and diagonal stripes whose
 * width and slant come from sha256(seed). Same seed and size → same bytes.
 */
export function syntheticPng(options: { width: number; height: number; seed: string }): Buffer {
  const { width, height, seed } = options;
  const h = createHash('sha256').update(seed, 'utf8').digest();
  const bg = [h[0], h[1], h[2]];
  // Keep the stripe colour visibly different from the background.
  const fg = [h[3] ^ 0x80, h[4] ^ 0x80, h[5] ^ 0x80];
  const period = 8 + (h[6] % 56);
  const slant = h[7] % 2 === 0 ? 1 : -1;
  // Every row is the same stripe sequence shifted, so paint one long row once and copy slices.
  const span = 2 * period;
  const long = new Uint8Array((width + span) * 3);
  for (let x = 0; x < width + span; x++) {
    const c = Math.floor(x / period) % 2 === 1 ? fg : bg;
    long[x * 3] = c[0];
    long[x * 3 + 1] = c[1];
    long[x * 3 + 2] = c[2];
  }
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const offset = (((slant * y) % span) + span) % span;
    rgb.set(long.subarray(offset * 3, (offset + width) * 3), y * width * 3);
  }
  return encodeRgbPng(width, height, rgb);
}

/** Reads the IHDR of a PNG (signature and chunk CRC checked); undefined when it is not one. */
export function readPngInfo(buf: Uint8Array): PngInfo | undefined {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 33 || !b.subarray(0, 8).equals(PNG_SIGNATURE) || b.readUInt32BE(8) !== 13 || b.toString('latin1', 12, 16) !== 'IHDR') {
    return undefined;
  }
  if (crc32(b.subarray(12, 29)) !== b.readUInt32BE(29)) {
    return undefined;
  }
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20), bitDepth: b[24], colorType: b[25] };
}
