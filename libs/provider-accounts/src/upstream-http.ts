import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Readable } from 'node:stream';
import { Agent, type Dispatcher, errors, request } from 'undici';

export interface UpstreamRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Extra attempts for transient failures; only for calls that are safe to repeat. */
  retries?: number;
}

export interface UpstreamJsonResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: unknown;
}

/** The call failed without an HTTP answer. `sent`: the request may have reached the upstream. */
export class UpstreamNetworkError extends Error {
  constructor(
    message: string,
    readonly sent: boolean,
    readonly timeout: boolean,
  ) {
    super(message);
    this.name = 'UpstreamNetworkError';
  }
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);
const MAX_JSON_BYTES = 64 * 1024 * 1024;

/**
 * All upstream HTTP: one undici Agent (keep-alive pools per origin), a timeout per call, bounded
 * retries with full jitter for transient failures of repeatable calls. Never logs headers.
 */
@Injectable()
export class UpstreamHttp implements OnApplicationShutdown {
  private readonly agent = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, connections: 128, connect: { timeout: 10_000 } });

  async onApplicationShutdown(): Promise<void> {
    await this.agent.close().catch(() => undefined);
  }

  /** A JSON call; 429 and 5xx are answered, not thrown (the caller classifies them). */
  async json(req: UpstreamRequest): Promise<UpstreamJsonResponse> {
    const retries = req.retries ?? 0;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await this.send(req);
        const text = await readText(res.body, MAX_JSON_BYTES);
        let json: unknown;
        try {
          json = text === '' ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        if ((res.statusCode >= 500 || res.statusCode === 429) && attempt < retries && req.method === 'GET') {
          await jitter(attempt, req.signal);
          continue;
        }
        return { status: res.statusCode, headers: res.headers, json };
      } catch (error) {
        if (!isNetworkError(error)) {
          throw error;
        }
        const failure = toNetworkError(error);
        if (attempt < retries && (!failure.sent || req.method === 'GET') && !req.signal?.aborted) {
          await jitter(attempt, req.signal);
          continue;
        }
        throw failure;
      }
    }
  }

  /** A streamed download (provider outputs): the body is handed over unread. */
  async stream(req: UpstreamRequest): Promise<{ status: number; contentType: string; contentLength?: number; body: Readable }> {
    try {
      const res = await this.send(req);
      const length = Number(res.headers['content-length']);
      return {
        status: res.statusCode,
        contentType: String(res.headers['content-type'] ?? 'application/octet-stream').split(';')[0].trim(),
        contentLength: Number.isFinite(length) && length >= 0 ? length : undefined,
        body: res.body,
      };
    } catch (error) {
      throw isNetworkError(error) ? toNetworkError(error) : error;
    }
  }

  private send(req: UpstreamRequest): Promise<Dispatcher.ResponseData> {
    const signal = req.signal ? AbortSignal.any([req.signal, AbortSignal.timeout(req.timeoutMs)]) : AbortSignal.timeout(req.timeoutMs);
    return request(req.url, {
      method: req.method,
      headers: req.headers,
      body: req.body,
      dispatcher: this.agent,
      signal,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
  }
}

/** Transport failures (undici, sockets, timeouts), as opposed to bugs, which propagate as they are. */
function isNetworkError(error: unknown): boolean {
  const e = error as { code?: unknown; name?: unknown };
  return (
    error instanceof UpstreamNetworkError ||
    error instanceof errors.UndiciError ||
    e?.name === 'TimeoutError' ||
    e?.name === 'AbortError' ||
    (typeof e?.code === 'string' && /^(E[A-Z]+|UND_ERR_)/.test(e.code))
  );
}

function toNetworkError(error: unknown): UpstreamNetworkError {
  if (error instanceof UpstreamNetworkError) {
    return error;
  }
  const e = error as { code?: string; name?: string; message?: string };
  const timeout =
    e.name === 'TimeoutError' || e.name === 'AbortError' || error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError || e.code === 'UND_ERR_CONNECT_TIMEOUT';
  const sent = !(e.code !== undefined && NOT_SENT_CODES.has(e.code));
  // The message names the failure kind only: upstream errors can echo request details.
  return new UpstreamNetworkError(`${timeout ? 'timeout' : 'network error'}${e.code ? ` (${e.code})` : ''}`, sent, timeout);
}

async function readText(body: Readable, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw new UpstreamNetworkError('upstream answer too large', true, false);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Full jitter: 0 to 250 ms × 2^attempt, capped at 4 s. */
function jitter(attempt: number, signal?: AbortSignal): Promise<void> {
  const ms = Math.random() * Math.min(4000, 250 * 2 ** attempt);
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(t);
      resolve();
    }, { once: true });
  });
}
