import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMp4Info, readPngInfo, syntheticPng } from '@app/simulation';
import { signRequest } from '@app/volcengine-assets';
import { type ProviderSim, createProviderSim } from '../../apps/provider-sim/src';

const KEY = 'sk-sim-linked-000000000000';
const OTHER_KEY = 'sk-sim-unlinked-0000000000';
const NO_GROUP_KEY = 'sk-sim-nogroup-00000000000';
const TOKEN = 'access-token-linked';
const AK = 'AKLTsimlinked000000000000';
const SK = 'raw-secret-linked';
const DENIED_AK = 'AKLTsimdenied000000000000';
const UNSIGNED_AK = 'AKLTsimnoletter0000000000';
const FAST = 'doubao-seedance-2-0-fast-260128';
const TASKS = '/seedance/api/v3/contents/generations/tasks';

// Answers are loosely typed on purpose: the assertions are the schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

// A hand-driven clock: task and asset progress depend on it only, so nothing here waits on time.
let clock = Date.UTC(2026, 8, 30, 8, 0, 0);
let sim: ProviderSim;

beforeAll(async () => {
  sim = await createProviderSim({
    now: () => clock,
    apiyiAccounts: [
      { key: KEY, accessToken: TOKEN, quota: 10_000_000, volcAccessKeyId: AK, projectName: 'video' },
      { key: OTHER_KEY, quota: 10_000_000 },
      { key: NO_GROUP_KEY, groups: ['default'] },
    ],
    volcAccounts: [
      { accessKeyId: AK, secretAccessKey: SK },
      { accessKeyId: DENIED_AK, secretAccessKey: 's', accessDenied: true },
      { accessKeyId: UNSIGNED_AK, secretAccessKey: 's', authorizationLetterSigned: false },
    ],
    switches: { taskQueuedMs: 100, taskRunningMs: 300, assetProcessingMs: 500 },
  });
});

afterAll(async () => {
  await sim.close();
});

function advance(ms: number): void {
  clock += ms;
}

