import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export const ROOT = resolve(__dirname, '..');
export const GATEWAY_MAIN = resolve(ROOT, 'dist/apps/gateway/apps/gateway/src/main.js');
const TS_NODE = ['-r', 'ts-node/register/transpile-only'];

/** Every child this run started; killed on any exit path so nothing outlives the benchmark. */
const children = new Set<ChildProcess>();

export function killAll(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
    }
  }
  children.clear();
}

export interface Proc {
  child: ChildProcess;
  output: () => string;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export function start(args: string[], env: Record<string, string>, options: { ts?: boolean; nodeArgs?: string[] } = {}): Proc {
  const argv = [...(options.nodeArgs ?? []), ...(options.ts ? TS_NODE : []), ...args];
  const child = spawn(process.execPath, argv, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/root', TS_NODE_PROJECT: resolve(ROOT, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let text = '';
  const keep = (d: Buffer) => {
    // Bounded: only the tail matters for diagnostics.
    text = (text + d.toString('utf8')).slice(-200_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.once('exit', () => children.delete(child));
  return {
    child,
    output: () => text,
    stop: (graceMs = 10_000) =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) {
          done();
          return;
        }
        const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
        child.once('exit', () => {
          clearTimeout(force);
          done();
        });
        child.kill('SIGTERM');
      }),
  };
}

export async function waitFor(predicate: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await predicate()) {
      return true;
    }
    await sleep(intervalMs);
  }
  return false;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Resident set size of a process in bytes, from /proc (0 when it is gone). */
export function rssOf(pid: number | undefined): number {
  if (pid === undefined) {
    return 0;
  }
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Samples the peak RSS of some processes until stopped. */
export function rssSampler(pids: () => (number | undefined)[], everyMs = 200): { stop(): number; peak(): number } {
  let peak = 0;
  const sample = () => {
    for (const pid of pids()) {
      peak = Math.max(peak, rssOf(pid));
    }
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    peak: () => peak,
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** Waits until an HTTP endpoint answers (any status). */
export async function waitHttp(url: string, timeoutMs: number, alive: () => boolean): Promise<boolean> {
  return waitFor(async () => {
    if (!alive()) {
      throw new Error(`process for ${url} exited`);
    }
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return true;
    } catch {
      return false;
    }
  }, timeoutMs, 200);
}
