import { createHash } from 'node:crypto';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, TEST_OPERATOR_KEY, startTestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { call, newCustomerWithKey, operator } from '../support/operator';
import { waitFor } from '../support/process';

describe('API keys and the /v1 bearer guard', () => {
  let db: { url: string; drop: () => Promise<void> };
  let a: TestApp;
  let b: TestApp;
  const issuedKeys: string[] = [];
  const bodies: string[] = [];

  const usage = async (app: TestApp, key: string) => {
    const r = await call(app.url, 'GET', '/v1/usage', { token: key });
    bodies.push(r.text);
    return r;
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startTestApp(db.url);
    b = await startTestApp(db.url);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('issues a key that works on /v1 until it is revoked, then answers 401 invalid_api_key', async () => {
    const op = operator(a.url);
    const { customerId, keyId, key } = await newCustomerWithKey(a.url, 'test');
    issuedKeys.push(key);
    expect(key).toMatch(/^ak_test_[0-9A-Za-z]{40}$/);

    const ok = await usage(a, key);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true, mode: 'test', creditsBalance: 100000, creditsReserved: 0, creditsAvailable: 100000 });

    const list = await op('GET', `/api/public/customers/${customerId}/api-keys`);
    bodies.push(list.text);
    expect(list.status).toBe(200);
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toEqual({
      id: keyId,
      mode: 'test',
      name: 'test key',
      prefix: key.slice(0, 12),
      createdAt: expect.any(String),
      lastUsedAt: null,
      revokedAt: null,
    });

    const revoked = await op('DELETE', `/api/public/customers/${customerId}/api-keys/${keyId}`);
    bodies.push(revoked.text);
    expect(revoked.status).toBe(200);
    expect(revoked.body.apiKey.revokedAt).toEqual(expect.any(String));

    const refused = await usage(a, key);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatchObject({ status: 401, code: 'invalid_api_key' });

    const again = await op('DELETE', `/api/public/customers/${customerId}/api-keys/${keyId}`);
    expect(again.status).toBe(200);
    expect(again.body.apiKey.revokedAt).toBe(revoked.body.apiKey.revokedAt);
  });

  it('refuses the keys of a suspended or closed customer at once and accepts them again on reactivation', async () => {
    const op = operator(a.url);
    const { customerId, key } = await newCustomerWithKey(a.url, 'live');
    issuedKeys.push(key);
    expect((await usage(a, key)).body).toMatchObject({ ok: true, mode: 'live', creditsBalance: 0 });

    expect((await op('PATCH', `/api/public/customers/${customerId}`, { status: 'suspended' })).status).toBe(200);
    expect((await usage(a, key)).status).toBe(401);
    expect((await op('PATCH', `/api/public/customers/${customerId}`, { status: 'active' })).status).toBe(200);
    expect((await usage(a, key)).status).toBe(200);
    expect((await op('PATCH', `/api/public/customers/${customerId}`, { status: 'closed' })).status).toBe(200);
    expect((await usage(a, key)).status).toBe(401);
  });

  it('a revocation on instance A is refused by instance B within one second', async () => {
    const op = operator(a.url);
    const { customerId, keyId, key } = await newCustomerWithKey(a.url, 'test');
    issuedKeys.push(key);
    // B has the key cached as valid.
    expect((await usage(b, key)).status).toBe(200);
    expect((await usage(b, key)).status).toBe(200);

    expect((await op('DELETE', `/api/public/customers/${customerId}/api-keys/${keyId}`)).status).toBe(200);
    const revokedAt = Date.now();
    const refused = await waitFor(async () => (await usage(b, key)).status === 401, 1000, 20);
    expect(refused).toBe(true);
    expect(Date.now() - revokedAt).toBeLessThan(1000);
  });

  it('a suspension on instance A is refused by instance B within one second', async () => {
    const { customerId, key } = await newCustomerWithKey(a.url, 'test');
    issuedKeys.push(key);
    expect((await usage(b, key)).status).toBe(200);
    expect((await operator(a.url)('PATCH', `/api/public/customers/${customerId}`, { status: 'suspended' })).status).toBe(200);
    expect(await waitFor(async () => (await usage(b, key)).status === 401, 1000, 20)).toBe(true);
  });

  it('keeps refusing revoked keys across a lost LISTEN connection, and invalidates through NOTIFY again once it is back', async () => {
    const admin = new Client({ connectionString: db.url });
    await admin.connect();
    const listeners = async () =>
      (await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'gateway:listen'`)).rows[0].n;
    try {
      const first = await newCustomerWithKey(a.url, 'test');
      issuedKeys.push(first.key);
      expect((await usage(b, first.key)).status).toBe(200);
      expect(await listeners()).toBe(2);
      await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'gateway:listen'`);
      expect((await operator(a.url)('DELETE', `/api/public/customers/${first.customerId}/api-keys/${first.keyId}`)).status).toBe(200);
      expect(await waitFor(async () => (await usage(b, first.key)).status === 401, 1000, 20)).toBe(true);

      expect(await waitFor(async () => (await listeners()) === 2, 10_000, 100)).toBe(true);
      const second = await newCustomerWithKey(a.url, 'test');
      issuedKeys.push(second.key);
      expect((await usage(b, second.key)).status).toBe(200);
      expect((await operator(a.url)('DELETE', `/api/public/customers/${second.customerId}/api-keys/${second.keyId}`)).status).toBe(200);
      expect(await waitFor(async () => (await usage(b, second.key)).status === 401, 1000, 20)).toBe(true);
    } finally {
      await admin.end();
    }
  });

  it('answers every kind of bad credential with the same 401 body shape and message', async () => {
    const { key } = await newCustomerWithKey(a.url, 'test');
    issuedKeys.push(key);
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer' },
      { authorization: 'Basic dXNlcjpwYXNz' },
      { authorization: `Bearer ${key}x` },
      { authorization: `Bearer ak_live_${'A'.repeat(40)}` },
      { authorization: 'Bearer not-a-key' },
      { authorization: `Bearer ${'x'.repeat(5000)}` },
      { authorization: `Bearer ${TEST_OPERATOR_KEY}` },
    ];
    const seen = new Set<string>();
    for (const headers of attempts) {
      const r = await call(a.url, 'GET', '/v1/usage', { headers });
      expect(r.status).toBe(401);
      expect(r.body.ok).toBe(false);
      expect(r.body.error.code).toBe('invalid_api_key');
      seen.add(JSON.stringify({ ...r.body.error, requestId: undefined }));
    }
    expect(seen.size).toBe(1);
    // A key in the query string does not count either.
    expect((await call(a.url, 'GET', `/v1/usage?access_token=${key}`)).status).toBe(401);
  });

  it('operator routes refuse customer keys and anonymous callers; /v1 refuses the operator key', async () => {
    const { customerId, key } = await newCustomerWithKey(a.url, 'live');
    issuedKeys.push(key);
    for (const path of ['/api/public/customers', `/api/public/customers/${customerId}`, '/api/public/plans', `/api/public/customers/${customerId}/api-keys`]) {
      for (const token of [key, undefined, 'wrong-operator-key']) {
        const r = await call(a.url, 'GET', path, { token });
        expect(r.status).toBe(401);
        expect(r.body.error.code).toBe('unauthenticated');
      }
    }
    const post = await call(a.url, 'POST', `/api/public/customers/${customerId}/api-keys`, { token: key, body: { mode: 'live' } });
    expect(post.status).toBe(401);
    expect((await call(a.url, 'GET', '/v1/usage', { token: TEST_OPERATOR_KEY })).status).toBe(401);
  });

  it('records key use in last_used_at within a few seconds, through the batched tracker', async () => {
    const op = operator(a.url);
    const { customerId, key } = await newCustomerWithKey(a.url, 'test');
    issuedKeys.push(key);
    expect((await usage(a, key)).status).toBe(200);
    const listed = async () => {
      const r = await op('GET', `/api/public/customers/${customerId}/api-keys`);
      expect(r.status, r.text).toBe(200);
      return r.body.data[0].lastUsedAt !== null;
    };
    const stamped = await waitFor(listed, 8000, 200);
    expect(stamped).toBe(true);
  });

  it('never shows a full key or its hash in any later response or any log line', async () => {
    expect(issuedKeys.length).toBeGreaterThan(3);
    const logs = [...a.logs, ...b.logs].join('\n');
    const responses = bodies.join('\n');
    for (const key of issuedKeys) {
      const hash = createHash('sha256').update(key).digest('hex');
      expect(logs).not.toContain(key);
      expect(logs).not.toContain(hash);
      expect(responses).not.toContain(key);
      expect(responses).not.toContain(hash);
      expect(logs).not.toContain(key.slice(8));
    }
    expect(logs).not.toContain(TEST_OPERATOR_KEY);
  });
});
