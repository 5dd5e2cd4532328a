import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretBox } from '@app/common';
import { SAMPLE_MP4, readPngInfo, syntheticPng } from '@app/simulation';
import { type ProviderSim, createProviderSim } from '../../apps/provider-sim/src';
import { createTestDatabase } from '../support/database';
import { type HttpResult, call, newCustomerWithKey, operator } from '../support/operator';
import { waitFor } from '../support/process';
import { TEST_SECRETS_KEY, type TestApp, startTestApp } from '../support/app';

// Bodies are checked field by field; typing them would only restate the assertions.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

let app: TestApp;
let sim: ProviderSim;
let db: { url: string; drop: () => Promise<void> };
let pg: Client;
/** Every secret handed to the gateway: none may appear in a response or a log line. */
const secrets: string[] = [];
/** Every response body the gateway gave in this file. */
const responses: string[] = [];
let op: (method: string, path: string, body?: unknown) => Promise<HttpResult>;
let n = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  sim = await createProviderSim({ switches: { taskQueuedMs: 30, taskRunningMs: 60 } });
  app = await startTestApp(db.url, { PROVIDER_POLL_FIRST_MS: '50', PROVIDER_POLL_MAX_MS: '200', PROVIDER_COOLDOWN_SECONDS: '120', PROVIDER_BREAKER_THRESHOLD: '2' });
  pg = new Client({ connectionString: db.url });
  await pg.connect();
  const raw = operator(app.url);
  op = async (method, path, body) => {
    const res = await raw(method, path, body);
    responses.push(res.text);
    return res;
  };
});

afterAll(async () => {
  // Money is exact: every balance equals its ledger.
  const { rows } = await pg.query(`
    SELECT a.customer_id FROM credit_accounts a LEFT JOIN ledger_entries e ON e.customer_id = a.customer_id AND e.mode = a.mode
     GROUP BY a.customer_id, a.mode, a.balance, a.reserved
    HAVING a.balance <> COALESCE(sum(e.balance_delta), 0) OR a.reserved <> COALESCE(sum(e.reserved_delta), 0)`);
  expect(rows).toEqual([]);
  await pg.end();
  await app?.close();
  await sim?.close();
  await db?.drop();
});

/** An APIYI key the simulator knows, imported into the pool at `priority`. */
async function addAccount(priority: number, options: { accessToken?: boolean; quota?: number } = {}): Promise<{ id: string; key: string; token?: string }> {
  n += 1;
  const key = `sk-pool${n}-${Math.random().toString(36).slice(2)}0000000000`;
  const token = options.accessToken ? `tok-pool${n}-${Math.random().toString(36).slice(2)}000000` : undefined;
  sim.control.upsertApiyiAccount({ key, accessToken: token, quota: options.quota });
  secrets.push(key, ...(token ? [token] : []));
  const res = await op('POST', '/api/accounts', {
    provider: 'apiyi',
    label: `pool ${n}`,
    baseUrl: sim.url,
    credentials: token ? { apiKey: key, accessToken: token } : { apiKey: key },
    priority,
  });
  expect(res.status, res.text).toBe(201);
  return { id: res.body.account.id, key, token };
}

async function liveCustomer(credits = 200_000) {
  const c = await newCustomerWithKey(app.url, 'live');
  secrets.push(c.key);
  const top = await op('POST', `/api/public/customers/${c.customerId}/credits`, { amount: credits, reason: 'test', mode: 'live' });
  expect(top.status).toBe(200);
  return c;
}

async function generate(key: string, kind: 'images' | 'videos', body: Record<string, unknown>, idem = `k-${Math.random()}`): Promise<HttpResult> {
  const res = await call(app.url, 'POST', `/v1/${kind}/generate`, { token: key, body, headers: { 'idempotency-key': idem } });
  responses.push(res.text);
  return res;
}

