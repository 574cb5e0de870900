import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createPluginHarness, type PluginHarness } from '@unibudget/sdk/testing';
import { SAMPLE_DOCUMENTS } from './src/samples.js';
import { diff, type StandardRowLike } from './src/standards.js';

/** The plugin end to end in the real sandbox against the in-memory core: documents → extraction → proposal → adoption → trial run. */
const dir = fileURLToPath(new URL('.', import.meta.url));
let h: PluginHarness;

beforeAll(async () => {
  h = await createPluginHarness({ dir, units: ['a'] });
}, 120_000);
afterAll(async () => h?.close());

async function json(res: Response): Promise<{ status: number; body: any }> {
  const body = await res.json();
  return { status: res.status, body };
}

describe('policy plugin', () => {
  it('starts with the central rules, finds documents in Chinese, and asks finance to review one touching standards in use', async () => {
    const all = await h.route('GET', 'documents');
    expect(all.documents).toHaveLength(SAMPLE_DOCUMENTS.length);
    const lodging = await h.route('GET', 'documents', { query: { q: '住宿标准' } });
    expect(lodging.documents[0].number).toBe('财行〔2016〕71号');
    expect((await h.route('GET', 'documents', { query: { q: '财行〔2016〕540号' } })).documents.map((d: { number: string }) => d.number)).toEqual(['财行〔2016〕540号']);
    expect((await h.route('GET', 'documents', { query: { q: '潜水艇' } })).documents).toEqual([]);
    expect(await h.notifications('a')).toEqual([]);

    const added = await h.route('POST', 'documents', { as: 'a.finance', body: {
      title: '示范县县直机关会议费管理办法', issuer: '示范县财政局', number: '示财行〔2026〕8号', issuedAt: '2026-05-20', effectiveFrom: '2026-07-01',
      text: '第八条 县直机关四类会议综合定额标准为每人每天380元，不安排住宿的按每人每天120元执行。\n第九条 会议用餐按工作餐标准安排，每人每餐不超过40元。',
    } });
    expect(added).toMatchObject({ reminded: true, topics: ['meeting', 'reception'] });
    const notices = await h.notifications('a');
    expect(notices).toEqual([expect.objectContaining({ role: 'finance_officer', link: `/plugins/policy/review?documentId=${added.id}` })]);
    expect((await h.route('GET', 'documents', { query: { q: '县直 会议' } })).documents[0].id).toBe(added.id);
    // Staff may not add documents; a document without a title is refused with its field.
    await expect(h.route('POST', 'documents', { as: 'a.staff', body: SAMPLE_DOCUMENTS[0] })).rejects.toMatchObject({ status: 403 });
    await expect(h.route('POST', 'documents', { as: 'a.finance', body: { text: '正文正文正文正文正文正文' } })).rejects.toMatchObject({ status: 400, details: { field: 'title' } });
  });

  it('extracts candidates with their sentences, and a confirmed set becomes a proposed version that finance adopts in the core', async () => {
    const found = await h.route('GET', 'documents', { query: { q: '540号' } });
    const id = found.documents[0].id as string;
    const result = await h.route('POST', `documents/${id}/extract`, { as: 'a.finance' });
    const values = result.candidates.map((c: { value: number; tier: string | null }) => [c.value, c.tier]);
    expect(values).toEqual(expect.arrayContaining([[760_00, 'class1'], [650_00, 'class2'], [550_00, 'class3']]));
    const class3 = result.candidates.find((c: { tier: string; value: number }) => c.tier === 'class3' && c.value === 550_00);
    expect(class3.sentence).toContain('三类培训');
    await expect(h.route('POST', 'documents/nope/extract', { as: 'a.finance' })).rejects.toMatchObject({ status: 404 });

    // Nothing confirmed yet: no proposal.
    await expect(h.route('POST', 'proposals', { as: 'a.finance', body: { documentId: id, effectiveFrom: '2026-07-01' } })).rejects.toMatchObject({ status: 409 });
    // Confirm class3, correct it to 500 元 (a stricter local cap), dismiss the rest.
    await h.route('POST', 'candidates/edit', { as: 'a.finance', body: { id: class3.id, value: 500_00 } });
    const proposal = await h.route('POST', 'proposals', { as: 'a.finance', body: { documentId: id, effectiveFrom: '2026-07-01', title: '本单位培训费标准' } });
    expect(proposal).toMatchObject({ rows: 1 });
    const versions = (await json(await h.http('GET', '/api/units/a/standards/versions', { as: 'a.finance' }))).body;
    const proposed = versions.find((v: { id: number }) => v.id === proposal.versionId);
    expect(proposed).toMatchObject({ status: 'proposed', proposedVia: 'plugin:policy', ownerUnitId: 'a' });

    // Difference analysis of the document against the set in force: class3 550 → 500.
    const d = await h.route('GET', 'diff', { query: { documentId: id } });
    expect(d.changes).toEqual([expect.objectContaining({ kind: 'changed', item: 'training', tier: 'class3', field: 'cap', before: 550_00, after: 500_00 })]);

    const adopted = await json(await h.http('POST', `/api/units/a/standards/versions/${proposal.versionId}/adopt`, { as: 'a.finance', body: { note: '采纳' } }));
    expect(adopted.status).toBe(200);
    const standards = await h.route('GET', 'standards', { query: { date: '2026-08-01' } });
    expect(standards.rows.find((r: StandardRowLike) => r.item === 'training' && r.tier === 'class3').cap).toBe(500_00);
    expect(standards.history.find((v: { id: number }) => v.id === proposal.versionId).status).toBe('adopted');
  });

  it('trial runs name the payments a proposed set would block, with the money', async () => {
    const [dept] = await h.ledger('a').departments();
    const issued = await json(await h.http('POST', '/api/units/a/indicators', {
      as: 'a.finance',
      body: { year: 2026, name: '培训费', departmentId: dept!.id, projectId: null, expenditureKind: 'operating', functionalCode: '2050101', economicCode: '30216', fundSourceCode: '11', amount: 1_000_000_00, date: '2026-06-01', isFlexibleReserve: false },
    }));
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    const pay = async (amount: number, date: string, quantity: number) => json(await h.http('POST', '/api/units/a/payments', {
      as: 'a.finance',
      body: { indicatorId: issued.body.id, payeeName: '示范县委党校', payeeAccount: '6222020200001234567', purpose: '新任教师培训费', amount, date, standard: { item: 'training', tier: 'class3', quantity } },
    }));
    const p1 = await pay(40 * 480_00, '2026-08-10', 40); // 480/人天: under 500
    const p2 = await pay(40 * 520_00, '2026-06-20', 40); // dated before the 500 version: under 550
    expect([p1.status, p2.status], JSON.stringify([p1.body, p2.body])).toEqual([201, 201]);
    // The adopted 500 blocks the next payment over it, not one dated before it took effect.
    expect((await pay(40 * 520_00, '2026-08-11', 40)).status).toBe(422);

    const rows = [{ item: 'training', tier: 'class3', name: '培训费（三类）', economicCode: '30216', cap: 450_00, per: 'person_day', source: '试算' }];
    const trial = await h.route('POST', 'trial-runs', { as: 'a.finance', body: { standards: { rows }, from: '2026-06-01', to: '2026-08-31' } });
    expect(trial.payments.map((p: { id: number; severity: string; amount: number }) => [p.id, p.severity, p.amount])).toEqual([
      [p2.body.id, 'block', 40 * 520_00],
      [p1.body.id, 'block', 40 * 480_00],
    ]);
    expect(trial.proposed.blocked).toEqual({ count: 2, amount: 40 * 1000_00 });
    expect(trial.message).toContain('将拦截 2 笔');
    const view = await h.view('trial', { as: 'a.finance' });
    expect(JSON.stringify(view)).toContain('将被拦截');
  });

  it('renders its views', async () => {
    for (const id of ['library', 'review', 'standards', 'diff']) {
      const v = await h.view(id, { as: 'a.finance' });
      expect(v.blocks.length).toBeGreaterThan(0);
    }
  });
});

