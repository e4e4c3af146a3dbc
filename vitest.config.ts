import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { conditions: ['@dynamo-es/source'] },
  ssr: { resolve: { conditions: ['@dynamo-es/source'] } },
  test: {
    include: [
      'packages/*/test/**/*.test.ts',
      'examples/*/test/**/*.test.ts',
      'examples/*/infra/test/**/*.test.ts',
      'test/**/*.test.ts',
    ],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
