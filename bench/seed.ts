import type { Client } from 'pg';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** SQL for the 8 base62 characters of an epoch-milliseconds bigint, as libs/common newId writes them. */
function time8(ms: string): string {
  const parts: string[] = [];
  for (let k = 7; k >= 0; k--) {
    parts.push(`substr('${ALPHABET}', ((${ms}) / ${62n ** BigInt(k)}::bigint % 62)::int + 1, 1)`);
  }
  return parts.join(' || ');
}

export interface SeedResult {
  customers: number;
  jobs: number;
  ledgerEntries: number;
  seconds: number;
  /** The first `keyed` seeded customers, for which the caller creates API keys. */
  sample: { customerId: string; jobId: string }[];
}

/**
 * History in bulk: `customers` customers on `plan`, each with a live and a test account and one
 * test-mode top-up, and `jobs` terminal test-mode image jobs spread round-robin over them across the
 * last 90 days — 95 % succeeded (reserve + capture), 5 % failed (reserve + release). Every account
 * still equals the sums of its ledger entries (what `npm run reconcile` checks), `balance_after` /
 * `reserved_after` run chronologically per account, ids have the product's format and sort by time.
 * Idempotency keys and job events are not seeded: keys are purged after 24 h anyway and neither
 * table is read by the measured paths.
 */
