import { defineConfig } from 'vitest/config';

// isolated-vm (plugin sandbox) needs --no-node-snapshot on Node >= 20; every test worker gets it.
export default defineConfig({
  test: {
    include: ['core/**/*.test.ts', 'sdk/**/*.test.ts', 'plugins/**/*.test.ts', 'test/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { execArgv: ['--no-node-snapshot'] } },
    testTimeout: 120_000,
    hookTimeout: 180_000,
    env: { UNIBUDGET_KDF: 'fast' },
  },
});
