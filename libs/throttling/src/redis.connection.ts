import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { Redis } from 'ioredis';
import { APP_CONFIG, type AppConfig } from '@app/common';

const CONNECT_WAIT_MS = 2000;

/**
 * The one Redis connection behind every shared limit, or none without REDIS_URL. Commands fail fast
 * instead of queueing while the connection is down (the limiters then fall back to process memory),
 * and the client keeps reconnecting in the background.
 */
@Injectable()
export class RedisConnection implements OnModuleInit, OnModuleDestroy {
  readonly client: Redis | undefined;
  private readonly logger = new Logger('Throttling');
  private lastErrorLog = 0;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    if (config.redisUrl === undefined) {
      return;
    }
    this.client = new Redis(config.redisUrl, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 500,
      connectTimeout: 1000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
    });
    // Without a listener an unreachable Redis would be an unhandled 'error' event; one line per 30 s is enough.
    this.client.on('error', (error: Error) => {
      if (Date.now() - this.lastErrorLog > 30_000) {
        this.lastErrorLog = Date.now();
        this.logger.warn(`Redis error: ${error.message}`);
      }
    });
  }

  get ready(): boolean {
    return this.client?.status === 'ready';
  }

  /** Waits briefly for the first connection so the first requests do not all count as fallbacks; never fails start-up. */
  async onModuleInit(): Promise<void> {
    if (!this.client) {
      return;
    }
    const connected = await Promise.race([
      this.client.connect().then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), CONNECT_WAIT_MS).unref()),
    ]);
    if (!connected) {
      this.logger.warn('Redis is not reachable at start: limits are per process until it is');
    }
  }

  onModuleDestroy(): void {
    this.client?.disconnect();
  }
}
