import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createPluginHarness, type PluginHarness } from '@unibudget/sdk/testing';

/**
 * Issue 17's last gaps, in the real sandbox: targets saved with PUT (POST kept as an alias) and the
 * wizard using PUT; the analytics plugin's shared milestones in the flow match; the evaluation shown
 * on a budget request still being drafted; the views in English; evidence files uploaded, listed,
 * downloaded and deleted; the ledger read per project, and seeded payments counted as paid.
 */
const dir = fileURLToPath(new URL('.', import.meta.url));
const analyticsDir = fileURLToPath(new URL('../analytics', import.meta.url));
const YEAR = 2025;
const YUAN = 100;
let h: PluginHarness;
let projectId: number;
let otherId: number;
let indicatorId: number;

beforeAll(async () => {
  h = await createPluginHarness({ dir, units: ['a', 'b'] });
  await h.install({ dir: analyticsDir });
  const departments = await h.ledger('a').departments();
  const { projects } = await h.seedLedger('a', {
    projects: [
      { code: 'HF-001', name: '乡村学校信息化（测试）', startYear: YEAR, endYear: YEAR, totalAmount: 600_000 * YUAN },
      { code: 'HF-002', name: '食堂改造（测试）', startYear: YEAR, endYear: YEAR, totalAmount: 100_000 * YUAN },
    ],
  });
  [projectId, otherId] = projects.map((p) => p.id) as [number, number];
  const { indicators } = await h.seedLedger('a', {
    indicators: [
      { year: YEAR, code: 'HF-001-31002', name: '信息化设备购置', departmentId: departments[0]!.id, projectId, expenditureKind: 'project', economicCode: '31002', fundSourceCode: '11', issued: 600_000 * YUAN },
      { year: YEAR, code: 'HF-002-30213', name: '食堂维修', departmentId: departments[0]!.id, projectId: otherId, expenditureKind: 'project', economicCode: '30213', fundSourceCode: '11', issued: 100_000 * YUAN },
    ],
  });
  indicatorId = indicators[0]!.id;
  // 50,000 yuan a month for HF-001 (600,000 by December); one payment for HF-002.
  await h.seedLedger('a', {
    payments: [
      ...Array.from({ length: 12 }, (_, m) => ({ indicatorId, amount: 50_000 * YUAN, date: `${YEAR}-${String(m + 1).padStart(2, '0')}-10` })),
      { indicatorId: indicators[1]!.id, amount: 30_000 * YUAN, date: `${YEAR}-05-10` },
    ],
  });
}, 180_000);
afterAll(async () => h?.close());

describe('the ledger as the plugin reads it', () => {
  it('filters payments by project and counts seeded payments in the execution report', async () => {
    const mine = await h.ledger('a').payments({ year: YEAR, projectId });
    expect(mine).toHaveLength(12);
    expect(mine.every((p) => p.indicatorId === indicatorId)).toBe(true);
    expect(await h.ledger('a').payments({ year: YEAR, projectId: otherId })).toHaveLength(1);
    await expect(h.ledger('a').payments({ projectId: -1 })).rejects.toMatchObject({ code: 'PLUGIN_BAD_ARGUMENTS' });
    // The report sums the ledger's pay movements, which seedLedger now writes with each payment.
    const report = await h.ledger('a').executionReport({ year: YEAR, month: 12 });
    expect(report.rows.find((r) => r.indicatorId === indicatorId)).toMatchObject({ budget: 600_000 * YUAN, paidToDate: 600_000 * YUAN, executionRate: 1 });
    expect(report.byMonth[4]).toMatchObject({ paid: 80_000 * YUAN });
  });
});

