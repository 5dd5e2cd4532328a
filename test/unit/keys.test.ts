import { describe, expect, it } from 'vitest';
import type { FastifyRequest } from 'fastify';
import { loadConfig, redactUrl } from '@app/common';
import { bearerToken } from '@app/auth';
import { OperatorKeyStrategy } from '@app/auth/operator-auth.strategies';
import { KEY_PATTERN, generateKey, hashKey } from '@app/api-keys/api-key.format';

const request = (authorization?: string) => ({ headers: authorization === undefined ? {} : { authorization } }) as unknown as FastifyRequest;

describe('customer key format', () => {
  it('issues ak_live_/ak_test_ keys with 40 base62 characters, all different', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateKey('live')));
    expect(keys.size).toBe(1000);
    for (const key of keys) {
      expect(key).toMatch(/^ak_live_[0-9A-Za-z]{40}$/);
      expect(KEY_PATTERN.test(key)).toBe(true);
    }
    expect(generateKey('test')).toMatch(/^ak_test_[0-9A-Za-z]{40}$/);
  });

  it('stores a SHA-256 hex digest, and malformed tokens never match the key pattern', () => {
    expect(hashKey('ak_test_x')).toMatch(/^[0-9a-f]{64}$/);
    for (const bad of ['', 'ak_prod_' + 'a'.repeat(40), 'ak_live_' + 'a'.repeat(31), 'ak_live_' + 'a'.repeat(39) + '!', ' ak_live_' + 'a'.repeat(40)]) {
      expect(KEY_PATTERN.test(bad)).toBe(false);
    }
  });
});

describe('operator key', () => {
  const operatorKey = 'op_unit_0123456789abcdefghijklmnopqrstuvwxyz';
  const strategy = new OperatorKeyStrategy(loadConfig({ MY_PRIVATE_API_KEY: operatorKey }));

  it('admits exactly the configured key as operator:key', () => {
    expect(strategy.authenticate(request(`Bearer ${operatorKey}`))).toEqual({ actor: 'operator:key', via: 'key' });
    expect(strategy.authenticate(request(`bearer ${operatorKey}`))).toEqual({ actor: 'operator:key', via: 'key' });
    for (const header of [undefined, '', 'Bearer', `Bearer ${operatorKey}x`, `Bearer ${operatorKey.slice(0, -1)}`, `Basic ${operatorKey}`, `Bearer ${generateKey('live')}`]) {
      expect(strategy.authenticate(request(header))).toBeUndefined();
    }
  });

  it('admits nobody when no operator key is configured', () => {
    expect(new OperatorKeyStrategy(loadConfig({})).authenticate(request('Bearer anything-at-all-0123456789abcdef'))).toBeUndefined();
  });

  it('parses only a single well-formed bearer token', () => {
    expect(bearerToken(request('Bearer abc'))).toBe('abc');
    expect(bearerToken(request('Bearer a b'))).toBeUndefined();
    expect(bearerToken(request(`Bearer ${'x'.repeat(600)}`))).toBeUndefined();
  });
});

describe('logged URLs', () => {
  it('never carry a customer key or a token from the query string', () => {
    const key = generateKey('live');
    expect(redactUrl(`/v1/usage?access_token=${key}`)).toBe('/v1/usage?access_token=[redacted]');
    expect(redactUrl(`/x/${key}/y`)).not.toContain(key.slice(8));
    expect(redactUrl('/r/file?sig=abc&expires=1')).toBe('/r/file?sig=[redacted]&expires=1');
  });
});
