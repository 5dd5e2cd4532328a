import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { DomainException, MetricsService, loadConfig } from '@app/common';
import { LimiterService, LOGIN_WINDOW_SECONDS, LoginThrottle } from '@app/throttling';
import { RedisConnection } from '../../libs/throttling/src/redis.connection';
import { WindowStore } from '../../libs/throttling/src/window.store';

const SHARED_REDIS = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const connections: RedisConnection[] = [];

/** One gateway instance's limiter, as the module wires it: in process, or on Redis under a per-run prefix. */
async function instance(redisPrefix?: string): Promise<{ limiter: LimiterService; login: LoginThrottle }> {
  const config = loadConfig(redisPrefix ? { REDIS_URL: SHARED_REDIS, REDIS_KEY_PREFIX: redisPrefix } : {});
  const redis = new RedisConnection(config);
  await redis.onModuleInit();
  connections.push(redis);
  const limiter = new LimiterService(new WindowStore(config, redis, new MetricsService()));
  return { limiter, login: new LoginThrottle(limiter) };
}

afterAll(() => {
  for (const c of connections) {
    c.onModuleDestroy();
  }
});

async function refusal(promise: Promise<unknown>): Promise<DomainException> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainException);
  return error as DomainException;
}

describe('upstream QPS budgets (acquire)', () => {
  it('waits for budget instead of failing, and two instances sharing Redis stay within one budget together', async () => {
    const prefix = `test-${randomUUID()}`;
    const [a, b] = [await instance(prefix), await instance(prefix)];
    const started = Date.now();
    // 12 requests at 5 QPS across both instances: 5 + 5 + 2 over three one-second windows.
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? a : b).limiter.acquire('pa_1:CreateAsset', 5)));
    // A lower bound only: the budget cannot be beaten, however fast the machine.
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
  });

  it('gives up with 503 unavailable and Retry-After once the wait would exceed maxWaitMs', async () => {
    const { limiter } = await instance();
    await limiter.acquire('pa_2:GetAsset', 1);
    const error = await refusal(limiter.acquire('pa_2:GetAsset', 1, { maxWaitMs: 50 }));
    expect(error.code).toBe('unavailable');
    expect(error.headers?.['retry-after']).toBe('1');
  });

  it('keeps separate keys (accounts, actions) apart', async () => {
    const { limiter } = await instance();
    await limiter.acquire('pa_3:GetAsset', 1);
    await limiter.acquire('pa_3:ListAssets', 1, { maxWaitMs: 0 });
    await limiter.acquire('pa_4:GetAsset', 1, { maxWaitMs: 0 });
  });
});

describe('console login throttling', () => {
  it('answers 429 with Retry-After after 10 failures for an account, whether or not it exists, and a success clears the account count', async () => {
    const { login } = await instance();
    for (let i = 0; i < 9; i++) {
      await login.assertAllowed('Nobody@Example.test', `10.0.0.${i}`);
      await login.recordFailure('Nobody@Example.test', `10.0.0.${i}`);
    }
    await login.assertAllowed('nobody@example.test', '10.0.1.1');
    await login.recordFailure('nobody@example.test', '10.0.1.1');
    const error = await refusal(login.assertAllowed('nobody@example.test', '10.0.2.2'));
    expect(error.code).toBe('rate_limited');
    const retryAfter = Number(error.headers?.['retry-after']);
    expect(retryAfter).toBeGreaterThan(LOGIN_WINDOW_SECONDS - 60);
    expect(retryAfter).toBeLessThanOrEqual(LOGIN_WINDOW_SECONDS);
    // Another account from those addresses is fine.
    await login.assertAllowed('someone@example.test', '10.0.0.1');

    for (let i = 0; i < 9; i++) {
      await login.recordFailure('admin@example.test', `10.1.0.${i}`);
    }
    await login.recordSuccess('admin@example.test');
    await login.recordFailure('admin@example.test', '10.1.1.1');
    await login.assertAllowed('admin@example.test', '10.1.2.2');
  });

  it('throttles an IP after 10 failures whatever the emails', async () => {
    const { login } = await instance();
    for (let i = 0; i < 10; i++) {
      await login.recordFailure(`user${i}@example.test`, '192.0.2.7');
    }
    expect((await refusal(login.assertAllowed('fresh@example.test', '192.0.2.7'))).code).toBe('rate_limited');
    await login.assertAllowed('fresh@example.test', '192.0.2.8');
  });

  it('counts failures across instances sharing Redis', async () => {
    const prefix = `test-${randomUUID()}`;
    const [a, b] = [await instance(prefix), await instance(prefix)];
    for (let i = 0; i < 10; i++) {
      await (i % 2 === 0 ? a : b).login.recordFailure('shared@example.test', `198.51.100.${i}`);
    }
    expect((await refusal(a.login.assertAllowed('shared@example.test', '203.0.113.1'))).code).toBe('rate_limited');
    expect((await refusal(b.login.assertAllowed('shared@example.test', '203.0.113.1'))).code).toBe('rate_limited');
  });
});
