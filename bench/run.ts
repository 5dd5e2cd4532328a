/**
 * `npm run bench [-- --quick]`: the gateway against the limits of this machine, in one run.
 * Starts PostgreSQL (BENCH_DATABASE_URL's server, in a database of its own, or an embedded one),
 * the built gateway in production mode, the baselines, and autocannon in a separate process;
 * writes BENCHMARKS.md and BENCHMARKS.json. See README.md, "Benchmarks".
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { startEmbeddedPostgres } from '../libs/database/src/embedded-postgres';
import { SQL_FIND, SQL_LIST, SQL_USAGE } from './baseline-db';
import type { LoadResult, LoadSpec, LoadTarget } from './load';
import { type Proc, GATEWAY_MAIN, ROOT, freePort, killAll, rssSampler, sleep, start, waitFor, waitHttp } from './procs';
import { type ProfileSummary, summariseProfile } from './profile';
import { type Figure, type Report, type ScenarioFigure, evaluate, renderReport } from './report';
import { seedHistory } from './seed';

const QUICK = process.argv.includes('--quick');
const SETTINGS = QUICK
  ? { warmupSec: 1, durationSec: 4, seedJobs: 100_000, seedCustomers: 10_000, throughputJobs: 3_000, simulatorMs: 3000, profileSec: 4 }
  : { warmupSec: 3, durationSec: 10, seedJobs: 1_000_000, seedCustomers: 10_000, throughputJobs: 10_000, simulatorMs: 8000, profileSec: 10 };
const CONNECTIONS = 32;
const CUSTOMERS = 100;
const PLAN = { code: 'bench', name: 'Benchmark', requestsPerMinute: 1_000_000, maxConcurrentJobs: 1_000_000, maxQueuedJobs: 10_000_000 };
const BODY = JSON.stringify({ prompt: 'a red fox in fresh snow, morning light', quality: 'LOW', size: '1:1_SMALL' });

const say = (line: string) => process.stdout.write(`${line}\n`);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

interface Customer {
  customerId: string;
  keyId: string;
  key: string;
}

interface Gateway {
  proc: Proc;
  url: string;
  role: string;
}

const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    killAll();
    for (const step of cleanups.reverse()) {
      await step().catch((error: unknown) => say(`cleanup: ${String(error)}`));
    }
  })();
  return cleaning;
}
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    say(`\n${signal}: stopping everything`);
    void cleanup().finally(() => process.exit(130));
  });
}

async function database(): Promise<{ url: string; kind: string }> {
  const name = `bench_${Date.now()}_${process.pid}`;
  const given = process.env.BENCH_DATABASE_URL;
  if (given) {
    const admin = new Client({ connectionString: given });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    cleanups.push(async () => {
      const c = new Client({ connectionString: given });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    });
    const url = new URL(given);
    url.pathname = `/${name}`;
    return { url: url.toString(), kind: `PostgreSQL from BENCH_DATABASE_URL (database ${name}, dropped afterwards)` };
  }
  const dir = mkdtempSync(join(os.tmpdir(), 'gateway-bench-pg-'));
  if (process.getuid?.() === 0) {
    // As root the embedded server runs as its own user, which must reach its directory.
    rmSync(dir, { recursive: true });
    mkdirSync(dir, { mode: 0o711 });
  }
  say(`starting an embedded PostgreSQL in ${dir}`);
  const embedded = await startEmbeddedPostgres({ dir: join(dir, 'pg'), database: name });
  cleanups.push(async () => {
    await embedded.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return { url: embedded.url, kind: 'embedded PostgreSQL (embedded-postgres package, fsync on)' };
}

const operatorKey = `op_bench_${randomBytes(24).toString('hex')}`;

async function op<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${operatorKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status >= 300) {
    throw new Error(`${method} ${path} → ${res.status} ${text}`);
  }
  return JSON.parse(text) as T;
}

async function customerCall<T>(base: string, key: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body,
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function createKey(base: string, customerId: string): Promise<Customer> {
  const key = await op<{ apiKey: { id: string }; key: string }>(base, 'POST', `/api/public/customers/${customerId}/api-keys`, { mode: 'test', name: 'bench' });
  return { customerId, keyId: key.apiKey.id, key: key.key };
}

async function createCustomers(base: string, n: number, label: string): Promise<Customer[]> {
  const out: Customer[] = [];
  for (let i = 0; i < n; i++) {
    const created = await op<{ customer: { id: string } }>(base, 'POST', '/api/public/customers', { name: `${label} ${i}`, plan: PLAN.code });
    out.push(await createKey(base, created.customer.id));
  }
  return out;
}

async function startGateway(env: Record<string, string>, role: string, nodeArgs: string[] = []): Promise<Gateway> {
  const port = await freePort();
  const proc = start([GATEWAY_MAIN], { ...env, ROLE: role, PORT: String(port) }, { nodeArgs });
  const url = `http://127.0.0.1:${port}`;
  const ready = await waitFor(() => proc.output().includes('credit-gateway is running') || proc.child.exitCode !== null, 90_000);
  if (!ready || proc.child.exitCode !== null) {
    throw new Error(`gateway (${role}) did not start:\n${proc.output()}`);
  }
  return { proc, url, role };
}

async function startBaselineDb(databaseUrl: string, customers: Customer[]): Promise<{ proc: Proc; url: string }> {
  const port = await freePort();
  const keys = Object.fromEntries(customers.map((c) => [c.key, { customerId: c.customerId, keyId: c.keyId, mode: 'test' }]));
  const proc = start(['bench/baseline-db.ts'], { DATABASE_URL: databaseUrl, PORT: String(port), KEYS_JSON: JSON.stringify(keys), MAX_ACTIVE: String(PLAN.maxConcurrentJobs), MAX_QUEUED: String(PLAN.maxQueuedJobs) }, { ts: true });
  const url = `http://127.0.0.1:${port}`;
  if (!(await waitHttp(`${url}/health`, 30_000, () => proc.child.exitCode === null))) {
    throw new Error(`baseline-db did not start:\n${proc.output()}`);
  }
  return { proc, url };
}

async function startBaselineFastify(): Promise<{ proc: Proc; url: string }> {
  const port = await freePort();
  const proc = start(['bench/baseline-fastify.ts'], { PORT: String(port) }, { ts: true });
  const url = `http://127.0.0.1:${port}`;
  if (!(await waitHttp(`${url}/health`, 30_000, () => proc.child.exitCode === null))) {
    throw new Error(`baseline-fastify did not start:\n${proc.output()}`);
  }
  return { proc, url };
}

/** Runs autocannon in its own process against `url` and samples the RSS of `watch` meanwhile. */
async function load(spec: Omit<LoadSpec, 'url' | 'connections' | 'warmupSec' | 'durationSec'> & Partial<LoadSpec>, url: string, watch: () => (number | undefined)[]): Promise<Figure> {
  // Other work on the machine skews every figure: the load average says how much there was.
  const loadAvg1m = os.loadavg()[0];
  const full: LoadSpec = { connections: CONNECTIONS, warmupSec: SETTINGS.warmupSec, durationSec: SETTINGS.durationSec, ...spec, url };
  const sampler = rssSampler(watch);
  const proc = start(['bench/load.ts', JSON.stringify(full)], {}, { ts: true });
  const limitMs = ((full.amount === undefined ? full.warmupSec + full.durationSec : 120) + 60) * 1000;
  const finished = await waitFor(() => proc.child.exitCode !== null, limitMs, 100);
  const peakRss = sampler.stop();
  if (!finished) {
    await proc.stop(1000);
    throw new Error(`load generator did not finish within ${limitMs / 1000} s`);
  }
  const line = proc
    .output()
    .split('\n')
    .find((l) => l.startsWith('RESULT '));
  if (!line) {
    throw new Error(`load generator failed:\n${proc.output()}`);
  }
  return { ...(JSON.parse(line.slice('RESULT '.length)) as LoadResult), peakRss, loadAvg1m };
}

