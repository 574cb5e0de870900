import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import { readExecutionReport, readTimeProgress } from '../plugins/ledger-read.js';
import { completedMonths, progressByMonth, reportAsOf, timeProgress } from './time-progress.js';

describe('序时进度: the one definition', () => {
  it('by month: completed months ÷ 12, a month counting on its last day', () => {
    expect(timeProgress({ basis: 'month', year: 2026, asOf: '2026-11-29' })).toBe(0.8333); // 10/12
    expect(timeProgress({ basis: 'month', year: 2026, asOf: '2026-11-30' })).toBe(0.9167); // 11/12
    expect(timeProgress({ basis: 'month', year: 2026, asOf: '2026-12-03' })).toBe(0.9167); // still 11/12
    expect(timeProgress({ basis: 'month', year: 2026, asOf: '2026-12-31' })).toBe(1);
    expect(timeProgress({ basis: 'month', year: 2026, asOf: '2026-01-15' })).toBe(0);
    expect(timeProgress({ basis: 'month', year: 2028, asOf: '2028-02-29' })).toBe(0.1667); // leap February ends on the 29th: 2/12
    expect(timeProgress({ basis: 'month', year: 2026, asOf: '2026-02-28' })).toBe(0.1667);
    expect(completedMonths(2026, '2026-06-29')).toBe(5);
    expect(completedMonths(2026, '2026-06-30')).toBe(6);
  });

  it('by day: elapsed days (the day included) ÷ days in the year', () => {
    expect(timeProgress({ basis: 'day', year: 2026, asOf: '2026-12-03' })).toBe(0.9233); // 337/365 = 0.92329
    expect(timeProgress({ basis: 'day', year: 2026, asOf: '2026-01-01' })).toBe(0.0027); // 1/365
    expect(timeProgress({ basis: 'day', year: 2026, asOf: '2026-12-31' })).toBe(1);
    expect(timeProgress({ basis: 'day', year: 2028, asOf: '2028-07-01' })).toBe(0.5); // 183/366
  });

  it('is 0 before the year and 1 after it, on both bases', () => {
    for (const basis of ['month', 'day'] as const) {
      expect(timeProgress({ basis, year: 2027, asOf: '2026-12-31' })).toBe(0);
      expect(timeProgress({ basis, year: 2025, asOf: '2026-01-01' })).toBe(1);
    }
  });

  it('a report through month m stands on min(end of month m, today)', () => {
    expect(reportAsOf(2026, 12, '2026-12-03')).toBe('2026-12-03');
    expect(reportAsOf(2026, 9, '2026-12-03')).toBe('2026-09-30');
    expect(reportAsOf(2026, 2, '2026-12-03')).toBe('2026-02-28');
    const byMonth = progressByMonth('month', 2026, '2026-12-03');
    expect(byMonth.slice(0, 3)).toEqual([0.0833, 0.1667, 0.25]);
    expect(byMonth[10]).toBe(0.9167);
    expect(byMonth[11]).toBe(0.9167); // December, run on the 3rd
  });

  it('refuses what is not a date', () => {
    expect(() => timeProgress({ basis: 'month', year: 2026, asOf: '2026/12/03' })).toThrow(RangeError);
    expect(() => timeProgress({ basis: 'day', year: 2026, asOf: '2026-02-30' })).toThrow(RangeError);
    expect(() => completedMonths(2026, '2026-13-01')).toThrow(RangeError);
  });
});

