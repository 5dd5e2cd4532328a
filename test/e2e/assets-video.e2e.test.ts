import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPng } from '@app/simulation';
import { type ProviderSim, createProviderSim } from '../../apps/provider-sim/src';
import { apiClient } from '../client';
import { type TestApp, freePort, startTestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { call, newCustomerWithKey, operator } from '../support/operator';
import { waitFor } from '../support/process';

// The whole path through the real provider pool (no stand-ins): Volcengine account and APIYI
// accounts imported over the operator API, assets ingested by the simulator fetching our signed
// links, and a video job that must go through the APIYI account linked to that Volcengine account.
const VOLC = { accessKeyId: 'AKLTvideoAssets000000000001', secretAccessKey: 'video-assets/secret+raw==' };
const LINKED_KEY = 'sk-linked-0000000000000000000000000001';
const UNLINKED_KEY = 'sk-unlinked-00000000000000000000000002';

let sim: ProviderSim;
let app: TestApp;
let db: { url: string; drop: () => Promise<void> };
let pg: Client;

beforeAll(async () => {
  sim = await createProviderSim({
    volcAccounts: [VOLC],
    apiyiAccounts: [
      { key: LINKED_KEY, volcAccessKeyId: VOLC.accessKeyId },
      { key: UNLINKED_KEY },
    ],
    switches: { assetProcessingMs: 150, taskQueuedMs: 50, taskRunningMs: 100 },
  });
  db = await createTestDatabase();
  const port = await freePort();
  app = await startTestApp(db.url, { PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}` });
  pg = new Client({ connectionString: db.url });
  await pg.connect();
});

afterAll(async () => {
  await pg?.end();
  await app?.close();
  await sim?.close();
  await db?.drop();
});

describe('a video job with assets, through the provider pool', () => {
  it('reaches the simulator with asset:// references through the linked APIYI account only', async () => {
    const op = operator(app.url);
    const volc = await op('POST', '/api/accounts', { provider: 'volcengine', label: 'volc', baseUrl: sim.url, credentials: VOLC });
    expect(volc.status).toBe(201);
    const linked = await op('POST', '/api/accounts', {
      provider: 'apiyi',
      label: 'linked',
      baseUrl: sim.url,
      credentials: { apiKey: LINKED_KEY },
      volcengineAccountId: volc.body.account.id,
      priority: 0,
    });
    expect(linked.status).toBe(201);
    // The unlinked account is preferred for everything else: only affinity keeps the job away from it.
    const unlinked = await op('POST', '/api/accounts', { provider: 'apiyi', label: 'unlinked', baseUrl: sim.url, credentials: { apiKey: UNLINKED_KEY }, priority: 10 });
    expect(unlinked.status).toBe(201);

    const { key, customerId } = await newCustomerWithKey(app.url, 'live');
    expect((await op('POST', `/api/public/customers/${customerId}/credits`, { amount: 20_000, reason: 'live credits' })).status).toBe(200);
    const ids: string[] = [];
    for (const name of ['Mia', 'Leo']) {
      const png = syntheticPng({ width: 64, height: 64, seed: name });
      const created = await call(app.url, 'POST', '/v1/assets', { token: key, body: { name, dataUrl: `data:image/png;base64,${png.toString('base64')}` } });
      expect(created.status).toBe(202);
      ids.push(created.body.asset.id);
    }
    for (const id of ids) {
      const active = await waitFor(async () => (await call(app.url, 'GET', `/v1/assets/${id}`, { token: key })).body.asset?.status === 'active', 20_000, 100);
      expect(active, `asset ${id} did not become active`).toBe(true);
    }
    const providerIds = (await pg.query(`SELECT provider_asset_id FROM assets WHERE id = ANY($1) ORDER BY array_position($1, id)`, [ids])).rows.map((r) => r.provider_asset_id as string);

    const client = apiClient(app.url, key);
    const job = await client.POST('/v1/videos/generate', {
      params: { header: { 'Idempotency-Key': 'assets-video-1' } },
      body: { prompt: 'Image 1 and Image 2 dance on a beach', duration: 4, assetIds: ids },
    });
    expect(job.response.status).toBe(202);
    const done = await waitFor(async () => {
      const { data } = await client.GET('/v1/jobs/{jobId}', { params: { path: { jobId: job.data!.jobId } } });
      return data?.status === 'succeeded' || data?.status === 'failed';
    }, 30_000, 100);
    expect(done).toBe(true);
    const final = await client.GET('/v1/jobs/{jobId}', { params: { path: { jobId: job.data!.jobId } } });
    expect(final.data?.status).toBe('succeeded');

    expect(sim.control.callCount('seedance.create', UNLINKED_KEY)).toBe(0);
    expect(sim.control.callCount('seedance.create', LINKED_KEY)).toBe(1);
    const task = [...sim.control.tasks.values()].find((t) => t.key === LINKED_KEY)!;
    expect(task.request.content).toEqual([
      { type: 'text', text: 'Image 1 and Image 2 dance on a beach' },
      { type: 'image_url', image_url: { url: `asset://${providerIds[0]}` }, role: 'reference_image' },
      { type: 'image_url', image_url: { url: `asset://${providerIds[1]}` }, role: 'reference_image' },
    ]);
    const row = (await pg.query(`SELECT provider_account_id FROM jobs WHERE id = $1`, [job.data!.jobId])).rows[0];
    expect(row.provider_account_id).toBe(linked.body.account.id);

    // With the linked account disabled, nothing else may take an asset job: 503, nothing reserved.
    expect((await op('PATCH', `/api/accounts/${linked.body.account.id}`, { enabled: false })).status).toBe(200);
    const before = (await pg.query(`SELECT reserved::int FROM credit_accounts WHERE customer_id = $1 AND mode = 'live'`, [customerId])).rows[0].reserved;
    const refused = await client.POST('/v1/videos/generate', { params: { header: { 'Idempotency-Key': 'assets-video-2' } }, body: { prompt: 'Image 1 waves', duration: 4, assetIds: [ids[0]] } });
    expect(refused.response.status).toBe(503);
    const after = (await pg.query(`SELECT reserved::int FROM credit_accounts WHERE customer_id = $1 AND mode = 'live'`, [customerId])).rows[0].reserved;
    expect(after).toBe(before);
    // A job without assets still runs, on the unlinked account.
    const plain = await client.POST('/v1/videos/generate', { params: { header: { 'Idempotency-Key': 'plain-video' } }, body: { prompt: 'waves', duration: 4 } });
    expect(plain.response.status).toBe(202);
  });
});