export async function seedHistory(db: Client, options: { customers: number; jobs: number; plan: string; sampleSize: number; log: (line: string) => void }): Promise<SeedResult> {
  const started = Date.now();
  const { customers, jobs, plan } = options;
  const topup = 1_000_000_000;
  const price = 20;
  const nowMs = Date.now();
  const spanMs = 90 * 24 * 3600 * 1000;

  await db.query(`SET synchronous_commit = off`);
  await db.query(`SET work_mem = '256MB'`);
  await db.query(`DROP TABLE IF EXISTS bench_seed_customers`);
  await db.query(
    `CREATE UNLOGGED TABLE bench_seed_customers AS
     SELECT n, 'cus_' || ${time8(`${nowMs - spanMs - 86_400_000}::bigint + n`)} || substr(md5('bench-customer-' || n), 1, 16) COLLATE "C" AS id
       FROM generate_series(0, $1::int - 1) n`,
    [customers],
  );
  await db.query(`CREATE UNIQUE INDEX ON bench_seed_customers (n)`);
  await db.query(
    `INSERT INTO customers (id, name, plan_code, created_at, updated_at)
     SELECT id, 'Seeded customer ' || n, $1, to_timestamp((${nowMs - spanMs - 86_400_000} + n) / 1000.0), to_timestamp((${nowMs - spanMs - 86_400_000} + n) / 1000.0)
       FROM bench_seed_customers ORDER BY n`,
    [plan],
  );
  options.log(`    seeded ${customers} customers`);

  // Jobs: job n belongs to customer n % customers; every 20th job failed.
  await db.query(
    `INSERT INTO jobs (id, customer_id, api_key_id, mode, type, status, phase, request, price, refunded, provider, provider_task_id,
                       result_key, result_content_type, result_bytes, error_code, error_message, attempts, polls, next_poll_at,
                       deadline_at, submitted_at, provider_completed_at, created_at, updated_at, completed_at)
     SELECT j.id, c.id, NULL, 'test', 'image', CASE WHEN j.failed THEN 'failed' ELSE 'succeeded' END, 'done',
            jsonb_build_object('type', 'image', 'prompt', 'historical prompt ' || j.n, 'quality', 'LOW', 'size', '1:1_SMALL'),
            ${price}, CASE WHEN j.failed THEN ${price} ELSE 0 END, 'simulated', 'sim-' || j.id,
            CASE WHEN j.failed THEN NULL ELSE 'results/' || j.id || '.png' END, CASE WHEN j.failed THEN NULL ELSE 'image/png' END,
            CASE WHEN j.failed THEN NULL ELSE 2048 END,
            CASE WHEN j.failed THEN 'generation_failed' END, CASE WHEN j.failed THEN 'The provider could not generate this output.' END,
            0, 1, NULL, j.t + interval '15 minutes', j.t + interval '50 milliseconds', j.t + interval '1550 milliseconds',
            j.t, j.t + interval '1600 milliseconds', j.t + interval '1600 milliseconds'
       FROM (SELECT n, n % 20 = 19 AS failed, to_timestamp(($2::bigint + n * $3::float8) / 1000.0) AS t,
                    'job_' || ${time8(`($2::bigint + (n * $3::float8)::bigint)`)} || substr(md5('bench-job-' || n), 1, 16) AS id
               FROM generate_series(0, $1::int - 1) n) j
       JOIN bench_seed_customers c ON c.n = j.n % $4::int
      ORDER BY j.n`,
    [jobs, nowMs - spanMs, spanMs / jobs, customers],
  );
  options.log(`    seeded ${jobs} jobs`);

  // Accounts at their final state: balance = top-up − what the succeeded jobs captured; nothing reserved.
  await db.query(
    `INSERT INTO credit_accounts (customer_id, mode, balance, reserved)
     SELECT c.id, m.mode, CASE WHEN m.mode = 'test' THEN $1::bigint - ${price} * COALESCE(s.succeeded, 0) ELSE 0 END, 0
       FROM bench_seed_customers c CROSS JOIN (VALUES ('live'), ('test')) m(mode)
       LEFT JOIN (SELECT customer_id, count(*) FILTER (WHERE status = 'succeeded') AS succeeded FROM jobs
                   WHERE customer_id IN (SELECT id FROM bench_seed_customers) GROUP BY customer_id) s ON s.customer_id = c.id
      ORDER BY c.n, m.mode`,
    [topup],
  );
  await db.query(
    `INSERT INTO ledger_entries (customer_id, mode, kind, balance_delta, reserved_delta, balance_after, reserved_after, actor, reason, created_at)
     SELECT c.id, 'test', 'topup', $1::bigint, 0, $1::bigint, 0, 'operator:bench-seed', 'benchmark seed', to_timestamp((${nowMs - spanMs - 86_400_000} + c.n) / 1000.0)
       FROM bench_seed_customers c ORDER BY c.n`,
    [topup],
  );
  // Reserve then capture/release per job, in time order, with running balances per account.
  await db.query(
    `INSERT INTO ledger_entries (customer_id, mode, kind, balance_delta, reserved_delta, balance_after, reserved_after, job_id, actor, request_id, created_at)
     SELECT customer_id, 'test', e.kind, e.balance_delta, e.reserved_delta,
            $1::bigint - ${price} * (captured_before + CASE WHEN e.kind = 'capture' THEN 1 ELSE 0 END),
            CASE WHEN e.kind = 'reserve' THEN ${price} ELSE 0 END, id,
            CASE WHEN e.kind = 'reserve' THEN 'customer:' || customer_id ELSE 'system:worker' END, NULL,
            CASE WHEN e.kind = 'reserve' THEN created_at ELSE completed_at END
       FROM (SELECT id, customer_id, status, created_at, completed_at,
                    count(*) FILTER (WHERE status = 'succeeded') OVER (PARTITION BY customer_id ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS captured_before
               FROM jobs WHERE customer_id IN (SELECT id FROM bench_seed_customers)) j
       CROSS JOIN LATERAL (VALUES ('reserve', 0, ${price}, 1),
                                  (CASE WHEN j.status = 'succeeded' THEN 'capture' ELSE 'release' END,
                                   CASE WHEN j.status = 'succeeded' THEN -${price} ELSE 0 END, -${price}, 2)) e(kind, balance_delta, reserved_delta, ord)
      ORDER BY j.created_at, e.ord`,
    [topup],
  );
  options.log(`    seeded the ledger`);
  await db.query(`VACUUM (ANALYZE) jobs`);
  await db.query(`VACUUM (ANALYZE) ledger_entries`);
  await db.query(`VACUUM (ANALYZE) credit_accounts`);
  await db.query(`VACUUM (ANALYZE) customers`);
  // Flush what the seed dirtied now, so the growth runs do not pay for its checkpoint.
  await db.query(`CHECKPOINT`);
  const { rows: sample } = await db.query<{ customerId: string; jobId: string }>(
    `SELECT c.id AS "customerId", (SELECT max(j.id) FROM jobs j WHERE j.customer_id = c.id AND j.mode = 'test') AS "jobId"
       FROM bench_seed_customers c WHERE c.n < $1 ORDER BY c.n`,
    [options.sampleSize],
  );
  await db.query(`DROP TABLE bench_seed_customers`);
  return { customers, jobs, ledgerEntries: customers + 2 * jobs, seconds: (Date.now() - started) / 1000, sample };
}
