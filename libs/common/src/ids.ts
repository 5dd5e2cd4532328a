import { randomBytes, randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Unbiased random base62 string from a CSPRNG. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: bytes at or above it are dropped so every character is equally likely.
      if (byte < 248 && out.length < length) {
        out += BASE62[byte % 62];
      }
    }
  }
  return out;
}

function timeBase62(ms: number): string {
  let n = ms;
  let out = '';
  for (let i = 0; i < 8; i++) {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  }
  return out;
}

/**
 * An opaque, prefixed id (`cus_…`, `job_…`) whose body sorts by creation time under byte order
 * (columns use COLLATE "C"): 8 base62 characters of milliseconds, then 16 random ones.
 */
export function newId(prefix: string, now = Date.now()): string {
  return `${prefix}_${timeBase62(now)}${randomBase62(16)}`;
}

export function isId(prefix: string, value: unknown): value is string {
  return typeof value === 'string' && new RegExp(`^${prefix}_[0-9A-Za-z]{24}$`).test(value);
}

export const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

export function newRequestId(): string {
  return `req_${randomBase62(20)}`;
}

export { randomInt };
