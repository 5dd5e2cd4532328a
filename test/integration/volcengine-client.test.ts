import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InProcessRateLimiter,
  type VolcengineAccount,
  type VolcengineAssetsOptions,
  VolcengineClient,
  VolcengineError,
  defaultVolcengineAssetsOptions,
} from '@app/volcengine-assets';
import { type ProviderSim, createProviderSim } from '../../apps/provider-sim/src';

const AK = 'AKLTclienttest000000000001';
const SECRET = 'client-test-secret-Zq8/+w==';
let sim: ProviderSim;

function account(overrides: Partial<VolcengineAccount> = {}): VolcengineAccount {
  return { id: 'pa_volc_client', label: 'client test', baseUrl: sim.url, region: 'cn-beijing', projectName: 'default', accessKeyId: AK, secretAccessKey: SECRET, ...overrides };
}

function client(options: Partial<VolcengineAssetsOptions> = {}): VolcengineClient {
  return new VolcengineClient(new InProcessRateLimiter(), defaultVolcengineAssetsOptions({ backoffMs: 100, ...options }));
}

async function failure(p: Promise<unknown>): Promise<VolcengineError> {
  const error = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(VolcengineError);
  return error as VolcengineError;
}

beforeAll(async () => {
  sim = await createProviderSim({
    volcAccounts: [
      { accessKeyId: AK, secretAccessKey: SECRET },
      { accessKeyId: 'AKLTdenied0000000000000001', secretAccessKey: 'denied-secret', accessDenied: true },
      { accessKeyId: 'AKLTunsigned00000000000001', secretAccessKey: 'unsigned-secret', authorizationLetterSigned: false },
    ],
    switches: { assetFetch: false, assetProcessingMs: 0 },
  });
});

afterAll(async () => {
  await sim?.close();
});

