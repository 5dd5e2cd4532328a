import type { Readable } from 'node:stream';
import type { HealthSignal } from '../account-pool.service';
import type { ProviderFailure } from '../provider.port';
import type { UpstreamJsonResponse } from '../upstream-http';

/** What an APIYI answer means for the job and for the account that made the call. */
export type ApiyiVerdict =
  | { kind: 'ok' }
  | { kind: 'account'; signal: HealthSignal; retryAfterMs?: number }
  | { kind: 'failed'; failure: ProviderFailure }
  | { kind: 'transient'; signal: HealthSignal; reason: string; retryAfterMs?: number };

const MODERATION = /sensitive|moderation|content_policy|safety|privacy/i;
const QUOTA = /quota|balance|insufficient|余额/i;

export const MODERATION_FAILURE: ProviderFailure = {
  code: 'moderation_rejected',
  message: 'The input or output was rejected by the provider’s content moderation (for real faces, use an asset). Its credits were released.',
};

export function errorOf(json: unknown): { code: string; message: string } {
  const e = (json as { error?: { code?: unknown; message?: unknown }; message?: unknown } | undefined) ?? {};
  const code = typeof e.error?.code === 'string' ? e.error.code : '';
  const message = typeof e.error?.message === 'string' ? e.error.message : typeof e.message === 'string' ? e.message : '';
  return { code, message };
}

/**
 * Classifies a non-2xx APIYI answer. Auth → the account is invalid; quota → exhausted; 429 →
 * cooldown; 5xx → counts toward the breaker; 4xx about the content → the job fails (refunded).
 * Details keep the upstream code only (messages can echo request content).
 */
export function classifyApiyi(res: UpstreamJsonResponse): ApiyiVerdict {
  const { code, message } = errorOf(res.json);
  const detail = `HTTP ${res.status}${code ? ` ${code}` : ''}`;
  if (res.status === 401 || /invalid_api_key|unauthori[sz]ed|invalid token/i.test(code)) {
    return { kind: 'account', signal: { kind: 'auth', detail } };
  }
  if (res.status === 402 || (res.status === 403 && QUOTA.test(`${code} ${message}`))) {
    return { kind: 'account', signal: { kind: 'balance', detail } };
  }
  if (res.status === 403) {
    return { kind: 'account', signal: { kind: 'auth', detail } };
  }
  if (res.status === 429) {
    const retryAfterMs = retryAfter(res.headers['retry-after']);
    return { kind: 'account', signal: { kind: 'rate_limited', detail, retryAfterMs }, retryAfterMs };
  }
  if (res.status >= 500) {
    return { kind: 'transient', signal: { kind: 'server_error', detail }, reason: detail };
  }
  if (MODERATION.test(code) || MODERATION.test(message)) {
    return { kind: 'failed', failure: MODERATION_FAILURE };
  }
  return { kind: 'failed', failure: { code: 'generation_failed', message: 'The provider refused this request; its credits were released.' } };
}

function retryAfter(value: string | string[] | undefined): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined) {
    return undefined;
  }
  const seconds = Number(v);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(600_000, seconds * 1000) : undefined;
}

export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body as AsyncIterable<Buffer>) {
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}
