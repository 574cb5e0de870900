import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '../../demo/seed.js';
import { auditCount, createTestEnv, TEST_YEAR, type TestEnv, refusedWithoutTrace, type CallResult } from '../../../test/support/kernel.js';
import { departmentId } from '../../../test/support/ledger.js';
import { ensureClassifications } from '../classifications/service.js';
import { preparationRoutes } from './routes.js';

/**
 * 预算编制 over HTTP: unit templates, budget requests computed from them and from the project
 * library, and the "二上二下" flow — staff submit (一上), finance returns control numbers (一下),
 * staff resubmit within them (二上), the leader approves (二下) and the indicators are issued in the
 * same transaction. The demo year 2026 has January–April closed, so approvals are dated June.
 * Every refusal is checked for its status, its code, and that nothing at all was written.
 */

let env: TestEnv;
let dept03: number; // 基础教育科 of unit a: a.staff and a.head belong here
let dept01: number; // 办公室 of unit a: a.office (added below) belongs here
let deptB03: number;

const USERS = ['a.finance', 'a.staff', 'a.head', 'a.leader', 'a.admin', 'a.auditor', 'b.admin', 'b.staff', 'b.finance', 'dept.leader'];
const APPROVAL_DATE = '2026-06-20';

beforeAll(async () => {
  env = await createTestEnv();
  // The national code sets of the demo year: project and line classes are checked against them.
  await ensureClassifications(env.kernel, TEST_YEAR);
  dept03 = await departmentId(env, 'a', '03');
  dept01 = await departmentId(env, 'a', '01');
  deptB03 = await departmentId(env, 'b', '03');
  const added = await env.call('POST', '/api/units/a/members', {
    token: await env.login('a.admin'),
    body: { username: 'a.office', displayName: '办公室职员', password: DEMO_PASSWORD, roles: ['business_staff'], departmentId: dept01 },
  });
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  // Sign-ins are audited: sign everyone in first so "nothing written" checks see only the command.
  for (const username of [...USERS, 'a.office']) await env.login(username);
});
afterAll(async () => env.close());

async function call(method: string, username: string, path: string, body?: unknown) {
  return env.call(method, path, { token: await env.login(username), ...(body !== undefined ? { body } : {}) });
}
const get = (username: string, path: string) => call('GET', username, path);
const post = (username: string, path: string, body: unknown) => call('POST', username, path, body);

const TABLES = [
  'audit_log', 'outbox', 'comments', 'budget_templates', 'budget_requests', 'budget_request_lines', 'indicators',
  'indicator_movements', 'projects',
] as const;

