import type { LoadResult } from './load';

export type Figure = LoadResult & { peakRss: number; loadAvg1m: number };

export interface ScenarioFigure {
  id: string;
  title: string;
  gateway: Figure;
  baseline: Figure | undefined;
}

export interface Report {
  mode: 'quick' | 'full';
  startedAt: string;
  finishedAt: string;
  settings: Record<string, number>;
  machine: { cpu: string; cores: number; memoryGb: number; os: string; node: string; postgres: string; postgresSettings: Record<string, string>; database: string };
  http: ScenarioFigure[];
  fastify: ScenarioFigure;
  throughput: {
    jobs: number;
    requested: number;
    accepted: number;
    allSettled: boolean;
    succeeded: number;
    other: number;
    createRps: number;
    windowSec: number;
    settledPerSec: number;
    settleSpanSec: number;
    submitSpanSec: number;
    lagP50Ms: number;
    lagP99Ms: number;
    lagMaxMs: number;
    simulatorMs: number;
    peakRss: number;
  };
  growth: {
    seed: { customers: number; jobs: number; ledgerEntries: number; seconds: number; sample: undefined; totals: { jobs: number; ledgerEntries: number; customers: number } };
    figures: ScenarioFigure[];
    explain: { title: string; sql: string; plan: string }[];
  };
  profiles: ({ scenario: string; reason: string } & { file: string; totalMs: number; busyMs: number; frames: { frame: string; selfMs: number; share: number }[]; areas: { area: string; selfMs: number; share: number }[] })[];
  peakRss: number;
}

export interface TargetCheck {
  name: string;
  target: string;
  measured: string;
  pass: boolean;
  /** The HTTP scenario to profile when this misses. */
  profileScenario?: string;
}

const MB = 1024 * 1024;
const f0 = (n: number) => n.toFixed(0);
const f2 = (n: number) => n.toFixed(2);

/** The issue's targets, each against the measurement. */
export function evaluate(report: Report): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const byId = (id: string) => report.http.find((h) => h.id === id);
  for (const id of ['generate-100', 'generate-1']) {
    const s = byId(id);
    if (!s?.baseline) {
      continue;
    }
    checks.push({
      name: `${id} req/s ≥ 0.8× its database baseline`,
      target: `≥ ${f0(0.8 * s.baseline.rps)} req/s`,
      measured: `${f0(s.gateway.rps)} req/s = ${f2(s.gateway.rps / s.baseline.rps)}× (baseline ${f0(s.baseline.rps)})`,
      pass: s.gateway.rps >= 0.8 * s.baseline.rps,
      profileScenario: id,
    });
    checks.push({
      name: `${id} p99 ≤ 1.25× the baseline's p99`,
      target: `≤ ${f0(1.25 * s.baseline.p99)} ms`,
      measured: `${s.gateway.p99} ms = ${f2(s.gateway.p99 / Math.max(1, s.baseline.p99))}× (baseline ${s.baseline.p99} ms)`,
      pass: s.gateway.p99 <= 1.25 * s.baseline.p99,
      profileScenario: id,
    });
  }
  const g100 = byId('generate-100');
  const g1 = byId('generate-1');
  if (g100) {
    checks.push({ name: 'generate-100 ≥ 2 000 req/s', target: '≥ 2000 req/s', measured: `${f0(g100.gateway.rps)} req/s`, pass: g100.gateway.rps >= 2000, profileScenario: 'generate-100' });
  }
  if (g1 && g100) {
    checks.push({
      name: 'generate-1 (hot row) ≥ 0.5× generate-100',
      target: `≥ ${f0(0.5 * g100.gateway.rps)} req/s`,
      measured: `${f0(g1.gateway.rps)} req/s = ${f2(g1.gateway.rps / g100.gateway.rps)}×`,
      pass: g1.gateway.rps >= 0.5 * g100.gateway.rps,
      profileScenario: 'generate-1',
    });
  }
  for (const id of ['job-read', 'job-list', 'usage']) {
    const s = byId(id);
    if (!s?.baseline) {
      continue;
    }
    checks.push({
      name: `${id} req/s ≥ 0.8× its baseline`,
      target: `≥ ${f0(0.8 * s.baseline.rps)} req/s`,
      measured: `${f0(s.gateway.rps)} req/s = ${f2(s.gateway.rps / s.baseline.rps)}× (baseline ${f0(s.baseline.rps)})`,
      pass: s.gateway.rps >= 0.8 * s.baseline.rps,
      profileScenario: id,
    });
  }
  const t = report.throughput;
  if (t) {
    checks.push({ name: 'job throughput ≥ 1 000 settlements/s', target: '≥ 1000 /s', measured: `${f0(t.settledPerSec)} /s (${t.jobs} jobs in ${t.windowSec.toFixed(1)} s)`, pass: t.allSettled && t.settledPerSec >= 1000 });
    checks.push({ name: 'settlement lag p99 ≤ 2 s past provider completion', target: '≤ 2000 ms', measured: `p99 ${f0(t.lagP99Ms)} ms (p50 ${f0(t.lagP50Ms)} ms)`, pass: t.allSettled && t.lagP99Ms <= 2000 });
  }
  for (const g of report.growth.figures) {
    const base = byId(g.id);
    if (!base) {
      continue;
    }
    checks.push({
      name: `${g.id} with history: no more than 20 % slower`,
      target: `≥ ${f0(0.8 * base.gateway.rps)} req/s`,
      measured: `${f0(g.gateway.rps)} req/s vs ${f0(base.gateway.rps)} without history (${((g.gateway.rps / base.gateway.rps - 1) * 100).toFixed(0)} %)`,
      pass: g.gateway.rps >= 0.8 * base.gateway.rps,
    });
  }
  checks.push({ name: 'gateway RSS ≤ 250 MB throughout', target: '≤ 250 MB', measured: `peak ${f0(report.peakRss / MB)} MB`, pass: report.peakRss <= 250 * MB });
  const failed = [...report.http, ...report.growth.figures].flatMap((s) => [s.gateway, ...(s.baseline ? [s.baseline] : [])]).filter((r) => r.non2xx + r.errors + r.timeouts > 0);
  checks.push({ name: 'every measured request answered 2xx', target: '0 non-2xx, 0 errors', measured: failed.length === 0 ? 'none' : `${failed.length} runs had failures`, pass: failed.length === 0 });
  return checks;
}

