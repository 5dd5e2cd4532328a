import { describe, expect, it } from 'vitest';
import { UrlSigner, isValidStorageKey, parseRange } from '@app/storage';

describe('storage keys', () => {
  it.each(['results/job_abc/output.mp4', 'a', 'assets/ast_1/source.png', 'x/y-z_1.2'])('accepts %s', (key) => {
    expect(isValidStorageKey(key)).toBe(true);
  });

  it.each(['', '/abs', '../etc/passwd', 'a/../b', 'a/./b', 'a//b', 'a/', '.hidden', 'a/.b', 'a\\b', 'a%2F..', 'a b', 'a/b?c', 'é', 'a..b', `${'a/'.repeat(8)}a`, 'x'.repeat(129)])(
    'refuses %j',
    (key) => {
      expect(isValidStorageKey(key)).toBe(false);
    },
  );
});

describe('byte ranges', () => {
  it.each([
    [undefined, 100, { kind: 'full' }],
    ['bytes=0-9', 100, { kind: 'partial', range: { start: 0, end: 9 } }],
    ['bytes=90-', 100, { kind: 'partial', range: { start: 90, end: 99 } }],
    ['bytes=-10', 100, { kind: 'partial', range: { start: 90, end: 99 } }],
    ['bytes=-1000', 100, { kind: 'partial', range: { start: 0, end: 99 } }],
    ['bytes=50-1000', 100, { kind: 'partial', range: { start: 50, end: 99 } }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=10-5', 100, { kind: 'unsatisfiable' }],
    ['bytes=-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-6', 100, { kind: 'full' }],
    ['items=0-1', 100, { kind: 'full' }],
    ['bytes=-', 100, { kind: 'full' }],
  ] as const)('%s of %i bytes', (header, size, expected) => {
    expect(parseRange(header, size)).toEqual(expected);
  });
});

describe('URL signer', () => {
  const signer = new UrlSigner(Buffer.alloc(32, 3).toString('base64'));

  it('verifies its own signatures and nothing else', () => {
    const sig = signer.sign('results/a.png', 1_900_000_000);
    expect(sig).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signer.verify('results/a.png', '1900000000', sig)).toBe(true);
    expect(signer.verify('results/b.png', '1900000000', sig)).toBe(false);
    expect(signer.verify('results/a.png', '1900000001', sig)).toBe(false);
    const flipped = `${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`;
    expect(signer.verify('results/a.png', '1900000000', flipped)).toBe(false);
    expect(signer.verify('results/a.png', '1900000000', sig.slice(1))).toBe(false);
    expect(signer.verify('results/a.png', '19e8', sig)).toBe(false);
  });

  it('signs under a key derived from SECRETS_KEY, so another secrets key cannot forge', () => {
    const other = new UrlSigner(Buffer.alloc(32, 4).toString('base64'));
    expect(other.sign('k', 1)).not.toBe(signer.sign('k', 1));
    expect(() => new UrlSigner(Buffer.alloc(16).toString('base64'))).toThrow();
  });
});