async function waitForJob(key: string, jobId: string, statuses = ['succeeded', 'failed', 'canceled']): Promise<Json> {
  let last: Json;
  const ok = await waitFor(
    async () => {
      const res = await call(app.url, 'GET', `/v1/jobs/${jobId}`, { token: key });
      responses.push(res.text);
      last = res.body;
      return statuses.includes(last?.status);
    },
    20_000,
    50,
  );
  expect(ok, `job ${jobId} ended as ${JSON.stringify(last)}`).toBe(true);
  return last;
}

async function jobRow(jobId: string) {
  const { rows } = await pg.query(`SELECT provider, provider_account_id AS "accountId", provider_task_id AS "taskId" FROM jobs WHERE id = $1`, [jobId]);
  return rows[0];
}

async function ledger(jobId: string) {
  const { rows } = await pg.query(`SELECT kind, balance_delta::int AS "balanceDelta", reserved_delta::int AS "reservedDelta" FROM ledger_entries WHERE job_id = $1 ORDER BY id`, [jobId]);
  return rows;
}

async function account(id: string): Promise<Json> {
  const res = await op('GET', `/api/accounts/${id}`);
  expect(res.status).toBe(200);
  return res.body.account;
}

describe('a live video job on the account pool', () => {
  it('runs on the simulator once, stores the mp4 itself, serves it from our URL and captures exactly once', async () => {
    const a = await addAccount(100);
    const { key } = await liveCustomer();
    const created = await generate(key, 'videos', { prompt: 'drone shot over rice fields', duration: 5, size: '16:9_SMALL' });
    expect(created.status, created.text).toBe(202);
    const jobId = created.body.jobId;
    const row = await jobRow(jobId);
    expect(row).toMatchObject({ provider: 'apiyi', accountId: a.id });

    const done = await waitForJob(key, jobId);
    expect(done).toMatchObject({ status: 'succeeded', chargedCredits: 2500, refundedCredits: 0, error: null });
    expect(sim.control.callCount('seedance.create', a.key)).toBe(1);
    const task = sim.control.tasks.get((await jobRow(jobId)).taskId)!;
    // Audio is always said explicitly; sizes come from the one table.
    expect(task.request).toMatchObject({ generate_audio: false, ratio: '16:9', resolution: '480p', duration: 5, model: 'doubao-seedance-2-0-fast-260128' });

    const result = await call(app.url, 'GET', `/v1/jobs/${jobId}/result`, { token: key });
    expect(result.status).toBe(200);
    expect(result.body.contentType).toBe('video/mp4');
    expect(result.body.url.startsWith(`${app.config.publicBaseUrl}/files/`)).toBe(true);
    expect(result.body.url).not.toContain(sim.url);
    const videoFetches = sim.control.callCount('files.video');
    const download = await fetch(result.body.url.replace(app.config.publicBaseUrl, app.url));
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).equals(SAMPLE_MP4)).toBe(true);
    // Served from our storage: the upstream URL was not fetched again.
    expect(sim.control.callCount('files.video')).toBe(videoFetches);

    expect(await ledger(jobId)).toEqual([
      { kind: 'reserve', balanceDelta: 0, reservedDelta: 2500 },
      { kind: 'capture', balanceDelta: -2500, reservedDelta: -2500 },
    ]);
    const listed = await op('GET', '/api/accounts?provider=apiyi');
    expect(listed.body.data.find((x: Json) => x.id === a.id)).toMatchObject({ status: 'active', credentialsHint: expect.stringMatching(/^sk-…/) });
  });

  it('a task the provider fails ends failed with a provider-neutral error and a full refund', async () => {
    const a = await addAccount(200);
    const { key } = await liveCustomer();
    const created = await generate(key, 'videos', { prompt: 'this will fail [sim:fail]', duration: 4 });
    expect(created.status).toBe(202);
    const done = await waitForJob(key, created.body.jobId);
    expect(done).toMatchObject({ status: 'failed', chargedCredits: 2000, refundedCredits: 2000, error: { code: 'generation_failed' } });
    expect(done.error.message).not.toMatch(/InternalServiceError|sim/);
    expect(await ledger(created.body.jobId)).toEqual([
      { kind: 'reserve', balanceDelta: 0, reservedDelta: 2000 },
      { kind: 'release', balanceDelta: 0, reservedDelta: -2000 },
    ]);
    expect((await account(a.id)).status).toBe('active');
  });

  it('a 429 cools the account down (recorded with its reason) and jobs go to another account', async () => {
    const hot = await addAccount(301);
    const spare = await addAccount(300);
    sim.control.forceFault(hot.key, 429, 1);
    const { key } = await liveCustomer();
    const first = await generate(key, 'videos', { prompt: 'first', duration: 4 });
    expect(first.status).toBe(202);
    expect((await jobRow(first.body.jobId)).accountId).toBe(hot.id);
    expect((await waitForJob(key, first.body.jobId)).status).toBe('succeeded');
    // Nothing was accepted by the rate-limited account, so the job moved and ran once, elsewhere.
    expect((await jobRow(first.body.jobId)).accountId).toBe(spare.id);
    expect(sim.control.callCount('seedance.create', spare.key)).toBe(1);

    const cooled = await account(hot.id);
    expect(cooled.status).toBe('cooldown');
    expect(new Date(cooled.cooldownUntil).getTime()).toBeGreaterThan(Date.now());
    expect(cooled.lastError).toContain('429');
    expect(cooled.events.find((e: Json) => e.kind === 'status' && e.toStatus === 'cooldown').reason).toMatch(/429/);
    const audit = await pg.query(`SELECT summary FROM audit_events WHERE action = 'provider_account.status_changed' AND target_id = $1`, [hot.id]);
    expect(audit.rows.map((r) => r.summary.to)).toContain('cooldown');

    const second = await generate(key, 'videos', { prompt: 'second', duration: 4 });
    expect((await jobRow(second.body.jobId)).accountId).toBe(spare.id);
    expect((await waitForJob(key, second.body.jobId)).status).toBe('succeeded');
    expect(sim.control.callCount('seedance.create', hot.key)).toBe(1);
  });

  it('a 401 marks the account invalid until an operator rotates its credentials', async () => {
    const bad = await addAccount(401);
    const good = await addAccount(400);
    sim.control.forceFault(bad.key, 401);
    const { key } = await liveCustomer();
    const created = await generate(key, 'videos', { prompt: 'needs a working key', duration: 4 });
    expect((await waitForJob(key, created.body.jobId)).status).toBe('succeeded');
    expect((await jobRow(created.body.jobId)).accountId).toBe(good.id);
    const invalid = await account(bad.id);
    expect(invalid.status).toBe('invalid');
    expect(invalid.lastError).toMatch(/authentication refused/);

    // A new job does not touch the invalid account.
    const again = await generate(key, 'videos', { prompt: 'again', duration: 4 });
    expect((await jobRow(again.body.jobId)).accountId).toBe(good.id);
    await waitForJob(key, again.body.jobId);

    const newKey = `sk-rotated-${Math.random().toString(36).slice(2)}000000`;
    secrets.push(newKey);
    sim.control.upsertApiyiAccount({ key: newKey });
    const rotated = await op('PUT', `/api/accounts/${bad.id}/credentials`, { credentials: { apiKey: newKey } });
    expect(rotated.status, rotated.text).toBe(200);
    expect(rotated.body.account).toMatchObject({ id: bad.id, status: 'active', credentialsHint: `sk-…${newKey.slice(-4)}` });
    const history = (await account(bad.id)).events.map((e: Json) => e.kind);
    expect(history).toEqual(expect.arrayContaining(['created', 'status', 'credentials_rotated']));
    const third = await generate(key, 'videos', { prompt: 'on the rotated key', duration: 4 });
    expect((await jobRow(third.body.jobId)).accountId).toBe(bad.id);
    expect((await waitForJob(key, third.body.jobId)).status).toBe('succeeded');
    expect(sim.control.callCount('seedance.create', newKey)).toBe(1);
  });
});