function row(cells: (string | number)[]): string {
  return `| ${cells.join(' | ')} |`;
}

function scenarioTable(figures: ScenarioFigure[], fastify?: ScenarioFigure): string[] {
  const lines = [
    row(['Scenario', 'gateway req/s', 'p50 ms', 'p99 ms', 'non-2xx / errors', 'baseline req/s', 'baseline p50 / p99 ms', 'ratio req/s', 'ratio p99', 'peak RSS MB', 'load avg']),
    row(['---', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:', '---:']),
  ];
  for (const s of figures) {
    const g = s.gateway;
    const b = s.baseline;
    lines.push(
      row([
        s.title,
        f0(g.rps),
        g.p50,
        g.p99,
        `${g.non2xx} / ${g.errors + g.timeouts}`,
        b ? f0(b.rps) : '—',
        b ? `${b.p50} / ${b.p99}` : '—',
        b ? f2(g.rps / b.rps) : '—',
        b ? f2(g.p99 / Math.max(1, b.p99)) : '—',
        f0(g.peakRss / MB),
        b ? `${b.loadAvg1m.toFixed(1)} / ${g.loadAvg1m.toFixed(1)}` : g.loadAvg1m.toFixed(1),
      ]),
    );
  }
  if (fastify) {
    const g = fastify.gateway;
    lines.push(row([fastify.title, '—', '—', '—', '—', f0(g.rps), `${g.p50} / ${g.p99}`, '—', '—', '—', g.loadAvg1m.toFixed(1)]));
  }
  return lines;
}

export function renderReport(report: Report): { markdown: string; json: unknown } {
  const checks = evaluate(report);
  const m = report.machine;
  const s = report.settings;
  const t = report.throughput;
  const out: string[] = [];
  out.push('# Benchmarks', '');
  out.push(
    `Measured ${report.startedAt.slice(0, 16).replace('T', ' ')} UTC by \`npm run bench${report.mode === 'quick' ? ' -- --quick' : ''}\` (**${report.mode} run**${
      report.mode === 'quick' ? `: ${s.warmupSec} s warm-up + ${s.durationSec} s per scenario and ${s.seedJobs.toLocaleString('en')} historical jobs instead of 1 000 000 — indicative only` : ''
    }). Raw figures: [BENCHMARKS.json](BENCHMARKS.json). How to run and what is measured: README, "Benchmarks".`,
    '',
  );
  out.push('## Machine', '');
  out.push(row(['', '']), row(['---', '---']));
  out.push(row(['CPU', `${m.cpu} × ${m.cores}`]), row(['Memory', `${m.memoryGb} GB`]), row(['OS', m.os]), row(['Node.js', m.node]), row(['PostgreSQL', `${m.postgres} — ${m.database}`]));
  out.push(row(['PostgreSQL settings', Object.entries(m.postgresSettings).map(([k, v]) => `${k}=${v}`).join(', ')]));
  out.push(
    row([
      'Load',
      `autocannon in its own process, ${s.connections} connections, ${s.warmupSec} s warm-up then ${s.durationSec} s measured; gateway, baselines, load generator and PostgreSQL share the same ${m.cores} cores`,
    ]),
    '',
  );

  const loads = [...report.http, ...report.growth.figures].flatMap((f) => [f.gateway.loadAvg1m, ...(f.baseline ? [f.baseline.loadAvg1m] : [])]);
  const maxLoad = Math.max(0, ...loads);
  if (maxLoad > m.cores) {
    out.push(
      `> **This machine was shared with other work during the run**: the 1-minute load average before the runs reached ${maxLoad.toFixed(1)} on ${m.cores} cores (last column of the tables: baseline / gateway). ` +
        'Absolute figures are depressed and noisy; each gateway run follows its baseline run immediately so the ratios compare like with like as far as possible. Re-run on an idle machine for figures to quote.',
      '',
    );
  }
  out.push('## Targets', '');
  out.push(row(['Target', 'Required', 'Measured', 'Verdict']), row(['---', '---', '---', '---']));
  for (const c of checks) {
    out.push(row([c.name, c.target, c.measured, c.pass ? 'PASS' : '**MISS**']));
  }
  out.push('');

  out.push('## HTTP scenarios', '');
  out.push(
    'Gateway: the built app, `NODE_ENV=production`, `LOG_LEVEL=warn`, `ROLE=api` (the scheduler runs in separate worker instances, measured below), test-mode keys, ' +
      `a plan with ${'1 000 000'} requests/minute. "Baseline" is the same request against a bare \`node:http\` + \`pg\` server running the same SQL with the same parameters ` +
      '(one `SELECT * FROM gw_create_job(...)` per generate, the same indexed selects for reads; prepared statements, a pool of 20 like the gateway, the key looked up in memory) — ' +
      'the limit of the database path. The Fastify row is a bare Fastify answering a constant JSON — the limit of the HTTP stack.',
    '',
  );
  out.push(...scenarioTable(report.http, report.fastify), '');
  out.push(
    '- generate, 1 customer: every request updates the same `credit_accounts` and `job_counters` rows, so requests serialise on those row locks; 100 customers spread them (round-robin keys).',
    '- replay: the same `Idempotency-Key` and body every time (one key per customer, created before the run) — the database answers from `idempotency_keys` without writing.',
    '- job read: each customer reads one of its own terminal jobs (a read of an in-flight job may ask the provider first; that is not what is measured here).',
    '',
  );

  out.push('## Job throughput', '');
  if (t) {
    out.push(
      `${t.requested.toLocaleString('en')} test-mode image jobs created through one \`ROLE=api\` instance (${f0(t.createRps)} req/s, ${t.accepted} accepted), then two \`ROLE=worker\` instances were started and ran the scheduler; the built-in simulator finishes each job ${t.simulatorMs} ms after its submission, so they are all in flight together and complete over a short window.`,
      '',
    );
    out.push(row(['Figure', 'Value']), row(['---', '---:']));
    out.push(
      row(['jobs settled', `${t.jobs} (${t.succeeded} succeeded, ${t.other} other)${t.allSettled ? '' : ' — **not all settled before the time limit**'}`]),
      row(['window: first provider completion → last settlement', `${t.windowSec.toFixed(2)} s`]),
      row(['**settled jobs/s** (jobs ÷ window)', `**${f0(t.settledPerSec)}**`]),
      row(['submission span (first created → last submitted)', `${t.submitSpanSec.toFixed(2)} s`]),
      row(['settlement span (first → last settled)', `${t.settleSpanSec.toFixed(2)} s`]),
      row(['lag provider completion → settlement p50 / p99 / max', `${f0(t.lagP50Ms)} / ${f0(t.lagP99Ms)} / ${f0(t.lagMaxMs)} ms`]),
      row(['peak RSS (api + workers, each)', `${f0(t.peakRss / MB)} MB`]),
      '',
    );
    out.push(
      'Lag is `jobs.completed_at − jobs.provider_completed_at` (the simulator reports its completion time, which the settlement stores). Settlement includes storing the simulated PNG (local storage driver) and the capture in the ledger. ' +
        'Because completions arrive at the rate jobs were submitted, the settled rate is bounded by that arrival rate; the lag shows whether the workers kept up.',
      '',
    );
  }

  out.push('## Growth: cost against history', '');
  const seed = report.growth.seed;
  if (seed) {
    out.push(
      `Seeded in bulk with \`generate_series\` in ${seed.seconds.toFixed(0)} s: ${seed.customers.toLocaleString('en')} customers (live + test accounts, one top-up each) and ${seed.jobs.toLocaleString('en')} terminal test-mode jobs over 90 days ` +
        '(95 % succeeded with reserve + capture entries, 5 % failed with reserve + release entries, running balances per account, so every account still equals the sum of its ledger). ' +
        `Tables afterwards: ${seed.totals.jobs.toLocaleString('en')} jobs, ${seed.totals.ledgerEntries.toLocaleString('en')} ledger entries, ${seed.totals.customers.toLocaleString('en')} customers. ` +
        'The scenarios then run with 100 of the seeded customers (each with its share of the history) and compare with the figures above.',
      '',
    );
  }
  out.push(...scenarioTable(report.growth.figures), '');
  out.push(row(['Scenario', 'req/s without history', 'req/s with history', 'change', 'baseline change']), row(['---', '---:', '---:', '---:', '---:']));
  for (const g of report.growth.figures) {
    const base = report.http.find((h) => h.id === g.id);
    if (base) {
      const bb = base.baseline && g.baseline ? `${((g.baseline.rps / base.baseline.rps - 1) * 100).toFixed(0)} %` : '—';
      out.push(row([g.title, f0(base.gateway.rps), f0(g.gateway.rps), `${((g.gateway.rps / base.gateway.rps - 1) * 100).toFixed(0)} %`, bb]));
    }
  }
  out.push('');
  if (report.growth.explain.length > 0) {
    out.push('Query plans with the history in place (`EXPLAIN (ANALYZE, BUFFERS)`, the statements the gateway runs, for one seeded customer):', '');
    for (const e of report.growth.explain) {
      out.push(`**${e.title}** — \`${e.sql}\``, '', '```', e.plan, '```', '');
    }
    out.push('`generate` is one call of the plpgsql function `gw_create_job`: its statements are primary-key/unique-key lookups and inserts (`idempotency_keys` pkey, `job_counters` pkey, `credit_accounts` pkey, inserts into `jobs`, `ledger_entries`, `job_events`), none of which scans history.', '');
  }

  if (report.profiles.length > 0) {
    out.push('## Where the time goes', '');
  }
  for (const p of report.profiles) {
    out.push(`### ${p.scenario}`, '');
    out.push(`A target was missed (${p.reason}), so the gateway ran "${p.scenario}" again under \`node --cpu-prof\` (the ${(p.totalMs / 1000).toFixed(1)} s after warm-up, of which the gateway's thread was busy ${(p.busyMs / 1000).toFixed(1)} s; shares below are of the busy time). Self time by area:`, '');
    out.push(row(['Area', 'self ms', 'share']), row(['---', '---:', '---:']));
    for (const a of p.areas) {
      out.push(row([`\`${a.area}\``, a.selfMs, `${(a.share * 100).toFixed(1)} %`]));
    }
    out.push('', 'Top frames by self time:', '', row(['Frame', 'self ms', 'share']), row(['---', '---:', '---:']));
    for (const fr of p.frames) {
      out.push(row([`\`${fr.frame.replace(/\|/g, '\\|')}\``, fr.selfMs, `${(fr.share * 100).toFixed(1)} %`]));
    }
    out.push('');
  }

  out.push('## Method', '');
  out.push(
    '- Everything runs on loopback on this one machine; the load generator (autocannon, pipelining 1) is a separate Node process, so its CPU competes with the gateway and PostgreSQL for the same cores — as it does for the baselines.',
    '- Every generate request carries a fresh `Idempotency-Key` (a counter), so each creates a job; warm-up requests use their own keys.',
    '- req/s is autocannon\'s mean of per-second counts; latencies are autocannon\'s percentiles. Ratios are gateway ÷ baseline (for p99 a ratio above 1 is worse).',
    '- Peak RSS samples `/proc/<pid>/status` VmRSS of every gateway process every 200 ms during each run.',
    '- Baselines share the database and the tables with the gateway (they run between gateway runs, never at the same time).',
    '',
  );
  return { markdown: `${out.join('\n')}\n`, json: { ...report, targets: checks } };
}
