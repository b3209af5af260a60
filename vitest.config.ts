import { configDefaults, defineConfig } from 'vitest/config';

// Two projects so that only the suites that need Redis pay for it: `unit` (unit and
// meta tests: no network, no Redis) never runs the Redis global setup; `integration`
// (everything else) gets a single Redis and a Redis Cluster from `test/global-setup.ts`.
export default defineConfig({
  test: {
    setupFiles: ['test/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/meta/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/unit/**', 'test/meta/**'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
