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
    // EMF metric lines are for CloudWatch and log lines for operators: tests that check them spy on
    // the metrics or capture the lines (test/support/logs.ts); the others' lines are not printed.
    env: { INDEX_SHARDS: '4', POWERTOOLS_METRICS_DISABLED: 'true', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    setupFiles: ['test/support/quiet-logs.ts'],
  },
});
