import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createPluginHarness, type PluginHarness } from '@unibudget/sdk/testing';
import { viewWords } from '@unibudget/sdk/views';
import { itemsOf, proposedRows, rowProblem, type StandardRowLike, type StoredCandidate } from './src/standards.js';

/** The policy plugin in the reader's language, and its standard items taken from the core's set in force. */
const CJK = /[\u3400-\u9fff\uff08\uff09\u3001\u3002\uff0c\uff1a\uff1b]/;
let h: PluginHarness;
beforeAll(async () => {
  h = await createPluginHarness({ dir: fileURLToPath(new URL('.', import.meta.url)), units: ['a'] });
}, 120_000);
afterAll(async () => h?.close());

const VIEWS = ['library', 'review', 'standards', 'diff', 'trial'] as const;

describe('policy in two languages', () => {
  it('words every view in English for an English reader: no Chinese in its titles, labels, headers, buttons or confirmations', async () => {
    // A document extracted and a trial run kept, so the review and the trial views show their tables too.
    const lodging = (await h.route('GET', 'documents', { query: { q: '540号' } })).documents[0].id as string;
    await h.route('POST', `documents/${lodging}/extract`, { as: 'a.finance' });
    await h.route('POST', 'trial-runs', { as: 'a.finance', body: { from: '2026-01-01', to: '2026-06-30' } });
    for (const id of VIEWS) {
      const en = await h.view(id, { as: 'a.finance', lang: 'en' });
      const words = viewWords(en);
      expect(words.length, id).toBeGreaterThan(0);
      // Data stays as written: the document the review's title names, a version's title, search examples in Chinese (the search is).
      expect(words.filter((w) => CJK.test(w.replace(/^Extraction review: .*$/, 'Extraction review')) && !/^#\d+ /.test(w) && !w.startsWith('e.g. ')), id).toEqual([]);
    }
    const trial = await h.view('trial', { as: 'a.finance', lang: 'en' });
    expect(viewWords(trial)).toEqual(expect.arrayContaining(['Would be blocked', 'Payments affected (unit: yuan)', 'Within the expenditure standards']));
  }, 60_000);

  it('keeps its Chinese for a Chinese reader', async () => {
    const library = await h.view('library', { as: 'a.finance' });
    expect(library.title).toBe('政策文件库');
    expect(viewWords(library)).toEqual(expect.arrayContaining(['文件总数', '检索', '文号', '抽取标准', '从该文件全文中抽取候选标准？已作出的复核结论会保留。']));
    const standards = await h.view('standards', { as: 'a.finance' });
    const en = await h.view('standards', { as: 'a.finance', lang: 'en' });
    const pers = (v: { blocks: Array<{ rows?: Array<{ per: string }> }> }) => [...new Set(v.blocks[2]!.rows!.map((r) => r.per))].sort();
    expect(pers(standards)).toEqual(['元/人·天', '元/人·晚', '元/人·餐']);
    expect(pers(en)).toEqual(['yuan/person-day', 'yuan/person-meal', 'yuan/person-night']);
  });

  it('answers and refuses in the caller\'s language', async () => {
    expect((await h.route('POST', 'prefs', { as: 'a.finance', body: { q: '' }, lang: 'en' })).message).toBe('Updated');
    expect((await h.route('POST', 'prefs', { as: 'a.finance', body: { q: '' } })).message).toBe('已更新');
    await expect(h.route('POST', 'trial-runs', { as: 'a.finance', body: {}, lang: 'en' })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('Give the start date') });
    await expect(h.route('POST', 'trial-runs', { as: 'a.finance', body: {} })).rejects.toMatchObject({ status: 400, message: expect.stringContaining('请填写起始日期') });
    await expect(h.route('POST', 'documents', { as: 'a.finance', body: { text: '正文正文正文正文正文正文' }, lang: 'en' })).rejects.toMatchObject({ message: expect.stringContaining('Title is required') });
  });

  it('takes its standard items (name, economic class, unit of measure) from the core\'s set in force', async () => {
    const inForce = (await h.route('GET', 'standards')).rows as StandardRowLike[];
    const items = itemsOf(inForce);
    expect(items.meeting).toEqual({ label: '会议费综合定额', economicCode: '30215', per: 'person_day' });
    expect(items.travel_lodging).toEqual({ label: '差旅住宿费', economicCode: '30211', per: 'person_night' });
    // The review's item choices are those items, each named as the core names it.
    const review = await h.view('review', { as: 'a.finance' });
    const itemField = review.blocks.find((b: { submit?: string }) => b.submit === 'candidates/edit').fields.find((f: { key: string }) => f.key === 'item');
    expect(itemField.options.slice(1).map((o: { value: string }) => o.value).sort()).toEqual(Object.keys(items).sort());
    // An item the set in force does not have is refused when given, and cannot become a row.
    const candidate = review.blocks.find((b: { type: string; rows?: unknown[] }) => b.type === 'table').rows[0]._id as string;
    await expect(h.route('POST', 'candidates/edit', { as: 'a.finance', body: { id: candidate, item: 'not_an_item' } })).rejects.toMatchObject({ status: 400, details: { field: 'item' } });
  });
});

describe('standard items from rows (pure)', () => {
  const row = (item: string, tier: string, name: string, economicCode: string, per: StandardRowLike['per']): StandardRowLike => ({
    item, tier, name, economicCode, per, region: '', rank: '', season: '', cap: 100_00, effectiveFrom: null, effectiveTo: null, source: 'x', verified: true, note: '',
  });
  it('names an item by its rows\' common name and measures it as its all row', () => {
    const items = itemsOf([row('training', 'class1', '培训费综合定额（一类培训：省部级）', '30216', 'person_day'), row('travel_meal', 'xz', '差旅伙食补助费（西藏）', '30211', 'person_time'), row('travel_meal', 'all', '差旅伙食补助费', '30211', 'person_day')]);
    expect(items).toEqual({ training: { label: '培训费综合定额', economicCode: '30216', per: 'person_day' }, travel_meal: { label: '差旅伙食补助费', economicCode: '30211', per: 'person_day' } });
  });
  it('a candidate for an item not in force is skipped with its reason; one in force becomes a row with the core\'s class', () => {
    const items = itemsOf([row('meeting', 'class2', '会议费综合定额（二类会议）', '30215', 'person_day')]);
    const c = (id: string, item: string): StoredCandidate => ({
      id, kind: 'amount', value: 600_00, text: '600元', per: null, bound: 'cap', subject: '', item, tier: 'class2', region: '', rank: '', season: '', sentence: 's', sentenceIndex: 0,
      documentId: 'd1', status: 'confirmed', decidedBy: null, decidedAt: null, reason: '',
    });
    expect(rowProblem(c('1', 'lecture'), items)).toBe('请先指定标准项目');
    const { rows, skipped } = proposedRows([c('1', 'lecture'), c('2', 'meeting')], items, '示财〔2026〕1号', null);
    expect(skipped).toEqual([{ id: '1', problem: '请先指定标准项目' }]);
    expect(rows).toEqual([expect.objectContaining({ item: 'meeting', tier: 'class2', economicCode: '30215', per: 'person_day', name: '会议费综合定额（二类）' })]);
  });
});
