import { defineConfig } from 'vitest/config';

// Runs the template tests of this folder alone (`npm test` here). They synthesize a stack and need
// neither DynamoDB Local nor the network, so there is no global setup.
export default defineConfig({
  resolve: { conditions: ['@dynamo-es/source'] },
  ssr: { resolve: { conditions: ['@dynamo-es/source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
