import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

const alias = {
  '@app/api-keys': resolve(root, 'libs/api-keys/src'),
  '@app/auth': resolve(root, 'libs/auth/src'),
  '@app/common': resolve(root, 'libs/common/src'),
  '@app/credits-ledger': resolve(root, 'libs/credits-ledger/src'),
  '@app/customers': resolve(root, 'libs/customers/src'),
  '@app/database': resolve(root, 'libs/database/src'),
  '@app/jobs': resolve(root, 'libs/jobs/src'),
  '@app/media': resolve(root, 'libs/media/src'),
  '@app/provider-accounts': resolve(root, 'libs/provider-accounts/src'),
  '@app/simulation': resolve(root, 'libs/simulation/src'),
  '@app/storage': resolve(root, 'libs/storage/src'),
  '@app/throttling': resolve(root, 'libs/throttling/src'),
  '@app/volcengine-assets': resolve(root, 'libs/volcengine-assets/src'),
};

export default defineConfig({
  plugins: [swc.vite({ module: { type: 'es6' } })],
  resolve: { alias },
  test: {
    include: ['test/**/*.test.ts', 'libs/**/*.spec.ts', 'apps/**/*.spec.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    sequence: { hooks: 'stack' },
  },
});
