import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syntheticPng } from '@app/simulation';
import {
  StaticVolcengineAccounts,
  type SwappableVolcengineAccounts,
  VOLCENGINE_ACCOUNTS,
  VOLCENGINE_ASSETS_OPTIONS,
  type VolcengineAccount,
  type VolcengineAssetsOptions,
  VolcengineClient,
} from '@app/volcengine-assets';
import { type ProviderSim, createProviderSim } from '../../apps/provider-sim/src';
import { type TestApp, freePort, startTestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { call, newCustomerWithKey, operator } from '../support/operator';
import { waitFor } from '../support/process';

const A = { accessKeyId: 'AKLTassetsA00000000000001', secretAccessKey: 'secret-A/raw+value==' };
const B = { accessKeyId: 'AKLTassetsB00000000000001', secretAccessKey: 'secret-B-raw' };
const WRONG_SECRET = 'definitely-not-the-secret-777';

let sim: ProviderSim;
let app: TestApp;
let db: { url: string; drop: () => Promise<void> };
let pg: Client;
let volcA: VolcengineAccount;
let volcB: VolcengineAccount;
let op: ReturnType<typeof operator>;

const png = (seed: string, extra?: string) => {
  const bytes = syntheticPng({ width: 64, height: 64, seed });
  return extra === undefined ? bytes : Buffer.concat([bytes, Buffer.from(extra)]);
};
const dataUrl = (bytes: Buffer) => `data:image/png;base64,${bytes.toString('base64')}`;

beforeAll(async () => {
  sim = await createProviderSim({ volcAccounts: [A, B], switches: { assetProcessingMs: 200 } });
  db = await createTestDatabase();
  // Volcengine (the simulator) fetches our signed /files link: PUBLIC_BASE_URL must be our real address.
  const port = await freePort();
  app = await startTestApp(db.url, { PORT: String(port), PUBLIC_BASE_URL: `http://127.0.0.1:${port}`, SIMULATOR_VIDEO_MS: '300' });
  const base = { region: 'cn-beijing', projectName: 'default', baseUrl: sim.url };
  volcA = { id: 'pa_volcA', label: 'volc A', ...base, ...A };
  volcB = { id: 'pa_volcB', label: 'volc B', ...base, ...B };
  const wrong: VolcengineAccount = { id: 'pa_volcWrong', label: 'volc wrong secret', ...base, accessKeyId: A.accessKeyId, secretAccessKey: WRONG_SECRET };
  // The in-test stand-in for the provider pool: accounts pointed at the in-process simulator.
  app.app.get<SwappableVolcengineAccounts>(VOLCENGINE_ACCOUNTS).use(new StaticVolcengineAccounts([volcA, volcB, wrong]));
  const options = app.app.get<VolcengineAssetsOptions>(VOLCENGINE_ASSETS_OPTIONS);
  options.firstPollMs = 100;
  options.pollIntervalMs = 150;
  options.testModeReadyMs = 100;
  pg = new Client({ connectionString: db.url });
  await pg.connect();
  op = operator(app.url);
});

afterAll(async () => {
  await pg?.end();
  await app?.close();
  await sim?.close();
  await db?.drop();
});

async function waitForAsset(key: string, id: string, statuses = ['active', 'failed']) {
  let last: { status: string } | undefined;
  const ok = await waitFor(async () => {
    const r = await call(app.url, 'GET', `/v1/assets/${id}`, { token: key });
    last = r.body.asset;
    return statuses.includes(r.body.asset?.status);
  }, 15_000, 50);
  expect(ok, `asset ${id} ended as ${JSON.stringify(last)}`).toBe(true);
  return last as { id: string; status: string; error: { code: string; message: string } | null };
}

describe('customer assets, live, against the simulator', () => {
  it('ingests from a data URL: the provider fetches our signed link, processing → active, in the customer group it reuses', async () => {
    const { key, customerId } = await newCustomerWithKey(app.url, 'live');
    const created = await call(app.url, 'POST', '/v1/assets', { token: key, body: { name: 'Mia', dataUrl: dataUrl(png('mia')) } });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ ok: true, asset: { name: 'Mia', status: 'processing', error: null } });
    expect(Object.keys(created.body.asset).sort()).toEqual(['createdAt', 'error', 'id', 'name', 'status']);
    const id: string = created.body.asset.id;
    expect(id).toMatch(/^ast_[0-9A-Za-z]{24}$/);

    const upstream = [...sim.control.assets.values()].find((a) => a.Name === 'Mia')!;
    expect(upstream.URL.startsWith(`${app.config.publicBaseUrl}/files/assets/${id}.png?exp=`)).toBe(true);
    expect(await waitForAsset(key, id)).toMatchObject({ status: 'active', error: null });
    expect(upstream.fetched).toBe(true);
    expect(upstream.outcome).toBe('Active');

    const second = await call(app.url, 'POST', '/v1/assets', { token: key, body: { name: 'Mia side', base64: png('mia-side').toString('base64') } });
    expect(second.status).toBe(202);
    const { rows } = await pg.query(`SELECT DISTINCT group_id FROM assets WHERE customer_id = $1`, [customerId]);
    expect(rows).toHaveLength(1);
    const groups = [...sim.control.groups.values()].filter((g) => g.Name === `gw-${customerId}`);
    expect(groups).toHaveLength(1);
  });

  it('a failed ingest ends failed with the provider’s reason; one past its deadline ends failed with timeout', async () => {
    const { key } = await newCustomerWithKey(app.url, 'live');
    const faces = await call(app.url, 'POST', '/v1/assets', { token: key, body: { name: 'real face', dataUrl: dataUrl(png('face', 'sim-real-face')) } });
    expect(faces.status).toBe(202);
    const failed = await waitForAsset(key, faces.body.asset.id);
    expect(failed).toMatchObject({ status: 'failed', error: { code: 'InputImageSensitiveContentDetected.PrivacyInformation' } });

    // The provider never finishes within our deadline.
    const options = app.app.get<VolcengineAssetsOptions>(VOLCENGINE_ASSETS_OPTIONS);
    options.ingestDeadlineSeconds = 0;
    try {
      const slow = await call(app.url, 'POST', '/v1/assets', { token: key, body: { name: 'slow', dataUrl: dataUrl(png('slow')) } });
      expect(slow.status).toBe(202);
      expect(await waitForAsset(key, slow.body.asset.id)).toMatchObject({ status: 'failed', error: { code: 'timeout' } });
    } finally {
      options.ingestDeadlineSeconds = 600;
    }
  });

  it('deletes upstream too; another customer’s ids are 404 on every route', async () => {
    const owner = await newCustomerWithKey(app.url, 'live');
    const other = await newCustomerWithKey(app.url, 'live');
    const created = await call(app.url, 'POST', '/v1/assets', { token: owner.key, body: { name: 'to delete', dataUrl: dataUrl(png('del')) } });
    const id: string = created.body.asset.id;
    await waitForAsset(owner.key, id);
    const providerId = (await pg.query(`SELECT provider_asset_id FROM assets WHERE id = $1`, [id])).rows[0].provider_asset_id as string;
    expect(sim.control.assets.has(providerId)).toBe(true);

    expect((await call(app.url, 'GET', `/v1/assets/${id}`, { token: other.key })).status).toBe(404);
    expect((await call(app.url, 'DELETE', `/v1/assets/${id}`, { token: other.key })).status).toBe(404);
    expect((await call(app.url, 'GET', '/v1/assets', { token: other.key })).body.data).toEqual([]);
    expect(sim.control.assets.has(providerId)).toBe(true);

    const deleted = await call(app.url, 'DELETE', `/v1/assets/${id}`, { token: owner.key });
    expect(deleted.status).toBe(200);
    expect(deleted.body.asset.id).toBe(id);
    expect(sim.control.assets.has(providerId)).toBe(false);
    expect((await call(app.url, 'GET', `/v1/assets/${id}`, { token: owner.key })).status).toBe(404);
  });

  it('lists the caller’s assets newest first with cursor pagination, in the key’s mode only', async () => {
    const { key, customerId } = await newCustomerWithKey(app.url, 'live');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await call(app.url, 'POST', '/v1/assets', { token: key, body: { name: `n${i}`, dataUrl: dataUrl(png(`list${i}`)) } })).body.asset.id);
    }
    const first = await call(app.url, 'GET', '/v1/assets?limit=2', { token: key });
    expect(first.body.data.map((a: { id: string }) => a.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await call(app.url, 'GET', `/v1/assets?limit=2&cursor=${first.body.nextCursor}`, { token: key });
    expect(second.body).toMatchObject({ ok: true, nextCursor: null });
    expect(second.body.data.map((a: { id: string }) => a.id)).toEqual([ids[0]]);

    const testKey = await op('POST', `/api/public/customers/${customerId}/api-keys`, { mode: 'test' });
    expect((await call(app.url, 'GET', '/v1/assets', { token: testKey.body.key })).body.data).toEqual([]);
  });

  it('bad input answers 400 (never 5xx) and stores nothing', async () => {
    const { key, customerId } = await newCustomerWithKey(app.url, 'live');
    const bad: unknown[] = [
      {},
      { name: 'x' },
      { dataUrl: dataUrl(png('noname')) },
      { name: '', dataUrl: dataUrl(png('empty')) },
      { name: 'two', dataUrl: dataUrl(png('two')), base64: png('two').toString('base64') },
      { name: 'b64', base64: '!!!not base64!!!' },
      { name: 'text', base64: Buffer.from('hello, not an image').toString('base64') },
      { name: 'jpeg claims', dataUrl: `data:image/jpeg;base64,${png('lie').toString('base64')}` },
      { name: 'loopback', imageUrl: 'https://127.0.0.1/a.png' },
      { name: 'http', imageUrl: 'http://example.com/a.png' },
      { name: 'extra', dataUrl: dataUrl(png('extra')), strength: 'HIGH' },
      '{"name":',
    ];
    for (const body of bad) {
      const r = await call(app.url, 'POST', '/v1/assets', { token: key, body });
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body.ok).toBe(false);
    }
    expect((await call(app.url, 'GET', '/v1/assets?cursor=bm90LWEtY3Vyc29yIQ', { token: key })).status).toBe(400);
    expect((await call(app.url, 'GET', '/v1/assets?status=weird', { token: key })).status).toBe(400);
    expect((await call(app.url, 'GET', '/v1/assets/not-an-id', { token: key })).status).toBe(404);
    expect((await call(app.url, 'GET', '/v1/assets', {})).status).toBe(401);
    expect((await pg.query(`SELECT count(*)::int AS n FROM assets WHERE customer_id = $1`, [customerId])).rows[0].n).toBe(0);
  });
});

