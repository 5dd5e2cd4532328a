import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalStorageDriver } from '@app/storage';

const root = mkdtempSync(join(tmpdir(), 'storage-test-'));
const driver = new LocalStorageDriver(root);

afterAll(() => rmSync(root, { recursive: true, force: true }));

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function listAll(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(root.length));
}

describe('local storage driver', () => {
  it('round-trips bytes with content type, size, ETag and byte ranges', async () => {
    const bytes = randomBytes(100_000);
    const info = await driver.put('results/job_1/output.mp4', bytes, { contentType: 'video/mp4', contentLength: bytes.length });
    expect(info).toMatchObject({ size: 100_000, contentType: 'video/mp4' });
    expect(info.etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(await driver.head('results/job_1/output.mp4')).toEqual(info);
    const whole = await driver.get('results/job_1/output.mp4');
    expect((await collect(whole!.stream)).equals(bytes)).toBe(true);
    const part = await driver.get('results/job_1/output.mp4', { start: 1000, end: 1999 });
    expect(part!.size).toBe(100_000);
    expect((await collect(part!.stream)).equals(bytes.subarray(1000, 2000))).toBe(true);
    const last = await driver.get('results/job_1/output.mp4', { start: 99_999, end: 99_999 });
    expect((await collect(last!.stream)).equals(bytes.subarray(99_999))).toBe(true);
  });

  it('streams a large body in without buffering it and stores it intact', async () => {
    const hash = createHash('sha256');
    let produced = 0;
    const total = 24 * 1024 * 1024;
    const source = new Readable({
      read() {
        if (produced >= total) {
          this.push(null);
          return;
        }
        const chunk = randomBytes(256 * 1024);
        produced += chunk.length;
        hash.update(chunk);
        this.push(chunk);
      },
    });
    const info = await driver.put('results/job_2/big.mp4', source, { contentType: 'video/mp4' });
    expect(info.size).toBe(total);
    const stored = createHash('sha256');
    for await (const chunk of (await driver.get('results/job_2/big.mp4'))!.stream) {
      stored.update(chunk as Buffer);
    }
    expect(stored.digest('hex')).toBe(hash.digest('hex'));
  });

  it('replaces an object atomically and leaves no temporary files', async () => {
    await driver.put('results/job_3/a.png', Buffer.from('first'), { contentType: 'image/png' });
    await driver.put('results/job_3/a.png', Buffer.from('second version'), { contentType: 'image/webp' });
    const object = await driver.get('results/job_3/a.png');
    expect((await collect(object!.stream)).toString()).toBe('second version');
    expect(object!.contentType).toBe('image/webp');
    expect(listAll(root).filter((p) => p.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses a body whose length differs from the declared one, keeping the old object', async () => {
    await driver.put('results/job_4/a.png', Buffer.from('kept'), { contentType: 'image/png' });
    await expect(driver.put('results/job_4/a.png', Buffer.from('short'), { contentType: 'image/png', contentLength: 99 })).rejects.toThrow(/expected 99 bytes/);
    expect((await collect((await driver.get('results/job_4/a.png'))!.stream)).toString()).toBe('kept');
    expect(listAll(root).filter((p) => p.endsWith('.tmp'))).toEqual([]);
  });

  it('a failing source stream leaves nothing behind', async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error('upstream cut'));
      },
    });
    await expect(driver.put('results/job_5/a.mp4', failing, { contentType: 'video/mp4' })).rejects.toThrow('upstream cut');
    expect(await driver.head('results/job_5/a.mp4')).toBeNull();
    expect(listAll(root).filter((p) => p.endsWith('.tmp'))).toEqual([]);
  });

  it('answers null for missing objects, deletes idempotently, and refuses traversal keys', async () => {
    expect(await driver.head('results/none.png')).toBeNull();
    expect(await driver.get('results/none.png')).toBeNull();
    await driver.put('results/job_6/a.png', Buffer.from('x'), { contentType: 'image/png' });
    await driver.delete('results/job_6/a.png');
    await driver.delete('results/job_6/a.png');
    expect(await driver.head('results/job_6/a.png')).toBeNull();
    for (const key of ['../escape', 'results/../../etc/passwd', '/etc/passwd', 'a/.meta']) {
      await expect(driver.put(key, Buffer.from('x'), { contentType: 'text/plain' })).rejects.toThrow(/Invalid storage key/);
      await expect(driver.get(key)).rejects.toThrow(/Invalid storage key/);
    }
  });
});
