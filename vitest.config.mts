import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

const alias = {
  '@app/common': resolve(root, 'libs/common/src'),
  '@app/database': resolve(root, 'libs/database/src'),
  '@app/auth': resolve(root, 'libs/auth/src'),
  '@app/customers': resolve(root, 'libs/customers/src'),
  '@app/api-keys': resolve(root, 'libs/api-keys/src'),
  '@app/credits-ledger': resolve(root, 'libs/credits-ledger/src'),
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
