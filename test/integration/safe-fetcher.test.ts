import { readFileSync } from 'node:fs';
import { type Server as HttpServer, createServer as createHttpServer } from 'node:http';
import { type Server, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainException } from '@app/common';
import { MAX_IMAGE_BYTES, type ResolvedAddress, SafeFetcher, decodeReferenceImage } from '@app/media';

// Only loopback listeners: nothing in this file may send traffic anywhere else.
const PNG = readFileSync(join(__dirname, '../fixtures/images/photo.png'));

interface Counter {
  server: Server;
  port: number;
  connections: number;
}

async function countingListener(host: string): Promise<Counter | undefined> {
  const counter: Counter = { server: createServer(), port: 0, connections: 0 };
  counter.server.on('connection', (socket) => {
    counter.connections += 1;
    socket.destroy();
  });
  try {
    await new Promise<void>((resolve, reject) => {
      counter.server.once('error', reject);
      counter.server.listen(0, host, () => resolve());
    });
  } catch {
    return undefined; // e.g. no IPv6 loopback in this sandbox
  }
  counter.port = (counter.server.address() as { port: number }).port;
  return counter;
}

let v4: Counter;
let v6: Counter | undefined;
let origin: HttpServer;
let originUrl: string;
let originConnections = 0;
const resolverCalls: string[] = [];

function resolver(hostname: string): Promise<ResolvedAddress[]> {
  resolverCalls.push(hostname);
  const table: Record<string, ResolvedAddress[]> = {
    'rebind.example.test': [{ address: '127.0.0.1', family: 4 }],
    // A public answer next to a loopback one: the whole name is refused, the public address untouched.
    'mixed.example.test': [
      { address: '93.184.216.34', family: 4 },
      { address: '127.0.0.1', family: 4 },
    ],
    'v6.example.test': [{ address: '::1', family: 6 }],
    'mapped.example.test': [{ address: '::ffff:127.0.0.1', family: 6 }],
  };
  const answer = table[hostname];
  return answer ? Promise.resolve(answer) : Promise.reject(Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' }));
}

let strict: SafeFetcher;
let testing: SafeFetcher;
let roomy: SafeFetcher;

beforeAll(async () => {
  v4 = (await countingListener('127.0.0.1'))!;
  v6 = await countingListener('::1');
  origin = createHttpServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://origin');
    if (url.pathname === '/photo.png') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': PNG.length }).end(PNG);
    } else if (url.pathname === '/redirect') {
      res.writeHead(302, { location: url.searchParams.get('to') ?? '/' }).end();
    } else if (url.pathname.startsWith('/chain/')) {
      const left = Number(url.pathname.slice('/chain/'.length));
      res.writeHead(302, { location: left > 1 ? `/chain/${left - 1}` : '/photo.png' }).end();
    } else if (url.pathname === '/big-declared') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': MAX_IMAGE_BYTES + 1 });
      res.write(PNG); // then stall: the fetcher must give up on the header alone
    } else if (url.pathname === '/big-chunked') {
      res.writeHead(200, { 'content-type': 'image/png' });
      const chunk = Buffer.alloc(1024 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 12 && res.write(chunk)) {
          sent += 1;
        }
        if (sent >= 12) {
          res.end();
        } else {
          res.once('drain', pump);
        }
      };
      pump();
    } else if (url.pathname === '/text') {
      res.writeHead(200, { 'content-type': 'image/png' }).end('<html>not an image</html>');
    } else if (url.pathname === '/stall') {
      // never answers
    } else {
      res.writeHead(404).end('nope');
    }
  });
  origin.on('connection', () => {
    originConnections += 1;
  });
  await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
  originUrl = `http://127.0.0.1:${(origin.address() as { port: number }).port}`;
  const ports = [v4.port, ...(v6 ? [v6.port] : [])];
  strict = new SafeFetcher({ extraPorts: ports, resolver });
  testing = new SafeFetcher({ extraPorts: ports, resolver, unsafeTestOnlyTrustedOrigins: [originUrl], timeoutMs: 1_000 });
  // A roomy time limit, so that on a loaded machine the size limit is what trips.
  roomy = new SafeFetcher({ extraPorts: ports, resolver, unsafeTestOnlyTrustedOrigins: [originUrl], timeoutMs: 30_000 });
});

