import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createPluginHarness, type PluginHarness } from '@unibudget/sdk/testing';
import { viewWords } from '@unibudget/sdk/views';
import { generateUnit } from './fixtures/generate.js';
import { writeLedger } from './fixtures/ledger.js';

/** The analytics views in the reader's language (context.lang), over a generated ledger with warnings, forecasts and a scenario. */
const CJK = /[\u3400-\u9fff\uff08\uff09\u3001\u3002\uff0c\uff1a\uff1b]/;
const today = new Date().toISOString().slice(0, 10);
const thisYear = Number(today.slice(0, 4));
let h: PluginHarness;

beforeAll(async () => {
  h = await createPluginHarness({ dir: fileURLToPath(new URL('.', import.meta.url)), units: ['a'] });
  const g = generateUnit({ seed: 11, years: [thisYear - 1, thisYear], asOf: today, departments: 3, paymentsPerLineMonth: 1, plant: { yearEndRush: true, splitting: true, lateSpecial: true } });
  await writeLedger(h, 'a', g);
  await h.runSchedule('nightly-recompute', { scheduledAt: new Date().toISOString() });
  await h.route('POST', 'scenarios', { as: 'a.finance', body: { name: 'S1', headcountChange: 2, revenueCut: 10 } });
}, 180_000);
afterAll(async () => h?.close());

const VIEWS = ['warnings', 'dashboard', 'forecast', 'scenarios', 'projects'] as const;

describe('analytics in two languages', () => {
  it('words every view in English for an English reader: titles, stats, headers, series, buttons, row actions and confirmations', async () => {
    for (const id of VIEWS) {
      const en = await h.view(id, { as: 'a.finance', lang: 'en' });
      const words = viewWords(en);
      expect(words.length, id).toBeGreaterThan(3);
      expect(words.filter((w) => CJK.test(w)), id).toEqual([]);
    }
    const warnings = await h.view('warnings', { as: 'a.finance', lang: 'en' });
    expect(warnings.title).toBe('Warning centre');
    const table = warnings.blocks.find((b: { type: string }) => b.type === 'table');
    expect(table.actions.map((a: { label: string }) => a.label)).toEqual(expect.arrayContaining(['Acknowledge', 'Handle', 'Close']));
    // The cells the plugin words itself (grade, monitor, state) follow the reader too; a warning's title is written when raised.
    expect(table.rows.length).toBeGreaterThan(0);
    for (const row of table.rows) expect([row.grade, row.monitor, row.status].filter((c: string) => CJK.test(c))).toEqual([]);
    const dashboard = await h.view('dashboard', { as: 'a.finance', lang: 'en' });
    expect(dashboard.blocks.find((b: { type: string }) => b.type === 'line').x[0]).toBe('M1');
  }, 120_000);

  it('keeps its Chinese for a Chinese reader', async () => {
    const warnings = await h.view('warnings', { as: 'a.finance' });
    expect(warnings.title).toBe('预警中心');
    expect(viewWords(warnings)).toEqual(expect.arrayContaining(['严重（红色）', '预警列表', '等级', '确认', '关闭后该预警不再提醒，确定关闭？']));
    const dashboard = await h.view('dashboard', { as: 'a.finance' });
    expect(dashboard.title).toBe(`${thisYear} 年预算执行看板`);
    expect(dashboard.blocks.find((b: { type: string }) => b.type === 'line').x[0]).toBe('1月');
  }, 60_000);

  it('answers and refuses in the caller\'s language', async () => {
    expect((await h.route('POST', 'warnings/filter', { as: 'a.finance', body: {}, lang: 'en' })).message).toBe('Filter updated');
    expect((await h.route('POST', 'warnings/filter', { as: 'a.finance', body: {} })).message).toBe('筛选条件已更新');
    await expect(h.route('POST', 'scenarios', { as: 'a.finance', body: {}, lang: 'en' })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('Scenario name is required') });
    await expect(h.route('POST', 'scenarios', { as: 'a.finance', body: {} })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('请填写情景名称') });
    await expect(h.route('POST', 'warnings/handle', { as: 'a.finance', body: { id: 'nope', note: 'x' }, lang: 'en' })).rejects.toMatchObject({ status: 404, message: expect.stringContaining('No such warning') });
  }, 60_000);
});
