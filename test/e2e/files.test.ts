import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StorageService, UrlSigner } from '@app/storage';
import { createTestDatabase } from '../support/database';
import { TEST_SECRETS_KEY, type TestApp, startTestApp } from '../support/app';

const VIDEO = randomBytes(300_000);
const KEY = 'results/job_e2e/output.mp4';

let app: TestApp;
let storage: StorageService;
let dataDir: string;
let drop: () => Promise<void>;

beforeAll(async () => {
  const db = await createTestDatabase();
  drop = db.drop;
  dataDir = mkdtempSync(join(tmpdir(), 'files-e2e-'));
  app = await startTestApp(db.url, { DATA_DIR: dataDir, PUBLIC_BASE_URL: 'https://cdn.example.test' });
  storage = app.app.get(StorageService);
  await storage.put(KEY, VIDEO, { contentType: 'video/mp4', contentLength: VIDEO.length });
});

afterAll(async () => {
  await app?.close();
  await drop?.();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Signed URLs carry PUBLIC_BASE_URL; the test reaches the same path on the local listener. */
function local(url: string): string {
  return url.replace('https://cdn.example.test', app.url);
}

describe('GET /files/* (signed links to stored objects)', () => {
  it('serves the exact bytes with type, length, ranges advertised, ETag and private caching, no bearer key needed', async () => {
    const { url, expiresAt } = storage.signedUrl(KEY, 600);
    expect(url).toMatch(/^https:\/\/cdn\.example\.test\/files\/results\/job_e2e\/output\.mp4\?exp=\d+&sig=[A-Za-z0-9_-]{43}$/);
    expect(expiresAt.getTime()).toBeGreaterThan(Date.now());
    const response = await fetch(local(url));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('content-length')).toBe(String(VIDEO.length));
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(response.headers.get('cache-control')).toMatch(/^private, max-age=(59\d|600)$/);
    expect(Buffer.from(await response.arrayBuffer()).equals(VIDEO)).toBe(true);
  });

  it('answers 206 partial content for byte ranges, and 416 past the end', async () => {
    const { url } = storage.signedUrl(KEY, 600);
    const middle = await fetch(local(url), { headers: { range: 'bytes=1000-1999' } });
    expect(middle.status).toBe(206);
    expect(middle.headers.get('content-range')).toBe(`bytes 1000-1999/${VIDEO.length}`);
    expect(middle.headers.get('content-length')).toBe('1000');
    expect(Buffer.from(await middle.arrayBuffer()).equals(VIDEO.subarray(1000, 2000))).toBe(true);

    const tail = await fetch(local(url), { headers: { range: 'bytes=-500' } });
    expect(tail.status).toBe(206);
    expect(Buffer.from(await tail.arrayBuffer()).equals(VIDEO.subarray(VIDEO.length - 500))).toBe(true);

    const open = await fetch(local(url), { headers: { range: `bytes=${VIDEO.length - 10}-` } });
    expect(open.status).toBe(206);
    expect((await open.arrayBuffer()).byteLength).toBe(10);

    const beyond = await fetch(local(url), { headers: { range: `bytes=${VIDEO.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('content-range')).toBe(`bytes */${VIDEO.length}`);
  });

  it('answers HEAD with the headers only, and 304 for a matching If-None-Match', async () => {
    const { url } = storage.signedUrl(KEY, 600);
    const head = await fetch(local(url), { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe(String(VIDEO.length));
    const etag = head.headers.get('etag')!;
    const cached = await fetch(local(url), { headers: { 'if-none-match': etag } });
    expect(cached.status).toBe(304);
  });

  it('answers a tampered signature, key or expiry with 403 forbidden in the contract error shape', async () => {
    const { url } = storage.signedUrl(KEY, 600);
    const u = new URL(local(url));
    const sig = u.searchParams.get('sig')!;
    const variants = [
      local(url).replace(`sig=${sig}`, `sig=${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`),
      local(url).replace(`exp=${u.searchParams.get('exp')}`, `exp=${Number(u.searchParams.get('exp')) + 3600}`),
      local(url).replace('output.mp4', 'output2.mp4'),
      local(url).split('&sig=')[0],
      `${app.url}/files/${KEY}`,
    ];
    for (const variant of variants) {
      const response = await fetch(variant);
      expect(response.status, variant).toBe(403);
      const body = (await response.json()) as { ok: boolean; error: { status: number; code: string; requestId: string } };
      expect(body).toMatchObject({ ok: false, error: { status: 403, code: 'forbidden' } });
      expect(body.error.requestId).toBe(response.headers.get('x-request-id'));
    }
  });

  it('answers an expired link with 403 forbidden', async () => {
    const { url } = storage.signedUrl(KEY, 60, Date.now() - 120_000);
    const response = await fetch(local(url));
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('expired') } });
  });

  it('never serves a path outside the object store, even with a correctly signed traversal key', async () => {
    writeFileSync(join(dataDir, 'secret.txt'), 'do not serve');
    const signer = new UrlSigner(TEST_SECRETS_KEY);
    const exp = Math.floor(Date.now() / 1000) + 600;
    const client = new Client(app.url);
    for (const key of ['../../secret.txt', '../secret.txt', '..%2F..%2Fsecret.txt', '%2e%2e/%2e%2e/secret.txt', 'results/..%2f..%2f..%2fsecret.txt']) {
      // undici's request sends the path as given (fetch would resolve the dot segments client-side).
      const response = await client.request({ method: 'GET', path: `/files/${key}?exp=${exp}&sig=${signer.sign(key, exp)}` });
      const text = await response.body.text();
      expect(response.statusCode, key).toBe(404);
      expect(text).not.toContain('do not serve');
    }
    await client.close();
  });

  it('answers 404 for a validly signed link to an object that is gone', async () => {
    await storage.put('results/job_gone/a.png', Buffer.from('x'), { contentType: 'image/png' });
    const { url } = storage.signedUrl('results/job_gone/a.png', 600);
    await storage.delete('results/job_gone/a.png');
    const response = await fetch(local(url));
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('keeps the signature out of the access log', async () => {
    const { url } = storage.signedUrl(KEY, 600);
    const sig = new URL(url).searchParams.get('sig')!;
    await (await fetch(local(url), { method: 'HEAD' })).arrayBuffer();
    expect(app.logs.some((line) => line.includes('/files/results/job_e2e/output.mp4'))).toBe(true);
    expect(app.logs.join('\n')).not.toContain(sig);
  });
});
