import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/support/kernel.js';
import { DEMO_PASSWORD } from '../../demo/seed.js';
import { approveThrough, issue, submitPayment } from '../../../test/support/ledger.js';

/**
 * 决算 差异说明: unit b's 2026 决算 after its year end, with one general-budget basic indicator of 100,000 元 of which
 * 40,000 元 was paid (line 2050101: 60 % under its budget) and a 政府性基金 project (not in the general table).
 * The deviation check fails on 2050101 until the finance officer explains it; then the line is listed as
 * explained with its text, the checks pass and the xlsx export is allowed. A bad text, an unknown line and
 * another unit's finance officer change nothing.
 */
let env: TestEnv;
let token: string;
const BASE = '/api/units/b/reports/final-accounts';

beforeAll(async () => {
  env = await createTestEnv();
  token = await env.login('b.finance');
  const fund = await issue(env, { unitId: 'b', amount: 50_000_00, name: '政府性基金项目', fundSourceCode: '12', expenditureKind: 'project', economicCode: '30216', date: '2026-06-01' });
  const basic = await issue(env, { unitId: 'b', amount: 100_000_00, name: '公用经费', date: '2026-06-01' });
  for (const [id, amount] of [[fund.id, 20_000_00], [basic.id, 40_000_00]] as const) {
    const s = await submitPayment(env, id, amount, { date: '2026-06-05' }, 'b.staff');
    expect(s.status, JSON.stringify(s.body)).toBe(201);
    await approveThrough(env, 'payments', s.body.id, 'b');
    expect((await env.call('POST', `/api/units/b/payments/${s.body.id}/pay`, { token, body: { date: '2026-06-06' } })).status).toBe(200);
  }
  for (let m = 5; m <= 12; m++) expect((await env.call('POST', `/api/units/b/periods/2026/${m}/close`, { token })).status).toBe(200);
  const run = await env.call('POST', '/api/units/b/year-end', { token, body: { year: 2026 } });
  expect(run.status, JSON.stringify(run.body)).toBe(200);
}, 180_000);
afterAll(async () => env?.close());

const checks = async () => (await env.call('GET', `${BASE}/checks?year=2026`, { token })).body;
const auditCount = async () => (await env.kernel.db.selectFrom('audit_log').select('seq').where('entity', '=', 'deviation_explanation').execute()).length;
const stored = async () => env.kernel.db.selectFrom('deviation_explanations').selectAll().where('unit_id', '=', 'b').execute();
const put = (body: unknown, as = token, unit = 'b') => env.call('PUT', `/api/units/${unit}/reports/final-accounts/explanations`, { token: as, body });

