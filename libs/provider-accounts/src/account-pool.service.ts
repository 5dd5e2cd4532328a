import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/common';
import { PgNotifyService } from '@app/database';
import { AuditService } from '@app/auth';
import type { AccountStatus, ProviderName } from './provider-account.entity';
import { type AccountPatch, type AccountRow, ProviderAccountsRepository } from './provider-accounts.repository';

/** NOTIFY channel: an account changed (any instance reloads its snapshot). */
export const ACCOUNT_CHANGES_CHANNEL = 'provider_account_changed';
const SNAPSHOT_TTL_MS = 2000;
const MAX_COOLDOWN_MS = 10 * 60_000;

/** What an upstream call taught us about the account it used. */
export type HealthSignal =
  | { kind: 'ok' }
  | { kind: 'auth'; detail: string }
  | { kind: 'balance'; detail: string }
  | { kind: 'rate_limited'; detail: string; retryAfterMs?: number }
  | { kind: 'server_error'; detail: string };

export interface ChooseCriteria {
  provider: ProviderName;
  /** Credits of the job: a known balance must cover `cost × quotaPerCredit`. */
  cost: number;
  /** Jobs using assets may only run on accounts linked to this Volcengine account. */
  volcengineAccountId?: string;
  exclude?: string[];
}

/**
 * The in-memory view of the pool that routing reads on the hot path: every account with its
 * in-flight jobs, reloaded every two seconds or at once when any instance announces a change.
 * Health changes go to the database first (with an event and an audit record), then here.
 */