let step = 0;
function progress(name: string, target: string, r: Figure, rss = true): void {
  step++;
  say(
    `  [${String(step).padStart(2)}] ${name.padEnd(22)} ${target.padEnd(16)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${String(r.p50).padStart(4)} ms  p99 ${String(r.p99).padStart(4)} ms  non-2xx ${r.non2xx} errors ${r.errors + r.timeouts}${rss ? `  RSS ${mb(r.peakRss)} MB` : ''}  load ${r.loadAvg1m.toFixed(1)}`,
  );
}

interface HttpScenario {
  id: string;
  title: string;
  spec: Omit<LoadSpec, 'url' | 'connections' | 'warmupSec' | 'durationSec'>;
}

function scenarios(hot: Customer, customers: Customer[], jobs: Map<string, string>, tag: string): HttpScenario[] {
  const all = (path: (c: Customer) => string): LoadTarget[] => customers.map((c) => ({ key: c.key, path: path(c) }));
  return [
    { id: 'generate-1', title: 'POST /v1/images/generate, 1 customer (hot row)', spec: { method: 'POST', targets: [{ key: hot.key, path: '/v1/images/generate' }], body: BODY, idempotency: { kind: 'unique', prefix: `${tag}-g1` } } },
    { id: 'generate-100', title: 'POST /v1/images/generate, 100 customers', spec: { method: 'POST', targets: all(() => '/v1/images/generate'), body: BODY, idempotency: { kind: 'unique', prefix: `${tag}-g100` } } },
    { id: 'replay', title: 'POST /v1/images/generate, idempotent replay', spec: { method: 'POST', targets: all(() => '/v1/images/generate'), body: BODY, idempotency: { kind: 'fixed', key: 'bench-replay' } } },
    { id: 'job-read', title: 'GET /v1/jobs/:id', spec: { method: 'GET', targets: all((c) => `/v1/jobs/${jobs.get(c.customerId)}`) } },
    { id: 'job-list', title: 'GET /v1/jobs (20 newest)', spec: { method: 'GET', targets: all(() => '/v1/jobs') } },
    { id: 'usage', title: 'GET /v1/usage', spec: { method: 'GET', targets: all(() => '/v1/usage') } },
  ];
}

