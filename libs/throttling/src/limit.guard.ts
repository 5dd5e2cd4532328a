import type { ExecutionContext } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerRequest } from '@nestjs/throttler';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainException } from '@app/common';

/** The throttlers every limit guard knows (ThrottlingModule registers both). */
export const THROTTLERS = { default: 'default', generate: 'generate' } as const;

interface BucketState {
  limit: number;
  remaining: number;
  reset: number;
}

type LimitedRequest = FastifyRequest & { rateLimit?: BucketState };

/**
 * @nestjs/throttler's guard with our contract: the budget of a bucket comes from the subclass (the
 * caller's plan, configuration), the key is the caller (not the route), every answer carries
 * `RateLimit-Limit` / `RateLimit-Remaining` / `RateLimit-Reset` (seconds) of the tightest bucket,
 * and going over answers 429 `rate_limited` with `Retry-After`.
 */
export abstract class LimitGuard extends ThrottlerGuard {
  /** The budget of this bucket per window for this request, or undefined when the bucket does not apply. */
  protected abstract limitFor(context: ExecutionContext, throttler: string, configured: number): Promise<number | undefined> | number | undefined;

  /** Who is counted: must be set by the authentication guard that runs before this one. */
  protected abstract override getTracker(request: FastifyRequest): Promise<string>;

  protected override generateKey(_context: ExecutionContext, tracker: string, throttler: string): string {
    // Per caller across all routes, not per route (the library's default).
    return `${throttler}:${tracker}`;
  }

  protected override async handleRequest(props: ThrottlerRequest): Promise<boolean> {
    const { context, throttler, ttl } = props;
    const name = throttler.name ?? THROTTLERS.default;
    const limit = await this.limitFor(context, name, props.limit);
    if (limit === undefined) {
      return true;
    }
    const http = context.switchToHttp();
    const request = http.getRequest<LimitedRequest>();
    const reply = http.getResponse<FastifyReply>();
    const tracker = await props.getTracker(request, context);
    const key = props.generateKey(context, tracker, name);
    const record = await this.storageService.increment(key, ttl, limit, props.blockDuration, name);
    const state: BucketState = { limit, remaining: Math.max(0, limit - record.totalHits), reset: record.timeToExpire };
    if (record.isBlocked) {
      const headers = { ...rateLimitHeaders(state), 'retry-after': String(record.timeToBlockExpire) };
      throw new DomainException('rate_limited', `Rate limit of ${limit} requests per ${Math.round(ttl / 1000)} s exceeded; retry after ${record.timeToBlockExpire} s`, undefined, undefined, headers);
    }
    const current = request.rateLimit;
    if (!current || state.remaining < current.remaining) {
      request.rateLimit = state;
      void reply.headers(rateLimitHeaders(state));
    }
    return true;
  }
}

function rateLimitHeaders(state: BucketState): Record<string, string> {
  return { 'ratelimit-limit': String(state.limit), 'ratelimit-remaining': String(state.remaining), 'ratelimit-reset': String(state.reset) };
}
