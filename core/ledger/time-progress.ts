/**
 * 序时进度 (time progress): the one definition. The execution report, the time-progress route, the
 * host API for plugins (`host.ledger.timeProgress`) and through them the cockpit and the analytics
 * plugin all read it from here; test/architecture fails if a second computation appears.
 *
 * What it is: the share of the budget year gone by on a date, the yardstick 预算执行进度 (paid ÷
 * budget) is held against in 预算执行通报 and in 绩效运行监控 (财政部《中央部门预算绩效运行监控管理
 * 暂行办法》财预〔2019〕136号: monitoring compares 预算执行进度 with 序时进度 / the planned progress;
 * an execution notice reads e.g. "截至7月底……支出进度低于序时进度1.53个百分点"). No national text
 * fixes a formula; finance offices use one of two, so a unit chooses it (ledger settings
 * `timeProgressBasis`):
 *
 * - `month` (default, the 通报 practice): completed months ÷ 12. A month counts once its last day is
 *   reached: on 2026-11-30 → 11/12, on 2026-12-03 → still 11/12, on 2026-12-31 → 12/12.
 * - `day`: elapsed days (the as-of day included) ÷ days in the year: 2026-12-03 → 337/365.
 *
 * Outside the year it is 0 (before) or 1 (after); always rounded to 4 places (a percentage to two
 * decimals), like every ratio of the reports.
 */
export type TimeProgressBasis = 'month' | 'day';
export const TIME_PROGRESS_BASES = ['month', 'day'] as const satisfies readonly TimeProgressBasis[];
export const DEFAULT_TIME_PROGRESS_BASIS: TimeProgressBasis = 'month';

/** The definition as a sentence, for answers and reports (zh-CN first, English). */
export const TIME_PROGRESS_DEFINITION: Record<TimeProgressBasis, { zh: string; en: string }> = {
  month: {
    zh: '序时进度 = 已过完的月份数 ÷ 12（到月末最后一天计为该月已过完）',
    en: 'Time progress = completed months ÷ 12 (a month counts as completed on its last day)',
  },
  day: {
    zh: '序时进度 = 已过天数（含当日）÷ 全年天数',
    en: 'Time progress = elapsed days (the day included) ÷ days in the year',
  },
};

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

function parts(asOf: string): { y: number; m: number; d: number } {
  const match = ISO_DATE.exec(asOf);
  const [y, m, d] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  if (!match || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) throw new RangeError(`asOf must be a calendar date YYYY-MM-DD, not ${asOf}`);
  return { y, m, d };
}

/** Months of `year` completed on `asOf` (a month's last day completes it); 0 before the year, 12 after. */
export function completedMonths(year: number, asOf: string): number {
  const { y, m, d } = parts(asOf);
  if (y > year) return 12;
  if (y < year) return 0;
  return d >= daysInMonth(y, m) ? m : m - 1;
}

/** 序时进度 of `year` on `asOf` by `basis`, a fraction in [0, 1] rounded to 4 places. */
export function timeProgress({ basis, year, asOf }: { basis: TimeProgressBasis; year: number; asOf: string }): number {
  const { y, m, d } = parts(asOf);
  if (y > year) return 1;
  if (y < year) return 0;
  if (basis === 'month') return round4(completedMonths(year, asOf) / 12);
  const elapsed = (Date.UTC(y, m - 1, d) - Date.UTC(y, 0, 1)) / 86_400_000 + 1;
  return round4(elapsed / (isLeap(y) ? 366 : 365));
}

/** The last day of a month, ISO. */
export function monthEnd(year: number, month: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(daysInMonth(year, month)).padStart(2, '0')}`;
}

/**
 * The as-of date of a report "through month m": the end of that month, or today's business date
 * when that comes first (the December report run on 3 December stands on 3 December, as the cockpit).
 */
export function reportAsOf(year: number, month: number, today: string): string {
  const end = monthEnd(year, month);
  return today < end ? today : end;
}

/** Time progress at the end of each month of the year as the reports show it (months after `today` stand at `today`). */
export function progressByMonth(basis: TimeProgressBasis, year: number, today: string): number[] {
  return Array.from({ length: 12 }, (_, k) => timeProgress({ basis, year, asOf: reportAsOf(year, k + 1, today) }));
}

export interface TimeProgressAnswer {
  year: number;
  asOf: string;
  basis: TimeProgressBasis;
  /** Fraction, 4 places. */
  value: number;
  /** Months of the year completed on asOf (by the month rule, whatever the basis). */
  completedMonths: number;
  /** The yardstick: the value at the end of each month 1–12 of the year. */
  byMonth: number[];
  definition: { zh: string; en: string };
}

/** The full answer of the route and of the host call. */
export function timeProgressAnswer(basis: TimeProgressBasis, year: number, asOf: string): TimeProgressAnswer {
  return {
    year, asOf, basis, value: timeProgress({ basis, year, asOf }), completedMonths: completedMonths(year, asOf),
    byMonth: progressByMonth(basis, year, `${year}-12-31`), definition: TIME_PROGRESS_DEFINITION[basis],
  };
}