afterAll(async () => {
  await strict.close();
  await testing.close();
  origin.closeAllConnections();
  await new Promise((resolve) => origin.close(resolve));
  await new Promise((resolve) => v4.server.close(resolve));
  if (v6) {
    await new Promise((resolve) => v6!.server.close(resolve));
  }
});

async function refusal(fetcher: SafeFetcher, url: string): Promise<DomainException> {
  try {
    await fetcher.fetch(url, 'referenceImage.imageUrl');
  } catch (error) {
    if (error instanceof DomainException) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected ${url} to be refused`);
}

describe('SafeFetcher refuses without opening a connection', () => {
  const blocked = (): Array<[string, string]> => {
    const p = v4.port;
    const rows: Array<[string, string]> = [
      [`https://127.0.0.1:${p}/a.png`, 'loopback'],
      [`https://localhost:${p}/a.png`, 'public host'],
      [`https://LOCALHOST.:${p}/a.png`, 'public host'],
      [`https://2130706433:${p}/a.png`, 'loopback'],
      [`https://0x7f.0.0.1:${p}/a.png`, 'loopback'],
      [`https://0x7f000001:${p}/a.png`, 'loopback'],
      [`https://0177.0.0.1:${p}/a.png`, 'loopback'],
      [`https://127.1:${p}/a.png`, 'loopback'],
      [`https://0.0.0.0:${p}/a.png`, 'unspecified'],
      [`https://0:${p}/a.png`, 'unspecified'],
      [`https://[::ffff:127.0.0.1]:${p}/a.png`, 'IPv4-mapped'],
      [`https://[::ffff:7f00:1]:${p}/a.png`, 'IPv4-mapped'],
      [`https://[::]:${p}/a.png`, 'unspecified'],
      [`https://[64:ff9b::7f00:1]:${p}/a.png`, 'NAT64'],
      [`https://[2002:7f00:1::1]:${p}/a.png`, '6to4'],
      [`https://rebind.example.test:${p}/a.png`, 'resolves to a loopback'],
      [`https://mixed.example.test:${p}/a.png`, 'resolves to a loopback'],
      [`https://mapped.example.test:${p}/a.png`, 'resolves to a IPv4-mapped'],
      [`http://127.0.0.1:${p}/a.png`, 'https'],
      [`http://rebind.example.test:${p}/a.png`, 'https'],
      [`https://user:secret@rebind.example.test:${p}/a.png`, 'credentials'],
      [`https://rebind.example.test/a.png`, 'resolves to a loopback'],
      [`ftp://127.0.0.1:${p}/a.png`, 'https'],
      ['not a url', 'valid absolute URL'],
      [`${originUrl.replace('http:', 'https:')}/photo.png`, 'port'],
      [`https://[::1]:${p}/a.png`, 'loopback'],
    ];
    if (v6) {
      rows.push([`https://[::1]:${v6.port}/a.png`, 'loopback'], [`https://v6.example.test:${v6.port}/a.png`, 'resolves to a loopback']);
    }
    return rows;
  };

  it('refuses every blocked form with 400 invalid_request naming the field', async () => {
    for (const [url, reason] of blocked()) {
      const error = await refusal(strict, url);
      expect(error.code, url).toBe('invalid_request');
      expect(error.details?.[0].field).toBe('referenceImage.imageUrl');
      expect(error.details?.[0].message, url).toContain(reason);
    }
    expect(v4.connections).toBe(0);
    expect(v6?.connections ?? 0).toBe(0);
  });

  it('refuses redirects to blocked targets from an allowed origin, re-checking every hop', async () => {
    const p = v4.port;
    const targets = [`https://127.0.0.1:${p}/a.png`, `http://localhost:${p}/a.png`, `https://2130706433:${p}/`, `https://rebind.example.test:${p}/a.png`, `https://[::ffff:127.0.0.1]:${p}/`];
    if (v6) {
      targets.push(`https://[::1]:${v6.port}/`);
    }
    for (const target of targets) {
      const error = await refusal(testing, `${originUrl}/redirect?to=${encodeURIComponent(target)}`);
      expect(error.code, target).toBe('invalid_request');
      expect(error.details?.[0].message, target).toMatch(/refused/);
    }
    expect(v4.connections).toBe(0);
    expect(v6?.connections ?? 0).toBe(0);
  });

  it('decides a name at connect time: the resolver is consulted by the connector, once per connection', async () => {
    resolverCalls.length = 0;
    const error = await refusal(strict, `https://rebind.example.test:${v4.port}/a.png`);
    // The URL passed every static check; only the connector's resolution refused it.
    expect(() => strict.checkUrl(`https://rebind.example.test:${v4.port}/a.png`)).not.toThrow();
    expect(error.details?.[0].message).toBe('refused: resolves to a loopback address');
    expect(resolverCalls).toEqual(['rebind.example.test']);
    expect(v4.connections).toBe(0);
  });

  it('the test-only seam accepts loopback IP origins and nothing wider', () => {
    for (const origin of ['http://localhost:80', 'http://10.0.0.1', 'https://example.com']) {
      expect(() => new SafeFetcher({ unsafeTestOnlyTrustedOrigins: [origin] })).toThrow(/loopback IP origins only/);
    }
  });

  it('the production policy trusts no loopback origin', async () => {
    const before = originConnections;
    const production = new SafeFetcher();
    try {
      const error = await refusal(production, `${originUrl}/photo.png`);
      expect(error.details?.[0].message).toBe('refused: must use https');
      expect((await refusal(production, `${originUrl.replace('http:', 'https:')}/photo.png`)).details?.[0].message).toContain('port');
    } finally {
      await production.close();
    }
    expect(originConnections).toBe(before);
  });
});