async function apiyi(path: string, init: { method?: string; key?: string; body?: unknown } = {}): Promise<{ status: number; json: Json }> {
  const res = await fetch(`${sim.url}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.key !== undefined ? { authorization: `Bearer ${init.key}` } : {}), 'content-type': 'application/json', 'accept-encoding': 'identity' },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, json: await res.json() };
}

function taskBody(overrides: Record<string, unknown> = {}, text = 'a fox running in snow'): Record<string, unknown> {
  return { model: FAST, content: [{ type: 'text', text }], ratio: '16:9', resolution: '720p', duration: 5, generate_audio: false, ...overrides };
}

async function volc(action: string, body: unknown, creds: { ak?: string; sk?: string; version?: string; project?: string | null } = {}): Promise<{ status: number; json: Json }> {
  const payload = JSON.stringify(creds.project === null ? body : { ProjectName: creds.project ?? 'video', ...(body as object) });
  const url = `${sim.url}/?Action=${action}&Version=${creds.version ?? '2024-01-01'}`;
  const signed = signRequest({
    method: 'POST',
    url,
    headers: { 'Content-Type': 'application/json' },
    body: payload,
    accessKeyId: creds.ak ?? AK,
    secretAccessKey: creds.sk ?? SK,
    region: 'cn-beijing',
    service: 'ark',
    date: new Date(clock),
  });
  const res = await fetch(url, { method: 'POST', headers: signed.headers, body: payload });
  return { status: res.status, json: await res.json() };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i++) {
    await new Promise((r) => setTimeout(r, 10));
  }
  expect(check()).toBe(true);
}

describe('provider-sim: APIYI Seedance tasks', () => {
  it('runs a task queued → running → succeeded with a downloadable mp4, usage, and exactly one create call', async () => {
    sim.control.resetCounters();
    const before = sim.control.apiyi.get(KEY)!.quota;
    const created = await apiyi(TASKS, { key: KEY, body: taskBody() });
    expect(created.status).toBe(200);
    expect(created.json.id).toMatch(/^cgt-/);
    const id: string = created.json.id;

    expect((await apiyi(`${TASKS}/${id}`, { key: KEY })).json.status).toBe('queued');
    advance(150);
    expect((await apiyi(`${TASKS}/${id}`, { key: KEY })).json.status).toBe('running');
    advance(300);
    const done = await apiyi(`${TASKS}/${id}`, { key: KEY });
    expect(done.json).toMatchObject({ id, model: FAST, status: 'succeeded', ratio: '16:9', resolution: '720p', duration: 5, generate_audio: false });
    expect(done.json.usage.total_tokens).toBe(108_000);
    expect(sim.control.apiyi.get(KEY)!.quota).toBe(before - 108_000);

    const video = await fetch(done.json.content.video_url);
    expect(video.status).toBe(200);
    expect(video.headers.get('content-type')).toBe('video/mp4');
    expect(readMp4Info(Buffer.from(await video.arrayBuffer()))?.boxes[0]).toBe('ftyp');
    const forged = await fetch(done.json.content.video_url.replace(/X-Signature=\w+/, 'X-Signature=0000'));
    expect(forged.status).toBe(403);

    expect(sim.control.callCount('seedance.create')).toBe(1);
    expect(sim.control.callCount('seedance.create', KEY)).toBe(1);
    expect(sim.control.callCount('seedance.get', KEY)).toBe(3);
  });

  it('validates the body with Ark error bodies { error: { code, message, type, param } }', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [taskBody({ generate_audio: undefined }), 'generate_audio'],
      [taskBody({ generate_audio: 'yes' }), 'generate_audio'],
      [taskBody({ duration: 3 }), 'duration'],
      [taskBody({ duration: 16 }), 'duration'],
      [taskBody({ duration: 5.5 }), 'duration'],
      [taskBody({ resolution: '1080p' }), 'resolution'],
      [taskBody({ ratio: '2:1' }), 'ratio'],
      [taskBody({ content: [] }), 'content'],
      [taskBody({ content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' }, role: 'reference_image' }] }), 'content[0].image_url.url'],
      [taskBody({ content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' }, role: 'hero' }] }), 'content[0].role'],
      [taskBody({ content: Array.from({ length: 10 }, () => ({ type: 'image_url', image_url: { url: 'https://x/y.png' }, role: 'reference_image' })) }), 'content'],
    ];
    for (const [body, param] of cases) {
      const r = await apiyi(TASKS, { key: KEY, body });
      expect(r.status, param).toBe(400);
      expect(r.json.error).toMatchObject({ param, type: 'BadRequest' });
      expect(typeof r.json.error.code).toBe('string');
      expect(typeof r.json.error.message).toBe('string');
    }
    const ok = await apiyi(TASKS, { key: KEY, body: taskBody({ duration: -1, ratio: 'adaptive', model: 'doubao-seedance-2-0-260128', resolution: '1080p' }) });
    expect(ok.status).toBe(200);
  });

  it('refuses missing or unknown keys (401) and keys without the SeeDance2 group ("no available channel")', async () => {
    expect((await apiyi(TASKS, { body: taskBody() })).status).toBe(401);
    expect((await apiyi(TASKS, { key: 'sk-nope', body: taskBody() })).status).toBe(401);
    const r = await apiyi(TASKS, { key: NO_GROUP_KEY, body: taskBody() });
    expect(r.status).toBe(503);
    expect(r.json.error.message).toMatch(/no available channel/i);
    expect((await apiyi(TASKS, { key: KEY, body: taskBody({ model: 'some-other-model' }) })).status).toBe(503);
  });

  it('ends tasks failed, expired or never, by marker and by switch', async () => {
    const failed = (await apiyi(TASKS, { key: KEY, body: taskBody({}, 'boom [sim:fail]') })).json.id;
    const expired = (await apiyi(TASKS, { key: KEY, body: taskBody({}, 'late [sim:expire]') })).json.id;
    sim.control.setSwitches({ stuckTasks: true });
    const stuck = (await apiyi(TASKS, { key: KEY, body: taskBody() })).json.id;
    sim.control.setSwitches({ stuckTasks: false, failureRate: 1 });
    const byRate = (await apiyi(TASKS, { key: KEY, body: taskBody() })).json.id;
    sim.control.setSwitches({ failureRate: 0 });
    advance(24 * 3_600_000);
    const f = (await apiyi(`${TASKS}/${failed}`, { key: KEY })).json;
    expect(f.status).toBe('failed');
    expect(f.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    expect(f.content).toBeUndefined();
    expect((await apiyi(`${TASKS}/${expired}`, { key: KEY })).json.status).toBe('expired');
    expect((await apiyi(`${TASKS}/${stuck}`, { key: KEY })).json.status).toBe('running');
    expect((await apiyi(`${TASKS}/${byRate}`, { key: KEY })).json.status).toBe('failed');
  });

  it('hides a task from other keys and answers 404 for unknown ids', async () => {
    const id = (await apiyi(TASKS, { key: KEY, body: taskBody() })).json.id;
    expect((await apiyi(`${TASKS}/${id}`, { key: OTHER_KEY })).status).toBe(404);
    expect((await apiyi(`${TASKS}/cgt-unknown`, { key: KEY })).status).toBe(404);
  });

  it('forces 429, 401 and 5xx per key for a number of calls, leaving other keys alone', async () => {
    sim.control.forceFault(KEY, 429, 2);
    expect((await apiyi(TASKS, { key: KEY, body: taskBody() })).status).toBe(429);
    expect((await apiyi(TASKS, { key: OTHER_KEY, body: taskBody() })).status).toBe(200);
    expect((await apiyi(TASKS, { key: KEY, body: taskBody() })).status).toBe(429);
    expect((await apiyi(TASKS, { key: KEY, body: taskBody() })).status).toBe(200);
    sim.control.forceFault(KEY, 401);
    expect((await apiyi(TASKS, { key: KEY, body: taskBody() })).status).toBe(401);
    expect((await apiyi(`${TASKS}/x`, { key: KEY })).status).toBe(401);
    sim.control.forceFault(KEY, 502, 1);
    expect((await apiyi(TASKS, { key: KEY, body: taskBody() })).status).toBe(502);
    expect((await apiyi(TASKS, { key: KEY, body: taskBody({}, 'x [sim:429]') })).status).toBe(429);
    sim.control.clearFaults();
  });

  it('refuses creation when the balance is exhausted, per key or globally', async () => {
    sim.control.setQuota(OTHER_KEY, 10);
    const r = await apiyi(TASKS, { key: OTHER_KEY, body: taskBody() });
    expect(r.status).toBe(403);
    expect(r.json.error.code).toBe('insufficient_user_quota');
    sim.control.setQuota(OTHER_KEY, 10_000_000);
    sim.control.setSwitches({ exhaustedBalance: true });
    expect((await apiyi(TASKS, { key: OTHER_KEY, body: taskBody() })).status).toBe(403);
    sim.control.setSwitches({ exhaustedBalance: false });
    expect((await apiyi(TASKS, { key: OTHER_KEY, body: taskBody() })).status).toBe(200);
  });

  it('rejects a raw reference image with a real face (PrivacyInformation), by URL or by data-URL bytes', async () => {
    const withFace = Buffer.concat([syntheticPng({ width: 16, height: 16, seed: 'face' }), Buffer.from('sim-real-face')]);
    for (const url of ['https://cdn.example/sim-real-face.png', `data:image/png;base64,${withFace.toString('base64')}`]) {
      const r = await apiyi(TASKS, { key: KEY, body: taskBody({ content: [{ type: 'text', text: 'Image 1 waves' }, { type: 'image_url', image_url: { url }, role: 'reference_image' }] }) });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('InputImageSensitiveContentDetected.PrivacyInformation');
    }
    const clean = `data:image/png;base64,${syntheticPng({ width: 16, height: 16, seed: 'avatar' }).toString('base64')}`;
    const ok = await apiyi(TASKS, { key: KEY, body: taskBody({ content: [{ type: 'text', text: 'Image 1 waves' }, { type: 'image_url', image_url: { url: clean }, role: 'first_frame' }] }) });
    expect(ok.status).toBe(200);
  });
});

describe('provider-sim: APIYI GPT Image 2', () => {
  it('generates a PNG of the asked size, synchronously, and bills the key', async () => {
    const before = sim.control.apiyi.get(KEY)!.quota;
    const r = await apiyi('/v1/images/generations', { key: KEY, body: { model: 'gpt-image-2', prompt: 'a lighthouse', size: '1536x1024', quality: 'low', output_format: 'png', n: 1 } });
    expect(r.status).toBe(200);
    expect(readPngInfo(Buffer.from(r.json.data[0].b64_json, 'base64'))).toMatchObject({ width: 1536, height: 1024 });
    expect(r.json.size).toBe('1536x1024');
    expect(sim.control.apiyi.get(KEY)!.quota).toBeLessThan(before);
  });

  it('refuses bad sizes, n > 1 and unknown models', async () => {
    const gen = (body: Record<string, unknown>) => apiyi('/v1/images/generations', { key: KEY, body: { model: 'gpt-image-2', prompt: 'p', ...body } });
    expect((await gen({ size: '1000x1000' })).status).toBe(400);
    expect((await gen({ size: '4096x1024' })).status).toBe(400);
    expect((await gen({ n: 2 })).status).toBe(400);
    expect((await gen({ quality: 'ultra' })).status).toBe(400);
    expect((await gen({ model: 'dall-e-3' })).status).toBe(503);
  });

  it('edits with image[] files sent as multipart, and refuses a non-image file', async () => {
    const form = new FormData();
    form.append('model', 'gpt-image-2');
    form.append('prompt', 'put Image 1 on Image 2');
    form.append('size', '1024x1024');
    form.append('image[]', new Blob([syntheticPng({ width: 32, height: 32, seed: 'a' })], { type: 'image/png' }), 'a.png');
    form.append('image[]', new Blob([syntheticPng({ width: 32, height: 32, seed: 'b' })], { type: 'image/png' }), 'b.png');
    const ok = await fetch(`${sim.url}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: form });
    expect(ok.status).toBe(200);
    const json: Json = await ok.json();
    expect(readPngInfo(Buffer.from(json.data[0].b64_json, 'base64'))).toMatchObject({ width: 1024, height: 1024 });
    expect(json.usage.input_tokens).toBeGreaterThan(600);

    const bad = new FormData();
    bad.append('model', 'gpt-image-2');
    bad.append('prompt', 'x');
    bad.append('image[]', new Blob(['<html></html>'], { type: 'image/png' }), 'fake.png');
    expect((await fetch(`${sim.url}/v1/images/edits`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: bad })).status).toBe(400);
  });

  it('can drop the connection after the work is done, and still bills it', async () => {
    sim.control.resetCounters();
    const before = sim.control.apiyi.get(KEY)!.quota;
    sim.control.setSwitches({ dropImageConnections: true });
    await expect(apiyi('/v1/images/generations', { key: KEY, body: { model: 'gpt-image-2', prompt: 'lost', size: '1024x1024' } })).rejects.toThrow();
    sim.control.setSwitches({ dropImageConnections: false });
    await expect(apiyi('/v1/images/generations', { key: KEY, body: { model: 'gpt-image-2', prompt: 'lost again [sim:drop]', size: '1024x1024' } })).rejects.toThrow();
    expect(sim.control.apiyi.get(KEY)!.quota).toBe(before - 100_000);
    expect(sim.control.callCount('images.generations', KEY)).toBe(2);
  });
});

