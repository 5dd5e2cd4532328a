import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/common';
import { AccountChecker, type CheckResult } from './account-checker';
import { AccountPool } from './account-pool.service';
import { ProviderAccountsRepository } from './provider-accounts.repository';

const AFTER_JOB_DEBOUNCE_MS = 5000;

/**
 * Keeps APIYI balances fresh: every PROVIDER_BALANCE_REFRESH_SECONDS on scheduler instances, and
 * shortly after a job on the account settles (debounced, so a burst of jobs costs one read).
 */
@Injectable()
export class BalanceRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('BalanceRefresher');
  private timer: NodeJS.Timeout | undefined;
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: ProviderAccountsRepository,
    private readonly checker: AccountChecker,
    private readonly pool: AccountPool,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.schedulerEnabled) {
      return;
    }
    this.timer = setInterval(() => void this.refreshAll(), this.config.providerPool.balanceRefreshSeconds * 1000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    for (const t of this.pending.values()) {
      clearTimeout(t);
    }
    this.pending.clear();
  }

  /** A job on this account settled: read its balance soon. */
  afterJob(accountId: string): void {
    if (this.pending.has(accountId)) {
      return;
    }
    const t = setTimeout(() => {
      this.pending.delete(accountId);
      void this.refreshOne(accountId);
    }, AFTER_JOB_DEBOUNCE_MS);
    t.unref();
    this.pending.set(accountId, t);
  }

  async refreshAll(): Promise<void> {
    const accounts = await this.repository.all().catch(() => []);
    for (const a of accounts.filter((x) => x.provider === 'apiyi' && x.enabled && x.status !== 'invalid')) {
      await this.refreshOne(a.id);
    }
  }

  async refreshOne(accountId: string): Promise<CheckResult | undefined> {
    try {
      const account = await this.repository.findById(accountId);
      if (!account || account.provider !== 'apiyi') {
        return undefined;
      }
      const result = await this.checker.check(account);
      if (result.valid === true && result.balance !== null) {
        await this.pool.recordBalance(accountId, result.balance);
      } else if (result.valid === false) {
        await this.pool.report(accountId, result.reason === 'auth' ? { kind: 'auth', detail: result.detail } : { kind: 'balance', detail: result.detail });
      }
      return result;
    } catch (error) {
      this.logger.warn({ err: error, accountId, msg: 'balance refresh failed' });
      return undefined;
    }
  }
}