describe('the Volcengine client against the signature-verifying simulator', () => {
  it('creates, reads, renames and deletes groups and assets, signed correctly', async () => {
    const c = client();
    const a = account();
    const group = await c.createAssetGroup(a, { name: 'avatars' });
    expect(group.Id).toMatch(/^group-/);
    expect(await c.getAssetGroup(a, { id: group.Id })).toMatchObject({ Id: group.Id, Name: 'avatars', GroupType: 'AIGC', ProjectName: 'default' });
    await c.updateAssetGroup(a, { id: group.Id, name: 'renamed' });
    expect((await c.getAssetGroup(a, { id: group.Id })).Name).toBe('renamed');

    const asset = await c.createAsset(a, { groupId: group.Id, url: 'https://cdn.example/avatar.png', name: 'mia' });
    expect(await c.getAsset(a, { id: asset.Id })).toMatchObject({ Id: asset.Id, GroupId: group.Id, Status: 'Active' });
    await c.updateAsset(a, { id: asset.Id, name: 'mia 2' });
    expect((await c.listAllAssets(a, { groupIds: [group.Id] })).map((x) => x.Name)).toEqual(['mia 2']);

    expect(await c.deleteAsset(a, { id: asset.Id })).toEqual({ alreadyGone: false });
    // Deleting what is gone is a success, both for something deleted before and something never known (404 NotFound).
    await expect(c.deleteAsset(a, { id: asset.Id })).resolves.toBeDefined();
    expect(await c.deleteAsset(a, { id: 'asset-never-existed' })).toEqual({ alreadyGone: true });
    expect(await c.deleteAssetGroup(a, { id: group.Id })).toEqual({ alreadyGone: false });
    expect(await c.deleteAssetGroup(a, { id: 'group-never-existed' })).toEqual({ alreadyGone: true });
  });

  it('always sends ProjectName: what lives in one project is invisible from another', async () => {
    const c = client();
    const p2 = account({ projectName: 'project-two' });
    const group = await c.createAssetGroup(p2, { name: 'in p2' });
    expect(sim.control.groups.get(group.Id)?.ProjectName).toBe('project-two');
    expect((await c.listAllAssetGroups(p2)).map((g) => g.Id)).toContain(group.Id);
    expect((await c.listAllAssetGroups(account())).map((g) => g.Id)).not.toContain(group.Id);
    // The per-call project wins over the account's.
    expect((await c.getAssetGroup(account(), { id: group.Id, projectName: 'project-two' })).Id).toBe(group.Id);
  });

  it('pages through lists', async () => {
    const c = client({ qps: { CreateAssetGroup: 1000, ListAssetGroups: 1000 } as VolcengineAssetsOptions['qps'] });
    const a = account({ projectName: 'paging' });
    const ids = new Set<string>();
    for (let i = 0; i < 230; i++) {
      ids.add((await c.createAssetGroup(a, { name: `g${i}` })).Id);
    }
    const listed = await c.listAllAssetGroups(a);
    expect(listed).toHaveLength(230);
    expect(new Set(listed.map((g) => g.Id))).toEqual(ids);
    expect(sim.control.volcRequests('ListAssetGroups', AK).length).toBeGreaterThanOrEqual(3);
  });

  it('reads errors that arrive under HTTP 200 and explains a missing asset', async () => {
    const error = await failure(client().getAsset(account(), { id: 'asset-unknown' }));
    expect(error.httpStatus).toBe(200);
    expect(error.kind).toBe('not_found');
    expect(error.message).toMatch(/another Volcengine account or project/);
  });

  it('a request signed with a wrong secret is refused and the error names the likely cause, never the secret', async () => {
    const wrongSecret = 'this-is-the-WRONG-secret-42';
    const error = await failure(client().listAssetGroups(account({ secretAccessKey: wrongSecret })));
    expect(error.kind).toBe('credentials');
    expect(error.code).toBe('SignatureDoesNotMatch');
    expect(error.httpStatus).toBe(401);
    expect(error.message).toMatch(/secret access key/);
    expect(error.message).toMatch(/raw/);
    expect(error.message).toMatch(/clock/);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(wrongSecret);
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain(SECRET);
  });

  it('maps a missing IAM policy and an unsigned authorization letter to their fixes', async () => {
    const denied = await failure(client().listAssetGroups(account({ accessKeyId: 'AKLTdenied0000000000000001', secretAccessKey: 'denied-secret' })));
    expect(denied.kind).toBe('permission');
    expect(denied.message).toMatch(/ark:\*Asset\*/);
    const unsigned = await failure(client().createAssetGroup(account({ accessKeyId: 'AKLTunsigned00000000000001', secretAccessKey: 'unsigned-secret' }), { name: 'x' }));
    expect(unsigned.kind).toBe('authorization_letter');
    expect(unsigned.message).toMatch(/authorization letter/);
  });

  it('backs off and retries on 429 FlowLimitExceeded until the call goes through', async () => {
    sim.control.forceFault(AK, 429, 2);
    const before = sim.control.volcRequests('ListAssetGroups', AK).length;
    const page = await client().listAssetGroups(account());
    expect(page.Items).toBeDefined();
    expect(sim.control.volcRequests('ListAssetGroups', AK).length - before).toBe(3);
  });

  it('waits instead of failing when the provider allows fewer calls than our budget', async () => {
    sim.control.setSwitches({ volcQpsLimits: { UpdateAssetGroup: 2 } });
    try {
      const c = client({ qps: { UpdateAssetGroup: 10 } as VolcengineAssetsOptions['qps'], backoffMs: 300, rateLimitRetries: 8 });
      const a = account();
      const group = await c.createAssetGroup(a, { name: 'busy' });
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => c.updateAssetGroup(a, { id: group.Id, name: `n${i}` })));
      expect(results).toHaveLength(6);
      expect(sim.control.volcRequests('UpdateAssetGroup', AK).some((r) => r.limited)).toBe(true);
    } finally {
      sim.control.setSwitches({ volcQpsLimits: { UpdateAssetGroup: 0 } });
    }
  });

  it('a burst of 300 GetAsset calls never exceeds the configured 100 QPS as the simulator saw them', async () => {
    const c = client();
    const a = account({ projectName: 'burst' });
    const group = await c.createAssetGroup(a, { name: 'burst' });
    const asset = await c.createAsset(a, { groupId: group.Id, url: 'https://cdn.example/a.png' });
    // The simulator enforces the same limit: an excess call would come back refused and be counted.
    sim.control.setSwitches({ volcQpsLimits: { GetAsset: 100 } });
    sim.control.resetCounters();
    try {
      const results = await Promise.all(Array.from({ length: 300 }, () => c.getAsset(a, { id: asset.Id })));
      expect(results.every((r) => r.Id === asset.Id)).toBe(true);
      const seen = sim.control.volcRequests('GetAsset', AK);
      expect(seen).toHaveLength(300);
      expect(seen.filter((r) => r.limited)).toEqual([]);
      expect(sim.control.maxRequestsPerWindow('GetAsset', 1000, { accessKeyId: AK, includeLimited: true })).toBeLessThanOrEqual(100);
    } finally {
      sim.control.setSwitches({ volcQpsLimits: { GetAsset: 0 } });
    }
  });
});

