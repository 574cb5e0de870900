import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createPluginHarness, type PluginHarness } from '@unibudget/sdk/testing';

/**
 * The plugin end to end in the real sandbox: a project with targets, a year of payments written into
 * the in-memory core's ledger, monitoring values at mid-year and year end, and the self-evaluation
 * equal to the score computed by hand; then the feedback into next year's budget request.
 */
const dir = fileURLToPath(new URL('.', import.meta.url));
const YEAR = 2025;
let h: PluginHarness;
let projectId: number;
let poorId: number;

const YUAN = 100;

beforeAll(async () => {
  h = await createPluginHarness({ dir, units: ['a', 'b'] });
  const departments = await h.ledger('a').departments();
  const seeded = await h.seedLedger('a', {
    projects: [
      { code: 'PF-001', name: '教师培训项目（测试）', startYear: YEAR, endYear: YEAR, totalAmount: 1_000_000 * YUAN },
      { code: 'PF-002', name: '图书购置（测试）', startYear: YEAR, endYear: YEAR, totalAmount: 200_000 * YUAN },
    ],
  });
  [projectId, poorId] = seeded.projects.map((p) => p.id) as [number, number];
  const { indicators } = await h.seedLedger('a', {
    indicators: [
      { year: YEAR, code: 'PF-001-30216', name: '教师培训费', departmentId: departments[0]!.id, projectId, expenditureKind: 'project', economicCode: '30216', fundSourceCode: '11', issued: 1_000_000 * YUAN },
      { year: YEAR, code: 'PF-002-30218', name: '图书资料', departmentId: departments[0]!.id, projectId: poorId, expenditureKind: 'project', economicCode: '30218', fundSourceCode: '11', issued: 200_000 * YUAN },
    ],
  });
  // 75,000 yuan paid every month of the year: 900,000 of 1,000,000 (执行率 90%); the book project spends 40,000.
  await h.seedLedger('a', {
    payments: [
      ...Array.from({ length: 12 }, (_, m) => ({ indicatorId: indicators[0]!.id, amount: 75_000 * YUAN, date: `${YEAR}-${String(m + 1).padStart(2, '0')}-15` })),
      { indicatorId: indicators[1]!.id, amount: 40_000 * YUAN, date: `${YEAR}-11-20` },
    ],
  });
}, 180_000);
afterAll(async () => h?.close());

const targets = (id: number, body: unknown, as = 'a.finance') => h.route('POST', `projects/${id}/targets`, { as, body });

