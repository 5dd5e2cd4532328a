/**
 * Recognises PNG, JPEG and WebP by their magic numbers and reads the pixel dimensions from the
 * headers. Small hand-written parsers on purpose: we only need to know that the bytes are what they
 * claim and how big the picture is, not to decode it.
 */
export type ImageContentType = 'image/png' | 'image/jpeg' | 'image/webp';

export interface ImageInfo {
  contentType: ImageContentType;
  width: number;
  height: number;
}

export type SniffResult = { ok: true; info: ImageInfo } | { ok: false; reason: string };

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export function sniffImage(bytes: Buffer): SniffResult {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    return withDimensions('image/png', pngDimensions(bytes));
  }
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    return withDimensions('image/jpeg', jpegDimensions(bytes));
  }
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') {
    return withDimensions('image/webp', webpDimensions(bytes));
  }
  return { ok: false, reason: 'is not a PNG, JPEG or WebP image' };
}

type Dimensions = { width: number; height: number } | null;

function withDimensions(contentType: ImageContentType, dims: Dimensions): SniffResult {
  if (dims === null || dims.width < 1 || dims.height < 1) {
    return { ok: false, reason: `looks like ${contentType} but its dimensions cannot be read (truncated or corrupt header)` };
  }
  return { ok: true, info: { contentType, ...dims } };
}

function pngDimensions(bytes: Buffer): Dimensions {
  // The first chunk must be IHDR: length(4) type(4) width(4) height(4).
  if (bytes.length < 24 || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    return null;
  }
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function jpegDimensions(bytes: Buffer): Dimensions {
  let pos = 2;
  while (pos < bytes.length) {
    if (bytes[pos] !== 0xff) {
      return null;
    }
    while (pos < bytes.length && bytes[pos] === 0xff) {
      pos += 1; // fill bytes
    }
    if (pos >= bytes.length) {
      return null;
    }
    const marker = bytes[pos];
    pos += 1;
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      continue; // standalone markers carry no length
    }
    if (marker === 0xd9 || marker === 0xda) {
      return null; // end of image or start of scan before any frame header
    }
    if (pos + 2 > bytes.length) {
      return null;
    }
    const length = bytes.readUInt16BE(pos);
    if (length < 2) {
      return null;
    }
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame) {
      if (pos + 7 > bytes.length) {
        return null;
      }
      return { height: bytes.readUInt16BE(pos + 3), width: bytes.readUInt16BE(pos + 5) };
    }
    pos += length;
  }
  return null;
}

function webpDimensions(bytes: Buffer): Dimensions {
  if (bytes.length < 30) {
    return null;
  }
  const chunk = bytes.toString('latin1', 12, 16);
  switch (chunk) {
    case 'VP8 ': {
      // Lossy: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height.
      if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) {
        return null;
      }
      return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff };
    }
    case 'VP8L': {
      // Lossless: signature 0x2f, then width-1 and height-1 in 14 bits each.
      if (bytes[20] !== 0x2f) {
        return null;
      }
      const bits = bytes.readUInt32LE(21);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    case 'VP8X': {
      // Extended: flags(1) reserved(3), canvas width-1 and height-1 as 24-bit little endian.
      return { width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1 };
    }
    default:
      return null;
  }
}
