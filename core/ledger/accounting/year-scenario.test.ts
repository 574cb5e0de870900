import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyChain } from '../../audit/service.js';
import { createTestEnv, type TestEnv } from '../../../test/support/kernel.js';
import { approveThrough, departmentId, paymentBody } from '../../../test/support/ledger.js';

/**
 * A year (2028, a year of its own) of an administrative unit (a, 示范县教育局机关) and an institution
 * (b, 示范县实验小学) with fiscal indicators, receipts of their own money (收入登记), payments from both, a
 * capital purchase depreciated month by month, twelve month closes and the year end — and the trial
 * balances after the year end, computed by hand (in 元 in the comments, fen in the code):
 *
 * Unit a (行政单位):
 *   fiscal (11):  operating 30201 issued 50,000, paid 30,000; 办公设备购置 31002 issued 20,000, paid 14,400 in March
 *                 (→ 1601 固定资产, 6 years = 72 months: 200/month from March, 10 months = 2,000 by December)
 *   receipts:     其他收入 10,000 (Feb), 非同级财政拨款收入 8,000 (Mar, not earmarked) → 1002 / 800102 = 18,000
 *   own money:    an indicator on 3106 of 18,000, paid 12,000 (Jul) → cash 6,000
 *   financial:    1201 25,600 (quota cancelled: 70,000 − 44,400) · 1601 14,400 · 1602 −2,000 · 1002 6,000
 *                 revenue 70,000 + 10,000 + 8,000 = 88,000; expenses 30,000 + 12,000 + 2,000 = 44,000
 *                 → 3301 → 3302 → 3001 44,000 (= 25,600 + 14,400 − 2,000 + 6,000)
 *   budgetary:    800103 25,600 · 800102 6,000 | 8102 25,600 (basic fiscal unspent is 结余) · 8202 6,000
 *                 (其他结余 18,000 − 12,000, a 行政单位 closes 8501 straight to 8202)
 * Unit b (事业单位):
 *   fiscal (11):  operating 30201 issued 100,000, paid 80,000 (40,000 in Jan and Jun)
 *   receipts:     事业收入 50,000 on 2101 (教育收费 returned from the 财政专户, Feb) and 30,000 on 3101 (Sep);
 *                 非同级财政拨款收入 20,000 earmarked (专项, Mar); 其他收入 1,000 (May) reversed the next day;
 *                 经营收入 2,000 on 3102 (Nov, 校办印刷服务)
 *   own money:    basic 3101 indicator 60,000, paid 25,000 (Mar) + 20,000 (Oct); project (专项) indicator
 *                 3105 of 20,000, paid 15,000 (Apr) → cash 102,000 − 60,000 = 42,000
 *   financial:    1201 20,000 · 1002 42,000 | 3001 62,000 (revenue 100,000 + 80,000 + 20,000 + 2,000 − expenses 140,000)
 *   budgetary:    800103 20,000 · 800102 42,000 | 8102 20,000 · 8201 5,000 (专项 20,000 − 15,000) ·
 *                 8202 37,000 (其他结余 80,000 − 45,000 and 经营结余 2,000, through 8701 非财政拨款结余分配)
 */
const YEAR = 2028;
const Y = 100; // fen per 元
let env: TestEnv;
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date(`${YEAR}-12-31T04:00:00Z`) });
  env = await createTestEnv();
});
afterAll(async () => {
  await env.close();
  vi.useRealTimers();
});

const mm = (month: number) => String(month).padStart(2, '0');

