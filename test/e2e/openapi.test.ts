import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@app/database';
import { createTestDatabase } from '../support/database';
import { type GatewayProcess, spawnGateway } from '../support/process';
import { apiClient } from '../client';

const ROOT = resolve(__dirname, '../..');
const committed = readFileSync(resolve(ROOT, 'openapi.json'), 'utf8');
const HINT = 'The published contract is stale: run `npm run openapi` and commit openapi.json and test/client/schema.d.ts.';

describe('the published OpenAPI document', () => {
  let gateway: GatewayProcess;
  let dropDb: () => Promise<void>;

  beforeAll(async () => {
    const db = await createTestDatabase();
    dropDb = db.drop;
    gateway = await spawnGateway({
      DATABASE_URL: db.url,
      PORT: String(await freePort()),
      MY_PRIVATE_API_KEY: 'o'.repeat(40),
      SECRETS_KEY: Buffer.alloc(32, 5).toString('base64'),
      ADMIN_EMAIL: 'a@example.test',
      ADMIN_PASSWORD: 'long enough password',
      DATA_DIR: resolve(ROOT, '.test-data', `openapi-${process.pid}`),
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await dropDb?.();
  });

  it('is what the built code generates (npm run openapi), byte for byte', () => {
    const generated = execFileSync(process.execPath, [resolve(ROOT, 'dist/apps/gateway/apps/gateway/src/openapi.js'), '-'], { encoding: 'utf8' });
    expect(generated === committed, HINT).toBe(true);
  });

  it('is what the running gateway serves at /docs-json', async () => {
    const served = await (await fetch(`${gateway.url}/docs-json`)).json();
    expect(served, HINT).toEqual(JSON.parse(committed));
    const ui = await fetch(`${gateway.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger-ui');
  });

  it('is a valid OpenAPI 3 document', async () => {
    const api = await SwaggerParser.validate(JSON.parse(committed));
    expect(api).toHaveProperty('openapi');
    expect((api as { openapi: string }).openapi).toMatch(/^3\./);
  });

  it('declares both APIs’ security schemes and an operationId, a summary and responses on every operation', () => {
    const doc = JSON.parse(committed);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['consoleSession', 'customerKey', 'operatorKey']);
    const ids = new Set<string>();
    for (const [path, item] of Object.entries<Record<string, { operationId?: string; summary?: string; responses?: object }>>(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        expect(op.operationId, `${method} ${path}`).toBeTruthy();
        expect(op.summary, `${method} ${path}`).toBeTruthy();
        expect(Object.keys(op.responses ?? {}).length, `${method} ${path}`).toBeGreaterThan(0);
        expect(ids.has(op.operationId!), `duplicate operationId ${op.operationId}`).toBe(false);
        ids.add(op.operationId!);
      }
    }
  });

  it('the committed client types are generated from the committed document', async () => {
    const types = astToString(await openapiTS(JSON.parse(committed), { defaultNonNullable: false }));
    const onDisk = readFileSync(resolve(ROOT, 'test/client/schema.d.ts'), 'utf8');
    const strip = (s: string) => s.replace(/^\/\*\*[\s\S]*?\*\/\s*/, '').trim();
    expect(strip(onDisk) === strip(types), HINT).toBe(true);
  });

  it('drives the gateway through the generated client', async () => {
    const client = apiClient(gateway.url);
    const { data, response } = await client.GET('/readyz');
    expect(response.status).toBe(200);
    expect(data?.status).toBe('ready');
  });
});
