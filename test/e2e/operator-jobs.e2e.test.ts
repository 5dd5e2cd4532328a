import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestApp, startTestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { call, newCustomerWithKey, operator } from '../support/operator';
import { waitFor } from '../support/process';

describe('operator job views and overview', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: TestApp;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startTestApp(db.url, { SIMULATOR_IMAGE_MS: '100' });
  });
  afterAll(async () => {
    await app.close();
    await db.drop();
  });

  it('lists jobs of any customer with filters and shows one with its timeline, provider placement and a result link', async () => {
    const op = operator(app.url);
    const a = await newCustomerWithKey(app.url, 'test');
    const b = await newCustomerWithKey(app.url, 'test');
    const created = await call(app.url, 'POST', '/v1/images/generate', { token: a.key, body: { prompt: 'a lighthouse' }, headers: { 'idempotency-key': 'op-jobs-1' } });
    expect(created.status).toBe(202);
    const jobId = created.body.jobId as string;
    await call(app.url, 'POST', '/v1/images/generate', { token: b.key, body: { prompt: 'another' }, headers: { 'idempotency-key': 'op-jobs-2' } });

    await waitFor(async () => (await op('GET', `/api/public/jobs/${jobId}`)).body.job.status === 'succeeded', 20_000);
    const detail = await op('GET', `/api/public/jobs/${jobId}`);
    expect(detail.status).toBe(200);
    expect(detail.body.job).toMatchObject({ jobId, customerId: a.customerId, mode: 'test', type: 'image', status: 'succeeded', prompt: 'a lighthouse', providerTaskId: expect.any(String) });
    expect(detail.body.job.events.map((e: { kind: string }) => e.kind)).toEqual(['created', 'submitted', 'settled']);
    expect(detail.body.job.result.contentType).toBe('image/png');
    const file = await fetch(`${app.url}${new URL(detail.body.job.result.url as string).pathname}${new URL(detail.body.job.result.url as string).search}`);
    expect(file.status).toBe(200);
    expect(JSON.stringify(detail.body)).not.toMatch(/apiKey|secret|credential/i);

    const onlyA = await op('GET', `/api/public/jobs?customerId=${a.customerId}`);
    expect(onlyA.body.data.map((j: { jobId: string }) => j.jobId)).toEqual([jobId]);
    const all = await op('GET', '/api/public/jobs?limit=1');
    expect(all.body.data).toHaveLength(1);
    expect(all.body.nextCursor).toEqual(expect.any(String));
    expect((await op('GET', '/api/public/jobs?status=nope')).status).toBe(400);
    expect((await op('GET', '/api/public/jobs/job_doesnotexist')).status).toBe(404);
    expect((await call(app.url, 'GET', '/api/public/jobs', { token: a.key })).status).toBe(401);

    const overview = await op('GET', '/api/public/overview');
    expect(overview.status).toBe(200);
    expect(overview.body.credits.test.balance).toBeGreaterThan(0);
    expect(overview.body.jobsLast24h.succeeded + overview.body.jobsLast24h.processing + overview.body.jobsLast24h.queued).toBe(2);
    expect(typeof overview.body.schedulerLagSeconds).toBe('number');
  });
});
