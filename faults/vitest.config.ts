import { defineConfig } from 'vitest/config';

// The fault suite (`pnpm test:faults`): real server processes on a private PostgreSQL cluster.
// Kept out of `pnpm test`: it kills processes and restarts a database, and takes minutes.
export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