describe('test-mode assets', () => {
  it('are simulated: active after a short delay, with no provider call', async () => {
    const { key } = await newCustomerWithKey(app.url, 'test');
    const before = sim.control.callCount('volc.CreateAsset');
    const created = await call(app.url, 'POST', '/v1/assets', { token: key, body: { name: 'sim avatar', dataUrl: dataUrl(png('sim')) } });
    expect(created.status).toBe(202);
    expect(created.body.asset.status).toBe('processing');
    expect(await waitForAsset(key, created.body.asset.id)).toMatchObject({ status: 'active' });
    expect(sim.control.callCount('volc.CreateAsset')).toBe(before);
  });
});

describe('video jobs with assets', () => {
  it('a job with two active assets is accepted and carries their provider ids, in order, in request.assets', async () => {
    const { key } = await newCustomerWithKey(app.url, 'test');
    const ids: string[] = [];
    for (const seed of ['one', 'two']) {
      const created = await call(app.url, 'POST', '/v1/assets', { token: key, body: { name: seed, dataUrl: dataUrl(png(seed)) } });
      ids.push(created.body.asset.id);
      await waitForAsset(key, created.body.asset.id);
    }
    const job = await call(app.url, 'POST', '/v1/videos/generate', {
      token: key,
      headers: { 'idempotency-key': 'assets-1' },
      body: { prompt: 'Image 2 hands Image 1 a coffee', duration: 4, assetIds: [ids[1], ids[0]] },
    });
    expect(job.status).toBe(202);
    const { rows } = await pg.query(`SELECT request FROM jobs WHERE id = $1`, [job.body.jobId]);
    expect(rows[0].request.assets).toEqual([{ providerAssetId: `sim-${ids[1]}` }, { providerAssetId: `sim-${ids[0]}` }]);
    expect(rows[0].request.volcengineAccountId).toBeUndefined();
  });

  it('refuses, before reserving anything, assets that are not the caller’s, not active, repeated, or too many', async () => {
    const mine = await newCustomerWithKey(app.url, 'test');
    const theirs = await newCustomerWithKey(app.url, 'test');
    const foreign = (await call(app.url, 'POST', '/v1/assets', { token: theirs.key, body: { name: 'theirs', dataUrl: dataUrl(png('theirs')) } })).body.asset.id;
    const own = (await call(app.url, 'POST', '/v1/assets', { token: mine.key, body: { name: 'mine', dataUrl: dataUrl(png('mine')) } })).body.asset.id;
    await pg.query(`UPDATE assets SET status = 'processing', next_poll_at = now() + interval '1 hour' WHERE id = $1`, [own]);
    const usage = async () => (await call(app.url, 'GET', '/v1/usage', { token: mine.key })).body;
    const before = await usage();
    const attempt = (assetIds: unknown, n: number) =>
      call(app.url, 'POST', '/v1/videos/generate', { token: mine.key, headers: { 'idempotency-key': `bad-${n}` }, body: { prompt: 'Image 1 walks', assetIds } });

    const cases: [unknown, RegExp][] = [
      [[foreign], /no asset of yours/],
      [[own], /only active assets/],
      [['ast_000000000000000000000000'], /no asset of yours/],
      [Array.from({ length: 10 }, () => own), /.*/],
      [['not-an-asset'], /.*/],
    ];
    for (const [i, [assetIds, why]] of cases.entries()) {
      const r = await attempt(assetIds, i);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(JSON.stringify(r.body.error.details)).toMatch(why);
    }
    await pg.query(`UPDATE assets SET status = 'active' WHERE id = $1`, [own]);
    const twice = await attempt([own, own], 99);
    expect(twice.status).toBe(400);
    expect(JSON.stringify(twice.body.error.details)).toMatch(/more than once/);
    const rawId = await call(app.url, 'POST', '/v1/videos/generate', { token: mine.key, headers: { 'idempotency-key': 'raw' }, body: { prompt: `use ${own} please`, assetIds: [own] } });
    expect(rawId.status).toBe(400);
    expect(rawId.body.error.message).toMatch(/Image 1/);
    expect(await usage()).toEqual(before);
  });

  it('live assets on two Volcengine accounts cannot share a job; assets on one account pass the check', async () => {
    const { key, customerId } = await newCustomerWithKey(app.url, 'live');
    await op('POST', `/api/public/customers/${customerId}/credits`, { amount: 100_000, reason: 'test' });
    const onA = await call(app.url, 'POST', '/v1/assets', { token: key, body: { name: 'on A', dataUrl: dataUrl(png('onA')) } });
    await waitForAsset(key, onA.body.asset.id);
    // The same customer's asset on account B, registered from the console.
    const c = app.app.get(VolcengineClient);
    const group = await c.createAssetGroup(volcB, { name: 'console group' });
    sim.control.setSwitches({ assetFetch: false });
    const upstream = await c.createAsset(volcB, { groupId: group.Id, url: 'https://console.example/person.png' });
    sim.control.setSwitches({ assetFetch: true });
    sim.control.assets.get(upstream.Id)!.readyAt = 0;
    const registered = await op('POST', '/api/assets/register', { customerId, volcengineAccountId: volcB.id, providerAssetId: upstream.Id, name: 'real person' });
    expect(registered.status).toBe(201);
    expect(registered.body.asset).toMatchObject({ status: 'active', kind: 'registered', customerId, volcengineAccountId: volcB.id, providerAssetId: upstream.Id });

    const mixed = await call(app.url, 'POST', '/v1/videos/generate', {
      token: key,
      headers: { 'idempotency-key': 'mixed' },
      body: { prompt: 'Image 1 meets Image 2', assetIds: [onA.body.asset.id, registered.body.asset.id] },
    });
    expect(mixed.status).toBe(400);
    expect(mixed.body.error.message).toMatch(/different provider accounts/);

    // One account: the asset check passes; with no APIYI pool merged yet the live router answers 503, and nothing is reserved.
    const single = await call(app.url, 'POST', '/v1/videos/generate', {
      token: key,
      headers: { 'idempotency-key': 'single' },
      body: { prompt: 'Image 1 waves', assetIds: [registered.body.asset.id] },
    });
    expect([202, 503]).toContain(single.status);
    if (single.status === 202) {
      const { rows } = await pg.query(`SELECT request FROM jobs WHERE id = $1`, [single.body.jobId]);
      expect(rows[0].request).toMatchObject({ assets: [{ providerAssetId: upstream.Id }], volcengineAccountId: volcB.id });
    }
  });
});

