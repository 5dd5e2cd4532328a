import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from 'pg';
import { totpCode } from '../../libs/auth/src/totp';
import { type TestApp, TEST_OPERATOR_KEY, startTestApp } from '../support/app';
import { ConsoleClient, createOperator, enroll, nextCode, sessionCookieFrom } from '../support/console';
import { createTestDatabase } from '../support/database';
import { call } from '../support/operator';

const ADMIN = { email: 'admin@example.test', password: 'correct horse battery staple' };
let ipCounter = 1;
const freshIp = () => `10.0.${Math.floor(ipCounter / 250)}.${(ipCounter++ % 250) + 1}`;

describe('console authentication (API)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: TestApp;
  let second: TestApp;
  let raw: Client;

  beforeAll(async () => {
    db = await createTestDatabase();
    app = await startTestApp(db.url);
    second = await startTestApp(db.url);
    raw = new Client({ connectionString: db.url });
    await raw.connect();
  });
  afterAll(async () => {
    await raw.end();
    await second.close();
    await app.close();
    await db.drop();
  });

  it('the first operator comes from ADMIN_EMAIL/ADMIN_PASSWORD, once, with an argon2id hash', async () => {
    const { rows } = await raw.query<{ email: string; password_hash: string }>(`SELECT email, password_hash FROM operators`);
    expect(rows).toHaveLength(1);
    expect(rows[0].email).toBe(ADMIN.email);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
  });

  it('first login enrolls: password → enrollment-only session → setup → confirm → full session, a new session id at each step', async () => {
    const c = new ConsoleClient(app.url, freshIp());
    const login = await c.request('POST', '/api/auth/login', { email: ADMIN.email.toUpperCase(), password: ADMIN.password });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ ok: true, enrollmentRequired: true, csrfToken: expect.any(String) });
    const enrollmentCookie = c.cookie;
    expect(enrollmentCookie).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The enrollment session reaches nothing but the TOTP routes.
    expect((await c.request('GET', '/api/public/customers')).status).toBe(401);
    expect((await c.request('POST', '/api/public/customers', { name: 'x' })).status).toBe(401);

    // Setup needs the CSRF token too.
    const noCsrf = await c.request('POST', '/api/auth/totp/setup', undefined, { csrf: null });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.body.error.code).toBe('csrf_failed');

    const setup = await c.request('POST', '/api/auth/totp/setup');
    expect(setup.status).toBe(200);
    const secret = setup.body.secret as string;
    expect(secret).toMatch(/^[A-Z2-7]{32}$/); // 32 base32 characters = 160 bits
    expect(setup.body.otpauthUrl).toBe(`otpauth://totp/Credit%20Gateway:admin%40example.test?secret=${secret}&issuer=Credit+Gateway&algorithm=SHA1&digits=6&period=30`);
    // Stored sealed, never in the clear.
    const { rows } = await raw.query<{ totp_secret_sealed: string }>(`SELECT totp_secret_sealed FROM operators WHERE lower(email) = $1`, [ADMIN.email]);
    expect(rows[0].totp_secret_sealed).toMatch(/^v1\./);
    expect(rows[0].totp_secret_sealed).not.toContain(secret);

    const wrong = await c.request('POST', '/api/auth/totp/confirm', { code: totpCode(secret, Date.now() + 10 * 60_000) });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('invalid_credentials');

    const confirm = await c.request('POST', '/api/auth/totp/confirm', { code: totpCode(secret) });
    expect(confirm.status).toBe(200);
    expect(confirm.body).toMatchObject({ ok: true, operator: { email: ADMIN.email, totpEnrolled: true }, csrfToken: expect.any(String) });
    expect(c.cookie).toBeDefined();
    expect(c.cookie).not.toBe(enrollmentCookie);

    expect((await c.request('GET', '/api/public/customers')).status).toBe(200);
    const session = await c.request('GET', '/api/auth/session');
    expect(session.body).toMatchObject({ ok: true, stage: 'full', operator: { email: ADMIN.email }, csrfToken: c.csrf });

    // The enrollment cookie is dead.
    const old = new ConsoleClient(app.url, freshIp());
    old.cookie = enrollmentCookie;
    expect((await old.request('GET', '/api/auth/session')).status).toBe(401);

    const audit = await raw.query<{ action: string }>(`SELECT action FROM audit_events WHERE target_type = 'operator' ORDER BY id`);
    expect(audit.rows.map((r) => r.action)).toEqual(
      expect.arrayContaining(['operator.created', 'operator.login_enrollment', 'operator.totp_setup', 'operator.login_failed', 'operator.totp_enrolled', 'operator.login']),
    );
  });

  it('password then TOTP: no code → 401 totp_required with a password-stage session; the code → a full session under a new id', async () => {
    const email = 'two-step@example.test';
    await createOperator(app.url, email);
    const c = new ConsoleClient(app.url, freshIp());
    const { secret } = await enroll(c, email);
    const enrolledCookie = c.cookie;

    const step1 = await c.request('POST', '/api/auth/login', { email, password: 'a long enough password' });
    expect(step1.status).toBe(401);
    expect(step1.body.error.code).toBe('totp_required');
    const passwordCookie = c.cookie;
    expect(passwordCookie).toBeDefined();
    expect(passwordCookie).not.toBe(enrolledCookie);
    // A password-stage session is no operator session.
    expect((await c.request('GET', '/api/public/customers')).status).toBe(401);
    // Logging in again ended the session the caller held.
    const held = new ConsoleClient(app.url, freshIp());
    held.cookie = enrolledCookie;
    expect((await held.request('GET', '/api/public/customers')).status).toBe(401);

    const code = nextCode(secret);
    const step2 = await c.request('POST', '/api/auth/login', { email, password: 'a long enough password', totp: code });
    expect(step2.status).toBe(200);
    expect(step2.body).toMatchObject({ ok: true, operator: { email }, csrfToken: expect.any(String) });
    expect(c.cookie).not.toBe(passwordCookie);
    expect((await c.request('GET', '/api/public/customers')).status).toBe(200);

    // The same code again, even with the right password and from another instance: refused.
    const replay = new ConsoleClient(second.url, freshIp());
    const again = await replay.request('POST', '/api/auth/login', { email, password: 'a long enough password', totp: code });
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('invalid_credentials');
    expect(replay.cookie).toBeUndefined();
  });

  it('sets __Host-session HttpOnly, Secure, SameSite=Strict, Path=/ and no Domain', async () => {
    const login = await call(app.url, 'POST', '/api/auth/login', { body: ADMIN, headers: { 'x-forwarded-for': freshIp() } });
    expect(login.status).toBe(401); // enrolled now: totp_required
    const cookie = sessionCookieFrom(login.headers);
    expect(cookie).toBeDefined();
    const attributes = cookie!.raw.split(';').map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['httponly', 'secure', 'samesite=strict', 'path=/']));
    expect(attributes.some((a) => a.startsWith('domain='))).toBe(false);
  });

  it('wrong codes are throttled per account: after 10 failures 429 with Retry-After, even for the right code', async () => {
    const email = 'throttled@example.test';
    await createOperator(app.url, email);
    const c = new ConsoleClient(app.url, freshIp());
    const { secret } = await enroll(c, email);
    for (let i = 0; i < 10; i++) {
      // Each attempt from another address: the account limit alone must hold.
      const attempt = await call(app.url, 'POST', '/api/auth/login', { body: { email, password: 'a long enough password', totp: '000000' === nextCode(secret) ? '111111' : '000000' }, headers: { 'x-forwarded-for': freshIp() } });
      expect(attempt.status).toBe(401);
      expect(attempt.body.error.code).toBe('invalid_credentials');
    }
    const blocked = await call(app.url, 'POST', '/api/auth/login', { body: { email, password: 'a long enough password', totp: nextCode(secret) }, headers: { 'x-forwarded-for': freshIp() } });
    expect(blocked.status).toBe(429);
    expect(blocked.body.error.code).toBe('rate_limited');
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(blocked.headers.get('retry-after'))).toBeLessThanOrEqual(15 * 60);
  });

  it('an unknown email is throttled exactly like a known one (same codes, same bodies)', async () => {
    const answers = async (email: string) => {
      const out: { status: number; code: string; message: string }[] = [];
      for (let i = 0; i < 11; i++) {
        const r = await call(app.url, 'POST', '/api/auth/login', { body: { email, password: 'wrong password 123' }, headers: { 'x-forwarded-for': freshIp() } });
        out.push({ status: r.status, code: r.body.error.code, message: r.body.error.message });
      }
      return out;
    };
    await createOperator(app.url, 'known@example.test');
    const known = await answers('known@example.test');
    const unknown = await answers('nobody@example.test');
    expect(unknown).toEqual(known);
    expect(known.slice(0, 10).every((a) => a.status === 401 && a.code === 'invalid_credentials')).toBe(true);
    expect(known[10]).toMatchObject({ status: 429, code: 'rate_limited' });
  });

  it('failures are throttled per IP across accounts', async () => {
    const ip = freshIp();
    for (let i = 0; i < 10; i++) {
      const r = await call(app.url, 'POST', '/api/auth/login', { body: { email: `guess${i}@example.test`, password: 'wrong password 123' }, headers: { 'x-forwarded-for': ip } });
      expect(r.status).toBe(401);
    }
    const blocked = await call(app.url, 'POST', '/api/auth/login', { body: { email: 'another@example.test', password: 'wrong password 123' }, headers: { 'x-forwarded-for': ip } });
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('a state-changing request with the session cookie needs the right X-CSRF-Token; bearer requests need none', async () => {
    const email = 'csrf@example.test';
    const operatorId = await createOperator(app.url, email);
    const c = new ConsoleClient(app.url, freshIp());
    await enroll(c, email);

    const none = await c.request('POST', '/api/public/customers', { name: 'No token' }, { csrf: null });
    expect(none.status).toBe(403);
    expect(none.body.error.code).toBe('csrf_failed');
    const wrong = await c.request('POST', '/api/public/customers', { name: 'Wrong token' }, { csrf: 'x'.repeat(43) });
    expect(wrong.status).toBe(403);
    expect(wrong.body.error.code).toBe('csrf_failed');
    // A read needs none.
    expect((await c.request('GET', '/api/public/customers', undefined, { csrf: null })).status).toBe(200);

    const right = await c.request('POST', '/api/public/customers', { name: 'Right token' });
    expect(right.status).toBe(201);
    const customerId = right.body.customer.id as string;
    const topup = await c.request('POST', `/api/public/customers/${customerId}/credits`, { amount: 500, reason: 'console top-up' });
    expect(topup.status).toBe(200);
    // Money actions made in the console name the operator.
    expect(topup.body.entry.actor).toBe(`operator:${operatorId}`);
    const { rows } = await raw.query<{ actor: string }>(`SELECT actor FROM audit_events WHERE target_id = $1 AND action = 'customer.created'`, [customerId]);
    expect(rows[0].actor).toBe(`operator:${operatorId}`);

    const bearer = await call(app.url, 'POST', '/api/public/customers', { token: TEST_OPERATOR_KEY, body: { name: 'Bearer' } });
    expect(bearer.status).toBe(201);
  });

  it('logout ends the session on every instance; a second logout is harmless', async () => {
    const email = 'logout@example.test';
    await createOperator(app.url, email);
    const a = new ConsoleClient(app.url, freshIp());
    await enroll(a, email);
    const b = new ConsoleClient(second.url, a.ip);
    b.cookie = a.cookie;
    b.csrf = a.csrf;
    expect((await b.request('GET', '/api/public/customers')).status).toBe(200);

    const noCsrf = await a.request('POST', '/api/auth/logout', undefined, { csrf: null });
    expect(noCsrf.status).toBe(403);
    const out = await a.request('POST', '/api/auth/logout');
    expect(out.status).toBe(200);
    expect(a.cookie).toBeUndefined();

    const after = await b.request('GET', '/api/public/customers');
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('unauthenticated');
    expect((await b.request('GET', '/api/auth/session')).status).toBe(401);
    expect((await a.request('POST', '/api/auth/logout')).status).toBe(200);
  });

  it('an operator adds a colleague, resets their TOTP (audited, their sessions end) and can end all their sessions', async () => {
    const me = new ConsoleClient(app.url, freshIp());
    await createOperator(app.url, 'lead@example.test');
    await enroll(me, 'lead@example.test');
    const added = await me.request('POST', '/api/operators', { email: 'Colleague@Example.test', password: 'colleague password' });
    expect(added.status).toBe(201);
    const colleagueId = added.body.operator.id as string;
    expect((await me.request('POST', '/api/operators', { email: 'colleague@example.test', password: 'colleague password' })).status).toBe(409);

    const colleague = new ConsoleClient(app.url, freshIp());
    await enroll(colleague, 'colleague@example.test', 'colleague password');
    expect((await colleague.request('GET', '/api/operators')).status).toBe(200);

    const reset = await me.request('POST', `/api/operators/${colleagueId}/totp-reset`);
    expect(reset.status).toBe(200);
    expect(reset.body.operator.totpEnrolled).toBe(false);
    expect((await colleague.request('GET', '/api/operators')).status).toBe(401);
    const relogin = await colleague.request('POST', '/api/auth/login', { email: 'colleague@example.test', password: 'colleague password' });
    expect(relogin.body.enrollmentRequired).toBe(true);

    const self = await me.request('POST', `/api/operators/${(await me.request('GET', '/api/auth/session')).body.operator.id}/totp-reset`);
    expect(self.status).toBe(403);

    const other = new ConsoleClient(second.url, freshIp());
    await enroll(other, 'colleague@example.test', 'colleague password');
    const revoked = await me.request('DELETE', `/api/operators/${colleagueId}/sessions`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revoked).toBeGreaterThanOrEqual(1);
    expect((await other.request('GET', '/api/operators')).status).toBe(401);

    const { rows } = await raw.query<{ actor: string; action: string }>(`SELECT actor, action FROM audit_events WHERE target_id = $1 ORDER BY id`, [colleagueId]);
    const meId = (await me.request('GET', '/api/auth/session')).body.operator.id as string;
    expect(rows).toEqual(
      expect.arrayContaining([
        { actor: `operator:${meId}`, action: 'operator.created' },
        { actor: `operator:${meId}`, action: 'operator.totp_reset' },
        { actor: `operator:${meId}`, action: 'operator.sessions_revoked' },
      ]),
    );
  });

  it('security headers: strict CSP on the console and the API, a looser style rule only for Swagger UI, which still loads', async () => {
    const page = await fetch(`${app.url}/admin/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="/admin/app.js"');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');

    const api = await fetch(`${app.url}/healthz`);
    expect(api.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    const docs = await fetch(`${app.url}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.headers.get('content-security-policy')).toContain("style-src 'self' 'unsafe-inline'");
    expect(docs.headers.get('content-security-policy')).toContain("script-src 'self'");
    const init = await fetch(`${app.url}/docs/swagger-ui-init.js`);
    expect(init.status).toBe(200);
  });
});
