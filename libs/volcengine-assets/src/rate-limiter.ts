/**
 * Upstream QPS budgets, per key (`<account>|<action>`). Callers WAIT for budget up to a bound
 * instead of failing. The shared Redis limiter (another branch) can implement this interface across
 * instances; a Redis implementation may make `release` a no-op.
 */
export interface UpstreamRateLimiter {
  /** Waits until a call fits `qps` for this key; throws RateLimitWaitExceeded after `maxWaitMs`. */
  acquire(key: string, qps: number, maxWaitMs: number): Promise<Permit>;
  /** The provider said "too fast" (429 / FlowLimitExceeded): hold every call of this key for `ms`. */
  backoff(key: string, ms: number): void;
}

export interface Permit {
  /** The call has its answer (or failed): its slot counts for one more window from now. */
  release(): void;
}

export const UPSTREAM_RATE_LIMITER = Symbol('UPSTREAM_RATE_LIMITER');

export class RateLimitWaitExceeded extends Error {
  constructor(readonly key: string, readonly maxWaitMs: number) {
    super(`no upstream budget for ${key} within ${maxWaitMs} ms`);
    this.name = 'RateLimitWaitExceeded';
  }
}

interface Slot {
  /** When the call's answer arrived; null while in flight. */
  releasedAt: number | null;
}

interface KeyState {
  slots: Slot[];
  blockedUntil: number;
  /** FIFO: each acquirer waits for the previous one to be granted. */
  tail: Promise<void>;
  /** Wakes the head waiter when a slot is released. */
  onRelease: (() => void) | undefined;
}

const WINDOW_MS = 1000;

/**
 * In-process limiter. A call occupies its slot from grant until one window after its answer
 * arrived, so at most `qps` calls can *arrive* upstream within any window of a second, whatever the
 * network jitter (the provider counts arrivals). Stricter than a token bucket, which allows up to
 * twice the rate across a window boundary.
 */
export class InProcessRateLimiter implements UpstreamRateLimiter {
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly now: () => number = Date.now) {}

  async acquire(key: string, qps: number, maxWaitMs: number): Promise<Permit> {
    if (!(qps > 0)) {
      throw new Error(`qps must be positive for ${key}`);
    }
    const state = this.state(key);
    const deadline = this.now() + maxWaitMs;
    const previous = state.tail;
    let done!: () => void;
    state.tail = new Promise<void>((resolve) => (done = resolve));
    try {
      await previous;
      return await this.waitForSlot(state, Math.floor(qps), deadline, key, maxWaitMs);
    } finally {
      done();
    }
  }

  backoff(key: string, ms: number): void {
    const state = this.state(key);
    state.blockedUntil = Math.max(state.blockedUntil, this.now() + ms);
  }

  private async waitForSlot(state: KeyState, qps: number, deadline: number, key: string, maxWaitMs: number): Promise<Permit> {
    const limit = Math.max(1, qps);
    for (;;) {
      const now = this.now();
      state.slots = state.slots.filter((s) => s.releasedAt === null || now - s.releasedAt < WINDOW_MS);
      let waitMs: number;
      if (state.blockedUntil > now) {
        waitMs = state.blockedUntil - now;
      } else if (state.slots.length < limit) {
        const slot: Slot = { releasedAt: null };
        state.slots.push(slot);
        return {
          release: () => {
            if (slot.releasedAt === null) {
              slot.releasedAt = this.now();
              state.onRelease?.();
            }
          },
        };
      } else {
        const released = state.slots.filter((s) => s.releasedAt !== null).map((s) => s.releasedAt!);
        // All in flight: wait for an answer (bounded by the deadline).
        waitMs = released.length > 0 ? Math.min(...released) + WINDOW_MS - now : Number.POSITIVE_INFINITY;
      }
      if (now >= deadline || (Number.isFinite(waitMs) && now + waitMs > deadline)) {
        throw new RateLimitWaitExceeded(key, maxWaitMs);
      }
      await this.sleep(state, Math.max(1, Math.min(waitMs, deadline - now)));
    }
  }

  private sleep(state: KeyState, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        state.onRelease = undefined;
        resolve();
      };
      const timer = setTimeout(wake, ms);
      state.onRelease = wake;
    });
  }

  private state(key: string): KeyState {
    let s = this.keys.get(key);
    if (!s) {
      s = { slots: [], blockedUntil: 0, tail: Promise.resolve(), onRelease: undefined };
      this.keys.set(key, s);
    }
    return s;
  }
}

/** What the shared (Redis-backed when configured) limiter offers; see @app/throttling LimiterService. */
export interface SharedBudget {
  acquire(key: string, qps: number, options?: { maxWaitMs?: number }): Promise<void>;
}

/**
 * Both budgets: this instance's exact sliding limit, then the budget shared by every instance
 * (fixed one-second windows in Redis when REDIS_URL is set), so N instances together stay within
 * one account's limits.
 */
export class SharedRateLimiter implements UpstreamRateLimiter {
  private readonly local = new InProcessRateLimiter();

  constructor(private readonly shared: SharedBudget) {}

  async acquire(key: string, qps: number, maxWaitMs: number): Promise<Permit> {
    const started = Date.now();
    const permit = await this.local.acquire(key, qps, maxWaitMs);
    try {
      await this.shared.acquire(`volcengine:${key}`, Math.max(1, Math.floor(qps)), { maxWaitMs: Math.max(0, maxWaitMs - (Date.now() - started)) });
    } catch (error) {
      permit.release();
      throw error instanceof Error && error.name === 'DomainException' ? new RateLimitWaitExceeded(key, maxWaitMs) : error;
    }
    return permit;
  }

  backoff(key: string, ms: number): void {
    this.local.backoff(key, ms);
  }
}
