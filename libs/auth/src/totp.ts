import { randomBytes } from 'node:crypto';
import speakeasy from 'speakeasy';

export const TOTP_STEP_SECONDS = 30;
/** Accept the previous, current and next step (clock drift of up to 30 s either way). */
export const TOTP_WINDOW = 1;
export const TOTP_ISSUER = 'Credit Gateway';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, the form authenticator apps expect. */
export function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) {
    out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  }
  return out;
}

/** 160 random bits (RFC 4226's recommended length for HMAC-SHA1), base32. */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

export function otpauthUrl(email: string, secret: string, issuer = TOTP_ISSUER): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(email)}`;
  const query = new URLSearchParams({ secret, issuer, algorithm: 'SHA1', digits: '6', period: String(TOTP_STEP_SECONDS) });
  return `otpauth://totp/${label}?${query.toString()}`;
}

/**
 * The time step a code belongs to, within ±TOTP_WINDOW of now, or undefined. The caller accepts the
 * code only if this step is later than the last one it accepted (a code works once).
 */
export function totpStepOf(secret: string, code: string, nowMs = Date.now()): number | undefined {
  if (!/^\d{6}$/.test(code)) {
    return undefined;
  }
  const time = Math.floor(nowMs / 1000);
  const counter = Math.floor(time / TOTP_STEP_SECONDS);
  const match = speakeasy.totp.verifyDelta({ secret, encoding: 'base32', token: code, window: TOTP_WINDOW, time, step: TOTP_STEP_SECONDS });
  return match ? counter + match.delta : undefined;
}

/** The current code for a secret (tests and the setup hint only). */
export function totpCode(secret: string, nowMs = Date.now()): string {
  return speakeasy.totp({ secret, encoding: 'base32', time: Math.floor(nowMs / 1000), step: TOTP_STEP_SECONDS });
}