/** Row counts of everything a preparation command could write, plus the state of every request and line. */
async function footprint() {
  const counts: Record<string, unknown> = { auditSeq: await auditCount(env) };
  for (const table of TABLES) {
    const row = await env.kernel.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  counts.requests = await env.kernel.db
    .selectFrom('budget_requests')
    .select(['id', 'status', 'round', 'total_amount', 'control_amount', 'title'])
    .orderBy('id')
    .execute();
  counts.lines = await env.kernel.db
    .selectFrom('budget_request_lines')
    .select(['id', 'amount', 'control_amount'])
    .orderBy('id')
    .execute();
  counts.projectStatuses = await env.kernel.db.selectFrom('projects').select(['id', 'status']).orderBy('id').execute();
  return counts;
}

const expectRefused = (run: () => Promise<CallResult>, status: number, code: string) => refusedWithoutTrace(env, run, status, code);

interface Line {
  id: number;
  lineNo: number;
  expenditureKind: 'personnel' | 'operating' | 'project';
  projectId: number | null;
  functionalCode: string;
  economicCode: string;
  fundSourceCode: string;
  headcount: number | null;
  standardAmount: number | null;
  amount: number;
  controlAmount: number | null;
  note: string;
  indicatorId: number | null;
}

let projectSeq = 0;
async function createProject(overrides: Record<string, unknown> = {}) {
  projectSeq += 1;
  const result = await post('a.finance', '/api/units/a/projects', {
    code: `BZ-${projectSeq}`,
    name: `课后服务经费项目${projectSeq}`,
    departmentId: dept03,
    functionalCode: '2050299',
    fundSourceCode: '11',
    startYear: 2026,
    endYear: 2027,
    totalAmount: 80_000_000,
    plans: [{ year: 2026, amount: 50_000_000 }, { year: 2027, amount: 30_000_000 }],
    ...overrides,
  });
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result.body as { id: number; code: string; name: string; status: string };
}

async function createRequest(username: string, body: Record<string, unknown>) {
  const result = await post(username, '/api/units/a/budget-requests', body);
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result.body as { id: number; lines: Line[]; amount: number; status: string };
}

const basicRequest = (overrides: Record<string, unknown> = {}) => ({
  year: 2026,
  departmentId: dept03,
  title: '2026年基础教育科部门预算',
  lines: [{ kind: 'personnel', headcount: 7 }, { kind: 'operating', headcount: 7 }],
  ...overrides,
});

/** Brings a request to `resubmitted` with control numbers equal to its amounts. */
async function toResubmitted(id: number) {
  expect((await post('a.staff', `/api/units/a/budget-requests/${id}/submit`, {})).status).toBe(200);
  const detail = (await get('a.finance', `/api/units/a/budget-requests/${id}`)).body as { lines: Line[] };
  const returned = await post('a.finance', `/api/units/a/budget-requests/${id}/return`, {
    lines: detail.lines.map((l) => ({ lineId: l.id, controlAmount: l.amount })),
  });
  expect(returned.status, JSON.stringify(returned.body)).toBe(200);
  const resubmitted = await post('a.staff', `/api/units/a/budget-requests/${id}/submit`, {});
  expect(resubmitted.status, JSON.stringify(resubmitted.body)).toBe(200);
  return resubmitted.body as { id: number; lines: Line[] };
}

describe('templates', () => {
  it('serves the built-in personnel and operating standards without writing anything', async () => {
    const before = await footprint();
    const personnel = await get('a.staff', '/api/units/a/budget-templates/personnel');
    expect(personnel.status).toBe(200);
    expect(personnel.body).toMatchObject({ unitId: 'a', kind: 'personnel', version: 0, isDefault: true, updatedAt: null });
    expect(personnel.body.standards.map((s: { economicCode: string; name: string }) => [s.economicCode, s.name])).toEqual([
      ['30101', '基本工资'],
      ['30102', '津贴补贴'],
      ['30103', '奖金'],
      ['30108', '机关事业单位基本养老保险缴费'],
      ['30113', '住房公积金'],
    ]);
    for (const s of personnel.body.standards) expect(Number.isSafeInteger(s.perHeadAmount) && s.perHeadAmount > 0).toBe(true);
    const operating = await get('dept.leader', '/api/units/a/budget-templates/operating');
    expect(operating.body.standards.map((s: { economicCode: string }) => s.economicCode)).toEqual([
      '30201', '30205', '30206', '30211', '30228', '30229',
    ]);
    const project = await get('a.finance', '/api/units/a/budget-templates/project');
    expect(project.body.standards).toEqual([]);
    expect((await get('a.finance', '/api/units/a/budget-templates/capital')).status).toBe(400);
    expect(await footprint()).toEqual(before);
  });

  it("saves a unit's own template as a new version each time, audited", async () => {
    const body = {
      functionalCode: '2050201',
      fundSourceCode: '11',
      standards: [
        { economicCode: '30101', name: '基本工资', perHeadAmount: 3_333_333 },
        { economicCode: '30102', name: '津贴补贴', perHeadAmount: 1_000_001 },
        { economicCode: '30302', name: '退休费', perHeadAmount: 7 },
      ],
    };
    const before = await auditCount(env);
    const first = await call('PUT', 'b.admin', '/api/units/b/budget-templates/personnel', body);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ unitId: 'b', kind: 'personnel', version: 1, isDefault: false, functionalCode: '2050201' });
    expect(first.body.standards).toEqual(body.standards);
    const second = await call('PUT', 'b.admin', '/api/units/b/budget-templates/personnel', { ...body, name: '小学人员经费' });
    expect(second.body).toMatchObject({ version: 2, name: '小学人员经费' });
    expect(await auditCount(env)).toBe(before + 2);
    expect((await get('b.staff', '/api/units/b/budget-templates/personnel')).body).toEqual(second.body);
    // Unit a still has the defaults.
    expect((await get('a.staff', '/api/units/a/budget-templates/personnel')).body.isDefault).toBe(true);
  });

  it('refuses standards of the wrong economic class, standards on the project template, duplicates', async () => {
    const standards = [{ economicCode: '30101', name: '基本工资', perHeadAmount: 100 }];
    const wrongKind = await expectRefused(
      () => call('PUT', 'b.admin', '/api/units/b/budget-templates/operating', { functionalCode: '2050201', fundSourceCode: '11', standards }),
      422,
      'ECONOMIC_KIND_MISMATCH',
    );
    expect(wrongKind.body.error.details).toMatchObject({ economicCode: '30101', kindLabel: '公用经费' });
    await expectRefused(
      () => call('PUT', 'b.admin', '/api/units/b/budget-templates/project', { functionalCode: '2050201', fundSourceCode: '11', standards }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefused(
      () =>
        call('PUT', 'b.admin', '/api/units/b/budget-templates/personnel', {
          functionalCode: '2050201', fundSourceCode: '11', standards: [...standards, ...standards],
        }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefused(
      () =>
        call('PUT', 'b.admin', '/api/units/b/budget-templates/personnel', {
          functionalCode: '2050201', fundSourceCode: '11', standards: [{ economicCode: '30101', name: '基本工资', perHeadAmount: 10.5 }],
        }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefused(
      () => call('PUT', 'a.finance', '/api/units/a/budget-templates/personnel', { functionalCode: '2050201', fundSourceCode: '11', standards }),
      403,
      'FORBIDDEN',
    );
  });
});

describe('computing a request from the templates', () => {
  it('makes one line per standard, amount = headcount × standard exactly in fen', async () => {
    const personnel = (await get('a.staff', '/api/units/a/budget-templates/personnel')).body;
    const operating = (await get('a.staff', '/api/units/a/budget-templates/operating')).body;
    const before = await auditCount(env);
    const request = await createRequest('a.staff', basicRequest({ comment: '按 7 人测算' }));
    expect(await auditCount(env)).toBe(before + 1);
    expect(request).toMatchObject({ status: 'draft', round: 0, year: 2026, departmentId: dept03, departmentName: '基础教育科', controlAmount: null });
    const expected = [
      ...personnel.standards.map((s: any) => ({ kind: 'personnel', s, fc: personnel.functionalCode, fs: personnel.fundSourceCode })),
      ...operating.standards.map((s: any) => ({ kind: 'operating', s, fc: operating.functionalCode, fs: operating.fundSourceCode })),
    ];
    expect(request.lines).toHaveLength(expected.length);
    request.lines.forEach((line, i) => {
      const { kind, s, fc, fs } = expected[i]!;
      expect(line).toMatchObject({
        lineNo: i + 1,
        expenditureKind: kind,
        projectId: null,
        economicCode: s.economicCode,
        functionalCode: fc,
        fundSourceCode: fs,
        headcount: 7,
        standardAmount: s.perHeadAmount,
        amount: 7 * s.perHeadAmount,
        controlAmount: null,
        note: s.name,
        indicatorId: null,
        indicatorCode: null,
      });
    });
    const basicWages = request.lines.find((l) => l.economicCode === '30101')!;
    expect(basicWages.amount).toBe(29_400_000); // 7 × 42,000.00 元
    expect(request.amount).toBe(request.lines.reduce((sum, l) => sum + l.amount, 0));
    const stored = await env.kernel.db.selectFrom('budget_requests').select('total_amount').where('id', '=', request.id).executeTakeFirstOrThrow();
    expect(stored.total_amount).toBe(request.amount);
  });

  it("uses the unit's saved standards, to the fen, and the line's own classes when given", async () => {
    await call('PUT', 'b.admin', '/api/units/b/budget-templates/operating', {
      functionalCode: '2050201',
      fundSourceCode: '11',
      standards: [{ economicCode: '30201', name: '办公费', perHeadAmount: 333_333 }, { economicCode: '30207', name: '邮电费', perHeadAmount: 1 }],
    });
    const result = await post('b.staff', '/api/units/b/budget-requests', {
      year: 2026,
      departmentId: deptB03,
      title: '2026年教务处公用经费',
      lines: [{ kind: 'operating', headcount: 3, functionalCode: '2050202', fundSourceCode: '12' }],
    });
    expect(result.status, JSON.stringify(result.body)).toBe(201);
    expect(result.body.lines.map((l: Line) => [l.economicCode, l.amount, l.functionalCode, l.fundSourceCode])).toEqual([
      ['30201', 999_999, '2050202', '12'],
      ['30207', 3, '2050202', '12'],
    ]);
    expect(result.body.amount).toBe(1_000_002);
  });

  it('refuses a basic line when the template has no standards', async () => {
    await call('PUT', 'b.admin', '/api/units/b/budget-templates/personnel', { functionalCode: '2050201', fundSourceCode: '11', standards: [] });
    await expectRefused(
      () =>
        post('b.staff', '/api/units/b/budget-requests', {
          year: 2026, departmentId: deptB03, title: '空模板', lines: [{ kind: 'personnel', headcount: 1 }],
        }),
      422,
      'TEMPLATE_EMPTY',
    );
  });

  it('refuses classes that are not in the code set of the request year', async () => {
    const functional = await expectRefused(
      () => post('a.staff', '/api/units/a/budget-requests', basicRequest({ lines: [{ kind: 'operating', headcount: 2, functionalCode: '2050188' }] })),
      422,
      'CLASSIFICATION_NOT_FOUND',
    );
    expect(functional.body.error.details).toMatchObject({ kind: 'functional', code: '2050188', year: 2026 });
    const project = await createProject();
    const economic = await expectRefused(
      () =>
        post('a.staff', '/api/units/a/budget-requests', basicRequest({
          lines: [{ kind: 'project', projectId: project.id, economicCode: '30288', amount: 100 }],
        })),
      422,
      'CLASSIFICATION_NOT_FOUND',
    );
    expect(economic.body.error.details).toMatchObject({ kind: 'economic', code: '30288' });
  });

  it('refuses bad input: no lines, fractional headcount, project line without amount', async () => {
    for (const lines of [[], [{ kind: 'personnel', headcount: 1.5 }], [{ kind: 'project', projectId: 1, economicCode: '30201' }]]) {
      await expectRefused(() => post('a.staff', '/api/units/a/budget-requests', basicRequest({ lines })), 400, 'VALIDATION_FAILED');
    }
  });
});

describe('project lines', () => {
  it('takes classes from the project and refuses closed, foreign, other-department and out-of-span projects', async () => {
    const project = await createProject();
    const request = await createRequest('a.head', basicRequest({
      lines: [{ kind: 'project', projectId: project.id, economicCode: '30227', amount: 12_345_678 }],
    }));
    expect(request.lines).toEqual([
      expect.objectContaining({
        expenditureKind: 'project', projectId: project.id, economicCode: '30227', functionalCode: '2050299', fundSourceCode: '11',
        amount: 12_345_678, headcount: null, standardAmount: null, note: project.name,
      }),
    ]);

    const line = (projectId: number) => basicRequest({ lines: [{ kind: 'project', projectId, economicCode: '30227', amount: 100 }] });
    const closed = await createProject();
    expect((await post('a.finance', `/api/units/a/projects/${closed.id}/status`, { status: 'closed' })).status).toBe(200);
    const refused = await expectRefused(() => post('a.staff', '/api/units/a/budget-requests', line(closed.id)), 422, 'PROJECT_NOT_AVAILABLE');
    expect(refused.body.error.details).toMatchObject({ status: 'closed', code: closed.code });

    const office = await createProject({ departmentId: dept01 });
    await expectRefused(() => post('a.staff', '/api/units/a/budget-requests', line(office.id)), 422, 'PROJECT_DEPARTMENT_MISMATCH');

    const later = await createProject({ startYear: 2027, endYear: 2027, totalAmount: 100, plans: [{ year: 2027, amount: 100 }] });
    await expectRefused(() => post('a.staff', '/api/units/a/budget-requests', line(later.id)), 422, 'PROJECT_YEAR_OUT_OF_SPAN');

    const inB = await post('b.finance', '/api/units/b/projects', {
      code: 'B-1', name: '实验小学操场', departmentId: deptB03, functionalCode: '2050202', fundSourceCode: '11',
      startYear: 2026, endYear: 2026, totalAmount: 100, plans: [{ year: 2026, amount: 100 }],
    });
    expect(inB.status).toBe(201);
    await expectRefused(() => post('a.staff', '/api/units/a/budget-requests', line(inB.body.id)), 404, 'PROJECT_NOT_FOUND');
  });
});

describe('二上二下: the full round trip', () => {
  it('submits, gets control numbers, resubmits within them, and is approved into indicators', async () => {
    const project = await createProject({ name: '义务教育课后服务' });
    expect(project.status).toBe('reserve');
    const draft = await createRequest('a.staff', basicRequest({
      title: '2026年基础教育科预算',
      lines: [
        { kind: 'personnel', headcount: 5 },
        { kind: 'operating', headcount: 5 },
        { kind: 'project', projectId: project.id, economicCode: '30227', amount: 50_000_000, note: '委托业务费' },
      ],
    }));
    const lines = draft.lines;
    const projectLine = lines.find((l) => l.expenditureKind === 'project')!;
    const travel = lines.find((l) => l.economicCode === '30211')!;
    const water = lines.find((l) => l.economicCode === '30205')!;

    // 一上
    const submitted = await post('a.staff', `/api/units/a/budget-requests/${draft.id}/submit`, { comment: '请审核' });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'submitted', round: 1 });
    expect(await outboxCount('budget_request.submitted')).toBe(1);

    // Finance sees it in the consolidation view.
    const list = await get('a.finance', '/api/units/a/budget-requests?year=2026&status=submitted');
    expect(list.body.map((r: { id: number }) => r.id)).toContain(draft.id);

    // 一下: control numbers — the project is cut to 45,000,000.00, travel to 5,000.00, water to zero.
    const controls = lines.map((l) => ({
      lineId: l.id,
      controlAmount: l.id === projectLine.id ? 45_000_000 : l.id === travel.id ? 500_000 : l.id === water.id ? 0 : l.amount,
    }));
    const returned = await post('a.finance', `/api/units/a/budget-requests/${draft.id}/return`, { lines: controls, comment: '按控制数调整' });
    expect(returned.status, JSON.stringify(returned.body)).toBe(200);
    expect(returned.body.status).toBe('returned');
    expect(returned.body.controlAmount).toBe(controls.reduce((s, c) => s + c.controlAmount, 0));
    for (const line of returned.body.lines as Line[]) {
      expect(line.controlAmount).toBe(controls.find((c) => c.lineId === line.id)!.controlAmount);
    }

    // 二上 without revising: the project line is above its control number — refused, nothing written.
    const over = await expectRefused(
      () => post('a.staff', `/api/units/a/budget-requests/${draft.id}/submit`, { comment: '不调整' }),
      422,
      'OVER_CONTROL_NUMBER',
    );
    // The first offending line is named in the message; every one is listed.
    expect(over.body.error.details.over).toEqual([
      { lineId: water.id, lineNo: water.lineNo, amount: water.amount, controlAmount: 0 },
      { lineId: travel.id, lineNo: travel.lineNo, amount: travel.amount, controlAmount: 500_000 },
      { lineId: projectLine.id, lineNo: projectLine.lineNo, amount: 50_000_000, controlAmount: 45_000_000 },
    ]);
    expect(over.body.error.details).toMatchObject({ lineId: water.id, amount: water.amount, controlAmount: 0 });
    // Revising one line above its control number by a single fen is refused too.
    await expectRefused(
      () =>
        post('a.staff', `/api/units/a/budget-requests/${draft.id}/submit`, {
          lines: [
            { lineId: projectLine.id, amount: 45_000_000 },
            { lineId: travel.id, amount: 500_001 },
            { lineId: water.id, amount: 0 },
          ],
        }),
      422,
      'OVER_CONTROL_NUMBER',
    );

    // 二上 within the control numbers (travel a little below).
    const revised = [
      { lineId: projectLine.id, amount: 45_000_000 },
      { lineId: travel.id, amount: 499_999 },
      { lineId: water.id, amount: 0 },
    ];
    const resubmitted = await post('a.head', `/api/units/a/budget-requests/${draft.id}/submit`, { lines: revised, comment: '已按控制数调整' });
    expect(resubmitted.status, JSON.stringify(resubmitted.body)).toBe(200);
    expect(resubmitted.body).toMatchObject({ status: 'resubmitted', round: 2 });
    const approvedLines = resubmitted.body.lines as Line[];
    expect(resubmitted.body.amount).toBe(approvedLines.reduce((s, l) => s + l.amount, 0));
    expect(approvedLines.find((l) => l.id === travel.id)!.amount).toBe(499_999);

    // 二下: the leader approves; one indicator per non-zero line, in the same transaction.
    const before = await footprint();
    const approved = await post('a.leader', `/api/units/a/budget-requests/${draft.id}/approve`, { date: APPROVAL_DATE, comment: '同意' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe('approved');

    const indicators = await env.kernel.db
      .selectFrom('indicators')
      .selectAll()
      .where('source_line_id', 'in', approvedLines.map((l) => l.id))
      .orderBy('source_line_id')
      .execute();
    const funded = approvedLines.filter((l) => l.amount > 0);
    expect(indicators).toHaveLength(funded.length);
    expect(indicators).toHaveLength(approvedLines.length - 1); // water was cut to zero
    for (const line of funded) {
      const indicator = indicators.find((i) => i.source_line_id === line.id)!;
      expect(indicator).toMatchObject({
        unit_id: 'a',
        year: 2026,
        department_id: dept03,
        project_id: line.projectId,
        expenditure_kind: line.expenditureKind,
        functional_code: line.functionalCode,
        economic_code: line.economicCode,
        fund_source_code: line.fundSourceCode,
        issued_amount: line.amount,
        adjusted_amount: 0,
        frozen_amount: 0,
        paid_amount: 0,
      });
      expect(indicator.name.startsWith('2026年基础教育科预算 · ')).toBe(true);
      expect((approved.body.lines as Line[]).find((l) => l.id === line.id)!.indicatorId).toBe(indicator.id);
      // The line names its indicator by code too, so no screen needs the id.
      expect((approved.body.lines as Array<Line & { indicatorCode: string | null }>).find((l) => l.id === line.id)!.indicatorCode).toBe(indicator.code);
    }
    expect(indicators.reduce((s, i) => s + i.issued_amount, 0)).toBe(approved.body.amount);
    expect(indicators.find((i) => i.source_line_id === travel.id)!.name).toBe('2026年基础教育科预算 · 差旅费');
    expect(indicators.find((i) => i.source_line_id === projectLine.id)!.name).toContain('义务教育课后服务');
    const movements = await env.kernel.db
      .selectFrom('indicator_movements')
      .selectAll()
      .where('indicator_id', 'in', indicators.map((i) => i.id))
      .execute();
    expect(movements.every((m) => m.kind === 'issue' && m.ref_type === 'budget_line' && m.date === APPROVAL_DATE)).toBe(true);
    expect(movements).toHaveLength(indicators.length);

    // The reserve project moved to approved in the same command; all audited.
    const after = await footprint();
    expect(after.indicators).toBe((before.indicators as number) + funded.length);
    // one audit per indicator, one for the project's status, one for the approval
    expect(after.auditSeq).toBe((before.auditSeq as number) + funded.length + 2);
    const projectNow = await get('a.finance', `/api/units/a/projects/${project.id}`);
    expect(projectNow.body.status).toBe('approved');
    expect(projectNow.body.trail.at(-1)).toMatchObject({ action: 'approved', authorName: '周伟' });
    expect(await outboxCount('budget_request.approved')).toBe(1);

    // The trail: every step with its comment and author.
    const detail = await get('a.staff', `/api/units/a/budget-requests/${draft.id}`);
    expect(detail.body.trail.map((t: { action: string; body: string; authorName: string }) => [t.action, t.body, t.authorName])).toEqual([
      ['create', '', '孙浩'],
      ['submit', '请审核', '孙浩'],
      ['return', '按控制数调整', '钱芳'],
      ['resubmit', '已按控制数调整', '李静'],
      ['approve', '同意', '周伟'],
    ]);

    // Approved is final.
    await expectRefused(() => post('a.leader', `/api/units/a/budget-requests/${draft.id}/approve`, { date: APPROVAL_DATE }), 409, 'INVALID_STATE');
    await expectRefused(() => post('a.staff', `/api/units/a/budget-requests/${draft.id}/submit`, {}), 409, 'INVALID_STATE');
    await expectRefused(
      () => post('a.finance', `/api/units/a/budget-requests/${draft.id}/return`, { lines: controls }),
      409,
      'INVALID_STATE',
    );
  });
});

async function outboxCount(type: string): Promise<number> {
  const row = await env.kernel.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('type', '=', type)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('wrong states and bad steps', () => {
  it('refuses every step out of order', async () => {
    const request = await createRequest('a.staff', basicRequest());
    const path = `/api/units/a/budget-requests/${request.id}`;
    const controls = { lines: request.lines.map((l) => ({ lineId: l.id, controlAmount: l.amount })) };

    // draft: neither returned nor approved
    let refused = await expectRefused(() => post('a.finance', `${path}/return`, controls), 409, 'INVALID_STATE');
    expect(refused.body.error.details).toEqual({ status: 'draft' });
    await expectRefused(() => post('a.leader', `${path}/approve`, { date: APPROVAL_DATE }), 409, 'INVALID_STATE');

    expect((await post('a.staff', `${path}/submit`, {})).status).toBe(200);
    // submitted: no second submission, no approval without control numbers, no more draft edits
    refused = await expectRefused(() => post('a.staff', `${path}/submit`, {}), 409, 'INVALID_STATE');
    expect(refused.body.error.details).toEqual({ status: 'submitted' });
    await expectRefused(() => post('a.leader', `${path}/approve`, { date: APPROVAL_DATE }), 409, 'INVALID_STATE');
    await expectRefused(() => call('PATCH', 'a.staff', path, { title: '改标题' }), 409, 'INVALID_STATE');

    expect((await post('a.finance', `${path}/return`, controls)).status).toBe(200);
    // returned: approval waits for the resubmission; finance cannot return twice
    await expectRefused(() => post('a.leader', `${path}/approve`, { date: APPROVAL_DATE }), 409, 'INVALID_STATE');
    await expectRefused(() => post('a.finance', `${path}/return`, controls), 409, 'INVALID_STATE');
  });

  it('needs a control number for every line of the request, and only its own lines', async () => {
    const request = await createRequest('a.staff', basicRequest());
    const other = await createRequest('a.staff', basicRequest());
    const path = `/api/units/a/budget-requests/${request.id}`;
    expect((await post('a.staff', `${path}/submit`, {})).status).toBe(200);
    const [first, ...rest] = request.lines;
    const incomplete = await expectRefused(
      () => post('a.finance', `${path}/return`, { lines: rest.map((l) => ({ lineId: l.id, controlAmount: l.amount })) }),
      422,
      'CONTROL_NUMBERS_INCOMPLETE',
    );
    expect(incomplete.body.error.details).toEqual({ missing: [first!.id] });
    const foreign = await expectRefused(
      () =>
        post('a.finance', `${path}/return`, {
          lines: [...request.lines, other.lines[0]!].map((l) => ({ lineId: l.id, controlAmount: l.amount })),
        }),
      422,
      'BUDGET_LINE_NOT_FOUND',
    );
    expect(foreign.body.error.details).toEqual({ lineId: other.lines[0]!.id });
    await expectRefused(
      () => post('a.finance', `${path}/return`, { lines: [{ lineId: first!.id, controlAmount: -1 }] }),
      400,
      'VALIDATION_FAILED',
    );
    await expectRefused(() => post('a.finance', '/api/units/a/budget-requests/999999/return', { lines: [{ lineId: 1, controlAmount: 1 }] }), 404, 'BUDGET_REQUEST_NOT_FOUND');
  });

  it('dates the approval in an open period of the request year', async () => {
    const request = await toResubmitted((await createRequest('a.staff', basicRequest())).id);
    const path = `/api/units/a/budget-requests/${request.id}/approve`;
    const closed = await expectRefused(() => post('a.leader', path, { date: '2026-03-31' }), 422, 'PERIOD_CLOSED');
    expect(closed.body.error.details).toMatchObject({ year: 2026, month: 3 });
    await expectRefused(() => post('a.leader', path, { date: '2027-06-20' }), 422, 'YEAR_MISMATCH');
    await expectRefused(() => post('a.leader', path, { date: '2026-6-20' }), 400, 'VALIDATION_FAILED');
    // Finance reviews; only the leader approves.
    await expectRefused(() => post('a.finance', path, { date: APPROVAL_DATE }), 403, 'FORBIDDEN');
    expect((await post('a.leader', path, { date: APPROVAL_DATE })).status).toBe(200);
  });

  it('refuses approval when a project closed after the request was drafted', async () => {
    const project = await createProject();
    const draft = await createRequest('a.staff', basicRequest({
      lines: [{ kind: 'project', projectId: project.id, economicCode: '30227', amount: 1_000_000 }],
    }));
    await toResubmitted(draft.id);
    expect((await post('a.finance', `/api/units/a/projects/${project.id}/status`, { status: 'closed', comment: '撤销' })).status).toBe(200);
    await expectRefused(
      () => post('a.leader', `/api/units/a/budget-requests/${draft.id}/approve`, { date: APPROVAL_DATE }),
      422,
      'PROJECT_NOT_AVAILABLE',
    );
  });

  it('approves once under concurrency: a second approval racing the first is refused, indicators issued once', async () => {
    const request = await toResubmitted((await createRequest('a.staff', basicRequest())).id);
    const path = `/api/units/a/budget-requests/${request.id}/approve`;
    const results = await Promise.all([1, 2, 3].map(() => post('a.leader', path, { date: APPROVAL_DATE })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const issued = await env.kernel.db
      .selectFrom('indicators')
      .select('source_line_id')
      .where('source_line_id', 'in', request.lines.map((l) => l.id))
      .execute();
    expect(issued.map((i) => i.source_line_id).sort((x, y) => x! - y!)).toEqual(request.lines.map((l) => l.id).sort((x, y) => x - y));
  });

  it('edits a draft: lines are recomputed, the total follows', async () => {
    const request = await createRequest('a.staff', basicRequest());
    const result = await call('PATCH', 'a.staff', `/api/units/a/budget-requests/${request.id}`, {
      title: '2026年基础教育科预算（修订）',
      lines: [{ kind: 'personnel', headcount: 2 }],
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body.title).toBe('2026年基础教育科预算（修订）');
    expect(result.body.lines.every((l: Line) => l.headcount === 2 && l.amount === 2 * l.standardAmount!)).toBe(true);
    expect(result.body.amount).toBe(result.body.lines.reduce((s: number, l: Line) => s + l.amount, 0));
    const rows = await env.kernel.db.selectFrom('budget_request_lines').select('id').where('request_id', '=', request.id).execute();
    expect(rows).toHaveLength(result.body.lines.length);
  });
});

describe('department scope', () => {
  it('keeps department-bound staff to their own department', async () => {
    // a.office belongs to 办公室 (01); a.staff and a.head to 基础教育科 (03).
    await expectRefused(
      () => post('a.staff', '/api/units/a/budget-requests', basicRequest({ departmentId: dept01 })),
      403,
      'DEPARTMENT_SCOPE',
    );
    const office = await createRequest('a.office', basicRequest({ departmentId: dept01, title: '2026年办公室预算' }));
    const path = `/api/units/a/budget-requests/${office.id}`;

    for (const username of ['a.staff', 'a.head']) {
      await expectRefused(() => get(username, path), 403, 'DEPARTMENT_SCOPE');
      await expectRefused(() => call('PATCH', username, path, { title: '别人的申请' }), 403, 'DEPARTMENT_SCOPE');
      await expectRefused(() => post(username, `${path}/submit`, {}), 403, 'DEPARTMENT_SCOPE');
      const list = await get(username, '/api/units/a/budget-requests?year=2026');
      expect(list.status).toBe(200);
      expect(list.body.length).toBeGreaterThan(0);
      expect(list.body.every((r: { departmentId: number }) => r.departmentId === dept03)).toBe(true);
    }
    // The office's own staff can; finance and the leader see every department.
    expect((await post('a.office', `${path}/submit`, {})).status).toBe(200);
    expect((await get('a.finance', path)).status).toBe(200);
    expect((await get('a.leader', path)).status).toBe(200);
    const all = await get('a.finance', '/api/units/a/budget-requests?year=2026');
    expect(all.body.some((r: { departmentId: number }) => r.departmentId === dept01)).toBe(true);
    const staffSummary = await get('a.staff', '/api/units/a/budget-requests/summary?year=2026');
    expect(staffSummary.body.byDepartment.map((d: { departmentId: number }) => d.departmentId)).toEqual([dept03]);
  });

  it('never shows one unit’s requests to another', async () => {
    const request = await createRequest('a.staff', basicRequest());
    const fromB = await get('b.finance', `/api/units/b/budget-requests/${request.id}`);
    expect(fromB.status).toBe(404);
    expect(fromB.body.error.code).toBe('BUDGET_REQUEST_NOT_FOUND');
    expect((await get('b.finance', `/api/units/a/budget-requests/${request.id}`)).status).toBe(403);
    // The supervising department reads, never writes.
    expect((await get('dept.leader', `/api/units/a/budget-requests/${request.id}`)).status).toBe(200);
    await expectRefused(() => post('dept.leader', `/api/units/a/budget-requests/${request.id}/approve`, { date: APPROVAL_DATE }), 403, 'FORBIDDEN');
  });
});

describe('consolidation summary', () => {
  it('totals the year by department, expenditure kind and economic class, drafts excluded', async () => {
    const summary = await get('a.finance', '/api/units/a/budget-requests/summary?year=2026');
    expect(summary.status, JSON.stringify(summary.body)).toBe(200);
    const body = summary.body;
    expect(body.statuses).toEqual(['submitted', 'returned', 'resubmitted', 'approved']);

    // Recompute from the rows.
    const lines = await env.kernel.db
      .selectFrom('budget_request_lines as l')
      .innerJoin('budget_requests as r', 'r.id', 'l.request_id')
      .select(['r.id', 'r.department_id', 'l.expenditure_kind', 'l.economic_code', 'l.amount', 'l.control_amount'])
      .where('r.unit_id', '=', 'a')
      .where('r.year', '=', 2026)
      .where('r.status', '!=', 'draft')
      .execute();
    expect(lines.length).toBeGreaterThan(0);
    const total = lines.reduce((s, l) => s + l.amount, 0);
    expect(body.amount).toBe(total);
    expect(body.controlAmount).toBe(lines.reduce((s, l) => s + (l.control_amount ?? 0), 0));
    expect(body.requestCount).toBe(new Set(lines.map((l) => l.id)).size);
    const sumBy = (key: (l: (typeof lines)[number]) => string | number) => {
      const map = new Map<string | number, number>();
      for (const l of lines) map.set(key(l), (map.get(key(l)) ?? 0) + l.amount);
      return map;
    };
    const byDept = sumBy((l) => l.department_id);
    expect(body.byDepartment).toHaveLength(byDept.size);
    for (const d of body.byDepartment) expect(d.amount).toBe(byDept.get(d.departmentId));
    expect(body.byDepartment.find((d: { departmentId: number }) => d.departmentId === dept03).departmentName).toBe('基础教育科');
    const byKind = sumBy((l) => l.expenditure_kind);
    expect(Object.fromEntries(body.byKind.map((k: { expenditureKind: string; amount: number }) => [k.expenditureKind, k.amount]))).toEqual(
      Object.fromEntries(byKind),
    );
    const byClass = sumBy((l) => l.economic_code);
    expect(body.byEconomicClass.map((c: { economicCode: string }) => c.economicCode)).toEqual([...byClass.keys()].sort());
    for (const c of body.byEconomicClass) expect(c.amount).toBe(byClass.get(c.economicCode));

    const drafts = await get('a.finance', '/api/units/a/budget-requests/summary?year=2026&status=draft');
    expect(drafts.body.requestCount).toBeGreaterThan(0);
    const empty = await get('a.finance', '/api/units/a/budget-requests/summary?year=2030');
    expect(empty.body).toMatchObject({ requestCount: 0, amount: 0, controlAmount: 0, byDepartment: [], byKind: [], byEconomicClass: [] });
    expect((await get('a.finance', '/api/units/a/budget-requests/summary')).status).toBe(400);
  });
});

describe('response schemas', () => {
  it('documents what the routes return', async () => {
    const responseOf = (method: string, path: string) =>
      preparationRoutes.find((r) => r.method === method && r.path === `/api/units/:unitId${path}`)!.response!;
    const request = await createRequest('a.staff', basicRequest());
    const checks: Array<[string, string, string]> = [
      ['get', '/budget-templates/:kind', '/api/units/a/budget-templates/personnel'],
      ['get', '/budget-requests', '/api/units/a/budget-requests?year=2026'],
      ['get', '/budget-requests/summary', '/api/units/a/budget-requests/summary?year=2026'],
      ['get', '/budget-requests/:id', `/api/units/a/budget-requests/${request.id}`],
    ];
    for (const [method, route, path] of checks) {
      const result = await get('a.finance', path);
      expect(result.status).toBe(200);
      const parsed = responseOf(method, route).safeParse(result.body);
      expect(parsed.success, `${route}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });
});