describe('indicator library', () => {
  it('serves the starter sets filtered by sector and level', async () => {
    const all = await h.route('GET', 'indicators');
    expect(all.total).toBeGreaterThanOrEqual(150);
    const edu = await h.route('GET', 'indicators', { query: { sector: 'education', level: 'satisfaction' } });
    expect(edu.total).toBeGreaterThan(0);
    expect(edu.indicators.every((i: { sector: string; level1: string }) => i.sector === 'education' && i.level1 === 'satisfaction')).toBe(true);
    expect(all.sets.every((s: { source: string }) => s.source.length > 10)).toBe(true);
  });

  it('keeps the unit’s own indicators versioned with who changed them, and exports and imports them', async () => {
    const created = await h.route('POST', 'indicators', { as: 'a.finance', body: { name: '送教下乡次数', level2: 'quantity', direction: 'gte', unit: '次', sector: 'education' } });
    expect(created.indicator).toMatchObject({ id: 'U-0001', version: 1, origin: 'unit' });
    const changed = await h.route('POST', 'indicators', { as: 'a.finance', body: { id: 'U-0001', name: '送教下乡活动次数', level2: 'quantity', direction: 'gte', unit: '次', sector: 'education' } });
    expect(changed.indicator.version).toBe(2);
    const history = await h.route('GET', 'indicators/history', { query: { indicatorId: 'U-0001' } });
    expect(history.changes.map((c: { action: string; by: string }) => [c.action, c.by.split('#')[0]]).sort()).toEqual([['create', 'a.finance'], ['update', 'a.finance']]);
    await expect(h.route('POST', 'indicators', { as: 'a.finance', body: { id: 'EDU-001', name: 'x', level2: 'quantity', direction: 'gte', unit: '人' } })).rejects.toMatchObject({ status: 400, code: 'performance.VALIDATION_FAILED' });

    const xlsx = await h.http('GET', '/api/units/a/plugins/performance/routes/library/export?format=xlsx&scope=unit');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    const bytes = Buffer.from(await xlsx.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    // Unit b imports a's export: the indicator arrives as b's own, version 1.
    const imported = await h.route('POST', 'library/import', { unitId: 'b', as: 'b.finance', body: { file: { name: 'a.xlsx', base64: bytes.toString('base64') } } });
    expect(imported).toMatchObject({ created: 1 });
    const inB = await h.route('GET', 'indicators', { unitId: 'b', query: { sector: 'education', q: '送教下乡活动次数' } });
    expect(inB.indicators).toEqual([expect.objectContaining({ id: 'U-0001', origin: 'unit', version: 1 })]);
    await expect(h.route('POST', 'library/import', { as: 'a.finance', body: { file: { name: 'x.json', base64: Buffer.from('{"indicators":[{"name":"y","level2":"quantity","direction":"bad"}]}').toString('base64') } } }))
      .rejects.toMatchObject({ status: 400, details: { field: 'file' } });
  });
});

describe('targets', () => {
  it('refuses weights that do not sum to 100, an unknown indicator and an unknown project', async () => {
    await expect(targets(projectId, { year: YEAR, lines: [{ indicatorId: 'EDU-001', annual: '1200', weight: 50 }, { indicatorId: 'EDU-033', annual: '90', weight: 40 }] }))
      .rejects.toMatchObject({ status: 400, code: 'performance.VALIDATION_FAILED', details: { field: 'lines' } });
    await expect(targets(projectId, { year: YEAR, lines: [{ indicatorId: 'NOPE', annual: '1', weight: 100 }] })).rejects.toMatchObject({ status: 400 });
    await expect(targets(999_999, { year: YEAR, lines: [{ indicatorId: 'EDU-001', annual: '1', weight: 100 }] })).rejects.toMatchObject({ status: 404, code: 'performance.PROJECT_NOT_FOUND' });
    await expect(h.route('GET', `projects/${projectId}/targets`, { query: { year: String(YEAR) } })).resolves.toMatchObject({ targets: null });
    // Another unit's project does not exist here, and an auditor only reads.
    await expect(h.route('GET', `projects/${projectId}/targets`, { unitId: 'b', query: { year: String(YEAR) } })).rejects.toMatchObject({ status: 404, code: 'performance.PROJECT_NOT_FOUND' });
    await expect(targets(projectId, { year: YEAR, lines: [{ indicatorId: 'EDU-001', annual: '1', weight: 100 }] }, 'a.auditor')).rejects.toMatchObject({ status: 403, code: 'PLUGIN_ROLE_REQUIRED' });
    await expect(targets(projectId, { year: 'next', lines: [] })).rejects.toMatchObject({ status: 400, details: { field: 'year' } });
  });

  it('stores the wizard’s merged steps: the selection decides, new indicators share the weight left', async () => {
    const saved = await targets(poorId, { year: YEAR, indicators: ['EDU-018', 'EDU-031'], grid: [{ _id: 'EDU-018', annual: '12000', total: '', weight: '60' }] });
    expect(saved.lines.map((l: { indicatorId: string; weight: number; annual: unknown }) => [l.indicatorId, l.weight, l.annual])).toEqual([['EDU-018', 60, 12000], ['EDU-031', 40, '']]);
    expect(saved.incomplete).toEqual(['学生满意度']);
    await expect(h.route('POST', `projects/${poorId}/self-evaluation`, { as: 'a.finance', body: { year: YEAR } })).rejects.toMatchObject({ status: 409, code: 'performance.TARGETS_INCOMPLETE' });
    await targets(poorId, { year: YEAR, lines: [{ indicatorId: 'EDU-018', annual: '12000', weight: 60 }, { indicatorId: 'EDU-031', annual: '90', weight: 40 }] });
  });
});

describe('a year of one project, end to end', () => {
  it('targets → payments → monitoring → self-evaluation equal to the hand-computed score', async () => {
    const set = await targets(projectId, {
      year: YEAR, lines: [
        { indicatorId: 'EDU-001', annual: '1200', total: '1200', weight: 30 },   // 教师培训人次 ≥ 1200
        { indicatorId: 'EDU-004', annual: '95', weight: 20 },                    // 考核合格率 ≥ 95%
        { indicatorId: 'GEN2-002', annual: '800', weight: 10, outputOf: 'EDU-001' }, // 单位产出成本 ≤ 800 元/人 (from the ledger)
        { indicatorId: 'EDU-025', annual: '达成预期', weight: 20 },               // qualitative
        { indicatorId: 'EDU-033', annual: '90', weight: 20 },                    // 参训教师满意度 ≥ 90%
      ],
    });
    expect(set.version).toBe(1);

    // Mid-year (through July): 500 trained so far, 1,000 expected by year end → 16.67 % short of 1,200: yellow.
    const mid = await h.route('POST', `projects/${projectId}/monitoring`, { as: 'a.head', body: { year: YEAR, month: 7, values: [{ _id: 'EDU-001', actual: 500, projected: 1000 }, { _id: 'EDU-004', actual: 96 }] } });
    const dev = mid.deviations.find((d: { indicatorId: string }) => d.indicatorId === 'EDU-001');
    expect(dev).toMatchObject({ light: 'yellow', deviationPct: 16.67, basis: 'projected' });
    // Collected from the ledger: 525,000 yuan paid by July ÷ 500 trained = 1,050 元/人, 31.25 % over 800: red.
    expect(mid.deviations.find((d: { indicatorId: string }) => d.indicatorId === 'GEN2-002')).toMatchObject({ value: 1050, deviationPct: 31.25, light: 'red' });
    expect(mid.light).toBe('red');
    // Paid by the end of July: 7 × 75,000 of 1,000,000 = 52.5 % against 序时进度 7/12.
    expect(mid.deviations.find((d: { indicatorId: string }) => d.indicatorId === '_execution')).toMatchObject({ value: 52.5 });

    // The warning needs an explanation and a correction plan before it can be closed.
    const { warnings } = await h.route('GET', 'warnings', { query: { year: String(YEAR), status: 'open' } });
    const w = warnings.find((x: { indicatorId: string }) => x.indicatorId === 'EDU-001');
    expect(w).toMatchObject({ light: 'yellow', status: 'open', projectId });
    await expect(h.route('POST', 'warnings/close', { as: 'a.finance', body: { id: w.id } })).rejects.toMatchObject({ status: 409, code: 'performance.EXPLANATION_REQUIRED' });
    await expect(h.route('POST', 'warnings/explain', { as: 'a.head', body: { id: w.id, explanation: '暑期研修推迟' } })).rejects.toMatchObject({ status: 400, details: { field: 'plan' } });
    await h.route('POST', 'warnings/explain', { as: 'a.head', body: { id: w.id, explanation: '暑期研修推迟到8月', plan: '9–11月加开两期乡村教师培训' } });
    expect(await h.route('POST', 'warnings/close', { as: 'a.finance', body: { id: w.id, reason: '已加开' } })).toMatchObject({ status: 'closed' });

    // Year end: 1,300 trained (over the target), 93 % passed, satisfaction 85 %.
    const end = await h.route('POST', `projects/${projectId}/monitoring`, { as: 'a.head', body: { year: YEAR, month: 12, values: [{ _id: 'EDU-001', actual: 1300 }, { _id: 'EDU-004', actual: 93 }, { _id: 'EDU-033', actual: 85 }] } });
    // Cost per output from the ledger: 900,000 yuan ÷ 1,300 = 692.31 元/人.
    const monitoring = await h.route('GET', `projects/${projectId}/monitoring`, { query: { year: String(YEAR) } });
    expect(monitoring.latest['GEN2-002']).toMatchObject({ actual: 692.31, source: 'auto' });
    expect(end.light).toBeDefined();

    const e = await h.route('POST', `projects/${projectId}/self-evaluation`, {
      as: 'a.finance',
      body: { year: YEAR, qualitative: [{ _id: 'EDU-025', grade: 'partial', pct: 70, reason: '信息技术应用能力提升部分达成' }], evidence: '培训签到表\n结业考核成绩册' },
    });
    // By hand (产出 50 shared 30:20:10, 效益 30, 满意度 10, 预算执行率 10):
    //   执行 min(900,000 ÷ 1,000,000, 1) × 10 = 9
    //   培训人次 1,300 ≥ 1,200 → 25 (no more for over-achieving)
    //   合格率 93 ÷ 95 × 16.667 = 16.32
    //   单位成本 692.31 ≤ 800 → 8.33
    //   定性 部分达成 70 % × 30 = 21
    //   满意度 85 ÷ 90 × 10 = 9.44
    //   total 89.09 → 良
    expect(e.execution).toMatchObject({ budget: 100_000_000, paid: 90_000_000, rate: 0.9, score: 9 });
    expect(e.lines.map((l: { indicatorId: string; score: number }) => [l.indicatorId, l.score])).toEqual([['EDU-001', 25], ['EDU-004', 16.32], ['GEN2-002', 8.33], ['EDU-025', 21], ['EDU-033', 9.44]]);
    expect(e.lines[0]).toMatchObject({ target: 1200, actual: 1300, method: 'ratio' });
    expect(e.total).toBe(89.09);
    expect(e).toMatchObject({ grade: 'good', gradeLabel: '良' });
    expect(e.evidence.map((x: { name: string }) => x.name)).toEqual(['培训签到表', '结业考核成绩册']);
    expect(await h.route('GET', `projects/${projectId}/self-evaluation`, { query: { year: String(YEAR) } })).toMatchObject({ total: 89.09, grade: 'good' });

    // A qualitative judgement outside its band or without a reason is refused.
    await expect(h.route('POST', `projects/${projectId}/self-evaluation`, { as: 'a.finance', body: { year: YEAR, qualitative: [{ _id: 'EDU-025', grade: 'partial', pct: 85, reason: 'x' }] } }))
      .rejects.toMatchObject({ status: 400, details: { field: 'qualitative' } });

    const report = await h.http('GET', `/api/units/a/plugins/performance/routes/projects/${projectId}/self-evaluation/report?year=${YEAR}`);
    expect(report.status).toBe(200);
    expect(report.headers.get('content-disposition')).toContain('.xlsx');
  });

  it('matches business flow with fund flow', async () => {
    await h.route('POST', `projects/${projectId}/milestones`, { as: 'a.head', body: { date: `${YEAR}-03-31`, pct: 5, note: '方案制定' } });
    const m = await h.route('GET', `projects/${projectId}/matching`, { query: { year: String(YEAR) } });
    expect(m.months).toHaveLength(12);
    expect(m.months[2]).toMatchObject({ moneyPct: 22.5, workPct: 5 });
    expect(m.mismatches[0]).toMatchObject({ month: 3, kind: 'money-ahead' });
    expect(m.degree).toBeGreaterThan(0);
  });
});

describe('feedback into next year’s preparation', () => {
  it('warns (or blocks, by setting) new money for a project graded 差 last year', async () => {
    // A project of the staff's department (the harness makes one with the first request).
    await h.submitBudgetRequest(100_000 * YUAN);
    const project = (await h.ledger('a').projects()).find((p) => p.code.startsWith('TEST-'))!;
    await targets(project.id, { year: YEAR, lines: [{ indicatorId: 'EDU-018', annual: '12000', weight: 60 }, { indicatorId: 'EDU-031', annual: '90', weight: 40 }] });
    // 4,000 of 12,000 books, satisfaction 50 %, nothing paid: graded 差.
    await h.route('POST', `projects/${project.id}/monitoring`, { as: 'a.head', body: { year: YEAR, month: 12, values: [{ _id: 'EDU-018', actual: 4000 }, { _id: 'EDU-031', actual: 50 }] } });
    const e = await h.route('POST', `projects/${project.id}/self-evaluation`, { as: 'a.finance', body: { year: YEAR } });
    expect(e.grade).toBe('poor');

    const warned = await h.submitBudgetRequest(100_000 * YUAN, { projectId: project.id });
    expect(warned.status).toBe(200);
    expect(JSON.stringify(warned.body)).toContain('绩效自评');
    // The request's screen shows the project's evaluation.
    const placed = await h.view('request', { query: { subjectKind: 'budget-request', subjectId: String(warned.requestId) } });
    expect(JSON.stringify(placed)).toContain('差');


    const grants = (await h.enablement('a')).grants as never;
    await h.enable('a', { grants, settings: { poorGradeRule: 'block' } });
    const blocked = await h.submitBudgetRequest(100_000 * YUAN, { projectId: project.id });
    expect(blocked.status).toBe(409);
    expect(JSON.stringify(blocked.body)).toContain('不予申报');
    await h.enable('a', { grants, settings: {} });
  });
});

describe('views', () => {
  it('render in the host’s validation: pages, the project placement and the cockpit', async () => {
    for (const id of ['library', 'targets', 'board', 'evaluation', 'matching', 'cockpit']) {
      const v = await h.view(id, { as: 'a.finance', query: { projectId: String(projectId), year: String(YEAR) } });
      expect(v.blocks.length, id).toBeGreaterThan(0);
    }
    const placed = await h.view('project', { as: 'a.finance', query: { subjectKind: 'project', subjectId: String(projectId), year: String(YEAR) } });
    expect(placed.blocks.map((b: { type: string }) => b.type)).toEqual(expect.arrayContaining(['table', 'wizard', 'form']));
    const board = await h.view('board', { as: 'a.finance', query: { year: String(YEAR) } });
    expect(JSON.stringify(board)).toContain('PF-002');
  });
});

describe('the nightly job', () => {
  it('collects the automatic values of every project and asks, once, for the mid-year values still missing', async () => {
    const result = (await h.runSchedule('monitor', { scheduledAt: `${YEAR}-08-03T19:00:00.000Z` })) as { projects: number };
    expect(result.projects).toBeGreaterThanOrEqual(3);
    const august = (await h.documents('monitoring')).find((d) => d.id === `m-${projectId}-${YEAR}-08`);
    // By the end of August: 8 × 75,000 paid of 1,000,000; cost per output over the 500 trained by July.
    expect(august?.data.ledger).toMatchObject({ paid: 60_000_000, executionRate: 0.6 });
    expect(august?.data.values).toEqual([expect.objectContaining({ indicatorId: 'GEN2-002', actual: 1200, source: 'auto' })]);
    const reminders = (await h.notifications('a')).filter((n) => n.title.includes('请填报'));
    expect(reminders.length).toBeGreaterThan(0);
    expect(reminders[0]!.body).toContain('PF-002');
    expect(reminders[0]!.body).not.toContain('PF-001');
    await h.runSchedule('monitor', { scheduledAt: `${YEAR}-08-04T19:00:00.000Z` });
    expect((await h.notifications('a')).filter((n) => n.title.includes('请填报')).length).toBe(reminders.length);
  });
});
