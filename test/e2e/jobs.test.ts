import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMp4Info, readPngInfo } from '@app/simulation';
import { apiClient, type components } from '../client';
import { createTestDatabase } from '../support/database';
import { operator, newCustomerWithKey } from '../support/operator';
import { waitFor } from '../support/process';
import { type TestApp, startTestApp } from '../support/app';

const SIM = { SIMULATOR_IMAGE_MS: '150', SIMULATOR_VIDEO_MS: '300', TEST_MODE_DEADLINE_SECONDS: '3' };

let app: TestApp;
let db: { url: string; drop: () => Promise<void> };
let pg: Client;

beforeAll(async () => {
  db = await createTestDatabase();
  app = await startTestApp(db.url, SIM);
  pg = new Client({ connectionString: db.url });
  await pg.connect();
});

afterAll(async () => {
  // Money is exact after everything this file did: every balance equals its ledger.
  const { rows } = await pg.query(`
    SELECT a.customer_id, a.mode, a.balance, a.reserved, COALESCE(sum(e.balance_delta), 0) AS b, COALESCE(sum(e.reserved_delta), 0) AS r
      FROM credit_accounts a LEFT JOIN ledger_entries e ON e.customer_id = a.customer_id AND e.mode = a.mode
     GROUP BY a.customer_id, a.mode, a.balance, a.reserved
    HAVING a.balance <> COALESCE(sum(e.balance_delta), 0) OR a.reserved <> COALESCE(sum(e.reserved_delta), 0)`);
  expect(rows).toEqual([]);
  await pg.end();
  await app?.close();
  await db?.drop();
});

type JobView = components['schemas']['JobResponseDto'];

async function waitForStatus(client: ReturnType<typeof apiClient>, jobId: string, statuses: string[], ms = 15_000): Promise<JobView> {
  let last: JobView | undefined;
  const ok = await waitFor(async () => {
    const { data } = await client.GET('/v1/jobs/{jobId}', { params: { path: { jobId } } });
    last = data;
    return data !== undefined && statuses.includes(data.status);
  }, ms, 100);
  expect(ok, `job ${jobId} ended as ${JSON.stringify(last)}`).toBe(true);
  return last!;
}

async function ledger(jobId: string) {
  const { rows } = await pg.query(`SELECT kind, balance_delta::int AS "balanceDelta", reserved_delta::int AS "reservedDelta" FROM ledger_entries WHERE job_id = $1 ORDER BY id`, [jobId]);
  return rows;
}

