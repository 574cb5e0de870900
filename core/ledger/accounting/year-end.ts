import { sql } from 'kysely';
import type { Executor, Tx } from '../../db/connection.js';
import { nowIso } from '../../clock.js';
import { appendAudit } from '../../audit/service.js';
import { auditActorOf } from '../../accounts/service.js';
import { publishEvent } from '../../events/outbox.js';
import { AppError } from '../errors.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { rolloverFiscalYear } from '../../periods/service.js';
import { issueIndicator } from '../indicators/service.js';
import { isFiscalFund, postEntry, type PostingLine } from './posting.js';
import { earmarkedByAccount } from '../receipts/service.js';
import { NON_FISCAL_BUDGET_REVENUE } from '../receipts/types.js';

/**
 * 年终结转: what happens to each indicator's unspent balance (amount − paid) at the end of the year.
 *
 * Rules, in order (the first that applies decides):
 *  1. nothing unspent                                   → none
 *  2. the flexible-quota reserve (机动额度)              → 结余 surplus: it is recalled, never carried
 *  3. non-fiscal money (21 财政专户, 31 单位资金)          → 结转 carried (非财政拨款结转: the unit's own money stays)
 *  4. 政府性基金 (fund source 12…)                      → 结转 carried (专款专用: fund money keeps its purpose)
 *  5. project expenditure whose project is closed or ends before next year → 结余 surplus
 *  6. project expenditure (一般公共预算 11…, 国有资本 13…) → 结转 carried to next year's indicator of the same project
 *  7. basic expenditure (人员经费, 公用经费) of 11…/13…  → 结余 surplus (基本支出结余, returns to the finance bureau)
 *
 * Carried balances become next year's indicators (issued on 1 January with carried_from_id = the old
 * indicator, so they trace back); surplus stays in 8102 财政拨款结余 (fiscal) as closed.
 *
 * Closing entries (财会〔2017〕25号), dated 31 December in period 12:
 *  财务会计  年结-01 年末注销零余额账户用款额度 (Dr 1201 / Cr 1011); -02 收入费用 → 3301 本期盈余;
 *           -03 3301 → 3302 本年盈余分配; -04 3302 → 3001 累计盈余 (no 专用基金 is drawn).
 *  预算会计  年结-01 6001 and fiscal 7101/7201 → 8101; -02 8101 → 8102 for what is decided surplus;
 *           -03 800101 → 800103; -04 non-fiscal revenue and spending: 专项 (earmarked receipts, spending of
 *           non-fiscal project indicators) → 8201 非财政拨款结转, the rest → 8501 其他结余, 6401 → 8401 经营结余;
 *           -05 8501 → 8202 (行政单位), or 8501 and a positive 8401 → 8701 → 8202 (事业单位).
 * Non-fiscal money left unspent keeps its cash (1002 / 800102 are not closed) and backs the carried
 * indicators of next year (see core/ledger/receipts/cash.ts).
 */
export type YearEndDecision = 'carry_forward' | 'surplus' | 'none';

interface Candidate {
  id: number;
  code: string;
  name: string;
  unit_id: string;
  department_id: number;
  project_id: number | null;
  expenditure_kind: 'personnel' | 'operating' | 'project';
  functional_code: string;
  economic_code: string;
  fund_source_code: string;
  issued_amount: number;
  adjusted_amount: number;
  frozen_amount: number;
  paid_amount: number;
  is_flexible_reserve: number;
  project_status: string | null;
  project_end_year: number | null;
}

function decide(i: Candidate, year: number, unspent: number): { decision: YearEndDecision; rule: string } {
  if (unspent <= 0) return { decision: 'none', rule: '无结余资金' };
  if (i.is_flexible_reserve === 1) return { decision: 'surplus', rule: '机动额度年末收回，形成结余' };
  if (!isFiscalFund(i.fund_source_code)) return { decision: 'carry_forward', rule: '非财政拨款资金结转下年' };
  if (i.fund_source_code.startsWith('12')) return { decision: 'carry_forward', rule: '政府性基金专款专用，结转下年' };
  if (i.expenditure_kind === 'project') {
    if (i.project_id !== null && (i.project_status === 'closed' || (i.project_end_year ?? year + 1) < year + 1)) {
      return { decision: 'surplus', rule: '项目已结项或到期，形成结余' };
    }
    return { decision: 'carry_forward', rule: '项目支出结转下年继续使用' };
  }
  return { decision: 'surplus', rule: '基本支出年末结余' };
}

