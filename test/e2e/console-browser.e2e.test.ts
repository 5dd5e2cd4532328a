import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../libs/auth/src/totp';
import { type TestApp, startTestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { call, operator } from '../support/operator';
import { waitFor } from '../support/process';

/** An element as page functions see it (this project compiles without DOM types; string predicates would need 'unsafe-eval'). */
interface PageElement {
  complete?: boolean;
  naturalWidth?: number;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(__dirname, '../../test-artifacts');
const present = existsSync(CHROMIUM);
if (!present) {
  process.stderr.write(`\n!!!!!!!!\n!!! BROWSER TESTS SKIPPED: no chromium at ${CHROMIUM}. Install it: apt-get install -y chromium (CI does).\n!!!!!!!!\n\n`);
}

describe.skipIf(!present)('operator console in a real browser (Debian chromium, headless)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await createTestDatabase();
    app = await startTestApp(db.url, { SIMULATOR_IMAGE_MS: '100' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) {
        cspViolations.push(m.text());
      }
    });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await db?.drop();
  });

  const shot = (name: string) => page.screenshot({ path: resolve(ARTIFACTS, `console-${name}.png`), fullPage: true });

  it('first login enrolls an authenticator from the shown secret, then lands on the overview', async () => {
    await page.goto(`${app.url}/admin/`);
    await page.waitForSelector('#login-form');
    await shot('1-login');
    await page.fill('#login-email', 'admin@example.test');
    await page.fill('#login-password', 'correct horse battery staple');
    await page.click('#login-form button[type=submit]');
    const secret = (await page.textContent('#totp-secret', { timeout: 10_000 }))!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await shot('2-enroll');
    await page.fill('#enroll-code', totpCode(secret));
    await page.click('#enroll-form button[type=submit]');
    await page.waitForSelector('#ov-live-available');
    expect(await page.textContent('#who')).toBe('admin@example.test');
    await shot('3-overview');
    // The session cookie is HttpOnly: page scripts cannot read it.
    expect(await page.evaluate('document.cookie')).toBe('');
  });

  let customerUrl = '';
  it('creates a customer and shows its page', async () => {
    await page.click('#nav a[href="#/customers"]');
    await page.waitForSelector('#customer-create');
    await page.fill('#new-customer-name', 'Browser Customer Ltd');
    await page.click('#customer-create button[type=submit]');
    await page.waitForSelector('#customer-name');
    expect(await page.textContent('#customer-name')).toContain('Browser Customer Ltd');
    customerUrl = page.url();
    expect(customerUrl).toMatch(/#\/customers\/cus_/);
  });

  let key = '';
  it('creates a key and shows the full key once', async () => {
    await page.selectOption('#key-mode', 'test');
    await page.click('#key-create button[type=submit]');
    key = (await page.textContent('#new-key', { timeout: 10_000 }))!.trim();
    expect(key).toMatch(/^ak_test_[0-9A-Za-z]{32,}$/);
    await page.waitForSelector('#keys-table');
    expect(await page.textContent('#keys-table')).toContain(key.slice(0, 12));
    await shot('4-key-once');
    await page.reload();
    await page.waitForSelector('#keys-table');
    expect(await page.locator('#new-key').count()).toBe(0);
    expect(await page.content()).not.toContain(key);
  });

  it('tops up credits and shows the ledger row', async () => {
    await page.fill('#credit-amount', '1234');
    await page.fill('#credit-reason', 'Browser top-up');
    await page.click('#credit-form button[type=submit]');
    await page.locator('#ledger-table', { hasText: 'Browser top-up' }).waitFor();
    const row = await page.textContent('#ledger-table tbody tr:first-child');
    expect(row).toContain('topup');
    expect(row).toContain('1,234');
    expect(row).toMatch(/operator:op_/);
    await shot('5-credits');
  });

  it('opens a job page with its timeline and the result preview', async () => {
    const created = await call(app.url, 'POST', '/v1/images/generate', { token: key, body: { prompt: 'a red bicycle' }, headers: { 'idempotency-key': 'browser-1' } });
    expect(created.status).toBe(202);
    const jobId = created.body.jobId as string;
    const op = operator(app.url);
    expect(await waitFor(async () => (await op('GET', `/api/public/jobs/${jobId}`)).body.job.status === 'succeeded', 20_000)).toBe(true);

    await page.click('#nav a[href="#/jobs"]');
    await page.waitForSelector(`#jobs-table a[href="#/jobs/${jobId}"]`);
    await page.click(`#jobs-table a[href="#/jobs/${jobId}"]`);
    await page.waitForSelector('#job-timeline');
    const timeline = await page.textContent('#job-timeline');
    expect(timeline).toContain('created');
    expect(timeline).toContain('submitted');
    expect(timeline).toContain('settled');
    await page.waitForFunction(() => {
      // Runs in the page: everything it uses must be inside this function.
      const doc = (globalThis as unknown as { document: { querySelector(selector: string): PageElement | null } }).document;
      const img = doc.querySelector('#result-preview');
      return img !== null && img.complete === true && (img.naturalWidth ?? 0) > 0;
    });
    await shot('6-job');
  });

  it('ran without a CSP violation or a script error', () => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
