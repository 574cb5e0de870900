import type { Executor } from '../../db/connection.js';
import type { StandardRow, TrialPayment, TrialResult } from '@unibudget/sdk/contracts/standards';
import { AppError } from '../standards/errors.js';
import { getVersion, parseRows, standardsResolver } from '../standards/service.js';
import { RULES, THREE_PUBLIC_CODES, type RuleCode, type RuleMode } from './catalog.js';
import { ledgerSettings, ruleModes, severityOf } from './service.js';
import type { ErrorCode } from '../errors.js';
import { judgeContract, judgeKind, judgeStandard, judgeThreePublic, type StandardUse } from './engine.js';

/*
 * 试运行: the control rules of past payments judged again under a proposed standard set and/or
 * proposed rule modes, with the core's own judgments (engine.ts) — nothing is written. The document
 * rules are re-judged: the expenditure standards (with the set proposed, else the version in force on
 * each payment's date), the 三公 caps (usage accumulated in date order from the start of the year),
 * the contract rule and the economic-class/kind rule. Rules that depend on the state of the day a
 * payment was made (balances, closed periods, project status, a date in the future) are not replayed.
 */

export const TRIAL_RULES: RuleCode[] = ['EXPENDITURE_STANDARD_EXCEEDED', 'THREE_PUBLIC_CAP_EXCEEDED', 'CONTRACT_REQUIRED', 'ECONOMIC_KIND_MISMATCH'];
const MAX_DAYS = 1100;
const COUNTED = ['pending', 'approved', 'paid'] as const;

export interface TrialInput {
  standards?: { versionId: number } | { rows: unknown[] } | undefined;
  ruleModes?: Record<string, RuleMode> | undefined;
  from: string;
  to: string;
  limit?: number | undefined;
}

type Lookup = (date: string, item: string, tier: string) => StandardRow | undefined;

function proposedLookup(rows: StandardRow[]): Lookup {
  const byKey = new Map(rows.map((r) => [`${r.item}\u0000${r.tier}`, r]));
  return (date, item, tier) => {
    const r = byKey.get(`${item}\u0000${tier}`);
    return r && (r.effectiveFrom === null || r.effectiveFrom <= date) && (r.effectiveTo === null || r.effectiveTo >= date) ? r : undefined;
  };
}

type Raw = { rule: string; details: Record<string, unknown> };

/** Collects the engine's judgments unweighed (no closure per payment: a trial judges 100,000 of them). */
class RawSink {
  raw: Raw[] = [];
  add(rule: RuleCode, details: Record<string, unknown>): void {
    this.raw.push({ rule, details });
  }
  take(): Raw[] {
    const out = this.raw;
    this.raw = [];
    return out;
  }
}

/** The standard judgment; the refusal it throws (no such standard) becomes a finding that always blocks. */
function judgeStandardRaw(sink: RawSink, use: StandardUse, row: StandardRow | undefined, amount: number): Raw[] {
  try {
    judgeStandard(sink, use, row, amount);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    sink.raw.push({ rule: error.code, details: error.details });
  }
  return sink.take();
}

/** The worst severity of raw findings under a set of modes (a rule outside the catalog — a refusal — blocks). */
function weigh(raw: Raw[], modes: Record<RuleCode, RuleMode>): 'block' | 'warn' | null {
  let worst: 'block' | 'warn' | null = null;
  for (const f of raw) {
    const severity = f.rule in RULES ? severityOf(modes[f.rule as RuleCode]) : 'block';
    if (severity === 'block') return 'block';
    if (severity === 'warn') worst = 'warn';
  }
  return worst;
}

/** The findings of a listed payment, with their messages (rendered only for the payments shown). */
function described(raw: Raw[], modes: Record<RuleCode, RuleMode>) {
  return raw.flatMap((f) => {
    const severity = f.rule in RULES ? severityOf(modes[f.rule as RuleCode]) : 'block';
    return severity ? [{ rule: f.rule, severity, message: new AppError(f.rule as ErrorCode, f.details).messageIn('zh') }] : [];
  });
}

