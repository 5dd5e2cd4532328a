import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

/**
 * HMAC-SHA256 over `<key>\n<exp>` under a key derived (HKDF) from SECRETS_KEY for this one purpose,
 * so the credential-encryption key itself never signs anything.
 */
export class UrlSigner {
  private readonly key: Buffer;

  constructor(secretsKeyBase64: string) {
    const master = Buffer.from(secretsKeyBase64, 'base64');
    if (master.length !== 32) {
      throw new Error('UrlSigner needs the 32-byte SECRETS_KEY');
    }
    this.key = Buffer.from(hkdfSync('sha256', master, Buffer.from('credit-gateway'), Buffer.from('storage-url-signing/v1'), 32));
  }

  sign(objectKey: string, exp: number): string {
    return createHmac('sha256', this.key).update(`${objectKey}\n${exp}`).digest('base64url');
  }

  /** Constant-time comparison; any malformed input is simply not valid. */
  verify(objectKey: string, exp: string, signature: string): boolean {
    if (!/^\d{1,12}$/.test(exp) || !SIGNATURE.test(signature)) {
      return false;
    }
    const expected = Buffer.from(this.sign(objectKey, Number(exp)), 'base64url');
    const given = Buffer.from(signature, 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