/** One terminal job per customer to read (a canceled one: a read never triggers a provider check). */
async function terminalJobs(base: string, customers: Customer[]): Promise<Map<string, string>> {
  const jobs = new Map<string, string>();
  for (const c of customers) {
    const created = await customerCall<{ jobId: string }>(base, c.key, 'POST', '/v1/images/generate', { 'idempotency-key': `bench-read-${c.customerId}` }, BODY);
    if (created.status !== 202) {
      throw new Error(`generate for the read scenario → ${created.status}`);
    }
    const canceled = await customerCall(base, c.key, 'POST', `/v1/jobs/${created.body.jobId}/cancel`);
    if (canceled.status !== 200) {
      throw new Error(`cancel for the read scenario → ${canceled.status}`);
    }
    // The replay scenario's original request.
    const original = await customerCall(base, c.key, 'POST', '/v1/images/generate', { 'idempotency-key': 'bench-replay' }, BODY);
    if (original.status !== 202) {
      throw new Error(`generate for the replay scenario → ${original.status}`);
    }
    jobs.set(c.customerId, created.body.jobId);
  }
  return jobs;
}

async function explain(db: Client, customerId: string, jobId: string): Promise<{ title: string; sql: string; plan: string }[]> {
  const out: { title: string; sql: string; plan: string }[] = [];
  const run = async (title: string, sql: string, values: unknown[]) => {
    const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, values);
    out.push({ title, sql: `${sql.replace(/\s+/g, ' ').replace(/SELECT id, .* FROM jobs/, 'SELECT <29 job columns> FROM jobs')}  -- ${JSON.stringify(values)}`, plan: rows.map((r) => r['QUERY PLAN']).join('\n') });
  };
  await run('GET /v1/jobs/:id', SQL_FIND, [jobId, customerId, 'test']);
  await run('GET /v1/jobs', SQL_LIST, [customerId, 'test', 21]);
  await run('GET /v1/usage', SQL_USAGE, [[customerId]]);
  return out;
}