export async function trialRun(db: Executor, unitId: string, input: TrialInput): Promise<TrialResult> {
  const started = performance.now();
  const days = (Date.parse(input.to) - Date.parse(input.from)) / 86_400_000;
  if (!(days >= 0) || days > MAX_DAYS) throw new AppError('TRIAL_WINDOW_TOO_LONG', { maxDays: MAX_DAYS });
  const current = await ruleModes(db, unitId);
  const proposed = { ...current };
  for (const [rule, mode] of Object.entries(input.ruleModes ?? {})) {
    if (!(rule in RULES) || RULES[rule as RuleCode].hard) throw new AppError('TRIAL_RULE_UNKNOWN', { rule });
    proposed[rule as RuleCode] = mode;
  }
  const inForce = await standardsResolver(db, unitId);
  let lookup: Lookup = inForce;
  if (input.standards && 'versionId' in input.standards) lookup = proposedLookup((await getVersion(db, unitId, input.standards.versionId)).rows);
  else if (input.standards) lookup = proposedLookup(parseRows(input.standards.rows));
  const settings = await ledgerSettings(db, unitId);

  const caps = new Map<string, number>();
  for (const c of await db.selectFrom('three_public_caps').select(['year', 'economic_code', 'amount']).where('unit_id', '=', unitId).execute()) {
    caps.set(`${c.year}:${c.economic_code}`, Number(c.amount));
  }
  // 三公 usage before the window, from the start of each year it touches: approved or paid payments.
  const used = new Map<string, number>();
  const firstYear = Number(input.from.slice(0, 4));
  if (caps.size) {
    const before = await db
      .selectFrom('payments')
      .select((eb) => ['economic_code', eb.fn.sum<number>('amount').as('total')])
      .where('unit_id', '=', unitId)
      .where('status', 'in', ['approved', 'paid'])
      .where('date', '>=', `${firstYear}-01-01`)
      .where('date', '<', input.from)
      .where('economic_code', 'in', [...THREE_PUBLIC_CODES])
      .groupBy('economic_code')
      .execute();
    for (const b of before) used.set(`${firstYear}:${b.economic_code}`, Number(b.total));
  }

  const rows = await db
    .selectFrom('payments as p')
    .innerJoin('indicators as i', 'i.id', 'p.indicator_id')
    .select(['p.id', 'p.date', 'p.amount', 'p.status', 'p.purpose', 'p.payee_name', 'p.economic_code', 'p.department_id', 'p.procurement', 'p.contract_no', 'p.standard', 'i.expenditure_kind', 'i.economic_code as indicator_code'])
    .where('p.unit_id', '=', unitId)
    .where('p.date', '>=', input.from)
    .where('p.date', '<=', input.to)
    .where('p.status', 'in', [...COUNTED])
    .orderBy('p.date')
    .orderBy('p.id')
    .execute();

  const limit = input.limit ?? 1000;
  const tally = () => ({ blocked: { count: 0, amount: 0 }, warned: { count: 0, amount: 0 } });
  const totals = { proposed: tally(), current: tally(), newlyBlocked: { count: 0, amount: 0 } };
  const listed: TrialPayment[] = [];
  let truncated = false;
  const add = (t: ReturnType<typeof tally>, severity: 'block' | 'warn' | null, amount: number) => {
    if (severity === 'block') (t.blocked.count += 1), (t.blocked.amount += amount);
    else if (severity === 'warn') (t.warned.count += 1), (t.warned.amount += amount);
  };

  const sink = new RawSink();
  const NONE: Raw[] = [];
  for (const p of rows) {
    const amount = Number(p.amount);
    const year = p.date.slice(0, 4);
    const capKey = `${year}:${p.economic_code}`;
    const cap = THREE_PUBLIC_CODES.has(p.economic_code) ? (caps.get(capKey) ?? null) : null;
    const usedNow = used.get(capKey) ?? 0;
    const use = p.standard ? (JSON.parse(p.standard) as StandardUse) : null;
    judgeKind(sink, settings, p.expenditure_kind, p.indicator_code);
    if (cap !== null) judgeThreePublic(sink, p.economic_code, cap, usedNow, amount);
    judgeContract(sink, p.procurement === 1, p.contract_no);
    const common = sink.take();
    const proposedStandard = use ? judgeStandardRaw(sink, use, lookup(p.date, use.item, use.tier), amount) : NONE;
    const currentStandard = !use ? NONE : lookup === inForce ? proposedStandard : judgeStandardRaw(sink, use, inForce(p.date, use.item, use.tier), amount);
    const mine = common.length ? [...common, ...proposedStandard] : proposedStandard;
    const today = common.length ? [...common, ...currentStandard] : currentStandard;
    if (cap !== null && p.status !== 'pending') used.set(capKey, usedNow + amount);
    const severity = weigh(mine, proposed);
    const currentSeverity = weigh(today, current);
    add(totals.proposed, severity, amount);
    add(totals.current, currentSeverity, amount);
    if (severity === 'block' && currentSeverity !== 'block') (totals.newlyBlocked.count += 1), (totals.newlyBlocked.amount += amount);
    if (!severity) continue;
    if (listed.length >= limit) {
      truncated = true;
      continue;
    }
    listed.push({
      id: p.id, date: p.date, amount, status: p.status, purpose: p.purpose, payeeName: p.payee_name, economicCode: p.economic_code,
      departmentId: p.department_id, severity, currentSeverity, findings: described(mine, proposed),
    });
  }
  return {
    from: input.from, to: input.to, evaluated: rows.length, rules: TRIAL_RULES, ...totals,
    payments: listed, truncated, elapsedMs: Math.round(performance.now() - started),
  };
}
