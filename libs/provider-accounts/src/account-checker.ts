import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/common';
import { signRequest } from '@app/volcengine-assets/signer';
import { UNREADABLE } from './adapters/apiyi-caller';
import { type ApiyiCredentials, CredentialVault, type VolcengineCredentials } from './credentials';
import type { AccountRow } from './provider-accounts.repository';
import { UPSTREAM_LIMITER, type UpstreamLimiter } from './upstream-limiter';
import { UpstreamHttp, UpstreamNetworkError } from './upstream-http';

const CHECK_TIMEOUT_MS = 10_000;
const DEFAULT_VOLC_BASE = 'https://open.volcengineapi.com';

/** What asking the upstream about an account found. Details never include credentials. */
export type CheckResult =
  | { valid: true; balance: number | null; detail: string }
  | { valid: false; reason: 'auth' | 'balance'; detail: string }
  | { valid: null; detail: string };

/**
 * Inspects an account upstream: APIYI balance via `GET /api/user/self` with the access token (bare,
 * no `Bearer`); without a token validity and balance are unknown. Volcengine: a signed
 * `ListAssetGroups` (errors may arrive inside HTTP 200).
 */
@Injectable()
export class AccountChecker {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly vault: CredentialVault,
    private readonly http: UpstreamHttp,
    @Inject(UPSTREAM_LIMITER) private readonly limiter: UpstreamLimiter,
  ) {}

  async check(account: AccountRow): Promise<CheckResult> {
    const release = await this.limiter.acquire(account.id, 5000);
    if (release === null) {
      return { valid: null, detail: 'the account is busy; try again' };
    }
    try {
      try {
        this.vault.open(account.id, account.credentials);
      } catch {
        return { valid: false, reason: 'auth', detail: UNREADABLE };
      }
      return account.provider === 'apiyi' ? await this.apiyi(account) : await this.volcengine(account);
    } catch (error) {
      if (error instanceof UpstreamNetworkError) {
        return { valid: null, detail: `upstream unreachable: ${error.message}` };
      }
      throw error;
    } finally {
      release();
    }
  }

  private async apiyi(account: AccountRow): Promise<CheckResult> {
    const credentials = this.vault.open<ApiyiCredentials>(account.id, account.credentials);
    if (!credentials.accessToken) {
      return { valid: null, detail: 'no access token: balance and validity unknown' };
    }
    const base = (account.baseUrl ?? this.config.providerPool.apiyiBaseUrl).replace(/\/+$/, '');
    const res = await this.http.json({ method: 'GET', url: `${base}/api/user/self`, headers: { authorization: credentials.accessToken, 'accept-encoding': 'identity' }, timeoutMs: CHECK_TIMEOUT_MS, retries: 2 });
    const body = res.json as { success?: unknown; data?: { quota?: unknown } } | undefined;
    if (res.status === 401 || res.status === 403 || (res.status === 200 && body?.success === false)) {
      return { valid: false, reason: 'auth', detail: `access token refused (HTTP ${res.status})` };
    }
    if (res.status !== 200 || typeof body?.data?.quota !== 'number') {
      return { valid: null, detail: `balance endpoint answered HTTP ${res.status}` };
    }
    return { valid: true, balance: body.data.quota, detail: 'balance read' };
  }

  private async volcengine(account: AccountRow): Promise<CheckResult> {
    const credentials = this.vault.open<VolcengineCredentials>(account.id, account.credentials);
    const base = (account.baseUrl ?? DEFAULT_VOLC_BASE).replace(/\/+$/, '');
    const url = `${base}/?Action=ListAssetGroups&Version=2024-01-01`;
    const body = JSON.stringify({ Filter: { GroupType: 'AIGC' }, ProjectName: account.projectName ?? 'default', PageNumber: 1, PageSize: 1 });
    const signed = signRequest({
      method: 'POST',
      url,
      headers: { 'Content-Type': 'application/json' },
      body,
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      region: account.region ?? 'cn-beijing',
      service: 'ark',
    });
    const res = await this.http.json({ method: 'POST', url, headers: signed.headers, body, timeoutMs: CHECK_TIMEOUT_MS });
    const code = (res.json as { ResponseMetadata?: { Error?: { Code?: unknown } } } | undefined)?.ResponseMetadata?.Error?.Code;
    if (typeof code === 'string' && /Signature|AccessDenied|InvalidAccessKey|InvalidAuthorization|Unauthorized/i.test(code)) {
      return { valid: false, reason: 'auth', detail: `Volcengine refused the credentials (${code})` };
    }
    if (res.status === 200 && code === undefined) {
      return { valid: true, balance: null, detail: 'credentials accepted' };
    }
    return { valid: null, detail: `Volcengine answered HTTP ${res.status}${typeof code === 'string' ? ` ${code}` : ''}` };
  }
}