export async function yearEndPreview(db: Executor, unitId: string, year: number) {
  const rows = (await db
    .selectFrom('indicators')
    .leftJoin('projects', 'projects.id', 'indicators.project_id')
    .select([
      'indicators.id', 'indicators.code', 'indicators.name', 'indicators.unit_id', 'indicators.department_id', 'indicators.project_id',
      'indicators.expenditure_kind', 'indicators.functional_code', 'indicators.economic_code', 'indicators.fund_source_code',
      'indicators.issued_amount', 'indicators.adjusted_amount', 'indicators.frozen_amount', 'indicators.paid_amount',
      'indicators.is_flexible_reserve', 'projects.status as project_status', 'projects.end_year as project_end_year',
    ])
    .where('indicators.unit_id', '=', unitId)
    .where('indicators.year', '=', year)
    .orderBy('indicators.code')
    .execute()) as Candidate[];
  const run = await db.selectFrom('year_end_runs').selectAll().where('unit_id', '=', unitId).where('year', '=', year).executeTakeFirst();
  const items = rows.map((i) => {
    const amount = i.issued_amount + i.adjusted_amount;
    const unspent = amount - i.paid_amount;
    const { decision, rule } = decide(i, year, unspent);
    return {
      indicatorId: i.id, code: i.code, name: i.name, departmentId: i.department_id, projectId: i.project_id,
      expenditureKind: i.expenditure_kind, functionalCode: i.functional_code, economicCode: i.economic_code, fundSourceCode: i.fund_source_code,
      amount, paid: i.paid_amount, frozen: i.frozen_amount, unspent, decision, rule,
      carried: decision === 'carry_forward' ? unspent : 0, surplus: decision === 'surplus' ? unspent : 0,
    };
  });
  const total = (f: (x: (typeof items)[number]) => number) => items.reduce((s, x) => s + f(x), 0);
  return {
    unitId, year, nextYear: year + 1,
    alreadyRun: run !== undefined, runAt: run?.run_at ?? null,
    totals: { amount: total((x) => x.amount), paid: total((x) => x.paid), unspent: total((x) => x.unspent), carried: total((x) => x.carried), surplus: total((x) => x.surplus) },
    items,
  };
}

async function balances(tx: Tx, unitId: string, track: 'financial' | 'budgetary', filter: { year: number; cumulative: boolean }) {
  const rows = await tx
    .selectFrom('journal_lines')
    .select(['account_code', 'fund_source_code', sql<number>`coalesce(sum(debit - credit), 0)`.as('net')])
    .where('unit_id', '=', unitId)
    .where('track', '=', track)
    .$if(filter.cumulative, (qb) => qb.where('year', '<=', filter.year))
    .$if(!filter.cumulative, (qb) => qb.where('year', '=', filter.year))
    .groupBy(['account_code', 'fund_source_code'])
    .execute();
  return rows.map((r) => ({ account: r.account_code, fiscal: r.fund_source_code === null || isFiscalFund(r.fund_source_code), net: Number(r.net) }));
}

/** Dr `debit` / Cr `credit` for a positive amount, reversed for a negative one; nothing for zero. */
function pair(debit: string, credit: string, amount: number): PostingLine[] {
  if (amount === 0) return [];
  const [dr, cr] = amount > 0 ? [debit, credit] : [credit, debit];
  return [{ account: dr, debit: Math.abs(amount), credit: 0 }, { account: cr, debit: 0, credit: Math.abs(amount) }];
}