describe('operator asset administration', () => {
  it('a Volcengine account with a wrong secret surfaces as a clear operator error, without the secret', async () => {
    const r = await op('POST', '/api/assets/groups', { volcengineAccountId: 'pa_volcWrong', name: 'will fail' });
    expect(r.status).toBe(503);
    expect(r.body.error.message).toMatch(/SignatureDoesNotMatch/);
    expect(r.body.error.message).toMatch(/raw/);
    expect(r.text).not.toContain(WRONG_SECRET);
    expect(app.logs.join('\n')).not.toContain(WRONG_SECRET);
    expect(app.logs.join('\n')).not.toContain(A.secretAccessKey);
  });

  it('creates, lists and deletes groups (with their assets) upstream and here; audit events are written', async () => {
    const created = await op('POST', '/api/assets/groups', { volcengineAccountId: volcA.id, name: 'operator group' });
    expect(created.status).toBe(201);
    const group = created.body.group;
    expect(group).toMatchObject({ customerId: null, volcengineAccountId: volcA.id, name: 'operator group', projectName: 'default' });
    expect(sim.control.groups.has(group.providerGroupId)).toBe(true);
    const listed = await op('GET', `/api/assets/groups?volcengineAccountId=${volcA.id}&limit=100`);
    expect(listed.body.data.map((g: { id: string }) => g.id)).toContain(group.id);

    const ingested = await op('POST', '/api/assets', { name: 'house avatar', dataUrl: dataUrl(png('house')), volcengineAccountId: volcA.id });
    expect(ingested.status).toBe(202);
    expect(ingested.body.asset).toMatchObject({ customerId: null, mode: 'live', kind: 'ingested', status: 'processing' });
    const got = await op('GET', `/api/assets/${ingested.body.asset.id}`);
    expect(got.body.asset.groupId).toBe(group.id);

    const deleted = await op('DELETE', `/api/assets/groups/${group.id}`);
    expect(deleted.status).toBe(200);
    expect(sim.control.groups.has(group.providerGroupId)).toBe(false);
    expect((await op('GET', `/api/assets/${ingested.body.asset.id}`)).status).toBe(404);
    expect((await op('DELETE', `/api/assets/groups/${group.id}`)).status).toBe(404);
    const { rows } = await pg.query(`SELECT action FROM audit_events WHERE target_id = $1 ORDER BY id`, [group.id]);
    expect(rows.map((r) => r.action)).toEqual(['asset_group.created', 'asset_group.deleted']);
  });

  it('lists assets across customers with status, customer and group filters', async () => {
    const { key, customerId } = await newCustomerWithKey(app.url, 'live');
    const a = await call(app.url, 'POST', '/v1/assets', { token: key, body: { name: 'f1', dataUrl: dataUrl(png('f1')) } });
    await waitForAsset(key, a.body.asset.id);
    const byCustomer = await op('GET', `/api/assets?customerId=${customerId}`);
    expect(byCustomer.body.data.map((x: { id: string }) => x.id)).toEqual([a.body.asset.id]);
    const groupId = byCustomer.body.data[0].groupId;
    expect((await op('GET', `/api/assets?groupId=${groupId}&status=active`)).body.data).toHaveLength(1);
    expect((await op('GET', `/api/assets?groupId=${groupId}&status=failed`)).body.data).toHaveLength(0);
    expect((await op('GET', '/api/assets?status=nope')).status).toBe(400);
    expect((await call(app.url, 'GET', '/api/assets', {})).status).toBe(401);
  });

  it('register refuses an id Volcengine does not know under that account, unknown accounts and customers, and duplicates', async () => {
    const { customerId } = await newCustomerWithKey(app.url, 'live');
    const unknown = await op('POST', '/api/assets/register', { customerId, volcengineAccountId: volcA.id, providerAssetId: 'asset-not-there', name: 'x' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(/another Volcengine account or project/);
    expect((await op('POST', '/api/assets/register', { customerId, volcengineAccountId: 'pa_nope', providerAssetId: 'asset-1', name: 'x' })).status).toBe(400);
    expect((await op('POST', '/api/assets/register', { customerId: 'cus_000000000000000000000000', volcengineAccountId: volcA.id, providerAssetId: 'asset-1', name: 'x' })).status).toBe(404);
    expect((await op('POST', '/api/assets/register', { customerId, volcengineAccountId: volcA.id, providerAssetId: 'bad id with spaces', name: 'x' })).status).toBe(400);
    const unverified = await op('POST', '/api/assets/register', { customerId, volcengineAccountId: volcA.id, providerAssetId: 'asset-console-1', name: 'x', verify: false });
    expect(unverified.status).toBe(201);
    expect((await op('POST', '/api/assets/register', { customerId, volcengineAccountId: volcA.id, providerAssetId: 'asset-console-1', name: 'x', verify: false })).status).toBe(409);
  });
});
