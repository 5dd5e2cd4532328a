import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobScheduler } from '@app/jobs';
import { type ProviderJob, SimulatedAdapter } from '@app/provider-accounts';
import { apiClient } from '../client';
import { createTestDatabase } from '../support/database';
import { newCustomerWithKey, operator } from '../support/operator';
import { waitFor } from '../support/process';
import { type TestApp, startTestApp } from '../support/app';

const SIM = { SIMULATOR_IMAGE_MS: '100', SIMULATOR_VIDEO_MS: '200' };

/** Wraps an instance's simulator so the test sees every provider call, from both instances. */
function instrument(app: TestApp, calls: Map<string, { submit: number; poll: number }>, active: Set<string>, overlaps: string[]) {
  const adapter = app.app.get(SimulatedAdapter);
  for (const method of ['submit', 'poll'] as const) {
    const original = adapter[method].bind(adapter) as (job: ProviderJob, signal?: AbortSignal) => Promise<unknown>;
    adapter[method] = (async (job: ProviderJob, signal: AbortSignal) => {
      const entry = calls.get(job.id) ?? { submit: 0, poll: 0 };
      entry[method] += 1;
      calls.set(job.id, entry);
      if (active.has(job.id)) {
        overlaps.push(job.id);
      }
      active.add(job.id);
      try {
        // Give a concurrent claimer every chance to overlap.
        await new Promise((r) => setTimeout(r, 5));
        return await original(job, signal);
      } finally {
        active.delete(job.id);
      }
    }) as never;
  }
}

