import { createHash } from 'node:crypto';
import { Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@app/common';
import { CreditsService } from '@app/credits-ledger';
import { type TestApp, startTestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { type HttpResult, call, newCustomerWithKey, operator } from '../support/operator';

function expectContractError(r: HttpResult, status: number, code?: string) {
  expect(r.status, r.text).toBe(status);
  expect(r.body).toMatchObject({ ok: false, error: { status, code: expect.any(String), message: expect.any(String), requestId: expect.any(String) } });
  if (code) {
    expect(r.body.error.code).toBe(code);
  }
}

describe('operator API: customers, plans, keys, credits', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: TestApp;
  let op: ReturnType<typeof operator>;
  let raw: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startTestApp(db.url);
    op = operator(app.url);
    raw = new Pool({ connectionString: db.url, max: 2 });
  });
  afterAll(async () => {
    await raw?.end();
    await app?.close();
    await db?.drop();
  });

  it('creates a customer with both balances and the test grant, and gets it back', async () => {
    const r = await op('POST', '/api/public/customers', { name: '  Acme  ', email: 'Ops@Acme.test', externalId: 'crm-1' });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      ok: true,
      customer: {
        id: expect.stringMatching(/^cus_[0-9A-Za-z]{24}$/),
        name: 'Acme',
        email: 'Ops@Acme.test',
        externalId: 'crm-1',
        plan: 'default',
        status: 'active',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        credits: { live: { balance: 0, reserved: 0, available: 0 }, test: { balance: 100000, reserved: 0, available: 100000 } },
      },
    });
    const got = await op('GET', `/api/public/customers/${r.body.customer.id}`);
    expect(got.body).toEqual(r.body);
  });

  it('refuses a second customer with the same email in any case (409 conflict) and an unknown plan (400)', async () => {
    await op('POST', '/api/public/customers', { name: 'First', email: 'dup@example.test' });
    const dup = await op('POST', '/api/public/customers', { name: 'Second', email: 'DUP@Example.TEST' });
    expectContractError(dup, 409, 'conflict');
    expect(dup.body.error.details).toEqual([{ field: 'email', message: expect.any(String) }]);
    const plan = await op('POST', '/api/public/customers', { name: 'Third', plan: 'platinum' });
    expectContractError(plan, 400, 'invalid_request');
    expect(plan.body.error.details).toEqual([{ field: 'plan', message: 'no such plan' }]);
  });

  it('lists customers newest first with cursor pagination, status filter and search', async () => {
    const tag = newId('t').slice(-8);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await op('POST', '/api/public/customers', { name: `Paged ${tag} ${i}`, email: `paged${i}.${tag}@example.test` });
      ids.push(r.body.customer.id);
    }
    await op('PATCH', `/api/public/customers/${ids[1]}`, { status: 'suspended' });
    const first = await op('GET', `/api/public/customers?q=${tag}&limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.data.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    expect(first.body.data[0].credits.test.balance).toBe(100000);
    const second = await op('GET', `/api/public/customers?q=${tag}&limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeNull();
    const suspended = await op('GET', `/api/public/customers?q=${tag}&status=suspended`);
    expect(suspended.body.data.map((c: { id: string }) => c.id)).toEqual([ids[1]]);
    const byEmail = await op('GET', `/api/public/customers?q=PAGED0.${tag.toUpperCase()}`);
    expect(byEmail.body.data.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
    const wildcard = await op('GET', `/api/public/customers?q=${encodeURIComponent('%')}`);
    expect(wildcard.body.data).toEqual([]);
  });

  it('updates name, email, plan and status; plans can be created and changed', async () => {
    const plan = await op('POST', '/api/public/plans', { code: 'pro', name: 'Pro', requestsPerMinute: 600, maxConcurrentJobs: 50, maxQueuedJobs: 500 });
    expect(plan.status).toBe(201);
    expect(plan.body.plan).toMatchObject({ code: 'pro', requestsPerMinute: 600 });
    expectContractError(await op('POST', '/api/public/plans', { code: 'pro', name: 'Again', requestsPerMinute: 1, maxConcurrentJobs: 1, maxQueuedJobs: 0 }), 409, 'conflict');
    const changed = await op('PATCH', '/api/public/plans/pro', { maxQueuedJobs: 0 });
    expect(changed.body.plan).toMatchObject({ code: 'pro', maxQueuedJobs: 0, requestsPerMinute: 600 });
    const plans = await op('GET', '/api/public/plans');
    expect(plans.body.data.map((p: { code: string }) => p.code)).toEqual(['default', 'pro']);

    const c = await op('POST', '/api/public/customers', { name: 'Patch me', email: 'patch@example.test' });
    const id = c.body.customer.id;
    const patched = await op('PATCH', `/api/public/customers/${id}`, { name: 'Patched', email: null, plan: 'pro', status: 'suspended' });
    expect(patched.status).toBe(200);
    expect(patched.body.customer).toMatchObject({ id, name: 'Patched', email: null, plan: 'pro', status: 'suspended' });
  });

  it('tops up and adjusts credits, refuses going below reserved, and pages the ledger newest first', async () => {
    const c = await op('POST', '/api/public/customers', { name: 'Credits' });
    const id = c.body.customer.id;
    const top = await op('POST', `/api/public/customers/${id}/credits`, { amount: 1000, reason: 'Invoice 1' });
    expect(top.status).toBe(200);
    expect(top.body).toMatchObject({
      ok: true,
      credits: { live: { balance: 1000, reserved: 0, available: 1000 }, test: { balance: 100000 } },
      entry: { kind: 'topup', mode: 'live', balanceDelta: 1000, reservedDelta: 0, balanceAfter: 1000, reservedAfter: 0, actor: 'operator:key', reason: 'Invoice 1' },
    });
    await app.app.get(CreditsService, { strict: false }).reserve(undefined, { customerId: id, mode: 'live', amount: 600, jobId: newId('job') });
    const below = await op('POST', `/api/public/customers/${id}/credits`, { amount: -401, reason: 'refund' });
    expectContractError(below, 409, 'below_reserved');
    const adj = await op('POST', `/api/public/customers/${id}/credits`, { amount: -400, reason: 'refund', mode: 'live' });
    expect(adj.body.credits.live).toEqual({ balance: 600, reserved: 600, available: 0 });
    expect(adj.body.entry.kind).toBe('adjustment');
    await op('POST', `/api/public/customers/${id}/credits`, { amount: 5, reason: 'test bonus', mode: 'test' });

    const page1 = await op('GET', `/api/public/customers/${id}/credits?mode=live&limit=2`);
    expect(page1.status).toBe(200);
    expect(page1.body.credits.live).toEqual({ balance: 600, reserved: 600, available: 0 });
    expect(page1.body.data.map((e: { kind: string }) => e.kind)).toEqual(['adjustment', 'reserve']);
    const page2 = await op('GET', `/api/public/customers/${id}/credits?mode=live&limit=2&cursor=${page1.body.nextCursor}`);
    expect(page2.body.data.map((e: { kind: string }) => e.kind)).toEqual(['topup']);
    expect(page2.body.nextCursor).toBeNull();
    const all = await op('GET', `/api/public/customers/${id}/credits`);
    expect(all.body.data.map((e: { mode: string; kind: string }) => `${e.mode}:${e.kind}`)).toEqual(['test:topup', 'live:adjustment', 'live:reserve', 'live:topup', 'test:topup']);
  });

  it('writes an audit event for every operator change, with no key material in it', async () => {
    const { customerId, keyId, key } = await newCustomerWithKey(app.url, 'live');
    await op('PATCH', `/api/public/customers/${customerId}`, { status: 'suspended' });
    await op('POST', `/api/public/customers/${customerId}/credits`, { amount: 10, reason: 'audit' });
    await op('DELETE', `/api/public/customers/${customerId}/api-keys/${keyId}`);
    await op('DELETE', `/api/public/customers/${customerId}/api-keys/${keyId}`);
    const { rows } = await raw.query<{ actor: string; action: string; request_id: string; summary: unknown }>(
      `SELECT actor, action, request_id, summary FROM audit_events WHERE target_id IN ($1, $2) ORDER BY id`,
      [customerId, keyId],
    );
    expect(rows.map((r) => r.action)).toEqual(['customer.created', 'api_key.created', 'customer.updated', 'credits.topped_up', 'api_key.revoked']);
    for (const row of rows) {
      expect(row.actor).toBe('operator:key');
      expect(row.request_id).toMatch(/^req_/);
    }
    const dump = JSON.stringify((await raw.query('SELECT * FROM audit_events')).rows);
    expect(dump).not.toContain(key);
    expect(dump).not.toContain(createHash('sha256').update(key).digest('hex'));
  });

  it('never answers 5xx to bad input on any route: wrong types, missing or unknown fields, huge strings, invalid or foreign ids', async () => {
    const mine = await newCustomerWithKey(app.url, 'test');
    const other = await newCustomerWithKey(app.url, 'test');
    const huge = 'x'.repeat(100_000);
    const ghost = `cus_${'A'.repeat(24)}`;
    const cases: [string, string, unknown, number][] = [
      ['POST', '/api/public/customers', {}, 400],
      ['POST', '/api/public/customers', { name: 42 }, 400],
      ['POST', '/api/public/customers', { name: '   ' }, 400],
      ['POST', '/api/public/customers', { name: 'x', admin: true }, 400],
      ['POST', '/api/public/customers', { name: huge }, 400],
      ['POST', '/api/public/customers', { name: 'x', email: 'not-an-email' }, 400],
      ['POST', '/api/public/customers', { name: 'x', email: `${huge}@x.test` }, 400],
      ['POST', '/api/public/customers', { name: 'x', plan: 'NOT A CODE' }, 400],
      ['POST', '/api/public/customers', { name: 'x', plan: ['default'] }, 400],
      ['POST', '/api/public/customers', { name: 'x', externalId: 'has space' }, 400],
      ['POST', '/api/public/customers', '{"name": ', 400],
      ['POST', '/api/public/customers', '[]', 400],
      ['POST', '/api/public/customers', 'null', 400],
      ['GET', '/api/public/customers?limit=0', undefined, 400],
      ['GET', '/api/public/customers?limit=abc', undefined, 400],
      ['GET', '/api/public/customers?limit=101', undefined, 400],
      ['GET', '/api/public/customers?status=deleted', undefined, 400],
      ['GET', '/api/public/customers?cursor=%27%3B--', undefined, 400],
      ['GET', `/api/public/customers?cursor=${Buffer.from("x' OR 1=1").toString('base64url')}`, undefined, 400],
      ['GET', `/api/public/customers?q=${'q'.repeat(5000)}`, undefined, 400],
      ['GET', '/api/public/customers?sort=name', undefined, 400],
      ['GET', '/api/public/customers/nope', undefined, 404],
      ['GET', `/api/public/customers/${ghost}`, undefined, 404],
      ['GET', `/api/public/customers/${'c'.repeat(300)}`, undefined, 400],
      ['GET', "/api/public/customers/cus_'%20OR%201=1", undefined, 404],
      ['PATCH', `/api/public/customers/${mine.customerId}`, {}, 400],
      ['PATCH', `/api/public/customers/${mine.customerId}`, { name: null }, 400],
      ['PATCH', `/api/public/customers/${mine.customerId}`, { status: 'deleted' }, 400],
      ['PATCH', `/api/public/customers/${mine.customerId}`, { status: null }, 400],
      ['PATCH', `/api/public/customers/${mine.customerId}`, { email: 5 }, 400],
      ['PATCH', `/api/public/customers/${mine.customerId}`, { plan: 'ghost' }, 400],
      ['PATCH', `/api/public/customers/${mine.customerId}`, { id: 'cus_other' }, 400],
      ['PATCH', `/api/public/customers/${ghost}`, { name: 'x' }, 404],
      ['POST', '/api/public/plans', {}, 400],
      ['POST', '/api/public/plans', { code: 'Bad Code', name: 'x', requestsPerMinute: 1, maxConcurrentJobs: 1, maxQueuedJobs: 0 }, 400],
      ['POST', '/api/public/plans', { code: 'ok', name: 'x', requestsPerMinute: '5', maxConcurrentJobs: 1, maxQueuedJobs: 0 }, 400],
      ['POST', '/api/public/plans', { code: 'ok', name: 'x', requestsPerMinute: 0, maxConcurrentJobs: 1, maxQueuedJobs: 0 }, 400],
      ['POST', '/api/public/plans', { code: 'ok', name: 'x', requestsPerMinute: 1e12, maxConcurrentJobs: 1, maxQueuedJobs: 0 }, 400],
      ['PATCH', '/api/public/plans/default', { requestsPerMinute: 1.5 }, 400],
      ['PATCH', '/api/public/plans/default', {}, 400],
      ['PATCH', '/api/public/plans/default', { name: null }, 400],
      ['PATCH', '/api/public/plans/default', { maxConcurrentJobs: null }, 400],
      ['PATCH', '/api/public/plans/default', { code: 'renamed' }, 400],
      ['PATCH', '/api/public/plans/ghost', { name: 'x' }, 404],
      ['PATCH', '/api/public/plans/NOT%20A%20CODE', { name: 'x' }, 404],
      ['POST', `/api/public/customers/${mine.customerId}/api-keys`, {}, 400],
      ['POST', `/api/public/customers/${mine.customerId}/api-keys`, { mode: 'prod' }, 400],
      ['POST', `/api/public/customers/${mine.customerId}/api-keys`, { mode: 'live', name: huge }, 400],
      ['POST', `/api/public/customers/${mine.customerId}/api-keys`, { mode: 'live', key: 'ak_live_chosen' }, 400],
      ['POST', `/api/public/customers/${ghost}/api-keys`, { mode: 'live' }, 404],
      ['GET', `/api/public/customers/${ghost}/api-keys`, undefined, 404],
      ['GET', `/api/public/customers/${mine.customerId}/api-keys?limit=-1`, undefined, 400],
      ['DELETE', `/api/public/customers/${mine.customerId}/api-keys/${other.keyId}`, undefined, 404],
      ['DELETE', `/api/public/customers/${mine.customerId}/api-keys/nope`, undefined, 404],
      ['DELETE', `/api/public/customers/${ghost}/api-keys/${mine.keyId}`, undefined, 404],
      ['POST', `/api/public/customers/${mine.customerId}/credits`, { amount: 0, reason: 'x' }, 400],
      ['POST', `/api/public/customers/${mine.customerId}/credits`, { amount: '5', reason: 'x' }, 400],
      ['POST', `/api/public/customers/${mine.customerId}/credits`, { amount: 1.5, reason: 'x' }, 400],
      ['POST', `/api/public/customers/${mine.customerId}/credits`, { amount: 1e13, reason: 'x' }, 400],
      ['POST', `/api/public/customers/${mine.customerId}/credits`, { amount: -1e13, reason: 'x' }, 400],
      ['POST', `/api/public/customers/${mine.customerId}/credits`, { amount: 5 }, 400],
      ['POST', `/api/public/customers/${mine.customerId}/credits`, { amount: 5, reason: huge }, 400],
      ['POST', `/api/public/customers/${mine.customerId}/credits`, { amount: 5, reason: 'x', mode: 'prod' }, 400],
      ['POST', `/api/public/customers/${mine.customerId}/credits`, { amount: 5, reason: 'x', customerId: other.customerId }, 400],
      ['POST', `/api/public/customers/${ghost}/credits`, { amount: 5, reason: 'x' }, 404],
      ['GET', `/api/public/customers/${mine.customerId}/credits?mode=prod`, undefined, 400],
      ['GET', `/api/public/customers/${mine.customerId}/credits?cursor=${Buffer.from('abc').toString('base64url')}`, undefined, 400],
      ['GET', `/api/public/customers/${ghost}/credits`, undefined, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const r = await op(method, path, body);
      expect(r.status, `${method} ${path.slice(0, 120)} ${JSON.stringify(body)?.slice(0, 80)} → ${r.text.slice(0, 300)}`).toBe(status);
      expectContractError(r, status);
    }
    const amountError = await op('POST', `/api/public/customers/${mine.customerId}/credits`, { amount: 0, reason: 'x' });
    expect(amountError.body.error.details.map((d: { field: string }) => d.field)).toContain('amount');
    // The foreign key survived the attempt on it.
    expect((await call(app.url, 'GET', '/v1/usage', { token: other.key })).status).toBe(200);
  });
});