/** Runs the year end of one unit in one transaction: carry-overs, closing entries, one audit entry. */
export async function runYearEnd(tx: Tx, actor: Actor, scope: UnitScope, year: number) {
  const by = auditActorOf(actor);
  const unitId = scope.unitId;
  const done = await tx.selectFrom('year_end_runs').select('year').where('unit_id', '=', unitId).where('year', '=', year).executeTakeFirst();
  if (done) throw new AppError('YEAR_END_ALREADY_RUN', { year });
  const periods = await tx.selectFrom('periods').select(['month', 'status']).where('unit_id', '=', unitId).where('year', '=', year).orderBy('month').execute();
  if (periods.length === 0) throw new AppError('FISCAL_YEAR_NOT_FOUND', { year });
  const open = periods.filter((p) => p.status === 'open').map((p) => p.month);
  if (open.length) throw new AppError('YEAR_END_PERIODS_OPEN', { year, months: open.join('、') });
  const unsettled = await tx
    .selectFrom('payments')
    .innerJoin('indicators', 'indicators.id', 'payments.indicator_id')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('payments.unit_id', '=', unitId)
    .where('indicators.year', '=', year)
    .where('payments.status', 'in', ['pending', 'approved'])
    .executeTakeFirstOrThrow();
  if (Number(unsettled.n) > 0) throw new AppError('YEAR_END_OPEN_PAYMENTS', { year, count: Number(unsettled.n) });

  // Claim the run before doing anything: a concurrent second run waits on this row, then finds it taken.
  const runAt = nowIso();
  const claimed = await tx
    .insertInto('year_end_runs')
    .values({ unit_id: unitId, year, summary: '{}', run_by: by.userId, run_at: runAt })
    .onConflict((oc) => oc.columns(['unit_id', 'year']).doNothing())
    .returning('year')
    .executeTakeFirst();
  if (!claimed) throw new AppError('YEAR_END_ALREADY_RUN', { year });

  const preview = await yearEndPreview(tx, unitId, year);
  const nextYearExists = await tx.selectFrom('fiscal_years').select('year').where('unit_id', '=', unitId).where('year', '=', year + 1).executeTakeFirst();
  if (!nextYearExists) await rolloverFiscalYear(tx, actor, scope, year);

  // Closing entries of the old year, dated 31 December, in period 12.
  const closing = { unitId, date: `${year}-12-31`, year, month: 12, sourceType: 'year_end' as const, sourceId: year };
  const budgetary = await balances(tx, unitId, 'budgetary', { year, cumulative: false });
  const budgetaryAll = await balances(tx, unitId, 'budgetary', { year, cumulative: true });
  const financial = await balances(tx, unitId, 'financial', { year, cumulative: false });
  const financialAll = await balances(tx, unitId, 'financial', { year, cumulative: true });
  const net = (rows: typeof budgetary, test: (r: (typeof budgetary)[number]) => boolean) => rows.filter(test).reduce((s, r) => s + r.net, 0);

  // 预算会计 1: 本年财政拨款收支转入结转 — 6001 → 8101; fiscal 7101/7201 → 8101.
  const income6001 = -net(budgetary, (r) => r.account === '6001');
  const lines1: PostingLine[] = [...pair('6001', '8101', income6001)];
  for (const account of ['7101', '7201']) lines1.push(...pair('8101', account, net(budgetary, (r) => r.account === account && r.fiscal)));
  await postEntry(tx, { ...closing, track: 'budgetary', voucherNo: `年结${year}-01`, summary: `${year}年财政拨款预算收支结转`, lines: lines1 });
  await closeNonFiscal(tx, unitId, year, budgetary, closing);
  // 预算会计 2: 财政拨款结余 — the unspent balance decided as surplus moves from 结转 to 结余.
  const fiscalSurplus = preview.items.filter((x) => x.decision === 'surplus' && isFiscalFund(x.fundSourceCode)).reduce((s, x) => s + x.surplus, 0);
  await postEntry(tx, { ...closing, track: 'budgetary', voucherNo: `年结${year}-02`, summary: `${year}年财政拨款结转转入结余`, lines: pair('8101', '8102', fiscalSurplus) });
  // 预算会计 3 and 财务会计 1: 年末注销零余额账户用款额度 (restored on 1 January for what is carried).
  const quotaBudgetary = net(budgetaryAll, (r) => r.account === '800101');
  await postEntry(tx, { ...closing, track: 'budgetary', voucherNo: `年结${year}-03`, summary: `${year}年末注销零余额账户用款额度`, lines: pair('800103', '800101', quotaBudgetary) });
  const quotaFinancial = net(financialAll, (r) => r.account === '1011');
  await postEntry(tx, { ...closing, track: 'financial', voucherNo: `年结${year}-01`, summary: `${year}年末注销零余额账户用款额度`, lines: pair('1201', '1011', quotaFinancial) });
  // 财务会计 2: 收入费用结转本期盈余; 3: 本期盈余转入本年盈余分配; 4: 本年盈余分配转入累计盈余
  // (财会〔2017〕25号 3301, 3302: no 专用基金 is drawn here, so 3302 passes its whole balance on to 3001).
  const lines2: PostingLine[] = [];
  let result = 0;
  for (const account of [...new Set(financial.map((r) => r.account))].sort()) {
    if (!/^[45]/.test(account)) continue;
    const balance = net(financial, (r) => r.account === account);
    if (balance === 0) continue;
    result -= balance;
    lines2.push(...pair('3301', account, balance));
  }
  await postEntry(tx, { ...closing, track: 'financial', voucherNo: `年结${year}-02`, summary: `${year}年收入费用结转本期盈余`, lines: lines2 });
  await postEntry(tx, { ...closing, track: 'financial', voucherNo: `年结${year}-03`, summary: `${year}年本期盈余转入本年盈余分配`, lines: pair('3301', '3302', result) });
  await postEntry(tx, { ...closing, track: 'financial', voucherNo: `年结${year}-04`, summary: `${year}年本年盈余分配转入累计盈余`, lines: pair('3302', '3001', result) });

  // Carry-overs: next year's indicators, traceable to the old ones.
  const carried: Array<{ fromIndicatorId: number; indicatorId: number; code: string; amount: number }> = [];
  for (const item of preview.items) {
    if (item.decision !== 'carry_forward') continue;
    const created = await issueIndicator(tx, actor, scope, {
      year: year + 1, name: `${item.name}（${year}年结转）`, departmentId: item.departmentId, projectId: item.projectId,
      expenditureKind: item.expenditureKind, functionalCode: item.functionalCode, economicCode: item.economicCode,
      fundSourceCode: item.fundSourceCode, amount: item.carried, date: `${year + 1}-01-01`, carriedFromId: item.indicatorId, refType: 'year_end',
    });
    carried.push({ fromIndicatorId: item.indicatorId, indicatorId: created.id, code: created.code, amount: created.amount });
  }

  const summary = { year, nextYear: year + 1, totals: preview.totals, carried, surplus: preview.items.filter((x) => x.decision === 'surplus').map((x) => ({ indicatorId: x.indicatorId, amount: x.surplus, rule: x.rule })) };
  await tx.updateTable('year_end_runs').set({ summary: JSON.stringify(summary) }).where('unit_id', '=', unitId).where('year', '=', year).execute();
  await appendAudit(tx, { actor: by, unitId, action: 'year_end.run', entity: 'year_end', entityId: `${unitId}:${year}`, after: summary });
  await publishEvent(tx, { type: 'year_end.completed', unitId, payload: summary });
  const view = await yearEndPreview(tx, unitId, year);
  return { ...view, carried };
}

