import { lookup } from 'node:dns/promises';
import { Agent, buildConnector, type Dispatcher } from 'undici';
import { DomainException } from '@app/common';
import { classifyIp, isIpLiteral } from './ip-address';

export const MAX_IMAGE_BYTES = 10 * 1024 * 1024;

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has (A and AAAA). */
export type HostResolver = (hostname: string) => Promise<ResolvedAddress[]>;

export interface SafeFetcherOptions {
  /** Largest body accepted, in bytes (default 10 MiB). */
  maxBytes?: number;
  /** Whole download budget including redirects, in milliseconds (default 15 s). */
  timeoutMs?: number;
  /** Redirect hops followed, each re-checked (default 3). */
  maxRedirects?: number;
  /** HTTPS ports allowed besides 443 (default none). */
  extraPorts?: number[];
  /** Defaults to the system resolver; injectable so tests can make a name resolve to loopback. */
  resolver?: HostResolver;
  /**
   * TEST ONLY. Exact loopback origins (`http://127.0.0.1:4567`) exempt from the scheme, port and
   * address rules, so a test can serve an image from a loopback listener. MediaModule never sets
   * it, and anything but a loopback IP literal is refused here, so it cannot open a wider hole.
   */
  unsafeTestOnlyTrustedOrigins?: string[];
}

export interface FetchedResource {
  bytes: Buffer;
  /** What the server claimed; callers sniff the bytes rather than trust it. */
  contentType: string | undefined;
  finalUrl: string;
}

/** A URL or an address refused by policy: always a 400 and never a connection. */
export class UrlRefusedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'UrlRefusedError';
  }
}

class TooLargeError extends Error {}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * Downloads customer-supplied URLs without letting them reach anything but the public internet.
 * Every URL (and every redirect hop) is checked statically, and every connection is vetted again
 * at connect time by our own connector: it resolves the name once, refuses the connection unless
 * every address is public unicast, and connects to the vetted address itself — so a DNS answer
 * that changes between check and connect (rebinding) has nothing to slip through.
 */
export class SafeFetcher {
  private readonly maxBytes: number;
  private readonly timeoutMs: number;
  private readonly maxRedirects: number;
  private readonly ports: Set<number>;
  private readonly resolver: HostResolver;
  private readonly trustedOrigins: Set<string>;
  private readonly dispatcher: Agent;

  constructor(options: SafeFetcherOptions = {}) {
    this.maxBytes = options.maxBytes ?? MAX_IMAGE_BYTES;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxRedirects = options.maxRedirects ?? 3;
    this.ports = new Set([443, ...(options.extraPorts ?? [])]);
    this.resolver = options.resolver ?? ((hostname) => lookup(hostname, { all: true, order: 'verbatim' }));
    this.trustedOrigins = new Set((options.unsafeTestOnlyTrustedOrigins ?? []).map(loopbackOrigin));
    const base = buildConnector({ timeout: Math.min(this.timeoutMs, 10_000) });
    this.dispatcher = new Agent({
      connect: (opts, callback) => {
        this.vetConnection(opts).then(
          (address) => base({ ...opts, hostname: address }, callback),
          (error: Error) => callback(error, null),
        );
      },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      keepAliveTimeout: 4_000,
      connections: 8,
    });
  }