async function unitTools(unitId: string) {
  const finance = await env.login(`${unitId}.finance`);
  const staff = await env.login(`${unitId}.staff`);
  const dept = await departmentId(env, unitId, '03');
  const issue = async (name: string, economicCode: string, fundSourceCode: string, amount: number, expenditureKind = 'operating') => {
    const r = await env.call('POST', `/api/units/${unitId}/indicators`, {
      token: finance,
      body: { year: YEAR, name, departmentId: dept, projectId: null, expenditureKind, functionalCode: '2050101', economicCode, fundSourceCode, amount, date: `${YEAR}-01-05` },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as number;
  };
  const pay = async (indicatorId: number, amount: number, date: string) => {
    const s = await env.call('POST', `/api/units/${unitId}/payments`, { token: staff, body: paymentBody(indicatorId, amount, { date, purpose: `${date}支出` }) });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    expect((await approveThrough(env, 'payments', s.body.id, unitId)).status).toBe('approved');
    const paid = await env.call('POST', `/api/units/${unitId}/payments/${s.body.id}/pay`, { token: finance, body: { date } });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
  };
  const receive = async (date: string, type: string, fundSourceCode: string, amount: number, extra: Record<string, unknown> = {}) => {
    const r = await env.call('POST', `/api/units/${unitId}/receipts`, { token: finance, body: { date, type, fundSourceCode, amount, payer: '缴款单位', summary: `${date}收入`, ...extra } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body.id as number;
  };
  const close = async (month: number) => {
    for (const track of ['financial', 'budgetary']) {
      const tb = (await env.call('GET', `/api/units/${unitId}/trial-balance?track=${track}&year=${YEAR}&month=${month}`, { token: finance })).body;
      expect(tb.balanced, `${unitId} ${track} ${month}`).toBe(true);
    }
    const closed = await env.call('POST', `/api/units/${unitId}/periods/${YEAR}/${month}/close`, { token: finance });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
  };
  /** Closing balances of the year as account → debit − credit (fen), zero rows left out. */
  const closingBalances = async (track: 'financial' | 'budgetary') => {
    const tb = (await env.call('GET', `/api/units/${unitId}/trial-balance?track=${track}&year=${YEAR}`, { token: finance })).body;
    expect(tb.balanced, `${unitId} ${track}`).toBe(true);
    return Object.fromEntries(tb.accounts.map((r: any) => [r.accountCode, r.closingDebit - r.closingCredit]).filter(([, net]: [string, number]) => net !== 0));
  };
  return { finance, issue, pay, receive, close, closingBalances };
}

describe('a year with receipts, capital purchases, depreciation and the year end (scenario)', () => {
  it('ends with the hand-computed trial balances of an administrative unit and an institution', async () => {
    for (const unitId of ['a', 'b']) {
      expect((await env.call('POST', `/api/units/${unitId}/fiscal-years`, { token: await env.login(`${unitId}.finance`), body: { year: YEAR } })).status).toBe(201);
    }
    const a = await unitTools('a');
    const b = await unitTools('b');

    const aOperating = await a.issue('公用经费（办公费）', '30201', '11', 50_000 * Y);
    const aEquipment = await a.issue('办公设备购置', '31002', '11', 20_000 * Y);
    const aOwn = await a.issue('单位资金安排的办公费', '30201', '3106', 18_000 * Y);
    const bOperating = await b.issue('公用经费（办公费）', '30201', '11', 100_000 * Y);
    const bOwn = await b.issue('事业收入安排的公用经费', '30201', '3101', 60_000 * Y);
    const bSpecial = await b.issue('市级教研专项（非同级财政拨款）', '30201', '3105', 20_000 * Y, 'project');

    // Unit a cannot spend its own money before it arrives.
    const early = await env.call('POST', '/api/units/a/payments/check', { token: await env.login('a.staff'), body: { indicatorId: aOwn, amount: 12_000 * Y, date: `${YEAR}-01-20` } });
    expect(early.body.findings).toContainEqual(expect.objectContaining({ rule: 'CASH_INSUFFICIENT', severity: 'block' }));

    for (let month = 1; month <= 12; month++) {
      const d = (day: number) => `${YEAR}-${mm(month)}-${String(day).padStart(2, '0')}`;
      if (month === 1) await b.pay(bOperating, 40_000 * Y, d(20));
      if (month === 2) {
        await a.receive(d(10), 'other', '3106', 10_000 * Y);
        await b.receive(d(10), 'business', '2101', 50_000 * Y, { payer: '示范县财政局（财政专户）', summary: '返还春季学期教育收费' });
      }
      if (month === 3) {
        await a.receive(d(10), 'non_peer_fiscal', '3105', 8_000 * Y);
        await a.pay(aEquipment, 14_400 * Y, d(15));
        await b.receive(d(1), 'non_peer_fiscal', '3105', 20_000 * Y, { earmarked: true, payer: '市教育局', summary: '市级教研专项补助' });
        await b.pay(bOwn, 25_000 * Y, d(20));
      }
      if (month === 4) await b.pay(bSpecial, 15_000 * Y, d(20));
      if (month === 5) {
        const wrong = await b.receive(d(6), 'other', '3106', 1_000 * Y);
        const reversed = await env.call('POST', `/api/units/b/receipts/${wrong}/reverse`, { token: b.finance, body: { reason: '误录，冲销', date: d(7) } });
        expect(reversed.status, JSON.stringify(reversed.body)).toBe(200);
      }
      if (month === 6) {
        await a.pay(aOperating, 30_000 * Y, d(18));
        await b.pay(bOperating, 40_000 * Y, d(18));
      }
      if (month === 7) await a.pay(aOwn, 12_000 * Y, d(8));
      if (month === 9) await b.receive(d(10), 'business', '3101', 30_000 * Y);
      if (month === 10) await b.pay(bOwn, 20_000 * Y, d(20));
      if (month === 11) await b.receive(d(12), 'operating', '3102', 2_000 * Y, { payer: '示范县教师进修学校', summary: '校办印刷厂承印培训资料' });
      await a.close(month);
      await b.close(month);
    }

    // The capital purchase is an asset, depreciated 200 a month from March: 2,000 by December.
    const aBefore = await a.closingBalances('financial');
    expect(aBefore).toMatchObject({ '1601': 14_400 * Y, '1602': -2_000 * Y, '1002': 6_000 * Y });

    for (const [unitId, tools] of [['a', a], ['b', b]] as const) {
      const run = await env.call('POST', `/api/units/${unitId}/year-end`, { token: tools.finance, body: { year: YEAR } });
      expect(run.status, JSON.stringify(run.body)).toBe(200);
    }

    expect(await a.closingBalances('financial')).toEqual({
      '1002': 6_000 * Y, '1201': 25_600 * Y, '1601': 14_400 * Y, '1602': -2_000 * Y, '3001': -44_000 * Y,
    });
    expect(await a.closingBalances('budgetary')).toEqual({
      '800102': 6_000 * Y, '800103': 25_600 * Y, '8102': -25_600 * Y, '8202': -6_000 * Y,
    });
    expect(await b.closingBalances('financial')).toEqual({ '1002': 42_000 * Y, '1201': 20_000 * Y, '3001': -62_000 * Y });
    expect(await b.closingBalances('budgetary')).toEqual({
      '800102': 42_000 * Y, '800103': 20_000 * Y, '8102': -20_000 * Y, '8201': -5_000 * Y, '8202': -37_000 * Y,
    });

    // The closing vouchers go through 3302 本年盈余分配 (财务) and, for the institution, 8701 (预算).
    const journal = async (unitId: string, track: string) =>
      (await env.call('GET', `/api/units/${unitId}/journal?track=${track}&year=${YEAR}&month=12&limit=1000`, { token: await env.login(`${unitId}.finance`) })).body;
    const lineSet = (e: any) => e.lines.map((l: any) => `${l.debit ? 'Dr' : 'Cr'} ${l.accountCode} ${l.debit || l.credit}`).sort();
    const voucher = (entries: any[], no: string) => entries.find((e: any) => e.voucherNo === no);
    const bFinancial = await journal('b', 'financial');
    expect(lineSet(voucher(bFinancial, `年结${YEAR}-03`))).toEqual(['Cr 3302 6200000', 'Dr 3301 6200000']);
    expect(lineSet(voucher(bFinancial, `年结${YEAR}-04`))).toEqual(['Cr 3001 6200000', 'Dr 3302 6200000']);
    const bBudgetary = await journal('b', 'budgetary');
    expect(lineSet(voucher(bBudgetary, `年结${YEAR}-04`))).toEqual(
      ['Dr 6101 8000000', 'Cr 8501 8000000', 'Dr 6601 2000000', 'Cr 8201 2000000', 'Dr 6401 200000', 'Cr 8401 200000', 'Dr 8201 1500000', 'Dr 8501 4500000', 'Cr 7201 1500000', 'Cr 7201 4500000'].sort(),
    );
    expect(lineSet(voucher(bBudgetary, `年结${YEAR}-05`))).toEqual(['Cr 8202 3700000', 'Cr 8701 200000', 'Cr 8701 3500000', 'Dr 8401 200000', 'Dr 8501 3500000', 'Dr 8701 3700000']);
    const aBudgetary = await journal('a', 'budgetary');
    expect(lineSet(voucher(aBudgetary, `年结${YEAR}-05`))).toEqual(['Cr 8202 600000', 'Dr 8501 600000']);

    // Next year: the unspent own money is carried (15,000 + 5,000 in b; 6,000 in a) and stays backed by cash.
    for (const [unitId, carried, cashLeft] of [['a', 6_000 * Y, 6_000 * Y], ['b', 20_000 * Y, 42_000 * Y]] as const) {
      const next = (await env.call('GET', `/api/units/${unitId}/indicators?year=${YEAR + 1}`, { token: await env.login(`${unitId}.finance`) })).body;
      const own = next.filter((i: any) => /^[23]/.test(i.fundSourceCode));
      expect(own.reduce((s: number, i: any) => s + i.amount, 0), unitId).toBe(carried);
      const receipts = (await env.call('GET', `/api/units/${unitId}/receipts?year=${YEAR}`, { token: await env.login(`${unitId}.finance`) })).body;
      expect(receipts.cash).toEqual({ bank: cashLeft, budgetary: cashLeft, committed: carried });
    }
    expect((await verifyChain(env.kernel.db)).ok).toBe(true);
  });
});
