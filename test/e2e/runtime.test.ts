import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '@app/database';
import { createTestDatabase } from '../support/database';
import { runGateway, spawnGateway } from '../support/process';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'gw-runtime-'));
  dirs.push(dir);
  return dir;
}

afterAll(() => {
  for (const dir of dirs) {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('the built gateway as a process', () => {
  it('starts on the embedded default, prints generated secrets once, reuses them, and stops cleanly', { timeout: 180_000 }, async () => {
    const DATA_DIR = dataDir();
    const first = await spawnGateway({ DATA_DIR, PORT: String(await freePort()) });
    const secretsFile = join(DATA_DIR, 'secrets.json');
    const secrets = JSON.parse(readFileSync(secretsFile, 'utf8'));
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    expect(first.output()).toContain(`Operator API key  ${secrets.myPrivateApiKey}`);
    expect(first.output()).toContain(`Console login     ${secrets.adminEmail} / ${secrets.adminPassword}`);
    expect(first.output()).toMatch(/API +http:\/\/localhost:\d+\/v1/);
    expect(first.output()).toMatch(/Console +http:\/\/localhost:\d+\/admin/);
    expect(first.output()).toMatch(/Docs +http:\/\/localhost:\d+\/docs/);
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    const stopped = await first.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);
    expect(existsSync(join(DATA_DIR, 'pg', 'postmaster.pid'))).toBe(false);

    const second = await spawnGateway({ DATA_DIR, PORT: String(await freePort()) });
    expect(second.output()).not.toContain(secrets.myPrivateApiKey);
    expect(second.output()).not.toContain(secrets.adminPassword);
    expect(second.output()).toContain(secretsFile);
    expect(JSON.parse(readFileSync(secretsFile, 'utf8'))).toEqual(secrets);
    expect((await fetch(`${second.url}/readyz`)).status).toBe(200);
    expect((await second.stop('SIGINT')).code).toBe(0);
  });

  it('starts again after a crash left a stale lock or an orphaned database behind', { timeout: 180_000 }, async () => {
    const DATA_DIR = dataDir();
    const gw = await spawnGateway({ DATA_DIR, PORT: String(await freePort()) });
    const lockFile = join(DATA_DIR, 'pg', 'postmaster.pid');
    const pgPid = Number(readFileSync(lockFile, 'utf8').split('\n')[0]);
    // The gateway dies hard; its postgres is orphaned and keeps the lock.
    await gw.stop('SIGKILL');
    const again = await spawnGateway({ DATA_DIR, PORT: String(await freePort()) });
    expect((await fetch(`${again.url}/readyz`)).status).toBe(200);
    expect(Number(readFileSync(lockFile, 'utf8').split('\n')[0])).not.toBe(pgPid);
    expect((await again.stop()).code).toBe(0);

    // A lock naming a live process that is not postgres (pid reuse after a reboot).
    writeFileSync(lockFile, `${process.pid}\n${join(DATA_DIR, 'pg')}\n`);
    const third = await spawnGateway({ DATA_DIR, PORT: String(await freePort()) });
    expect((await fetch(`${third.url}/readyz`)).status).toBe(200);
    expect((await third.stop()).code).toBe(0);
  });

  it('uses DATABASE_URL when given, with no embedded database', async () => {
    const db = await createTestDatabase();
    const DATA_DIR = dataDir();
    const gw = await spawnGateway({
      DATA_DIR,
      PORT: String(await freePort()),
      DATABASE_URL: db.url,
      MY_PRIVATE_API_KEY: 'k'.repeat(40),
      SECRETS_KEY: Buffer.alloc(32, 3).toString('base64'),
      ADMIN_EMAIL: 'ops@example.test',
      ADMIN_PASSWORD: 'a very long password',
    });
    expect(gw.output()).not.toContain('embedded PostgreSQL');
    expect(existsSync(join(DATA_DIR, 'pg'))).toBe(false);
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
    expect((await gw.stop()).code).toBe(0);
    await db.drop();
  });

  it('refuses production without its secrets, naming each variable to set', async () => {
    const run = runGateway({ NODE_ENV: 'production', DATA_DIR: dataDir() });
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toContain('NODE_ENV=production needs DATABASE_URL, MY_PRIVATE_API_KEY, SECRETS_KEY');
  });

  it('refuses an invalid variable, naming it and its rule', async () => {
    const run = runGateway({ PORT: '99999', ROLE: 'chef', DATA_DIR: dataDir() });
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toContain('PORT must be an integer from 0 to 65535 (got "99999")');
    expect(run.output()).toContain('ROLE must be one of all, api, worker (got "chef")');
  });

  it('explains an unreachable DATABASE_URL without leaking its password', async () => {
    const run = runGateway({ DATABASE_URL: `postgres://app:s3cretpw@127.0.0.1:${await freePort()}/x`, DATA_DIR: dataDir(), PORT: String(await freePort()) });
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toContain('Cannot connect to PostgreSQL');
    expect(run.output()).toContain('Check DATABASE_URL');
    expect(run.output()).not.toContain('s3cretpw');
  });

  it('ROLE=worker serves only health and metrics', async () => {
    const db = await createTestDatabase();
    const gw = await spawnGateway({ ROLE: 'worker', DATA_DIR: dataDir(), PORT: String(await freePort()), DATABASE_URL: db.url });
    expect((await fetch(`${gw.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${gw.url}/metrics`)).status).toBe(200);
    const docs = await fetch(`${gw.url}/docs-json`);
    expect(docs.status).toBe(404);
    expect((await docs.json()).error.code).toBe('not_found');
    expect((await gw.stop()).code).toBe(0);
    await db.drop();
  });
});
