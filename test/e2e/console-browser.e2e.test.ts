import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../libs/auth/src/totp';
import { type ProviderSim, createProviderSim } from '../../apps/provider-sim/src';
import { type TestApp, startTestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { call, newCustomerWithKey, operator } from '../support/operator';
import { waitFor } from '../support/process';

/** An element as page functions see it (this project compiles without DOM types; string predicates would need 'unsafe-eval'). */
interface PageElement {
  complete?: boolean;
  naturalWidth?: number;
}

// Credentials the simulator knows; the console must never show them after they are typed.
const APIYI_KEY = 'sk-console-browser-000000000000000000c0de';
const APIYI_TOKEN = 'tok-console-browser-0000000000000000t0k3';
const VOLC = { accessKeyId: 'AKLTconsoleBrowser0000000001', secretAccessKey: 'console-browser/volc+secret==' };
const APIYI_ROTATED_KEY = 'sk-console-browser-rotated-0000000000r0t8';
const SECRETS = [APIYI_KEY, APIYI_TOKEN, APIYI_ROTATED_KEY, VOLC.accessKeyId, VOLC.secretAccessKey];

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(__dirname, '../../test-artifacts');
const present = existsSync(CHROMIUM);
if (!present) {
  process.stderr.write(`\n!!!!!!!!\n!!! BROWSER TESTS SKIPPED: no chromium at ${CHROMIUM}. Install it: apt-get install -y chromium (CI does).\n!!!!!!!!\n\n`);
}

describe.skipIf(!present)('operator console in a real browser (Debian chromium, headless)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let app: TestApp;
  let sim: ProviderSim;
  let browser: Browser;
  let page: Page;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await createTestDatabase();
    sim = await createProviderSim({ volcAccounts: [VOLC], switches: { taskQueuedMs: 30, taskRunningMs: 60 } });
    sim.control.upsertApiyiAccount({ key: APIYI_KEY, accessToken: APIYI_TOKEN, quota: 7_500_000 });
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
    await sim?.close();
    await db?.drop();
  });

  /** The page's HTML and every input's current value: no typed secret may be in either. */
  async function pageText(): Promise<string> {
    const values = await page.locator('input, textarea').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
    return `${await page.content()}\n${values.join('\n')}`;
  }
  async function expectNoSecrets(): Promise<void> {
    const text = await pageText();
    for (const secret of SECRETS) {
      expect(text).not.toContain(secret);
    }
  }
  /** Waits until the image `selector` has loaded real pixels. */
  async function imageLoaded(selector: string): Promise<void> {
    await page.waitForFunction((sel) => {
      // Runs in the page: everything it uses must be inside this function.
      const doc = (globalThis as unknown as { document: { querySelector(selector: string): PageElement | null } }).document;
      const img = doc.querySelector(sel);
      return img !== null && img.complete === true && (img.naturalWidth ?? 0) > 0;
    }, selector, { timeout: 20_000 });
  }

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

  let apiyiAccountUrl = '';
  it('imports an APIYI account pointed at the simulator: listed with its masked hint, the typed secrets cleared and shown nowhere', async () => {
    await page.click('#nav a[href="#/accounts"]');
    await page.waitForSelector('#import-apiyi');
    await page.fill('#imp-apiyi-label', 'sim apiyi');
    await page.fill('#imp-apiyi-baseUrl', sim.url);
    await page.fill('#imp-apiyi-apiKey', APIYI_KEY);
    await page.fill('#imp-apiyi-accessToken', APIYI_TOKEN);
    expect(await page.getAttribute('#imp-apiyi-apiKey', 'type')).toBe('password');
    expect(await page.getAttribute('#imp-apiyi-accessToken', 'type')).toBe('password');
    await page.click('#import-apiyi button[type=submit]');
    await page.waitForSelector('#import-result a');
    apiyiAccountUrl = new URL((await page.getAttribute('#import-result a', 'href'))!, page.url()).toString();
    expect(apiyiAccountUrl).toMatch(/#\/accounts\/pa_[0-9A-Za-z]{24}$/);
    expect(await page.inputValue('#imp-apiyi-apiKey')).toBe('');
    expect(await page.inputValue('#imp-apiyi-accessToken')).toBe('');

    const row = page.locator('#accounts-table tbody tr', { hasText: 'sim apiyi' });
    await row.waitFor();
    const text = (await row.textContent())!;
    expect(text).toContain(`sk-…${APIYI_KEY.slice(-4)}`);
    expect(text).toContain('active');
    expect(text).toContain('never checked');
    await expectNoSecrets();
    await shot('7-accounts');
  });

  it('checks the account now: valid, with the simulator’s balance and when it was checked', async () => {
    await page.goto(apiyiAccountUrl);
    await page.waitForSelector('#account-check');
    expect(await page.textContent('#account-checked')).toBe('—');
    await page.click('#account-check');
    await page.locator('#account-message', { hasText: 'Checked: valid' }).waitFor();
    await page.locator('#account-balance', { hasText: '7,500,000' }).waitFor();
    expect(await page.textContent('#account-balance')).toContain('$15.00');
    expect(await page.textContent('#account-checked')).not.toBe('—');
    expect(sim.control.callCount('balance', APIYI_TOKEN)).toBe(1);
  });

  it('disables and re-enables the account', async () => {
    await page.click('#account-toggle');
    await page.locator('#account-status', { hasText: 'disabled' }).waitFor();
    expect(await page.textContent('#account-toggle')).toBe('Enable');
    await page.click('#account-toggle');
    await page.locator('#account-status', { hasText: 'active' }).waitFor();
    expect(await page.textContent('#account-events')).toContain('disabled');
  });

  it('runs a test generation (image) on the account and shows the stored result', async () => {
    await page.fill('#test-gen-prompt', 'a console test card');
    await page.click('#test-gen-form button[type=submit]');
    await page.locator('#test-gen-status', { hasText: 'succeeded' }).waitFor({ timeout: 20_000 });
    await imageLoaded('#test-gen-preview');
    // Our stored copy on this origin, not the provider's link.
    expect(await page.getAttribute('#test-gen-preview', 'src')).toMatch(/^\/files\//);
    expect(sim.control.callCount('images.generations', APIYI_KEY)).toBe(1);
    await expectNoSecrets();
    await shot('8-account-test-generation');
  });

  it('rotates the credentials: the hint changes, the typed key is cleared and shown nowhere', async () => {
    sim.control.upsertApiyiAccount({ key: APIYI_ROTATED_KEY });
    expect(await page.getAttribute('#rotate-apiKey', 'type')).toBe('password');
    await page.fill('#rotate-apiKey', APIYI_ROTATED_KEY);
    await page.click('#account-rotate button[type=submit]');
    await page.locator('#account-hint', { hasText: `sk-…${APIYI_ROTATED_KEY.slice(-4)}` }).waitFor();
    expect(await page.textContent('#account-message')).toContain('Credentials rotated');
    expect(await page.inputValue('#rotate-apiKey')).toBe('');
    await expectNoSecrets();
  });

  it('bulk import shows each item’s own result', async () => {
    await page.click('#nav a[href="#/accounts"]');
    await page.click('#import-bulk >> xpath=ancestor::details/summary');
    await page.fill('#bulk-json', JSON.stringify([
      { provider: 'apiyi', label: 'bulk good', baseUrl: sim.url, credentials: { apiKey: 'sk-bulk-good-0000000000000000000001' } },
      { provider: 'apiyi', label: 'bulk bad', credentials: {} },
    ]));
    await page.click('#import-bulk button[type=submit]');
    await page.locator('#bulk-results', { hasText: '1 of 2 imported' }).waitFor();
    const rows = page.locator('#bulk-results tbody tr');
    expect(await rows.nth(0).textContent()).toContain('imported');
    expect(await rows.nth(1).textContent()).toMatch(/failed.*invalid_request/);
    expect(await page.inputValue('#bulk-json')).toBe('');
    await page.locator('#accounts-table tbody tr', { hasText: 'bulk good' }).waitFor();
  });

  it('imports a Volcengine account, creates a group on it and registers a real-person asset the simulator knows', async () => {
    await page.selectOption('#import-provider', 'volcengine');
    await page.fill('#imp-volc-label', 'sim volcengine');
    await page.fill('#imp-volc-baseUrl', sim.url);
    await page.fill('#imp-volc-akid', VOLC.accessKeyId);
    await page.fill('#imp-volc-secret', VOLC.secretAccessKey);
    await page.click('#import-volcengine button[type=submit]');
    await page.locator('#import-result', { hasText: 'sim volcengine' }).waitFor();
    const volcId = (await page.getAttribute('#import-result a', 'href'))!.replace('#/accounts/', '');
    expect(volcId).toMatch(/^pa_/);
    expect(await page.inputValue('#imp-volc-secret')).toBe('');
    await page.locator('#accounts-table tbody tr', { hasText: 'sim volcengine' }).waitFor();
    expect(await page.textContent(`#accounts-table tr[data-id="${volcId}"]`)).toContain(`AKLT…${VOLC.accessKeyId.slice(-4)}`);
    await expectNoSecrets();

    // Verified in the Volcengine console (no API for that): the simulator holds it as Active.
    const providerAssetId = 'asset-20260101123000-c0ns01e1';
    const now = Date.now();
    sim.control.assets.set(providerAssetId, {
      Id: providerAssetId, Name: 'verified person', URL: 'https://example.invalid/p.png', AssetType: 'Image', GroupId: 'group-console',
      ProjectName: 'default', accessKeyId: VOLC.accessKeyId, createdAt: now, updatedAt: now, fetched: true, readyAt: now, outcome: 'Active',
    });
    const { customerId } = await newCustomerWithKey(app.url, 'live');

    await page.click('#nav a[href="#/assets"]');
    await page.waitForSelector('#group-create');
    await page.fill('#group-account', volcId);
    await page.fill('#group-name', 'console group');
    await page.click('#group-create button[type=submit]');
    await page.locator('#groups-table', { hasText: 'console group' }).waitFor();
    expect([...sim.control.groups.values()].some((g) => g.Name === 'console group' && g.accessKeyId === VOLC.accessKeyId)).toBe(true);

    await page.fill('#reg-customer', customerId);
    await page.fill('#reg-account', volcId);
    await page.fill('#reg-provider-id', providerAssetId);
    await page.fill('#reg-name', 'Verified presenter');
    await page.click('#asset-register button[type=submit]');
    await page.locator('#register-result', { hasText: 'Verified presenter' }).waitFor();
    const row = page.locator('#assets-table tbody tr', { hasText: providerAssetId });
    await row.waitFor();
    expect(await row.textContent()).toMatch(/active.*registered/);

    await page.fill('#asset-filter-customer', customerId);
    await page.click('#asset-filters button[type=submit]');
    await page.locator('#assets-table', { hasText: 'Verified presenter' }).waitFor();
    await shot('9-assets');
    await page.click('#assets-table a:text("Verified presenter")');
    await page.waitForSelector('#asset-provider-id');
    expect(await page.textContent('#asset-provider-id')).toBe(providerAssetId);
    await expectNoSecrets();

    page.once('dialog', (d) => void d.accept());
    await page.click('#asset-delete');
    await page.waitForSelector('#asset-register');
    expect((await operator(app.url)('GET', `/api/assets?customerId=${customerId}`)).body.data).toEqual([]);
  });

  it('the overview counts provider accounts by status', async () => {
    await page.click('#nav a[href="#/"]');
    await page.waitForSelector('#ov-accounts');
    const apiyi = page.locator('#ov-accounts tbody tr', { hasText: 'apiyi' });
    expect(await apiyi.locator('td[data-status="active"]').textContent()).toBe('2');
    expect(await page.locator('#ov-accounts tbody tr', { hasText: 'volcengine' }).locator('td[data-status="active"]').textContent()).toBe('1');
    await shot('10-overview-accounts');
  });

  it('ran without a CSP violation or a script error', () => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