type BalanceRow = Awaited<ReturnType<typeof balances>>[number];
interface Closing { unitId: string; date: string; year: number; month: number; sourceType: 'year_end'; sourceId: number }

/** Non-fiscal 7101/7201 of the year spent from project (专项) indicators, by account. */
async function nonFiscalProjectSpending(tx: Tx, unitId: string, year: number): Promise<Map<string, number>> {
  const rows = await tx
    .selectFrom('journal_lines')
    .innerJoin('indicators', 'indicators.id', 'journal_lines.indicator_id')
    .select(['journal_lines.account_code', sql<number>`coalesce(sum(journal_lines.debit - journal_lines.credit), 0)`.as('net')])
    .where('journal_lines.unit_id', '=', unitId)
    .where('journal_lines.track', '=', 'budgetary')
    .where('journal_lines.year', '=', year)
    .where('journal_lines.account_code', 'in', ['7101', '7201'])
    .where('indicators.expenditure_kind', '=', 'project')
    .where((eb) => eb.or([eb('journal_lines.fund_source_code', 'like', '2%'), eb('journal_lines.fund_source_code', 'like', '3%')]))
    .groupBy('journal_lines.account_code')
    .execute();
  return new Map(rows.map((r) => [r.account_code, Number(r.net)]));
}

