import { THREE_PUBLIC_CODES } from '../ledger/rules/catalog.js';
import { mulberry32, stableHash, type Rng } from './ledger-demo-random.js';
import { person, type PayeeInfo, type ScriptedPayment, type UnitDemo } from './ledger-demo-data.js';

/**
 * Turns a unit's demo description into a dated list of commands, deterministically: the payments
 * of each month come from a generator seeded by (unit, indicator, month), so a month's activity
 * does not change when the demo is seeded later in the year. Pure: nothing here touches the
 * database; ledger-demo.ts runs the plan through the services.
 */

const YUAN = 100;
/** Above this a payment needs the leader in the default flow (fen). */
const LEADER_ABOVE = 50_000 * YUAN;
const QUARTERS = ['一', '二', '三', '四'] as const;

/** The demo's view of time: the fiscal year of `today`, with nothing dated after today. */
export class DemoCalendar {
  readonly year: number;
  /** The current (open) month, 1-12. */
  readonly month: number;
  readonly day: number;
  /** The budget is approved (批复) early in January, never after today. */
  readonly approvalDay: number;

  constructor(today: Date) {
    this.year = today.getUTCFullYear();
    this.month = today.getUTCMonth() + 1;
    this.day = today.getUTCDate();
    this.approvalDay = this.month === 1 ? Math.min(6, this.day) : 6;
  }

  daysIn(month: number): number {
    return new Date(Date.UTC(this.year, month, 0)).getUTCDate();
  }

  /** First day of the month that may carry spending: after the budget approval in January. */
  low(month: number): number {
    return month === 1 ? Math.min(this.approvalDay + 1, this.high(1)) : 1;
  }

  /** Last day of the month that is not in the future. */
  high(month: number): number {
    return month === this.month ? this.day : this.daysIn(month);
  }

  clampDay(month: number, day: number): number {
    return Math.max(this.low(month), Math.min(day, this.high(month)));
  }

  /** A planned month moved into the past: what is scheduled later than today happens this month. */
  clampMonth(month: number): number {
    return Math.min(month, this.month);
  }

