import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { Client, Pool } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainException, newId } from '@app/common';
import { CreditsService } from '@app/credits-ledger';
import { CustomerAccountsService } from '@app/credits-ledger/customer-accounts.service';
import { type TestApp, startTestApp } from '../support/app';
import { createTestDatabase } from '../support/database';

const ctx = { actor: 'operator:test', requestId: 'req_test' };

describe('credits ledger', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: TestApp;
  let credits: CreditsService;
  let accounts: CustomerAccountsService;
  let raw: Pool;

  const newCustomer = async () => (await accounts.create({ name: 'Ledger test' }, ctx)).id;
  const account = async (customerId: string, mode = 'live') => {
    const { rows } = await raw.query<{ balance: string; reserved: string }>('SELECT balance, reserved FROM credit_accounts WHERE customer_id = $1 AND mode = $2', [
      customerId,
      mode,
    ]);
    return { balance: Number(rows[0].balance), reserved: Number(rows[0].reserved) };
  };
  const ledgerSums = async (customerId: string, mode = 'live') => {
    const { rows } = await raw.query<{ b: string; r: string; n: string }>(
      'SELECT COALESCE(sum(balance_delta), 0) AS b, COALESCE(sum(reserved_delta), 0) AS r, count(*) AS n FROM ledger_entries WHERE customer_id = $1 AND mode = $2',
      [customerId, mode],
    );
    return { balance: Number(rows[0].b), reserved: Number(rows[0].r), entries: Number(rows[0].n) };
  };
  const topUp = (customerId: string, amount: number) => credits.topUp(undefined, { customerId, mode: 'live', amount, reason: 'test', actor: 'operator:test' });

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startTestApp(db.url);
    credits = app.app.get(CreditsService, { strict: false });
    accounts = app.app.get(CustomerAccountsService, { strict: false });
    raw = new Pool({ connectionString: db.url, max: 4 });
  });
  afterAll(async () => {
    await raw?.end();
    await app?.close();
    await db?.drop();
  });

  it('a new customer has 0 live credits and the test-mode grant, recorded as a system top-up', async () => {
    const id = await newCustomer();
    expect(await credits.balances(id)).toEqual({ live: { balance: 0, reserved: 0, available: 0 }, test: { balance: 100000, reserved: 0, available: 100000 } });
    const { rows } = await raw.query('SELECT kind, balance_delta::int AS d, actor FROM ledger_entries WHERE customer_id = $1', [id]);
    expect(rows).toEqual([{ kind: 'topup', d: 100000, actor: 'system' }]);
  });

  it('500 concurrent reservations of 1 credit against a balance of 100: exactly 100 succeed, the rest are balance_low', async () => {
    const id = await newCustomer();
    await topUp(id, 100);
    const results = await Promise.allSettled(
      Array.from({ length: 500 }, (_, i) => credits.reserve(undefined, { customerId: id, mode: 'live', amount: 1, jobId: `job_conc_${id}_${i}` })),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(100);
    expect(failed).toHaveLength(400);
    for (const f of failed) {
      expect(f.reason).toBeInstanceOf(DomainException);
      expect((f.reason as DomainException).code).toBe('balance_low');
      expect((f.reason as DomainException).extra).toEqual({ available: 0, required: 1 });
    }
    expect(await account(id)).toEqual({ balance: 100, reserved: 100 });
    expect(await ledgerSums(id)).toMatchObject({ balance: 100, reserved: 100 });
    // The pool really used several connections.
    const { rows } = await raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'gateway:%'`);
    expect(rows[0].n).toBeGreaterThan(1);
  });

  it('double capture, double release and capture-vs-release from concurrent callers take effect exactly once', async () => {
    const id = await newCustomer();
    await topUp(id, 1000);
    const scenarios: [string, (job: string) => Promise<boolean>, (job: string) => Promise<boolean>][] = [
      ['capture+capture', (j) => credits.capture(undefined, j), (j) => credits.capture(undefined, j)],
      ['release+release', (j) => credits.release(undefined, j), (j) => credits.release(undefined, j)],
      ['capture+release', (j) => credits.capture(undefined, j, 30), (j) => credits.release(undefined, j)],
    ];
    for (const [name, first, second] of scenarios) {
      for (let round = 0; round < 10; round++) {
        const job = newId('job');
        await credits.reserve(undefined, { customerId: id, mode: 'live', amount: 50, jobId: job });
        const outcomes = await Promise.all([first(job), second(job), first(job), second(job)]);
        expect(outcomes.filter(Boolean), name).toHaveLength(1);
        const { rows } = await raw.query('SELECT kind FROM ledger_entries WHERE job_id = $1 AND kind IN ($2, $3)', [job, 'capture', 'release']);
        expect(rows, name).toHaveLength(1);
        // Later calls, of either kind, change nothing.
        expect(await credits.capture(undefined, job)).toBe(false);
        expect(await credits.release(undefined, job)).toBe(false);
      }
    }
    const a = await account(id);
    expect(a.reserved).toBe(0);
    expect(await ledgerSums(id)).toMatchObject(a);
  });

  it('capture of a smaller final amount spends it and frees the whole reservation; more than reserved is refused', async () => {
    const id = await newCustomer();
    await topUp(id, 100);
    const job = newId('job');
    await credits.reserve(undefined, { customerId: id, mode: 'live', amount: 60, jobId: job });
    await expect(credits.capture(undefined, job, 61)).rejects.toMatchObject({ code: 'invalid_request' });
    expect(await credits.capture(undefined, job, 20)).toBe(true);
    expect(await account(id)).toEqual({ balance: 80, reserved: 0 });
  });

  it('capture and release join the caller transaction and roll back with it', async () => {
    const id = await newCustomer();
    await topUp(id, 100);
    const job = newId('job');
    await credits.reserve(undefined, { customerId: id, mode: 'live', amount: 40, jobId: job });
    const dataSource = app.app.get<import('typeorm').DataSource>((await import('typeorm')).DataSource, { strict: false });
    await expect(
      dataSource.transaction(async (manager) => {
        expect(await credits.capture(manager, job)).toBe(true);
        throw new Error('settlement failed after capture');
      }),
    ).rejects.toThrow('settlement failed');
    expect(await account(id)).toEqual({ balance: 100, reserved: 40 });
    expect(await credits.release(undefined, job)).toBe(true);
    expect(await account(id)).toEqual({ balance: 100, reserved: 0 });
  });

  it('an adjustment below the reserved credits fails with below_reserved and changes nothing', async () => {
    const id = await newCustomer();
    await topUp(id, 100);
    await credits.reserve(undefined, { customerId: id, mode: 'live', amount: 70, jobId: newId('job') });
    const before = await ledgerSums(id);
    await expect(credits.adjust(undefined, { customerId: id, mode: 'live', amount: -31, reason: 'x', actor: 'operator:test' })).rejects.toMatchObject({
      code: 'below_reserved',
    });
    expect(await ledgerSums(id)).toEqual(before);
    await credits.adjust(undefined, { customerId: id, mode: 'live', amount: -30, reason: 'x', actor: 'operator:test' });
    expect(await account(id)).toEqual({ balance: 70, reserved: 70 });
  });

  it('validates amounts: integers only, non-zero, within ±10^12', async () => {
    const id = await newCustomer();
    for (const amount of [0, 1.5, Number.NaN, 1e12 + 1, -1e12 - 1, Number.MAX_SAFE_INTEGER + 2]) {
      await expect(topUp(id, amount)).rejects.toMatchObject({ code: 'invalid_request', details: [{ field: 'amount' }] });
    }
    await expect(credits.adjust(undefined, { customerId: id, mode: 'live', amount: 5, reason: '   ', actor: 'x' })).rejects.toMatchObject({
      details: [{ field: 'reason' }],
    });
    await expect(topUp(id, 1e12)).resolves.toMatchObject({ balanceAfter: 1e12 });
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE of ledger rows even from a raw connection', async () => {
    const id = await newCustomer();
    const client = new Client({ connectionString: db.url });
    await client.connect();
    try {
      await expect(client.query('UPDATE ledger_entries SET balance_delta = balance_delta + 1 WHERE customer_id = $1', [id])).rejects.toThrow(/append-only/);
      await expect(client.query('DELETE FROM ledger_entries WHERE customer_id = $1', [id])).rejects.toThrow(/append-only/);
      await expect(client.query('TRUNCATE ledger_entries CASCADE')).rejects.toThrow(/append-only/);
      await expect(client.query('UPDATE audit_events SET actor = $1', ['someone else'])).rejects.toThrow(/append-only/);
    } finally {
      await client.end();
    }
    expect(await ledgerSums(id, 'test')).toMatchObject({ balance: 100000, entries: 1 });
  });

  it('the database refuses a second settlement of one job even when the service is bypassed', async () => {
    const id = await newCustomer();
    await topUp(id, 10);
    const job = newId('job');
    await credits.reserve(undefined, { customerId: id, mode: 'live', amount: 5, jobId: job });
    await credits.release(undefined, job);
    await expect(
      raw.query(
        `INSERT INTO ledger_entries (customer_id, mode, kind, balance_delta, reserved_delta, balance_after, reserved_after, job_id, actor)
         VALUES ($1, 'live', 'capture', -5, -5, 5, 0, $2, 'rogue')`,
        [id, job],
      ),
    ).rejects.toThrow(/ledger_entries_settlement_key/);
  });

  it('model-based: random top-ups, adjustments, reservations, captures and releases agree with an in-memory model', async () => {
    interface Model {
      balance: number;
      reserved: number;
      jobs: Map<string, { amount: number; settled: boolean }>;
    }
    interface Real {
      customerId: string;
      jobIds: string[];
    }
    const executed = { reserve: 0, settle: 0, failures: 0 };
    const check = async (m: Model, r: Real) => {
      const a = await account(r.customerId);
      expect(a).toEqual({ balance: m.balance, reserved: m.reserved });
      expect(a.balance - a.reserved).toBeGreaterThanOrEqual(0);
      expect(await ledgerSums(r.customerId)).toMatchObject(a);
    };
    const expectCode = async (p: Promise<unknown>, code: string) => {
      await expect(p).rejects.toMatchObject({ code });
    };

    class TopUp implements fc.AsyncCommand<Model, Real> {
      constructor(readonly amount: number) {}
      check = () => true;
      async run(m: Model, r: Real) {
        await topUp(r.customerId, this.amount);
        m.balance += this.amount;
        await check(m, r);
      }
      toString = () => `topUp(${this.amount})`;
    }
    class Adjust implements fc.AsyncCommand<Model, Real> {
      constructor(readonly amount: number) {}
      check = () => true;
      async run(m: Model, r: Real) {
        const p = credits.adjust(undefined, { customerId: r.customerId, mode: 'live', amount: this.amount, reason: 'model', actor: 'operator:test' });
        if (m.balance + this.amount < m.reserved) {
          await expectCode(p, 'below_reserved');
        } else {
          await p;
          m.balance += this.amount;
        }
        await check(m, r);
      }
      toString = () => `adjust(${this.amount})`;
    }
    class Reserve implements fc.AsyncCommand<Model, Real> {
      constructor(readonly amount: number) {}
      check = () => true;
      async run(m: Model, r: Real) {
        const jobId = newId('job');
        const p = credits.reserve(undefined, { customerId: r.customerId, mode: 'live', amount: this.amount, jobId });
        executed.reserve++;
        if (m.balance - m.reserved < this.amount) {
          executed.failures++;
          await expectCode(p, 'balance_low');
        } else {
          await p;
          m.reserved += this.amount;
          m.jobs.set(jobId, { amount: this.amount, settled: false });
          r.jobIds.push(jobId);
        }
        await check(m, r);
      }
      toString = () => `reserve(${this.amount})`;
    }
    class Settle implements fc.AsyncCommand<Model, Real> {
      constructor(
        readonly pick: number,
        readonly kind: 'capture' | 'release',
        readonly fraction: number,
      ) {}
      check = (m: Readonly<Model>) => m.jobs.size > 0;
      async run(m: Model, r: Real) {
        const jobId = r.jobIds[this.pick % r.jobIds.length];
        const job = m.jobs.get(jobId)!;
        const final = Math.floor(job.amount * this.fraction);
        executed.settle++;
        const applied = this.kind === 'capture' ? await credits.capture(undefined, jobId, final) : await credits.release(undefined, jobId);
        expect(applied).toBe(!job.settled);
        if (!job.settled) {
          job.settled = true;
          m.reserved -= job.amount;
          if (this.kind === 'capture') {
            m.balance -= final;
          }
        }
        await check(m, r);
      }
      toString = () => `${this.kind}(#${this.pick}, ${this.fraction})`;
    }

    const amount = fc.integer({ min: 1, max: 500 });
    const commands = [
      amount.map((n) => new TopUp(n)),
      fc.integer({ min: -600, max: 300 }).filter((n) => n !== 0).map((n) => new Adjust(n)),
      amount.map((n) => new Reserve(n)),
      fc.tuple(fc.nat(), fc.constantFrom('capture' as const, 'release' as const), fc.double({ min: 0, max: 1, noNaN: true })).map(([p, k, f]) => new Settle(p, k, f)),
    ];
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: 'max' }), async (cmds) => {
        const customerId = await newCustomer();
        await topUp(customerId, 1000);
        await fc.asyncModelRun(() => ({ model: { balance: 1000, reserved: 0, jobs: new Map() }, real: { customerId, jobIds: [] } }), cmds);
      }),
      { numRuns: 25 },
    );
    // The runs exercised every path, not just the happy one (refusals are rarer: at least one).
    expect(executed.reserve).toBeGreaterThan(50);
    expect(executed.settle).toBeGreaterThan(50);
    expect(executed.failures).toBeGreaterThan(0);
  });

  it('reconcile() and npm run reconcile find no difference, then report one an outside write introduced', async () => {
    expect(await credits.reconcile()).toEqual([]);
    const run = promisify(execFile);
    const root = resolve(__dirname, '../..');
    const clean = await run('npm', ['run', '--silent', 'reconcile'], { cwd: root, env: { ...process.env, DATABASE_URL: db.url } });
    expect(clean.stdout).toMatch(/every balance equals the sum of its ledger entries/);

    const id = await newCustomer();
    await raw.query(`UPDATE credit_accounts SET balance = balance + 7 WHERE customer_id = $1 AND mode = 'test'`, [id]);
    expect(await credits.reconcile()).toEqual([{ customerId: id, mode: 'test', balance: '100007', reserved: '0', ledgerBalance: '100000', ledgerReserved: '0' }]);
    const dirty = await run('npm', ['run', '--silent', 'reconcile'], { cwd: root, env: { ...process.env, DATABASE_URL: db.url } }).then(
      () => ({ code: 0, stdout: '' }),
      (error: { code: number; stdout: string }) => error,
    );
    expect(dirty.code).toBe(1);
    expect(dirty.stdout).toContain(`DIFFERENCE ${id} test: balance 100007 vs ledger 100000`);
  });
});
