export interface ThrottleVerdict {
  blocked: boolean;
  /** Whole seconds until another attempt is considered, when blocked. */
  retryAfterSeconds: number;
}

/**
 * Failed console logins per key (`account:<email>`, `ip:<address>`). An abstract class so Nest can
 * inject it by type and a shared (Redis) implementation can replace the in-process one.
 */
export abstract class LoginThrottle {
  /** Blocked if any key has reached the limit within the window. */
  abstract check(keys: string[]): Promise<ThrottleVerdict>;
  abstract recordFailure(keys: string[]): Promise<void>;
  abstract reset(key: string): Promise<void>;
}

export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_FAILURE_WINDOW_MS = 15 * 60 * 1000;

/**
 * Sliding-window log in this process's memory: at most LOGIN_FAILURE_LIMIT failures per key in
 * LOGIN_FAILURE_WINDOW_MS. Per instance only; several instances each allow their own budget.
 */
export class InMemoryLoginThrottle extends LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  private static readonly MAX_KEYS = 100_000;

  constructor(
    private readonly limit = LOGIN_FAILURE_LIMIT,
    private readonly windowMs = LOGIN_FAILURE_WINDOW_MS,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  check(keys: string[]): Promise<ThrottleVerdict> {
    let retryAfterMs = 0;
    for (const key of keys) {
      const recent = this.recent(key);
      if (recent.length >= this.limit) {
        // Blocked until enough of the oldest failures leave the window.
        const freeAt = recent[recent.length - this.limit] + this.windowMs;
        retryAfterMs = Math.max(retryAfterMs, freeAt - this.now());
      }
    }
    return Promise.resolve({ blocked: retryAfterMs > 0, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) });
  }

  recordFailure(keys: string[]): Promise<void> {
    if (this.failures.size > InMemoryLoginThrottle.MAX_KEYS) {
      this.sweep();
    }
    for (const key of keys) {
      const recent = this.recent(key);
      recent.push(this.now());
      this.failures.set(key, recent.slice(-this.limit * 2));
    }
    return Promise.resolve();
  }

  reset(key: string): Promise<void> {
    this.failures.delete(key);
    return Promise.resolve();
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - this.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > cutoff);
  }

  private sweep(): void {
    for (const key of [...this.failures.keys()]) {
      if (this.recent(key).length === 0) {
        this.failures.delete(key);
      }
    }
  }
}
