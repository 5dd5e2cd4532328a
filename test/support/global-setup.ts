import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import type { TestProject } from 'vitest/node';
import { type EmbeddedDatabase, startEmbeddedPostgres } from '../../libs/database/src/embedded-postgres';
import { migrateDatabase } from './migrate';

declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
    templateDatabase: string;
  }
}

const ROOT = resolve(__dirname, '../..');

/**
 * Once per `npm test`: a PostgreSQL (TEST_DATABASE_URL, else an embedded one under .test-data/),
 * a template database with every migration applied (each test file clones its own from it), and
 * a fresh build of the apps for the tests that start real gateway processes.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let embedded: EmbeddedDatabase | undefined;
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const dir = join(ROOT, '.test-data', 'pg');
    if (existsSync(join(ROOT, '.test-data')) && !existsSync(join(dir, 'PG_VERSION'))) {
      rmSync(join(ROOT, '.test-data'), { recursive: true, force: true });
    }
    mkdirSync(join(ROOT, '.test-data'), { recursive: true, mode: 0o755 });
    process.stdout.write('[setup] starting embedded PostgreSQL for the tests (set TEST_DATABASE_URL to use another)\n');
    embedded = await startEmbeddedPostgres({ dir, database: 'postgres' });
    adminUrl = embedded.url;
  }
  const template = `gw_template_${process.pid}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await dropStaleDatabases(admin);
  await admin.query(`CREATE DATABASE ${template}`);
  const templateUrl = withDatabase(adminUrl, template);
  await migrateDatabase(templateUrl);
  await admin.end();

  if (!process.env.SKIP_BUILD) {
    process.stdout.write('[setup] building the apps (nest build)\n');
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  }

  project.provide('adminDatabaseUrl', adminUrl);
  project.provide('templateDatabase', template);

  return async () => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    await dropStaleDatabases(client, process.pid);
    await client.end();
    await embedded?.stop();
  };
}

/**
 * Databases this run created (gw_template_<pid>, gw_t<hex>_<pid>), or that a run which no longer
 * exists left behind; never those of another test run still going on the same server.
 */
async function dropStaleDatabases(client: Client, onlyPid?: number): Promise<void> {
  const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'gw\\_%'`);
  for (const { datname } of rows) {
    const pid = Number(datname.split('_').pop());
    const mine = onlyPid !== undefined ? pid === onlyPid : !isAlive(pid);
    if (mine) {
      await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) {
    return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
