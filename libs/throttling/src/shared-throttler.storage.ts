import { Injectable } from '@nestjs/common';
import type { ThrottlerStorage } from '@nestjs/throttler';
import { WindowStore } from './window.store';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * @nestjs/throttler's storage on top of the shared fixed-window counters (process memory, or Redis
 * with a process-memory fallback). A fixed window: a caller over the limit waits for the window to
 * end, so a block lasts for the rest of the window (the guard's `blockDuration` equals its `ttl`).
 */
@Injectable()
export class SharedThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly store: WindowStore) {}

  async increment(key: string, ttl: number, limit: number, _blockDuration: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const state = await this.store.hit(`throttle:${throttlerName}`, key, Math.ceil(ttl / 1000));
    const timeToExpire = Math.max(1, Math.ceil(state.msBeforeReset / 1000));
    const isBlocked = state.hits > limit;
    return { totalHits: state.hits, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
  }
}
