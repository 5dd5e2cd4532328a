import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DomainException } from '@app/common';
import { LimiterService } from './limiter.service';

export const LOGIN_FAILURE_LIMIT = 10;
export const LOGIN_WINDOW_SECONDS = 15 * 60;

/**
 * Console login throttling (CONTRACT §3): failed logins are counted per account and per IP; after
 * 10 failures within 15 minutes (counted from the first) that account or IP answers 429
 * `rate_limited` with `Retry-After` for 15 minutes from the failure that reached the limit, whether
 * or not the email exists. Kept in the shared limiter, so with REDIS_URL the count is global across
 * instances. A success clears the account's count, not the IP's.
 *
 * Usage: `await assertAllowed(email, ip)` before checking the password, `recordFailure` on any
 * failure (unknown email included), `recordSuccess` after a full login.
 */
@Injectable()
export class LoginThrottle {
  constructor(private readonly limiter: LimiterService) {}

  async assertAllowed(email: string, ip: string): Promise<void> {
    const [account, address] = await Promise.all([
      this.limiter.peek('login-block', accountKey(email), 1, LOGIN_WINDOW_SECONDS),
      this.limiter.peek('login-block', ipKey(ip), 1, LOGIN_WINDOW_SECONDS),
    ]);
    const retryAfter = Math.max(account.allowed ? 0 : account.resetSeconds, address.allowed ? 0 : address.resetSeconds);
    if (retryAfter > 0) {
      throw new DomainException('rate_limited', 'Too many failed sign-in attempts; try again later', undefined, undefined, { 'retry-after': String(retryAfter) });
    }
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await Promise.all(
      [accountKey(email), ipKey(ip)].map(async (key) => {
        const state = await this.limiter.hit('login-failures', key, LOGIN_FAILURE_LIMIT, LOGIN_WINDOW_SECONDS);
        if (state.remaining === 0) {
          // The block runs a full window from the failure that reached the limit.
          await this.limiter.reset('login-block', key, LOGIN_WINDOW_SECONDS);
          await this.limiter.hit('login-block', key, 1, LOGIN_WINDOW_SECONDS);
          await this.limiter.reset('login-failures', key, LOGIN_WINDOW_SECONDS);
        }
      }),
    );
  }

  async recordSuccess(email: string): Promise<void> {
    await this.limiter.reset('login-failures', accountKey(email), LOGIN_WINDOW_SECONDS);
  }
}

// Emails are hashed so Redis never holds them.
function accountKey(email: string): string {
  return `a:${createHash('sha256').update(email.trim().toLowerCase()).digest('base64url')}`;
}

function ipKey(ip: string): string {
  return `i:${ip}`;
}
