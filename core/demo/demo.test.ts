import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import { seedDemo } from './seed.js';
import { verifyChain } from '../audit/service.js';

/**
 * The full demo, as `npm start` seeds it, "as of" 20 November: a year of activity through the real
 * services. Checks that it is complete (every month, every status, both kinds of transfer) and
 * consistent (every indicator's frozen and paid equal its payments, nothing overdrawn, the audit
 * chain intact).
 */
const TODAY = new Date('2026-11-20T08:00:00Z');
const YEAR = 2026;
const UNITS = ['a', 'b'] as const;

let env: TestEnv;
let seedMs = 0;

beforeAll(async () => {
  env = await createTestEnv({}, { seed: false });
  const started = performance.now();
  await seedDemo(env.kernel, TODAY);
  seedMs = Math.round(performance.now() - started);
  // Logged, not asserted: the budget (~20 s SQLite, ~60 s PostgreSQL) is for a quiet machine, and the
  // suite runs files in parallel.
  console.log(`seedDemo with ledger activity on ${env.kernel.dialect}: ${seedMs} ms`);
}, 180_000);
afterAll(async () => env?.close());

async function get(username: string, path: string) {
  const result = await env.call('GET', path, { token: await env.login(username) });
  expect(result.status, JSON.stringify(result.body)).toBe(200);
  return result.body;
}

