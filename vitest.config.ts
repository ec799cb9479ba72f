import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The machines are shared and noisy: tests assert behaviour; the few time bounds (a hang, a
    // regex that explodes, Ctrl-C) are many times the normal time.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
  },
});
