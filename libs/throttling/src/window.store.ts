import { Inject, Injectable, Logger } from '@nestjs/common';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract, type RateLimiterRes } from 'rate-limiter-flexible';
import { APP_CONFIG, type AppConfig, MetricsService } from '@app/common';
import { RedisConnection } from './redis.connection';

/** Where a fixed window stands after a hit (or a look). */
export interface WindowState {
  /** Hits counted in the current window, this one included. */
  hits: number;
  /** Milliseconds until the window resets. */
  msBeforeReset: number;
}

// Limits are compared by the callers, so one counter per key serves any limit (a plan change keeps the count).
const UNLIMITED = Number.MAX_SAFE_INTEGER;

/** Redis limiter whose in-memory insurance counts and logs every time it has to stand in. */
class FallbackMemoryLimiter extends RateLimiterMemory {
  constructor(
    options: ConstructorParameters<typeof RateLimiterMemory>[0],
    private readonly onFallback: () => void,
  ) {
    super(options);
  }

  override consume(...args: Parameters<RateLimiterMemory['consume']>): Promise<RateLimiterRes> {
    this.onFallback();
    return super.consume(...args);
  }

  override get(...args: Parameters<RateLimiterMemory['get']>): Promise<RateLimiterRes | null> {
    this.onFallback();
    return super.get(...args);
  }

  override delete(...args: Parameters<RateLimiterMemory['delete']>): Promise<boolean> {
    this.onFallback();
    return super.delete(...args);
  }
}

/**
 * Fixed-window counters: in process memory by default, in Redis when REDIS_URL is set (so every
 * instance shares one count). rate-limiter-flexible does the storage; when Redis fails or is not
 * connected, its insurance limiter (process memory) answers instead: the gateway keeps serving with
 * per-process limits, logs the switch once and counts every fallback in
 * `throttle_redis_fallback_total`.
 */
@Injectable()
export class WindowStore {
  private readonly limiters = new Map<string, RateLimiterAbstract>();
  private readonly logger = new Logger('Throttling');
  private readonly fallbacks;
  private degraded = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly redis: RedisConnection,
    metrics: MetricsService,
  ) {
    this.fallbacks = metrics.counter('throttle_redis_fallback_total', 'Limiter operations answered from process memory because Redis was unreachable');
    metrics.gauge('throttle_redis_up', '1 when the shared limiter store (Redis) is connected, 0 when limits are per process', [], function () {
      this.set(redis.ready ? 1 : 0);
    });
    redis.client?.on('ready', () => {
      if (this.degraded) {
        this.degraded = false;
        this.logger.log('Redis reachable again: limits are shared across instances');
      }
    });
  }

  /** Whether the counters are shared (Redis configured), whatever its current health. */
  get shared(): boolean {
    return this.redis.client !== undefined;
  }

  async hit(namespace: string, key: string, windowSeconds: number): Promise<WindowState> {
    const res = await this.limiter(namespace, windowSeconds).consume(key, 1);
    return { hits: res.consumedPoints, msBeforeReset: Math.max(0, res.msBeforeNext) };
  }

  async peek(namespace: string, key: string, windowSeconds: number): Promise<WindowState> {
    const res = await this.limiter(namespace, windowSeconds).get(key);
    return res ? { hits: res.consumedPoints, msBeforeReset: Math.max(0, res.msBeforeNext) } : { hits: 0, msBeforeReset: 0 };
  }

  async reset(namespace: string, key: string, windowSeconds: number): Promise<void> {
    await this.limiter(namespace, windowSeconds).delete(key);
  }

  private limiter(namespace: string, windowSeconds: number): RateLimiterAbstract {
    const duration = Math.max(1, Math.round(windowSeconds));
    const id = `${namespace}:${duration}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      const keyPrefix = `${this.config.throttling.redisKeyPrefix}:rl:${id}`;
      const options = { keyPrefix, points: UNLIMITED, duration };
      const client = this.redis.client;
      limiter = client
        ? new RateLimiterRedis({
            ...options,
            storeClient: client,
            rejectIfRedisNotReady: true,
            insuranceLimiter: new FallbackMemoryLimiter(options, () => this.onFallback()),
          })
        : new RateLimiterMemory(options);
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  private onFallback(): void {
    this.fallbacks.inc();
    if (!this.degraded) {
      this.degraded = true;
      this.logger.warn('Redis unreachable: limits fall back to this process until it is back');
    }
  }
}
