/**
 * The load generator, run as its own process so it does not share an event loop (or a CPU
 * accounting) with what it measures. Reads a LoadSpec as JSON from argv[2], runs an autocannon
 * warm-up and then the measured run, and prints one `RESULT {json}` line.
 */
import autocannon from 'autocannon';

export interface LoadTarget {
  /** Bearer token. */
  key: string;
  path: string;
}

export interface LoadSpec {
  url: string;
  method: 'GET' | 'POST';
  /** Round-robin over these, one per request. */
  targets: LoadTarget[];
  body?: string;
  /** `unique`: a fresh Idempotency-Key per request; `fixed`: the given one on every request. */
  idempotency?: { kind: 'unique'; prefix: string } | { kind: 'fixed'; key: string };
  connections: number;
  warmupSec: number;
  durationSec: number;
  /** Instead of a duration: send exactly this many requests (no warm-up). */
  amount?: number;
}

export interface LoadResult {
  rps: number;
  total: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  durationSec: number;
  statusCodes: Record<string, number>;
}

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p90: number; p99: number; max: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  statusCodeStats?: Record<string, { count: number }>;
}

function run(spec: LoadSpec, seconds: number | undefined, counterStart: number): Promise<AutocannonResult> {
  let counter = counterStart;
  const n = spec.targets.length;
  return new Promise((resolveRun, reject) => {
    autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        ...(seconds === undefined ? { amount: spec.amount } : { duration: seconds }),
        timeout: 30,
        requests: [
          {
            method: spec.method,
            setupRequest: (req: { path?: string; headers?: Record<string, string>; body?: string; method?: string }) => {
              const i = counter++;
              const target = spec.targets[i % n];
              const headers: Record<string, string> = { authorization: `Bearer ${target.key}` };
              if (spec.body !== undefined) {
                headers['content-type'] = 'application/json';
              }
              if (spec.idempotency?.kind === 'unique') {
                headers['idempotency-key'] = `${spec.idempotency.prefix}-${i}`;
              } else if (spec.idempotency?.kind === 'fixed') {
                headers['idempotency-key'] = spec.idempotency.key;
              }
              return { ...req, method: spec.method, path: target.path, headers, body: spec.body };
            },
          },
        ],
      },
      (error: Error | null, result: AutocannonResult) => (error ? reject(error) : resolveRun(result)),
    );
  });
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as LoadSpec;
  if (spec.amount === undefined && spec.warmupSec > 0) {
    await run(spec, spec.warmupSec, 1_000_000_000);
  }
  const r = await run(spec, spec.amount === undefined ? spec.durationSec : undefined, 0);
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(r.statusCodeStats ?? {})) {
    statusCodes[code] = stat.count;
  }
  const result: LoadResult = {
    rps: spec.amount === undefined ? r.requests.average : r.requests.total / r.duration,
    total: r.requests.total,
    ok2xx: r['2xx'],
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    max: r.latency.max,
    durationSec: r.duration,
    statusCodes,
  };
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`load failed: ${String(error)}\n`);
  process.exit(1);
});
