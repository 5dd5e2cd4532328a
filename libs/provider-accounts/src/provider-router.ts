import { Injectable } from '@nestjs/common';
import { DomainException } from '@app/common';
import { AccountPool } from './account-pool.service';
import { ApiyiImageAdapter } from './adapters/apiyi-image.adapter';
import { ApiyiSeedanceAdapter } from './adapters/apiyi-seedance.adapter';
import { SimulatedAdapter } from './adapters/simulated.adapter';
import { BalanceRefresher } from './balance-refresher.service';
import type { GenerationRequest, JobType, Mode, ProviderAdapter } from './provider.port';

/** Where a live job will run, recorded on the job row when it is created. */
export interface Route {
  provider: string;
  accountId: string;
}

export interface RouteOptions {
  /** Asset affinity: only accounts linked to this Volcengine account (the one holding the assets). */
  volcengineAccountId?: string;
}

const UNAVAILABLE = 'No provider capacity is available for this job right now; nothing was charged. Retry later.';

/**
 * Chooses the adapter and the account for a job. Test mode always runs on the built-in simulator and
 * never touches the pool; live mode goes to the provider account pool (APIYI serves both types).
 */
@Injectable()
export class ProviderRouter {
  constructor(
    private readonly simulated: SimulatedAdapter,
    private readonly pool: AccountPool,
    private readonly seedance: ApiyiSeedanceAdapter,
    private readonly image: ApiyiImageAdapter,
    private readonly balances: BalanceRefresher,
  ) {}

  /**
   * Called before anything is reserved: the account a live job will use, or 503 `unavailable` when
   * no account can take it now. Test mode answers null (the simulator needs no account).
   */
  async assertCanAccept(mode: Mode, _type: JobType, price: number, options: RouteOptions = {}): Promise<Route | null> {
    if (mode === 'test') {
      return null;
    }
    const account = await this.pool.choose({ provider: 'apiyi', cost: price, volcengineAccountId: options.volcengineAccountId });
    if (!account) {
      throw new DomainException('unavailable', UNAVAILABLE, undefined, undefined, { 'retry-after': '30' });
    }
    return { provider: account.provider, accountId: account.id };
  }

  adapterFor(job: { mode: Mode; provider: string | null; request: GenerationRequest }): ProviderAdapter {
    if (job.mode === 'test') {
      return this.simulated;
    }
    if (job.provider === null || job.provider === 'apiyi') {
      return job.request.type === 'image' ? this.image : this.seedance;
    }
    throw new DomainException('unavailable', 'No provider adapter for this job');
  }

  /**
   * Before a live job is (re)submitted: keep its account if it can still take calls, else pick
   * another (same asset affinity), or answer null when none can.
   */
  async accountForSubmit(job: { mode: Mode; providerAccountId: string | null; price: string | number; request: GenerationRequest }): Promise<string | null> {
    if (job.mode === 'test' || job.request.pinAccount === true) {
      return job.providerAccountId;
    }
    const current = job.providerAccountId === null ? undefined : await this.pool.get(job.providerAccountId);
    if (current && (await this.pool.usable(current.id))) {
      return current.id;
    }
    const next = await this.pool.choose({
      provider: 'apiyi',
      cost: Number(job.price),
      // Jobs with assets stay with the Volcengine account holding them (none known: nothing matches).
      volcengineAccountId: (job.request.assets?.length ?? 0) > 0 ? (job.request.volcengineAccountId ?? current?.volcengineAccountId ?? '-') : undefined,
      exclude: current ? [current.id] : [],
    });
    return next?.id ?? null;
  }

  /** A live job settled: its account's balance is worth reading again soon. */
  settled(job: { mode: Mode; providerAccountId: string | null }): void {
    if (job.mode === 'live' && job.providerAccountId !== null) {
      this.balances.afterJob(job.providerAccountId);
    }
  }
}
