/**
 * 业务流与资金流匹配: per project, work done (progress records and monitoring values, percent of the
 * year's plan) beside money paid (cumulative percent of the year's budget), month by month. Where both
 * are known the gap is measured; a gap beyond the tolerance is a mismatch — money ahead of work (paid
 * for what is not done) or work ahead of money (done but not paid: arrears, or a budget not needed).
 */
export interface WorkPoint { date: string; pct: number; source: string }
export interface MatchMonth { month: number; paid: number; moneyPct: number; workPct: number | null; gap: number | null }
export interface Mismatch { month: number; kind: 'money-ahead' | 'work-ahead'; moneyPct: number; workPct: number; gap: number }
export interface MatchReport { months: MatchMonth[]; degree: number | null; mismatches: Mismatch[] }

export const MISMATCH_LABEL: Record<Mismatch['kind'], string> = { 'money-ahead': '资金超前于业务', 'work-ahead': '业务超前于资金' };

const pct2 = (x: number) => Math.round(x * 100) / 100;

/**
 * `paidByMonth` in fen (index 0 = January), `budget` in fen, work points in percent of the year's
 * plan. The matching degree is 100 − the mean absolute gap (percentage points) over the months where
 * work is known, never below 0; null when no work is known.
 */
export function matchFlows(input: { year: number; budget: number; paidByMonth: number[]; work: WorkPoint[]; throughMonth: number; tolerancePct: number }): MatchReport {
  const work = [...input.work].filter((w) => w.date.startsWith(String(input.year))).sort((a, b) => a.date.localeCompare(b.date));
  const months: MatchMonth[] = [];
  const mismatches: Mismatch[] = [];
  let cumulative = 0;
  let gapSum = 0;
  let gapCount = 0;
  for (let m = 1; m <= input.throughMonth; m++) {
    cumulative += input.paidByMonth[m - 1] ?? 0;
    const moneyPct = input.budget > 0 ? pct2((cumulative / input.budget) * 100) : 0;
    const end = `${input.year}-${String(m).padStart(2, '0')}-31`;
    // The latest work record on or before the month's end stands for the month.
    let latest: WorkPoint | undefined;
    for (const w of work) if (w.date <= end) latest = w;
    const workPct = latest ? pct2(latest.pct) : null;
    const gap = workPct === null ? null : pct2(moneyPct - workPct);
    months.push({ month: m, paid: input.paidByMonth[m - 1] ?? 0, moneyPct, workPct, gap });
    if (gap !== null) {
      gapSum += Math.abs(gap);
      gapCount += 1;
      if (Math.abs(gap) > input.tolerancePct) mismatches.push({ month: m, kind: gap > 0 ? 'money-ahead' : 'work-ahead', moneyPct, workPct: workPct!, gap });
    }
  }
  return { months, degree: gapCount ? pct2(Math.max(0, 100 - gapSum / gapCount)) : null, mismatches };
}
