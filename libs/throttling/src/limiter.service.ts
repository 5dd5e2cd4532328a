import { Injectable } from '@nestjs/common';
import { DomainException } from '@app/common';
import { WindowStore } from './window.store';

/** Where a caller stands against one limit after a hit or a look. */
export interface LimitState {
  allowed: boolean;
  limit: number;
  /** Hits left in this window. */
  remaining: number;
  /** Seconds until the window resets (≥ 1 while anything is counted). */
  resetSeconds: number;
}

export interface AcquireOptions {
  /** Longest time to wait for budget before giving up with 503 `unavailable`. */
  maxWaitMs?: number;
}

const DEFAULT_MAX_WAIT_MS = 10_000;

/**
 * The shared limiter other modules use (login throttling, upstream QPS budgets): the same counters
 * and storage as the HTTP throttler — process memory, or Redis across instances when REDIS_URL is
 * set, falling back to process memory while Redis is unreachable. Buckets are named so unrelated
 * limits never share a counter.
 */
@Injectable()
export class LimiterService {
  constructor(private readonly store: WindowStore) {}

  /** Counts one event against `limit` per `windowSeconds`. */
  async hit(bucket: string, key: string, limit: number, windowSeconds: number): Promise<LimitState> {
    return toState(await this.store.hit(bucket, key, windowSeconds), limit, true);
  }

  /** Where `key` stands without counting anything. */
  async peek(bucket: string, key: string, limit: number, windowSeconds: number): Promise<LimitState> {
    return toState(await this.store.peek(bucket, key, windowSeconds), limit, false);
  }

  async reset(bucket: string, key: string, windowSeconds: number): Promise<void> {
    await this.store.reset(bucket, key, windowSeconds);
  }

  /**
   * Takes one unit of an upstream budget of `qps` requests per second for `key` (e.g. provider account +
   * action), WAITING for the next second's budget rather than failing; gives up with 503
   * `unavailable` only after `maxWaitMs`. Shared across instances with Redis, so N gateways together
   * stay within the provider's limit.
   */
  async acquire(key: string, qps: number, options: AcquireOptions = {}): Promise<void> {
    if (!(qps > 0)) {
      throw new Error(`acquire: qps must be positive (got ${qps})`);
    }
    // Whole requests per whole second: 10 QPS → 10 per 1 s window; 0.5 QPS → 1 per 2 s window.
    const windowSeconds = qps >= 1 ? 1 : Math.ceil(1 / qps);
    const limit = qps >= 1 ? Math.floor(qps) : 1;
    const deadline = Date.now() + (options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
    for (;;) {
      const state = await this.store.hit('qps', key, windowSeconds);
      if (state.hits <= limit) {
        return;
      }
      // Over budget in this window: wait for the next one (plus jitter, so waiters do not all wake at once).
      const wait = Math.max(state.msBeforeReset, 5) + Math.floor(Math.random() * 20);
      if (Date.now() + wait > deadline) {
        throw new DomainException('unavailable', 'Upstream request budget exhausted; retry later', undefined, undefined, {
          'retry-after': String(Math.max(1, Math.ceil(state.msBeforeReset / 1000))),
        });
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

function toState(window: { hits: number; msBeforeReset: number }, limit: number, counted: boolean): LimitState {
  const allowed = counted ? window.hits <= limit : window.hits < limit;
  return {
    allowed,
    limit,
    remaining: Math.max(0, limit - window.hits),
    resetSeconds: window.hits > 0 ? Math.max(1, Math.ceil(window.msBeforeReset / 1000)) : 0,
  };
}
