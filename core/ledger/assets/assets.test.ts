import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, refusedWithoutTrace, type TestEnv } from '../../../test/support/kernel.js';
import { approveThrough, departmentId, issue, submitPayment } from '../../../test/support/ledger.js';
import { ASSET_CLASS_MAP, DEFAULT_ASSET_ACCOUNT_MAP, assetTargetFor } from './data.js';
import { cumulativeDue, lifeMonth } from './depreciation.js';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/*
 * Capitalisation, the asset register, depreciation at month close, the department's function
 * (5001/5101) and salary accrual (2201), with trial balances computed by hand in the comments.
 */

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

async function call(method: string, path: string, username: string, body?: unknown) {
  return env.call(method as 'GET', path, { token: await env.login(username), ...(body === undefined ? {} : { body }) });
}

async function ok(method: string, path: string, username: string, body?: unknown, status = 200) {
  const r = await call(method, path, username, body);
  expect(r.status, `${method} ${path}: ${JSON.stringify(r.body).slice(0, 400)}`).toBe(status);
  return r.body;
}

/** Submits and approves a payment; returns its id (approved, not paid). */
async function approved(unitId: string, indicatorId: number, amount: number, purpose: string, date = '2026-06-10') {
  const submitted = await submitPayment(env, indicatorId, amount, { purpose, date }, `${unitId}.staff`);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  expect((await approveThrough(env, 'payments', submitted.body.id, unitId)).status).toBe('approved');
  return submitted.body.id as number;
}

async function pay(unitId: string, paymentId: number, date: string) {
  await ok('POST', `/api/units/${unitId}/payments/${paymentId}/pay`, `${unitId}.finance`, { date });
}

async function closeThrough(unitId: string, last: number) {
  for (let month = 1; month <= last; month++) {
    const r = await call('POST', `/api/units/${unitId}/periods/2026/${month}/close`, `${unitId}.finance`);
    if (r.status !== 200) expect(r.body.error.code, `close ${month}: ${JSON.stringify(r.body)}`).toBe('PERIOD_ALREADY_CLOSED');
  }
}

/** Closing balance of every account that has one, debit − credit, in fen. */
async function balances(unitId: string, track: 'financial' | 'budgetary') {
  const tb = await ok('GET', `/api/units/${unitId}/trial-balance?track=${track}&year=2026`, `${unitId}.finance`);
  expect(tb.balanced).toBe(true);
  const out: Record<string, number> = {};
  for (const a of tb.accounts) {
    const net = a.closingDebit - a.closingCredit;
    if (net !== 0) out[a.accountCode] = net;
  }
  return out;
}

