import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { AppError } from '../errors.js';
import { auditCount, createTestEnv, TEST_YEAR, type TestEnv, refusedWithoutTrace, type CallResult } from '../../../test/support/kernel.js';
import { IMPORT_MAX_BYTES, type ClassificationView } from './schema.js';
import {
  assertClassExists, economicCategory, ensureClassifications, isThreePublic, lookupClass, seedClassifications, standardSet,
  standardYears,
} from './service.js';
import { decodeImportContent, parseCsv } from './parse.js';
import { THREE_PUBLIC_CODE_LIST } from '../three-public.js';

/**
 * Classification codes: the shipped national standard sets, seeding by year, the lookups other
 * ledger modules call, the read routes and spreadsheet import. Every refused import is checked
 * for its status, its stable code and that nothing was written (audit chain and rows unchanged).
 *
 * Years: 2026 holds the pristine standard set and is never written by a test. Import tests write
 * years 2039 downwards, so each of them starts from the 2026 set; seeding tests use years
 * they state.
 */

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
  await ensureClassifications(env.kernel, TEST_YEAR);
  // Sign-ins are audited: sign in up front so "nothing written" checks see only the command.
  for (const username of ['sysadmin', 'a.finance', 'a.admin', 'a.staff', 'bureau.finance', 'dept.leader', 'b.auditor']) {
    await env.login(username);
  }
});
afterAll(async () => env.close());

const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

async function get(username: string, path: string) {
  return env.call('GET', path, { token: await env.login(username) });
}

async function importAs(username: string, body: unknown, headers?: Record<string, string>) {
  return env.call('POST', '/api/classifications/import', { token: await env.login(username), body, ...(headers ? { headers } : {}) });
}

const csvImport = (kind: string, year: number, text: string, mode: 'validate' | 'apply') => ({
  kind, year, format: 'csv', content: b64(text), mode,
});

async function rowsOf(kind: string, year: number) {
  return env.kernel.db
    .selectFrom('classifications')
    .select(['code', 'name', 'parent_code', 'level', 'attrs'])
    .where('kind', '=', kind as 'economic')
    .where('year', '=', year)
    .orderBy('code')
    .execute();
}

async function countOf(kind: string, year: number) {
  return (await rowsOf(kind, year)).length;
}

const expectRefused = (run: () => Promise<CallResult>, status: number, code: string) => refusedWithoutTrace(env, run, status, code);

describe('the shipped standard sets', () => {
  it('are valid: every code of the right length, every parent present, no duplicates', () => {
    for (const kind of ['functional', 'economic', 'fund_source'] as const) {
      expect(standardYears(kind)).toContain(2026);
      const entries = standardSet(kind, 2026);
      const codes = new Set(entries.map((e) => e.code));
      expect(codes.size).toBe(entries.length);
      for (const e of entries) if (e.parentCode !== null) expect(codes.has(e.parentCode), `${kind} ${e.code}`).toBe(true);
    }
    expect(standardSet('functional', 2026).length).toBeGreaterThan(500);
    expect(standardSet('economic', 2026).length).toBeGreaterThan(100);
  });

  it('hold the economic classes the ledger relies on, with their names', () => {
    const names = new Map(standardSet('economic', 2026).map((e) => [e.code, e.name]));
    const expected: Record<string, string> = {
      '301': '工资福利支出', '30101': '基本工资', '30102': '津贴补贴', '30103': '奖金', '30107': '绩效工资',
      '30108': '机关事业单位基本养老保险缴费', '30109': '职业年金缴费', '30113': '住房公积金', '30199': '其他工资福利支出',
      '302': '商品和服务支出', '30201': '办公费', '30211': '差旅费', '30212': '因公出国（境）费用', '30213': '维修（护）费',
      '30214': '租赁费', '30215': '会议费', '30216': '培训费', '30217': '公务接待费', '30226': '劳务费', '30227': '委托业务费',
      '30228': '工会经费', '30229': '福利费', '30231': '公务用车运行维护费', '30239': '其他交通费用', '30299': '其他商品和服务支出',
      '303': '对个人和家庭的补助', '307': '债务利息及费用支出', '309': '资本性支出（基本建设）', '310': '资本性支出',
      '31002': '办公设备购置', '31013': '公务用车购置', '311': '对企业补助（基本建设）', '312': '对企业补助',
      '313': '对社会保障基金补助', '399': '其他支出',
    };
    for (const [code, name] of Object.entries(expected)) expect(names.get(code), code).toBe(name);
  });

  it('hold the functional classes grassroots units use most', () => {
    const names = new Map(standardSet('functional', 2026).map((e) => [e.code, e.name]));
    const expected: Record<string, string> = {
      '201': '一般公共服务支出', '20103': '政府办公厅（室）及相关机构事务', '2010301': '行政运行', '2010350': '事业运行',
      '205': '教育支出', '20502': '普通教育', '2050201': '学前教育', '2050202': '小学教育', '2050203': '初中教育',
      '206': '科学技术支出', '207': '文化旅游体育与传媒支出', '208': '社会保障和就业支出', '20805': '行政事业单位养老支出',
      '2080505': '机关事业单位基本养老保险缴费支出', '2080506': '机关事业单位职业年金缴费支出',
      '210': '卫生健康支出', '21011': '行政事业单位医疗', '2101101': '行政单位医疗', '2101102': '事业单位医疗',
      '212': '城乡社区支出', '213': '农林水支出', '221': '住房保障支出', '22102': '住房改革支出', '2210201': '住房公积金',
    };
    for (const [code, name] of Object.entries(expected)) expect(names.get(code), code).toBe(name);
  });
});

