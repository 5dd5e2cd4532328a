import { BadRequestException, NotFoundException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { DomainException, SecretBox, decodeCursor, encodeCursor, isId, maskSecret, newId, randomBase62, requestIdFor, toErrorResponse } from '@app/common';

describe('ids', () => {
  it('are prefixed, base62, and sort by creation time under byte order', () => {
    const a = newId('job', 1_700_000_000_000);
    const b = newId('job', 1_700_000_000_001);
    const c = newId('job', 1_800_000_000_000);
    expect(a).toMatch(/^job_[0-9A-Za-z]{24}$/);
    expect(isId('job', a)).toBe(true);
    expect(isId('cus', a)).toBe(false);
    expect([c, a, b].sort()).toEqual([a, b, c]);
  });

  it('random base62 uses the whole alphabet with no visible bias', () => {
    const sample = randomBase62(62_000);
    const counts = new Map<string, number>();
    for (const ch of sample) {
      counts.set(ch, (counts.get(ch) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(700);
      expect(n).toBeLessThan(1300);
    }
  });

  it('request ids echo a sane client value and mint one otherwise', () => {
    expect(requestIdFor('abc-123_x.y:z')).toBe('abc-123_x.y:z');
    expect(requestIdFor('bad value with spaces')).toMatch(/^req_[0-9A-Za-z]{20}$/);
    expect(requestIdFor('x'.repeat(129))).toMatch(/^req_/);
    expect(requestIdFor(undefined)).toMatch(/^req_/);
  });
});

describe('secret box', () => {
  const box = new SecretBox(Buffer.alloc(32, 9).toString('base64'));

  it('round-trips and never produces the same ciphertext twice', () => {
    const a = box.seal('sk-live-secret', 'pa_1');
    const b = box.seal('sk-live-secret', 'pa_1');
    expect(a).not.toBe(b);
    expect(a).not.toContain('sk-live-secret');
    expect(box.open(a, 'pa_1')).toBe('sk-live-secret');
  });

  it('refuses a ciphertext moved to another row (AAD) or tampered with', () => {
    const sealed = box.seal('secret', 'pa_1');
    expect(() => box.open(sealed, 'pa_2')).toThrow();
    const parts = sealed.split('.');
    const flipped = Buffer.from(parts[3], 'base64url');
    flipped[0] ^= 1;
    expect(() => box.open([parts[0], parts[1], parts[2], flipped.toString('base64url')].join('.'), 'pa_1')).toThrow();
    expect(() => box.open([parts[0], parts[1], parts[2].slice(0, 8), parts[3]].join('.'), 'pa_1')).toThrow(/malformed/);
    expect(() => new SecretBox(Buffer.alloc(31).toString('base64'))).toThrow();
  });

  it('masks secrets to a recognisable hint', () => {
    expect(maskSecret('sk-abcdefghijklmnop9f2c')).toBe('sk-…9f2c');
    expect(maskSecret('AKLTabcdefghijklmnop1234')).toBe('…1234');
    expect(maskSecret('short')).toBe('…');
  });
});

describe('cursors', () => {
  it('round-trip and reject garbage with a 400', () => {
    expect(decodeCursor(encodeCursor('job_abc'))).toBe('job_abc');
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(() => decodeCursor(Buffer.from("'; DROP TABLE x").toString('base64url'))).toThrow(DomainException);
  });
});

describe('error mapping', () => {
  it('keeps a domain error with its details and extra members', () => {
    const r = toErrorResponse(new DomainException('balance_low', 'Not enough credits', undefined, { available: 5, required: 20 }), 'req_1');
    expect(r.status).toBe(402);
    expect(r.body).toEqual({ ok: false, error: { status: 402, code: 'balance_low', message: 'Not enough credits', requestId: 'req_1', available: 5, required: 20 } });
  });

  it('maps framework errors to the nearest contract code', () => {
    expect(toErrorResponse(new NotFoundException('Cannot GET /x'), 'r').body.error).toMatchObject({ status: 404, code: 'not_found' });
    expect(toErrorResponse(new BadRequestException(), 'r').body.error).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(toErrorResponse(Object.assign(new Error('too big'), { statusCode: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' }), 'r').body.error).toMatchObject({
      status: 413,
      code: 'payload_too_large',
    });
  });

  it('hides everything internal behind internal_error', () => {
    const r = toErrorResponse(new Error('duplicate key value violates unique constraint "secret_idx" password=hunter2'), 'req_9');
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ ok: false, error: { status: 500, code: 'internal_error', message: 'Internal error', requestId: 'req_9' } });
  });
});
