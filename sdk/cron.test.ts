import { describe, expect, it } from 'vitest';
import { cronProblem, nextRun, parseCron, previousRun } from './cron.js';
import { manifestSchema } from './manifest.js';

const at = (s: string) => new Date(s);
const prev = (expr: string, s: string) => previousRun(expr, at(s))?.toISOString() ?? null;
const next = (expr: string, s: string) => nextRun(expr, at(s))?.toISOString() ?? null;

describe('cron expressions', () => {
  it('finds the latest slot at or before an instant (UTC)', () => {
    expect(prev('0 2 * * *', '2026-06-15T08:00:00Z')).toBe('2026-06-15T02:00:00.000Z');
    expect(prev('0 2 * * *', '2026-06-15T01:59:59Z')).toBe('2026-06-14T02:00:00.000Z');
    expect(prev('0 2 * * *', '2026-06-15T02:00:30Z')).toBe('2026-06-15T02:00:00.000Z');
    expect(prev('0 8 1 * *', '2026-06-15T08:00:00Z')).toBe('2026-06-01T08:00:00.000Z');
    expect(prev('0 8 1 * *', '2026-01-01T07:00:00Z')).toBe('2025-12-01T08:00:00.000Z');
    expect(prev('*/15 * * * *', '2026-06-15T08:44:00Z')).toBe('2026-06-15T08:30:00.000Z');
    expect(prev('5,35 9-17/4 * * *', '2026-06-15T20:00:00Z')).toBe('2026-06-15T17:35:00.000Z');
    expect(prev('0 0 29 2 *', '2026-06-15T00:00:00Z')).toBe('2024-02-29T00:00:00.000Z');
    // Sunday as 0 or 7; 2026-06-14 is a Sunday.
    expect(prev('30 6 * * 0', '2026-06-16T00:00:00Z')).toBe('2026-06-14T06:30:00.000Z');
    expect(prev('30 6 * * 7', '2026-06-16T00:00:00Z')).toBe('2026-06-14T06:30:00.000Z');
    expect(prev('0 12 * * 1-5', '2026-06-14T13:00:00Z')).toBe('2026-06-12T12:00:00.000Z');
    // Both day fields restricted: either matches (1st of the month or a Monday).
    expect(prev('0 0 1 * 1', '2026-06-07T00:00:00Z')).toBe('2026-06-01T00:00:00.000Z');
    expect(prev('0 0 1 * 1', '2026-06-09T00:00:00Z')).toBe('2026-06-08T00:00:00.000Z');
    expect(prev('0 0 1 * 1', '2026-06-08T23:00:00Z')).toBe('2026-06-08T00:00:00.000Z');
    // A day field written with `*` (`*/2` too) is not a restriction: both must match (odd days that are Mondays).
    expect(prev('0 0 */2 * 1', '2026-06-14T00:00:00Z')).toBe('2026-06-01T00:00:00.000Z');
    expect(prev('0 0 1 * */2', '2026-06-14T00:00:00Z')).toBe('2026-03-01T00:00:00.000Z');
  });

  it('agrees with a minute-by-minute search', () => {
    const exprs = ['0 2 * * *', '0 8 1 * *', '*/7 3-5 * * 2,4', '15 */6 10-20 1,6,12 *', '0 0 1 * 1', '59 23 31 * *'];
    const start = Date.parse('2026-05-28T00:00:00Z');
    for (const expr of exprs) {
      const s = parseCron(expr);
      const fires = (t: number) => previousRun(s, new Date(t))?.getTime() === t;
      let last: number | null = null;
      for (let t = start - 40 * 86_400_000; t < start; t += 60_000) if (fires(t)) last = t;
      const found = previousRun(s, new Date(start - 1));
      if (last !== null) expect(found?.getTime(), expr).toBe(last);
      const n = nextRun(s, new Date(start - 60_000));
      expect(n && previousRun(s, n)?.getTime(), expr).toBe(n?.getTime());
    }
  });

  it('finds the next slot strictly after an instant', () => {
    expect(next('0 2 * * *', '2026-06-15T02:00:00Z')).toBe('2026-06-16T02:00:00.000Z');
    expect(next('0 8 1 * *', '2026-12-15T00:00:00Z')).toBe('2027-01-01T08:00:00.000Z');
  });

  it('names the problem of a bad expression', () => {
    expect(cronProblem('0 2 * * *')).toBeNull();
    for (const bad of ['0 2 * *', '60 * * * *', '* 24 * * *', '* * 0 * *', '* * * 13 *', '* * * * 8', '5-1 * * * *', '*/0 * * * *', 'a * * * *', '0 0 30 2 *', '1,,2 * * * *']) {
      expect(cronProblem(bad), bad).not.toBeNull();
    }
  });

  it('is accepted in a manifest schedule beside everyMinutes', () => {
    const base = { id: 'cron-plugin', name: { zh: '定时', en: 'Cron' }, version: '1.0.0', engine: '^1.0.0', author: 'me', permissions: ['schedule'] };
    expect(manifestSchema.safeParse({ ...base, schedule: [{ name: 'nightly', cron: '0 2 * * *' }, { name: 'monthly', cron: '0 8 1 * *' }, { name: 'often', everyMinutes: 5 }] }).success).toBe(true);
    const bad = manifestSchema.safeParse({ ...base, schedule: [{ name: 'nightly', cron: '0 25 * * *' }] });
    expect(bad.success).toBe(false);
    expect(JSON.stringify(bad.error?.issues)).toContain('hour');
    expect(manifestSchema.safeParse({ ...base, schedule: [{ name: 'x', cron: '0 2 * * *', everyMinutes: 5 }] }).success).toBe(false);
    expect(manifestSchema.safeParse({ ...base, schedule: [{ name: 'x', cron: '0 2 * * *' }, { name: 'x', everyMinutes: 5 }] }).success).toBe(false);
  });
});