@Injectable()
export class AccountPool implements OnModuleInit {
  private readonly logger = new Logger('AccountPool');
  private accounts = new Map<string, AccountRow>();
  /** Jobs routed here since the last reload (the reload's counts include them). */
  private readonly routed = new Map<string, number>();
  private loadedAt = 0;
  private loading: Promise<void> | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly repository: ProviderAccountsRepository,
    private readonly notify: PgNotifyService,
    private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.notify.subscribe(ACCOUNT_CHANGES_CHANNEL, () => {
      this.loadedAt = 0;
    });
  }

  async get(id: string): Promise<AccountRow | undefined> {
    await this.fresh();
    return this.accounts.get(id);
  }

  /** Picks the account for a job, or undefined when none can take it now. */
  async choose(criteria: ChooseCriteria): Promise<AccountRow | undefined> {
    await this.fresh();
    const now = Date.now();
    const need = criteria.cost * this.config.providerPool.quotaPerCredit;
    const eligible = [...this.accounts.values()].filter(
      (a) =>
        a.provider === criteria.provider &&
        !(criteria.exclude ?? []).includes(a.id) &&
        isUsable(a, now) &&
        (a.balance === null ? this.config.providerPool.allowUnknownBalance : Number(a.balance) >= need) &&
        (criteria.volcengineAccountId === undefined || a.volcengineAccountId === criteria.volcengineAccountId),
    );
    if (eligible.length === 0) {
      return undefined;
    }
    const top = Math.max(...eligible.map((a) => a.priority));
    const load = (a: AccountRow) => (a.inFlight + (this.routed.get(a.id) ?? 0) + 1) / a.weight;
    const candidates = eligible.filter((a) => a.priority === top);
    const best = Math.min(...candidates.map(load));
    const ties = candidates.filter((a) => load(a) === best);
    const chosen = ties[Math.floor(Math.random() * ties.length)];
    this.routed.set(chosen.id, (this.routed.get(chosen.id) ?? 0) + 1);
    return chosen;
  }

  /** Usable accounts of one provider, highest priority first (the asset library's Volcengine accounts). */
  async usableOf(provider: ProviderName): Promise<AccountRow[]> {
    await this.fresh();
    const now = Date.now();
    return [...this.accounts.values()].filter((a) => a.provider === provider && isUsable(a, now)).sort((a, b) => b.priority - a.priority);
  }

  /** The account may take new calls now (used before submitting a job already bound to it). */
  async usable(id: string): Promise<boolean> {
    const a = await this.get(id);
    return a !== undefined && isUsable(a, Date.now());
  }

  /** Announces a change made elsewhere (operator API) to this and every other instance. */
  async changed(): Promise<void> {
    this.loadedAt = 0;
    await this.notify.publish(ACCOUNT_CHANGES_CHANNEL, 'changed').catch((error: unknown) => this.logger.warn({ err: error, msg: 'account change notify failed' }));
  }

  /** Applies what an upstream call said about an account: status, cooldown, breaker, events, audit. */
  async report(accountId: string, signal: HealthSignal): Promise<void> {
    const cached = this.accounts.get(accountId);
    if (signal.kind === 'ok' && cached && cached.failureStreak === 0 && cached.status !== 'cooldown') {
      return; // the common case costs nothing
    }
    try {
      await this.applyHealth(accountId, signal);
    } catch (error) {
      this.logger.warn({ err: error, accountId, msg: 'recording account health failed' });
    }
  }

  /** Records a balance read; an exhausted account that has money again returns to rotation. */
  async recordBalance(accountId: string, quota: number, actor = 'system'): Promise<void> {
    await this.repository.transaction(async (manager) => {
      const before = await this.repository.findById(accountId, manager, true);
      if (!before) {
        return;
      }
      const patch: AccountPatch = { balance: String(quota), balanceCheckedAt: new Date() };
      const minimum = Math.min(this.config.pricing.image.LOW, this.config.pricing.image.MEDIUM) * this.config.providerPool.quotaPerCredit;
      let to: AccountStatus | undefined;
      if (before.status === 'exhausted' && before.enabled && quota >= Math.max(1, minimum)) {
        to = 'active';
      } else if (before.status === 'active' && quota <= 0) {
        to = 'exhausted';
      }
      if (to !== undefined) {
        patch.status = to;
        await this.statusEvent(manager, before, to, to === 'active' ? 'balance restored' : 'balance is zero', actor);
      }
      await this.repository.update(manager, accountId, patch);
    });
    await this.changed();
  }

  private async applyHealth(accountId: string, signal: HealthSignal): Promise<void> {
    const pool = this.config.providerPool;
    await this.repository.transaction(async (manager) => {
      const a = await this.repository.findById(accountId, manager, true);
      if (!a) {
        return;
      }
      const now = new Date();
      const patch: AccountPatch = {};
      let to: AccountStatus | undefined;
      let reason = '';
      switch (signal.kind) {
        case 'ok':
          patch.failureStreak = 0;
          if (a.status === 'cooldown') {
            to = 'active';
            reason = 'upstream answered normally again';
          }
          break;
        case 'auth':
          to = 'invalid';
          reason = `authentication refused: ${signal.detail}`;
          break;
        case 'balance':
          to = 'exhausted';
          reason = `insufficient balance: ${signal.detail}`;
          patch.balance = '0';
          patch.balanceCheckedAt = now;
          break;
        case 'rate_limited': {
          const ms = Math.min(MAX_COOLDOWN_MS, Math.max(signal.retryAfterMs ?? 0, pool.cooldownSeconds * 1000 * 2 ** Math.min(a.failureStreak, 10)));
          patch.failureStreak = a.failureStreak + 1;
          patch.cooldownUntil = new Date(now.getTime() + ms);
          to = 'cooldown';
          reason = `rate limited upstream (429): cooling down for ${Math.round(ms / 1000)} s`;
          break;
        }
        case 'server_error':
          patch.failureStreak = a.failureStreak + 1;
          if (patch.failureStreak >= pool.breakerThreshold) {
            patch.cooldownUntil = new Date(now.getTime() + pool.breakerSeconds * 1000);
            to = 'cooldown';
            reason = `breaker open after ${patch.failureStreak} consecutive upstream errors (${signal.detail}) for ${pool.breakerSeconds} s`;
          }
          break;
      }
      if (signal.kind !== 'ok') {
        patch.lastError = signal.kind === 'server_error' || signal.kind === 'rate_limited' ? signal.detail : reason;
        patch.lastErrorAt = now;
      }
      // An operator's `disabled` is never overridden by health; `invalid` only by an operator.
      if (to !== undefined && (a.status === 'disabled' || (a.status === 'invalid' && to !== 'invalid'))) {
        to = undefined;
      }
      if (to !== undefined) {
        patch.status = to;
        if (to !== a.status || signal.kind === 'rate_limited' || to === 'cooldown') {
          await this.statusEvent(manager, a, to, reason, 'system');
        }
      }
      await this.repository.update(manager, accountId, patch);
    });
    this.loadedAt = 0;
    if (signal.kind !== 'ok') {
      await this.changed();
    }
  }

  async statusEvent(manager: Parameters<ProviderAccountsRepository['addEvent']>[0], a: Pick<AccountRow, 'id' | 'status'>, to: AccountStatus, reason: string, actor: string, requestId?: string): Promise<void> {
    await this.repository.addEvent(manager, { accountId: a.id, kind: 'status', fromStatus: a.status, toStatus: to, reason, actor });
    await this.audit.record(manager, {
      actor,
      action: 'provider_account.status_changed',
      targetType: 'provider_account',
      targetId: a.id,
      requestId: requestId ?? null,
      summary: { from: a.status, to, reason },
    });
  }

  private async fresh(): Promise<void> {
    if (Date.now() - this.loadedAt < SNAPSHOT_TTL_MS) {
      return;
    }
    this.loading ??= this.reload().finally(() => {
      this.loading = undefined;
    });
    await this.loading;
  }

  private async reload(): Promise<void> {
    const startedAt = Date.now();
    const rows = await this.repository.all();
    this.accounts = new Map(rows.map((r) => [r.id, r]));
    this.routed.clear();
    this.loadedAt = startedAt;
  }
}

/** Enabled, and active or past its cooldown (a half-open breaker lets calls through again). */
export function isUsable(a: Pick<AccountRow, 'enabled' | 'status' | 'cooldownUntil'>, now: number): boolean {
  if (!a.enabled) {
    return false;
  }
  return a.status === 'active' || (a.status === 'cooldown' && (a.cooldownUntil === null || new Date(a.cooldownUntil).getTime() <= now));
}