describe('difference analysis (pure)', () => {
  const r = (tier: string, cap: number, extra: Partial<StandardRowLike> = {}): StandardRowLike => ({
    item: 'meeting', tier, name: `会议费${tier}`, region: '', rank: '', season: '', economicCode: '30215', cap, per: 'person_day', effectiveFrom: null, effectiveTo: null, source: 'x', verified: true, note: '', ...extra,
  });
  it('full versions: added, removed, changed with before and after', () => {
    expect(diff([r('class1', 760_00), r('class2', 650_00)], [r('class2', 600_00), r('class3', 550_00)], false)).toEqual([
      { kind: 'removed', item: 'meeting', tier: 'class1', name: '会议费class1', field: null, before: 760_00, after: null },
      { kind: 'changed', item: 'meeting', tier: 'class2', name: '会议费class2', field: 'cap', before: 650_00, after: 600_00 },
      { kind: 'added', item: 'meeting', tier: 'class3', name: '会议费class3', field: null, before: null, after: 550_00 },
    ]);
  });
  it('an overlay leaves rows it does not name, and ignores its own source and name', () => {
    expect(diff([r('class1', 760_00), r('class2', 650_00)], [r('class2', 650_00, { source: '新文件', name: '新名' })], true)).toEqual([]);
  });
});
