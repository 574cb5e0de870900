import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyChain } from '../../audit/service.js';
import { createTestEnv, type TestEnv } from '../../../test/support/kernel.js';
import { approveThrough, departmentId, paymentBody } from '../../../test/support/ledger.js';

/**
 * A full accounting year of unit `a` (2027, a year of its own): prepare ("二上二下") → issue → pay
 * every month through the approval tiers → transfer → close twelve periods (each close checks the
 * trial balance) → final accounts whose totals equal the payments, disclosure whose 三公经费 subtotal
 * equals its parts, and a year end whose carry-overs equal the unspent balances.
 */
const YEAR = 2027;
let env: TestEnv;
beforeAll(async () => {
  // The year is lived through to its end: "today" is its last day, so no payment of it is dated in the future.
  vi.useFakeTimers({ toFake: ['Date'], now: new Date(`${YEAR}-12-31T04:00:00Z`) });
  env = await createTestEnv();
});
afterAll(async () => {
  await env.close();
  vi.useRealTimers();
});

describe('an accounting year (scenario)', () => {
  it('prepare → issue → pay monthly → transfer → close twelve periods → final accounts, disclosure, year end', async () => {
    const [staff, finance, leader] = [await env.login('a.staff'), await env.login('a.finance'), await env.login('a.leader')];
    const dept = await departmentId(env, 'a', '03');
    expect((await env.call('POST', '/api/units/a/fiscal-years', { token: finance, body: { year: YEAR } })).status).toBe(201);

    // 项目库 + 预算编制: a one-year project and the department's request, approved and issued on 5 January.
    const project = await env.call('POST', '/api/units/a/projects', {
      token: finance,
      body: { code: 'XM2027-001', name: '校园安全改造项目', departmentId: dept, functionalCode: '2050101', fundSourceCode: '11', startYear: YEAR, endYear: YEAR + 1, totalAmount: 500_000_00, plans: [{ year: YEAR, amount: 300_000_00 }, { year: YEAR + 1, amount: 200_000_00 }] },
    });
    expect(project.status, JSON.stringify(project.body)).toBe(201);
    for (const to of ['approved', 'executing']) await env.call('POST', `/api/units/a/projects/${project.body.id}/status`, { token: finance, body: { status: to, comment: '同意' } });
    const request = await env.call('POST', '/api/units/a/budget-requests', {
      token: staff,
      body: { year: YEAR, departmentId: dept, title: `基础教育科${YEAR}年部门预算`, lines: [{ kind: 'operating', headcount: 10 }, { kind: 'project', projectId: project.body.id, economicCode: '30213', amount: 300_000_00 }] },
    });
    expect(request.status, JSON.stringify(request.body)).toBe(201);
    await env.call('POST', `/api/units/a/budget-requests/${request.body.id}/submit`, { token: staff, body: {} });
    const controls = request.body.lines.map((l: any) => ({ lineId: l.id, controlAmount: l.amount }));
    await env.call('POST', `/api/units/a/budget-requests/${request.body.id}/return`, { token: finance, body: { lines: controls } });
    await env.call('POST', `/api/units/a/budget-requests/${request.body.id}/submit`, { token: staff, body: {} });
    const approved = await env.call('POST', `/api/units/a/budget-requests/${request.body.id}/approve`, { token: leader, body: { date: `${YEAR}-01-05` } });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const issued = (await env.call('GET', `/api/units/a/indicators?year=${YEAR}`, { token: finance })).body;
    const projectInd = issued.find((i: any) => i.projectId === project.body.id);
    const operating = issued.filter((i: any) => i.expenditureKind === 'operating').sort((x: any, y: any) => y.amount - x.amount);
    expect(projectInd).toBeDefined();
    expect(operating.length).toBeGreaterThan(0);
    // 三公经费 indicators, issued directly.
    const direct = async (name: string, economicCode: string, amount: number) => {
      const r = await env.call('POST', '/api/units/a/indicators', {
        token: finance,
        body: { year: YEAR, name, departmentId: dept, projectId: null, expenditureKind: 'operating', functionalCode: '2050101', economicCode, fundSourceCode: '11', amount, date: `${YEAR}-01-05` },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body;
    };
    const reception = await direct('公务接待费', '30217', 60_000_00);
    const carRunning = await direct('公务用车运行维护费', '30231', 120_000_00);
    const carPurchase = await direct('公务用车购置费', '31013', 250_000_00);

    // Pay every month, then close the month (the close checks both trial balances).
    const paidBy = new Map<number, number>();
    let paidTotal = 0;
    const pay = async (indicatorId: number, amount: number, month: number) => {
      const date = `${YEAR}-${String(month).padStart(2, '0')}-10`;
      const s = await env.call('POST', '/api/units/a/payments', { token: staff, body: paymentBody(indicatorId, amount, { date, purpose: `${month}月支出` }) });
      expect(s.status, JSON.stringify(s.body)).toBe(201);
      expect((await approveThrough(env, 'payments', s.body.id)).status).toBe('approved');
      expect((await env.call('POST', `/api/units/a/payments/${s.body.id}/pay`, { token: finance, body: { date } })).status).toBe(200);
      paidBy.set(indicatorId, (paidBy.get(indicatorId) ?? 0) + amount);
      paidTotal += amount;
    };
    for (let month = 1; month <= 12; month++) {
      await pay(operating[0].id, Math.floor(operating[0].amount / 20) + month * 17, month);
      if (month % 2 === 0) await pay(reception.id, 2_500_00, month);
      if (month % 3 === 0) await pay(carRunning.id, 8_000_00 + month, month);
      if (month === 4) await pay(carPurchase.id, 230_000_00, month);
      if (month >= 3 && month <= 9) await pay(projectInd.id, 25_000_00, month);
      if (month === 6) {
        // 调剂: part of the project money moves to the operating indicator.
        const t = await env.call('POST', '/api/units/a/transfers', { token: staff, body: { fromIndicatorId: projectInd.id, toIndicatorId: operating[0].id, amount: 20_000_00, reason: '项目节余调剂公用经费', date: `${YEAR}-06-20` } });
        expect(t.status, JSON.stringify(t.body)).toBe(201);
        expect((await approveThrough(env, 'transfers', t.body.id)).status).toBe('approved');
      }
      for (const track of ['financial', 'budgetary']) {
        const tb = (await env.call('GET', `/api/units/a/trial-balance?track=${track}&year=${YEAR}&month=${month}`, { token: finance })).body;
        expect(tb.balanced, `${track} ${month}`).toBe(true);
      }
      const closed = await env.call('POST', `/api/units/a/periods/${YEAR}/${month}/close`, { token: finance });
      expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    }

    // 决算: totals equal the sum of payments, in the report, the payments table and the budgetary journal.
    const finalAccounts = (await env.call('GET', `/api/units/a/reports/final-accounts?year=${YEAR}`, { token: finance })).body;
    expect(finalAccounts.totals).toMatchObject({ expenditure: paidTotal, payments: paidTotal, budgetaryExpenditure: paidTotal });
    const summary = finalAccounts.tables.find((t: any) => t.id === 'summary');
    expect(summary.rows.find((r: any) => r.line === 'expenditure_current').amount).toBe(paidTotal);
    for (const id of ['expenditure_by_functional', 'expenditure_by_economic']) {
      const table = finalAccounts.tables.find((t: any) => t.id === id);
      const total = table.rows.at(-1);
      expect(total.total).toBe(paidTotal);
      expect(table.rows.slice(0, -1).reduce((s: number, r: any) => s + r.total, 0)).toBe(paidTotal);
      expect(total.personnel + total.operating + total.project).toBe(paidTotal);
    }

    // 预算公开 (执行数): the 三公经费 subtotal equals its parts.
    const disclosure = (await env.call('GET', `/api/units/a/reports/disclosure?year=${YEAR}&basis=actual`, { token: finance })).body;
    const tp = disclosure.threePublic;
    expect(tp.reception).toBe(paidBy.get(reception.id));
    expect(tp.carRunning).toBe(paidBy.get(carRunning.id));
    expect(tp.carPurchase).toBe(paidBy.get(carPurchase.id));
    expect(tp.abroad).toBe(0);
    expect(tp.carSubtotal).toBe(tp.carPurchase + tp.carRunning);
    expect(tp.total).toBe(tp.abroad + tp.carSubtotal + tp.reception);
    const tpTable = disclosure.tables.find((t: any) => t.id === 'three_public');
    expect(tpTable.unitLabel).toBe('万元');
    const rows = tpTable.rows.map((r: any) => r.amount);
    expect(rows[0]).toBe(rows[1] + rows[2] + rows[5]);
    expect(rows[2]).toBe(rows[3] + rows[4]);
    const budgetDisclosure = (await env.call('GET', `/api/units/a/reports/disclosure?year=${YEAR}`, { token: finance })).body;
    expect(budgetDisclosure.threePublic.total).toBe(60_000_00 + 120_000_00 + 250_000_00);
    const incomeTable = budgetDisclosure.tables.find((t: any) => t.id === 'income_expenditure');
    const incomeTotal = incomeTable.rows.find((r: any) => r.name === '收入总计').amount;
    expect(incomeTable.rows.find((r: any) => r.name === '支出总计').amount).toBe(incomeTotal);

    // Year end: carry-overs equal the unspent balances; the new year traces back.
    const indicators = (await env.call('GET', `/api/units/a/indicators?year=${YEAR}`, { token: finance })).body;
    const unspent = new Map<number, number>(indicators.map((i: any) => [i.id, i.amount - i.paid]));
    const preview = (await env.call('GET', `/api/units/a/year-end?year=${YEAR}`, { token: finance })).body;
    for (const item of preview.items) expect(item.unspent).toBe(unspent.get(item.indicatorId));
    expect(preview.totals.unspent).toBe(finalAccounts.totals.carryOverAndSurplus);
    const run = await env.call('POST', '/api/units/a/year-end', { token: finance, body: { year: YEAR } });
    expect(run.status, JSON.stringify(run.body)).toBe(200);
    const next = (await env.call('GET', `/api/units/a/indicators?year=${YEAR + 1}`, { token: finance })).body;
    const carried = next.filter((i: any) => i.carriedFromId !== null);
    expect(carried.map((i: any) => i.carriedFromId).sort()).toEqual(preview.items.filter((x: any) => x.decision === 'carry_forward').map((x: any) => x.indicatorId).sort());
    for (const c of carried) expect(c.amount).toBe(unspent.get(c.carriedFromId));
    expect(carried.find((c: any) => c.carriedFromId === projectInd.id)?.amount).toBe(300_000_00 - 20_000_00 - 7 * 25_000_00);
    expect(carried.reduce((s: number, c: any) => s + c.amount, 0) + run.body.totals.surplus).toBe(preview.totals.unspent);

    // After the year end the old year's budget accounts are closed and both tracks still balance.
    for (const track of ['financial', 'budgetary']) {
      const tb = (await env.call('GET', `/api/units/a/trial-balance?track=${track}&year=${YEAR}`, { token: finance })).body;
      expect(tb.balanced).toBe(true);
      for (const row of tb.accounts) if (/^[4567]/.test(row.accountCode)) expect(row.closingDebit - row.closingCredit, row.accountCode).toBe(0);
    }
    // The year's books are final: December cannot be reopened any more.
    const reopen = await env.call('POST', `/api/units/a/periods/${YEAR}/12/reopen`, { token: await env.login('a.leader'), body: { reason: '年终结转后补记业务' } });
    expect(reopen.status).toBe(409);
    expect(reopen.body.error.code).toBe('YEAR_END_ALREADY_RUN');
    expect((await verifyChain(env.kernel.db)).ok).toBe(true);
  });
});
