import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, refusedWithoutTrace, type TestEnv } from '../../../test/support/kernel.js';
import { approveThrough, issue, submitPayment } from '../../../test/support/ledger.js';
import { diffRows, proposeFromPlugin, standardInForce } from './service.js';
import { readStandardsFile } from './import.js';
import type { StandardRow } from '@unibudget/sdk/contracts/standards';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

const row = (over: Partial<StandardRow> = {}): StandardRow => ({
  item: 'travel_meal', tier: 'all', name: '差旅伙食补助费', region: '', rank: '', season: '', economicCode: '30211', cap: 100_00,
  per: 'person_day', effectiveFrom: null, effectiveTo: null, source: '财行〔2013〕531号', verified: true, note: '', ...over,
});

async function post(username: string, path: string, body: unknown) {
  return env.call('POST', path, { token: await env.login(username), body });
}

describe('versions: adopted by a person with standard.manage, read on the payment date', () => {
  it('a version adopted for unit a blocks the next payment over it, not one dated before it took effect', async () => {
    const national = (await env.call('GET', '/api/units/a/standards?date=2026-06-10', { token: await env.login('a.staff') })).body;
    expect(national.versions.map((v: { ownerUnitId: string | null }) => v.ownerUnitId)).toEqual([null]);
    const meal = national.rows.find((r: StandardRow) => r.item === 'travel_meal' && r.tier === 'all');
    expect(meal.cap).toBe(100_00);

    // Business staff may not write standards.
    await refusedWithoutTrace(env, () => post('a.staff', '/api/units/a/standards/versions', {}), 403, 'FORBIDDEN');
    const created = await post('a.finance', '/api/units/a/standards/versions', {
      title: '本单位差旅伙食补助标准（下调）', effectiveFrom: '2026-07-01', sourceDocument: '示财行〔2026〕12号', reason: '按本省新规下调',
      rows: [row({ cap: 80_00, source: '示财行〔2026〕12号' })],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.status).toBe('proposed');
    // Proposed: nothing changes yet.
    expect((await standardInForce(env.kernel.db, 'a', '2026-07-10', 'travel_meal', 'all'))?.cap).toBe(100_00);

    const adopted = await post('a.finance', `/api/units/a/standards/versions/${created.body.id}/adopt`, { note: '经办公会研究采纳' });
    expect(adopted.status, JSON.stringify(adopted.body)).toBe(200);
    expect(adopted.body).toMatchObject({ status: 'adopted', decidedByName: expect.any(String), decisionNote: '经办公会研究采纳' });
    const again = await post('a.finance', `/api/units/a/standards/versions/${created.body.id}/adopt`, {});
    expect(again.status).toBe(409);

    const ind = await issue(env, { amount: 1_000_000, economicCode: '30211' });
    const use = { item: 'travel_meal', tier: 'all', quantity: 3 };
    // Dated after the version took effect: 3 × 80 = 240 is the cap now.
    const over = await refusedWithoutTrace(env, () => submitPayment(env, ind.id, 250_00, { purpose: '出差伙食补助', date: '2026-07-10', standard: use }), 422, 'EXPENDITURE_STANDARD_EXCEEDED');
    expect(over.body.error.details).toMatchObject({ cap: 240_00, capPerUnit: 80_00, source: '示财行〔2026〕12号' });
    // Dated before: the national 100 still holds.
    expect((await submitPayment(env, ind.id, 250_00, { purpose: '出差伙食补助', date: '2026-06-10', standard: use })).status).toBe(201);
    // Unit b (a sibling) still follows the national set.
    expect((await standardInForce(env.kernel.db, 'b', '2026-07-10', 'travel_meal', 'all'))?.cap).toBe(100_00);

    const entries = await env.kernel.db.selectFrom('audit_log').select('action').where('entity', '=', 'standard_version').where('entity_id', '=', String(created.body.id)).execute();
    expect(entries.map((e) => e.action)).toEqual(['standard.propose', 'standard.adopt']);
  });

  it('a bureau version reaches every unit below it; the history lists the chain, newest first', async () => {
    const created = await post('bureau.finance', '/api/units/bureau/standards/versions', {
      title: '示范县会议费标准', effectiveFrom: '2026-01-01', sourceDocument: '示财行〔2026〕3号', reason: '县级会议费标准', adopt: true,
      rows: [row({ item: 'meeting', tier: 'class3', name: '会议费综合定额（三类会议）', economicCode: '30215', cap: 450_00, source: '示财行〔2026〕3号' })],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.status).toBe('adopted');
    expect((await standardInForce(env.kernel.db, 'b', '2026-05-01', 'meeting', 'class3'))?.cap).toBe(450_00);
    // Per item and tier the nearest owner wins: a's own meal row, the bureau's meeting row, the national rest.
    expect((await standardInForce(env.kernel.db, 'a', '2026-08-01', 'meeting', 'class3'))?.cap).toBe(450_00);
    expect((await standardInForce(env.kernel.db, 'a', '2026-08-01', 'travel_meal', 'all'))?.cap).toBe(80_00);
    expect((await standardInForce(env.kernel.db, 'a', '2026-08-01', 'training', 'class2'))?.cap).toBe(650_00);
    const inForce = (await env.call('GET', '/api/units/a/standards?date=2026-08-01', { token: await env.login('a.staff') })).body;
    expect(inForce.versions.map((v: { ownerUnitId: string | null }) => v.ownerUnitId)).toEqual(['a', 'bureau', null]);
    // The bureau's finance officer reads unit b but writes nothing there.
    await refusedWithoutTrace(env, () => post('bureau.finance', '/api/units/b/standards/versions', {}), 403, 'FORBIDDEN');
    const history = (await env.call('GET', '/api/units/b/standards/versions', { token: await env.login('b.finance') })).body;
    expect(history.map((v: { ownerUnitId: string | null }) => v.ownerUnitId)).toEqual(['bureau', null]);
    expect(history[0].inForce).toBe(true);
  });

  it('a plugin proposes; nothing changes until a person adopts, and a rejection stays in the history', async () => {
    const proposal = await proposeFromPlugin(env.kernel.db, 'b', 'policy', {
      title: '插件提议', effectiveFrom: '2026-01-01', sourceDocument: '财行〔2016〕540号', reason: '依据文件抽取', basedOn: null,
      rows: [row({ item: 'training', tier: 'class3', name: '培训费（三类）', economicCode: '30216', cap: 500_00, source: '财行〔2016〕540号' })],
    });
    expect(proposal).toMatchObject({ status: 'proposed', proposedVia: 'plugin:policy', ownerUnitId: 'b' });
    expect((await standardInForce(env.kernel.db, 'b', '2026-05-01', 'training', 'class3'))?.cap).toBe(550_00);
    const rejected = await post('b.finance', `/api/units/b/standards/versions/${proposal.id}/reject`, { note: '文件适用于中央单位' });
    expect(rejected.body.status).toBe('rejected');
  });
});

describe('difference analysis', () => {
  it('lists added, removed and changed parameters with before and after', () => {
    const before = [row(), row({ tier: 'xz', cap: 120_00 }), row({ item: 'meeting', tier: 'class2', cap: 650_00 })];
    const after = [row({ cap: 120_00, source: '新文件' }), row({ item: 'meeting', tier: 'class2', cap: 650_00 }), row({ item: 'training', tier: 'class1', cap: 760_00 })];
    expect(diffRows(before, after)).toEqual([
      { kind: 'added', item: 'training', tier: 'class1', name: '差旅伙食补助费', field: null, before: null, after: 760_00 },
      { kind: 'changed', item: 'travel_meal', tier: 'all', name: '差旅伙食补助费', field: 'cap', before: 100_00, after: 120_00 },
      { kind: 'changed', item: 'travel_meal', tier: 'all', name: '差旅伙食补助费', field: 'source', before: '财行〔2013〕531号', after: '新文件' },
      { kind: 'removed', item: 'travel_meal', tier: 'xz', name: '差旅伙食补助费', field: null, before: 120_00, after: null },
    ]);
    expect(diffRows(after, after)).toEqual([]);
  });

  it('compares two stored versions over HTTP', async () => {
    const token = await env.login('a.finance');
    const versions = (await env.call('GET', '/api/units/a/standards/versions', { token })).body as Array<{ id: number; ownerUnitId: string | null }>;
    const national = versions.find((v) => v.ownerUnitId === null)!;
    const own = versions.find((v) => v.ownerUnitId === 'a')!;
    const diff = await env.call('GET', `/api/units/a/standards/diff?from=${national.id}&to=${own.id}`, { token });
    expect(diff.status).toBe(200);
    expect(diff.body.changes).toContainEqual(expect.objectContaining({ kind: 'changed', item: 'travel_meal', tier: 'all', field: 'cap', before: 100_00, after: 80_00 }));
    expect(diff.body.summary.removed).toBeGreaterThan(50);
  });
});

describe('import', () => {
  it('reads a CSV with Chinese headers, caps in 元, and names the first bad row', async () => {
    const csv = '项目,档次,名称,经济分类,标准（元）,计量单位,依据文件\r\ntravel_meal,all,差旅伙食补助费,30211,90.50,元/人天,示财行〔2026〕1号\r\n';
    const rows = await readStandardsFile({ name: 's.csv', base64: Buffer.from(csv).toString('base64') });
    expect(rows).toEqual([expect.objectContaining({ item: 'travel_meal', cap: 90_50, per: 'person_day', source: '示财行〔2026〕1号' })]);
    const bad = csv + 'meeting,class2,会议费,30215,六百,元/人天,x\r\n';
    await expect(readStandardsFile({ name: 's.csv', base64: Buffer.from(bad).toString('base64') })).rejects.toMatchObject({ code: 'STANDARD_IMPORT_INVALID', details: { row: 3 } });
  });

  it('creates a version from an uploaded file over HTTP', async () => {
    const csv = 'item,tier,name,economic_code,cap,per,source\nmeeting,class4,会议费（四类）,30215,400,person_day,示财行〔2026〕9号\n';
    const result = await post('b.finance', '/api/units/b/standards/versions/import', {
      file: { name: 'b.csv', base64: Buffer.from(csv).toString('base64') }, title: '导入', effectiveFrom: '2026-09-01', sourceDocument: '示财行〔2026〕9号', reason: '导入测试',
    });
    expect(result.status, JSON.stringify(result.body)).toBe(201);
    expect(result.body.rows).toEqual([expect.objectContaining({ tier: 'class4', cap: 400_00 })]);
  });
});

describe('trial run (试运行)', () => {
  it('reports exactly the payments a proposed set would block, with the money, and writes nothing', async () => {
    // Unit b: three payments in August with meal standards, one without.
    const ind = await issue(env, { unitId: 'b', amount: 5_000_000, economicCode: '30211' });
    const use = (quantity: number) => ({ item: 'travel_meal', tier: 'all', quantity });
    const ids: number[] = [];
    for (const [amount, quantity, date] of [[200_00, 2, '2026-08-03'], [180_00, 2, '2026-08-04'], [300_00, 4, '2026-08-05']] as const) {
      const r = await submitPayment(env, ind.id, amount, { purpose: '伙食补助', date, standard: use(quantity) }, 'b.staff');
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      ids.push(r.body.id);
    }
    await approveThrough(env, 'payments', ids[0]!, 'b');
    const plain = await submitPayment(env, ind.id, 999_00, { purpose: '其他', date: '2026-08-06' }, 'b.staff');
    expect(plain.status).toBe(201);
    const before = await env.kernel.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();

    // Proposed cap 85/day: 200 for 2 days (cap 170) and 180 for 2 days (cap 170) are over; 300 for 4 days (cap 340) is not.
    const trial = await post('b.finance', '/api/units/b/control-rules/trial', {
      standards: { rows: [row({ cap: 85_00 })] }, from: '2026-08-01', to: '2026-08-31',
    });
    expect(trial.status, JSON.stringify(trial.body)).toBe(200);
    expect(trial.body.evaluated).toBe(4);
    expect(trial.body.payments.map((p: { id: number; severity: string; currentSeverity: string | null; amount: number }) => [p.id, p.severity, p.currentSeverity, p.amount])).toEqual([
      [ids[0], 'block', null, 200_00],
      [ids[1], 'block', null, 180_00],
    ]);
    expect(trial.body.proposed.blocked).toEqual({ count: 2, amount: 380_00 });
    expect(trial.body.newlyBlocked).toEqual({ count: 2, amount: 380_00 });
    expect(trial.body.current.blocked).toEqual({ count: 0, amount: 0 });
    expect(trial.body.payments[0].findings[0]).toMatchObject({ rule: 'EXPENDITURE_STANDARD_EXCEEDED', severity: 'block' });

    // The same set with the rule set to warn: the same two, warned.
    const warned = await post('b.finance', '/api/units/b/control-rules/trial', {
      standards: { rows: [row({ cap: 85_00 })] }, ruleModes: { EXPENDITURE_STANDARD_EXCEEDED: 'warn' }, from: '2026-08-01', to: '2026-08-31',
    });
    expect(warned.body.proposed).toEqual({ blocked: { count: 0, amount: 0 }, warned: { count: 2, amount: 380_00 } });
    // A hard rule cannot be tried as anything but block.
    const hard = await post('b.finance', '/api/units/b/control-rules/trial', { ruleModes: { BALANCE_EXCEEDED: 'ignore' }, from: '2026-08-01', to: '2026-08-31' });
    expect(hard.status).toBe(422);
    expect(hard.body.error.code).toBe('TRIAL_RULE_UNKNOWN');
    // Staff may not run trials.
    expect((await post('b.staff', '/api/units/b/control-rules/trial', { from: '2026-08-01', to: '2026-08-31' })).status).toBe(403);

    const after = await env.kernel.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});
