import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/common';

export type Release = () => void;

/**
 * Per-account upstream budget: concurrency and calls per second, applied to every upstream call
 * (submissions, polls, balance reads). `acquire` waits at most `maxWaitMs` and answers null when
 * the account has no room, so the caller can reschedule instead of piling up. The in-process
 * implementation is the default; a Redis-shared one can replace it behind UPSTREAM_LIMITER.
 */
export interface UpstreamLimiter {
  acquire(accountId: string, maxWaitMs: number, signal?: AbortSignal): Promise<Release | null>;
}

export const UPSTREAM_LIMITER = Symbol('UPSTREAM_LIMITER');

interface Bucket {
  tokens: number;
  refilledAt: number;
  active: number;
  waiters: (() => void)[];
}

@Injectable()
export class InProcessUpstreamLimiter implements UpstreamLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly concurrency: number;
  private readonly qps: number;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.concurrency = config.providerPool.maxConcurrencyPerAccount;
    this.qps = config.providerPool.qpsPerAccount;
  }

  async acquire(accountId: string, maxWaitMs: number, signal?: AbortSignal): Promise<Release | null> {
    const bucket = this.bucket(accountId);
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      this.refill(bucket);
      if (bucket.active < this.concurrency && bucket.tokens >= 1) {
        bucket.tokens -= 1;
        bucket.active += 1;
        let released = false;
        return () => {
          if (!released) {
            released = true;
            bucket.active -= 1;
            bucket.waiters.shift()?.();
          }
        };
      }
      const wait = Math.min(deadline - Date.now(), bucket.tokens < 1 ? Math.ceil(((1 - bucket.tokens) / this.qps) * 1000) : 1000);
      if (wait <= 0 || signal?.aborted) {
        return null;
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          const i = bucket.waiters.indexOf(done);
          if (i >= 0) {
            bucket.waiters.splice(i, 1);
          }
          resolve();
        };
        const timer = setTimeout(done, wait);
        bucket.waiters.push(done);
      });
    }
  }

  private bucket(accountId: string): Bucket {
    let b = this.buckets.get(accountId);
    if (!b) {
      b = { tokens: this.qps, refilledAt: Date.now(), active: 0, waiters: [] };
      this.buckets.set(accountId, b);
    }
    return b;
  }

  private refill(b: Bucket): void {
    const now = Date.now();
    b.tokens = Math.min(this.qps, b.tokens + ((now - b.refilledAt) / 1000) * this.qps);
    b.refilledAt = now;
  }
}