describe('targets with PUT', () => {
  it('saves with PUT, keeps POST as an alias, and the wizard submits with PUT', async () => {
    const put = await h.route('PUT', `projects/${projectId}/targets`, { as: 'a.finance', body: { year: YEAR, lines: [{ indicatorId: 'EDU-001', annual: '100', weight: 60 }, { indicatorId: 'EDU-033', annual: '90', weight: 40 }] } });
    expect(put).toMatchObject({ version: 1, projectId });
    const post = await h.route('POST', `projects/${projectId}/targets`, { as: 'a.finance', body: { year: YEAR, lines: [{ indicatorId: 'EDU-001', annual: '120', weight: 60 }, { indicatorId: 'EDU-033', annual: '90', weight: 40 }] } });
    expect(post).toMatchObject({ version: 2 });
    await expect(h.route('PUT', `projects/${projectId}/targets`, { as: 'a.auditor', body: { year: YEAR, lines: [] } })).rejects.toMatchObject({ status: 403, code: 'PLUGIN_ROLE_REQUIRED' });
    await expect(h.route('PUT', `projects/${projectId}/targets`, { as: 'a.finance', body: { year: YEAR, lines: [{ indicatorId: 'EDU-001', annual: '1', weight: 50 }] } })).rejects.toMatchObject({ status: 400, details: { field: 'lines' } });
    const view = await h.view('targets', { as: 'a.finance', query: { projectId: String(projectId), year: String(YEAR) } });
    const wizard = view.blocks.find((b: { type: string }) => b.type === 'wizard');
    expect(wizard).toMatchObject({ submit: `projects/${projectId}/targets`, method: 'PUT' });
  });
});

describe('business flow with the analytics plugin’s milestones', () => {
  const matching = () => h.route('GET', `projects/${otherId}/matching`, { query: { year: String(YEAR) } });

  it('uses them where analytics is enabled, shares them and the unit granted shared.read', async () => {
    expect((await matching()).degree).toBeNull();
    await h.enablePlugin('analytics', 'a');
    await h.http('POST', '/api/units/a/plugins/analytics/routes/milestones', { as: 'a.finance', body: { projectId: otherId, date: `${YEAR}-06-30`, plannedPct: 50, reportedPct: 20, note: '完成招标' } });
    const m = await matching();
    // 30,000 of 100,000 paid in May: 30 % money against 20 % work from June on.
    expect(m.months[5]).toMatchObject({ moneyPct: 30, workPct: 20, gap: 10 });
    expect(m.work).toEqual([expect.objectContaining({ date: `${YEAR}-06-30`, pct: 20, source: expect.stringContaining('分析插件') })]);
    const view = await h.view('matching', { as: 'a.finance', query: { projectId: String(otherId), year: String(YEAR) } });
    expect(JSON.stringify(view)).toContain('完成招标');

    // Without the grant the plugin reads nothing of analytics' (and says nothing is wrong).
    const grants = (await h.enablement('a')).grants as never[];
    await h.enable('a', { grants: grants.filter((g) => g !== 'shared.read') });
    expect((await matching()).degree).toBeNull();
    await h.enable('a', { grants });
    expect((await matching()).months[5].workPct).toBe(20);
    // Unit b never sees unit a's progress reports.
    await h.enablePlugin('analytics', 'b');
    const inB = await h.seedLedger('b', { projects: [{ code: 'HF-B', name: 'b 的项目', startYear: YEAR, endYear: YEAR, totalAmount: 1 }] });
    const b = await h.route('GET', `projects/${inB.projects[0]!.id}/matching`, { unitId: 'b', query: { year: String(YEAR) } });
    expect(b.work).toEqual([]);
  });
});

