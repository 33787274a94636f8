import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // tfjs-wasm is single-threaded per process: one fork per core keeps both cores busy.
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
