import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { assertValidStorageKey } from './storage-key';
import type { ByteRange, ObjectBody, ObjectInfo, PutOptions, StorageDriver } from './storage.driver';

interface Sidecar {
  contentType: string;
  size: number;
  etag: string;
}

/**
 * Objects on local disk: bytes under `<root>/data/<key>`, content type and ETag in a JSON sidecar
 * under `<root>/meta/<key>.json` (separate trees, so no key can collide with a sidecar). Writes go
 * to a temporary file in the same directory and are renamed into place, so a reader sees the old
 * object or the new one, never half of one.
 */
export class LocalStorageDriver implements StorageDriver {
  readonly name = 'local' as const;

  private readonly dirs = new Set<string>();

  constructor(private readonly root: string) {}

  async put(key: string, body: Readable | Buffer, options: PutOptions): Promise<ObjectInfo> {
    assertValidStorageKey(key);
    const dataPath = this.dataPath(key);
    const metaPath = this.metaPath(key);
    await Promise.all([this.ensureDir(dirname(dataPath)), this.ensureDir(dirname(metaPath))]);
    const suffix = `${randomBytes(8).toString('hex')}.tmp`;
    const dataTmp = join(dirname(dataPath), `.${basename(dataPath)}.${suffix}`);
    const metaTmp = join(dirname(metaPath), `.${basename(metaPath)}.${suffix}`);
    const hash = createHash('sha256');
    let size = 0;
    let lastModified: Date;
    let done = false;
    try {
      if (Buffer.isBuffer(body)) {
        // Bytes in hand (images): write, fsync and close on one descriptor.
        hash.update(body);
        size = body.length;
        if (options.contentLength !== undefined && options.contentLength !== size) {
          throw new Error(`Storage put ${key}: expected ${options.contentLength} bytes, got ${size}`);
        }
        const handle = await open(dataTmp, 'wx', 0o640);
        try {
          await handle.writeFile(body);
          await handle.sync();
          lastModified = (await handle.stat()).mtime;
        } finally {
          await handle.close();
        }
      } else {
        const tap = new Transform({
          transform(chunk: Buffer, _encoding, callback) {
            hash.update(chunk);
            size += chunk.length;
            callback(null, chunk);
          },
        });
        await pipeline(body, tap, createWriteStream(dataTmp, { flags: 'wx', mode: 0o640 }));
        if (options.contentLength !== undefined && options.contentLength !== size) {
          throw new Error(`Storage put ${key}: expected ${options.contentLength} bytes, got ${size}`);
        }
        await fsync(dataTmp);
        lastModified = (await stat(dataTmp)).mtime;
      }
      const sidecar: Sidecar = { contentType: options.contentType, size, etag: `"${hash.digest('hex').slice(0, 32)}"` };
      await writeFile(metaTmp, JSON.stringify(sidecar), { flag: 'wx', mode: 0o640 });
      await rename(metaTmp, metaPath);
      await rename(dataTmp, dataPath);
      done = true;
      return { size, contentType: sidecar.contentType, etag: sidecar.etag, lastModified };
    } finally {
      if (!done) {
        await Promise.all([rm(dataTmp, { force: true }), rm(metaTmp, { force: true })]);
      }
    }
  }

  /** Directories are created once per process (keys share a few prefixes). */
  private async ensureDir(dir: string): Promise<void> {
    if (!this.dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.dirs.add(dir);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    assertValidStorageKey(key);
    const sidecar = await this.readSidecar(key);
    if (sidecar === null) {
      return null;
    }
    try {
      const stats = await stat(this.dataPath(key));
      return { size: stats.size, contentType: sidecar.contentType, etag: sidecar.etag, lastModified: stats.mtime };
    } catch (error) {
      if (isNotFound(error)) {
        return null;
      }
      throw error;
    }
  }

  async get(key: string, range?: ByteRange): Promise<ObjectBody | null> {
    assertValidStorageKey(key);
    const sidecar = await this.readSidecar(key);
    if (sidecar === null) {
      return null;
    }
    let handle;
    try {
      handle = await open(this.dataPath(key), 'r');
    } catch (error) {
      if (isNotFound(error)) {
        return null;
      }
      throw error;
    }
    // Size from the open descriptor: it is the file this stream will read, even if a put replaces it.
    const stats = await handle.stat();
    const stream = handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    return { stream, range, size: stats.size, contentType: sidecar.contentType, etag: sidecar.etag, lastModified: stats.mtime };
  }

  async delete(key: string): Promise<void> {
    assertValidStorageKey(key);
    await rm(this.dataPath(key), { force: true });
    await rm(this.metaPath(key), { force: true });
  }

  private dataPath(key: string): string {
    return join(this.root, 'data', ...key.split('/'));
  }

  private metaPath(key: string): string {
    return `${join(this.root, 'meta', ...key.split('/'))}.json`;
  }

  private async readSidecar(key: string): Promise<Sidecar | null> {
    try {
      return JSON.parse(await readFile(this.metaPath(key), 'utf8')) as Sidecar;
    } catch (error) {
      if (isNotFound(error)) {
        return null;
      }
      throw error;
    }
  }
}

async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isNotFound(error: unknown): boolean {
  return (error as { code?: string }).code === 'ENOENT' || (error as { code?: string }).code === 'ENOTDIR';
}