describe('序时进度: one value in the report, the route and the host API', () => {
  let env: TestEnv;
  // 10:00 in Beijing on 3 December 2026, for every call (sessions included).
  const NOW = new Date('2026-12-03T02:00:00Z');
  beforeAll(async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: NOW });
    env = await createTestEnv();
  });
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'], now: NOW }));
  afterEach(() => vi.useRealTimers());
  afterAll(async () => env.close());

  const basis = async (timeProgressBasis: 'month' | 'day' | undefined) => {
    const token = await env.login('a.admin');
    const current = await env.call('GET', '/api/units/a/ledger-settings', { token });
    const { timeProgressBasis: _old, ...rest } = current.body;
    const put = await env.call('PUT', '/api/units/a/ledger-settings', { token, body: { ...rest, ...(timeProgressBasis ? { timeProgressBasis } : {}) } });
    expect(put.status).toBe(200);
  };

  it('on 3 December the December report, the route and the plugin host all say 91.67% by month, 92.33% by day', async () => {
    const token = await env.login('a.finance');
    const route = await env.call('GET', '/api/units/a/time-progress', { token });
    expect(route.status).toBe(200);
    expect(route.body).toMatchObject({ year: 2026, asOf: '2026-12-03', basis: 'month', value: 0.9167, completedMonths: 11 });
    expect(route.body.definition.zh).toContain('÷ 12');
    const report = await env.call('GET', '/api/units/a/reports/execution?year=2026&month=12', { token });
    expect(report.body.timeProgress).toBe(0.9167);
    const byMonth = report.body.tables.find((t: { id: string }) => t.id === 'by_month').rows;
    // Month by month the report stands on each month's end, the current month on today.
    expect(byMonth.map((r: { progress: number }) => r.progress)).toEqual([...route.body.byMonth.slice(0, 11), 0.9167]);
    expect(route.body.byMonth[11]).toBe(1);
    expect((await readTimeProgress(env.kernel.db, 'a', { year: 2026 })).value).toBe(0.9167);
    expect((await readExecutionReport(env.kernel.db, 'a', { year: 2026, month: 12 })).timeProgress).toBe(0.9167);

    await basis('day');
    try {
      const day = await env.call('GET', '/api/units/a/time-progress?year=2026', { token });
      expect(day.body).toMatchObject({ basis: 'day', value: 0.9233, asOf: '2026-12-03' });
      const dayReport = await env.call('GET', '/api/units/a/reports/execution?year=2026&month=12', { token });
      expect(dayReport.body.timeProgress).toBe(0.9233);
      expect(dayReport.body.tables.find((t: { id: string }) => t.id === 'by_month').rows[5].progress).toBe(0.4959); // 181/365 on 30 June
      expect((await readTimeProgress(env.kernel.db, 'a', {})).value).toBe(0.9233);
      // Another unit keeps its own (default) basis.
      expect((await readTimeProgress(env.kernel.db, 'b', {})).basis).toBe('month');
    } finally {
      await basis(undefined);
    }
    expect((await env.call('GET', '/api/units/a/ledger-settings', { token: await env.login('a.admin') })).body.timeProgressBasis).toBe('month');
  });

  it('answers a date asked for, and refuses a date that is not one', async () => {
    const token = await env.login('a.finance');
    const june = await env.call('GET', '/api/units/a/time-progress?year=2026&date=2026-06-30', { token });
    expect(june.body).toMatchObject({ year: 2026, asOf: '2026-06-30', value: 0.5 });
    const past = await env.call('GET', '/api/units/a/time-progress?year=2025&date=2026-06-30', { token });
    expect(past.body.value).toBe(1);
    for (const bad of ['date=2026-02-30', 'date=tomorrow', 'year=1999']) {
      const r = await env.call('GET', `/api/units/a/time-progress?${bad}`, { token });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('VALIDATION_FAILED');
    }
    await expect(readTimeProgress(env.kernel.db, 'a', { date: '2026-13-01' })).rejects.toMatchObject({ code: 'PLUGIN_BAD_ARGUMENTS' });
    await expect(readTimeProgress(env.kernel.db, 'a', { date: '2026-02-30' })).rejects.toMatchObject({ code: 'PLUGIN_BAD_ARGUMENTS' });
    await expect(readTimeProgress(env.kernel.db, 'a', { year: 26 })).rejects.toMatchObject({ code: 'PLUGIN_BAD_ARGUMENTS' });
  });

  it('refuses a basis the definition does not know', async () => {
    const token = await env.login('a.admin');
    const current = await env.call('GET', '/api/units/a/ledger-settings', { token });
    const r = await env.call('PUT', '/api/units/a/ledger-settings', { token, body: { ...current.body, timeProgressBasis: 'week' } });
    expect(r.status).toBe(400);
    expect((await env.call('GET', '/api/units/a/ledger-settings', { token })).body.timeProgressBasis).toBe('month');
  });
});