describe('data files', () => {
  it('maps 309 and 31001/31005/31006 to 1613, 31022 to 1701, the rest of 310 to 1601, with codes of the 2026 economic classification', () => {
    expect(assetTargetFor('30901', {})).toEqual({ account: '1613', classCode: 'construction' });
    expect(assetTargetFor('30922', {})).toEqual({ account: '1613', classCode: 'construction' });
    expect(assetTargetFor('31006', {})).toEqual({ account: '1613', classCode: 'construction' });
    expect(assetTargetFor('31022', {})).toEqual({ account: '1701', classCode: 'software' });
    expect(assetTargetFor('31002', {})).toEqual({ account: '1601', classCode: 'office_equipment' });
    expect(assetTargetFor('31013', {})).toEqual({ account: '1601', classCode: 'vehicles' });
    expect(assetTargetFor('30201', {})).toBeNull();
    expect(assetTargetFor('30101', {})).toBeNull();
    // A unit's override wins for its prefix; its class falls back to the account's generic class.
    expect(assetTargetFor('31007', { '31007': '1701' })).toEqual({ account: '1701', classCode: 'software' });
    const economic = readFileSync(fileURLToPath(new URL('../classifications/data/2026/economic.csv', import.meta.url)), 'utf8');
    const codes = new Set(economic.split(/\r?\n/).map((l) => l.split(',')[0]));
    for (const row of DEFAULT_ASSET_ACCOUNT_MAP) expect(codes.has(row.economic), row.economic).toBe(true);
  });

  it('useful lives follow 政府固定资产折旧年限表 (不低于): computers 6, vehicles 8, furniture 15, reinforced concrete 50 years', () => {
    expect(ASSET_CLASS_MAP.get('computers')).toMatchObject({ floorMonths: 72, defaultMonths: 72 });
    expect(ASSET_CLASS_MAP.get('office_equipment')).toMatchObject({ floorMonths: 72 });
    expect(ASSET_CLASS_MAP.get('vehicles')).toMatchObject({ floorMonths: 96 });
    expect(ASSET_CLASS_MAP.get('furniture')).toMatchObject({ floorMonths: 180 });
    expect(ASSET_CLASS_MAP.get('building_rc')).toMatchObject({ floorMonths: 600 });
    expect(ASSET_CLASS_MAP.get('software')).toMatchObject({ floorMonths: null, defaultMonths: 120 });
    expect(ASSET_CLASS_MAP.get('construction')).toMatchObject({ defaultMonths: null });
  });

  it('straight line by month sums to the value exactly, starting in the month of acquisition', () => {
    // 1,000.00 yuan over 3 months: 333.33, 333.33, 333.34.
    expect([1, 2, 3].map((k) => cumulativeDue(100_000, 3, k) - cumulativeDue(100_000, 3, k - 1))).toEqual([33_333, 33_333, 33_334]);
    expect(cumulativeDue(100_000, 3, 4)).toBe(100_000);
    expect(lifeMonth({ acquired_on: '2026-06-20', completed_on: null }, 2026, 6)).toBe(1);
    expect(lifeMonth({ acquired_on: '2026-06-20', completed_on: null }, 2026, 5)).toBe(0);
    expect(lifeMonth({ acquired_on: '2026-06-20', completed_on: '2026-07-10' }, 2026, 7)).toBe(1);
    expect(lifeMonth({ acquired_on: '2025-12-31', completed_on: null }, 2026, 1)).toBe(2);
  });
});

