import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { DomainException, flattenValidationErrors } from '@app/common';
import { MAX_IMAGE_BYTES, ReferenceImageDto, ReferenceImageField, SafeFetcher, ReferenceStrength, decodeReferenceImage, sniffImage } from '@app/media';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/images', name));

// Never used for the network in this file: inline sources must not touch the fetcher.
const fetcher = new SafeFetcher();

async function domainError(promise: Promise<unknown>): Promise<DomainException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainException) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a DomainException');
}

describe('image sniffing', () => {
  it.each([
    ['photo.png', 'image/png'],
    ['photo.jpg', 'image/jpeg'],
    ['photo-lossy.webp', 'image/webp'],
    ['photo-lossless.webp', 'image/webp'],
    ['photo-extended.webp', 'image/webp'],
  ])('reads the type and the 37×21 dimensions of %s', (name, contentType) => {
    expect(sniffImage(fixture(name))).toEqual({ ok: true, info: { contentType, width: 37, height: 21 } });
  });

  it('reads a progressive JPEG frame header (SOF2) too', () => {
    const bytes = Buffer.from(fixture('photo.jpg'));
    const sof0 = bytes.indexOf(Buffer.from([0xff, 0xc0]));
    expect(sof0).toBeGreaterThan(0);
    bytes[sof0 + 1] = 0xc2;
    expect(sniffImage(bytes)).toEqual({ ok: true, info: { contentType: 'image/jpeg', width: 37, height: 21 } });
  });

  it('refuses other formats and truncated headers', () => {
    expect(sniffImage(Buffer.from('GIF89a........')).ok).toBe(false);
    expect(sniffImage(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')).ok).toBe(false);
    expect(sniffImage(Buffer.alloc(0)).ok).toBe(false);
    expect(sniffImage(fixture('photo.png').subarray(0, 20))).toMatchObject({ ok: false, reason: expect.stringContaining('dimensions') });
    expect(sniffImage(fixture('photo.jpg').subarray(0, 40)).ok).toBe(false);
    expect(sniffImage(fixture('photo-lossy.webp').subarray(0, 24)).ok).toBe(false);
    const zeroWidth = Buffer.from(fixture('photo.png'));
    zeroWidth.writeUInt32BE(0, 16);
    expect(sniffImage(zeroWidth).ok).toBe(false);
  });
});

describe('decodeReferenceImage (inline sources)', () => {
  const png = fixture('photo.png');

  it('decodes bare base64 and a data URL into validated bytes with dimensions', async () => {
    const fromBase64 = await decodeReferenceImage({ base64: png.toString('base64') }, fetcher);
    expect(fromBase64).toEqual({ bytes: png, contentType: 'image/png', width: 37, height: 21 });
    const webp = fixture('photo-lossy.webp');
    const fromDataUrl = await decodeReferenceImage({ dataUrl: `data:image/webp;base64,${webp.toString('base64')}` }, fetcher);
    expect(fromDataUrl.contentType).toBe('image/webp');
    expect(fromDataUrl.bytes.equals(webp)).toBe(true);
  });

  it('refuses a data URL whose declared type does not match the magic number', async () => {
    const error = await domainError(decodeReferenceImage({ dataUrl: `data:image/jpeg;base64,${png.toString('base64')}` }, fetcher));
    expect(error.code).toBe('invalid_request');
    expect(error.details).toEqual([{ field: 'referenceImage.dataUrl', message: 'declares image/jpeg but the bytes are image/png' }]);
  });

  it('refuses none or several sources, naming the field', async () => {
    const none = await domainError(decodeReferenceImage({}, fetcher));
    expect(none.details?.[0].field).toBe('referenceImage');
    const two = await domainError(decodeReferenceImage({ base64: 'AAAA', dataUrl: 'data:image/png;base64,AAAA' }, fetcher));
    expect(two.details?.[0].message).toContain('got dataUrl, base64');
    const asset = await domainError(decodeReferenceImage({ base64: 'not base64!' }, fetcher, ''));
    expect(asset.details).toEqual([{ field: 'base64', message: 'is not valid base64' }]);
  });

  it('refuses bytes that are not an image, and malformed base64', async () => {
    const text = await domainError(decodeReferenceImage({ base64: Buffer.from('hello world, not an image').toString('base64') }, fetcher));
    expect(text.details).toEqual([{ field: 'referenceImage.base64', message: 'is not a PNG, JPEG or WebP image' }]);
    const bad = await domainError(decodeReferenceImage({ base64: 'iVBOR$$$' }, fetcher));
    expect(bad.details?.[0]).toEqual({ field: 'referenceImage.base64', message: 'is not valid base64' });
    const svg = await domainError(decodeReferenceImage({ dataUrl: 'data:image/svg+xml;base64,PHN2Zy8+' }, fetcher));
    expect(svg.details?.[0].field).toBe('referenceImage.dataUrl');
  });

  it('answers 413 payload_too_large past 10 MiB decoded', async () => {
    const big = Buffer.concat([png, Buffer.alloc(MAX_IMAGE_BYTES - png.length + 1)]);
    const error = await domainError(decodeReferenceImage({ base64: big.toString('base64') }, fetcher));
    expect(error.code).toBe('payload_too_large');
    expect(error.status).toBe(413);
    const exact = Buffer.concat([png, Buffer.alloc(MAX_IMAGE_BYTES - png.length)]);
    await expect(decodeReferenceImage({ base64: exact.toString('base64') }, fetcher)).resolves.toMatchObject({ contentType: 'image/png' });
  });
});

class GenerateBody {
  @ReferenceImageField()
  referenceImage?: ReferenceImageDto;
}

async function check(body: unknown) {
  const instance = plainToInstance(GenerateBody, body);
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true });
  return { instance, details: flattenValidationErrors(errors) };
}

describe('referenceImage DTO', () => {
  it('accepts one source and defaults strength to MID', async () => {
    const { instance, details } = await check({ referenceImage: { base64: 'iVBORw0KGgo=' } });
    expect(details).toEqual([]);
    expect(instance.referenceImage?.strength).toBe(ReferenceStrength.MID);
    expect((await check({})).details).toEqual([]);
  });

  it('names the field when no source or several are given', async () => {
    expect((await check({ referenceImage: { strength: 'LOW' } })).details).toEqual([{ field: 'referenceImage', message: 'needs one of imageUrl, dataUrl or base64' }]);
    expect((await check({ referenceImage: { imageUrl: 'https://example.com/a.png', base64: 'AAAA' } })).details).toEqual([
      { field: 'referenceImage', message: 'needs exactly one of imageUrl, dataUrl or base64 (got imageUrl, base64)' },
    ]);
  });

  it('reports bad members with dotted paths, unknown members included', async () => {
    const { details } = await check({ referenceImage: { imageUrl: 'http://example.com/a.png', strength: 'EXTREME', extra: 1 } });
    expect(details).toEqual(
      expect.arrayContaining([
        { field: 'referenceImage.imageUrl', message: 'must be an https URL' },
        { field: 'referenceImage.strength', message: 'must be one of LOW, MID, HIGH' },
        { field: 'referenceImage.extra', message: 'unknown field' },
      ]),
    );
    expect((await check({ referenceImage: 'https://example.com/a.png' })).details[0]).toEqual({ field: 'referenceImage', message: 'must be an object' });
  });
});