describe('决算 差异说明', () => {
  it('a deviation fails; bad explanations change nothing; explaining it passes the check and allows the export', async () => {
    const before = await checks();
    expect(before.ok).toBe(false);
    const deviations = before.failures.filter((f: any) => f.check === 'deviation');
    const target = deviations.find((f: any) => f.cells[0].row === '2050101');
    expect(target.cells.map((c: any) => c.value)).toEqual([100_000_00, 40_000_00]);
    expect(target.message).toContain('偏差 60.00%');
    expect(before.failures.filter((f: any) => f.check !== 'deviation')).toEqual([]);
    expect(before.explained).toEqual([]);
    expect((await env.call('GET', `${BASE}?year=2026&format=xlsx`, { token })).status).toBe(409);

    // Bad input: too short once trimmed, too long, an unknown line, a table outside the check, another unit's officer.
    const audits = await auditCount();
    for (const explanation of ['  短 ', '   ', '说'.repeat(501)]) {
      const r = await put({ year: 2026, table: 'general_fiscal_expenditure', line: '2050101', explanation });
      expect(r.status, explanation).toBe(422);
      expect(r.body.error.code).toBe('EXPLANATION_INVALID');
    }
    const unknown = await put({ year: 2026, table: 'general_fiscal_expenditure', line: '2990101', explanation: '不存在的科目行' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('REPORT_LINE_NOT_FOUND');
    const classRow = await put({ year: 2026, table: 'general_fiscal_expenditure', line: '205', explanation: '类级行不单独说明' });
    expect(classRow.status).toBe(404);
    expect((await put({ year: 2026, table: 'summary', line: 'basic', explanation: '不是对比预算的表' })).status).toBe(400);
    const otherUnit = await put({ year: 2026, table: 'general_fiscal_expenditure', line: '2050101', explanation: '外单位代为说明' }, await env.login('a.finance'));
    expect(otherUnit.status).toBe(403);
    expect((await put({ year: 2026, table: 'general_fiscal_expenditure', line: '2050101', explanation: '业务人员不可说明' }, await env.login('b.staff'))).status).toBe(403);
    expect(await stored()).toEqual([]);
    expect(await auditCount()).toBe(audits);
    expect((await checks()).ok).toBe(false);

    // The finance officer explains every deviating line (500 characters is the most allowed).
    const reason = '  下半年公用经费压减，按规定收回结余资金  ';
    for (const f of deviations) {
      const text = f.cells[0].row === '2050101' ? reason : '说'.repeat(500);
      const r = await put({ year: 2026, table: f.cells[0].table, line: f.cells[0].row, explanation: text });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.body.explanation).toBe(text.trim());
    }
    const after = await checks();
    expect(after.failures).toEqual([]);
    expect(after.ok).toBe(true);
    expect(after.explained).toHaveLength(deviations.length);
    const explained = after.explained.find((e: any) => e.line === '2050101');
    expect(explained).toMatchObject({ table: 'general_fiscal_expenditure', explanation: '下半年公用经费压减，按规定收回结余资金' });
    expect(explained.cells.map((c: any) => c.value)).toEqual([100_000_00, 40_000_00]);
    expect(explained.message).toContain('偏差 60.00%');
    const download = await env.app.request(`${BASE}?year=2026&format=xlsx`, { headers: { authorization: `Bearer ${token}` } });
    expect(download.status).toBe(200);

    // Listed, audited; another unit's reader does not see them, the unit's auditor does.
    const list = await env.call('GET', `${BASE}/explanations?year=2026`, { token: await env.login('b.auditor') });
    expect(list.status).toBe(200);
    expect(list.body.map((e: any) => e.line)).toContain('2050101');
    expect((await env.call('GET', `${BASE}/explanations?year=2026`, { token: await env.login('a.finance') })).status).toBe(403);
    expect(await auditCount()).toBe(audits + deviations.length);

    // Re-explaining replaces the text (updated_at/by kept beside the first author); a bad re-explanation keeps the old one.
    const again = await put({ year: 2026, table: 'general_fiscal_expenditure', line: '2050101', explanation: '公用经费压减，结余按规定收回' });
    expect(again.status).toBe(200);
    expect((await put({ year: 2026, table: 'general_fiscal_expenditure', line: '2050101', explanation: 'x' })).status).toBe(422);
    const row = (await stored()).find((e) => e.line === '2050101')!;
    expect(row.explanation).toBe('公用经费压减，结余按规定收回');

    // Withdrawn: the line fails again and the export is refused.
    const del = await env.call('DELETE', `${BASE}/explanations?year=2026&table=general_fiscal_expenditure&line=2050101`, { token });
    expect(del.status).toBe(200);
    expect((await env.call('DELETE', `${BASE}/explanations?year=2026&table=general_fiscal_expenditure&line=2050101`, { token })).status).toBe(404);
    const withdrawn = await checks();
    expect(withdrawn.ok).toBe(false);
    expect(withdrawn.failures.map((f: any) => f.cells[0].row)).toEqual(['2050101']);
    expect((await env.call('GET', `${BASE}?year=2026&format=xlsx`, { token })).status).toBe(409);
  });

  afterEach(() => vi.useRealTimers());

  it('consolidated (教育局 over its units, once 2026 is over): a line is explained when each unit whose own line deviates explained it', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2027-01-20T02:00:00Z') });
    // Sessions signed in before the clock moved have expired: sign in again at the new date.
    const signIn = async (username: string) => (await env.call('POST', '/api/auth/login', { body: { username, password: DEMO_PASSWORD } })).body.token as string;
    const leader = await signIn('dept.leader');
    const finance = await signIn('b.finance');
    const consolidated = async () => (await env.call('GET', `/api/units/dept/reports/final-accounts/checks?year=2026&consolidated=true`, { token: leader })).body;
    const before = await consolidated();
    expect(before.skipped).toEqual([]);
    const line = before.failures.find((f: any) => f.check === 'deviation' && f.cells[0].row === '2050101');
    expect(line.cells.map((c: any) => c.value)).toEqual([100_000_00, 40_000_00]); // only the school spends on 2050101
    expect(before.explained.some((e: any) => e.line === '2050101')).toBe(false);
    // The supervising unit reads, never writes an explanation.
    expect((await put({ year: 2026, table: 'general_fiscal_expenditure', line: '2050101', explanation: '主管部门代为说明' }, leader, 'dept')).status).toBe(403);
    expect((await put({ year: 2026, table: 'general_fiscal_expenditure', line: '2050101', explanation: '下半年公用经费压减' }, finance)).status).toBe(200);
    const after = await consolidated();
    expect(after.failures.some((f: any) => f.check === 'deviation' && f.cells[0].row === '2050101')).toBe(false);
    const explained = after.explained.find((e: any) => e.line === '2050101');
    expect(explained.explanation).toBe('示范县实验小学：下半年公用经费压减');
    expect(explained.cells.map((c: any) => c.value)).toEqual([100_000_00, 40_000_00]);
  });
});