  /**
   * Downloads `rawUrl`. Throws `DomainException('invalid_request')` naming `field` for refused or
   * failed URLs and `payload_too_large` past the size cap.
   */
  async fetch(rawUrl: string, field = 'imageUrl'): Promise<FetchedResource> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      let url = this.checkUrl(rawUrl);
      for (let hop = 0; ; hop += 1) {
        const response = await this.dispatcher.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: 'GET',
          headers: { accept: 'image/png, image/jpeg, image/webp', 'user-agent': 'credit-gateway-media/1' },
          signal,
        });
        if (REDIRECT_STATUSES.has(response.statusCode)) {
          await response.body.dump();
          const location = header(response, 'location');
          if (location === undefined) {
            throw new FetchFailure(`answered HTTP ${response.statusCode} without a Location`);
          }
          if (hop >= this.maxRedirects) {
            throw new UrlRefusedError(`redirected more than ${this.maxRedirects} times`);
          }
          try {
            url = this.checkUrl(new URL(location, url).toString());
          } catch (error) {
            throw error instanceof UrlRefusedError ? new UrlRefusedError(`redirects to a refused URL: ${error.reason}`) : error;
          }
          continue;
        }
        if (response.statusCode !== 200) {
          await response.body.dump();
          throw new FetchFailure(`answered HTTP ${response.statusCode}`);
        }
        const bytes = await this.readCapped(response);
        return { bytes, contentType: header(response, 'content-type'), finalUrl: url.toString() };
      }
    } catch (error) {
      throw this.toDomain(error, field, signal);
    }
  }

  /** Static checks on a URL before anything touches the network; throws UrlRefusedError. */
  checkUrl(rawUrl: string): URL {
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      throw new UrlRefusedError('is not a valid absolute URL');
    }
    if (this.trustedOrigins.has(url.origin)) {
      return url;
    }
    if (url.protocol !== 'https:') {
      throw new UrlRefusedError('must use https');
    }
    if (url.username !== '' || url.password !== '') {
      throw new UrlRefusedError('must not contain credentials');
    }
    // WHATWG parsing has already normalised decimal, hex, octal and short IPv4 forms to dotted quads.
    const port = url.port === '' ? 443 : Number(url.port);
    if (!this.ports.has(port)) {
      throw new UrlRefusedError(`port ${port} is not allowed`);
    }
    const host = url.hostname.replace(/\.$/, '').toLowerCase();
    if (isIpLiteral(host)) {
      const verdict = classifyIp(host);
      if (!verdict.public) {
        throw new UrlRefusedError(`points to a ${verdict.reason} address`);
      }
    } else if (host === 'localhost' || host.endsWith('.localhost') || !host.includes('.')) {
      throw new UrlRefusedError('must name a public host');
    }
    return url;
  }

  close(): Promise<void> {
    return this.dispatcher.close();
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  /** Runs for every new connection; resolves to the one vetted address to connect to. */
  private async vetConnection(opts: { hostname: string; protocol: string; port: string }): Promise<string> {
    const origin = `${opts.protocol}//${opts.hostname.includes(':') ? `[${opts.hostname}]` : opts.hostname}${opts.port ? `:${opts.port}` : ''}`;
    if (this.trustedOrigins.has(origin)) {
      return opts.hostname;
    }
    if (opts.protocol !== 'https:') {
      throw new UrlRefusedError('must use https');
    }
    const port = opts.port === '' ? 443 : Number(opts.port);
    if (!this.ports.has(port)) {
      throw new UrlRefusedError(`port ${port} is not allowed`);
    }
    if (isIpLiteral(opts.hostname)) {
      const verdict = classifyIp(opts.hostname);
      if (!verdict.public) {
        throw new UrlRefusedError(`points to a ${verdict.reason} address`);
      }
      return opts.hostname;
    }
    let addresses: ResolvedAddress[];
    try {
      addresses = await this.resolver(opts.hostname);
    } catch {
      throw new FetchFailure('host name does not resolve');
    }
    if (addresses.length === 0) {
      throw new FetchFailure('host name does not resolve');
    }
    // Every address must be public: a name that mixes public and private answers is refused whole.
    for (const { address } of addresses) {
      const verdict = classifyIp(address);
      if (!verdict.public) {
        throw new UrlRefusedError(`resolves to a ${verdict.reason} address`);
      }
    }
    return addresses[0].address;
  }

  private async readCapped(response: Dispatcher.ResponseData): Promise<Buffer> {
    const declared = header(response, 'content-length');
    if (declared !== undefined && Number(declared) > this.maxBytes) {
      response.body.destroy();
      throw new TooLargeError();
    }
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of response.body) {
      const buffer = chunk as Buffer;
      total += buffer.length;
      if (total > this.maxBytes) {
        response.body.destroy();
        throw new TooLargeError();
      }
      chunks.push(buffer);
    }
    return Buffer.concat(chunks, total);
  }

  private toDomain(error: unknown, field: string, signal: AbortSignal): DomainException {
    if (error instanceof DomainException) {
      return error;
    }
    if (error instanceof TooLargeError) {
      return new DomainException('payload_too_large', `${field} is larger than ${this.maxBytes} bytes`, [
        { field, message: `must be at most ${this.maxBytes} bytes` },
      ]);
    }
    let message: string;
    if (error instanceof UrlRefusedError) {
      message = `refused: ${error.reason}`;
    } else if (error instanceof FetchFailure) {
      message = `could not be downloaded: ${error.message}`;
    } else if (signal.aborted) {
      message = `could not be downloaded within ${Math.round(this.timeoutMs / 1000)} s`;
    } else {
      // Network errors: say what kind without echoing internals.
      const code = typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : 'network error';
      message = `could not be downloaded (${code})`;
    }
    return new DomainException('invalid_request', `Invalid ${field}: ${message}`, [{ field, message }]);
  }
}

class FetchFailure extends Error {}

function loopbackOrigin(raw: string): string {
  const url = new URL(raw);
  if (!['127.0.0.1', '[::1]'].includes(url.hostname)) {
    throw new Error(`unsafeTestOnlyTrustedOrigins accepts loopback IP origins only (got ${url.origin})`);
  }
  return url.origin;
}

function header(response: Dispatcher.ResponseData, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
