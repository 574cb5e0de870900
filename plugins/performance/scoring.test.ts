import { describe, expect, it } from 'vitest';
import { STARTER, SETS } from './src/data/library.js';
import { evaluate, gradeOf, scoreLine, targetWeightsProblem, weightsProblem, DEFAULT_WEIGHTS } from './src/scoring.js';
import { deviationOf, executionDeviation, paymentTimeliness, autoValues } from './src/monitoring.js';
import { matchFlows } from './src/matching.js';
import { filterIndicators, fromRows, HEADER, parseIndicator, STARTER_INDICATORS, toRow } from './src/library.js';
import { readXlsx, writeXlsx } from './src/xlsx.js';
import { LEVEL2, type TargetLine } from './src/types.js';

const line = (over: Partial<TargetLine> & Pick<TargetLine, 'indicatorId' | 'level1' | 'direction' | 'annual' | 'weight'>): TargetLine => ({
  name: over.indicatorId, level2: over.level1 === 'output' ? 'quantity' : over.level1 === 'benefit' ? 'social' : over.level1 === 'cost' ? 'economic-cost' : 'satisfaction',
  unit: '%', method: over.direction === 'gte' ? 'ratio' : over.direction === 'lte' ? 'reverse' : over.direction === 'eq' ? 'equal' : 'qualitative', total: null, ...over,
});

describe('scoring one indicator (财预〔2020〕10号)', () => {
  it('正向 ≥: actual ÷ target × points, capped at the points when over-achieved', () => {
    expect(scoreLine({ direction: 'gte', target: 100, actual: 80, points: 20 }).score).toBe(16);
    expect(scoreLine({ direction: 'gte', target: 100, actual: 100, points: 20 }).score).toBe(20);
    expect(scoreLine({ direction: 'gte', target: 100, actual: 250, points: 20 })).toMatchObject({ score: 20, rate: 1 });
    expect(scoreLine({ direction: 'gte', target: 100, actual: -5, points: 20 }).score).toBe(0);
  });
  it('zero targets: ≥ 0 is met by any actual at or above it; ≤ 0 is missed by anything above it', () => {
    expect(scoreLine({ direction: 'gte', target: 0, actual: 0, points: 10 }).score).toBe(10);
    expect(scoreLine({ direction: 'gte', target: 0, actual: 3, points: 10 }).score).toBe(10);
    expect(scoreLine({ direction: 'lte', target: 0, actual: 0, points: 10 }).score).toBe(10);
    expect(scoreLine({ direction: 'lte', target: 0, actual: 2, points: 10 }).score).toBe(0);
    expect(scoreLine({ direction: 'eq', target: 0, actual: 1, points: 10 }).score).toBe(0);
  });
  it('反向 ≤: full when at or below the target, else target ÷ actual × points by default; the other rules are settings', () => {
    expect(scoreLine({ direction: 'lte', target: 500, actual: 400, points: 10 }).score).toBe(10);
    expect(scoreLine({ direction: 'lte', target: 500, actual: 625, points: 10 }).score).toBe(8);
    expect(scoreLine({ direction: 'lte', target: 500, actual: 625, points: 10, reverseRule: 'deviation' }).score).toBe(7.5);
    expect(scoreLine({ direction: 'lte', target: 500, actual: 1500, points: 10, reverseRule: 'deviation' }).score).toBe(0);
    expect(scoreLine({ direction: 'lte', target: 500, actual: 501, points: 10, reverseRule: 'zero' }).score).toBe(0);
  });
  it('= : full when equal, else reduced by the relative deviation', () => {
    expect(scoreLine({ direction: 'eq', target: 1000, actual: 1000, points: 10 }).score).toBe(10);
    expect(scoreLine({ direction: 'eq', target: 1000, actual: 900, points: 10 }).score).toBe(9);
    expect(scoreLine({ direction: 'eq', target: 1000, actual: 1100, points: 10 }).score).toBe(9);
  });
  it('qualitative: the evaluator picks within the band of the grade', () => {
    expect(scoreLine({ direction: 'qual', target: '达成', actual: null, points: 30, qualitative: { grade: 'partial', pct: 70, reason: '部分完成' } }).score).toBe(21);
    // Outside the band it is held to the band.
    expect(scoreLine({ direction: 'qual', target: '达成', actual: null, points: 30, qualitative: { grade: 'achieved', pct: 50, reason: 'x' } }).score).toBe(24);
    expect(scoreLine({ direction: 'qual', target: '达成', actual: null, points: 30, qualitative: null }).score).toBe(0);
  });
  it('no actual value scores nothing (and says so)', () => {
    expect(scoreLine({ direction: 'gte', target: 10, actual: null, points: 10 })).toMatchObject({ score: 0, note: '无实际完成值' });
  });
  it('grades: 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60', () => {
    expect([90, 89.99, 80, 79.99, 60, 59.99].map(gradeOf)).toEqual(['excellent', 'good', 'good', 'fair', 'fair', 'poor']);
  });
});