/**
 * 预算会计, non-fiscal money (财会〔2017〕25号, 8201 / 8401 / 8501 / 8701 / 8202):
 *  4. 专项资金 to 8201 非财政拨款结转: earmarked receipts of the year (6101 … 6609) and non-fiscal spending
 *     of project indicators (7101/7201); the rest of the non-fiscal budget revenue and spending to
 *     8501 其他结余; 6401 经营预算收入 to 8401 经营结余.
 *  5. 其他结余: an administrative unit (行政单位) closes 8501 to 8202 非财政拨款结余; an institution
 *     (事业单位) closes 8501, and 8401 when in surplus, to 8701 非财政拨款结余分配, and 8701 to 8202 (no
 *     专用结余 8301 is drawn here). 8201 keeps what the earmarked money has not spent yet: it is carried.
 */
async function closeNonFiscal(tx: Tx, unitId: string, year: number, budgetary: BalanceRow[], closing: Closing) {
  const nonFiscal = (account: string) => budgetary.filter((r) => r.account === account && !r.fiscal).reduce((s, r) => s + r.net, 0);
  const earmarked = await earmarkedByAccount(tx, unitId, year);
  const projectSpending = await nonFiscalProjectSpending(tx, unitId, year);
  const lines4: PostingLine[] = [];
  let other = 0; // 8501 其他结余, credit positive
  let operating = 0; // 8401 经营结余, credit positive
  for (const account of NON_FISCAL_BUDGET_REVENUE) {
    const revenue = -nonFiscal(account);
    if (account === '6401') {
      lines4.push(...pair(account, '8401', revenue));
      operating += revenue;
      continue;
    }
    const special = earmarked.get(account) ?? 0;
    lines4.push(...pair(account, '8201', special), ...pair(account, '8501', revenue - special));
    other += revenue - special;
  }
  for (const account of ['7101', '7201']) {
    const spent = nonFiscal(account);
    const special = projectSpending.get(account) ?? 0;
    lines4.push(...pair('8201', account, special), ...pair('8501', account, spent - special));
    other -= spent - special;
  }
  await postEntry(tx, { ...closing, track: 'budgetary', voucherNo: `年结${year}-04`, summary: `${year}年非财政拨款预算收支结转`, lines: lines4 });
  const unit = await tx.selectFrom('units').select('kind').where('id', '=', unitId).executeTakeFirstOrThrow();
  const lines5: PostingLine[] = [];
  if (unit.kind === 'administrative') {
    lines5.push(...pair('8501', '8202', other));
  } else {
    const distributed = other + Math.max(operating, 0);
    lines5.push(...pair('8501', '8701', other), ...pair('8401', '8701', Math.max(operating, 0)), ...pair('8701', '8202', distributed));
  }
  await postEntry(tx, { ...closing, track: 'budgetary', voucherNo: `年结${year}-05`, summary: `${year}年其他结余${unit.kind === 'administrative' ? '转入非财政拨款结余' : '及经营结余转入非财政拨款结余分配'}`, lines: lines5 });
}
