import { describe, expect, it } from 'vitest';
import { canonical, emptyYear, foldPages, foldPayment, type YearState } from './src/aggregate.js';
import { forecastIndicators, forecastSeries, linearForecast } from './src/forecast.js';
import { DEFAULT_SETTINGS, readSettings } from './src/settings.js';
import { simulate, DEFAULT_PARAMS } from './src/simulation.js';
import { structureByYear } from './src/structure.js';
import { yuan, yuanAmount, type Finding } from './src/types.js';
import { applyWrite, evaluate, reconcile, transition, type WarningDoc } from './src/warnings.js';
import { ALL_PLANTS, generateUnit, type Generated } from './fixtures/generate.js';

const s = DEFAULT_SETTINGS;

/**
 * 序时进度 as the host answers it (`host.ledger.timeProgress`, by month: completed months ÷ 12, a month
 * counting on its last day), hand-computed for the days these tests judge on.
 */
const HOST_TIME: Record<string, { value: number; completedMonths: number }> = {
  '2026-04-10': { value: 0.25, completedMonths: 3 },
  '2026-07-15': { value: 0.5, completedMonths: 6 },
  '2026-10-15': { value: 0.75, completedMonths: 9 },
  '2026-12-20': { value: 0.9167, completedMonths: 11 },
  '2026-12-31': { value: 1, completedMonths: 12 },
};
const hostTime = (asOf: string) => {
  const time = HOST_TIME[asOf];
  if (!time) throw new Error(`no host time progress for ${asOf} in this test`);
  return time;
};

function analyse(g: Generated, asOf = g.asOf): Finding[] {
  const states = foldPages([g.payments], s);
  const current = states.get(g.year) ?? emptyYear(g.year);
  const prior = [...states.values()].filter((x) => x.year < g.year);
  return evaluate({
    year: g.year, asOf, time: hostTime(asOf), indicators: g.indicators.filter((i) => i.year === g.year), departments: g.departments, projects: g.projects,
    milestones: g.milestones, current, prior, settings: s, previous: states.get(g.year - 1),
  });
}

const planted = generateUnit({ seed: 7, plant: ALL_PLANTS });
const found = analyse(planted);
const one = (key: string) => found.find((f) => f.key === key);