describe('the connection counters are live (control)', () => {
  it('count a connection when a policy does let one through', async () => {
    // Proves the zero counts above mean "never connected", not "listener could not see it".
    const targets = [`https://127.0.0.1:${v4.port}`, ...(v6 ? [`https://[::1]:${v6.port}`] : [])];
    const open = new SafeFetcher({ unsafeTestOnlyTrustedOrigins: targets, timeoutMs: 2_000 });
    const before = v4.connections + (v6?.connections ?? 0);
    try {
      for (const target of targets) {
        await expect(open.fetch(`${target}/a.png`)).rejects.toBeInstanceOf(DomainException);
      }
    } finally {
      await open.close();
    }
    expect(v4.connections + (v6?.connections ?? 0) - before).toBe(targets.length);
    v4.connections = 0;
    if (v6) {
      v6.connections = 0;
    }
  });
});

describe('SafeFetcher downloads within its limits (test origin on loopback)', () => {
  it('downloads an image and hands validated bytes to decodeReferenceImage', async () => {
    const fetched = await testing.fetch(`${originUrl}/photo.png`);
    expect(fetched.bytes.equals(PNG)).toBe(true);
    expect(fetched.contentType).toBe('image/png');
    const decoded = await decodeReferenceImage({ imageUrl: `${originUrl}/photo.png` }, testing);
    expect(decoded).toMatchObject({ contentType: 'image/png', width: 37, height: 21 });
  });

  it('follows up to 3 redirects and refuses a 4th', async () => {
    const ok = await testing.fetch(`${originUrl}/chain/3`);
    expect(ok.bytes.equals(PNG)).toBe(true);
    expect(ok.finalUrl).toBe(`${originUrl}/photo.png`);
    const error = await refusal(testing, `${originUrl}/chain/4`);
    expect(error.details?.[0].message).toBe('refused: redirected more than 3 times');
  });

  it('answers 413 when the declared or the streamed size passes 10 MiB', async () => {
    for (const path of ['/big-declared', '/big-chunked']) {
      const error = await refusal(roomy, `${originUrl}${path}`);
      expect(error.code, path).toBe('payload_too_large');
      expect(error.status).toBe(413);
    }
  });

  it('gives up on a server that never answers, and on error statuses, with 400', async () => {
    const stalled = await refusal(testing, `${originUrl}/stall`);
    expect(stalled.code).toBe('invalid_request');
    expect(stalled.details?.[0].message).toContain('within');
    const missing = await refusal(testing, `${originUrl}/missing.png`);
    expect(missing.details?.[0].message).toBe('could not be downloaded: answered HTTP 404');
  });

  it('refuses bytes that are not an image after download', async () => {
    await expect(decodeReferenceImage({ imageUrl: `${originUrl}/redirect?to=/text` }, testing)).rejects.toMatchObject({
      code: 'invalid_request',
      details: [{ field: 'referenceImage.imageUrl', message: 'is not a PNG, JPEG or WebP image' }],
    });
  });
});