describe.each(UNITS)('demo ledger of unit %s', (unitId) => {
  it('has indicators from the approved budget, direct issues, a flexible reserve and 三公 caps', async () => {
    const indicators = await get(`${unitId}.finance`, `/api/units/${unitId}/indicators?year=${YEAR}`);
    expect(indicators.length).toBeGreaterThan(20);
    expect(indicators.filter((i: any) => i.sourceLineId !== null).length).toBeGreaterThan(15);
    expect(indicators.filter((i: any) => i.isFlexibleReserve)).toHaveLength(1);
    expect(new Set(indicators.map((i: any) => i.expenditureKind))).toEqual(new Set(['personnel', 'operating', 'project']));
    const caps = await get(`${unitId}.finance`, `/api/units/${unitId}/three-public-caps?year=${YEAR}`);
    expect(caps.map((c: any) => c.economicCode).sort()).toEqual(['30217', '30231']);
    for (const cap of caps) expect(cap.used).toBeLessThanOrEqual(cap.amount);

    const requests = await get(`${unitId}.finance`, `/api/units/${unitId}/budget-requests?year=${YEAR}`);
    expect(requests).toHaveLength(2);
    for (const r of requests) expect(r).toMatchObject({ status: 'approved', round: 2 });
    const projects = await get(`${unitId}.finance`, `/api/units/${unitId}/projects`);
    expect(projects.map((p: any) => p.status).sort()).toEqual(['executing', 'executing', 'executing', 'reserve']);
  });

  it('has payments in every month up to today, in every status, never dated in the future', async () => {
    const payments = await env.kernel.db.selectFrom('payments').selectAll().where('unit_id', '=', unitId).execute();
    expect(payments.length).toBeGreaterThanOrEqual(150);
    expect(payments.length).toBeLessThanOrEqual(260);
    const months = new Set(payments.map((p) => Number(p.date.slice(5, 7))));
    expect([...months].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(new Set(payments.map((p) => p.status))).toEqual(new Set(['paid', 'approved', 'pending', 'rejected', 'withdrawn']));
    const today = TODAY.toISOString().slice(0, 10);
    for (const p of payments) {
      expect(p.date <= today).toBe(true);
      expect(p.amount).toBeGreaterThan(0);
      if (p.status === 'paid') {
        expect(p.paid_at! >= p.date && p.paid_at! <= today).toBe(true);
        expect(p.paid_at!.slice(0, 7)).toBe(p.date.slice(0, 7));
      }
    }
    expect(payments.some((p) => p.procurement === 1 && p.contract_no)).toBe(true);
    expect(payments.filter((p) => p.standard && JSON.parse(p.standard).item.startsWith('travel_')).length).toBeGreaterThanOrEqual(2);
    // Amounts look like real invoices, not round numbers.
    expect(payments.filter((p) => p.amount % 100 !== 0).length).toBeGreaterThan(payments.length / 2);
    // The open month has work in progress at each step of the flow.
    const open = await env.kernel.db
      .selectFrom('approval_steps').select(['role']).where('unit_id', '=', unitId).where('target', '=', 'payment').where('status', '=', 'pending').execute();
    expect(new Set(open.map((s) => s.role))).toEqual(new Set(['department_head', 'finance_officer', 'leader']));
  });

  it('keeps every indicator consistent with its payments and never overdrawn', async () => {
    const indicators = await env.kernel.db.selectFrom('indicators').selectAll().where('unit_id', '=', unitId).execute();
    const payments = await env.kernel.db.selectFrom('payments').selectAll().where('unit_id', '=', unitId).execute();
    for (const i of indicators) {
      const mine = payments.filter((p) => p.indicator_id === i.id);
      const sum = (status: string) => mine.filter((p) => p.status === status).reduce((s, p) => s + p.amount, 0);
      expect(i.issued_amount + i.adjusted_amount - i.frozen_amount - i.paid_amount, i.code).toBeGreaterThanOrEqual(0);
      expect(i.frozen_amount, i.code).toBe(sum('approved'));
      expect(i.paid_amount, i.code).toBe(sum('paid'));
    }
  });

  it('has transfers on the fast track and through the full flow, and an approved 追加', async () => {
    const transfers = await get(`${unitId}.finance`, `/api/units/${unitId}/transfers`);
    const approved = transfers.filter((t: any) => t.status === 'approved');
    expect(approved.some((t: any) => t.fastTrack)).toBe(true);
    expect(approved.some((t: any) => !t.fastTrack)).toBe(true);
    for (const t of approved) {
      expect(t.steps.map((s: any) => s.role)).toEqual(t.fastTrack ? ['finance_officer'] : ['finance_officer', 'leader']);
      if (t.fastTrack) expect(t.amount).toBeLessThanOrEqual(20_000_00);
    }
    expect(transfers.some((t: any) => t.status === 'pending')).toBe(true);

    const adjustments = await get(`${unitId}.finance`, `/api/units/${unitId}/adjustments`);
    expect(adjustments.some((a: any) => a.status === 'approved' && a.amount > 0 && a.steps[0].role === 'leader')).toBe(true);

    // Money moved into an indicator still traces back to the budget requests.
    const fullFlow = approved.find((t: any) => !t.fastTrack);
    const target = await get(`${unitId}.finance`, `/api/units/${unitId}/indicators/${fullFlow.toIndicatorId}`);
    expect(target.origins.some((o: any) => o.via === 'transfer')).toBe(true);
    expect(target.origins.some((o: any) => o.budgetRequestId !== null)).toBe(true);
  });

  it('backs its own money with receipts: 1002 and 800102 never below zero on any day of the year', async () => {
    const receipts = await get(`${unitId}.finance`, `/api/units/${unitId}/receipts?year=${YEAR}`);
    if (unitId === 'b') {
      // 课后服务收费 of both terms (事业收入) and three quarters of interest (其他收入) have arrived by 20 November.
      expect(receipts.totals.byType.map((t: any) => [t.type, t.count])).toEqual([['business', 2], ['other', 3]]);
      expect(receipts.totals.total).toBe(163_800_00 + 172_200_00 + 186_42 + 419_87 + 356_15);
    }
    const lines = await env.kernel.db.selectFrom('journal_lines').innerJoin('journal_entries', 'journal_entries.id', 'journal_lines.entry_id')
      .select(['journal_entries.date', 'journal_lines.account_code', 'journal_lines.debit', 'journal_lines.credit'])
      .where('journal_lines.unit_id', '=', unitId).where('journal_lines.account_code', 'in', ['1002', '800102'])
      .orderBy('journal_entries.date').orderBy('journal_lines.debit', 'desc').execute();
    const running = { '1002': 0, '800102': 0 } as Record<string, number>;
    for (const l of lines) {
      running[l.account_code] = running[l.account_code]! + Number(l.debit) - Number(l.credit);
      expect(running[l.account_code], `${l.account_code} on ${l.date}`).toBeGreaterThanOrEqual(0);
    }
    expect(receipts.cash.bank).toBe(running['1002']);
    expect(receipts.cash.budgetary).toBe(running['800102']);
    // Every indicator over own money is backed: what it may still spend is in the bank.
    expect(receipts.cash.committed).toBeLessThanOrEqual(receipts.cash.bank);
  });

  it('leaves the inboxes of the demo users with something to do', async () => {
    for (const role of ['head', 'finance', 'leader']) {
      const inbox = await get(`${unitId}.${role}`, `/api/units/${unitId}/approvals/inbox`);
      expect(inbox.length, `${unitId}.${role}`).toBeGreaterThan(0);
    }
  });

  it('closes the months before last and keeps the last two open', async () => {
    const periods = await env.kernel.db
      .selectFrom('periods').select(['month', 'status']).where('unit_id', '=', unitId).where('year', '=', YEAR).orderBy('month').execute();
    expect(periods.filter((p) => p.status === 'closed').map((p) => p.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('the demo as a whole', () => {
  it('keeps the audit chain intact', async () => {
    const result = await verifyChain(env.kernel.db);
    expect(result.ok).toBe(true);
    expect(result.checked).toBeGreaterThan(1500);
  });
});

describe('demo assets (资产卡片) and department functions', () => {
  it('capital payments are on the register, depreciated at each closed month; 1602 agrees with the cards', async () => {
    for (const unitId of UNITS) {
      const cards = await get(`${unitId}.finance`, `/api/units/${unitId}/assets`);
      const paid = await env.kernel.db.selectFrom('payments').select(['id', 'amount', 'paid_at', 'economic_code'])
        .where('unit_id', '=', unitId).where('status', '=', 'paid').where((eb) => eb.or([eb('economic_code', 'like', '309%'), eb('economic_code', 'like', '310%')])).execute();
      expect(paid.length, unitId).toBeGreaterThan(0);
      expect(cards.map((c: any) => c.paymentId).sort()).toEqual(paid.map((p) => p.id).sort());
      for (const p of paid) expect(cards.find((c: any) => c.paymentId === p.id)).toMatchObject({ value: Number(p.amount), acquiredOn: p.paid_at });
      // Months 1–9 are closed (as of 20 November): a card acquired in month m has 9 − m + 1 months posted.
      for (const c of cards.filter((x: any) => x.status === 'in_use')) {
        const k = 9 - Number(c.acquiredOn.slice(5, 7)) + 1;
        expect(c.accumulated, c.code).toBe(k <= 0 ? 0 : Math.floor((c.value * k) / c.usefulLifeMonths));
      }
      const lines = await env.kernel.db.selectFrom('journal_lines').select(['account_code', 'debit', 'credit'])
        .where('unit_id', '=', unitId).where('account_code', 'in', ['1602', '5101']).execute();
      const net = (code: string) => lines.filter((l) => l.account_code === code).reduce((s, l) => s + Number(l.credit) - Number(l.debit), 0);
      expect(net('1602')).toBe(cards.reduce((s: number, c: any) => s + c.accumulated, 0));
      // All demo spending is by department 03 (基础教育科 / 教务处), a 业务部门: nothing on 5101.
      expect(net('5101')).toBe(0);
    }
    // The bureau's smart-campus prepayment, paid 20 June: 325,980.00 over 72 months = 4,527.50 a month, June–September.
    const a = await get('a.auditor', '/api/units/a/assets');
    expect(a.find((c: any) => c.value === 325_980_00 && c.acquiredOn === `${YEAR}-06-20`)).toMatchObject({ accountCode: '1601', classCode: 'computers', accumulated: 18_110_00 });
    // The school's repairs (31006 大型修缮) are construction in progress, not depreciated until completed (转固).
    const b = await get('b.auditor', '/api/units/b/assets');
    const repairs = b.filter((c: any) => c.economicCode === '31006');
    expect(repairs.length).toBeGreaterThan(0);
    for (const r of repairs) expect(r).toMatchObject({ accountCode: '1613', status: 'under_construction', accumulated: 0 });
    const departments = await get('b.admin', '/api/units/b/departments');
    expect(departments.map((d: any) => `${d.name}:${d.function}`)).toEqual(['办公室:management', '财务室:management', '教务处:business', '后勤处:management']);
  });
});
