export { ThrottlingModule } from './throttling.module';
export { LimitGuard, THROTTLERS } from './limit.guard';
export { LimiterService, type LimitState, type AcquireOptions } from './limiter.service';
export { LoginThrottle, LOGIN_FAILURE_LIMIT, LOGIN_WINDOW_SECONDS } from './login-throttle';
export { GenerateBucket, GENERATE_BUCKET } from './throttle.decorators';
