import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { verifyChain } from '../../audit/service.js';
import { createTestEnv, refusedWithoutTrace, type CallResult, type TestEnv } from '../../../test/support/kernel.js';
import { approveThrough, issue, paymentBody } from '../../../test/support/ledger.js';

/**
 * 收入登记 and the cash rule: receipts post both tracks; 银行存款 (1002) and 资金结存—货币资金 (800102)
 * never go below zero — not by paying from non-fiscal money, not by reversing a receipt.
 * Today is 15 June 2026 (January to April closed).
 */
let env: TestEnv;
beforeAll(async () => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-06-15T04:00:00Z') });
  env = await createTestEnv();
  // Sign everyone in first: a sign-in is audited, and refusals are proved by an unchanged audit head.
  for (const user of ['a.finance', 'a.staff', 'a.leader', 'b.finance', 'b.leader', 'b.staff', 'dept.leader']) await env.login(user);
});
afterAll(async () => {
  await env.close();
  vi.useRealTimers();
});

const expectRefused = (run: () => Promise<CallResult>, status: number, code: string) => refusedWithoutTrace(env, run, status, code).then((r) => r.body);
const receipt = (extra: Record<string, unknown> = {}) => ({
  date: '2026-06-05', type: 'business', amount: 120_000_00, fundSourceCode: '2101', payer: '示范县财政局（财政专户）', summary: '返还2026年春季学期学费', ...extra,
});
const record = async (unitId: string, body: Record<string, unknown>) =>
  env.call('POST', `/api/units/${unitId}/receipts`, { token: await env.login(`${unitId}.finance`), body });
const lineSet = (e: any) => e.lines.map((l: any) => `${l.debit ? 'Dr' : 'Cr'} ${l.accountCode} ${l.debit || l.credit}`).sort();
async function entriesOf(unitId: string, voucher: string) {
  const all = (await env.call('GET', `/api/units/${unitId}/journal?year=2026&limit=1000`, { token: await env.login(`${unitId}.finance`) })).body;
  return all.filter((e: any) => e.voucherNo === voucher);
}
async function cash(unitId: string) {
  return (await env.call('GET', `/api/units/${unitId}/receipts?year=2026`, { token: await env.login(`${unitId}.finance`) })).body.cash;
}

