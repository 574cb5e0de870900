import { cumulative, median, sum, type YearState } from './aggregate.js';
import type { MonitorTime } from './monitors.js';
import type { AnalyticsSettings } from './settings.js';
import { SUGGEST } from './suggestions.js';
import { pct, yuan, type Finding, type Indicator } from './types.js';

export interface Forecast {
  /** Fen: expected paid by 31 December, with an interval. */
  point: number; low: number; high: number;
  method: 'seasonal' | 'linear' | 'actual';
  /** Paid so far (complete months). */
  toDate: number;
  months: number;
}

/**
 * Year-end total of a monthly series from its first `months` months. With prior years of a
 * comparable series, each prior year's cumulative profile gives one estimate (to-date ÷ the share
 * that year had reached by then): the median is the forecast, their spread the interval. Without
 * history, a straight line through the months so far, the interval from their month-to-month
 * variation over the months left.
 */
export function forecastSeries(monthly: readonly number[], months: number, priorProfiles: ReadonlyArray<readonly number[]>): Forecast {
  const toDate = cumulative(monthly, months);
  if (months >= 12) return { point: toDate, low: toDate, high: toDate, method: 'actual', toDate, months };
  const estimates: number[] = [];
  if (months > 0) {
    for (const series of priorProfiles) {
      const total = sum(series);
      const share = total > 0 ? cumulative(series, months) / total : 0;
      if (share >= 0.02) estimates.push(toDate / share);
    }
  }
  if (estimates.length > 0) {
    const point = median(estimates);
    const remaining = Math.max(0, point - toDate);
    // One prior year gives no spread of its own: at least ±15% of what is still to be paid.
    const margin = Math.max(0.15 * remaining, 0);
    const low = Math.max(toDate, Math.min(...estimates, point - margin));
    const high = Math.max(...estimates, point + margin);
    return { point: Math.round(point), low: Math.round(low), high: Math.round(high), method: 'seasonal', toDate, months };
  }
  return linearForecast(monthly, months);
}

/** The naive baseline: what was paid so far, continued in a straight line to December. */
export function linearForecast(monthly: readonly number[], months: number): Forecast {
  const toDate = cumulative(monthly, months);
  if (months <= 0) return { point: 0, low: 0, high: 0, method: 'linear', toDate, months };
  if (months >= 12) return { point: toDate, low: toDate, high: toDate, method: 'actual', toDate, months };
  const point = (toDate * 12) / months;
  const xs = monthly.slice(0, months);
  const mean = toDate / months;
  const sd = months > 1 ? Math.sqrt(sum(xs.map((x) => (x - mean) ** 2)) / (months - 1)) : mean * 0.5;
  const half = 1.645 * sd * Math.sqrt(12 - months);
  return { point: Math.round(point), low: Math.round(Math.max(toDate, point - half)), high: Math.round(point + half), method: 'linear', toDate, months };
}

export interface IndicatorForecast extends Forecast {
  indicatorId: number; code: string; name: string; departmentId: number; budget: number;
  /** Expected unspent budget at year end (fen, ≥ 0) and overspend (fen, ≥ 0). */
  idle: number; overspend: number;
  flag: 'idle' | 'overspend' | null;
}

/** Profiles for an indicator: its economic class in prior years, else the unit's total. */
function profilesFor(economicCode: string, prior: readonly YearState[]): number[][] {
  const byClass = prior.map((y) => y.byClass[economicCode]).filter((x): x is number[] => !!x && sum(x) > 0);
  if (byClass.length) return byClass;
  return prior.map((y) => unitSeries(y)).filter((x) => sum(x) > 0);
}

export function unitSeries(state: YearState): number[] {
  const out = new Array<number>(12).fill(0);
  for (const row of Object.values(state.byClass)) row.forEach((v, i) => (out[i] = out[i]! + v));
  return out;
}

export function forecastIndicators(input: { year: number; asOf: string; time: MonitorTime; indicators: Indicator[]; current: YearState; prior: YearState[]; settings: AnalyticsSettings }): { unit: Forecast & { budget: number }; indicators: IndicatorForecast[] } {
  const months = input.time.completedMonths;
  const tol = input.settings.idleTolerance;
  const indicators = input.indicators.filter((i) => i.budget > 0).map((i): IndicatorForecast => {
    const f = forecastSeries(input.current.byIndicator[String(i.id)] ?? new Array(12).fill(0), months, profilesFor(i.economicCode, input.prior));
    const idle = Math.max(0, i.budget - f.point);
    const overspend = Math.max(0, f.point - i.budget);
    const flag = f.high < i.budget * (1 - tol) ? 'idle' : f.low > i.budget ? 'overspend' : null;
    return { ...f, indicatorId: i.id, code: i.code, name: i.name, departmentId: i.departmentId, budget: i.budget, idle, overspend, flag };
  });
  const unit = forecastSeries(unitSeries(input.current), months, input.prior.map(unitSeries).filter((x) => sum(x) > 0));
  return { unit: { ...unit, budget: sum(input.indicators.map((i) => i.budget)) }, indicators };
}

/** Forecast flags as findings: only once half the year is known, when the forecast means something. */
export function forecastFindings(input: Parameters<typeof forecastIndicators>[0]): Finding[] {
  const months = input.time.completedMonths;
  if (months < 6 || months >= 12) return [];
  const out: Finding[] = [];
  for (const f of forecastIndicators(input).indicators) {
    if (!f.flag) continue;
    const share = f.flag === 'idle' ? f.idle / f.budget : f.overspend / f.budget;
    const grade = f.flag === 'overspend' ? 'warning' : share >= 0.3 && months >= 9 ? 'severe' : share >= 0.15 ? 'warning' : 'info';
    out.push({
      key: `forecast:${input.year}:${f.flag}:${f.indicatorId}`, monitor: 'forecast', grade, year: input.year, departmentId: f.departmentId,
      subject: `指标 ${f.code} ${f.name}`,
      title: f.flag === 'idle'
        ? `指标“${f.name}”预计年末执行 ${yuan(f.point)}（${pct(f.point / f.budget)}），可能闲置 ${yuan(f.idle)}`
        : `指标“${f.name}”预计年末支出 ${yuan(f.point)}，可能超出预算 ${yuan(f.overspend)}`,
      evidence: { budget: f.budget, forecast: f.point, low: f.low, high: f.high, method: f.method, months, share: Math.round(share * 10_000) / 10_000 },
      suggestions: f.flag === 'idle' ? [SUGGEST.transferIdle, SUGGEST.speedProcurement, SUGGEST.returnFinance] : [SUGGEST.requestAddition],
    });
  }
  return out;
}
