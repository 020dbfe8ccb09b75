import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // End-to-end tests spawn bin/dvd.js and git; two cores, so keep the fan-out modest.
    maxWorkers: 2,
  },
});