describe('the scheduler on two instances sharing one database', () => {
  let a: TestApp;
  let b: TestApp;
  let db: { url: string; drop: () => Promise<void> };
  let pg: Client;
  const calls = new Map<string, { submit: number; poll: number }>();
  const active = new Set<string>();
  const overlaps: string[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    a = await startTestApp(db.url, SIM);
    b = await startTestApp(db.url, SIM);
    instrument(a, calls, active, overlaps);
    instrument(b, calls, active, overlaps);
    pg = new Client({ connectionString: db.url });
    await pg.connect();
  });

  afterAll(async () => {
    await pg.end();
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('never runs one job on both at once, submits each once, and settles each exactly once', async () => {
    await operator(a.url)('POST', '/api/public/plans', { code: 'bulk', name: 'Bulk', requestsPerMinute: 100000, maxConcurrentJobs: 1000, maxQueuedJobs: 0 });
    const { key, customerId } = await newCustomerWithKey(a.url, 'test', { plan: 'bulk' });
    const clients = [apiClient(a.url, key), apiClient(b.url, key)];
    const ids = (
      await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          clients[i % 2].POST(i % 10 === 0 ? '/v1/videos/generate' : '/v1/images/generate', {
            params: { header: { 'Idempotency-Key': `bulk-${i}` } },
            body: { prompt: `job ${i}`, ...(i % 10 === 0 ? { duration: 4 } : {}) },
          }),
        ),
      )
    ).map((r) => r.data!.jobId);
    expect(new Set(ids).size).toBe(200);

    const finished = await waitFor(async () => {
      const { rows } = await pg.query(`SELECT count(*)::int AS n FROM jobs WHERE customer_id = $1 AND status = 'succeeded'`, [customerId]);
      return rows[0].n === 200;
    }, 60_000, 200);
    expect(finished).toBe(true);

    expect(overlaps).toEqual([]);
    for (const id of ids) {
      expect(calls.get(id)?.submit, id).toBe(1);
    }
    const { rows } = await pg.query(
      `SELECT kind, count(*)::int AS n, count(DISTINCT job_id)::int AS jobs FROM ledger_entries WHERE customer_id = $1 AND mode = 'test' AND job_id IS NOT NULL GROUP BY kind ORDER BY kind`,
      [customerId],
    );
    expect(rows).toEqual([
      { kind: 'capture', n: 200, jobs: 200 },
      { kind: 'reserve', n: 200, jobs: 200 },
    ]);
    const account = await pg.query(`SELECT balance::int, reserved::int FROM credit_accounts WHERE customer_id = $1 AND mode = 'test'`, [customerId]);
    const charged = await pg.query(`SELECT sum(price)::int AS total FROM jobs WHERE customer_id = $1`, [customerId]);
    expect(account.rows[0]).toEqual({ balance: 100_000 - charged.rows[0].total, reserved: 0 });
    const counters = await pg.query(`SELECT active, queued FROM job_counters WHERE customer_id = $1`, [customerId]);
    expect(counters.rows[0]).toEqual({ active: 0, queued: 0 });
  });

  it('a job leased by a worker that died is completed by another after the lease expires', async () => {
    const schedulers = [a.app.get(JobScheduler), b.app.get(JobScheduler)];
    await Promise.all(schedulers.map((s) => s.stop()));
    const { key, customerId } = await newCustomerWithKey(a.url, 'test');
    const job = (await apiClient(a.url, key).POST('/v1/images/generate', { params: { header: { 'Idempotency-Key': 'orphan' } }, body: { prompt: 'orphan' } })).data!;
    // A worker claims it and dies: its lease runs for two more seconds.
    const claimed = await pg.query(
      `UPDATE jobs SET lease_owner = 'dead-worker', lease_until = now() + interval '2 seconds', next_poll_at = now() + interval '2 seconds' WHERE id = $1 RETURNING id`,
      [job.jobId],
    );
    expect(claimed.rowCount).toBe(1);
    const leasedAt = Date.now();
    schedulers[1].start();
    const done = await waitFor(async () => {
      const { rows } = await pg.query(`SELECT status FROM jobs WHERE id = $1`, [job.jobId]);
      return rows[0].status === 'succeeded';
    }, 20_000, 100);
    expect(done).toBe(true);
    expect(Date.now() - leasedAt).toBeGreaterThanOrEqual(1900);
    const { rows } = await pg.query(`SELECT kind FROM ledger_entries WHERE job_id = $1 ORDER BY id`, [job.jobId]);
    expect(rows.map((r) => r.kind)).toEqual(['reserve', 'capture']);
    const late = await pg.query(`SELECT lease_owner FROM jobs WHERE id = $1`, [job.jobId]);
    expect(late.rows[0].lease_owner).toBeNull();
    // The dead worker's fenced write back changes nothing.
    const fenced = await pg.query(`SELECT * FROM gw_settle_job($1, 'dead-worker', 'failed', 'x', 'x', NULL, NULL, NULL, NULL, 'dead', NULL)`, [job.jobId]);
    expect(fenced.rows[0].settled).toBe(false);
    expect(customerId).toBeTruthy();
  });

  it('synchronizes on read when no scheduler checks the job', async () => {
    const schedulers = [a.app.get(JobScheduler), b.app.get(JobScheduler)];
    schedulers[1].start();
    const { key } = await newCustomerWithKey(a.url, 'test');
    const client = apiClient(a.url, key);
    const job = (await client.POST('/v1/videos/generate', { params: { header: { 'Idempotency-Key': 'sync' } }, body: { prompt: 'sync [sim:slow]' } })).data!;
    // Wait until it has been submitted, then stop every scheduler.
    expect(await waitFor(async () => (await pg.query(`SELECT phase FROM jobs WHERE id = $1`, [job.jobId])).rows[0].phase === 'polling', 10_000, 50)).toBe(true);
    await Promise.all(schedulers.map((s) => s.stop()));
    // Slow video: 10 × 200 ms; the read is stale after 3 s.
    await new Promise((r) => setTimeout(r, 3500));
    const read = await client.GET('/v1/jobs/{jobId}', { params: { path: { jobId: job.jobId } } });
    expect(read.data?.status).toBe('succeeded');
  });
});