  date(month: number, day: number): string {
    return `${this.year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  }

  get approvalDate(): string {
    return this.date(1, this.approvalDay);
  }
}

/** Where a planned payment stops: paid, approved (frozen), or waiting / refused / withdrawn at a step. */
export type PaymentEnd =
  | { kind: 'paid' }
  | { kind: 'approved' }
  | { kind: 'pending'; atStep: number }
  | { kind: 'rejected'; atStep: number; comment: string }
  | { kind: 'withdrawn'; atStep: number; comment: string };

export interface PlannedPayment {
  type: 'payment';
  seq: number;
  key: string;
  date: string;
  payDate: string;
  amount: number;
  purpose: string;
  payee: PayeeInfo;
  procurement?: { contractNo: string } | undefined;
  standard?: ScriptedPayment['standard'] | undefined;
  end: PaymentEnd;
  /** Generated from a profile (as opposed to scripted): may be given a current-month state. */
  generic: boolean;
}

export interface PlannedTransfer {
  type: 'transfer';
  seq: number;
  from: string;
  to: string;
  amount: number;
  date: string;
  reason: string;
  end: 'approved' | 'pending:finance' | 'pending:leader';
}

export interface PlannedAdjustment {
  type: 'adjustment';
  seq: number;
  key: string;
  amount: number;
  date: string;
  reason: string;
  docNo: string;
}

export type PlannedItem = PlannedPayment | PlannedTransfer | PlannedAdjustment;

export interface IssuedIndicator {
  id: number;
  amount: number;
  economicCode: string;
}

function render(text: string, year: number, month: number): string {
  return text
    .replaceAll('{py}', String(year - 1))
    .replaceAll('{y}', String(year))
    .replaceAll('{m}', String(month))
    .replaceAll('{term}', month <= 7 ? '春季' : '秋季')
    .replaceAll('{q}', QUARTERS[Math.ceil(month / 3) - 1]!);
}

function isPersonnel(key: string): boolean {
  return key.startsWith('basic:301') || key.startsWith('si:');
}

function roundDownTo100Yuan(fen: number): number {
  return Math.floor(fen / (100 * YUAN)) * (100 * YUAN);
}

/**
 * Plans a unit's year up to today. Every payment is checked against what its indicator will hold
 * at its date (issued, plus approved transfers and 追加 dated before it, less every transfer out),
 * counting every earlier-planned payment as spent, so no service will refuse one for the balance.
 */
export function planUnitYear(unit: UnitDemo, calendar: DemoCalendar, indicators: ReadonlyMap<string, IssuedIndicator>): PlannedItem[] {
  const { year } = calendar;
  const items: PlannedItem[] = [];
  let seq = 0;
  const indicator = (key: string): IssuedIndicator => {
    const found = indicators.get(key);
    if (!found) throw new Error(`demo plan: no indicator ${key} in unit ${unit.unitId}`);
    return found;
  };

  // ---- transfers and 追加 first: they change what the payments may use.
  const inflows = new Map<string, Array<{ date: string; amount: number }>>();
  const outflow = new Map<string, number>();
  const addInflow = (key: string, date: string, amount: number) => inflows.set(key, [...(inflows.get(key) ?? []), { date, amount }]);
  for (const t of unit.transfers) {
    const month = t.current ? calendar.month : calendar.clampMonth(t.month);
    const day = t.current ? calendar.clampDay(month, calendar.day - 1) : calendar.clampDay(month, t.day);
    const amount = typeof t.amount === 'number' ? t.amount : roundDownTo100Yuan(indicator(t.from).amount * t.amount.shareOfSource);
    const date = calendar.date(month, day);
    items.push({ type: 'transfer', seq: seq++, from: t.from, to: t.to, amount, date, reason: t.reason, end: t.end });
    outflow.set(t.from, (outflow.get(t.from) ?? 0) + amount);
    if (t.end === 'approved') addInflow(t.to, date, amount);
  }
  for (const a of unit.adjustments(year)) {
    const month = calendar.clampMonth(a.month);
    const date = calendar.date(month, calendar.clampDay(month, a.day));
    items.push({ type: 'adjustment', seq: seq++, key: a.key, amount: a.amount, date, reason: a.reason, docNo: a.docNo });
    addInflow(a.key, date, a.amount);
  }

  const used = new Map<string, number>();
  const room = (key: string, date: string): number => {
    const base = indicator(key).amount - (outflow.get(key) ?? 0);
    const added = (inflows.get(key) ?? []).filter((i) => i.date <= date).reduce((s, i) => s + i.amount, 0);
    return base + added - (used.get(key) ?? 0);
  };

  // ---- scripted payments: the moments a guide points at.
  const scriptedByKeyMonth = new Map<string, number>();
  for (const s of unit.scripted(year)) {
    const month = calendar.clampMonth(s.month);
    const day = calendar.clampDay(month, s.day);
    const date = calendar.date(month, day);
    if (s.amount > room(s.key, date)) throw new Error(`demo plan: scripted payment "${s.purpose}" does not fit ${s.key}`);
    // A refused or withdrawn request spends nothing, but is counted here all the same: it was pending once.
    used.set(s.key, (used.get(s.key) ?? 0) + s.amount);
    if (!s.outcome) scriptedByKeyMonth.set(`${s.key}@${month}`, (scriptedByKeyMonth.get(`${s.key}@${month}`) ?? 0) + s.amount);
    const end: PaymentEnd = !s.outcome
      ? { kind: 'paid' }
      : s.outcome.kind === 'rejected'
        ? { kind: 'rejected', atStep: s.outcome.by === 'head' ? 1 : 2, comment: s.outcome.comment }
        : { kind: 'withdrawn', atStep: 2, comment: s.outcome.comment };
    items.push({
      type: 'payment', seq: seq++, key: s.key, date, payDate: calendar.date(month, calendar.clampDay(month, day + 2)),
      amount: s.amount, purpose: render(s.purpose, year, month), payee: s.payee, procurement: s.procurement, standard: s.standard,
      end, generic: false,
    });
  }

  // ---- the everyday flow of each indicator, month by month.
  for (let month = 1; month <= calendar.month; month++) {
    for (const profile of unit.profiles) {
      const weight = profile.weights[month - 1] ?? 0;
      if (weight <= 0) continue;
      const total = profile.weights.reduce((s, w) => s + w, 0);
      const { amount } = indicator(profile.key);
      const target = Math.floor((amount * profile.share * weight) / total) - (scriptedByKeyMonth.get(`${profile.key}@${month}`) ?? 0);
      if (target < 100 * YUAN) continue;
      const rng = mulberry32(unit.seed ^ stableHash(profile.key) ^ Math.imul(month, 0x9e3779b1));
      const count = rng.int(profile.perMonth[0], profile.perMonth[1]);
      const parts = Array.from({ length: count }, () => rng.between(0.6, 1.4));
      const partsTotal = parts.reduce((s, p) => s + p, 0);
      for (const part of parts) {
        const item = rng.pick(profile.items);
        const payee = payeeOf(unit, item.payees, rng);
        const day = calendar.clampDay(month, rng.int(profile.days[0], profile.days[1]));
        const payroll = isPersonnel(profile.key);
        const payDay = calendar.clampDay(month, payroll ? day : day + rng.int(1, 4));
        const date = calendar.date(month, day);
        let fen = Math.floor(((target * part) / partsTotal) * rng.between(0.985, 1));
        fen = Math.min(fen, room(profile.key, date));
        if (fen < 50 * YUAN) continue;
        used.set(profile.key, (used.get(profile.key) ?? 0) + fen);
        items.push({
          type: 'payment', seq: seq++, key: profile.key, date, payDate: calendar.date(month, payDay), amount: fen,
          purpose: render(item.purpose, year, month), payee, end: { kind: 'paid' }, generic: true,
        });
      }
    }
  }

  assignCurrentMonthStates(items, calendar, indicators);
  return items.sort(byDateThenKind);
}

function payeeOf(unit: UnitDemo, payees: PayeeInfo[] | 'people' | 'experts', rng: Rng): PayeeInfo {
  if (payees === 'people') return person(rng.pick(unit.people));
  if (payees === 'experts') return person(rng.pick(unit.experts));
  return rng.pick(payees);
}

const KIND_ORDER = { adjustment: 0, transfer: 1, payment: 2 } as const;

function byDateThenKind(x: PlannedItem, y: PlannedItem): number {
  if (x.date !== y.date) return x.date < y.date ? -1 : 1;
  if (x.type !== y.type) return KIND_ORDER[x.type] - KIND_ORDER[y.type];
  return x.seq - y.seq;
}

/**
 * The open month is unfinished business: the latest requests wait at each step, some are
 * approved and not yet paid, one was sent back and one withdrawn — so inboxes and the dashboard
 * have something in them. Payroll and social insurance of the month are paid as usual.
 */
function assignCurrentMonthStates(items: PlannedItem[], calendar: DemoCalendar, indicators: ReadonlyMap<string, IssuedIndicator>): void {
  const prefix = calendar.date(calendar.month, 1).slice(0, 8);
  const candidates = items
    // Own money (收入登记-backed `own:` indicators) is paid as planned: the states of the rest stay as they were.
    .filter((i): i is PlannedPayment => i.type === 'payment' && i.generic && i.date.startsWith(prefix) && !isPersonnel(i.key) && !i.key.startsWith('own:'))
    .sort((x, y) => (x.date !== y.date ? (x.date < y.date ? 1 : -1) : y.seq - x.seq));
  const needsLeader = (p: PlannedPayment) => THREE_PUBLIC_CODES.has(indicators.get(p.key)!.economicCode) || p.amount > LEADER_ABOVE;
  const atLeader = candidates.find(needsLeader);
  if (atLeader) atLeader.end = { kind: 'pending', atStep: 3 };
  const ends: PaymentEnd[] = [
    { kind: 'pending', atStep: 1 },
    { kind: 'rejected', atStep: 1, comment: '发票与报销事项不符，请补充说明后重新提交' },
    { kind: 'withdrawn', atStep: 1, comment: '收款账号填写有误，撤回修改后重新提交' },
    { kind: 'approved' },
    { kind: 'pending', atStep: 2 },
    { kind: 'pending', atStep: 1 },
    { kind: 'approved' },
    { kind: 'pending', atStep: 2 },
  ];
  for (const payment of candidates) {
    if (payment === atLeader) continue;
    const end = ends.shift();
    if (!end) break;
    payment.end = end;
  }
}