describe('an image job with a test key, through the generated client', () => {
  it('reserves, runs on the simulator, stores a real PNG we serve ourselves, and captures exactly once', async () => {
    const { key } = await newCustomerWithKey(app.url, 'test');
    const client = apiClient(app.url, key);
    const before = (await client.GET('/v1/usage')).data!;
    const created = await client.POST('/v1/images/generate', {
      params: { header: { 'Idempotency-Key': 'life-1' } },
      body: { prompt: '  cinematic product photo  ', quality: 'MEDIUM', size: '16:9_SMALL' },
    });
    expect(created.response.status).toBe(202);
    expect(created.data).toMatchObject({ ok: true, status: 'processing', type: 'image', chargedCredits: 50 });
    const jobId = created.data!.jobId;
    expect(jobId).toMatch(/^job_/);
    const during = (await client.GET('/v1/usage')).data!;
    expect(during.creditsReserved - before.creditsReserved).toBe(50);

    const done = await waitForStatus(client, jobId, ['succeeded', 'failed']);
    expect(done).toMatchObject({ status: 'succeeded', chargedCredits: 50, refundedCredits: 0, error: null });
    expect(done.completedAt).not.toBeNull();

    const result = await client.GET('/v1/jobs/{jobId}/result', { params: { path: { jobId } } });
    expect(result.response.status).toBe(200);
    expect(result.data).toMatchObject({ ok: true, jobId, type: 'image', contentType: 'image/png' });
    expect(result.data!.url.startsWith(app.config.publicBaseUrl + '/files/')).toBe(true);
    const download = await fetch(result.data!.url.replace(app.config.publicBaseUrl, app.url));
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await download.arrayBuffer());
    expect(Number(download.headers.get('content-length'))).toBe(png.length);
    expect(readPngInfo(png)).toMatchObject({ width: 96, height: 54 });

    expect(await ledger(jobId)).toEqual([
      { kind: 'reserve', balanceDelta: 0, reservedDelta: 50 },
      { kind: 'capture', balanceDelta: -50, reservedDelta: -50 },
    ]);
    const after = (await client.GET('/v1/usage')).data!;
    expect(after.creditsBalance).toBe(before.creditsBalance - 50);
    expect(after.creditsReserved).toBe(before.creditsReserved);
  });

  it('a video job stores a real MP4 and serves byte ranges', async () => {
    const { key } = await newCustomerWithKey(app.url, 'test');
    const client = apiClient(app.url, key);
    const created = await client.POST('/v1/videos/generate', {
      params: { header: { 'Idempotency-Key': 'video-1' } },
      body: { prompt: 'drone shot over rice fields', size: '9:16_SMALL', duration: 15, motionHasAudio: true },
    });
    expect(created.data).toMatchObject({ type: 'video', chargedCredits: 9000 });
    await waitForStatus(client, created.data!.jobId, ['succeeded']);
    const result = (await client.GET('/v1/jobs/{jobId}/result', { params: { path: { jobId: created.data!.jobId } } })).data!;
    expect(result.contentType).toBe('video/mp4');
    const url = result.url.replace(app.config.publicBaseUrl, app.url);
    const full = Buffer.from(await (await fetch(url)).arrayBuffer());
    expect(readMp4Info(full)).toBeDefined();
    const part = await fetch(url, { headers: { range: 'bytes=0-99' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(full.subarray(0, 100));
  });

  it('a failing job is failed with a provider-neutral error and its reservation released in full', async () => {
    const { key } = await newCustomerWithKey(app.url, 'test');
    const client = apiClient(app.url, key);
    const created = await client.POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': 'fail-1' } }, body: { prompt: 'a cat [sim:fail]' } });
    const jobId = created.data!.jobId;
    const done = await waitForStatus(client, jobId, ['succeeded', 'failed']);
    expect(done).toMatchObject({ status: 'failed', chargedCredits: 20, refundedCredits: 20, error: { code: 'generation_failed' } });
    expect(await ledger(jobId)).toEqual([
      { kind: 'reserve', balanceDelta: 0, reservedDelta: 20 },
      { kind: 'release', balanceDelta: 0, reservedDelta: -20 },
    ]);
    const result = await client.GET('/v1/jobs/{jobId}/result', { params: { path: { jobId } } });
    expect(result.response.status).toBe(409);
    expect(result.error?.error.code).toBe('job_failed');
  });

  it('a stalled job fails at its deadline and is refunded', async () => {
    const { key } = await newCustomerWithKey(app.url, 'test');
    const client = apiClient(app.url, key);
    const created = await client.POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': 'stall-1' } }, body: { prompt: 'a cat [sim:stall]' } });
    const done = await waitForStatus(client, created.data!.jobId, ['failed', 'succeeded'], 20_000);
    expect(done).toMatchObject({ status: 'failed', refundedCredits: 20, error: { code: 'timeout' } });
  });

  it('a flaky provider (a transient error first) still completes', async () => {
    const { key } = await newCustomerWithKey(app.url, 'test');
    const client = apiClient(app.url, key);
    const created = await client.POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': 'flaky-1' } }, body: { prompt: 'a cat [sim:flaky]' } });
    expect((await waitForStatus(client, created.data!.jobId, ['failed', 'succeeded'])).status).toBe('succeeded');
  });

  it('result before success is 409 job_not_ready', async () => {
    const { key } = await newCustomerWithKey(app.url, 'test');
    const client = apiClient(app.url, key);
    const created = await client.POST('/v1/videos/generate', { params: { header: { 'Idempotency-Key': 'slow-1' } }, body: { prompt: 'waves [sim:slow]' } });
    const result = await client.GET('/v1/jobs/{jobId}/result', { params: { path: { jobId: created.data!.jobId } } });
    expect(result.response.status).toBe(409);
    expect(result.error?.error.code).toBe('job_not_ready');
  });
});

describe('idempotency', () => {
  it('50 concurrent identical requests with one key create one job and one reservation', async () => {
    const { key, customerId } = await newCustomerWithKey(app.url, 'test');
    const client = apiClient(app.url, key);
    const body = { prompt: 'same request', quality: 'LOW' as const };
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => client.POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': 'race-1' } }, body })),
    );
    const ids = new Set(answers.map((a) => a.data?.jobId));
    expect(answers.map((a) => a.response.status).every((s) => s === 202)).toBe(true);
    expect(ids.size).toBe(1);
    expect(answers.filter((a) => a.response.headers.get('idempotent-replayed') === 'true')).toHaveLength(49);
    const { rows } = await pg.query(`SELECT count(*)::int AS n FROM ledger_entries WHERE customer_id = $1 AND kind = 'reserve'`, [customerId]);
    expect(rows[0].n).toBe(1);
    const jobs = await pg.query(`SELECT count(*)::int AS n FROM jobs WHERE customer_id = $1`, [customerId]);
    expect(jobs.rows[0].n).toBe(1);

    // Spelling out a default is the same request; another body is a conflict.
    const same = await client.POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': 'race-1' } }, body: { ...body, size: '1:1_SMALL' } });
    expect(same.response.status).toBe(202);
    expect(same.data?.jobId).toBe([...ids][0]);
    const other = await client.POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': 'race-1' } }, body: { prompt: 'another request' } });
    expect(other.response.status).toBe(409);
    expect(other.error?.error.code).toBe('idempotency_conflict');
    const video = await client.POST('/v1/videos/generate', { params: { header: { 'Idempotency-Key': 'race-1' } }, body: { prompt: 'same request' } });
    expect(video.response.status).toBe(409);
  });

  it('keys are scoped per customer and mode', async () => {
    const a = await newCustomerWithKey(app.url, 'test');
    const b = await newCustomerWithKey(app.url, 'test');
    const ja = await apiClient(app.url, a.key).POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': 'shared' } }, body: { prompt: 'x' } });
    const jb = await apiClient(app.url, b.key).POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': 'shared' } }, body: { prompt: 'y' } });
    expect(ja.response.status).toBe(202);
    expect(jb.response.status).toBe(202);
    expect(ja.data!.jobId).not.toBe(jb.data!.jobId);
  });

  it('a request refused before the job exists does not consume its key', async () => {
    const { key, customerId } = await newCustomerWithKey(app.url, 'test');
    const op = operator(app.url);
    const client = apiClient(app.url, key);
    // Drain the test balance to 10 credits.
    const usage = (await client.GET('/v1/usage')).data!;
    expect((await op('POST', `/api/public/customers/${customerId}/credits`, { amount: -(usage.creditsBalance - 10), reason: 'drain', mode: 'test' })).status).toBe(200);
    const low = await client.POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': 'retry-me' } }, body: { prompt: 'x' } });
    expect(low.response.status).toBe(402);
    expect(low.error?.error).toMatchObject({ code: 'balance_low', available: 10, required: 20 });
    const reserved = await pg.query(`SELECT reserved::int FROM credit_accounts WHERE customer_id = $1 AND mode = 'test'`, [customerId]);
    expect(reserved.rows[0].reserved).toBe(0);
    await op('POST', `/api/public/customers/${customerId}/credits`, { amount: 100, reason: 'top up', mode: 'test' });
    const ok = await client.POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': 'retry-me' } }, body: { prompt: 'x' } });
    expect(ok.response.status).toBe(202);
    expect(ok.response.headers.get('idempotent-replayed')).toBeNull();
  });
});

describe('limits, cancellation and bad input', () => {
  it('a third concurrent job over a limit of 2 is 429 and reserves nothing; when one ends the next is accepted', async () => {
    const op = operator(app.url);
    expect((await op('POST', '/api/public/plans', { code: 'two', name: 'Two at once', requestsPerMinute: 1000, maxConcurrentJobs: 2, maxQueuedJobs: 0 })).status).toBe(201);
    const { key, customerId } = await newCustomerWithKey(app.url, 'test', { plan: 'two' });
    const client = apiClient(app.url, key);
    const gen = (k: string, prompt = 'waves [sim:slow]') => client.POST('/v1/videos/generate', { params: { header: { 'Idempotency-Key': k } }, body: { prompt } });
    const first = await gen('c1');
    expect((await gen('c2')).response.status).toBe(202);
    const before = await pg.query(`SELECT reserved::int FROM credit_accounts WHERE customer_id = $1 AND mode = 'test'`, [customerId]);
    const third = await gen('c3');
    expect(third.response.status).toBe(429);
    expect(third.error?.error.code).toBe('rate_limited');
    expect(Number(third.response.headers.get('retry-after'))).toBeGreaterThan(0);
    const after = await pg.query(`SELECT reserved::int FROM credit_accounts WHERE customer_id = $1 AND mode = 'test'`, [customerId]);
    expect(after.rows[0].reserved).toBe(before.rows[0].reserved);

    const canceled = await client.POST('/v1/jobs/{jobId}/cancel', { params: { path: { jobId: first.data!.jobId } } });
    expect(canceled.response.status).toBe(200);
    expect(canceled.data).toMatchObject({ status: 'canceled', refundedCredits: 2500 });
    expect((await gen('c3')).response.status).toBe(202);
    const again = await client.POST('/v1/jobs/{jobId}/cancel', { params: { path: { jobId: first.data!.jobId } } });
    expect(again.response.status).toBe(409);
    expect(again.error?.error.code).toBe('job_not_cancelable');
  });

  it('another customer’s job id is not found, on every job route', async () => {
    const a = await newCustomerWithKey(app.url, 'test');
    const b = await newCustomerWithKey(app.url, 'test');
    const job = (await apiClient(app.url, a.key).POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': 'mine' } }, body: { prompt: 'x' } })).data!;
    const other = apiClient(app.url, b.key);
    const path = { params: { path: { jobId: job.jobId } } };
    for (const res of [await other.GET('/v1/jobs/{jobId}', path), await other.GET('/v1/jobs/{jobId}/result', path), await other.POST('/v1/jobs/{jobId}/cancel', path)]) {
      expect(res.response.status).toBe(404);
      expect(res.error?.error.code).toBe('not_found');
    }
    const list = await other.GET('/v1/jobs', {});
    expect(list.data!.data.map((j) => j.jobId)).not.toContain(job.jobId);
    // A live key does not see test-mode jobs either.
    const live = await newCustomerWithKey(app.url, 'live');
    expect((await apiClient(app.url, live.key).GET('/v1/jobs/{jobId}', path)).response.status).toBe(404);
  });

  it('lists newest first with cursor pagination and filters', async () => {
    const { key } = await newCustomerWithKey(app.url, 'test');
    const client = apiClient(app.url, key);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await client.POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': `l${i}` } }, body: { prompt: `p${i}` } })).data!.jobId);
    }
    ids.push((await client.POST('/v1/videos/generate', { params: { header: { 'Idempotency-Key': 'lv' } }, body: { prompt: 'v' } })).data!.jobId);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await client.GET('/v1/jobs', { params: { query: { limit: 4, cursor } } });
      seen.push(...page.data!.data.map((j) => j.jobId));
      cursor = page.data!.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const videos = await client.GET('/v1/jobs', { params: { query: { type: 'video' } } });
    expect(videos.data!.data.map((j) => j.jobId)).toEqual([ids[5]]);
    const bad = await client.GET('/v1/jobs', { params: { query: { limit: 1000 } } });
    expect(bad.response.status).toBe(400);
    const badCursor = await client.GET('/v1/jobs', { params: { query: { cursor: 'bm90IGEgY3Vyc29y!' } } });
    expect(badCursor.response.status).toBe(400);
  });

  it('rejects bad generate input with 400 listing every bad field, and reserves nothing', async () => {
    const { key, customerId } = await newCustomerWithKey(app.url, 'test');
    const post = (path: string, body: unknown, headers: Record<string, string> = { 'idempotency-key': `k${Math.random()}` }) =>
      fetch(`${app.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
    const cases: [string, unknown, string[]][] = [
      ['/v1/images/generate', {}, ['prompt']],
      ['/v1/images/generate', { prompt: '   ' }, ['prompt']],
      ['/v1/images/generate', { prompt: 'x'.repeat(4001) }, ['prompt']],
      ['/v1/images/generate', { prompt: 42, quality: 'HIGH', size: '4:3', extra: 1 }, ['prompt', 'quality', 'size', 'extra']],
      ['/v1/videos/generate', { prompt: 'x', duration: 16, motionHasAudio: 'yes' }, ['duration', 'motionHasAudio']],
      ['/v1/videos/generate', { prompt: 'x', duration: '5' }, ['duration']],
      ['/v1/videos/generate', { prompt: 'x', duration: 4.5 }, ['duration']],
      ['/v1/videos/generate', { prompt: 'x', duration: 1e308 }, ['duration']],
      ['/v1/videos/generate', { prompt: 'x', assetIds: Array.from({ length: 10 }, () => 'ast_000000000000000000000000') }, ['assetIds']],
      ['/v1/images/generate', { prompt: 'x', referenceImage: { strength: 'LOW' } }, ['referenceImage']],
      ['/v1/images/generate', { prompt: 'x', referenceImage: { imageUrl: 'https://a.example/x.png', base64: 'AAAA' } }, ['referenceImage']],
      ['/v1/images/generate', { prompt: 'x', referenceImage: { imageUrl: 'http://a.example/x.png' } }, ['referenceImage.imageUrl']],
      ['/v1/images/generate', [1, 2], []],
      ['/v1/images/generate', 'null', []],
    ];
    for (const [path, body, fields] of cases) {
      const res = await post(path, body);
      expect(res.status, JSON.stringify(body).slice(0, 100)).toBe(400);
      const json = await res.json();
      expect(json.error.code).toBe('invalid_request');
      for (const field of fields) {
        expect(json.error.details.map((d: { field: string }) => d.field), JSON.stringify(body).slice(0, 100)).toContain(field);
      }
    }
    const missingKey = await post('/v1/images/generate', { prompt: 'x' }, {});
    expect(missingKey.status).toBe(400);
    expect((await missingKey.json()).error.code).toBe('idempotency_key_missing');
    const longKey = await post('/v1/images/generate', { prompt: 'x' }, { 'idempotency-key': 'k'.repeat(256) });
    expect(longKey.status).toBe(400);
    const assetInPrompt = await post('/v1/videos/generate', { prompt: 'make asset://ast_abc dance' });
    expect(assetInPrompt.status).toBe(400);
    expect((await assetInPrompt.json()).error.message).toContain('Image 1');
    const { rows } = await pg.query(`SELECT count(*)::int AS n FROM jobs WHERE customer_id = $1`, [customerId]);
    expect(rows[0].n).toBe(0);
    for (const id of ['job_x', 'not-an-id', `job_${'0'.repeat(24)}`, "job_'; DROP TABLE jobs; --"]) {
      const res = await fetch(`${app.url}/v1/jobs/${encodeURIComponent(id)}`, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status).toBe(404);
    }
  });

  it('live mode with no provider account answers 503 and reserves nothing', async () => {
    const { key, customerId } = await newCustomerWithKey(app.url, 'live');
    await operator(app.url)('POST', `/api/public/customers/${customerId}/credits`, { amount: 1000, reason: 'live credits' });
    const res = await apiClient(app.url, key).POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': 'live-1' } }, body: { prompt: 'x' } });
    expect(res.response.status).toBe(503);
    expect(res.error?.error.code).toBe('unavailable');
    const { rows } = await pg.query(`SELECT reserved::int FROM credit_accounts WHERE customer_id = $1 AND mode = 'live'`, [customerId]);
    expect(rows[0].reserved).toBe(0);
  });
});