async function throughput(db: Client, env: Record<string, string>, api: Gateway, customers: Customer[]): Promise<Report['throughput']> {
  // The jobs are created first and the workers started after, so the figure is the workers'
  // settlement rate rather than how fast one api instance can create jobs while sharing the CPU.
  const workers: Gateway[] = [];
  const pids = () => [api.proc.child.pid, ...workers.map((w) => w.proc.child.pid)];
  const sampler = rssSampler(pids);
  const n = SETTINGS.throughputJobs;
  const t0 = new Date();
  say(`  creating ${n} test-mode image jobs (simulator: ${SETTINGS.simulatorMs} ms each) through the api instance, then starting two workers…`);
  const created = await load(
    { method: 'POST', targets: customers.map((c) => ({ key: c.key, path: '/v1/images/generate' })), body: BODY, idempotency: { kind: 'unique', prefix: 'tp' }, amount: n, warmupSec: 0 },
    api.url,
    pids,
  );
  progress(`create ${n} jobs`, 'gateway(api)', created);
  workers.push(await startGateway(env, 'worker'), await startGateway(env, 'worker'));
  const deadline = SETTINGS.simulatorMs + 240_000;
  let settled = 0;
  const done = await waitFor(async () => {
    const { rows } = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM jobs WHERE created_at >= $1 AND status IN ('succeeded', 'failed', 'canceled')`, [t0]);
    settled = Number(rows[0].n);
    return settled >= created.ok2xx;
  }, deadline, 250);
  const peakRss = sampler.stop();
  const { rows } = await db.query<Record<string, string | null>>(
    `SELECT count(*)::text AS jobs,
            count(*) FILTER (WHERE status = 'succeeded')::text AS succeeded,
            count(*) FILTER (WHERE status <> 'succeeded')::text AS other,
            EXTRACT(EPOCH FROM max(completed_at) - min(provider_completed_at))::text AS window_s,
            EXTRACT(EPOCH FROM max(completed_at) - min(completed_at))::text AS settle_span_s,
            EXTRACT(EPOCH FROM max(submitted_at) - min(created_at))::text AS submit_span_s,
            (percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM completed_at - provider_completed_at)) * 1000)::text AS lag_p50_ms,
            (percentile_cont(0.99) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM completed_at - provider_completed_at)) * 1000)::text AS lag_p99_ms,
            (max(EXTRACT(EPOCH FROM completed_at - provider_completed_at)) * 1000)::text AS lag_max_ms
       FROM jobs WHERE created_at >= $1 AND completed_at IS NOT NULL`,
    [t0],
  );
  for (const w of workers) {
    await w.proc.stop();
  }
  const r = rows[0];
  const jobs = Number(r.jobs);
  const window = Number(r.window_s);
  const result = {
    jobs,
    requested: n,
    accepted: created.ok2xx,
    allSettled: done,
    succeeded: Number(r.succeeded),
    other: Number(r.other),
    createRps: created.rps,
    windowSec: window,
    settledPerSec: window > 0 ? jobs / window : 0,
    settleSpanSec: Number(r.settle_span_s),
    submitSpanSec: Number(r.submit_span_s),
    lagP50Ms: Number(r.lag_p50_ms),
    lagP99Ms: Number(r.lag_p99_ms),
    lagMaxMs: Number(r.lag_max_ms),
    simulatorMs: SETTINGS.simulatorMs,
    peakRss,
  };
  say(
    `       settled ${jobs}/${created.ok2xx} (${result.succeeded} succeeded) — ${result.settledPerSec.toFixed(0)} settled jobs/s over ${window.toFixed(1)} s; lag p50 ${result.lagP50Ms.toFixed(0)} ms p99 ${result.lagP99Ms.toFixed(0)} ms; RSS ${mb(peakRss)} MB`,
  );
  return result;
}

async function machine(db: Client, dbKind: string): Promise<Report['machine']> {
  const { rows } = await db.query<{ version: string }>('SELECT version()');
  const settings = await db.query<{ name: string; setting: string }>(`SELECT name, setting FROM pg_settings WHERE name IN ('shared_buffers', 'synchronous_commit', 'fsync', 'max_connections')`);
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: rows[0].version.split(',')[0],
    postgresSettings: Object.fromEntries(settings.rows.map((s) => [s.name, s.setting])),
    database: dbKind,
  };
}

async function main(): Promise<void> {
  const startedAt = new Date();
  say(`credit-gateway benchmark (${QUICK ? 'quick' : 'full'}): ${SETTINGS.warmupSec} s warm-up + ${SETTINGS.durationSec} s per scenario, ${CONNECTIONS} connections`);
  const db0 = await database();
  const dataDir = mkdtempSync(join(os.tmpdir(), 'gateway-bench-data-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: db0.url,
    MY_PRIVATE_API_KEY: operatorKey,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    ADMIN_EMAIL: 'bench@example.test',
    ADMIN_PASSWORD: randomBytes(12).toString('hex'),
    DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    TEST_MODE_GRANT: '1000000000',
    SIMULATOR_IMAGE_MS: String(SETTINGS.simulatorMs),
  };
  const db = new Client({ connectionString: db0.url });
  let api = await startGateway(env, 'api');
  await db.connect();
  cleanups.push(async () => void (await db.end().catch(() => undefined)));
  const report: Report = {
    mode: QUICK ? 'quick' : 'full',
    startedAt: startedAt.toISOString(),
    finishedAt: '',
    settings: { ...SETTINGS, connections: CONNECTIONS, customers: CUSTOMERS },
    machine: await machine(db, db0.kind),
    http: [],
    fastify: undefined as unknown as ScenarioFigure,
    throughput: undefined as unknown as Report['throughput'],
    growth: { seed: undefined as unknown as Report['growth']['seed'], figures: [], explain: [] },
    profiles: [],
    peakRss: 0,
  };
  const allPids = () => [api.proc.child.pid];
  const overall = rssSampler(allPids, 500);

  say('setting up: plan, customers, test keys…');
  await op(api.url, 'POST', '/api/public/plans', PLAN);
  const customers = await createCustomers(api.url, CUSTOMERS, 'Bench customer');
  const [hot] = await createCustomers(api.url, 1, 'Hot customer');

  say('\njob throughput (1 api + 2 workers):');
  report.throughput = await throughput(db, env, api, customers);

  say('\nHTTP scenarios (gateway ROLE=api) and their baselines:');
  const jobs = await terminalJobs(api.url, [...customers, hot]);
  let baseline = await startBaselineDb(db0.url, [...customers, hot]);
  const fastify = await startBaselineFastify();
  const fastifyResult = await load({ method: 'POST', targets: [{ key: 'x', path: '/v1/images/generate' }], body: BODY }, fastify.url, () => [fastify.proc.child.pid]);
  progress('constant JSON', 'bare Fastify', fastifyResult, false);
  report.fastify = { id: 'fastify', title: 'bare Fastify, constant JSON (HTTP stack limit)', gateway: fastifyResult, baseline: undefined };
  await fastify.proc.stop();

  const runPair = async (s: HttpScenario, baseUrl: string): Promise<ScenarioFigure> => {
    const b = await load(s.spec, baseUrl, () => []);
    progress(s.id, 'baseline', b, false);
    const g = await load(s.spec, api.url, () => [api.proc.child.pid]);
    progress(s.id, 'gateway', g);
    return { id: s.id, title: s.title, gateway: g, baseline: b };
  };
  for (const s of scenarios(hot, customers, jobs, 'base')) {
    report.http.push(await runPair(s, baseline.url));
  }

  // A CPU profile of the gateway for the first missed generate scenario and the first missed read.
  const missed = evaluate(report).filter((t) => !t.pass && t.profileScenario !== undefined);
  const picks = [missed.find((t) => t.profileScenario!.startsWith('generate')), missed.find((t) => !t.profileScenario!.startsWith('generate'))].filter((t) => t !== undefined);
  for (const pick of picks) {
    const s = scenarios(hot, customers, jobs, `prof-${pick.profileScenario}`).find((x) => x.id === pick.profileScenario)!;
    say(`\nprofiling the gateway on "${s.id}" (target missed: ${pick.name})…`);
    const profDir = mkdtempSync(join(os.tmpdir(), 'gateway-bench-prof-'));
    cleanups.push(async () => rmSync(profDir, { recursive: true, force: true }));
    await api.proc.stop();
    const spawned = Date.now();
    api = await startGateway(env, 'api', ['--cpu-prof', '--cpu-prof-dir', profDir]);
    const skipMs = Date.now() - spawned + (SETTINGS.warmupSec + 1) * 1000;
    const r = await load({ ...s.spec, durationSec: SETTINGS.profileSec }, api.url, () => [api.proc.child.pid]);
    progress(s.id, 'gateway+profiler', r);
    await api.proc.stop(20_000);
    const summary: ProfileSummary | undefined = summariseProfile(profDir, skipMs);
    if (summary) {
      report.profiles.push({ scenario: s.id, reason: pick.name, ...summary, file: 'cpu profile (not kept)' });
    }
    api = await startGateway(env, 'api');
  }

  say(`\ngrowth: seeding ${SETTINGS.seedJobs.toLocaleString('en')} historical jobs and ${SETTINGS.seedCustomers.toLocaleString('en')} customers…`);
  const seed = await seedHistory(db, { customers: SETTINGS.seedCustomers, jobs: SETTINGS.seedJobs, plan: PLAN.code, sampleSize: CUSTOMERS, log: say });
  say(`    done in ${seed.seconds.toFixed(0)} s`);
  const { rows: sizes } = await db.query<{ jobs: string; ledger: string; customers: string }>(
    `SELECT (SELECT count(*) FROM jobs)::text AS jobs, (SELECT count(*) FROM ledger_entries)::text AS ledger, (SELECT count(*) FROM customers)::text AS customers`,
  );
  report.growth.seed = { ...seed, sample: undefined, totals: { jobs: Number(sizes[0].jobs), ledgerEntries: Number(sizes[0].ledger), customers: Number(sizes[0].customers) } };
  const old: Customer[] = [];
  for (const s of seed.sample) {
    old.push(await createKey(api.url, s.customerId));
  }
  const oldJobs = new Map(seed.sample.map((s) => [s.customerId, s.jobId]));
  report.growth.explain = await explain(db, seed.sample[0].customerId, seed.sample[0].jobId);
  await baseline.proc.stop();
  baseline = await startBaselineDb(db0.url, [...customers, hot, ...old]);
  say(`growth scenarios: ${CUSTOMERS} seeded customers with history each`);
  for (const s of scenarios(hot, old, oldJobs, 'growth').filter((x) => ['generate-100', 'job-read', 'job-list'].includes(x.id))) {
    report.growth.figures.push(await runPair(s, baseline.url));
  }
  await baseline.proc.stop();

  report.peakRss = Math.max(overall.stop(), report.throughput.peakRss, ...report.http.map((h) => h.gateway.peakRss), ...report.growth.figures.map((h) => h.gateway.peakRss));
  report.finishedAt = new Date().toISOString();
  await api.proc.stop();
  const { markdown, json } = renderReport(report);
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), markdown);
  writeFileSync(join(ROOT, 'BENCHMARKS.json'), `${JSON.stringify(json, null, 2)}\n`);
  say(`\nwrote BENCHMARKS.md and BENCHMARKS.json (${((Date.now() - startedAt.getTime()) / 1000).toFixed(0)} s)`);
  for (const t of evaluate(report)) {
    say(`  ${t.pass ? 'PASS' : 'MISS'}  ${t.name}: ${t.measured}`);
  }
}

main()
  .catch(async (error: unknown) => {
    say(`\nbenchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanup();
    await sleep(50);
    process.exit(process.exitCode ?? 0);
  });