describe('administrative unit (a): capital purchase, depreciation, everything on 5001', () => {
  it('posts the hand-computed trial balances of both tracks', async () => {
    const operating = await issue(env, { amount: 10_000_000, name: '办公经费' }); // 100,000.00
    const equipment = await issue(env, { amount: 5_000_000, economicCode: '31002', name: '办公设备购置' }); // 50,000.00
    const salaries = await issue(env, { amount: 2_000_000, economicCode: '30101', expenditureKind: 'personnel', name: '基本工资' }); // 20,000.00
    await pay('a', await approved('a', operating.id, 1_234_500, '购买办公用品'), '2026-06-15');
    const printer = await approved('a', equipment.id, 720_000, '购置多功能一体机'); // 7,200.00 over 72 months: 100.00 a month
    await pay('a', printer, '2026-06-20');
    await pay('a', await approved('a', salaries.id, 800_000, '6月基本工资'), '2026-06-25');

    const [card] = await ok('GET', '/api/units/a/assets', 'a.finance');
    expect(card).toMatchObject({
      name: '购置多功能一体机', classCode: 'office_equipment', className: '办公设备', accountCode: '1601', accountName: '固定资产', value: 720_000,
      accumulated: 0, netValue: 720_000, departmentFunction: 'business', acquiredOn: '2026-06-20', usefulLifeMonths: 72, status: 'in_use',
      economicCode: '31002', economicName: '办公设备购置', paymentId: printer, depreciationStarted: false,
    });
    // The card names its payment by the unit's document number, the one the payment's own pages show.
    const paymentNo = (await env.kernel.db.selectFrom('payments').select('doc_no').where('id', '=', printer).executeTakeFirstOrThrow()).doc_no;
    expect(paymentNo).toMatch(/^ZF2026-\d{4}$/);
    expect(card.paymentDocNo).toBe(paymentNo);

    await closeThrough('a', 7);
    // 财务: 1011 = 170,000.00 − 12,345.00 − 7,200.00 − 8,000.00 = 142,455.00; 4001 = −170,000.00;
    // 5001 = 12,345.00 + 8,000.00 + 100.00 (June) + 100.00 (July) = 20,545.00; 1601 = 7,200.00; 1602 = −200.00.
    expect(await balances('a', 'financial')).toEqual({ '1011': 14_245_500, '4001': -17_000_000, '5001': 2_054_500, '1601': 720_000, '1602': -20_000 });
    // 预算: the capital purchase is an expenditure like any other: 7101 = 12,345.00 + 7,200.00 + 8,000.00.
    expect(await balances('a', 'budgetary')).toEqual({ '800101': 14_245_500, '6001': -17_000_000, '7101': 2_754_500 });

    const detail = await ok('GET', `/api/units/a/assets/${card.id}`, 'a.auditor');
    expect(detail).toMatchObject({ accumulated: 20_000, netValue: 700_000, depreciationStarted: true });
    expect(detail.schedule).toHaveLength(72);
    expect(detail.schedule.slice(0, 3)).toEqual([
      { year: 2026, month: 6, amount: 10_000, cumulative: 10_000, posted: true },
      { year: 2026, month: 7, amount: 10_000, cumulative: 20_000, posted: true },
      { year: 2026, month: 8, amount: 10_000, cumulative: 30_000, posted: false },
    ]);
    expect(detail.schedule.at(-1)).toMatchObject({ year: 2032, month: 5, cumulative: 720_000 });
    expect(detail.entries.map((e: any) => [e.month, e.amount])).toEqual([[6, 10_000], [7, 10_000]]);
    const journal = await ok('GET', '/api/units/a/journal?track=financial&account=1602', 'a.finance');
    expect(journal.map((e: any) => e.date).sort()).toEqual(['2026-06-30', '2026-07-31']);
    expect(journal[0].lines.map((l: any) => `${l.debit ? 'Dr' : 'Cr'} ${l.accountCode} ${l.debit || l.credit}`).sort()).toEqual(['Cr 1602 10000', 'Dr 5001 10000']);
    expect(await ok('GET', '/api/units/a/journal?track=budgetary&account=7101&month=7', 'a.finance')).toEqual([]);
  });

  it('反结账 keeps the month’s depreciation and closing again does not post it twice', async () => {
    await ok('POST', '/api/units/a/periods/2026/7/reopen', 'a.leader', { reason: '补记凭证后重新结账' });
    await ok('POST', '/api/units/a/periods/2026/7/close', 'a.finance');
    expect((await balances('a', 'financial'))['1602']).toBe(-20_000);
    await ok('POST', '/api/units/a/periods/2026/8/close', 'a.finance');
    expect((await balances('a', 'financial'))['1602']).toBe(-30_000);
    const rows = await env.kernel.db.selectFrom('asset_depreciations').select(['month', 'amount']).where('unit_id', '=', 'a').orderBy('month').execute();
    expect(rows.map((r) => [r.month, Number(r.amount)])).toEqual([[6, 10_000], [7, 10_000], [8, 10_000]]);
  });

  it('a card cannot change class, life or department once depreciation started; the name still can (audited)', async () => {
    const [card] = await ok('GET', '/api/units/a/assets', 'a.finance');
    await refusedWithoutTrace(env, () => call('PATCH', `/api/units/a/assets/${card.id}`, 'a.finance', { usefulLifeMonths: 120 }), 409, 'ASSET_DEPRECIATION_STARTED');
    const renamed = await ok('PATCH', `/api/units/a/assets/${card.id}`, 'a.finance', { name: '多功能一体机（财务科）' });
    expect(renamed).toMatchObject({ name: '多功能一体机（财务科）', usefulLifeMonths: 72 });
    const audit = await env.kernel.db.selectFrom('audit_log').select(['action', 'entity_id']).where('action', '=', 'asset.update').execute();
    expect(audit.map((a) => a.entity_id)).toEqual([String(card.id)]);
    await refusedWithoutTrace(env, () => call('PATCH', `/api/units/a/assets/${card.id}`, 'a.staff', { name: 'x' }), 403, 'FORBIDDEN');
    await refusedWithoutTrace(env, () => call('PATCH', `/api/units/a/assets/999999`, 'a.finance', { name: 'x' }), 404, 'ASSET_NOT_FOUND');
  });
});

