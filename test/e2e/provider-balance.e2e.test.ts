import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProviderSim, createProviderSim } from '../../apps/provider-sim/src';
import { BalanceRefresher } from '../../libs/provider-accounts/src/balance-refresher.service';
import { type TestApp, startTestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { call, newCustomerWithKey, operator } from '../support/operator';
import { waitFor } from '../support/process';

const KEY = 'sk-balance-000000000000000000000000001';
const TOKEN = 'tok-balance-0000000000000000000000001';

let sim: ProviderSim;
let app: TestApp;
let db: { url: string; drop: () => Promise<void> };
let pg: Client;

beforeAll(async () => {
  sim = await createProviderSim({ apiyiAccounts: [{ key: KEY, accessToken: TOKEN, quota: 50_000_000 }], switches: { taskQueuedMs: 30, taskRunningMs: 60 } });
  db = await createTestDatabase();
  app = await startTestApp(db.url, { PROVIDER_POLL_FIRST_MS: '50', PROVIDER_POLL_MAX_MS: '200' });
  pg = new Client({ connectionString: db.url });
  await pg.connect();
});

afterAll(async () => {
  await pg?.end();
  await app?.close();
  await sim?.close();
  await db?.drop();
});

async function balanceOf(id: string): Promise<number | null> {
  const { rows } = await pg.query(`SELECT balance FROM provider_accounts WHERE id = $1`, [id]);
  return rows[0].balance === null ? null : Number(rows[0].balance);
}

describe('provider balances stay fresh', () => {
  it('are re-read after a settled job and by the scheduled refresh', async () => {
    const op = operator(app.url);
    const created = await op('POST', '/api/accounts', { provider: 'apiyi', label: 'metered', baseUrl: sim.url, credentials: { apiKey: KEY, accessToken: TOKEN } });
    expect(created.status).toBe(201);
    const id: string = created.body.account.id;
    expect((await op('POST', `/api/accounts/${id}/check`)).body.account.balance).toBe(50_000_000);

    // A live job bills the upstream account; shortly after it settles the pool reads the new balance.
    const { key, customerId } = await newCustomerWithKey(app.url, 'live');
    await op('POST', `/api/public/customers/${customerId}/credits`, { amount: 10_000, reason: 'live' });
    const job = await call(app.url, 'POST', '/v1/videos/generate', { token: key, body: { prompt: 'metered', duration: 4 }, headers: { 'idempotency-key': 'metered-1' } });
    expect(job.status).toBe(202);
    const balanceCallsBefore = sim.control.callCount('balance', TOKEN);
    const refreshed = await waitFor(async () => {
      const b = await balanceOf(id);
      return b !== null && b < 50_000_000;
    }, 20_000, 200);
    expect(refreshed, 'the balance was not re-read after the job settled').toBe(true);
    expect(sim.control.callCount('balance', TOKEN)).toBeGreaterThan(balanceCallsBefore);
    const upstream = sim.control.apiyi.get(KEY)!;
    expect(await balanceOf(id)).toBe(upstream.quota);

    // The periodic refresh (every PROVIDER_BALANCE_REFRESH_SECONDS on scheduler instances) reads every account.
    sim.control.setQuota(KEY, 1_234_567);
    await app.app.get(BalanceRefresher).refreshAll();
    expect(await balanceOf(id)).toBe(1_234_567);

    // An empty upstream balance is recorded too (a known balance below the cost keeps an account out of rotation).
    sim.control.setQuota(KEY, 0);
    await app.app.get(BalanceRefresher).refreshAll();
    const account = (await op('GET', `/api/accounts/${id}`)).body.account;
    expect(account.balance).toBe(0);
  });
});
