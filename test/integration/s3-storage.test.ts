import { createHash, randomBytes } from 'node:crypto';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3StorageDriver } from '@app/storage';

/**
 * A tiny S3-compatible endpoint on loopback speaking the subset of the S3 REST protocol the driver
 * uses (path-style PutObject, multipart upload, HeadObject, ranged GetObject, DeleteObject). It
 * checks that requests are SigV4-signed with the configured access key; it does not recompute the
 * signature (that is the SDK's job, not our driver's).
 */
interface StoredObject {
  body: Buffer;
  contentType: string;
  etag: string;
  modified: Date;
}

const objects = new Map<string, StoredObject>();
const uploads = new Map<string, Map<number, Buffer>>();
const log: string[] = [];
let server: Server;
let endpoint: string;

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const md5 = (b: Buffer) => `"${createHash('md5').update(b).digest('hex')}"`;

beforeAll(async () => {
  server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://s3');
      const [, bucket, ...rest] = url.pathname.split('/');
      const key = decodeURIComponent(rest.join('/'));
      const id = `${bucket}/${key}`;
      const q = url.searchParams;
      const auth = req.headers.authorization ?? '';
      if (!auth.startsWith('AWS4-HMAC-SHA256 Credential=AKIDTESTONLY/') || bucket !== 'results-bucket') {
        res.writeHead(403, { 'content-type': 'application/xml' }).end('<Error><Code>AccessDenied</Code></Error>');
        return;
      }
      const body = await readBody(req);
      const op = `${req.method} ${[...q.keys()].filter((k) => k !== 'x-id').sort().join(',')}`;
      log.push(op);
      if (req.method === 'PUT' && q.has('partNumber')) {
        uploads.get(q.get('uploadId')!)!.set(Number(q.get('partNumber')), body);
        res.writeHead(200, { etag: md5(body) }).end();
      } else if (req.method === 'PUT') {
        objects.set(id, { body, contentType: req.headers['content-type'] ?? 'binary/octet-stream', etag: md5(body), modified: new Date() });
        res.writeHead(200, { etag: md5(body) }).end();
      } else if (req.method === 'POST' && q.has('uploads')) {
        const uploadId = `up${uploads.size + 1}`;
        uploads.set(uploadId, new Map());
        objects.set(`pending:${uploadId}`, { body: Buffer.alloc(0), contentType: req.headers['content-type'] ?? 'binary/octet-stream', etag: '', modified: new Date() });
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`);
      } else if (req.method === 'POST' && q.has('uploadId')) {
        const uploadId = q.get('uploadId')!;
        const numbers = [...body.toString().matchAll(/<PartNumber>(\d+)<\/PartNumber>/g)].map((m) => Number(m[1]));
        const parts = uploads.get(uploadId)!;
        const whole = Buffer.concat(numbers.map((n) => parts.get(n)!));
        const pending = objects.get(`pending:${uploadId}`)!;
        objects.delete(`pending:${uploadId}`);
        objects.set(id, { body: whole, contentType: pending.contentType, etag: `"${numbers.length}parts"`, modified: new Date() });
        uploads.delete(uploadId);
        res.writeHead(200, { 'content-type': 'application/xml' });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>"${numbers.length}parts"</ETag></CompleteMultipartUploadResult>`);
      } else if (req.method === 'DELETE') {
        objects.delete(id);
        res.writeHead(204).end();
      } else if (req.method === 'HEAD' || req.method === 'GET') {
        const object = objects.get(id);
        if (!object) {
          res.writeHead(404, { 'content-type': 'application/xml' }).end(req.method === 'GET' ? '<Error><Code>NoSuchKey</Code><Message>no</Message></Error>' : undefined);
          return;
        }
        const headers: Record<string, string> = {
          'content-type': object.contentType,
          etag: object.etag,
          'last-modified': object.modified.toUTCString(),
          'accept-ranges': 'bytes',
        };
        const range = /^bytes=(\d+)-(\d+)$/.exec(req.headers.range ?? '');
        if (range && req.method === 'GET') {
          const start = Number(range[1]);
          const end = Math.min(Number(range[2]), object.body.length - 1);
          const slice = object.body.subarray(start, end + 1);
          res.writeHead(206, { ...headers, 'content-length': slice.length, 'content-range': `bytes ${start}-${end}/${object.body.length}` }).end(slice);
          return;
        }
        res.writeHead(200, { ...headers, 'content-length': object.body.length });
        res.end(req.method === 'GET' ? object.body : undefined);
      } else {
        res.writeHead(400).end();
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function driver(accessKeyId = 'AKIDTESTONLY') {
  if (!endpoint) {
    throw new Error('the loopback S3 endpoint is not up yet'); // never fall back to real AWS
  }
  return new S3StorageDriver({ bucket: 'results-bucket', region: 'us-east-1', endpoint, accessKeyId, secretAccessKey: 'test-secret-not-real', forcePathStyle: true });
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

describe('S3 storage driver against an S3-protocol endpoint on loopback', () => {
  let s3: S3StorageDriver;
  beforeAll(() => {
    s3 = driver();
  });
  afterAll(() => s3.onModuleDestroy());

  it('puts a small object in one request and reads it back whole and by range', async () => {
    log.length = 0;
    const bytes = randomBytes(50_000);
    const info = await s3.put('results/job_s3/output.png', bytes, { contentType: 'image/png', contentLength: bytes.length });
    expect(info).toMatchObject({ size: 50_000, contentType: 'image/png' });
    expect(log).toContain('PUT ');
    expect(objects.get('results-bucket/results/job_s3/output.png')?.body.equals(bytes)).toBe(true);
    const whole = await s3.get('results/job_s3/output.png');
    expect(whole).toMatchObject({ size: 50_000, contentType: 'image/png' });
    expect((await collect(whole!.stream)).equals(bytes)).toBe(true);
    const part = await s3.get('results/job_s3/output.png', { start: 100, end: 199 });
    expect(part!.size).toBe(50_000);
    expect((await collect(part!.stream)).equals(bytes.subarray(100, 200))).toBe(true);
  });

  it('streams a large body of unknown length through a multipart upload', async () => {
    log.length = 0;
    const hash = createHash('sha256');
    let produced = 0;
    const total = 20 * 1024 * 1024;
    const source = new Readable({
      read() {
        if (produced >= total) {
          this.push(null);
          return;
        }
        const chunk = randomBytes(512 * 1024);
        produced += chunk.length;
        hash.update(chunk);
        this.push(chunk);
      },
    });
    const info = await s3.put('results/job_s3/video.mp4', source, { contentType: 'video/mp4' });
    expect(info.size).toBe(total);
    expect(info.contentType).toBe('video/mp4');
    expect(log.filter((op) => op === 'PUT partNumber,uploadId')).toHaveLength(3);
    expect(log).toContain('POST uploads');
    expect(log).toContain('POST uploadId');
    const stored = createHash('sha256').update(objects.get('results-bucket/results/job_s3/video.mp4')!.body).digest('hex');
    expect(stored).toBe(hash.digest('hex'));
  });

  it('answers null for a missing object and deletes', async () => {
    expect(await s3.head('results/missing.png')).toBeNull();
    expect(await s3.get('results/missing.png')).toBeNull();
    await s3.put('results/job_s3/gone.png', Buffer.from('x'), { contentType: 'image/png' });
    await s3.delete('results/job_s3/gone.png');
    expect(await s3.head('results/job_s3/gone.png')).toBeNull();
  });

  it('surfaces a refused request as an error, not as a missing object', async () => {
    const wrong = driver('AKIDWRONG');
    try {
      await expect(wrong.head('results/job_s3/output.png')).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
    } finally {
      wrong.onModuleDestroy();
    }
  });

  it('refuses a body whose stored length differs from the declared one and removes it', async () => {
    await expect(s3.put('results/job_s3/short.png', Readable.from([Buffer.from('abc')]), { contentType: 'image/png', contentLength: 10 })).rejects.toThrow(
      /expected 10 bytes/,
    );
    expect(objects.has('results-bucket/results/job_s3/short.png')).toBe(false);
  });
});
