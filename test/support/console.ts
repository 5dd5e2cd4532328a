import { totpCode } from '../../libs/auth/src/totp';
import { TEST_OPERATOR_KEY } from './app';
import { call, type HttpResult } from './operator';

/** A browser-like client for the console API: keeps the session cookie and the CSRF token. */
export class ConsoleClient {
  cookie: string | undefined;
  csrf: string | undefined;

  constructor(
    readonly baseUrl: string,
    /** Each test's own client address (X-Forwarded-For; the app trusts the proxy), so per-IP throttling is per test. */
    readonly ip: string,
  ) {}

  async request(method: string, path: string, body?: unknown, options: { csrf?: string | null } = {}): Promise<HttpResult> {
    const headers: Record<string, string> = { 'x-forwarded-for': this.ip };
    if (this.cookie) {
      headers.cookie = `__Host-session=${this.cookie}`;
    }
    const csrf = options.csrf === undefined ? this.csrf : options.csrf;
    if (csrf !== null && csrf !== undefined) {
      headers['x-csrf-token'] = csrf;
    }
    const result = await call(this.baseUrl, method, path, { body, headers });
    const set = sessionCookieFrom(result.headers);
    if (set !== undefined) {
      this.cookie = set.value || undefined;
    }
    if (typeof result.body?.csrfToken === 'string') {
      this.csrf = result.body.csrfToken;
    }
    return result;
  }
}

export function sessionCookieFrom(headers: Headers): { value: string; raw: string } | undefined {
  const raw = headers.getSetCookie().find((c) => c.startsWith('__Host-session='));
  if (raw === undefined) {
    return undefined;
  }
  return { value: raw.slice('__Host-session='.length).split(';')[0], raw };
}

/** Creates an operator with the operator key. */
export async function createOperator(baseUrl: string, email: string, password = 'a long enough password'): Promise<string> {
  const created = await call(baseUrl, 'POST', '/api/operators', { token: TEST_OPERATOR_KEY, body: { email, password } });
  if (created.status !== 201) {
    throw new Error(`operator not created: ${created.text}`);
  }
  return created.body.operator.id as string;
}

/**
 * First login with enrollment, confirmed with the current step's code. Returns the secret; the
 * next acceptable code is that of the following step (`totpCode(secret, Date.now() + 30_000)`).
 */
export async function enroll(client: ConsoleClient, email: string, password = 'a long enough password'): Promise<{ secret: string }> {
  const login = await client.request('POST', '/api/auth/login', { email, password });
  if (login.status !== 200 || login.body.enrollmentRequired !== true) {
    throw new Error(`expected enrollment: ${login.status} ${login.text}`);
  }
  const setup = await client.request('POST', '/api/auth/totp/setup');
  if (setup.status !== 200) {
    throw new Error(`setup failed: ${setup.text}`);
  }
  const secret = setup.body.secret as string;
  const confirm = await client.request('POST', '/api/auth/totp/confirm', { code: totpCode(secret) });
  if (confirm.status !== 200) {
    throw new Error(`confirm failed: ${confirm.text}`);
  }
  return { secret };
}

export const nextCode = (secret: string) => totpCode(secret, Date.now() + 30_000);
