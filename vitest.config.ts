import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Fixture runs sleep and spawn processes; two workers match this machine's two cores.
    maxWorkers: 2,
  },
});
