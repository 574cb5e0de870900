import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, TEST_YEAR, type TestEnv } from '../../../test/support/kernel.js';
import type { Report } from './reports.js';
import { labelEn } from './report-lang.js';

/**
 * The reports answer in the language asked for: Accept-Language or `?lang=` (a download opened by a
 * link). Everything the report itself words — titles, headers, groups, notes, fixed row labels, months —
 * is English; what is domain data (classification names beside their codes, unit names) stays as published.
 */
let env: TestEnv;
let token: string;
const CJK = /[\u3400-\u9fff\uff08\uff09\u3001]/;

beforeAll(async () => {
  env = await createTestEnv({}, { activity: true });
  token = await env.login('a.finance');
}, 180_000);
afterAll(async () => env?.close());

async function report(path: string, headers: Record<string, string> = {}): Promise<Report> {
  const r = await env.call('GET', path, { token, headers });
  expect(r.status, JSON.stringify(r.body).slice(0, 300)).toBe(200);
  return r.body as Report;
}

/** Every label of a report that is the report's own wording (not a classification or ledger name). */
function ownWords(r: Report, classNames: Set<string>): string[] {
  const words = [r.title];
  for (const t of r.tables) {
    words.push(t.title, ...(t.note ? [t.note] : []));
    for (const c of t.columns) words.push(c.header, ...(c.group ? [c.group] : []));
    for (const row of t.rows) {
      if (typeof row['month'] === 'string') words.push(row['month']);
      // A row with a code or a level names a class or a department: its name is ledger data.
      const name = row['name'];
      if (typeof name === 'string' && !row['code'] && !row['level'] && !classNames.has(name)) words.push(name);
    }
  }
  return words;
}

const PATHS = [
  `/api/units/a/reports/execution?year=${TEST_YEAR}&month=6`,
  `/api/units/a/reports/disclosure?year=${TEST_YEAR}`,
  `/api/units/a/reports/disclosure?year=${TEST_YEAR}&basis=actual`,
  `/api/units/a/reports/final-accounts?year=${TEST_YEAR}`,
];

describe('reports in English', () => {
  it.each(PATHS)('%s with Accept-Language: en has English titles, headers and labels', async (path) => {
    const zh = await report(path);
    const en = await report(path, { 'accept-language': 'en-US,en;q=0.9' });
    expect(zh.lang).toBe('zh-CN');
    expect(en.lang).toBe('en');
    const classNames = new Set<string>();
    const untranslated = ownWords(en, classNames).filter((w) => CJK.test(w));
    expect(untranslated).toEqual([]);
    // The same tables, the same figures and keys: only words differ.
    expect(en.tables.map((t) => t.id)).toEqual(zh.tables.map((t) => t.id));
    en.tables.forEach((t, i) => {
      const z = zh.tables[i]!;
      expect(t.columns.map((c) => c.key)).toEqual(z.columns.map((c) => c.key));
      t.rows.forEach((row, j) => {
        for (const c of t.columns) if (c.kind !== 'text') expect(row[c.key]).toBe(z.rows[j]![c.key]);
        expect(row['section'] ?? null).toBe(z.rows[j]!['section'] ?? null);
        expect(row['level'] ?? null).toBe(z.rows[j]!['level'] ?? null);
      });
    });
  });

  it('the execution report: Chinese by default, with the statutory words', async () => {
    const zh = await report(PATHS[0]!);
    expect(zh.title).toMatch(/预算执行情况表/);
    expect(zh.tables[0]!.columns.map((c) => c.header)).toContain('执行率');
    const en = await report(PATHS[0]!, { 'accept-language': 'en' });
    expect(en.title).toBe(`Budget execution report ${TEST_YEAR} (through June)`);
    expect(en.tables[0]!.columns.map((c) => c.header)).toEqual(['Code', 'Name', 'Budget', 'Spent to date', 'Balance', 'Execution rate', 'Time progress', 'Gap to time progress']);
    expect(en.tables[3]!.rows[0]!['month']).toBe('January');
    expect(en.tables[0]!.rows.at(-1)!['name']).toBe('Total');
  });

  it('?lang= wins over Accept-Language, also for downloads', async () => {
    const en = await report(`${PATHS[1]}&lang=en`, { 'accept-language': 'zh-CN' });
    expect(en.tables[0]!.title).toBe('Summary of income and expenditure');
    const zh = await report(`${PATHS[1]}&lang=zh-CN`, { 'accept-language': 'en' });
    expect(zh.tables[0]!.title).toBe('收支总表');
    const csv = await env.call('GET', `${PATHS[0]}&format=csv&lang=en`, { token });
    expect(csv.status).toBe(200);
    const text = String(csv.body);
    expect(text).toContain('Budget execution by indicator');
    expect(text).toContain('Unit: yuan');
    expect(text).toContain('Compiled by: ');
    expect(text).not.toContain('单位：');
    const zhCsv = String((await env.call('GET', `${PATHS[0]}&format=csv`, { token })).body);
    expect(zhCsv).toContain('单位：元');
  });

  it('refuses an unknown language in the standard error shape', async () => {
    const r = await env.call('GET', `${PATHS[0]}&lang=fr`, { token });
    expect(r.status).toBe(400);
    expect((r.body as { error: { code: string } }).error.code).toBeTruthy();
  });

  it('control-rule labels and the year-end rules follow the language too', async () => {
    const admin = await env.login('a.admin');
    const zh = await env.call('GET', '/api/units/a/control-rules', { token: admin });
    const en = await env.call('GET', '/api/units/a/control-rules', { token: admin, headers: { 'accept-language': 'en' } });
    expect(zh.status).toBe(200);
    const label = (r: { body: Array<{ code: string; label: string }> }) => r.body.find((x) => x.code === 'THREE_PUBLIC_CAP_EXCEEDED')!.label;
    expect(label(zh)).toBe('三公经费不得超过年度控制数');
    expect(label(en)).toBe('Three public expenses within the annual cap');
    expect(en.body.filter((x: { label: string }) => CJK.test(x.label))).toEqual([]);
    const yearEnd = await env.call('GET', `/api/units/a/year-end?year=${TEST_YEAR}`, { token, headers: { 'accept-language': 'en' } });
    expect(yearEnd.status).toBe(200);
    const rules = (yearEnd.body as { items: Array<{ rule: string }> }).items.map((i) => i.rule);
    expect(rules.length).toBeGreaterThan(0);
    expect(rules.filter((r) => CJK.test(r))).toEqual([]);
  });

  it('labels: numbered fund rows, totals with their basis, months; unknown text kept', () => {
    expect(labelEn('一、一般公共预算拨款收入')).toBe('1. General public budget appropriation income');
    expect(labelEn('合计（执行数）')).toBe('Total (actual)');
    expect(labelEn('12月')).toBe('December');
    expect(labelEn('一般公共服务支出')).toBe('一般公共服务支出');
  });
});
