import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCount, createTestEnv, TEST_YEAR, type TestEnv, refusedWithoutTrace, type CallResult } from '../../../test/support/kernel.js';
import { departmentId } from '../../../test/support/ledger.js';
import { ensureClassifications } from '../classifications/service.js';
import { projectRoutes } from './routes.js';

/**
 * 项目库 over HTTP: creation with a yearly plan that must add up to the total, edits while in
 * reserve, the lifecycle reserve → approved → executing → closed, and performance target links.
 * Every refusal is checked for its status, its code, and that nothing at all was written.
 */

let env: TestEnv;
let dept03: number; // 基础教育科 of unit a
let dept01: number; // 办公室 of unit a
let deptB03: number; // 教务处 of unit b

const USERS = ['a.finance', 'a.staff', 'a.head', 'a.leader', 'a.admin', 'a.auditor', 'a.dev', 'b.finance', 'dept.leader'];

beforeAll(async () => {
  env = await createTestEnv();
  // The national code sets of the demo year: project and line classes are checked against them.
  await ensureClassifications(env.kernel, TEST_YEAR);
  // Sign-ins are audited: sign everyone in first so "nothing written" checks see only the command.
  for (const username of USERS) await env.login(username);
  dept03 = await departmentId(env, 'a', '03');
  dept01 = await departmentId(env, 'a', '01');
  deptB03 = await departmentId(env, 'b', '03');
});
afterAll(async () => env.close());

async function call(method: string, username: string, path: string, body?: unknown) {
  return env.call(method, path, { token: await env.login(username), ...(body !== undefined ? { body } : {}) });
}
const get = (username: string, path: string) => call('GET', username, path);
const post = (username: string, path: string, body: unknown) => call('POST', username, path, body);
const patch = (username: string, path: string, body: unknown) => call('PATCH', username, path, body);

const TABLES = ['audit_log', 'outbox', 'projects', 'project_year_plans', 'project_targets', 'comments'] as const;

