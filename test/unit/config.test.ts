import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@app/common';

const KEY = Buffer.alloc(32, 1).toString('base64');

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems;
    }
    throw error;
  }
  return [];
}

describe('configuration', () => {
  it('has the contract defaults with an empty environment', () => {
    const config = loadConfig({}, '/srv/app');
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: undefined,
      dataDir: '/srv/app/.data',
      publicBaseUrl: 'http://localhost:3000',
      redisUrl: undefined,
      role: 'all',
      storageDriver: 'local',
      logLevel: 'info',
      production: false,
      schedulerEnabled: true,
    });
  });

  it('derives PUBLIC_BASE_URL from PORT and strips a trailing slash when given', () => {
    expect(loadConfig({ PORT: '8080' }).publicBaseUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_BASE_URL: 'https://api.example.com/' }).publicBaseUrl).toBe('https://api.example.com');
  });

  it('names every invalid variable and the rule it broke, all at once', () => {
    const list = problems({ PORT: 'eighty', ROLE: 'boss', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x', SECRETS_KEY: 'short', REDIS_URL: 'nope' });
    expect(list).toHaveLength(6);
    expect(list.join('\n')).toMatch(/PORT must be an integer from 0 to 65535 \(got "eighty"\)/);
    expect(list.join('\n')).toMatch(/ROLE must be one of all, api, worker/);
    expect(list.join('\n')).toMatch(/LOG_LEVEL must be one of/);
    expect(list.join('\n')).toMatch(/DATABASE_URL must be a postgres: or postgresql: URL/);
    expect(list.join('\n')).toMatch(/SECRETS_KEY must be 32 bytes encoded as base64/);
    expect(list.join('\n')).toMatch(/REDIS_URL must be a valid URL/);
  });

  it('refuses production without DATABASE_URL, MY_PRIVATE_API_KEY and SECRETS_KEY, listing them in one message', () => {
    const list = problems({ NODE_ENV: 'production' });
    expect(list).toEqual([expect.stringContaining('NODE_ENV=production needs DATABASE_URL, MY_PRIVATE_API_KEY, SECRETS_KEY')]);
    expect(
      problems({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', MY_PRIVATE_API_KEY: 'k'.repeat(40), SECRETS_KEY: KEY }),
    ).toEqual([]);
    expect(problems({ NODE_ENV: 'production', DATABASE_URL: 'postgres://db/x', SECRETS_KEY: KEY })).toEqual([
      expect.stringContaining('needs MY_PRIVATE_API_KEY: set it'),
    ]);
  });

  it('ROLE=api runs no scheduler; worker and all do', () => {
    expect(loadConfig({ ROLE: 'api' }).schedulerEnabled).toBe(false);
    expect(loadConfig({ ROLE: 'worker' }).schedulerEnabled).toBe(true);
  });

  it('requires S3_BUCKET with STORAGE_DRIVER=s3', () => {
    expect(problems({ STORAGE_DRIVER: 's3' })).toEqual(['S3_BUCKET is required when STORAGE_DRIVER=s3']);
  });
});