describe('the breaker', () => {
  it('opens after consecutive 5xx answers (recorded with its reason) and the job finishes elsewhere', async () => {
    const flaky = await addAccount(451);
    const spare = await addAccount(450);
    sim.control.forceFault(flaky.key, 502, 2);
    const { key } = await liveCustomer();
    const created = await generate(key, 'videos', { prompt: 'through a flaky upstream', duration: 4 });
    expect((await jobRow(created.body.jobId)).accountId).toBe(flaky.id);
    expect((await waitForJob(key, created.body.jobId)).status).toBe('succeeded');
    expect((await jobRow(created.body.jobId)).accountId).toBe(spare.id);
    const open = await account(flaky.id);
    expect(open).toMatchObject({ status: 'cooldown', failureStreak: 2 });
    expect(open.events.find((e: Json) => e.toStatus === 'cooldown').reason).toMatch(/breaker open after 2 consecutive upstream errors/);
    expect(sim.control.callCount('seedance.create', flaky.key)).toBe(2);
  });
});

describe('GPT Image 2 on the pool', () => {
  it('generates without a reference image (generations endpoint) and stores the PNG', async () => {
    const a = await addAccount(500);
    const { key } = await liveCustomer();
    const created = await generate(key, 'images', { prompt: 'a red cube', quality: 'MEDIUM', size: '16:9_SMALL' });
    expect(created.status).toBe(202);
    const done = await waitForJob(key, created.body.jobId);
    expect(done).toMatchObject({ status: 'succeeded', chargedCredits: 50 });
    expect(sim.control.callCount('images.generations', a.key)).toBe(1);
    expect(sim.control.callCount('images.edits', a.key)).toBe(0);
    const result = await call(app.url, 'GET', `/v1/jobs/${created.body.jobId}/result`, { token: key });
    const png = Buffer.from(await (await fetch(result.body.url.replace(app.config.publicBaseUrl, app.url))).arrayBuffer());
    expect(readPngInfo(png)).toMatchObject({ width: 1536, height: 864 });
  });

  it('sends a reference image through the edits endpoint as a multipart file', async () => {
    const a = await addAccount(600);
    const { key } = await liveCustomer();
    const ref = syntheticPng({ width: 32, height: 32, seed: 'ref' });
    const created = await generate(key, 'images', { prompt: 'in this style', referenceImage: { dataUrl: `data:image/png;base64,${ref.toString('base64')}` } });
    expect(created.status, created.text).toBe(202);
    expect((await waitForJob(key, created.body.jobId)).status).toBe('succeeded');
    expect(sim.control.callCount('images.edits', a.key)).toBe(1);
    expect(sim.control.callCount('images.generations', a.key)).toBe(0);
  });

  it('a moderation refusal of the reference fails the job as moderation_rejected and refunds it', async () => {
    await addAccount(700);
    const { key } = await liveCustomer();
    const ref = Buffer.concat([syntheticPng({ width: 8, height: 8, seed: 'face' }), Buffer.from('sim-real-face')]);
    const created = await generate(key, 'images', { prompt: 'portrait', referenceImage: { base64: ref.toString('base64') } });
    expect(created.status, created.text).toBe(202);
    expect(await waitForJob(key, created.body.jobId)).toMatchObject({ status: 'failed', refundedCredits: 20, error: { code: 'moderation_rejected' } });
  });

  it('a connection lost after sending is recorded as unknown and not retried on another account', async () => {
    const a = await addAccount(800);
    const b = await addAccount(799);
    const { key } = await liveCustomer();
    const created = await generate(key, 'images', { prompt: 'lost answer [sim:drop]' });
    const done = await waitForJob(key, created.body.jobId);
    expect(done).toMatchObject({ status: 'failed', refundedCredits: 20, error: { code: 'provider_unavailable' } });
    expect(sim.control.callCount('images.generations', a.key)).toBe(1);
    expect(sim.control.callCount('images.generations', b.key)).toBe(0);
    const events = await pg.query(`SELECT kind FROM job_events WHERE job_id = $1 ORDER BY id`, [created.body.jobId]);
    expect(events.rows.map((r) => r.kind)).toContain('submission_unknown');
  });
});