/** Row counts of everything a project command could write. */
async function footprint() {
  const counts: Record<string, number> = { auditSeq: await auditCount(env) };
  for (const table of TABLES) {
    const row = await env.kernel.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

const expectRefused = (run: () => Promise<CallResult>, status: number, code: string) => refusedWithoutTrace(env, run, status, code);

let seq = 0;
function projectBody(overrides: Record<string, unknown> = {}) {
  seq += 1;
  return {
    code: `XM2026-${String(seq).padStart(3, '0')}`,
    name: '农村学校校舍改造',
    departmentId: dept03,
    functionalCode: '2050202',
    fundSourceCode: '11',
    startYear: 2026,
    endYear: 2028,
    totalAmount: 150_000_001,
    plans: [
      { year: 2027, amount: 50_000_000 },
      { year: 2026, amount: 60_000_001 },
      { year: 2028, amount: 40_000_000 },
    ],
    description: '三年改造 12 所农村学校校舍',
    ...overrides,
  };
}

async function createProject(overrides: Record<string, unknown> = {}) {
  const result = await post('a.finance', '/api/units/a/projects', projectBody(overrides));
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result.body;
}

async function setStatus(id: number, status: string, comment?: string) {
  return post('a.finance', `/api/units/a/projects/${id}/status`, { status, ...(comment ? { comment } : {}) });
}

describe('creating projects', () => {
  it('creates a project in reserve with its yearly plan, audited with an event', async () => {
    const before = await footprint();
    const body = projectBody();
    const result = await post('a.finance', '/api/units/a/projects', body);
    expect(result.status, JSON.stringify(result.body)).toBe(201);
    expect(result.body).toMatchObject({
      unitId: 'a',
      code: body.code,
      name: '农村学校校舍改造',
      departmentId: dept03,
      functionalCode: '2050202',
      fundSourceCode: '11',
      status: 'reserve',
      startYear: 2026,
      endYear: 2028,
      totalAmount: 150_000_001,
      targets: [],
      trail: [],
    });
    expect(result.body.plans).toEqual([
      { year: 2026, amount: 60_000_001 },
      { year: 2027, amount: 50_000_000 },
      { year: 2028, amount: 40_000_000 },
    ]);
    const after = await footprint();
    expect(after.auditSeq).toBe(before.auditSeq! + 1);
    expect(after.projects).toBe(before.projects! + 1);
    expect(after.project_year_plans).toBe(before.project_year_plans! + 3);
    const event = await env.kernel.db.selectFrom('outbox').selectAll().where('type', '=', 'project.created').orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.parse(event.payload)).toMatchObject({ projectId: result.body.id, code: body.code });

    const read = await get('a.staff', `/api/units/a/projects/${result.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(result.body);
  });

  it('refuses a yearly plan that does not add up to the total, to the fen', async () => {
    const result = await expectRefused(
      () => post('a.finance', '/api/units/a/projects', projectBody({ totalAmount: 150_000_000 })),
      422,
      'PROJECT_PLAN_MISMATCH',
    );
    expect(result.body.error.details).toEqual({ total: 150_000_000, planned: 150_000_001 });
    expect(result.body.error.message).toContain('150000001');
  });

  it('refuses plan years outside the span', async () => {
    const result = await expectRefused(
      () =>
        post('a.finance', '/api/units/a/projects', projectBody({
          totalAmount: 100, plans: [{ year: 2026, amount: 40 }, { year: 2029, amount: 60 }],
        })),
      422,
      'PROJECT_YEAR_OUT_OF_SPAN',
    );
    expect(result.body.error.details).toMatchObject({ year: 2029, startYear: 2026, endYear: 2028 });
  });

  it('refuses malformed input: reversed span, fractional fen, repeated plan years, no plan', async () => {
    for (const overrides of [
      { startYear: 2028, endYear: 2026 },
      { totalAmount: 100.5, plans: [{ year: 2026, amount: 100.5 }] },
      { totalAmount: 100, plans: [{ year: 2026, amount: 50 }, { year: 2026, amount: 50 }] },
      { plans: [] },
      { functionalCode: 'abc' },
    ]) {
      await expectRefused(() => post('a.finance', '/api/units/a/projects', projectBody(overrides)), 400, 'VALIDATION_FAILED');
    }
  });

  it('keeps codes unique per unit, but another unit may use the same code', async () => {
    const first = await createProject();
    const result = await expectRefused(
      () => post('a.finance', '/api/units/a/projects', projectBody({ code: first.code })),
      409,
      'PROJECT_CODE_EXISTS',
    );
    expect(result.body.error.details).toEqual({ code: first.code });
    const inB = await post('b.finance', '/api/units/b/projects', projectBody({ code: first.code, departmentId: deptB03 }));
    expect(inB.status, JSON.stringify(inB.body)).toBe(201);
    expect(inB.body.unitId).toBe('b');
  });

  it('refuses functional and fund source codes that are not in the national code set', async () => {
    const functional = await expectRefused(
      () => post('a.finance', '/api/units/a/projects', projectBody({ functionalCode: '2050188' })),
      422,
      'CLASSIFICATION_NOT_FOUND',
    );
    expect(functional.body.error.details).toMatchObject({ kind: 'functional', code: '2050188' });
    const fund = await expectRefused(
      () => post('a.finance', '/api/units/a/projects', projectBody({ fundSourceCode: '99' })),
      422,
      'CLASSIFICATION_NOT_FOUND',
    );
    expect(fund.body.error.details).toMatchObject({ kind: 'fund_source', code: '99' });
  });

  it("refuses a department of another unit", async () => {
    await expectRefused(
      () => post('a.finance', '/api/units/a/projects', projectBody({ departmentId: deptB03 })),
      404,
      'DEPARTMENT_NOT_FOUND',
    );
  });

  it('lets only finance write; supervising units read, other units see nothing', async () => {
    await expectRefused(() => post('a.staff', '/api/units/a/projects', projectBody()), 403, 'FORBIDDEN');
    const project = await createProject();
    expect((await get('dept.leader', `/api/units/a/projects/${project.id}`)).status).toBe(200);
    await expectRefused(() => setStatusAs('dept.leader', project.id, 'approved'), 403, 'FORBIDDEN');
    // b's finance reading a's project through its own unit: not there.
    const fromB = await get('b.finance', `/api/units/b/projects/${project.id}`);
    expect(fromB.status).toBe(404);
    expect(fromB.body.error.code).toBe('PROJECT_NOT_FOUND');
    expect((await get('b.finance', `/api/units/a/projects/${project.id}`)).status).toBe(403);
  });
});

function setStatusAs(username: string, id: number, status: string) {
  return post(username, `/api/units/a/projects/${id}/status`, { status });
}

describe('listing projects', () => {
  it('filters by status, department and a year inside the span', async () => {
    const office = await createProject({
      departmentId: dept01, startYear: 2030, endYear: 2031, totalAmount: 1000,
      plans: [{ year: 2030, amount: 600 }, { year: 2031, amount: 400 }],
    });
    const approved = await createProject({ startYear: 2031, endYear: 2031, totalAmount: 500, plans: [{ year: 2031, amount: 500 }] });
    expect((await setStatus(approved.id, 'approved')).status).toBe(200);

    const ids = async (query: string) =>
      ((await get('a.auditor', `/api/units/a/projects${query}`)).body as Array<{ id: number }>).map((p) => p.id);
    // Ordered by code: `office` was created first.
    expect(await ids('?year=2031')).toEqual([office.id, approved.id]);
    expect(await ids('?year=2030')).toEqual([office.id]);
    expect(await ids(`?year=2031&departmentId=${dept01}`)).toEqual([office.id]);
    expect(await ids('?year=2031&status=approved')).toEqual([approved.id]);
    const all = (await get('a.auditor', '/api/units/a/projects')).body as Array<{ unitId: string }>;
    expect(all.every((p) => p.unitId === 'a')).toBe(true);
    expect((await get('a.auditor', '/api/units/a/projects?status=finished')).status).toBe(400);
  });
});

describe('editing projects', () => {
  it('edits a reserve project; the plan must still add up', async () => {
    const project = await createProject();
    const before = await footprint();
    const result = await patch('a.finance', `/api/units/a/projects/${project.id}`, {
      name: '农村学校校舍改造（调整）',
      endYear: 2027,
      totalAmount: 90_000_000,
      plans: [{ year: 2026, amount: 45_000_000 }, { year: 2027, amount: 45_000_000 }],
    });
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body).toMatchObject({ name: '农村学校校舍改造（调整）', endYear: 2027, totalAmount: 90_000_000, status: 'reserve' });
    expect(result.body.plans).toEqual([{ year: 2026, amount: 45_000_000 }, { year: 2027, amount: 45_000_000 }]);
    expect((await footprint()).auditSeq).toBe(before.auditSeq! + 1);

    await expectRefused(
      () => patch('a.finance', `/api/units/a/projects/${project.id}`, { totalAmount: 90_000_001 }),
      422,
      'PROJECT_PLAN_MISMATCH',
    );
    // Shortening the span would leave a plan year outside it.
    await expectRefused(
      () => patch('a.finance', `/api/units/a/projects/${project.id}`, { endYear: 2026 }),
      422,
      'PROJECT_YEAR_OUT_OF_SPAN',
    );
    await expectRefused(() => patch('a.finance', `/api/units/a/projects/${project.id}`, {}), 400, 'VALIDATION_FAILED');
  });

  it('refuses to take another project’s code', async () => {
    const one = await createProject();
    const two = await createProject();
    await expectRefused(() => patch('a.finance', `/api/units/a/projects/${two.id}`, { code: one.code }), 409, 'PROJECT_CODE_EXISTS');
  });

  it('refuses edits once the project left reserve', async () => {
    const project = await createProject();
    expect((await setStatus(project.id, 'approved')).status).toBe(200);
    const result = await expectRefused(
      () => patch('a.finance', `/api/units/a/projects/${project.id}`, { name: '改名' }),
      409,
      'INVALID_STATE',
    );
    expect(result.body.error.details).toMatchObject({ status: 'approved' });
  });

  it('answers 404 for a project that does not exist', async () => {
    await expectRefused(() => patch('a.finance', '/api/units/a/projects/999999', { name: '不存在' }), 404, 'PROJECT_NOT_FOUND');
  });
});

describe('project lifecycle', () => {
  it('goes reserve → approved → executing → closed, one step at a time, with a trail', async () => {
    const project = await createProject();
    const path = `/api/units/a/projects/${project.id}/status`;
    // No skipping ahead, no standing still.
    let refused = await expectRefused(() => post('a.finance', path, { status: 'executing' }), 409, 'INVALID_STATE');
    expect(refused.body.error.details).toEqual({ status: 'reserve', to: 'executing' });
    await expectRefused(() => post('a.finance', path, { status: 'reserve' }), 409, 'INVALID_STATE');

    const before = await footprint();
    const approved = await post('a.finance', path, { status: 'approved', comment: '经局党组会研究同意立项' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body.status).toBe('approved');
    const after = await footprint();
    expect(after.auditSeq).toBe(before.auditSeq! + 1);
    expect(after.outbox).toBe(before.outbox! + 1);
    const event = await env.kernel.db
      .selectFrom('outbox')
      .selectAll()
      .where('type', '=', 'project.status_changed')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(event.payload)).toMatchObject({ projectId: project.id, from: 'reserve', to: 'approved' });

    await expectRefused(() => post('a.finance', path, { status: 'approved' }), 409, 'INVALID_STATE');
    expect((await post('a.finance', path, { status: 'executing', comment: '开工' })).body.status).toBe('executing');
    // Never backwards.
    refused = await expectRefused(() => post('a.finance', path, { status: 'approved' }), 409, 'INVALID_STATE');
    expect(refused.body.error.details).toEqual({ status: 'executing', to: 'approved' });
    const closed = await post('a.finance', path, { status: 'closed', comment: '竣工验收' });
    expect(closed.body.status).toBe('closed');
    for (const status of ['reserve', 'approved', 'executing', 'closed']) {
      await expectRefused(() => post('a.finance', path, { status }), 409, 'INVALID_STATE');
    }

    const detail = await get('a.leader', `/api/units/a/projects/${project.id}`);
    expect(detail.body.trail.map((t: { action: string; body: string; authorName: string }) => [t.action, t.body, t.authorName])).toEqual([
      ['approved', '经局党组会研究同意立项', '钱芳'],
      ['executing', '开工', '钱芳'],
      ['closed', '竣工验收', '钱芳'],
    ]);
  });

  it('closes from reserve (dropped) or approved (cancelled) as well', async () => {
    const dropped = await createProject();
    expect((await setStatus(dropped.id, 'closed', '不再实施')).body.status).toBe('closed');
    const cancelled = await createProject();
    expect((await setStatus(cancelled.id, 'approved')).status).toBe(200);
    expect((await setStatus(cancelled.id, 'closed', '取消')).body.status).toBe('closed');
  });

  it('refuses an unknown status and an unknown project', async () => {
    const project = await createProject();
    await expectRefused(() => setStatus(project.id, 'finished'), 400, 'VALIDATION_FAILED');
    await expectRefused(() => setStatus(999999, 'approved'), 404, 'PROJECT_NOT_FOUND');
  });
});

describe('performance targets', () => {
  it('attaches targets to a project and lists them, also in the project detail', async () => {
    const project = await createProject();
    const path = `/api/units/a/projects/${project.id}/targets`;
    const before = await footprint();
    const first = await post('a.finance', path, {
      source: 'performance', targetRef: 'T-001', name: '校舍改造完成率', value: '≥95%',
    });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    expect(first.body).toMatchObject({ projectId: project.id, source: 'performance', targetRef: 'T-001', name: '校舍改造完成率', value: '≥95%' });
    const after = await footprint();
    expect(after.auditSeq).toBe(before.auditSeq! + 1);
    expect(after.project_targets).toBe(before.project_targets! + 1);
    const second = await post('a.finance', path, { source: 'manual', targetRef: 'M1', name: '受益学生人数' });
    expect(second.status).toBe(201);
    expect(second.body.value).toBe('');

    const list = await get('a.staff', path);
    expect(list.status).toBe(200);
    expect(list.body.map((t: { targetRef: string }) => t.targetRef)).toEqual(['T-001', 'M1']);
    const detail = await get('a.staff', `/api/units/a/projects/${project.id}`);
    expect(detail.body.targets).toEqual(list.body);
  });

  it('refuses the same target twice, an unknown project and a bad source', async () => {
    const project = await createProject();
    const path = `/api/units/a/projects/${project.id}/targets`;
    expect((await post('a.finance', path, { source: 'performance', targetRef: 'T-9', name: '满意度' })).status).toBe(201);
    await expectRefused(() => post('a.finance', path, { source: 'performance', targetRef: 'T-9', name: '满意度' }), 409, 'PROJECT_TARGET_EXISTS');
    await expectRefused(
      () => post('a.finance', '/api/units/a/projects/999999/targets', { source: 'manual', targetRef: 'x', name: 'y' }),
      404,
      'PROJECT_NOT_FOUND',
    );
    await expectRefused(() => post('a.finance', path, { source: 'Bad Source!', targetRef: 'x', name: 'y' }), 400, 'VALIDATION_FAILED');
    const missing = await get('a.staff', '/api/units/a/projects/999999/targets');
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('PROJECT_NOT_FOUND');
  });
});

describe('response schemas', () => {
  it('documents what the routes return', async () => {
    const responseOf = (path: string) =>
      projectRoutes.find((r) => r.method === 'get' && r.path === `/api/units/:unitId${path}`)!.response!;
    const project = await createProject();
    await post('a.finance', `/api/units/a/projects/${project.id}/targets`, { source: 'manual', targetRef: 'R1', name: '满意度', value: '90%' });
    await setStatus(project.id, 'approved', '同意');
    for (const [route, path] of [
      ['/projects', '/api/units/a/projects'],
      ['/projects/:id', `/api/units/a/projects/${project.id}`],
      ['/projects/:id/targets', `/api/units/a/projects/${project.id}/targets`],
    ] as const) {
      const result = await get('a.finance', path);
      expect(result.status).toBe(200);
      const parsed = responseOf(route).safeParse(result.body);
      expect(parsed.success, `${route}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });
});
