import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Volcengine OpenAPI signature V4 (HMAC-SHA256), see /shared/UPSTREAMS.md. */

export const VOLC_ALGORITHM = 'HMAC-SHA256';

export interface SignRequestInput {
  method: string;
  url: string | URL;
  /** Extra headers to send (and sign when listed in `signedHeaders`). */
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  accessKeyId: string;
  /** The raw secret, used as UTF-8 bytes: never base64-decoded, never prefixed. */
  secretAccessKey: string;
  region: string;
  service: string;
  date?: Date;
  /**
   * Header names to sign. Default: `host`, `x-date`, `x-content-sha256`, plus `content-type`
   * when one is given.
   */
  signedHeaders?: readonly string[];
}

export interface SignedRequest {
  /** `headers` plus `X-Date`, `X-Content-Sha256` and `Authorization`; `Host` is left to the client. */
  headers: Record<string, string>;
  authorization: string;
  signature: string;
  bodySha256: string;
  canonicalRequest: string;
  stringToSign: string;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

/** `YYYYMMDDTHHMMSSZ` in UTC. */
export function formatXDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** RFC 3986 unreserved characters stay; everything else is %XX (so a space is %20, never +). */
export function rfc3986Encode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Keys sorted (then values), each pair RFC 3986 encoded from its decoded form. */
export function canonicalQuery(params: URLSearchParams | Iterable<[string, string]>): string {
  const pairs = [...params].map(([k, v]) => [rfc3986Encode(k), rfc3986Encode(v)] as const);
  pairs.sort(([ka, va], [kb, vb]) => (ka < kb ? -1 : ka > kb ? 1 : va < vb ? -1 : va > vb ? 1 : 0));
  return pairs.map(([k, v]) => `${k}=${v}`).join('&');
}

/** The host as signed: lower case, a default port (`:80`, `:443`) dropped whatever the scheme. */
export function canonicalHost(host: string): string {
  return host.trim().toLowerCase().replace(/:(80|443)$/, '');
}

function canonicalPath(pathname: string): string {
  return pathname === '' ? '/' : pathname;
}

export function credentialScope(shortDate: string, region: string, service: string): string {
  return `${shortDate}/${region}/${service}/request`;
}

export function signingKey(secretAccessKey: string, shortDate: string, region: string, service: string): Buffer {
  const kDate = hmac(secretAccessKey, shortDate);
  const kRegion = hmac(kDate, region);
  const kService = hmac(kRegion, service);
  return hmac(kService, 'request');
}

interface CanonicalParts {
  method: string;
  path: string;
  query: string;
  /** Lower-case name → value, for every signed header. */
  headers: Map<string, string>;
  signedHeaders: string[];
  bodySha256: string;
}

function buildCanonicalRequest(p: CanonicalParts): string {
  const headerBlock = p.signedHeaders.map((name) => `${name}:${(p.headers.get(name) ?? '').trim()}\n`).join('');
  return [p.method.toUpperCase(), p.path, p.query, headerBlock, p.signedHeaders.join(';'), p.bodySha256].join('\n');
}

function computeSignature(
  canonicalRequest: string,
  xDate: string,
  secretAccessKey: string,
  region: string,
  service: string,
): { signature: string; scope: string; stringToSign: string } {
  const shortDate = xDate.slice(0, 8);
  const scope = credentialScope(shortDate, region, service);
  const stringToSign = [VOLC_ALGORITHM, xDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(secretAccessKey, shortDate, region, service)).update(stringToSign, 'utf8').digest('hex');
  return { signature, scope, stringToSign };
}

function normaliseSignedHeaders(names: readonly string[]): string[] {
  return [...new Set(names.map((n) => n.trim().toLowerCase()).filter((n) => n !== ''))].sort();
}

export function signRequest(input: SignRequestInput): SignedRequest {
  const url = typeof input.url === 'string' ? new URL(input.url) : input.url;
  const body = input.body ?? '';
  const bodySha256 = sha256Hex(body);
  const xDate = formatXDate(input.date ?? new Date());
  const given = input.headers ?? {};

  const lower = new Map<string, string>();
  for (const [k, v] of Object.entries(given)) {
    lower.set(k.toLowerCase(), v);
  }
  // The host signed is the host sent: the URL's (a caller-supplied Host header must agree).
  lower.set('host', canonicalHost(lower.get('host') ?? url.host));
  lower.set('x-date', xDate);
  lower.set('x-content-sha256', bodySha256);

  const defaults = ['host', 'x-date', 'x-content-sha256', ...(lower.has('content-type') ? ['content-type'] : [])];
  const signedHeaders = normaliseSignedHeaders(input.signedHeaders ?? defaults);
  for (const name of signedHeaders) {
    if (!lower.has(name)) {
      throw new Error(`cannot sign header "${name}": it is not being sent`);
    }
  }

  const canonicalRequest = buildCanonicalRequest({
    method: input.method,
    path: canonicalPath(url.pathname),
    query: canonicalQuery(url.searchParams),
    headers: lower,
    signedHeaders,
    bodySha256,
  });
  const { signature, scope, stringToSign } = computeSignature(canonicalRequest, xDate, input.secretAccessKey, input.region, input.service);
  const authorization = `${VOLC_ALGORITHM} Credential=${input.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;

  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(given)) {
    if (!['x-date', 'x-content-sha256', 'authorization'].includes(k.toLowerCase())) {
      headers[k] = v;
    }
  }
  headers['X-Date'] = xDate;
  headers['X-Content-Sha256'] = bodySha256;
  headers.Authorization = authorization;
  return { headers, authorization, signature, bodySha256, canonicalRequest, stringToSign };
}

export type VerifyFailureCode = 'MissingAuthenticationToken' | 'InvalidAuthorization' | 'InvalidAccessKey' | 'InvalidTimestamp' | 'SignatureDoesNotMatch';

export type VerifyResult =
  | { ok: true; accessKeyId: string; region: string; service: string; signedHeaders: string[] }
  | { ok: false; code: VerifyFailureCode; message: string; accessKeyId?: string; region?: string; service?: string };

export interface VerifyRequestInput {
  method: string;
  /** Path and query as received (`/?Action=…`), or a full URL. */
  url: string;
  /** Received headers; names in any case, Node's `string | string[]` values accepted. */
  headers: Record<string, string | string[] | undefined>;
  body: string | Uint8Array;
  /** Returns the raw secret for an access key, or undefined when unknown. */
  secretFor: (accessKeyId: string) => string | undefined;
  now?: Date;
  /** Largest accepted distance between X-Date and now; default 15 minutes. Infinity disables. */
  maxSkewMs?: number;
}

const AUTH_RE = /^HMAC-SHA256 Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/request, ?SignedHeaders=([a-z0-9;_.-]+), ?Signature=([0-9a-f]{64})$/;
const XDATE_RE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Server side of the scheme (used by provider-sim): recomputes the signature from what was received. */
export function verifyRequest(input: VerifyRequestInput): VerifyResult {
  const headers = new Map<string, string>();
  for (const [k, v] of Object.entries(input.headers)) {
    if (v !== undefined) {
      headers.set(k.toLowerCase(), Array.isArray(v) ? v.join(',') : v);
    }
  }
  const auth = headers.get('authorization');
  if (auth === undefined || auth === '') {
    return { ok: false, code: 'MissingAuthenticationToken', message: 'Request is missing the Authorization header.' };
  }
  const m = AUTH_RE.exec(auth.trim());
  if (!m) {
    return { ok: false, code: 'InvalidAuthorization', message: 'The Authorization header is malformed.' };
  }
  const [, accessKeyId, shortDate, region, service, signedList, givenSignature] = m;
  const base = { accessKeyId, region, service };
  const xDate = headers.get('x-date') ?? '';
  const d = XDATE_RE.exec(xDate);
  if (!d || xDate.slice(0, 8) !== shortDate) {
    return { ok: false, code: 'InvalidTimestamp', message: 'X-Date is missing, malformed, or disagrees with the credential scope.', ...base };
  }
  const maxSkew = input.maxSkewMs ?? 15 * 60_000;
  const signedAt = Date.UTC(+d[1], +d[2] - 1, +d[3], +d[4], +d[5], +d[6]);
  if (Number.isFinite(maxSkew) && Math.abs((input.now ?? new Date()).getTime() - signedAt) > maxSkew) {
    return { ok: false, code: 'InvalidTimestamp', message: 'X-Date is too far from the server time.', ...base };
  }
  const secret = input.secretFor(accessKeyId);
  if (secret === undefined) {
    return { ok: false, code: 'InvalidAccessKey', message: 'The access key does not exist.', ...base };
  }
  const signedHeaders = signedList.split(';');
  if (!signedHeaders.includes('host') || signedHeaders.some((n) => !headers.has(n))) {
    return { ok: false, code: 'InvalidAuthorization', message: 'SignedHeaders must include host and only headers that were sent.', ...base };
  }
  const bodySha256 = sha256Hex(input.body);
  const claimedHash = headers.get('x-content-sha256');
  if (claimedHash !== undefined && claimedHash.toLowerCase() !== bodySha256) {
    return { ok: false, code: 'SignatureDoesNotMatch', message: 'X-Content-Sha256 does not match the body.', ...base };
  }
  headers.set('host', canonicalHost(headers.get('host') ?? ''));
  const url = new URL(input.url, 'http://placeholder');
  const canonicalRequest = buildCanonicalRequest({
    method: input.method,
    path: canonicalPath(url.pathname),
    query: canonicalQuery(url.searchParams),
    headers,
    signedHeaders,
    bodySha256,
  });
  const { signature } = computeSignature(canonicalRequest, xDate, secret, region, service);
  const a = Buffer.from(signature, 'hex');
  const b = Buffer.from(givenSignature, 'hex');
  if (a.length !== b.length || !timingSafeEqual(a, b)) {
    return { ok: false, code: 'SignatureDoesNotMatch', message: 'The request signature we calculated does not match the signature you provided.', ...base };
  }
  return { ok: true, accessKeyId, region, service, signedHeaders };
}