describe('planted anomalies are found with the right grade', () => {
  const y = planted.year;
  it('judges progress against the host’s 序时进度 (here by day: 12 October = 285/365), never a value of its own', () => {
    const states = foldPages([planted.payments], s);
    const byDay = evaluate({
      year: y, asOf: '2026-10-12', time: { value: 0.7808, completedMonths: 9 }, indicators: planted.indicators.filter((i) => i.year === y),
      departments: planted.departments, projects: planted.projects, milestones: planted.milestones, current: states.get(y)!, prior: [], settings: s,
    }).filter((f) => f.monitor === 'progress');
    expect(byDay.length).toBeGreaterThan(0);
    for (const f of byDay) expect(f.evidence.timeProgress).toBe(0.7808);
    expect(byDay[0]!.title).toContain('落后序时进度 78.1%');
  });

  it('late execution: a lagging special fund is red and flagged special; an ordinary line lagging ~25 points is yellow', () => {
    const special = one(`progress:${y}:indicator:${planted.planted.lateSpecialIndicator}`);
    expect(special).toMatchObject({ grade: 'severe', special: true, monitor: 'progress' });
    expect(special!.suggestions).toEqual(expect.arrayContaining(['通过机动指标调剂闲置资金', '交回财政统筹使用']));
    expect(one(`progress:${y}:indicator:${planted.planted.lateOrdinaryIndicator}`)).toMatchObject({ grade: 'warning', special: false });
    expect(one(`progress:${y}:project:${planted.projects[0]!.id}`)?.grade).toBe('severe');
  });

  it('a monthly spike of an economic class against its median/MAD seasonal baseline is red', () => {
    const spike = one(`spike:${y}:30201:07`);
    expect(spike).toMatchObject({ grade: 'severe', monitor: 'spike' });
    expect(Number(spike!.evidence.ratio)).toBeGreaterThan(4);
    // The only other abnormal months are those the large payment (May, 31002) and the split payments (August, 30201) fall in.
    expect(found.filter((f) => f.monitor === 'spike').map((f) => f.key).sort()).toEqual([`spike:${y}:30201:07`, `spike:${y}:30201:08`, `spike:${y}:31002:05`]);
  });

  it('a sudden large single payment is red', () => {
    expect(one(`large:${y}:${planted.planted.largePaymentId}`)).toMatchObject({ grade: 'severe', monitor: 'large-payment' });
    expect(found.filter((f) => f.monitor === 'large-payment')).toHaveLength(1);
  });

  it('names the large payment by the unit’s document number the host gives (ZF…), never its database id', () => {
    const id = planted.planted.largePaymentId;
    const numbered = { ...planted, payments: planted.payments.map((p) => (p.id === id ? { ...p, docNo: 'ZF2026-0042' } : p)) };
    const large = analyse(numbered).find((f) => f.key === `large:${y}:${id}`)!;
    expect(large.subject).toContain('支付 ZF2026-0042');
    expect(large.subject).not.toContain(`#${id}`);
  });

  it('six payments just under the approval threshold to one payee are red splitting', () => {
    const split = one(`split:${y}:${planted.planted.splitPayee}`);
    expect(split).toMatchObject({ grade: 'severe', monitor: 'splitting' });
    expect(split!.evidence.count).toBe(6);
    expect(split!.suggestions[0]).toContain('拆分支付');
  });

  it('the year-end rush of the previous year: red for the department, flagged for the unit', () => {
    const dept = one(`rush:${y - 1}:department:${planted.planted.rushDepartment}`);
    expect(dept).toMatchObject({ grade: 'severe', monitor: 'year-end-rush' });
    expect(Number(dept!.evidence.share)).toBeGreaterThan(0.4);
    expect(one(`rush:${y - 1}:unit`)?.grade).toBe('info');
  });

  it('money paid far ahead of reported progress is a red milestone mismatch', () => {
    const m = one(`milestone:${y}:${planted.planted.mismatchProject}`);
    expect(m).toMatchObject({ grade: 'severe', monitor: 'milestone' });
    expect(m!.suggestions).toContain('暂停超进度支付，核实预付款依据');
  });
});

describe('clean data', () => {
  for (const [seed, asOf] of [[1, '2026-04-10'], [2, '2026-07-15'], [3, '2026-10-15'], [4, '2026-12-20']] as const) {
    it(`raises no red warning (seed ${seed}, as of ${asOf})`, () => {
      const clean = analyse(generateUnit({ seed, asOf }));
      expect(clean.filter((f) => f.grade === 'severe')).toEqual([]);
      // Seasonal patterns (January bonus, winter heating) are not spikes.
      expect(clean.filter((f) => f.monitor === 'spike' || f.monitor === 'splitting' || f.monitor === 'large-payment')).toEqual([]);
    });
  }
  it('stays quiet at the year end too (no year-end rush in ordinary data)', () => {
    const g = generateUnit({ seed: 5, asOf: '2027-01-01' });
    expect(analyse(g, `${g.year}-12-31`).filter((f) => f.grade === 'severe')).toEqual([]);
    expect(analyse(g, `${g.year}-12-31`).filter((f) => f.monitor === 'year-end-rush')).toEqual([]);
  });
});

describe('aggregation', () => {
  it('folding payments one by one in any order, with redeliveries, equals one pass', () => {
    const g = generateUnit({ seed: 5, paymentsPerLineMonth: 2, plant: ALL_PLANTS });
    const full = foldPages([g.payments], s);
    const shuffled = [...g.payments].reverse();
    const states = new Map<number, YearState>();
    for (const p of [...shuffled, ...shuffled.slice(0, 50)]) {
      const y = Number(p.day.slice(0, 4));
      const st = states.get(y) ?? emptyYear(y);
      states.set(y, st);
      foldPayment(st, p, s);
    }
    for (const [year, st] of full) expect(canonical(states.get(year)!)).toEqual(canonical(st));
  });
});

