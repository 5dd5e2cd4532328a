import { Global, Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '@app/common';
import { LimiterService } from './limiter.service';
import { THROTTLERS } from './limit.guard';
import { LoginThrottle } from './login-throttle';
import { RedisConnection } from './redis.connection';
import { SharedThrottlerStorage } from './shared-throttler.storage';
import { WindowStore } from './window.store';

/** The counters and their storage; its own module so ThrottlerModule's options factory can import it. */
@Module({
  providers: [RedisConnection, WindowStore, SharedThrottlerStorage],
  exports: [RedisConnection, WindowStore, SharedThrottlerStorage],
})
class WindowStoreModule {}

/**
 * Limits that hold across instances: @nestjs/throttler's module on our shared storage, plus the
 * limiter service for login throttling and upstream QPS budgets. Global, imported once by the app;
 * the guards (customer key, operator) live with their authentication and extend LimitGuard.
 */
@Global()
@Module({
  imports: [
    WindowStoreModule,
    ThrottlerModule.forRootAsync({
      imports: [WindowStoreModule],
      inject: [APP_CONFIG, SharedThrottlerStorage],
      useFactory: (config: AppConfig, storage: SharedThrottlerStorage) => {
        const ttl = config.throttling.windowSeconds * 1000;
        return {
          storage,
          setHeaders: false,
          throttlers: [
            // The guards supply the real limits (plan, configuration); these are only defaults.
            { name: THROTTLERS.default, ttl, limit: config.throttling.operatorRequestsPerMinute },
            { name: THROTTLERS.generate, ttl, limit: config.throttling.generateRequestsPerMinute },
          ],
        };
      },
    }),
  ],
  providers: [LimiterService, LoginThrottle],
  exports: [WindowStoreModule, LimiterService, LoginThrottle],
})
export class ThrottlingModule {}
