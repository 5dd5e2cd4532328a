import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { type AppConfig, createRootLogger, loadConfig } from '@app/common';
import { createGatewayApp } from '../../apps/gateway/src/bootstrap';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  config: AppConfig;
  /** Every log line the app wrote, for tests that prove nothing secret is logged. */
  logs: string[];
  close(): Promise<void>;
}

export const TEST_OPERATOR_KEY = 'op_test_0123456789abcdefghijklmnopqrstuvwxyzABCD';
export const TEST_SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');

/** The real gateway module graph, in this process, on a free loopback port. */
export async function startTestApp(databaseUrl: string, env: Record<string, string> = {}): Promise<TestApp> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  const config = loadConfig({
    LOG_LEVEL: 'info',
    MY_PRIVATE_API_KEY: TEST_OPERATOR_KEY,
    SECRETS_KEY: TEST_SECRETS_KEY,
    ADMIN_EMAIL: 'admin@example.test',
    ADMIN_PASSWORD: 'correct horse battery staple',
    DATABASE_URL: databaseUrl,
    ...env,
  });
  const logger = createRootLogger(config.logLevel, sink);
  const app = await createGatewayApp({ config, databaseUrl, logger });
  // A test that needs PUBLIC_BASE_URL to be our real address passes PORT (see freePort); else any free port.
  await app.listen({ port: env.PORT !== undefined ? config.port : 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    config,
    logs,
    close: () => app.close(),
  };
}

/** A free loopback port right now (for PORT + PUBLIC_BASE_URL when something must call the app back). */
export { freePort } from '@app/database';