describe('administrative unit (a): intangible assets', () => {
  it('31022 无形资产购置 posts to 1701 and amortises to 1702 (software, 10 years by default)', async () => {
    const software = await issue(env, { amount: 500_000, economicCode: '31022', name: '无形资产购置', date: '2026-09-01' });
    await pay('a', await approved('a', software.id, 120_000, '财务软件授权', '2026-09-05'), '2026-09-08'); // 1,200.00 over 120 months: 10.00 a month
    const card = (await ok('GET', '/api/units/a/assets', 'a.finance')).find((c: any) => c.accountCode === '1701');
    expect(card).toMatchObject({ classCode: 'software', usefulLifeMonths: 120, value: 120_000 });
    await ok('POST', '/api/units/a/periods/2026/9/close', 'a.finance');
    const fin = await balances('a', 'financial');
    // 1702 = −10.00 (September); 1602 = −(4 × 100.00) for the printer, June to September.
    expect([fin['1701'], fin['1702'], fin['1602']]).toEqual([120_000, -1_000, -40_000]);
    const [entry] = await ok('GET', '/api/units/a/journal?track=financial&account=1702', 'a.finance');
    expect(entry.summary).toContain('计提摊销');
  });
});

describe('institution (b): department function, salary accrual, 在建工程 and 转固', () => {
  it('posts the hand-computed trial balances of both tracks', async () => {
    const settings = await ok('GET', '/api/units/b/ledger-settings', 'b.admin');
    expect(settings.salaryAccrual).toBe(false);
    await ok('PUT', '/api/units/b/ledger-settings', 'b.admin', { ...settings, salaryAccrual: true });

    const wages = await issue(env, { unitId: 'b', amount: 3_000_000, economicCode: '30101', expenditureKind: 'personnel', name: '基本工资' });
    const network = await issue(env, { unitId: 'b', amount: 2_000_000, economicCode: '31007', name: '信息网络及软件购置更新' });
    const repair = await issue(env, { unitId: 'b', amount: 1_000_000, economicCode: '31006', name: '大型修缮' });

    // Salary accrual: approval posts Dr 5001 / Cr 2201 (财务 only); payment clears 2201.
    const june = await approved('b', wages.id, 1_500_000, '6月教职工基本工资');
    const accrual = await ok('GET', `/api/units/b/journal?refType=payment&refId=${june}`, 'b.finance');
    expect(accrual.map((e: any) => [e.track, e.lines.map((l: any) => `${l.debit ? 'Dr' : 'Cr'} ${l.accountCode} ${l.debit || l.credit}`).sort()])).toEqual([
      ['financial', ['Cr 2201 1500000', 'Dr 5001 1500000']],
    ]);
    await pay('b', june, '2026-06-25');
    const july = await approved('b', wages.id, 400_000, '7月绩效工资（待发）');

    const computers = await approved('b', network.id, 1_440_000, '机房服务器及网络设备'); // 14,400.00 over 72 months: 200.00 a month
    await pay('b', computers, '2026-06-20');
    const roof = await approved('b', repair.id, 600_000, '教学楼屋面改造');
    await pay('b', roof, '2026-06-22');

    const cards = await ok('GET', '/api/units/b/assets', 'b.finance');
    const server = cards.find((c: any) => c.paymentId === computers);
    const building = cards.find((c: any) => c.paymentId === roof);
    expect(server).toMatchObject({ accountCode: '1601', classCode: 'computers', usefulLifeMonths: 72, status: 'in_use' });
    expect(building).toMatchObject({ accountCode: '1613', classCode: 'construction', usefulLifeMonths: null, status: 'under_construction' });
    // The servers serve the 后勤处 (a management department): before depreciation starts, the card may move there.
    const logistics = await departmentId(env, 'b', '04');
    expect(await ok('PATCH', `/api/units/b/assets/${server.id}`, 'b.finance', { departmentId: logistics })).toMatchObject({ departmentFunction: 'management', departmentName: '后勤处' });
    // A life below the 6-year floor is refused.
    await refusedWithoutTrace(env, () => call('PATCH', `/api/units/b/assets/${server.id}`, 'b.finance', { usefulLifeMonths: 60 }), 422, 'USEFUL_LIFE_BELOW_FLOOR');

    await closeThrough('b', 6);
    // 转固 on 10 July as a reinforced-concrete building: 50 years = 600 months, 6,000.00 → 10.00 a month from July.
    await refusedWithoutTrace(env, () => call('POST', `/api/units/b/assets/${building.id}/complete`, 'b.finance', { date: '2026-06-30', classCode: 'building_rc' }), 422, 'PERIOD_CLOSED');
    const done = await ok('POST', `/api/units/b/assets/${building.id}/complete`, 'b.finance', { date: '2026-07-10', classCode: 'building_rc' });
    expect(done).toMatchObject({ accountCode: '1601', status: 'in_use', usefulLifeMonths: 600, completedOn: '2026-07-10' });
    expect(done.schedule[0]).toEqual({ year: 2026, month: 7, amount: 1_000, cumulative: 1_000, posted: false });
    await refusedWithoutTrace(env, () => call('POST', `/api/units/b/assets/${building.id}/complete`, 'b.finance', { date: '2026-07-11', classCode: 'building_rc' }), 409, 'ASSET_NOT_UNDER_CONSTRUCTION');
    await closeThrough('b', 7);

    // 财务: 1011 = 60,000.00 − 15,000.00 − 14,400.00 − 6,000.00 = 24,600.00; 4001 = −60,000.00;
    // 2201 = −(15,000.00 + 4,000.00) + 15,000.00 = −4,000.00 (July's pay approved, unpaid);
    // 5001 = 15,000.00 + 4,000.00 (accruals, 教务处) + 10.00 (building, July) = 19,010.00;
    // 5101 = 200.00 × 2 (servers, 后勤处, June and July) = 400.00; 1601 = 14,400.00 + 6,000.00; 1613 = 0;
    // 1602 = −(400.00 + 10.00).
    expect(await balances('b', 'financial')).toEqual({
      '1011': 2_460_000, '4001': -6_000_000, '2201': -400_000, '5001': 1_901_000, '5101': 40_000, '1601': 2_040_000, '1602': -41_000,
    });
    // 预算: payments only, cash basis: 7201 = 15,000.00 + 14,400.00 + 6,000.00.
    expect(await balances('b', 'budgetary')).toEqual({ '800101': 2_460_000, '6001': -6_000_000, '7201': 3_540_000 });

    // Rejected after approval: the accrual is reversed (Dr 2201 / Cr 5001).
    await ok('POST', `/api/units/b/payments/${july}/reject`, 'b.finance', { comment: '绩效考核未完成，暂缓发放' });
    const after = await balances('b', 'financial');
    expect(after['2201']).toBeUndefined();
    expect(after['5001']).toBe(1_501_000);
  });

  it('the department’s function decides 5001 or 5101; with salary accrual off a salary posts straight to expense', async () => {
    const settings = await ok('GET', '/api/units/b/ledger-settings', 'b.admin');
    await ok('PUT', '/api/units/b/ledger-settings', 'b.admin', { ...settings, salaryAccrual: false });
    const teaching = await departmentId(env, 'b', '03');
    const list = await ok('GET', '/api/units/b/departments', 'b.staff');
    expect(list.map((d: any) => [d.code, d.function])).toEqual([['01', 'management'], ['02', 'management'], ['03', 'business'], ['04', 'management']]);
    await refusedWithoutTrace(env, () => call('PATCH', `/api/units/b/departments/${teaching}`, 'b.finance', { function: 'management' }), 403, 'FORBIDDEN');
    await refusedWithoutTrace(env, () => call('PATCH', `/api/units/b/departments/${teaching}`, 'b.admin', { function: 'both' }), 400, 'VALIDATION_FAILED');
    expect(await ok('PATCH', `/api/units/b/departments/${teaching}`, 'b.admin', { function: 'management' })).toMatchObject({ code: '03', function: 'management' });

    const wages = await issue(env, { unitId: 'b', amount: 500_000, economicCode: '30101', expenditureKind: 'personnel', name: '基本工资（8月）', date: '2026-08-01' });
    const id = await approved('b', wages.id, 300_000, '8月基本工资', '2026-08-10');
    expect(await ok('GET', `/api/units/b/journal?refType=payment&refId=${id}`, 'b.finance')).toEqual([]);
    await pay('b', id, '2026-08-20');
    const entries = await ok('GET', `/api/units/b/journal?refType=payment&refId=${id}`, 'b.finance');
    expect(entries.map((e: any) => e.lines.map((l: any) => `${l.debit ? 'Dr' : 'Cr'} ${l.accountCode} ${l.debit || l.credit}`).sort()).sort()).toEqual([
      ['Cr 1011 300000', 'Dr 5101 300000'], ['Cr 800101 300000', 'Dr 7201 300000'],
    ]);
    await ok('PATCH', `/api/units/b/departments/${teaching}`, 'b.admin', { function: 'business' });
  });

  it('useful lives: finance lengthens a class, never below the floor; intangibles have none; new cards take the unit’s life', async () => {
    const lives = await ok('GET', '/api/units/b/asset-useful-lives', 'b.auditor');
    expect(lives.find((l: any) => l.classCode === 'computers')).toMatchObject({ floorMonths: 72, defaultMonths: 72, months: 72 });
    await refusedWithoutTrace(env, () => call('PUT', '/api/units/b/asset-useful-lives', 'b.finance', { lives: [{ classCode: 'computers', months: 71 }] }), 422, 'USEFUL_LIFE_BELOW_FLOOR');
    await refusedWithoutTrace(env, () => call('PUT', '/api/units/b/asset-useful-lives', 'b.finance', { lives: [{ classCode: 'construction', months: 12 }] }), 422, 'USEFUL_LIFE_NOT_APPLICABLE');
    await refusedWithoutTrace(env, () => call('PUT', '/api/units/b/asset-useful-lives', 'b.finance', { lives: [{ classCode: 'spaceships', months: 12 }] }), 422, 'ASSET_CLASS_UNKNOWN');
    await refusedWithoutTrace(env, () => call('PUT', '/api/units/b/asset-useful-lives', 'b.staff', { lives: [{ classCode: 'computers', months: 96 }] }), 403, 'FORBIDDEN');
    const saved = await ok('PUT', '/api/units/b/asset-useful-lives', 'b.finance', { lives: [{ classCode: 'computers', months: 96 }, { classCode: 'software', months: 36 }] });
    expect(saved.find((l: any) => l.classCode === 'computers').months).toBe(96);
    expect(saved.find((l: any) => l.classCode === 'software').months).toBe(36);

    const network = await issue(env, { unitId: 'b', amount: 100_000, economicCode: '31007', name: '网络设备', date: '2026-08-01' });
    await pay('b', await approved('b', network.id, 96_000, '交换机', '2026-08-12'), '2026-08-18');
    const card = (await ok('GET', '/api/units/b/assets', 'b.finance')).find((c: any) => c.name === '交换机');
    expect(card).toMatchObject({ usefulLifeMonths: 96, value: 96_000 });
  });
});