describe('the evaluation while next year’s request is drafted', () => {
  it('shows on a draft budget request of the project, in Chinese and in English', async () => {
    const first = await h.submitBudgetRequest(10_000 * YUAN);
    const detail = (await (await h.http('GET', `/api/units/a/budget-requests/${first.requestId}`, { as: 'a.staff' })).json()) as { departmentId: number };
    const project = (await h.ledger('a').projects()).find((p) => p.code.startsWith('TEST-'))!;
    await h.route('PUT', `projects/${project.id}/targets`, { as: 'a.finance', body: { year: YEAR, lines: [{ indicatorId: 'EDU-018', annual: '1000', weight: 100 }] } });
    await h.route('POST', `projects/${project.id}/monitoring`, { as: 'a.head', body: { year: YEAR, month: 12, values: [{ _id: 'EDU-018', actual: 1000 }] } });
    const e = await h.route('POST', `projects/${project.id}/self-evaluation`, { as: 'a.finance', body: { year: YEAR } });
    const res = await h.http('POST', '/api/units/a/budget-requests', { as: 'a.staff', body: { year: YEAR + 1, departmentId: detail.departmentId, title: '下年申报（草稿）', lines: [{ kind: 'project', projectId: project.id, economicCode: '30201', amount: 10_000 * YUAN }] } });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    const draft = (await res.json()) as { id: number; status: string };
    expect(draft.status).toBe('draft');
    const query = { subjectKind: 'budget-request', subjectId: String(draft.id) };
    const zh = await h.view('request', { as: 'a.staff', query });
    expect(JSON.stringify(zh)).toContain(`${YEAR} 年度绩效自评`);
    expect(JSON.stringify(zh)).toContain(String(e.total));
    const en = await h.view('request', { as: 'a.staff', query, lang: 'en' });
    expect(en.title).toBe('Last year’s evaluation');
    expect(JSON.stringify(en)).toContain(`Self-evaluation ${YEAR}`);
    // Placed on the request's screen: the core lists it for a draft as for a submitted one.
    const placements = await (await h.http('GET', '/api/units/a/plugins/placements?placement=budget-request-detail', { as: 'a.staff' })).json();
    expect(JSON.stringify(placements)).toContain('"request"');
  });
});

describe('views in the reader’s language', () => {
  it('words the evaluation page in Chinese by default and in English on request, grades glossed', async () => {
    await h.route('POST', `projects/${projectId}/monitoring`, { as: 'a.head', body: { year: YEAR, month: 12, values: [{ _id: 'EDU-001', actual: 120 }, { _id: 'EDU-033', actual: 90 }] } });
    await h.route('POST', `projects/${projectId}/self-evaluation`, { as: 'a.finance', body: { year: YEAR } });
    const query = { projectId: String(projectId), year: String(YEAR) };
    const zh = await h.view('evaluation', { as: 'a.finance', query });
    const en = await h.view('evaluation', { as: 'a.finance', query, lang: 'en' });
    expect(zh.title).toBe('绩效自评');
    expect(en.title).toBe('Self-evaluation');
    const labels = (v: { blocks: Array<{ type: string; title?: string; columns?: Array<{ label: string }>; label?: string }> }) =>
      v.blocks.flatMap((b) => [b.title ?? '', b.label ?? '', ...(b.columns ?? []).map((c) => c.label)]).filter(Boolean);
    expect(labels(zh)).toEqual(expect.arrayContaining(['项目', '总分', '等级', '实际完成值']));
    expect(labels(en)).toEqual(expect.arrayContaining(['Project', 'Total', 'Grade', 'Actual']));
    // No Chinese in the English page's own words (project and indicator names are data and stay).
    expect(labels(en).filter((l) => /[\u4e00-\u9fff]/.test(l) && !l.includes('HF-001'))).toEqual([]);
    const stats = en.blocks.filter((b: { type: string }) => b.type === 'stat').map((b: { label: string; value: unknown }) => [b.label, b.value]);
    expect(stats).toEqual(expect.arrayContaining([['Grade', '优 (excellent)']]));
    expect(zh.blocks.filter((b: { type: string }) => b.type === 'stat').map((b: { value: unknown }) => b.value)).toContain('优');
  });
});