describe('seeding and the lookups other modules call', () => {
  it('seeds the year with parents derived from the code: 2010301 行政运行 → 20103 → 201', async () => {
    const item = await assertClassExists(env.kernel.db, 'functional', TEST_YEAR, '2010301');
    expect(item).toMatchObject({ kind: 'functional', year: TEST_YEAR, code: '2010301', name: '行政运行', parentCode: '20103', level: 3 });
    expect(await lookupClass(env.kernel.db, 'functional', TEST_YEAR, '20103')).toMatchObject({
      name: '政府办公厅（室）及相关机构事务', parentCode: '201', level: 2,
    });
    expect(await lookupClass(env.kernel.db, 'functional', TEST_YEAR, '201')).toMatchObject({
      name: '一般公共服务支出', parentCode: null, level: 1,
    });
    expect(await countOf('functional', TEST_YEAR)).toBe(standardSet('functional', 2026).length);
    expect(await countOf('economic', TEST_YEAR)).toBe(standardSet('economic', 2026).length);
    expect(await countOf('fund_source', TEST_YEAR)).toBe(standardSet('fund_source', 2026).length);
  });

  it('marks 三公经费 codes and gives every economic class its category', async () => {
    const db = env.kernel.db;
    for (const code of THREE_PUBLIC_CODE_LIST) expect(await isThreePublic(db, TEST_YEAR, code), code).toBe(true);
    for (const code of ['30201', '30211', '30215', '31002', '302']) expect(await isThreePublic(db, TEST_YEAR, code), code).toBe(false);
    expect((await assertClassExists(db, 'economic', TEST_YEAR, '30217')).attrs).toEqual({
      category: 'operating', threePublic: true, threePublicItem: 'reception',
    });
    expect(await economicCategory(db, TEST_YEAR, '30101')).toBe('personnel');
    expect(await economicCategory(db, TEST_YEAR, '30302')).toBe('personnel');
    expect(await economicCategory(db, TEST_YEAR, '301')).toBe('personnel');
    expect(await economicCategory(db, TEST_YEAR, '30201')).toBe('operating');
    expect(await economicCategory(db, TEST_YEAR, '31002')).toBe('capital');
    expect(await economicCategory(db, TEST_YEAR, '30902')).toBe('capital');
    expect(await economicCategory(db, TEST_YEAR, '30701')).toBe('other');
    expect(await economicCategory(db, TEST_YEAR, '39999')).toBe('other');
    const economic = await rowsOf('economic', TEST_YEAR);
    for (const row of economic) expect(JSON.parse(row.attrs).category, row.code).toMatch(/^(personnel|operating|capital|other)$/);
  });

  it('marks the 财政拨款 fund sources', async () => {
    expect((await assertClassExists(env.kernel.db, 'fund_source', TEST_YEAR, '1101')).attrs).toEqual({ fiscal: true });
    expect((await assertClassExists(env.kernel.db, 'fund_source', TEST_YEAR, '12')).name).toBe('政府性基金预算拨款');
    expect((await assertClassExists(env.kernel.db, 'fund_source', TEST_YEAR, '3101')).attrs).toEqual({ fiscal: false });
  });

  it('refuses an unknown code with CLASSIFICATION_NOT_FOUND (422) and {kind, code, year}', async () => {
    const db = env.kernel.db;
    expect(await lookupClass(db, 'economic', TEST_YEAR, '30210')).toBeNull();
    const error = await assertClassExists(db, 'economic', TEST_YEAR, '30210').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('CLASSIFICATION_NOT_FOUND');
    expect((error as AppError).status).toBe(422);
    expect((error as AppError).details).toEqual({ kind: 'economic', code: '30210', year: TEST_YEAR });
    await expect(isThreePublic(db, TEST_YEAR, '99999')).rejects.toMatchObject({ code: 'CLASSIFICATION_NOT_FOUND' });
    await expect(economicCategory(db, TEST_YEAR, '2010301')).rejects.toMatchObject({ code: 'CLASSIFICATION_NOT_FOUND' });
    // No set at all before the first shipped year.
    expect(await lookupClass(db, 'functional', 2001, '201')).toBeNull();
  });

  it('answers for a year without its own set from the latest earlier year', async () => {
    const found = await assertClassExists(env.kernel.db, 'functional', 2029, '2050201');
    expect(found).toMatchObject({ year: 2026, name: '学前教育' });
    const listed = await get('a.staff', '/api/classifications?kind=economic&year=2029&parent=302');
    expect(listed.status).toBe(200);
    expect(listed.body.length).toBeGreaterThan(20);
    for (const item of listed.body) expect(item.year).toBe(2026);
  });

  it('is idempotent: seeding a seeded year inserts nothing and writes no audit entry', async () => {
    const before = await auditCount(env);
    expect((await ensureClassifications(env.kernel, TEST_YEAR)).kinds).toEqual([]);
    const report = await env.kernel.db.transaction().execute((tx) => seedClassifications(tx, TEST_YEAR));
    expect(report.kinds.map((k) => k.inserted)).toEqual([0, 0, 0]);
    expect(await auditCount(env)).toBe(before);
  });

  it('fills in only the missing codes of a partly present year, with one audit entry', async () => {
    await env.kernel.db
      .insertInto('classifications')
      .values({ kind: 'economic', year: 2019, code: '302', name: '商品和服务支出', parent_code: null, level: 1, attrs: '{"category":"operating"}' })
      .execute();
    const before = await auditCount(env);
    const report = await env.kernel.db.transaction().execute((tx) => seedClassifications(tx, 2019));
    const economic = report.kinds.find((k) => k.kind === 'economic')!;
    expect(economic.inserted).toBe(standardSet('economic', 2026).length - 1);
    expect(await auditCount(env)).toBe(before + 1);
    const entry = await env.kernel.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(entry.action).toBe('classification.seed');
  });

  it('copies a year without shipped data from the latest earlier year in the database, imported changes included', async () => {
    await env.kernel.db.transaction().execute((tx) => seedClassifications(tx, 2070));
    const rename = await importAs('sysadmin', csvImport('economic', 2070, 'code,name\n30299,其他商品和服务支出（2070 调整）\n', 'apply'));
    expect(rename.status, JSON.stringify(rename.body)).toBe(200);
    const report = await env.kernel.db.transaction().execute((tx) => seedClassifications(tx, 2071));
    expect(report.kinds.find((k) => k.kind === 'economic')!.source).toEqual({ from: 'database', year: 2070 });
    expect((await assertClassExists(env.kernel.db, 'economic', 2071, '30299')).name).toBe('其他商品和服务支出（2070 调整）');
    expect(await countOf('economic', 2071)).toBe(await countOf('economic', 2070));
  });

  it('seeds a year before every shipped set from the earliest shipped set', async () => {
    const report = await env.kernel.db.transaction().execute((tx) => seedClassifications(tx, 2010));
    expect(report.kinds.map((k) => k.source)).toEqual([
      { from: 'standard', year: 2026 }, { from: 'standard', year: 2026 }, { from: 'standard', year: 2026 },
    ]);
    expect((await assertClassExists(env.kernel.db, 'functional', 2010, '2210201')).name).toBe('住房公积金');
  });

  it('seeds once when two processes ensure the same year at the same time', async () => {
    await Promise.all([ensureClassifications(env.kernel, 2080), ensureClassifications(env.kernel, 2080)]);
    expect(await countOf('functional', 2080)).toBe(standardSet('functional', 2026).length);
  });
});

