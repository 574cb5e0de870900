import type { AnalyticsSettings } from './settings.js';
import type { Payment } from './types.js';

/**
 * What the plugin keeps per year instead of the payments themselves: sums by month (per indicator,
 * economic class, department), December-end daily sums, a payment-size histogram per class and the
 * few payments the per-payment monitors look at. Folding is commutative and idempotent by payment
 * id, so events folded one by one give exactly the state a full rescan builds.
 */
export interface PaymentLite { id: number; docNo?: string | null; indicatorId: number; departmentId: number; payeeName: string; economicCode: string; amount: number; day: string }

export interface YearState {
  year: number;
  /** Paid payment ids already counted. */
  ids: number[];
  byIndicator: Record<string, number[]>;
  byClass: Record<string, number[]>;
  byDept: Record<string, number[]>;
  /** Per department ('*' = unit): sums per day of the last LATE_DAYS days of the year. */
  late: Record<string, number[]>;
  /** Per economic class: payment count per size bin (quarter octaves of the amount in fen). */
  sizes: Record<string, Record<string, number>>;
  /** Payments at or above the large-payment floor, largest first (bounded). */
  large: PaymentLite[];
  /** Payments just under the approval threshold (bounded). */
  near: PaymentLite[];
}

export const LATE_DAYS = 61;
const MAX_LIST = 400;

export function emptyYear(year: number): YearState {
  return { year, ids: [], byIndicator: {}, byClass: {}, byDept: {}, late: {}, sizes: {}, large: [], near: [] };
}

export const monthOf = (day: string) => Number(day.slice(5, 7));
export const yearOf = (day: string) => Number(day.slice(0, 4));

/** Days from `day` to 31 December of its year (0 on the 31st). */
export function daysToYearEnd(day: string): number {
  const y = yearOf(day);
  return Math.round((Date.UTC(y, 11, 31) - Date.UTC(y, monthOf(day) - 1, Number(day.slice(8, 10)))) / 86_400_000);
}

export const sizeBin = (amount: number) => Math.floor(4 * Math.log2(Math.max(1, amount)));
export const binValue = (bin: number) => Math.pow(2, (bin + 0.5) / 4);

/** Payments the large-payment monitor keeps: a tenth of the absolute threshold, so the relative rule sees material payments. */
export const largeFloor = (s: AnalyticsSettings) => Math.max(1, Math.floor(s.largePaymentFen / 10));
export const isNearThreshold = (amount: number, s: AnalyticsSettings) =>
  amount < s.approvalThresholdFen && amount >= s.approvalThresholdFen * (1 - s.splitBand);

const add = (map: Record<string, number[]>, key: string, index: number, amount: number, length = 12) => {
  const row = map[key] ?? (map[key] = new Array<number>(length).fill(0));
  row[index] = (row[index] ?? 0) + amount;
};

const byAmountThenId = (a: PaymentLite, b: PaymentLite) => b.amount - a.amount || a.id - b.id;

/** Keeps the list a pure function of its contents: the order payments arrive in never matters. */
function insertBounded(list: PaymentLite[], p: PaymentLite): void {
  list.push(p);
  list.sort(byAmountThenId);
  if (list.length > MAX_LIST) list.length = MAX_LIST;
}

/**
 * Folds one paid payment into its year's state. Returns false when it was already counted (a
 * redelivered event, or an event for a payment the nightly rescan already saw).
 */
export function foldPayment(state: YearState, p: Payment, s: AnalyticsSettings, seen?: Set<number>): boolean {
  const ids = seen ?? new Set(state.ids);
  if (ids.has(p.id)) return false;
  ids.add(p.id);
  state.ids.push(p.id);
  const m = monthOf(p.day) - 1;
  add(state.byIndicator, String(p.indicatorId), m, p.amount);
  add(state.byClass, p.economicCode, m, p.amount);
  add(state.byDept, String(p.departmentId), m, p.amount);
  const toEnd = daysToYearEnd(p.day);
  if (toEnd < LATE_DAYS) {
    add(state.late, String(p.departmentId), LATE_DAYS - 1 - toEnd, p.amount, LATE_DAYS);
    add(state.late, '*', LATE_DAYS - 1 - toEnd, p.amount, LATE_DAYS);
  }
  const bins = state.sizes[p.economicCode] ?? (state.sizes[p.economicCode] = {});
  const bin = String(sizeBin(p.amount));
  bins[bin] = (bins[bin] ?? 0) + 1;
  const lite: PaymentLite = { id: p.id, ...(p.docNo ? { docNo: p.docNo } : {}), indicatorId: p.indicatorId, departmentId: p.departmentId, payeeName: p.payeeName, economicCode: p.economicCode, amount: p.amount, day: p.day };
  if (p.amount >= largeFloor(s)) insertBounded(state.large, lite);
  if (isNearThreshold(p.amount, s)) insertBounded(state.near, lite);
  return true;
}

/** Builds year states from a stream of pages of paid payments (oldest first, as the host pages them). */
export function foldPages(pages: Iterable<Payment[]>, s: AnalyticsSettings, states = new Map<number, YearState>()): Map<number, YearState> {
  const seen = new Map<number, Set<number>>();
  for (const page of pages) {
    for (const p of page) {
      const y = yearOf(p.day);
      let st = states.get(y);
      if (!st) states.set(y, (st = emptyYear(y)));
      let ids = seen.get(y);
      if (!ids) seen.set(y, (ids = new Set(st.ids)));
      foldPayment(st, p, s, ids);
    }
  }
  return states;
}

/** A canonical form (sorted ids) so stored states compare equal however they were built. */
export function canonical(state: YearState): YearState {
  const sortKeys = <T>(o: Record<string, T>) => Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]!]));
  return {
    year: state.year,
    ids: [...state.ids].sort((a, b) => a - b),
    byIndicator: sortKeys(state.byIndicator), byClass: sortKeys(state.byClass), byDept: sortKeys(state.byDept), late: sortKeys(state.late),
    sizes: sortKeys(Object.fromEntries(Object.entries(state.sizes).map(([k, v]) => [k, sortKeys(v)]))),
    large: [...state.large].sort(byAmountThenId), near: [...state.near].sort(byAmountThenId),
  };
}

export const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
export const cumulative = (xs: readonly number[], months: number) => sum(xs.slice(0, months));

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Median of a size histogram (bin centres), for "typical payment" of a class. */
export function histogramMedian(bins: Record<string, number> | undefined): number {
  if (!bins) return 0;
  const entries = Object.entries(bins).map(([b, n]) => [Number(b), n] as const).sort((a, b) => a[0] - b[0]);
  const total = entries.reduce((a, [, n]) => a + n, 0);
  let acc = 0;
  for (const [bin, n] of entries) {
    acc += n;
    if (acc * 2 >= total) return binValue(bin);
  }
  return 0;
}

export function mergeHistograms(...hs: Array<Record<string, number> | undefined>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const h of hs) for (const [k, n] of Object.entries(h ?? {})) out[k] = (out[k] ?? 0) + n;
  return out;
}
