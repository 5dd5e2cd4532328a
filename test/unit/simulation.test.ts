import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PNG_SIGNATURE, SAMPLE_MP4, detectImageType, encodeRgbPng, readMp4Info, readPngInfo, syntheticPng } from '@app/simulation';

/** Walks the chunks of a PNG and returns the inflated scanlines, checking every CRC on the way. */
function decodeChunks(png: Buffer): { types: string[]; raw: Buffer } {
  const types: string[] = [];
  const idat: Buffer[] = [];
  let o = 8;
  while (o < png.length) {
    const len = png.readUInt32BE(o);
    const type = png.toString('latin1', o + 4, o + 8);
    types.push(type);
    expect(crc32(png.subarray(o + 4, o + 8 + len))).toBe(png.readUInt32BE(o + 8 + len));
    if (type === 'IDAT') {
      idat.push(png.subarray(o + 8, o + 8 + len));
    }
    o += 12 + len;
  }
  return { types, raw: inflateSync(Buffer.concat(idat)) };
}

describe('synthetic PNG', () => {
  it('has the PNG signature and an IHDR with the asked dimensions', () => {
    const png = syntheticPng({ width: 1536, height: 864, seed: 'a cat on a skateboard' });
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect(readPngInfo(png)).toEqual({ width: 1536, height: 864, bitDepth: 8, colorType: 2 });
    expect(detectImageType(png)).toBe('png');
  });

  it('is a well-formed stream: IHDR, IDAT, IEND with valid CRCs and inflatable scanlines of the right length', () => {
    const png = syntheticPng({ width: 33, height: 17, seed: 'x' });
    const { types, raw } = decodeChunks(png);
    expect(types).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect(raw.length).toBe(17 * (1 + 33 * 3));
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = syntheticPng({ width: 64, height: 64, seed: 'job_1' });
    expect(syntheticPng({ width: 64, height: 64, seed: 'job_1' }).equals(a)).toBe(true);
    expect(syntheticPng({ width: 64, height: 64, seed: 'job_2' }).equals(a)).toBe(false);
  });

  it('encodes exactly the given pixels', () => {
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 9, 9, 9]);
    const { raw } = decodeChunks(encodeRgbPng(2, 2, rgb));
    expect([...raw]).toEqual([0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 9, 9, 9]);
  });

  it('refuses a bad size and is not fooled by other bytes', () => {
    expect(() => encodeRgbPng(0, 1, new Uint8Array(0))).toThrow();
    expect(readPngInfo(Buffer.from('not a png at all, not a png at all'))).toBeUndefined();
    expect(detectImageType(Buffer.from('<html>'))).toBeUndefined();
  });
});

describe('sample MP4', () => {
  it('starts with an ftyp box and carries moov and mdat', () => {
    expect(SAMPLE_MP4.length).toBeLessThan(50 * 1024);
    const info = readMp4Info(SAMPLE_MP4);
    expect(info?.majorBrand).toBe('isom');
    expect(info?.compatibleBrands).toContain('avc1');
    expect(info?.boxes.slice(0, 1)).toEqual(['ftyp']);
    expect(info?.boxes).toEqual(expect.arrayContaining(['moov', 'mdat']));
    expect(readMp4Info(Buffer.from('RIFF....WEBPVP8 '))).toBeUndefined();
  });
});