describe('GET /api/classifications', () => {
  it('is open to every signed-in user and answers items with parentCode, level and attrs', async () => {
    for (const username of ['a.staff', 'b.auditor', 'dept.leader', 'sysadmin']) {
      const result = await get(username, `/api/classifications?kind=economic&year=${TEST_YEAR}&q=30217`);
      expect(result.status, username).toBe(200);
      expect(result.body).toEqual([
        {
          kind: 'economic', year: TEST_YEAR, code: '30217', name: '公务接待费', parentCode: '302', level: 2,
          attrs: { category: 'operating', threePublic: true, threePublicItem: 'reception' },
        },
      ]);
    }
    expect((await env.call('GET', '/api/classifications')).status).toBe(401);
  });

  it('filters by parent, level and by code prefix or name', async () => {
    const children = await get('a.staff', `/api/classifications?kind=functional&year=${TEST_YEAR}&parent=20502`);
    expect(children.body.map((c: ClassificationView) => c.code)).toEqual(['2050201', '2050202', '2050203', '2050204', '2050205', '2050299']);
    const top = await get('a.staff', `/api/classifications?kind=fund_source&year=${TEST_YEAR}&level=1`);
    expect(top.body.map((c: ClassificationView) => c.name)).toEqual([
      '一般公共预算拨款', '政府性基金预算拨款', '国有资本经营预算拨款', '财政专户管理资金', '单位资金',
    ]);
    const byName = await get('a.staff', `/api/classifications?kind=economic&year=${TEST_YEAR}&q=${encodeURIComponent('差旅')}`);
    expect(byName.body.map((c: ClassificationView) => c.code)).toEqual(['30211']);
    const byPrefix = await get('a.staff', `/api/classifications?kind=functional&year=${TEST_YEAR}&q=2101`);
    expect(byPrefix.body.every((c: ClassificationView) => c.code.startsWith('2101') || c.name.includes('2101'))).toBe(true);
    expect(byPrefix.body.map((c: ClassificationView) => c.code)).toContain('2101101');
    const all = await get('a.staff', `/api/classifications?year=${TEST_YEAR}&q=${encodeURIComponent('住房公积金')}`);
    expect(all.body.map((c: ClassificationView) => `${c.kind}:${c.code}`)).toEqual(
      expect.arrayContaining(['functional:2210201', 'economic:30113', 'functional:2210302']),
    );
  });

  it('defaults to the current year, answered by the latest set up to it', async () => {
    const result = await get('a.staff', '/api/classifications?kind=fund_source&level=1');
    expect(result.status).toBe(200);
    expect(result.body.map((c: ClassificationView) => c.code)).toEqual(['11', '12', '13', '21', '31']);
    expect(result.body[0].year).toBeLessThanOrEqual(new Date().getUTCFullYear());
  });

  it('refuses bad query parameters with 400', async () => {
    for (const query of ['kind=things', 'year=1999', 'year=abc', 'parent=2x', 'level=4']) {
      const result = await get('a.staff', `/api/classifications?${query}`);
      expect(result.status, query).toBe(400);
      expect(result.body.error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('lists the years per kind, stored and shipped', async () => {
    const result = await get('a.finance', '/api/classifications/years');
    expect(result.status).toBe(200);
    expect(result.body.map((k: { kind: string }) => k.kind)).toEqual(['functional', 'economic', 'fund_source']);
    for (const k of result.body) {
      expect(k.years).toContain(TEST_YEAR);
      expect(k.standardYears).toContain(2026);
      expect([...k.years].sort((x: number, y: number) => x - y)).toEqual(k.years);
    }
  });
});

describe('POST /api/classifications/import', () => {
  it('validates a CSV without writing, then applies it in one transaction with one audit entry', async () => {
    const year = 2039;
    const file = 'code,name\n302,商品和服务支出\n30201,办公费（含电子办公耗材）\n30290,测试新增科目\n';
    const audit = await auditCount(env);
    const checked = await importAs('sysadmin', csvImport('economic', year, file, 'validate'));
    expect(checked.status, JSON.stringify(checked.body)).toBe(200);
    const seeded = standardSet('economic', 2026).length;
    expect(checked.body).toEqual({
      kind: 'economic', year, mode: 'validate', rows: 3, inserted: 1, updated: 1, unchanged: 1, seeded, errors: [],
    });
    expect(await auditCount(env)).toBe(audit);
    expect(await countOf('economic', year)).toBe(0);

    const applied = await importAs('sysadmin', csvImport('economic', year, file, 'apply'));
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body).toMatchObject({ mode: 'apply', rows: 3, inserted: 1, updated: 1, unchanged: 1, seeded, errors: [] });
    expect(await auditCount(env)).toBe(audit + 1);
    const entry = await env.kernel.db.selectFrom('audit_log').selectAll().orderBy('seq', 'desc').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ action: 'classification.import', entity: 'classification', entity_id: `economic:${year}`, actor_name: 'sysadmin' });
    expect(JSON.parse(entry.after_json)).toEqual({ kind: 'economic', year, format: 'csv', rows: 3, inserted: 1, updated: 1, seeded });
    const event = await env.kernel.db.selectFrom('outbox').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(event.type).toBe('classification.imported');

    expect(await countOf('economic', year)).toBe(seeded + 1);
    const listed = await get('a.staff', `/api/classifications?kind=economic&year=${year}&parent=302`);
    const byCode = new Map(listed.body.map((c: ClassificationView) => [c.code, c]));
    expect(byCode.get('30201')).toMatchObject({ name: '办公费（含电子办公耗材）', year });
    expect(byCode.get('30290')).toMatchObject({ name: '测试新增科目', parentCode: '302', level: 2, attrs: { category: 'operating' } });
    expect(byCode.get('30217')).toMatchObject({ attrs: { threePublic: true } });

    // The same file again changes nothing.
    const again = await importAs('sysadmin', csvImport('economic', year, file, 'apply'));
    expect(again.body).toMatchObject({ inserted: 0, updated: 0, unchanged: 3, seeded: 0 });
  });

  it('updates names on re-import and keeps codes the file leaves out', async () => {
    const year = 2038;
    expect((await importAs('sysadmin', csvImport('fund_source', year, 'code,name\n31,单位资金\n', 'apply'))).status).toBe(200);
    const count = await countOf('fund_source', year);
    const renamed = await importAs(
      'sysadmin',
      csvImport('fund_source', year, '编码,名称\n3101,事业收入（不含教育收费）\n3106,其他自有收入\n', 'apply'),
    );
    expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
    expect(renamed.body).toMatchObject({ rows: 2, inserted: 0, updated: 2, unchanged: 0, seeded: 0 });
    expect(await countOf('fund_source', year)).toBe(count);
    expect((await assertClassExists(env.kernel.db, 'fund_source', year, '3101')).name).toBe('事业收入（不含教育收费）');
    expect((await assertClassExists(env.kernel.db, 'fund_source', year, '3106')).name).toBe('其他自有收入');
    expect((await assertClassExists(env.kernel.db, 'fund_source', year, '1101')).name).toBe('一般公共预算资金');
    // 2026 is untouched.
    expect((await assertClassExists(env.kernel.db, 'fund_source', TEST_YEAR, '3101')).name).toBe('事业收入');
  });

  it('reports every bad row with its row number and writes nothing', async () => {
    const year = 2037;
    const file = [
      'code,name', // row 1
      '302,商品和服务支出', // 2: fine
      '30a01,办公费', // 3: not digits
      '3021,印刷费', // 4: four digits fit no level
      '31401,无上级科目', // 5: 314 exists nowhere
      '', // 6: empty, skipped
      '30201,办公费', // 7: fine
      '30201,办公用品费', // 8: repeats row 7
      '30298,', // 9: empty name
      '315,"', // 10: name is a lone quote opening an empty quoted field
    ].join('\n');
    const checked = await importAs('sysadmin', csvImport('economic', year, file, 'validate'));
    expect(checked.status).toBe(200);
    const rules = (checked.body.errors as Array<{ row: number; code: string; errors: Array<{ rule: string }> }>).map((e) => [
      e.row, e.code, e.errors.map((x) => x.rule),
    ]);
    expect(rules).toEqual([
      [3, '30a01', ['code_format']],
      [4, '3021', ['code_length']],
      [5, '31401', ['parent_missing']],
      [8, '30201', ['duplicate']],
      [9, '30298', ['name_empty']],
      [10, '315', ['name_empty']],
    ]);
    expect(checked.body.errors[2].errors[0].message).toContain('314');
    expect(checked.body.errors[3].errors[0].message).toContain('7');
    expect(checked.body.rows).toBe(8);

    const refused = await expectRefused(() => importAs('sysadmin', csvImport('economic', year, file, 'apply')), 422, 'CLASSIFICATION_IMPORT_INVALID');
    expect(refused.body.error.details.errors).toEqual(checked.body.errors);
    expect(refused.body.error.details).toMatchObject({ kind: 'economic', year, rows: 8, count: 6 });
    expect(await countOf('economic', year)).toBe(0);
  });

  it('reports several problems of one row together, in English when asked', async () => {
    const file = 'code,name\n3x,\n';
    const result = await importAs('sysadmin', csvImport('economic', 2037, file, 'validate'), { 'accept-language': 'en' });
    expect(result.body.errors).toEqual([
      {
        row: 2, code: '3x',
        errors: [{ rule: 'code_format', message: 'The code must consist of digits only' }, { rule: 'name_empty', message: 'The name is empty' }],
      },
    ]);
  });

  it('refuses a file without the header row', async () => {
    const result = await importAs('sysadmin', csvImport('economic', 2037, '302,商品和服务支出\n30201,办公费\n', 'validate'));
    expect(result.status).toBe(200);
    expect(result.body.errors).toEqual([{ row: 1, code: '', errors: [{ rule: 'header', message: expect.any(String) }] }]);
    await expectRefused(
      () => importAs('sysadmin', csvImport('economic', 2037, '302,商品和服务支出\n', 'apply')), 422, 'CLASSIFICATION_IMPORT_INVALID',
    );
  });

  it('reads a CSV with a BOM, CRLF line ends, extra columns and quoted fields', async () => {
    const year = 2036;
    const file =
      '\uFEFF"编码",名称,备注\r\n' +
      '205,教育支出,\r\n' +
      '"20502","普通教育",""\r\n' +
      '2050201,"学前教育（含""普惠性""幼儿园）, 公办与民办","多行\r\n备注"\r\n' +
      '2050298,"测试, 含逗号",x\r\n';
    const result = await importAs('sysadmin', csvImport('functional', year, file, 'apply'));
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body).toMatchObject({ rows: 4, inserted: 1, updated: 1, unchanged: 2, errors: [] });
    expect((await assertClassExists(env.kernel.db, 'functional', year, '2050201')).name).toBe('学前教育（含"普惠性"幼儿园）, 公办与民办');
    expect((await assertClassExists(env.kernel.db, 'functional', year, '2050298'))).toMatchObject({
      name: '测试, 含逗号', parentCode: '20502', level: 3,
    });
  });

  it('reads a CSV saved by Excel in GB18030', async () => {
    // "code,name\n30201,办公费\n" with 办公费 in GB18030 (B0EC B9AB B7D1).
    const bytes = Buffer.concat([Buffer.from('code,name\n30201,'), Buffer.from([0xb0, 0xec, 0xb9, 0xab, 0xb7, 0xd1]), Buffer.from('\n')]);
    const result = await importAs('sysadmin', { kind: 'economic', year: 2035, format: 'csv', content: bytes.toString('base64'), mode: 'validate' });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body).toMatchObject({ rows: 1, unchanged: 1, errors: [] });
  });

  it('reads the first sheet of an xlsx file, numeric code cells included', async () => {
    const year = 2034;
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('功能分类');
    sheet.addRow(['编码', '名称', '说明']);
    sheet.addRow([201, '一般公共服务支出']);
    sheet.addRow(['20103', '政府办公厅（室）及相关机构事务']);
    sheet.addRow([2010301, '行政运行（含机关运转）']);
    sheet.addRow([]);
    sheet.addRow(['2010397', { richText: [{ text: '测试' }, { text: '富文本' }] }]);
    sheet.addRow(['2019', '错误长度']);
    workbook.addWorksheet('其他').addRow(['code', 'name']);
    const content = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');

    const checked = await importAs('sysadmin', { kind: 'functional', year, format: 'xlsx', content, mode: 'validate' });
    expect(checked.status, JSON.stringify(checked.body)).toBe(200);
    expect(checked.body.errors).toEqual([{ row: 7, code: '2019', errors: [expect.objectContaining({ rule: 'code_length' })] }]);
    await expectRefused(
      () => importAs('sysadmin', { kind: 'functional', year, format: 'xlsx', content, mode: 'apply' }), 422, 'CLASSIFICATION_IMPORT_INVALID',
    );

    sheet.spliceRows(7, 1);
    const fixed = Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
    const applied = await importAs('sysadmin', { kind: 'functional', year, format: 'xlsx', content: fixed, mode: 'apply' });
    expect(applied.status, JSON.stringify(applied.body)).toBe(200);
    expect(applied.body).toMatchObject({ rows: 4, inserted: 1, updated: 1, unchanged: 2, errors: [] });
    expect((await assertClassExists(env.kernel.db, 'functional', year, '2010301')).name).toBe('行政运行（含机关运转）');
    expect((await assertClassExists(env.kernel.db, 'functional', year, '2010397')).name).toBe('测试富文本');
  });

  it('refuses files it cannot read', async () => {
    await expectRefused(
      () => importAs('sysadmin', { kind: 'economic', year: 2033, format: 'xlsx', content: b64('not a zip file'), mode: 'apply' }),
      422, 'CLASSIFICATION_IMPORT_UNREADABLE',
    );
    await expectRefused(
      () => importAs('sysadmin', { kind: 'economic', year: 2033, format: 'csv', content: '@@not base64@@', mode: 'apply' }),
      422, 'CLASSIFICATION_IMPORT_UNREADABLE',
    );
  });

  it('is refused to everyone but the system administrator, before the body is read', async () => {
    const body = csvImport('economic', 2032, 'code,name\n30201,办公费\n', 'apply');
    for (const username of ['a.finance', 'a.admin', 'bureau.finance', 'dept.leader']) {
      await expectRefused(() => importAs(username, body), 403, 'FORBIDDEN');
    }
    await expectRefused(() => env.call('POST', '/api/classifications/import', { body }), 401, 'UNAUTHENTICATED');
  });

  it('refuses a bad body with 400', async () => {
    const good = csvImport('economic', 2032, 'code,name\n30201,办公费\n', 'apply');
    const bad: unknown[] = [
      {},
      { ...good, kind: 'department' },
      { ...good, year: 1999 },
      { ...good, year: '2032' },
      { ...good, format: 'xls' },
      { ...good, mode: 'force' },
      { ...good, content: '' },
      { kind: good.kind, year: good.year, format: good.format, mode: good.mode },
    ];
    for (const body of bad) await expectRefused(() => importAs('sysadmin', body), 400, 'VALIDATION_FAILED');
  });

  it('refuses oversize content', async () => {
    // Over the 2 MB file limit: refused before any parsing.
    const huge = Buffer.alloc(IMPORT_MAX_BYTES + 1024, 0x41).toString('base64');
    await expectRefused(
      () => importAs('sysadmin', { kind: 'economic', year: 2031, format: 'csv', content: huge, mode: 'validate' }),
      413, 'CLASSIFICATION_IMPORT_TOO_LARGE',
    );
    // Far beyond it, the route's body limit answers before the JSON is even read.
    const enormous = Buffer.alloc(IMPORT_MAX_BYTES * 2, 0x41).toString('base64');
    await expectRefused(
      () => importAs('sysadmin', { kind: 'economic', year: 2031, format: 'csv', content: enormous, mode: 'validate' }),
      413, 'PAYLOAD_TOO_LARGE',
    );
    // A 1.5 MB file (2 MB as base64) is within the route's limit, unlike the default 1 MiB.
    const large = Buffer.from('code,name\n' + '30201,办公费\n'.repeat(90_000)).toString('base64');
    const accepted = await importAs('sysadmin', { kind: 'economic', year: 2031, format: 'csv', content: large, mode: 'validate' });
    expect(accepted.body.error?.code).not.toBe('PAYLOAD_TOO_LARGE');
    // The import's own limit, for callers of the service and for a raised body limit.
    expect(() => decodeImportContent(huge)).toThrowError(expect.objectContaining({ code: 'CLASSIFICATION_IMPORT_TOO_LARGE', status: 413 }));
    expect(decodeImportContent(Buffer.alloc(IMPORT_MAX_BYTES, 0x41).toString('base64')).length).toBe(IMPORT_MAX_BYTES);
  });
});

describe('parseCsv', () => {
  it('follows RFC 4180', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x,1","y""z"\n\n"multi\nline",\n')).toEqual([
      ['a', 'b'], ['x,1', 'y"z'], [''], ['multi\nline', ''],
    ]);
    expect(parseCsv('a,b')).toEqual([['a', 'b']]);
    expect(parseCsv('')).toEqual([]);
  });
});