describe('forecast', () => {
  it('uses the seasonal profile of prior years and beats the straight line on a seasonal series', () => {
    const profile = [3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 6];
    const actual = profile.map((x) => x * 100);
    const f = forecastSeries(actual, 6, [profile, profile.map((x) => x * 2)]);
    expect(f.method).toBe('seasonal');
    expect(f.point).toBe(1900);
    expect(f.low).toBeLessThanOrEqual(f.point);
    expect(f.high).toBeGreaterThanOrEqual(f.point);
    expect(Math.abs(linearForecast(actual, 6).point - 1900)).toBe(300);
  });

  it('falls back to a straight line without history, with an interval', () => {
    const f = forecastSeries([100, 120, 80, 100, 110, 90], 6, []);
    expect(f).toMatchObject({ method: 'linear', point: 1200 });
    expect(f.high - f.low).toBeGreaterThan(0);
  });

  it('flags the lagging special fund as likely idle money', () => {
    const states = foldPages([planted.payments], s);
    const result = forecastIndicators({
      year: planted.year, asOf: planted.asOf, time: hostTime(planted.asOf), indicators: planted.indicators.filter((i) => i.year === planted.year), settings: s,
      current: states.get(planted.year)!, prior: [states.get(planted.year - 1)!, states.get(planted.year - 2)!],
    });
    const late = result.indicators.find((i) => i.indicatorId === planted.planted.lateSpecialIndicator)!;
    expect(late.flag).toBe('idle');
    expect(late.idle).toBeGreaterThan(late.budget * 0.5);
    expect(result.unit.method).toBe('seasonal');
  });
});

describe('warning lifecycle (pure)', () => {
  const f: Finding = { key: 'large:2026:9', monitor: 'large-payment', grade: 'severe', year: 2026, subject: 's', title: 't', departmentId: 1, evidence: { a: 1 }, suggestions: ['x'] };
  it('raises, tells about new red once, and resolves when the condition goes away', () => {
    const first = reconcile({}, [f], [2026]);
    expect(first.newRed).toHaveLength(1);
    const again = reconcile(first.index, [f], [2026]);
    expect(again.writes).toEqual([]);
    expect(again.newRed).toEqual([]);
    const gone = reconcile(first.index, [], [2026]);
    expect(gone.writes).toEqual([expect.objectContaining({ change: 'resolve' })]);
    expect(reconcile(first.index, [], [2025]).writes).toEqual([]);
  });
  it('acknowledge → handle (note required) → close, in that order', () => {
    const doc = applyWrite(null, { id: 'w', doc: null, finding: f, change: 'raise' }, '2026-10-01T00:00:00Z')!;
    expect(transition(doc, 'close', 'u', 'now', '')).toBe('预警须先处置后才能关闭');
    const ack = transition(doc, 'acknowledge', 'u', 'now', undefined) as WarningDoc;
    expect(ack.status).toBe('acknowledged');
    expect(transition(ack, 'handle', 'u', 'now', '  ')).toBe('处置预警须填写处置说明');
    const handled = transition(ack, 'handle', 'u', 'now', '已调剂') as WarningDoc;
    const closed = transition(handled, 'close', 'u', 'now', undefined) as WarningDoc;
    expect(closed.status).toBe('closed');
    expect(closed.history.map((h) => h.action)).toEqual(['raise', 'acknowledge', 'handle', 'close']);
    // A closed warning comes back only when it gets worse.
    const index = { [f.key]: { id: 'w', status: 'closed' as const, grade: 'warning' as const, active: true, hash: 'old' } };
    expect(reconcile(index, [f], [2026]).writes[0]).toMatchObject({ change: 'reopen' });
    expect(reconcile({ [f.key]: { ...index[f.key]!, grade: 'severe' as const } }, [f], [2026]).writes).toEqual([]);
  });
});

