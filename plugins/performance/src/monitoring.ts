import type { AutoKey, Light, MonitorValue, TargetLine } from './types.js';

/**
 * 绩效监控 ("双监控": money and targets together). The ledger gives what it knows — execution rate,
 * cost per output, payment timeliness — and departments enter the rest at a checkpoint (by default the
 * end of July, the 1–7 月 period of mid-year monitoring; a unit setting, see README). A target that the values say
 * will be missed raises a graded warning that needs an explanation and a correction plan.
 */

/** A payment of a project as the plugin reads it (fen, ISO dates). */
export interface ProjectPayment { projectId: number; amount: number; date: string; createdAt: string; paidAt: string | null }

/** Budget (issued + adjusted) and paid per project of a year, from the ledger's indicators. */
export function projectMoney(indicators: Array<{ projectId: number | null; year: number; issued: number; adjusted: number; paid: number }>, year: number): Map<number, { budget: number; paid: number }> {
  const out = new Map<number, { budget: number; paid: number }>();
  for (const i of indicators) {
    if (i.projectId === null || i.year !== year) continue;
    const m = out.get(i.projectId) ?? { budget: 0, paid: 0 };
    m.budget += i.issued + i.adjusted;
    m.paid += i.paid;
    out.set(i.projectId, m);
  }
  return out;
}

const dayNumber = (iso: string) => Math.floor(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / 86_400_000);

/** Share (percent) of a project's paid payments paid within `days` of being submitted. Null without payments. */
export function paymentTimeliness(payments: ProjectPayment[], days: number): number | null {
  const paid = payments.filter((p) => p.paidAt);
  if (paid.length === 0) return null;
  const timely = paid.filter((p) => dayNumber(p.paidAt!) - dayNumber(p.createdAt) <= days).length;
  return Math.round((timely / paid.length) * 10000) / 100;
}

/**
 * The values the ledger gives for a project's targets: cost per output is the money paid (yuan)
 * divided by the actual of the quantity target it names (`outputOf`), when that actual is known.
 */
export function autoValues(input: { lines: TargetLine[]; paidFen: number; payments: ProjectPayment[]; timelyDays: number; known: Record<string, number | null> }): MonitorValue[] {
  const out: MonitorValue[] = [];
  for (const l of input.lines) {
    if (!l.auto) continue;
    const value = autoValue(l.auto, l, input);
    if (value !== null) out.push({ indicatorId: l.indicatorId, actual: value, projected: null, source: 'auto' });
  }
  return out;
}

function autoValue(key: AutoKey, line: TargetLine, input: { paidFen: number; payments: ProjectPayment[]; timelyDays: number; known: Record<string, number | null> }): number | null {
  if (key === 'paymentTimeliness') return paymentTimeliness(input.payments, input.timelyDays);
  const output = line.outputOf ? input.known[line.outputOf] : null;
  if (output === null || output === undefined || !(output > 0)) return null;
  return Math.round((input.paidFen / output)) / 100;
}

export interface DeviationSettings { yellowPct: number; redPct: number }
export interface Deviation { indicatorId: string; name: string; expected: number; value: number; basis: 'projected' | 'to-date'; deviationPct: number; light: Light }

/**
 * How far a target is off at a checkpoint. With an expected year-end value (全年预计完成) it is compared
 * with the annual target; without, a ≥ quantity target's value to date is compared with the target times
 * time progress (序时进度), and every other target with the target itself. Percent short of (or over, for ≤)
 * the expected value: below `yellowPct` green, below `redPct` yellow, else red.
 */
export function deviationOf(line: TargetLine, value: MonitorValue | undefined, timeProgress: number, s: DeviationSettings): Deviation | null {
  if (line.direction === 'qual' || !value) return null;
  const target = Number(line.annual);
  if (!Number.isFinite(target)) return null;
  const useProjected = value.projected !== null && Number.isFinite(value.projected);
  const v = useProjected ? value.projected! : value.actual;
  if (v === null || !Number.isFinite(v)) return null;
  // Only a quantity (数量) accumulates over the year; a rate, a time or a cost is judged against the target itself.
  const expected = line.direction === 'gte' && line.level2 === 'quantity' && !useProjected ? target * timeProgress : target;
  let off: number;
  if (line.direction === 'gte') off = expected > 0 ? Math.max(0, (expected - v) / expected) : 0;
  else if (line.direction === 'lte') off = v <= expected ? 0 : expected > 0 ? (v - expected) / expected : 1;
  else off = expected === 0 ? (v === 0 ? 0 : 1) : Math.abs(v - expected) / Math.abs(expected);
  const pct = Math.round(off * 10000) / 100;
  return { indicatorId: line.indicatorId, name: line.name, expected: Math.round(expected * 100) / 100, value: v, basis: useProjected ? 'projected' : 'to-date', deviationPct: pct, light: lightOf(pct, s) };
}

export const lightOf = (pct: number, s: DeviationSettings): Light => (pct >= s.redPct ? 'red' : pct >= s.yellowPct ? 'yellow' : 'green');

/** Execution against time progress: how far (percent of time progress) the money lags. */
export function executionDeviation(executionRate: number, timeProgress: number, s: DeviationSettings): { deviationPct: number; light: Light } {
  const off = timeProgress > 0 ? Math.max(0, (timeProgress - executionRate) / timeProgress) : 0;
  const pct = Math.round(off * 10000) / 100;
  return { deviationPct: pct, light: lightOf(pct, s) };
}

const ORDER: Record<Light, number> = { green: 0, yellow: 1, red: 2 };
export const worst = (lights: Light[]): Light => lights.reduce<Light>((a, b) => (ORDER[b] > ORDER[a] ? b : a), 'green');
