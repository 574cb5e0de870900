import { describe, expect, it } from 'vitest';
import { databasePoolSizeFromEnv, runnerPoolSizeFromEnv } from './config.js';

describe('pool sizes from the environment', () => {
  it('UNIBUDGET_DB_POOL sets the PostgreSQL connections per process within 1–200, else 10', () => {
    expect(databasePoolSizeFromEnv({})).toBe(10);
    expect(databasePoolSizeFromEnv({ UNIBUDGET_DB_POOL: '24' })).toBe(24);
    expect(databasePoolSizeFromEnv({ UNIBUDGET_DB_POOL: '5000' })).toBe(200);
    for (const bad of ['0', '-3', 'many', '']) expect(databasePoolSizeFromEnv({ UNIBUDGET_DB_POOL: bad })).toBe(10);
  });
  it('UNIBUDGET_PLUGIN_RUNNERS sets the runner processes within 1–16, else 2', () => {
    expect(runnerPoolSizeFromEnv({})).toBe(2);
    expect(runnerPoolSizeFromEnv({ UNIBUDGET_PLUGIN_RUNNERS: '4' })).toBe(4);
    expect(runnerPoolSizeFromEnv({ UNIBUDGET_PLUGIN_RUNNERS: '99' })).toBe(16);
    expect(runnerPoolSizeFromEnv({ UNIBUDGET_PLUGIN_RUNNERS: 'x' })).toBe(2);
  });
});
