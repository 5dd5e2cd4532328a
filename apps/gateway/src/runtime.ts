import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { type AppConfig, randomBase62 } from '@app/common';
import { type EmbeddedDatabase, MIGRATIONS_TABLE, buildDataSourceOptions, startEmbeddedPostgres } from '@app/database';
import { DataSource } from 'typeorm';

interface GeneratedSecrets {
  myPrivateApiKey: string;
  secretsKey: string;
  adminEmail: string;
  adminPassword: string;
  createdAt: string;
}

export interface Runtime {
  config: AppConfig;
  databaseUrl: string;
  embedded?: EmbeddedDatabase;
  /** Secrets that were generated on this start and must be shown once. */
  generated?: GeneratedSecrets;
  secretsFile?: string;
}

/**
 * Everything that must exist before Nest starts: DATA_DIR, generated development secrets (0600),
 * the embedded database when DATABASE_URL is unset, and an up-to-date schema.
 */
export async function prepareRuntime(config: AppConfig, log: (line: string) => void): Promise<Runtime> {
  let resolved = config;
  let generated: GeneratedSecrets | undefined;
  let secretsFile: string | undefined;
  const needsGenerated = !config.myPrivateApiKey || !config.secretsKey || !config.adminEmail || !config.adminPassword;
  if (needsGenerated && !config.production) {
    // 0711: the embedded PostgreSQL (its own system user when we run as root) must traverse it; the
    // secrets file inside stays 0600.
    mkdirSync(config.dataDir, { recursive: true, mode: 0o711 });
    secretsFile = join(config.dataDir, 'secrets.json');
    let secrets: GeneratedSecrets;
    if (existsSync(secretsFile)) {
      secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as GeneratedSecrets;
    } else {
      secrets = {
        myPrivateApiKey: `op_${randomBase62(40)}`,
        secretsKey: randomBytes(32).toString('base64'),
        adminEmail: 'admin@localhost.test',
        adminPassword: randomBase62(20),
        createdAt: new Date().toISOString(),
      };
      writeFileSync(secretsFile, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
      generated = secrets;
    }
    chmodSync(secretsFile, 0o600);
    resolved = {
      ...config,
      myPrivateApiKey: config.myPrivateApiKey ?? secrets.myPrivateApiKey,
      secretsKey: config.secretsKey ?? secrets.secretsKey,
      adminEmail: config.adminEmail ?? secrets.adminEmail,
      adminPassword: config.adminPassword ?? secrets.adminPassword,
    };
  }

  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (databaseUrl === undefined) {
    log(`DATABASE_URL is unset: starting the embedded PostgreSQL in ${join(config.dataDir, 'pg')}`);
    mkdirSync(config.dataDir, { recursive: true, mode: 0o711 });
    if (process.getuid?.() === 0) {
      // As root the database runs as its own system user, which must be able to traverse DATA_DIR.
      chmodSync(config.dataDir, statSync(config.dataDir).mode | 0o011);
    }
    embedded = await startEmbeddedPostgres({ dir: join(config.dataDir, 'pg'), log: (line) => (process.env.EMBEDDED_PG_DEBUG ? log(line) : undefined) });
    databaseUrl = embedded.url;
  }
  try {
    const applied = await migrate(databaseUrl);
    if (applied.length > 0) {
      log(`applied migrations: ${applied.join(', ')}`);
    }
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
  return { config: resolved, databaseUrl, embedded, generated, secretsFile };
}

const MIGRATION_LOCK = 727_274_001;

/** Applies pending migrations under an advisory lock, so instances starting together take turns. */
export async function migrate(url: string): Promise<string[]> {
  const dataSource = new DataSource({ ...buildDataSourceOptions({ url, poolSize: 2 }), migrationsTableName: MIGRATIONS_TABLE });
  try {
    await dataSource.initialize();
  } catch (error) {
    throw new Error(`Cannot connect to PostgreSQL (${redactUrl(url)}): ${error instanceof Error ? error.message : String(error)}. Check DATABASE_URL.`, {
      cause: error,
    });
  }
  const runner = dataSource.createQueryRunner();
  try {
    await runner.connect();
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
    await dataSource.destroy();
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) {
      u.password = '***';
    }
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
