import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/support/kernel.js';
import { checkImport, readImport } from './import.js';
import { standardSet } from './service.js';
import type { ImportBody } from './schema.js';

/**
 * The shipped 2026 sets, read through the import's own parser and checks (the path a bureau's file
 * takes): every row valid (code format and length, parent present, no duplicate, a name) — and the
 * functional classes grassroots units use that the first set lacked, with their names and levels.
 */
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

const shipped = (kind: string) => readFileSync(fileURLToPath(new URL(`./data/2026/${kind}.csv`, import.meta.url)));

describe('the shipped 2026 classification sets', () => {
  for (const kind of ['functional', 'economic', 'fund_source'] as const) {
    it(`${kind}: every row passes the import's parser and checks, and matches the seeded set`, async () => {
      const bytes = shipped(kind);
      const body: ImportBody = { kind, year: 2026, format: 'csv', content: bytes.toString('base64'), mode: 'validate' };
      const file = await readImport(body);
      expect(file.headerError).toBeNull();
      const result = await checkImport(env.kernel.db, body, file);
      expect(result.errors).toEqual([]);
      expect(result.rows).toBe(standardSet(kind, 2026).length);
      // The file is the seeded set: validating it against the seeded year changes nothing.
      expect({ inserted: result.inserted, updated: result.updated }).toEqual({ inserted: 0, updated: 0 });
    });
  }

  it('holds 223 国有资本经营预算支出, 230 转移性支出, 22902 年初预留 and 22960 彩票公益金安排的支出 with their names and levels', () => {
    const byCode = new Map(standardSet('functional', 2026).map((e) => [e.code, e]));
    const expected: Array<[string, string, 1 | 2 | 3, string | null]> = [
      ['223', '国有资本经营预算支出', 1, null],
      ['22301', '解决历史遗留问题及改革成本支出', 2, '223'],
      ['2230105', '国有企业退休人员社会化管理补助支出', 3, '22301'],
      ['22302', '国有企业资本金注入', 2, '223'],
      ['22399', '其他国有资本经营预算支出', 2, '223'],
      ['2239999', '其他国有资本经营预算支出', 3, '22399'],
      ['229', '其他支出', 1, null],
      ['22902', '年初预留', 2, '229'],
      ['22960', '彩票公益金安排的支出', 2, '229'],
      ['2296002', '用于社会福利的彩票公益金支出', 3, '22960'],
      ['2296003', '用于体育事业的彩票公益金支出', 3, '22960'],
      ['2296004', '用于教育事业的彩票公益金支出', 3, '22960'],
      ['2296006', '用于残疾人事业的彩票公益金支出', 3, '22960'],
      ['2296099', '用于其他社会公益事业的彩票公益金支出', 3, '22960'],
      ['230', '转移性支出', 1, null],
      ['23001', '返还性支出', 2, '230'],
      ['23002', '一般性转移支付', 2, '230'],
      ['23003', '专项转移支付', 2, '230'],
      ['23006', '上解支出', 2, '230'],
      ['23008', '调出资金', 2, '230'],
    ];
    for (const [code, name, level, parentCode] of expected) {
      expect(byCode.get(code), code).toMatchObject({ code, name, level, parentCode });
    }
  });

  it('are readable over the API in the year they seed', async () => {
    const token = await env.login('a.finance');
    const r = await env.call('GET', '/api/classifications?kind=functional&year=2026&parent=22960', { token });
    expect(r.status).toBe(200);
    expect((r.body as Array<{ code: string; name: string }>).map((c) => `${c.code} ${c.name}`)).toEqual([
      '2296002 用于社会福利的彩票公益金支出', '2296003 用于体育事业的彩票公益金支出', '2296004 用于教育事业的彩票公益金支出',
      '2296006 用于残疾人事业的彩票公益金支出', '2296099 用于其他社会公益事业的彩票公益金支出',
    ]);
  });
});
