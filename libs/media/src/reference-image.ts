import { DomainException } from '@app/common';
import { type ImageContentType, sniffImage } from './image-sniff';
import { MAX_IMAGE_BYTES, type SafeFetcher } from './safe-fetcher';

export interface ImageSourceInput {
  imageUrl?: string;
  dataUrl?: string;
  base64?: string;
}

export interface DecodedImage {
  bytes: Buffer;
  contentType: ImageContentType;
  width: number;
  height: number;
}

export const IMAGE_SOURCE_FIELDS = ['imageUrl', 'dataUrl', 'base64'] as const;

export function presentImageSources(input: ImageSourceInput): string[] {
  return IMAGE_SOURCE_FIELDS.filter((name) => input[name] !== undefined && input[name] !== null);
}

const DATA_URL = /^data:(image\/(?:png|jpeg|webp));base64,/i;
const BASE64_BODY = /^[A-Za-z0-9+/\-_]*={0,2}$/;

const fieldError = (field: string, message: string) => new DomainException('invalid_request', `Invalid ${field}: ${message}`, [{ field, message }]);

const tooLarge = (field: string) =>
  new DomainException('payload_too_large', `${field} is larger than 10 MiB once decoded`, [{ field, message: `must be at most ${MAX_IMAGE_BYTES} bytes once decoded` }]);

/**
 * Turns a customer's image source (exactly one of imageUrl, dataUrl, base64) into validated bytes:
 * PNG, JPEG or WebP by magic number, at most 10 MiB, with readable dimensions. `prefix` is where the
 * source sits in the request body (`referenceImage` for jobs, '' for assets), for the error fields.
 */
export async function decodeReferenceImage(input: ImageSourceInput, fetcher: SafeFetcher, prefix = 'referenceImage'): Promise<DecodedImage> {
  const at = (name: string) => (prefix ? `${prefix}.${name}` : name);
  const sources = presentImageSources(input);
  if (sources.length !== 1) {
    const field = prefix || 'imageUrl';
    throw fieldError(field, sources.length === 0 ? 'one of imageUrl, dataUrl or base64 is required' : `give exactly one of imageUrl, dataUrl or base64 (got ${sources.join(', ')})`);
  }
  if (input.imageUrl !== undefined) {
    const field = at('imageUrl');
    if (typeof input.imageUrl !== 'string') {
      throw fieldError(field, 'must be a string');
    }
    const fetched = await fetcher.fetch(input.imageUrl, field);
    return validateImageBytes(fetched.bytes, field);
  }
  if (input.dataUrl !== undefined) {
    const field = at('dataUrl');
    const match = typeof input.dataUrl === 'string' ? DATA_URL.exec(input.dataUrl) : null;
    if (!match) {
      throw fieldError(field, 'must be a data URL of the form data:image/png|jpeg|webp;base64,…');
    }
    const declared = match[1].toLowerCase();
    const image = validateImageBytes(decodeBase64Strict(input.dataUrl.slice(match[0].length), field), field);
    if (image.contentType !== declared) {
      throw fieldError(field, `declares ${declared} but the bytes are ${image.contentType}`);
    }
    return image;
  }
  const field = at('base64');
  if (typeof input.base64 !== 'string') {
    throw fieldError(field, 'must be a string');
  }
  return validateImageBytes(decodeBase64Strict(input.base64, field), field);
}

/** Strict base64 (standard or URL-safe alphabet, optional padding, whitespace ignored). */
export function decodeBase64Strict(text: string, field: string): Buffer {
  // Refuse oversized input before allocating its decoded copy.
  if (text.length > Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 4096) {
    throw tooLarge(field);
  }
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0 || !BASE64_BODY.test(compact) || compact.length % 4 === 1) {
    throw fieldError(field, 'is not valid base64');
  }
  if (compact.includes('=') && compact.length % 4 !== 0) {
    throw fieldError(field, 'is not valid base64');
  }
  return Buffer.from(compact.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

export function validateImageBytes(bytes: Buffer, field: string): DecodedImage {
  if (bytes.length > MAX_IMAGE_BYTES) {
    throw tooLarge(field);
  }
  const sniffed = sniffImage(bytes);
  if (!sniffed.ok) {
    throw fieldError(field, sniffed.reason);
  }
  return { bytes, ...sniffed.info };
}