describe('weights', () => {
  it('first-level weights must sum to 100', () => {
    expect(weightsProblem(DEFAULT_WEIGHTS)).toBeNull();
    expect(weightsProblem({ execution: 10, output: 50, benefit: 30, satisfaction: 20 })).toContain('合计须为100');
    expect(weightsProblem({ execution: -10, output: 70, benefit: 30, satisfaction: 10 })).toContain('0–100');
  });
  it('a project’s target weights must each be positive and together 100', () => {
    expect(targetWeightsProblem([30, 20, 30, 20])).toBeNull();
    expect(targetWeightsProblem([33.33, 33.33, 33.34])).toBeNull();
    expect(targetWeightsProblem([30, 20, 30])).toContain('现为80');
    expect(targetWeightsProblem([100, 0])).toContain('大于0');
    expect(targetWeightsProblem([])).toContain('至少');
  });
});

describe('a project evaluated', () => {
  const lines = [
    line({ indicatorId: 'q', level1: 'output', direction: 'gte', annual: 100, weight: 30 }),
    line({ indicatorId: 'c', level1: 'cost', direction: 'lte', annual: 500, weight: 20 }),
    line({ indicatorId: 's', level1: 'benefit', direction: 'qual', annual: '达成', weight: 30 }),
    line({ indicatorId: 'm', level1: 'satisfaction', direction: 'gte', annual: 90, weight: 20 }),
  ];
  it('shares each first level’s weight by the indicators’ weights and adds the execution score', () => {
    const e = evaluate({ lines, actuals: { q: 80, c: 625, m: 85 }, qualitative: { s: { grade: 'partial', pct: 70, reason: '部分完成' } }, execution: { budget: 1_000_000_00, paid: 900_000_00 } });
    // 产出 50 over q (30) and c (20, 成本 counts with 产出): 30 and 20 points.
    expect(e.lines.map((l) => [l.indicatorId, l.points, l.score])).toEqual([['q', 30, 24], ['c', 20, 16], ['s', 30, 21], ['m', 10, 9.44]]);
    expect(e.execution).toMatchObject({ rate: 0.9, score: 9 });
    expect(e.total).toBe(79.44);
    expect(e.grade).toBe('fair');
  });
  it('caps execution at the full weight and gives an empty level’s weight to the others', () => {
    const only = [line({ indicatorId: 'q', level1: 'output', direction: 'gte', annual: 10, weight: 100 })];
    const e = evaluate({ lines: only, actuals: { q: 12 }, qualitative: {}, execution: { budget: 100, paid: 130 } });
    expect(e.lines[0]!.points).toBe(90);
    expect(e.execution.score).toBe(10);
    expect(e.total).toBe(100);
    expect(e.grade).toBe('excellent');
  });
  it('a zero budget scores no execution points', () => {
    const e = evaluate({ lines, actuals: { q: 100, c: 100, m: 95 }, qualitative: { s: { grade: 'achieved', pct: 100, reason: 'ok' } }, execution: { budget: 0, paid: 0 } });
    expect(e.execution.score).toBe(0);
    expect(e.total).toBe(90);
  });
});

describe('monitoring', () => {
  const s = { yellowPct: 10, redPct: 30 };
  it('grades a ≥ target’s value to date against target × time progress, and a projected value against the target', () => {
    const l = line({ indicatorId: 'q', level1: 'output', direction: 'gte', annual: 1200, weight: 100 });
    expect(deviationOf(l, { indicatorId: 'q', actual: 600, projected: null, source: 'manual' }, 0.5, s)).toMatchObject({ light: 'green', deviationPct: 0 });
    expect(deviationOf(l, { indicatorId: 'q', actual: 500, projected: null, source: 'manual' }, 0.5, s)).toMatchObject({ light: 'yellow', deviationPct: 16.67 });
    expect(deviationOf(l, { indicatorId: 'q', actual: 600, projected: 720, source: 'manual' }, 0.5, s)).toMatchObject({ light: 'red', deviationPct: 40, basis: 'projected' });
    const rev = line({ indicatorId: 'c', level1: 'cost', direction: 'lte', annual: 500, weight: 100 });
    expect(deviationOf(rev, { indicatorId: 'c', actual: 560, projected: null, source: 'manual' }, 0.5, s)).toMatchObject({ light: 'yellow', deviationPct: 12 });
    expect(deviationOf(line({ indicatorId: 'x', level1: 'benefit', direction: 'qual', annual: '达成', weight: 1 }), undefined, 0.5, s)).toBeNull();
  });
  it('grades execution against time progress', () => {
    expect(executionDeviation(0.4, 0.5, s)).toEqual({ deviationPct: 20, light: 'yellow' });
    expect(executionDeviation(0.6, 0.5, s)).toEqual({ deviationPct: 0, light: 'green' });
  });
  it('collects timeliness and cost per output from ledger data', () => {
    const payments = [
      { projectId: 1, amount: 100_00, date: '2026-03-01', createdAt: '2026-03-01T08:00:00Z', paidAt: '2026-03-10' },
      { projectId: 1, amount: 200_00, date: '2026-04-01', createdAt: '2026-04-01T08:00:00Z', paidAt: '2026-05-20' },
    ];
    expect(paymentTimeliness(payments, 30)).toBe(50);
    const lines = [
      line({ indicatorId: 'n', level1: 'output', direction: 'gte', annual: 100, weight: 50 }),
      line({ indicatorId: 'cpo', level1: 'output', level2: 'cost', direction: 'lte', annual: 5, weight: 25, auto: 'costPerOutput', outputOf: 'n' }),
      line({ indicatorId: 't', level1: 'output', level2: 'timeliness', direction: 'gte', annual: 90, weight: 25, auto: 'paymentTimeliness' }),
    ];
    const values = autoValues({ lines, paidFen: 300_00, payments, timelyDays: 30, known: { n: 60 } });
    expect(values).toEqual([{ indicatorId: 'cpo', actual: 5, projected: null, source: 'auto' }, { indicatorId: 't', actual: 50, projected: null, source: 'auto' }]);
  });
});

