import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiClient } from '../client';
import { type TestApp, startTestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { call, newCustomerWithKey, operator } from '../support/operator';
import { waitFor } from '../support/process';
import { startRedis } from '../support/redis';

const SHARED_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let db: { url: string; drop: () => Promise<void> };
const apps: TestApp[] = [];

async function app(env: Record<string, string> = {}): Promise<TestApp> {
  const started = await startTestApp(db.url, { SIMULATOR_IMAGE_MS: '100', SIMULATOR_VIDEO_MS: '200', ...env });
  apps.push(started);
  return started;
}

async function planWith(baseUrl: string, limits: { requestsPerMinute?: number; maxConcurrentJobs?: number; maxQueuedJobs?: number }): Promise<string> {
  const code = `p${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const created = await operator(baseUrl)('POST', '/api/public/plans', {
    code,
    name: code,
    requestsPerMinute: 1000,
    maxConcurrentJobs: 10,
    maxQueuedJobs: 100,
    ...limits,
  });
  expect(created.status, created.text).toBe(201);
  return code;
}

async function secondKey(baseUrl: string, customerId: string): Promise<string> {
  const created = await operator(baseUrl)('POST', `/api/public/customers/${customerId}/api-keys`, { mode: 'test', name: 'second' });
  expect(created.status).toBe(201);
  return created.body.key as string;
}

const usage = (baseUrl: string, key: string) => call(baseUrl, 'GET', '/v1/usage', { token: key });

async function metric(baseUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

beforeAll(async () => {
  db = await createTestDatabase();
});

afterAll(async () => {
  for (const a of apps) {
    await a.close();
  }
  await db?.drop();
});

describe('per-key plan limit (in process)', () => {
  let gw: TestApp;
  beforeAll(async () => {
    // A 5-second window keeps the refill test short; the plan's budget counts per window.
    gw = await app({ RATE_LIMIT_WINDOW_SECONDS: '5' });
  });

  it('answers the 6th request of a 5/min key with 429 rate_limited, Retry-After and RateLimit-*; another key of the customer is unaffected; the budget refills', async () => {
    const plan = await planWith(gw.url, { requestsPerMinute: 5 });
    const { key, customerId } = await newCustomerWithKey(gw.url, 'test', { plan });
    const other = await secondKey(gw.url, customerId);

    for (let i = 1; i <= 5; i++) {
      const ok = await usage(gw.url, key);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-limit')).toBe('5');
      expect(ok.headers.get('ratelimit-remaining')).toBe(String(5 - i));
      expect(Number(ok.headers.get('ratelimit-reset'))).toBeGreaterThanOrEqual(1);
      expect(Number(ok.headers.get('ratelimit-reset'))).toBeLessThanOrEqual(5);
    }
    const limited = await usage(gw.url, key);
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(limited.body.error.requestId).toBe(limited.headers.get('x-request-id'));
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(5);
    expect(limited.headers.get('ratelimit-limit')).toBe('5');
    expect(limited.headers.get('ratelimit-remaining')).toBe('0');

    const unaffected = await usage(gw.url, other);
    expect(unaffected.status).toBe(200);
    expect(unaffected.headers.get('ratelimit-remaining')).toBe('4');

    // After Retry-After the window has ended: the whole budget is back.
    await new Promise((r) => setTimeout(r, retryAfter * 1000 + 100));
    const refilled = await usage(gw.url, key);
    expect(refilled.status).toBe(200);
    expect(refilled.headers.get('ratelimit-remaining')).toBe('4');
  });

  it('puts RateLimit-* on every authenticated /v1 answer, errors included, and counts every route in one budget', async () => {
    const plan = await planWith(gw.url, { requestsPerMinute: 50 });
    const { key } = await newCustomerWithKey(gw.url, 'test', { plan });
    const client = apiClient(gw.url, key);
    const responses = [
      (await client.GET('/v1/usage')).response,
      (await client.GET('/v1/jobs')).response,
      (await client.GET('/v1/jobs/{jobId}', { params: { path: { jobId: 'job_doesnotexist' } } })).response,
      (await client.POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': 'k1' } }, body: { prompt: 'x', quality: 'LOW', size: '1:1_SMALL' } })).response,
      (await client.POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': 'k2' } }, body: { prompt: '', quality: 'LOW', size: '1:1_SMALL' } })).response,
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 200, 404, 202, 400]);
    expect(responses.map((r) => r.headers.get('ratelimit-limit'))).toEqual(['50', '50', '50', '50', '50']);
    expect(responses.map((r) => r.headers.get('ratelimit-remaining'))).toEqual(['49', '48', '47', '46', '45']);
  });

  it('applies a plan change within seconds', async () => {
    const plan = await planWith(gw.url, { requestsPerMinute: 1000 });
    const { key } = await newCustomerWithKey(gw.url, 'test', { plan });
    expect((await usage(gw.url, key)).headers.get('ratelimit-limit')).toBe('1000');
    expect((await operator(gw.url)('PATCH', `/api/public/plans/${plan}`, { requestsPerMinute: 3 })).status).toBe(200);
    const applied = await waitFor(async () => (await usage(gw.url, key)).headers.get('ratelimit-limit') === '3', 10_000, 200);
    expect(applied).toBe(true);
  });
});

describe('generate bucket and operator API limit', () => {
  it('limits generate requests with GENERATE_REQUESTS_PER_MINUTE on top of the plan, leaving other routes to the plan budget', async () => {
    const gw = await app({ GENERATE_REQUESTS_PER_MINUTE: '2' });
    const { key } = await newCustomerWithKey(gw.url, 'test');
    const client = apiClient(gw.url, key);
    const generate = (k: string) => client.POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': k } }, body: { prompt: 'a cat', quality: 'LOW', size: '1:1_SMALL' } });
    const first = await generate('g1');
    expect(first.response.status).toBe(202);
    expect(first.response.headers.get('ratelimit-limit')).toBe('2');
    expect(first.response.headers.get('ratelimit-remaining')).toBe('1');
    expect((await generate('g2')).response.status).toBe(202);
    const third = await generate('g3');
    expect(third.response.status).toBe(429);
    expect(third.error).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    expect(Number(third.response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // The rest of the API still answers, under the plan's (default: 120) budget.
    const list = await client.GET('/v1/jobs');
    expect(list.response.status).toBe(200);
    expect(list.response.headers.get('ratelimit-limit')).toBe('120');
  });

  it('limits the operator API per credential (OPERATOR_REQUESTS_PER_MINUTE)', async () => {
    const gw = await app({ OPERATOR_REQUESTS_PER_MINUTE: '3' });
    const op = operator(gw.url);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await op('GET', '/api/public/plans')).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    const last = await op('GET', '/api/public/plans');
    expect(last.body.error.code).toBe('rate_limited');
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // A request without a valid credential is refused before it is counted.
    expect((await call(gw.url, 'GET', '/api/public/plans')).status).toBe(401);
  });
});

describe('across instances', () => {
  it('two instances sharing Redis allow 10 requests in total for a 10/min key, not 20', async () => {
    const env = { REDIS_URL: SHARED_REDIS, REDIS_KEY_PREFIX: `test-${randomUUID()}` };
    const [a, b] = [await app(env), await app(env)];
    const plan = await planWith(a.url, { requestsPerMinute: 10 });
    const { key } = await newCustomerWithKey(a.url, 'test', { plan });
    const statuses: number[] = [];
    for (let i = 0; i < 20; i++) {
      statuses.push((await usage(i % 2 === 0 ? a.url : b.url, key)).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.slice(10)).toEqual(Array(10).fill(429));
    expect(await metric(a.url, 'throttle_redis_fallback_total')).toBe(0);
    expect(await metric(a.url, 'throttle_redis_up')).toBe(1);
  });

  it('without Redis each instance enforces its own budget (documented): 10/min per instance', async () => {
    const [a, b] = [await app(), await app()];
    const plan = await planWith(a.url, { requestsPerMinute: 10 });
    const { key } = await newCustomerWithKey(a.url, 'test', { plan });
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      statuses.push((await usage(i % 2 === 0 ? a.url : b.url, key)).status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
  });

  it('keeps serving when Redis stops mid-test, falling back to per-process limits, logged and counted', async () => {
    const redis = await startRedis();
    try {
      const gw = await app({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: `test-${randomUUID()}` });
      const plan = await planWith(gw.url, { requestsPerMinute: 5 });
      const { key } = await newCustomerWithKey(gw.url, 'test', { plan });
      expect((await usage(gw.url, key)).status).toBe(200);
      expect(await metric(gw.url, 'throttle_redis_fallback_total')).toBe(0);

      await redis.stop();
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await usage(gw.url, key)).status);
      }
      // Served, and still limited: the in-process limiter counts from zero.
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
      expect(await metric(gw.url, 'throttle_redis_fallback_total')).toBeGreaterThanOrEqual(6);
      expect(await metric(gw.url, 'throttle_redis_up')).toBe(0);
      expect(gw.logs.some((l) => l.includes('Redis unreachable'))).toBe(true);
    } finally {
      await redis.stop();
    }
  });
});

/** Cancels a job, retrying while the scheduler holds it (the API answers 409 `job_not_cancelable` "retry in a moment" then). */
async function cancel(client: ReturnType<typeof apiClient>, jobId: string): Promise<boolean> {
  return waitFor(async () => (await client.POST('/v1/jobs/{jobId}/cancel', { params: { path: { jobId } } })).data?.status === 'canceled', 10_000, 100);
}

describe('concurrency limit (enforced in the generate transaction)', () => {
  it('answers a third concurrent generate of a 2-job plan with 429 that reserves nothing, and accepts it once a job ends', async () => {
    const gw = await app();
    const plan = await planWith(gw.url, { maxConcurrentJobs: 2 });
    const { key } = await newCustomerWithKey(gw.url, 'test', { plan });
    const client = apiClient(gw.url, key);
    const generate = (k: string) =>
      client.POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': k } }, body: { prompt: 'a lighthouse [sim:stall]', quality: 'LOW', size: '1:1_SMALL' } });

    const first = await generate('c1');
    const second = await generate('c2');
    expect([first.response.status, second.response.status]).toEqual([202, 202]);
    const before = (await client.GET('/v1/usage')).data!;
    expect(before.creditsReserved).toBe(40);

    const third = await generate('c3');
    expect(third.response.status).toBe(429);
    expect(third.error).toMatchObject({ ok: false, error: { status: 429, code: 'rate_limited' } });
    expect(Number(third.response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const after = (await client.GET('/v1/usage')).data!;
    expect(after).toMatchObject({ creditsReserved: 40, creditsBalance: before.creditsBalance });
    expect((await client.GET('/v1/jobs')).data!.data).toHaveLength(2);

    // A job ends (canceled): the next generate — same Idempotency-Key, which the 429 did not consume — is accepted.
    expect(await cancel(client, first.data!.jobId)).toBe(true);
    const retried = await generate('c3');
    expect(retried.response.status).toBe(202);
    expect(retried.response.headers.get('idempotent-replayed')).toBeNull();
    expect((await client.GET('/v1/usage')).data!.creditsReserved).toBe(40);
    expect(await cancel(client, second.data!.jobId)).toBe(true);
    expect(await cancel(client, retried.data!.jobId)).toBe(true);
  });

  it('accepts the next generate once a running job succeeds on the simulator', async () => {
    // Jobs take 3 s here: the 429 below is sent milliseconds after the jobs were created.
    const gw = await app({ SIMULATOR_IMAGE_MS: '3000' });
    const plan = await planWith(gw.url, { maxConcurrentJobs: 2 });
    const { key } = await newCustomerWithKey(gw.url, 'test', { plan });
    const client = apiClient(gw.url, key);
    const generate = (k: string, prompt: string) =>
      client.POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': k } }, body: { prompt, quality: 'LOW', size: '1:1_SMALL' } });
    const stalled = await generate('n1', 'a harbour [sim:stall]');
    const running = await generate('n2', 'a harbour');
    expect([stalled.response.status, running.response.status]).toEqual([202, 202]);
    expect((await generate('n3', 'a harbour')).response.status).toBe(429);

    const succeeded = await waitFor(async () => (await client.GET('/v1/jobs/{jobId}', { params: { path: { jobId: running.data!.jobId } } })).data?.status === 'succeeded', 20_000, 250);
    expect(succeeded).toBe(true);
    const next = await generate('n3', 'a harbour');
    expect(next.response.status).toBe(202);
    expect(await cancel(client, stalled.data!.jobId)).toBe(true);
  });
});