describe('evidence files', () => {
  const base = `/api/units/a/plugins/performance/routes/projects`;
  const bytes = (n: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + 7) % 256));

  it('uploads, lists with name, size, uploader and time, downloads and deletes', async () => {
    const content = bytes(100 * 1024);
    const up = await h.route('POST', `projects/${projectId}/evidence`, { as: 'a.finance', body: { year: YEAR, file: { name: '培训签到表.pdf', base64: content.toString('base64') } } });
    expect(up).toMatchObject({ name: '培训签到表.pdf', mediaType: 'application/pdf', size: 100 * 1024 });
    const list = await h.route('GET', `projects/${projectId}/evidence`, { query: { year: String(YEAR) } });
    expect(list.files).toEqual([expect.objectContaining({ id: up.id, name: '培训签到表.pdf', size: 102400, by: expect.stringMatching(/^a\.finance#/) })]);
    const view = await h.view('evaluation', { as: 'a.finance', query: { projectId: String(projectId), year: String(YEAR) } });
    const table = view.blocks.find((b: { type: string; title?: string }) => b.type === 'table' && b.title === '佐证材料文件');
    expect(table.rows).toEqual([expect.objectContaining({ name: '培训签到表.pdf', size: 100, by: expect.stringMatching(/^a\.finance#/) })]);
    expect(view.blocks).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'download', route: `projects/${projectId}/evidence/${up.id}` })]));

    const got = await h.http('GET', `${base}/${projectId}/evidence/${up.id}`, { as: 'a.auditor' });
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await got.arrayBuffer()).equals(content)).toBe(true);
    // Another project's path does not reach it.
    expect((await h.http('GET', `${base}/${otherId}/evidence/${up.id}`)).status).toBe(404);

    const del = await h.http('DELETE', `${base}/${projectId}/evidence/${up.id}`, { as: 'a.finance' });
    expect(del.status).toBe(200);
    expect(await h.documents('evidence')).toEqual([]);
    expect(await h.documents('evidence_parts')).toEqual([]);
    // The evaluation view's row action deletes with POST { id }.
    const second = await h.route('POST', `projects/${projectId}/evidence`, { as: 'a.head', body: { year: YEAR, file: { name: 'note.txt', base64: Buffer.from('验收意见').toString('base64') } } });
    expect(second).toMatchObject({ mediaType: 'text/plain', size: 12 });
    expect(await h.route('POST', `projects/${projectId}/evidence/delete`, { as: 'a.head', body: { id: second.id } })).toMatchObject({ id: second.id, name: 'note.txt' });
    await expect(h.route('POST', `projects/${projectId}/evidence/delete`, { as: 'a.head', body: { id: second.id } })).rejects.toMatchObject({ status: 404, code: 'performance.EVIDENCE_NOT_FOUND' });
    expect(await h.documents('evidence')).toEqual([]);
  });

  it('refuses a file over the cap, a bad file and a reader, changing nothing', async () => {
    await expect(h.route('POST', `projects/${projectId}/evidence`, { as: 'a.finance', body: { year: YEAR, file: { name: 'big.pdf', base64: bytes(185 * 1024).toString('base64') } } }))
      .rejects.toMatchObject({ status: 400, code: 'performance.VALIDATION_FAILED', details: { field: 'file' } });
    await expect(h.route('POST', `projects/${projectId}/evidence`, { as: 'a.finance', body: { year: YEAR, file: { name: 'x.pdf', base64: '' } } }))
      .rejects.toMatchObject({ status: 400, details: { field: 'file' } });
    await expect(h.route('POST', `projects/${projectId}/evidence`, { as: 'a.auditor', body: { year: YEAR, file: { name: 'x.pdf', base64: 'AAAA' } } }))
      .rejects.toMatchObject({ status: 403, code: 'PLUGIN_ROLE_REQUIRED' });
    expect(await h.documents('evidence')).toEqual([]);
    expect(await h.documents('evidence_parts')).toEqual([]);
  });

  it('leaves no part behind when the unit’s storage quota stops an upload part way', async () => {
    const collections = ['library', 'library_log', 'targets', 'monitoring', 'warnings', 'evaluations', 'milestones', 'requests', 'prefs', 'evidence', 'evidence_parts'];
    const docs = (await Promise.all(collections.map((c) => h.documents(c)))).reduce((n, list) => n + list.length, 0);
    const quota = (storageDocs: number | null) => h.http('PUT', '/api/plugins/performance/quotas', { as: 'sysadmin', body: { unitId: 'a', storageDocs } });
    expect((await quota(docs + 2)).status).toBe(200);
    try {
      // 100 KiB travels as 3 parts: the third is over the quota.
      await expect(h.route('POST', `projects/${projectId}/evidence`, { as: 'a.finance', body: { year: YEAR, file: { name: 'scan.pdf', base64: bytes(100 * 1024).toString('base64') } } }))
        .rejects.toMatchObject({ code: expect.stringContaining('QUOTA') });
      expect(await h.documents('evidence_parts')).toEqual([]);
      expect(await h.documents('evidence')).toEqual([]);
    } finally {
      await quota(null);
    }
  });
});