describe('provider-sim: APIYI balance', () => {
  it('answers /api/user/self with quota for the bare access token and 401 otherwise', async () => {
    const res = await fetch(`${sim.url}/api/user/self`, { headers: { authorization: TOKEN } });
    expect(res.status).toBe(200);
    const json: Json = await res.json();
    expect(json).toMatchObject({ success: true, data: { quota: sim.control.apiyi.get(KEY)!.quota, used_quota: expect.any(Number) } });
    const wrong = await fetch(`${sim.url}/api/user/self`, { headers: { authorization: KEY } });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json())).success).toBe(false);
  });
});

describe('provider-sim: Volcengine asset OpenAPI', () => {
  let imageServer: Server;
  let imageBase = '';
  const hits: string[] = [];

  beforeAll(async () => {
    const png = syntheticPng({ width: 64, height: 96, seed: 'avatar' });
    imageServer = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/avatar.png') {
        res.writeHead(200, { 'content-type': 'image/png' }).end(png);
      } else if (req.url === '/page.html') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => imageServer.listen(0, '127.0.0.1', () => r()));
    imageBase = `http://127.0.0.1:${(imageServer.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((r) => imageServer.close(() => r()));
  });

  it('accepts a request signed with the right secret and answers the documented envelope', async () => {
    const r = await volc('CreateAssetGroup', { Name: 'shots', GroupType: 'AIGC' });
    expect(r.status).toBe(200);
    expect(r.json.ResponseMetadata).toMatchObject({ Action: 'CreateAssetGroup', Version: '2024-01-01', Service: 'ark', Region: 'cn-beijing', RequestId: expect.any(String) });
    expect(r.json.ResponseMetadata.Error).toBeUndefined();
    expect(r.json.Result.Id).toEqual(expect.any(String));
  });

  it('refuses a wrong secret with SignatureDoesNotMatch, and an unknown key with InvalidAccessKey', async () => {
    const r = await volc('ListAssetGroups', {}, { sk: 'not-the-secret' });
    expect(r.status).toBe(401);
    expect(r.json.ResponseMetadata.Error.Code).toBe('SignatureDoesNotMatch');
    expect(r.json.Result).toBeUndefined();
    const decoded = await volc('ListAssetGroups', {}, { sk: Buffer.from(SK).toString('base64') });
    expect(decoded.json.ResponseMetadata.Error.Code).toBe('SignatureDoesNotMatch');
    expect((await volc('ListAssetGroups', {}, { ak: 'AKLTunknown' })).json.ResponseMetadata.Error.Code).toBe('InvalidAccessKey');
    const unsigned = await fetch(`${sim.url}/?Action=ListAssetGroups&Version=2024-01-01`, { method: 'POST', body: '{}' });
    expect(unsigned.status).toBe(401);
  });

  it('answers AccessDenied (403), an unsigned authorization letter and a wrong version as upstream does', async () => {
    const denied = await volc('ListAssetGroups', {}, { ak: DENIED_AK, sk: 's' });
    expect(denied.status).toBe(403);
    expect(denied.json.ResponseMetadata.Error.Code).toBe('AccessDenied');
    const letter = await volc('CreateAssetGroup', { Name: 'x', GroupType: 'AIGC' }, { ak: UNSIGNED_AK, sk: 's' });
    expect(letter.status).toBe(200);
    expect(letter.json.ResponseMetadata.Error.Code).toMatch(/^OperationDenied/);
    expect((await volc('ListAssetGroups', {}, { version: '2023-01-01' })).status).toBe(404);
  });

  it('ingests an asset by fetching its URL itself: Processing, then Active after the processing time', async () => {
    const group = (await volc('CreateAssetGroup', { Name: 'ingest', GroupType: 'AIGC' })).json.Result.Id;
    const created = await volc('CreateAsset', { GroupId: group, URL: `${imageBase}/avatar.png`, AssetType: 'Image', Name: 'hero' });
    const id: string = created.json.Result.Id;
    expect(id).toEqual(expect.any(String));
    expect((await volc('GetAsset', { Id: id })).json.Result.Status).toBe('Processing');
    await until(() => sim.control.assets.get(id)?.fetched === true);
    expect(hits).toContain('/avatar.png');
    expect((await volc('GetAsset', { Id: id })).json.Result.Status).toBe('Processing');
    advance(500);
    expect((await volc('GetAsset', { Id: id })).json.Result).toMatchObject({ Id: id, Name: 'hero', GroupId: group, AssetType: 'Image', Status: 'Active', ProjectName: 'video' });
  });

  it('fails an asset whose URL does not answer 200 or is not an image, with the reason', async () => {
    const group = (await volc('CreateAssetGroup', { Name: 'bad', GroupType: 'AIGC' })).json.Result.Id;
    const missing = (await volc('CreateAsset', { GroupId: group, URL: `${imageBase}/missing.png`, AssetType: 'Image' })).json.Result.Id;
    const html = (await volc('CreateAsset', { GroupId: group, URL: `${imageBase}/page.html`, AssetType: 'Image' })).json.Result.Id;
    await until(() => sim.control.assets.get(missing)?.fetched === true && sim.control.assets.get(html)?.fetched === true);
    advance(500);
    const a = (await volc('GetAsset', { Id: missing })).json.Result;
    expect(a.Status).toBe('Failed');
    expect(a.Error.Code).toBe('DownloadFailed');
    expect((await volc('GetAsset', { Id: html })).json.Result.Error.Code).toBe('InvalidImage');
    const base64 = await volc('CreateAsset', { GroupId: group, URL: 'data:image/png;base64,AAAA', AssetType: 'Image' });
    expect(base64.status).toBe(200);
    expect(base64.json.ResponseMetadata.Error.Code).toBe('InvalidParameter');
  });

  it('scopes everything by ProjectName and pages through lists with filters', async () => {
    const group = (await volc('CreateAssetGroup', { Name: 'paging', GroupType: 'AIGC' })).json.Result.Id;
    sim.control.setSwitches({ assetFetch: false });
    for (let i = 0; i < 5; i++) {
      await volc('CreateAsset', { GroupId: group, URL: `${imageBase}/avatar.png`, AssetType: 'Image', Name: `p${i}` });
    }
    sim.control.setSwitches({ assetFetch: true });
    const pages = [1, 2, 3].map((PageNumber) => volc('ListAssets', { Filter: { GroupIds: [group] }, PageNumber, PageSize: 2 }));
    const results = await Promise.all(pages);
    expect(results.map((r) => r.json.Result.Items.length)).toEqual([2, 2, 1]);
    expect(results[0].json.Result).toMatchObject({ PageNumber: 1, PageSize: 2, TotalCount: 5 });
    expect((await volc('ListAssets', { Filter: { GroupIds: [group], Statuses: ['Active'] } })).json.Result.TotalCount).toBe(0);
    advance(500);
    expect((await volc('ListAssets', { Filter: { GroupIds: [group], Statuses: ['Active'] } })).json.Result.TotalCount).toBe(5);
    expect((await volc('ListAssets', { Filter: { GroupIds: [group], Name: 'p3' } })).json.Result.TotalCount).toBe(1);

    // Without ProjectName (the `default` project) the same account sees none of it.
    expect((await volc('ListAssets', { Filter: { GroupIds: [group] } }, { project: null })).json.Result.TotalCount).toBe(0);
    expect((await volc('GetAssetGroup', { Id: group }, { project: 'other' })).json.ResponseMetadata.Error.Code).toBe('NotFound');
    const groups = await volc('ListAssetGroups', { Filter: { GroupType: 'AIGC' }, PageNumber: 1, PageSize: 100 });
    expect(groups.json.Result.Items.map((g: { Id: string }) => g.Id)).toContain(group);
    expect((await volc('ListAssets', { PageSize: 101 })).json.ResponseMetadata.Error.Code).toBe('InvalidParameter');
  });

  it('updates, and deletes idempotently: a second delete succeeds, an unknown id is 404 NotFound', async () => {
    const group = (await volc('CreateAssetGroup', { Name: 'old', GroupType: 'AIGC' })).json.Result.Id;
    expect((await volc('UpdateAssetGroup', { Id: group, Name: 'new', Description: 'd' })).json.ResponseMetadata.Error).toBeUndefined();
    expect((await volc('GetAssetGroup', { Id: group })).json.Result).toMatchObject({ Name: 'new', Description: 'd', GroupType: 'AIGC' });
    const asset = (await volc('CreateAsset', { GroupId: group, URL: `${imageBase}/avatar.png`, AssetType: 'Image' })).json.Result.Id;
    await volc('UpdateAsset', { Id: asset, Name: 'renamed' });
    expect((await volc('GetAsset', { Id: asset })).json.Result.Name).toBe('renamed');
    expect((await volc('DeleteAsset', { Id: asset })).json.ResponseMetadata.Error).toBeUndefined();
    const again = await volc('DeleteAsset', { Id: asset });
    expect(again.status).toBe(200);
    expect(again.json.ResponseMetadata.Error).toBeUndefined();
    const get = await volc('GetAsset', { Id: asset });
    expect(get.status).toBe(200);
    expect(get.json.ResponseMetadata.Error.Code).toBe('NotFound');
    const unknown = await volc('DeleteAssetGroup', { Id: 'group-never' });
    expect(unknown.status).toBe(404);
    expect(unknown.json.ResponseMetadata.Error.Code).toBe('NotFound');
    expect((await volc('DeleteAssetGroup', { Id: group })).json.ResponseMetadata.Error).toBeUndefined();
    expect((await volc('DeleteAssetGroup', { Id: group })).json.ResponseMetadata.Error).toBeUndefined();
  });

  it('records request timestamps per action and enforces a per-action QPS limit with FlowLimitExceeded', async () => {
    const group = (await volc('CreateAssetGroup', { Name: 'qps', GroupType: 'AIGC' })).json.Result.Id;
    sim.control.setSwitches({ assetFetch: false });
    const asset = (await volc('CreateAsset', { GroupId: group, URL: `${imageBase}/avatar.png`, AssetType: 'Image' })).json.Result.Id;
    sim.control.setSwitches({ assetFetch: true, volcQpsLimits: { GetAsset: 5 } });
    sim.control.resetCounters();
    advance(2000);
    const burst = await Promise.all(Array.from({ length: 8 }, () => volc('GetAsset', { Id: asset })));
    expect(burst.filter((r) => r.status === 200)).toHaveLength(5);
    const limited = burst.filter((r) => r.status === 429);
    expect(limited).toHaveLength(3);
    expect(limited[0].json.ResponseMetadata.Error.Code).toBe('FlowLimitExceeded');
    expect((await volc('ListAssetGroups', {})).status).toBe(200);
    advance(1000);
    expect((await volc('GetAsset', { Id: asset })).status).toBe(200);

    const log = sim.control.volcRequests('GetAsset', AK);
    expect(log).toHaveLength(9);
    expect(log.filter((r) => r.limited)).toHaveLength(3);
    expect(sim.control.maxRequestsPerWindow('GetAsset', 1000)).toBe(5);
    expect(sim.control.maxRequestsPerWindow('GetAsset', 1000, { includeLimited: true })).toBe(8);
    expect(sim.control.callCount('volc.GetAsset', AK)).toBe(9);
    const overHttp: Json = await (await fetch(`${sim.url}/__sim/volc/requests?action=GetAsset&accessKeyId=${AK}`)).json();
    expect(overHttp.requests).toHaveLength(9);
    expect(overHttp.maxPerWindow).toBe(5);
    sim.control.setSwitches({ volcQpsLimits: { GetAsset: 0 } });
  });

  it('lets a Seedance task reference asset:// ids only through the APIYI key linked to their Volcengine account and project', async () => {
    const group = (await volc('CreateAssetGroup', { Name: 'cast', GroupType: 'AIGC' })).json.Result.Id;
    const ids: string[] = [];
    for (const name of ['a', 'b']) {
      ids.push((await volc('CreateAsset', { GroupId: group, URL: `${imageBase}/avatar.png`, AssetType: 'Image', Name: name })).json.Result.Id);
    }
    const body = taskBody({
      content: [
        { type: 'text', text: 'Image 1 hands Image 2 a cup' },
        ...ids.map((id) => ({ type: 'image_url', image_url: { url: `asset://${id}` }, role: 'reference_image' })),
      ],
    });
    const early = await apiyi(TASKS, { key: KEY, body });
    expect(early.status).toBe(400);
    expect(early.json.error.message).toMatch(/not active/);
    await until(() => ids.every((id) => sim.control.assets.get(id)?.fetched === true));
    advance(500);
    const created = await apiyi(TASKS, { key: KEY, body });
    expect(created.status).toBe(200);
    expect(sim.control.tasks.get(created.json.id)?.request.content).toEqual(body.content);
    const elsewhere = await apiyi(TASKS, { key: OTHER_KEY, body });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.json.error.message).toMatch(/asset not found/);
  });
});