describe('operator account tools', () => {
  it('check reads the APIYI balance with the access token, and says unknown without one', async () => {
    const withToken = await addAccount(-10, { accessToken: true, quota: 7_500_000 });
    const checked = await op('POST', `/api/accounts/${withToken.id}/check`);
    expect(checked.status, checked.text).toBe(200);
    expect(checked.body.check).toMatchObject({ valid: true, balance: 7_500_000 });
    expect(checked.body.account).toMatchObject({ balance: 7_500_000, status: 'active' });
    expect(checked.body.account.balanceCheckedAt).not.toBeNull();
    expect(sim.control.callCount('balance', withToken.token)).toBe(1);

    const without = await addAccount(-10);
    const unknown = await op('POST', `/api/accounts/${without.id}/check`);
    expect(unknown.body.check).toMatchObject({ valid: null, balance: null });
    expect(unknown.body.account.balance).toBeNull();
  });

  it('a known balance below the job cost keeps the account out of rotation', async () => {
    const poor = await addAccount(950, { accessToken: true, quota: 1000 });
    const rich = await addAccount(940);
    expect((await op('POST', `/api/accounts/${poor.id}/check`)).body.account.balance).toBe(1000);
    const { key } = await liveCustomer();
    const created = await generate(key, 'videos', { prompt: 'costly', duration: 4 });
    expect((await jobRow(created.body.jobId)).accountId).toBe(rich.id);
    await waitForJob(key, created.body.jobId);
  });

  it('test-generation runs a real job on that account, charged to no customer', async () => {
    const a = await addAccount(-20);
    const started = await op('POST', `/api/accounts/${a.id}/test-generation`, { type: 'image', prompt: 'a test card' });
    expect(started.status, started.text).toBe(202);
    const jobId = started.body.job.jobId;
    expect(started.body.job).toMatchObject({ type: 'image', providerAccountId: a.id });
    let last: Json;
    expect(
      await waitFor(async () => {
        last = (await op('GET', `/api/accounts/${a.id}/test-generation/${jobId}`)).body.job;
        return last.status === 'succeeded' || last.status === 'failed';
      }, 20_000, 50),
    ).toBe(true);
    expect(last.status).toBe('succeeded');
    expect(last.resultUrl).toContain('/files/');
    expect(sim.control.callCount('images.generations', a.key)).toBe(1);
    // Owned by the reserved operator customer at price 0: no customer's credits moved.
    const { rows } = await pg.query(`SELECT j.customer_id, j.price::int AS price, c.status FROM jobs j JOIN customers c ON c.id = j.customer_id WHERE j.id = $1`, [jobId]);
    expect(rows[0]).toMatchObject({ customer_id: 'cus_0000operatorTestJobs0000', price: 0, status: 'suspended' });
    expect((await ledger(jobId)).every((e: Json) => e.balanceDelta === 0)).toBe(true);
  });

  it('bulk import reports each item on its own', async () => {
    const good = `sk-bulk-${Math.random().toString(36).slice(2)}00000000`;
    const volcSecret = `volc-secret-${Math.random().toString(36).slice(2)}`;
    secrets.push(good, volcSecret);
    const res = await op('POST', '/api/accounts', {
      accounts: [
        { provider: 'apiyi', label: 'bulk ok', baseUrl: sim.url, credentials: { apiKey: good }, priority: -100 },
        { provider: 'apiyi', label: 'bulk bad', credentials: { accessKeyId: 'AKLT000000000' } },
        { provider: 'volcengine', label: 'volc', credentials: { accessKeyId: 'AKLTbulk00000000', secretAccessKey: volcSecret } },
      ],
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.results.map((r: Json) => r.ok)).toEqual([true, false, true]);
    expect(res.body.results[1].error).toMatchObject({ status: 400, code: 'invalid_request' });
    expect(res.body.results[1].error.details.map((d: Json) => d.field)).toContain('credentials.apiKey');
    expect(res.body.results[2].account).toMatchObject({ provider: 'volcengine', region: 'cn-beijing', projectName: 'default' });
    // An APIYI account may be linked to the Volcengine account holding its assets.
    const linked = await op('POST', '/api/accounts', {
      provider: 'apiyi',
      label: 'linked',
      credentials: { apiKey: good },
      volcengineAccountId: res.body.results[2].account.id,
      priority: -100,
    });
    expect(linked.status, linked.text).toBe(201);
    expect(linked.body.account.volcengineAccountId).toBe(res.body.results[2].account.id);
  });
});

describe('credentials at rest', () => {
  it('the same secret seals differently per row, and a ciphertext moved to another row does not open', async () => {
    const secret = `sk-same-${Math.random().toString(36).slice(2)}0000000000`;
    secrets.push(secret);
    sim.control.upsertApiyiAccount({ key: secret });
    const ids: string[] = [];
    for (const label of ['twin a', 'twin b']) {
      const res = await op('POST', '/api/accounts', { provider: 'apiyi', label, baseUrl: sim.url, credentials: { apiKey: secret }, priority: -500 });
      ids.push(res.body.account.id);
    }
    const { rows } = await pg.query(`SELECT id, credentials FROM provider_accounts WHERE id = ANY($1)`, [ids]);
    const [a, b] = ids.map((id) => rows.find((r) => r.id === id)!);
    expect(a.credentials).not.toBe(b.credentials);
    expect(a.credentials).not.toContain(secret);
    const box = new SecretBox(TEST_SECRETS_KEY);
    expect(JSON.parse(box.open(a.credentials, a.id)).apiKey).toBe(secret);
    expect(() => box.open(a.credentials, b.id)).toThrow();

    // Swap the sealed columns: each row now holds the other's ciphertext, and neither opens.
    await pg.query(`UPDATE provider_accounts SET credentials = CASE id WHEN $1 THEN $4 ELSE $3 END WHERE id IN ($1, $2)`, [a.id, b.id, a.credentials, b.credentials]);
    const check = await op('POST', `/api/accounts/${a.id}/check`);
    expect(check.status).toBe(200);
    expect(check.body.check.valid).toBe(false);
    expect(check.body.account.status).toBe('invalid');
    expect(check.body.check.detail).toMatch(/cannot be decrypted/);
  });
});

describe('bad input on every /api/accounts route', () => {
  it('answers 400/404 with the contract error shape, never 5xx', async () => {
    const existing = await addAccount(-900);
    const volc = await op('POST', '/api/accounts', { provider: 'volcengine', label: 'v', credentials: { accessKeyId: 'AKLTbad000000000', secretAccessKey: 'x-secret-000000' } });
    secrets.push('x-secret-000000');
    const unknown = 'pa_000000000000000000000000';
    const cases: [string, string, unknown, number][] = [
      ['POST', '/api/accounts', {}, 400],
      ['POST', '/api/accounts', { provider: 'apiyi' }, 400],
      ['POST', '/api/accounts', { provider: 'other', label: 'x', credentials: { apiKey: 'sk-1234567890' } }, 400],
      ['POST', '/api/accounts', { provider: 'apiyi', label: 'x', credentials: 'sk-1234567890' }, 400],
      ['POST', '/api/accounts', { provider: 'apiyi', label: 'x', credentials: { apiKey: 42 } }, 400],
      ['POST', '/api/accounts', { provider: 'apiyi', label: 'x', credentials: { apiKey: 'sk-1234567890', extra: 1 } }, 400],
      ['POST', '/api/accounts', { provider: 'volcengine', label: 'x', credentials: { apiKey: 'sk-1234567890' } }, 400],
      ['POST', '/api/accounts', { provider: 'apiyi', label: 'x', credentials: { apiKey: 'sk-1234567890' }, priority: 'high' }, 400],
      ['POST', '/api/accounts', { provider: 'apiyi', label: 'x', credentials: { apiKey: 'sk-1234567890' }, weight: 0 }, 400],
      ['POST', '/api/accounts', { provider: 'apiyi', label: 'x', credentials: { apiKey: 'sk-1234567890' }, baseUrl: 'ftp://host' }, 400],
      ['POST', '/api/accounts', { provider: 'apiyi', label: 'x', credentials: { apiKey: 'sk-1234567890' }, region: 'cn-beijing' }, 400],
      ['POST', '/api/accounts', { provider: 'apiyi', label: 'x', credentials: { apiKey: 'sk-1234567890' }, volcengineAccountId: unknown }, 400],
      ['POST', '/api/accounts', { provider: 'apiyi', label: 'x', credentials: { apiKey: 'sk-1234567890' }, volcengineAccountId: existing.id }, 400],
      ['POST', '/api/accounts', { provider: 'apiyi', label: 'x', credentials: { apiKey: 'sk-1234567890' }, unknownField: true }, 400],
      ['POST', '/api/accounts', [1, 2], 400],
      ['POST', '/api/accounts', '{"provider":', 400],
      ['POST', '/api/accounts', { accounts: [] }, 400],
      ['POST', '/api/accounts', { accounts: 'many' }, 400],
      ['GET', '/api/accounts?limit=0', undefined, 400],
      ['GET', '/api/accounts?limit=abc', undefined, 400],
      ['GET', '/api/accounts?status=broken', undefined, 400],
      ['GET', '/api/accounts?provider=openai', undefined, 400],
      ['GET', '/api/accounts?cursor=%27%3B--', undefined, 400],
      ['GET', '/api/accounts/nope', undefined, 404],
      ['GET', `/api/accounts/${unknown}`, undefined, 404],
      ['PATCH', `/api/accounts/${unknown}`, { label: 'x' }, 404],
      ['PATCH', `/api/accounts/${existing.id}`, {}, 400],
      ['PATCH', `/api/accounts/${existing.id}`, { weight: 'a' }, 400],
      ['PATCH', `/api/accounts/${existing.id}`, { enabled: 'yes' }, 400],
      ['PATCH', `/api/accounts/${existing.id}`, { priority: 5000 }, 400],
      ['PATCH', `/api/accounts/${existing.id}`, { credentials: { apiKey: 'sk-1234567890' } }, 400],
      ['DELETE', `/api/accounts/${unknown}`, undefined, 404],
      ['DELETE', '/api/accounts/%00', undefined, 404],
      ['PUT', `/api/accounts/${unknown}/credentials`, { credentials: { apiKey: 'sk-1234567890' } }, 404],
      ['PUT', `/api/accounts/${existing.id}/credentials`, {}, 400],
      ['PUT', `/api/accounts/${existing.id}/credentials`, { credentials: 'sk-1234567890' }, 400],
      ['PUT', `/api/accounts/${existing.id}/credentials`, { credentials: {} }, 400],
      ['PUT', `/api/accounts/${existing.id}/credentials`, { credentials: { accessKeyId: 'AKLT00000000', secretAccessKey: 'abcdefgh' } }, 400],
      ['POST', `/api/accounts/${unknown}/check`, undefined, 404],
      ['POST', `/api/accounts/${unknown}/test-generation`, { type: 'image', prompt: 'x' }, 404],
      ['POST', `/api/accounts/${existing.id}/test-generation`, { type: 'audio', prompt: 'x' }, 400],
      ['POST', `/api/accounts/${existing.id}/test-generation`, {}, 400],
      ['POST', `/api/accounts/${existing.id}/test-generation`, { type: 'video', prompt: 'x', duration: 99 }, 400],
      ['POST', `/api/accounts/${volc.body.account.id}/test-generation`, { type: 'image', prompt: 'x' }, 400],
      ['GET', `/api/accounts/${existing.id}/test-generation/job_000000000000000000000000`, undefined, 404],
      ['GET', `/api/accounts/${existing.id}/test-generation/nope`, undefined, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const res = await op(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)} → ${res.text}`).toBe(status);
      expect(res.body).toMatchObject({ ok: false, error: { status, code: status === 400 ? 'invalid_request' : 'not_found' } });
    }
    const anonymous = await call(app.url, 'GET', '/api/accounts');
    expect(anonymous.status).toBe(401);
  });

  it('refuses to delete an account with jobs in flight, and deletes it (keeping its history) once idle', async () => {
    const a = await addAccount(1000);
    const { key } = await liveCustomer();
    sim.control.setSwitches({ stuckTasks: true });
    const created = await generate(key, 'videos', { prompt: 'stuck for now', duration: 4 });
    expect(created.status).toBe(202);
    expect((await jobRow(created.body.jobId)).accountId).toBe(a.id);
    const refused = await op('DELETE', `/api/accounts/${a.id}`);
    expect(refused.status).toBe(409);
    sim.control.setSwitches({ stuckTasks: false });
    await pg.query(`UPDATE jobs SET deadline_at = now() WHERE id = $1`, [created.body.jobId]);
    expect((await waitForJob(key, created.body.jobId)).status).toBe('failed');
    const deleted = await op('DELETE', `/api/accounts/${a.id}`);
    expect(deleted.status, deleted.text).toBe(200);
    expect((await op('GET', `/api/accounts/${a.id}`)).status).toBe(404);
    const history = await pg.query(`SELECT kind FROM provider_account_events WHERE account_id = $1 ORDER BY id`, [a.id]);
    expect(history.rows.map((r) => r.kind)).toEqual(expect.arrayContaining(['created', 'deleted']));
  });
});

describe('when no account can take a job', () => {
  it('generate answers 503 unavailable, reserves nothing, and leaves the idempotency key unused', async () => {
    const { key, customerId } = await liveCustomer();
    const all = await op('GET', '/api/accounts?limit=100');
    for (const a of all.body.data) {
      if (a.enabled) {
        expect((await op('PATCH', `/api/accounts/${a.id}`, { enabled: false })).body.account.status).toBe('disabled');
      }
    }
    const before = await call(app.url, 'GET', '/v1/usage', { token: key });
    const refused = await generate(key, 'videos', { prompt: 'no capacity', duration: 4 }, 'same-key');
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('unavailable');
    const after = await call(app.url, 'GET', '/v1/usage', { token: key });
    expect(after.body).toEqual(before.body);
    expect((await pg.query(`SELECT count(*)::int AS n FROM jobs WHERE customer_id = $1`, [customerId])).rows[0].n).toBe(0);

    const back = await addAccount(5);
    const accepted = await generate(key, 'videos', { prompt: 'no capacity', duration: 4 }, 'same-key');
    expect(accepted.status, accepted.text).toBe(202);
    expect((await jobRow(accepted.body.jobId)).accountId).toBe(back.id);
    await waitForJob(key, accepted.body.jobId);
  });
});

describe('secrets', () => {
  it('no response and no log line contains a credential', () => {
    expect(secrets.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      for (const text of responses) {
        expect(text.includes(secret), `a response contains ${secret.slice(0, 8)}…`).toBe(false);
      }
      for (const line of app.logs) {
        expect(line.includes(secret), `a log line contains ${secret.slice(0, 8)}…`).toBe(false);
      }
    }
    expect(app.logs.length).toBeGreaterThan(0);
  });
});