describe('simulation and structure', () => {
  const year = planted.year;
  const ind = planted.indicators;
  it('computes next year demand by economic class from the parameters', () => {
    const base = simulate(year, ind, planted.projects, DEFAULT_PARAMS);
    const up = simulate(year, ind, planted.projects, { ...DEFAULT_PARAMS, name: '增人增资', headcountChange: 0.1, salaryChange: 0.05, priceIndex: 0.03 });
    const line = (r: typeof base, g: string) => r.lines.find((l) => l.group === g)!;
    expect(line(up, '301').demand).toBeCloseTo(line(base, '301').demand * 1.1 * 1.05, -3);
    expect(line(up, '302').demand).toBeGreaterThan(line(base, '302').demand);
    expect(up.totalDemand).toBeGreaterThan(base.totalDemand);
    // Projects ending this year drop out unless delayed; a delay carries its share into next year.
    const ending = planted.projects.find((p) => p.endYear === year)!;
    const delayed = simulate(year, ind, planted.projects, { ...DEFAULT_PARAMS, projectDelays: [{ projectId: ending.id, share: 0.5 }] });
    const endingBudget = ind.filter((i) => i.year === year && i.projectId === ending.id).reduce((a, i) => a + i.budget, 0);
    expect(delayed.totalDemand - base.totalDemand).toBeCloseTo(endingBudget * 0.5, -2);
  });

  it('stress test: revenue −10% is cut 三公 first, then projects by priority, never salaries', () => {
    const r = simulate(year, ind, planted.projects, { ...DEFAULT_PARAMS, revenueCut: 0.1, projectPriority: planted.projects.map((p) => p.id) });
    expect(r.stress.shortfall).toBe(r.totalDemand - r.stress.available);
    expect(r.stress.cuts[0]!.tierName).toBe('三公经费');
    expect(r.stress.cuts.reduce((a, c) => a + c.amount, 0) + r.stress.uncovered).toBe(r.stress.shortfall);
    expect(r.stress.cuts.some((c) => /工资|津贴/.test(c.item))).toBe(false);
    const projectCuts = r.stress.cuts.filter((c) => c.tier === 2).map((c) => c.item);
    const lastProject = planted.projects[planted.projects.length - 1]!;
    expect(projectCuts[0]).toContain(lastProject.name);
  });

  it('structure: basic vs project, personnel vs operating, 三公经费 trend per year', () => {
    const states = [...foldPages([planted.payments], s).values()];
    const t = structureByYear(ind, states);
    expect(t.years.map((x) => x.year)).toEqual([year - 2, year - 1, year]);
    const y0 = t.years[0]!;
    expect(y0.budget.basic + y0.budget.project).toBe(y0.budget.total);
    expect(y0.budget.personnel).toBeGreaterThan(y0.budget.operating);
    expect(Object.keys(y0.threePublicByCode).sort()).toEqual(['30217', '30231']);
    expect(t.threePublicChange[1]!.change).toBeGreaterThan(0);
  });

  it('settings fall back to the defaults', () => {
    expect(readSettings({ progressTolerance: '0.2', spikeZ: 'x' })).toMatchObject({ progressTolerance: 0.2, spikeZ: DEFAULT_SETTINGS.spikeZ });
  });
});

describe('amounts in warnings and reports', () => {
  it('read as yuan with thousands separators and two decimals, computed in integers', () => {
    expect(yuanAmount(0)).toBe('0.00');
    expect(yuanAmount(5)).toBe('0.05');
    expect(yuanAmount(9_946_874)).toBe('99,468.74');
    expect(yuanAmount(-123_456_789_01)).toBe('-123,456,789.01');
    expect(yuan(730_824_00)).toBe('730,824.00 元');
  });
});