describe('provider-sim: control API', () => {
  it('changes switches, forces faults and reports counters over HTTP', async () => {
    const post = (path: string, body: unknown) => fetch(`${sim.url}/__sim${path}`, { method: 'POST', body: JSON.stringify(body) });
    expect((await post('/reset', {})).status).toBe(200);
    await post('/switches', { stuckTasks: true, latencyMs: { 'seedance.get': 0 } });
    const id = (await apiyi(TASKS, { key: OTHER_KEY, body: taskBody() })).json.id;
    advance(3_600_000);
    expect((await apiyi(`${TASKS}/${id}`, { key: OTHER_KEY })).json.status).toBe('running');
    await post('/switches', { stuckTasks: false });
    await post('/faults', { credential: OTHER_KEY, status: 503, count: 1 });
    expect((await apiyi(TASKS, { key: OTHER_KEY, body: taskBody() })).status).toBe(503);
    await post('/quota', { key: OTHER_KEY, quota: 0 });
    expect((await apiyi(TASKS, { key: OTHER_KEY, body: taskBody() })).status).toBe(403);
    await post('/quota', { key: OTHER_KEY, quota: 10_000_000 });
    const calls: Json = await (await fetch(`${sim.url}/__sim/calls`)).json();
    expect(calls.byKey[OTHER_KEY]).toEqual({ 'seedance.create': 3, 'seedance.get': 1 });
    const task: Json = await (await fetch(`${sim.url}/__sim/tasks/${id}`)).json();
    expect(task.status).toBe('running');
    const state: Json = await (await fetch(`${sim.url}/__sim/state`)).json();
    expect(state.switches.stuckTasks).toBe(false);
  });
});
