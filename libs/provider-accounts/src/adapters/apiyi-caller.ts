import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/common';
import { AccountPool, type HealthSignal } from '../account-pool.service';
import { type ApiyiCredentials, CredentialVault } from '../credentials';
import type { AccountRow } from '../provider-accounts.repository';
import { UPSTREAM_LIMITER, type UpstreamLimiter } from '../upstream-limiter';
import { UpstreamHttp, type UpstreamJsonResponse, UpstreamNetworkError } from '../upstream-http';
import type { SubmitOutcome } from '../provider.port';
import { classifyApiyi } from './apiyi-common';

export interface ApiyiCall {
  account: AccountRow;
  baseUrl: string;
  /** Opened for this call only; never logged, never stored elsewhere. */
  credentials: ApiyiCredentials;
}

/** The seal did not open: SECRETS_KEY changed, or the row was tampered with (e.g. copied from another row). */
export const UNREADABLE = 'stored credentials cannot be decrypted (SECRETS_KEY changed or the row was altered); rotate them';

export type CallResult<T> = { kind: 'done'; value: T } | { kind: 'no_account' } | { kind: 'busy' };

/**
 * What both APIYI adapters share: find the job's account, wait for room in its upstream budget,
 * open its credentials for the duration of the call, and feed what happened back into its health.
 */
@Injectable()
export class ApiyiCaller {
  constructor(
    @Inject(APP_CONFIG) readonly config: AppConfig,
    readonly pool: AccountPool,
    private readonly vault: CredentialVault,
    readonly http: UpstreamHttp,
    @Inject(UPSTREAM_LIMITER) private readonly limiter: UpstreamLimiter,
  ) {}

  async call<T>(accountId: string | null, signal: AbortSignal, maxWaitMs: number, work: (call: ApiyiCall) => Promise<T>): Promise<CallResult<T>> {
    const account = accountId === null ? undefined : await this.pool.get(accountId);
    if (!account || account.provider !== 'apiyi') {
      return { kind: 'no_account' };
    }
    let credentials: ApiyiCredentials;
    try {
      credentials = this.vault.open<ApiyiCredentials>(account.id, account.credentials);
    } catch {
      await this.pool.report(account.id, { kind: 'auth', detail: UNREADABLE });
      return { kind: 'no_account' };
    }
    const release = await this.limiter.acquire(account.id, maxWaitMs, signal);
    if (release === null) {
      return { kind: 'busy' };
    }
    try {
      return { kind: 'done', value: await work({ account, baseUrl: (account.baseUrl ?? this.config.providerPool.apiyiBaseUrl).replace(/\/+$/, ''), credentials }) };
    } finally {
      release();
    }
  }

  report(accountId: string, signal: HealthSignal): Promise<void> {
    return this.pool.report(accountId, signal);
  }

  /**
   * A submission the provider did not accept: what it means for the job, with the account's health
   * updated. `whenOk` explains a 2xx answer that still lacked what the adapter needed.
   */
  async refusedSubmission(accountId: string, res: UpstreamJsonResponse, whenOk: string): Promise<SubmitOutcome> {
    const verdict = classifyApiyi(res);
    switch (verdict.kind) {
      case 'ok':
        return { kind: 'transient', reason: whenOk };
      case 'account':
        await this.report(accountId, verdict.signal);
        return { kind: 'transient', reason: `account unusable: ${verdict.signal.kind}`, retryAfterMs: 0, reroute: true };
      case 'transient':
        await this.report(accountId, verdict.signal);
        return { kind: 'transient', reason: verdict.reason };
      case 'failed':
        return { kind: 'failed', failure: verdict.failure };
    }
  }

  /**
   * A submission lost on the network: before anything was sent it can be retried; after, the
   * provider may have the task (and bill it), so the outcome is unknown and never blindly retried.
   */
  async lostSubmission(accountId: string, error: unknown, unknownReason: (message: string) => string): Promise<SubmitOutcome> {
    if (!(error instanceof UpstreamNetworkError)) {
      throw error;
    }
    await this.report(accountId, { kind: 'server_error', detail: error.message });
    return error.sent ? { kind: 'unknown', reason: unknownReason(error.message) } : { kind: 'transient', reason: error.message };
  }
}