describe('receipts (收入登记)', () => {
  it('records 事业收入 of an institution in both tracks, with its audit entry and event', async () => {
    const r = await record('b', receipt());
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({
      unitId: 'b', year: 2026, type: 'business', typeName: '事业收入', amount: 120_000_00, fundSourceCode: '2101', fundSourceName: '教育收费',
      status: 'recorded', financialAccount: '4101', budgetaryAccount: '6101', earmarked: false,
    });
    const voucher = `收2026-06-${String(r.body.id).padStart(6, '0')}`;
    const entries = await entriesOf('b', voucher);
    expect(entries.map((e: any) => [e.track, e.sourceType, e.date])).toEqual(expect.arrayContaining([['financial', 'receipt', '2026-06-05'], ['budgetary', 'receipt', '2026-06-05']]));
    expect(entries.map(lineSet).sort()).toEqual([['Cr 4101 12000000', 'Dr 1002 12000000'], ['Cr 6101 12000000', 'Dr 800102 12000000']].sort());
    expect(await cash('b')).toMatchObject({ bank: 120_000_00, budgetary: 120_000_00 });
    const events = await env.kernel.db.selectFrom('outbox').select('payload').where('type', '=', 'receipt.recorded').where('unit_id', '=', 'b').execute();
    expect(events.map((e) => JSON.parse(e.payload).receipt.id)).toEqual([r.body.id]);
    const audit = await env.kernel.db.selectFrom('audit_log').select('action').where('entity', '=', 'receipt').where('entity_id', '=', String(r.body.id)).execute();
    expect(audit.map((a) => a.action)).toEqual(['receipt.record']);
  });

  it('refuses, without a trace, types an administrative unit cannot have and fund sources that do not fit', async () => {
    const refused = await expectRefused(() => record('a', receipt({ fundSourceCode: '3101' })), 422, 'RECEIPT_TYPE_NOT_ALLOWED');
    expect(refused.error.message).toContain('事业收入');
    for (const type of ['superior_subsidy', 'subordinate_remit', 'operating']) {
      await expectRefused(() => record('a', receipt({ type, fundSourceCode: '31' })), 422, 'RECEIPT_TYPE_NOT_ALLOWED');
    }
    // An administrative unit records 其他收入 and 非同级财政拨款收入.
    const other = await record('a', receipt({ type: 'other', fundSourceCode: '3106', amount: 3_000_00, payer: '示范县农商银行', summary: '存款利息收入' }));
    expect(other.status, JSON.stringify(other.body)).toBe(201);
    expect(other.body).toMatchObject({ financialAccount: '4609', budgetaryAccount: '6609', fundSourceName: '其他收入' });
    const list = (await env.call('GET', '/api/units/a/receipts?year=2026', { token: await env.login('a.finance') })).body;
    expect(list.allowedTypes).toEqual(['non_peer_fiscal', 'other']);

    await expectRefused(() => record('b', receipt({ type: 'operating', fundSourceCode: '3101' })), 422, 'RECEIPT_FUND_SOURCE_MISMATCH');
    await expectRefused(() => record('b', receipt({ type: 'other', fundSourceCode: '2101' })), 422, 'RECEIPT_FUND_SOURCE_MISMATCH');
    await expectRefused(() => record('b', receipt({ fundSourceCode: '11' })), 400, 'VALIDATION_FAILED');
    await expectRefused(() => record('b', receipt({ amount: 0 })), 400, 'VALIDATION_FAILED');
    await expectRefused(() => record('b', receipt({ amount: 10_000_000_000_001 })), 400, 'VALIDATION_FAILED');
    await expectRefused(() => record('b', receipt({ amount: 12.5 })), 400, 'VALIDATION_FAILED');
    await expectRefused(() => record('b', receipt({ type: 'tuition' })), 400, 'VALIDATION_FAILED');
    await expectRefused(() => record('b', receipt({ payer: '' })), 400, 'VALIDATION_FAILED');
    await expectRefused(() => record('b', receipt({ date: '2026-03-10' })), 422, 'PERIOD_CLOSED');
    await expectRefused(() => record('b', receipt({ date: '2026-06-16' })), 422, 'RECEIPT_DATE_IN_FUTURE');
    await expectRefused(() => record('b', receipt({ date: '2027-01-05' })), 422, 'RECEIPT_DATE_IN_FUTURE');
    await expectRefused(() => record('b', receipt({ departmentId: 999_999 })), 404, 'DEPARTMENT_NOT_FOUND');
    // A unit's receipts of a year stay within MAX_FEN (1,000 亿元) together: 120,000.00 are recorded already.
    const over = await expectRefused(() => record('b', receipt({ amount: 10_000_000_000_000 })), 422, 'RECEIPTS_LIMIT_EXCEEDED');
    expect(over.error.details).toMatchObject({ total: 10_000_000_000_000 + 120_000_00, limit: 10_000_000_000_000 });
  });

  it('keeps 1002 and 800102 from going negative: pay from own money and reversal (CASH_INSUFFICIENT)', async () => {
    const finance = await env.login('a.finance');
    const staff = await env.login('a.staff');
    const own = await issue(env, { amount: 50_000_00, fundSourceCode: '3106', name: '单位资金安排的办公费' });
    // Unit a has 3,000.00 of cash (the interest above). A request for 4,000.00 of own money is refused at once…
    const check = await env.call('POST', '/api/units/a/payments/check', { token: staff, body: { indicatorId: own.id, amount: 4_000_00 } });
    expect(check.status).toBe(200);
    expect(check.body.ok).toBe(false);
    expect(check.body.findings).toContainEqual(expect.objectContaining({ rule: 'CASH_INSUFFICIENT', severity: 'block' }));
    const refused = await expectRefused(() => env.call('POST', '/api/units/a/payments', { token: staff, body: paymentBody(own.id, 4_000_00) }), 422, 'CASH_INSUFFICIENT');
    expect(refused.error.details).toMatchObject({ bank: 3_000_00, budgetary: 3_000_00, amount: 4_000_00 });
    // …and a hard rule: no override reason lets it through.
    await expectRefused(() => env.call('POST', '/api/units/a/payments', { token: staff, body: paymentBody(own.id, 4_000_00, { override: { reason: '先行垫付' } }) }), 422, 'CASH_INSUFFICIENT');

    // 10,000.00 of 非同级财政拨款收入 arrives: cash 13,000.00. Two requests of 8,000.00 each pass (each fits today)…
    const grant = await record('a', receipt({ type: 'non_peer_fiscal', fundSourceCode: '3105', amount: 10_000_00, payer: '市教育局', summary: '市级教研活动补助' }));
    expect(grant.status).toBe(201);
    const ids: number[] = [];
    for (let i = 0; i < 2; i++) {
      const s = await env.call('POST', '/api/units/a/payments', { token: staff, body: paymentBody(own.id, 8_000_00) });
      expect(s.status, JSON.stringify(s.body)).toBe(201);
      expect((await approveThrough(env, 'payments', s.body.id)).status).toBe('approved');
      ids.push(s.body.id);
    }
    // …the first is paid (cash 5,000.00), the second is refused at pay time without a trace.
    expect((await env.call('POST', `/api/units/a/payments/${ids[0]}/pay`, { token: finance, body: { date: '2026-06-12' } })).status).toBe(200);
    expect(await cash('a')).toMatchObject({ bank: 5_000_00, budgetary: 5_000_00 });
    await expectRefused(() => env.call('POST', `/api/units/a/payments/${ids[1]}/pay`, { token: finance, body: { date: '2026-06-12' } }), 422, 'CASH_INSUFFICIENT');
    // The 10,000.00 receipt cannot be reversed either: it is partly spent.
    await expectRefused(() => env.call('POST', `/api/units/a/receipts/${grant.body.id}/reverse`, { token: finance, body: { reason: '误录' } }), 422, 'CASH_INSUFFICIENT');

    // 4,000.00 more arrives (cash 9,000.00): the second payment goes through (cash 1,000.00).
    expect((await record('a', receipt({ type: 'other', fundSourceCode: '3106', amount: 4_000_00, payer: '示范县培训中心', summary: '场地使用费' }))).status).toBe(201);
    expect((await env.call('POST', `/api/units/a/payments/${ids[1]}/pay`, { token: finance, body: { date: '2026-06-13' } })).status).toBe(200);
    expect(await cash('a')).toMatchObject({ bank: 1_000_00, budgetary: 1_000_00, committed: 50_000_00 - 16_000_00 });
    // Fiscal money is not cash of the bank account: paying from an 11 indicator is untouched by the rule.
    const fiscal = await issue(env, { amount: 100_000_00 });
    const s = await env.call('POST', '/api/units/a/payments', { token: staff, body: paymentBody(fiscal.id, 50_000_00) });
    expect(s.status, JSON.stringify(s.body)).toBe(201);
  });

  it('two pays racing for the same cash: exactly one goes through (the unit’s cash lock)', async () => {
    const finance = await env.login('b.finance');
    const staff = await env.login('b.staff');
    // Two indicators, so the pays do not queue on one indicator's lock: only the cash lock orders them.
    const own = [
      await issue(env, { unitId: 'b', amount: 500_000_00, fundSourceCode: '3101', name: '事业收入安排的办公费' }),
      await issue(env, { unitId: 'b', amount: 500_000_00, fundSourceCode: '3101', name: '事业收入安排的印刷费', economicCode: '30202' }),
    ];
    const cashBefore = (await cash('b')).bank; // 120,000.00 of 事业收入
    const ids: number[] = [];
    for (let i = 0; i < 2; i++) {
      const s = await env.call('POST', '/api/units/b/payments', { token: staff, body: paymentBody(own[i]!.id, 70_000_00) });
      expect(s.status, JSON.stringify(s.body)).toBe(201);
      expect((await approveThrough(env, 'payments', s.body.id, 'b')).status).toBe('approved');
      ids.push(s.body.id);
    }
    const results = await Promise.all(ids.map((id) => env.call('POST', `/api/units/b/payments/${id}/pay`, { token: finance, body: { date: '2026-06-12' } })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
    expect(results.find((r) => r.status === 422)!.body.error.code).toBe('CASH_INSUFFICIENT');
    expect(await cash('b')).toMatchObject({ bank: cashBefore - 70_000_00, budgetary: cashBefore - 70_000_00 });
    // The refused one is withdrawn by its requester: its freeze is released.
    const refused = ids[results.findIndex((r) => r.status === 422)]!;
    expect((await env.call('POST', `/api/units/b/payments/${refused}/withdraw`, { token: staff, body: { comment: '资金未到账，撤回' } })).status).toBe(200);
  });

  it('reverses a receipt by a reversing entry of the same accounts, once, with a reason (红字冲销)', async () => {
    const finance = await env.login('b.finance');
    const wrong = await record('b', receipt({ type: 'superior_subsidy', fundSourceCode: '3103', amount: 5_000_00, payer: '示范县教育局', summary: '教研补助（重复录入）' }));
    expect(wrong.status).toBe(201);
    const before = await cash('b');
    await expectRefused(() => env.call('POST', `/api/units/b/receipts/${wrong.body.id}/reverse`, { token: finance, body: {} }), 400, 'VALIDATION_FAILED');
    await expectRefused(() => env.call('POST', `/api/units/b/receipts/${wrong.body.id}/reverse`, { token: finance, body: { reason: '重复录入', date: '2026-06-01' } }), 422, 'RECEIPT_REVERSAL_DATE');
    await expectRefused(async () => env.call('POST', `/api/units/b/receipts/${wrong.body.id}/reverse`, { token: await env.login('b.leader'), body: { reason: '重复录入' } }), 403, 'FORBIDDEN');
    await expectRefused(async () => env.call('POST', `/api/units/a/receipts/${wrong.body.id}/reverse`, { token: await env.login('a.finance'), body: { reason: '重复录入' } }), 404, 'RECEIPT_NOT_FOUND');
    const reversed = await env.call('POST', `/api/units/b/receipts/${wrong.body.id}/reverse`, { token: finance, body: { reason: '重复录入', date: '2026-06-14' } });
    expect(reversed.status, JSON.stringify(reversed.body)).toBe(200);
    expect(reversed.body).toMatchObject({ status: 'reversed', reversalDate: '2026-06-14', reversalReason: '重复录入' });
    const entries = await entriesOf('b', `收2026-06-${String(wrong.body.id).padStart(6, '0')}-冲`);
    expect(entries.map(lineSet).sort()).toEqual([['Cr 1002 500000', 'Dr 4201 500000'], ['Cr 800102 500000', 'Dr 6201 500000']].sort());
    expect(await cash('b')).toMatchObject({ bank: before.bank - 5_000_00, budgetary: before.budgetary - 5_000_00 });
    await expectRefused(() => env.call('POST', `/api/units/b/receipts/${wrong.body.id}/reverse`, { token: finance, body: { reason: '再次冲销' } }), 409, 'RECEIPT_ALREADY_REVERSED');
    // The original row stays: nothing is deleted.
    const detail = await env.call('GET', `/api/units/b/receipts/${wrong.body.id}`, { token: await env.login('b.leader') });
    expect(detail.body).toMatchObject({ amount: 5_000_00, status: 'reversed' });
  });

  it('lists with totals by type (a reversed receipt counts nothing), filters, and reads by role', async () => {
    const list = (await env.call('GET', '/api/units/b/receipts?year=2026', { token: await env.login('b.leader') })).body;
    expect(list.items.map((r: any) => [r.type, r.amount, r.status])).toEqual([['superior_subsidy', 5_000_00, 'reversed'], ['business', 120_000_00, 'recorded']]);
    expect(list.totals).toEqual({ byType: [{ type: 'business', typeName: '事业收入', amount: 120_000_00, count: 1 }], total: 120_000_00 });
    expect(list.cash).toMatchObject({ bank: 120_000_00 - 70_000_00, budgetary: 120_000_00 - 70_000_00 }); // one pay of 70,000.00 went through
    const byType = (await env.call('GET', '/api/units/b/receipts?year=2026&type=superior_subsidy', { token: await env.login('b.finance') })).body;
    expect(byType.items).toHaveLength(1);
    expect((await env.call('GET', '/api/units/b/receipts?year=2026&month=5', { token: await env.login('b.finance') })).body.items).toEqual([]);
    expect((await env.call('GET', '/api/units/b/receipts?month=6', { token: await env.login('b.finance') })).status).toBe(400);
    expect((await env.call('GET', '/api/units/b/receipts?year=2026', { token: await env.login('b.staff') })).status).toBe(403);
    expect((await env.call('GET', '/api/units/b/receipts?year=2026', { token: await env.login('a.leader') })).status).toBe(403);
    expect((await env.call('GET', '/api/units/b/receipts?year=2026', { token: await env.login('dept.leader') })).status).toBe(200);
    expect((await env.call('POST', '/api/units/b/receipts', { token: await env.login('dept.leader'), body: receipt() })).status).toBe(403);
    for (const unit of ['a', 'b']) {
      for (const track of ['financial', 'budgetary']) {
        const tb = (await env.call('GET', `/api/units/${unit}/trial-balance?track=${track}&year=2026`, { token: await env.login(`${unit}.finance`) })).body;
        expect(tb.balanced, `${unit} ${track}`).toBe(true);
      }
    }
    expect((await verifyChain(env.kernel.db)).ok).toBe(true);
  });
});