describe('business flow vs fund flow', () => {
  it('lists money ahead of work and work ahead of money with a matching degree', () => {
    const r = matchFlows({
      year: 2026, budget: 1000, paidByMonth: [100, 100, 400, 0, 0, 0, 0, 0, 0, 0, 0, 0], throughMonth: 6, tolerancePct: 15,
      work: [{ date: '2026-01-20', pct: 10, source: 'x' }, { date: '2026-03-31', pct: 20, source: 'x' }, { date: '2026-05-31', pct: 80, source: 'x' }],
    });
    expect(r.months.map((m) => [m.moneyPct, m.workPct])).toEqual([[10, 10], [20, 10], [60, 20], [60, 20], [60, 80], [60, 80]]);
    expect(r.mismatches.map((m) => [m.month, m.kind])).toEqual([[3, 'money-ahead'], [4, 'money-ahead'], [5, 'work-ahead'], [6, 'work-ahead']]);
    // Mean |gap| over the six months: (0 + 10 + 40 + 40 + 20 + 20) ÷ 6 = 21.67 points.
    expect(r.degree).toBe(78.33);
  });
  it('has no degree without work data', () => {
    expect(matchFlows({ year: 2026, budget: 0, paidByMonth: [], throughMonth: 3, tolerancePct: 10, work: [] }).degree).toBeNull();
  });
});

describe('the starter library', () => {
  it('has at least 150 indicators across sectors, each in the three-level structure with a cited source', () => {
    expect(STARTER.length).toBeGreaterThanOrEqual(150);
    expect(new Set(STARTER.map((i) => i.sector))).toEqual(new Set(['general', 'education', 'health', 'agriculture', 'administration', 'social']));
    expect(new Set(STARTER.map((i) => i.id)).size).toBe(STARTER.length);
    for (const i of STARTER) {
      expect(LEVEL2[i.level2].level1, i.id).toBe(i.level1);
      expect(i.unit.length, i.id).toBeGreaterThan(0);
      expect(i.source.length, i.id).toBeGreaterThan(10);
    }
    for (const set of SETS) expect(set.source).toMatch(/财预|http/);
    expect(new Set(STARTER.map((i) => i.direction))).toEqual(new Set(['gte', 'lte', 'eq', 'qual']));
  });
  it('filters by sector and by level (first or second)', () => {
    const edu = filterIndicators(STARTER_INDICATORS, { sector: 'education' });
    expect(edu.length).toBeGreaterThan(20);
    expect(edu.every((i) => i.sector === 'education')).toBe(true);
    expect(filterIndicators(STARTER_INDICATORS, { level: 'satisfaction' }).every((i) => i.level1 === 'satisfaction')).toBe(true);
    expect(filterIndicators(STARTER_INDICATORS, { level: 'timeliness' }).every((i) => i.level2 === 'timeliness')).toBe(true);
  });
  it('round-trips through xlsx: the export’s rows read back as the same indicators', () => {
    const chosen = STARTER_INDICATORS.slice(0, 40);
    const bytes = writeXlsx([{ name: '绩效指标库', rows: [HEADER, ...chosen.map(toRow)] }]);
    const rows = readXlsx(bytes);
    expect(rows[0]).toEqual(HEADER);
    const parsed = fromRows(rows).map(parseIndicator);
    expect(parsed.map((p) => [p.id, p.level1, p.level2, p.name, p.direction])).toEqual(chosen.map((i) => [i.id, i.level1, i.level2, i.name, i.direction]));
  });
  it('refuses a second level under the wrong first level and an unknown direction', () => {
    expect(() => parseIndicator({ name: 'x', level1: 'benefit', level2: 'quantity', direction: 'gte', unit: '个' })).toThrow('不属于');
    expect(() => parseIndicator({ name: 'x', level2: 'quantity', direction: 'more', unit: '个' })).toThrow('指标方向');
  });
});
