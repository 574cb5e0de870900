import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPluginEnv, type PluginTestEnv } from '../../test/support/plugins.js';

/**
 * `host.ledger.budgetRequests` (host API 1.1.0, permission ledger.read): the unit's budget requests
 * with their document number, total in fen, status, project and last submission — only ever of the
 * unit the call is bound to.
 */
let env: PluginTestEnv;
let requestId: number;

const READER = `return { routes: {
  'POST read': async (req, host) => {
    try { return { value: await host.ledger.budgetRequests(req.body.arg) }; } catch (e) { return { error: { code: e.code, message: e.message } }; }
  },
} };`;

async function read(arg: unknown, unitId = 'a', pluginId = 'requests') {
  const r = await env.call('POST', `/api/units/${unitId}/plugins/${pluginId}/routes/read`, { token: await env.login(`${unitId}.staff`), body: { arg } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { value?: any[]; error?: { code: string; message: string } };
}

beforeAll(async () => {
  env = await createPluginEnv({ timeoutMs: 3000 });
  await env.plugin('requests', READER, { permissions: ['ledger.read', 'routes'], routes: [{ method: 'POST', path: 'read' }] }, ['a', 'b']);
  await env.plugin('requests-blind', READER, { permissions: ['routes'], routes: [{ method: 'POST', path: 'read' }] }, ['a']);
  const db = env.kernel.db;
  const staff = await db.selectFrom('role_grants').innerJoin('users', 'users.id', 'role_grants.user_id').select(['role_grants.department_id', 'users.id'])
    .where('users.username', '=', 'a.staff').where('role_grants.unit_id', '=', 'a').executeTakeFirstOrThrow();
  const now = new Date().toISOString();
  const project = await db.insertInto('projects').values({
    unit_id: 'a', code: 'XM-REQ-01', name: '校舍维修改造', department_id: staff.department_id!, functional_code: '2050101', fund_source_code: '11', status: 'approved',
    start_year: 2026, end_year: 2026, total_amount: 900_000, description: '', created_by: staff.id, created_at: now, updated_at: now,
  }).returning('id').executeTakeFirstOrThrow();
  const token = await env.login('a.staff');
  const draft = await env.call('POST', '/api/units/a/budget-requests', { token, body: {
    year: 2026, departmentId: staff.department_id, title: '校舍维修申报', lines: [{ kind: 'project', projectId: project.id, economicCode: '30213', amount: 900_000 }],
  } });
  expect(draft.status, JSON.stringify(draft.body)).toBe(201);
  requestId = (draft.body as { id: number }).id;
  const submitted = await env.call('POST', `/api/units/a/budget-requests/${requestId}/submit`, { token, body: {} });
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
}, 60_000);
afterAll(async () => env?.close());

describe('ledger.budgetRequests', () => {
  it('reads the unit’s request with its number, total, status, project and submission time', async () => {
    const row = await env.kernel.db.selectFrom('budget_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
    const [one] = (await read({ id: requestId })).value!;
    expect(one).toEqual({
      id: requestId, docNo: row.doc_no, year: 2026, title: '校舍维修申报', departmentId: row.department_id, projectId: expect.any(Number), projectName: '校舍维修改造',
      amount: 900_000, status: 'submitted', submittedAt: expect.stringMatching(/^2\d{3}-\d\d-\d\dT/),
    });
    expect((await read({ year: 2026, status: 'submitted' })).value!.map((r) => r.id)).toContain(requestId);
    expect((await read({ status: 'approved' })).value!.map((r) => r.id)).not.toContain(requestId);
    expect((await read({ year: 2025 })).value!.map((r) => r.id)).not.toContain(requestId);
  });

  it('names no project when the lines name several, and no submission for a draft', async () => {
    const db = env.kernel.db;
    const base = await db.selectFrom('budget_requests').selectAll().where('id', '=', requestId).executeTakeFirstOrThrow();
    const now = new Date().toISOString();
    await db.insertInto('projects').values({
      unit_id: 'a', code: 'XM-REQ-02', name: '操场改造', department_id: base.department_id, functional_code: '2050101', fund_source_code: '11', status: 'approved',
      start_year: 2026, end_year: 2026, total_amount: 150, description: '', created_by: base.created_by, created_at: now, updated_at: now,
    }).execute();
    const projects = await db.selectFrom('projects').select('id').where('unit_id', '=', 'a').where('code', 'in', ['XM-REQ-01', 'XM-REQ-02']).execute();
    expect(projects.length).toBe(2);
    const draft = await db.insertInto('budget_requests').values({
      unit_id: 'a', year: 2026, department_id: base.department_id, title: '两个项目的草稿', status: 'draft', round: 0, total_amount: 300, control_amount: null, created_by: base.created_by, created_at: now, updated_at: now, doc_no: null,
    }).returning('id').executeTakeFirstOrThrow();
    await db.insertInto('budget_request_lines').values(projects.map((p, i) => ({
      request_id: draft.id, unit_id: 'a', line_no: i + 1, expenditure_kind: 'project' as const, project_id: p.id, functional_code: '2050101', economic_code: '30213', fund_source_code: '11',
      headcount: null, standard_amount: null, amount: 150, control_amount: null, note: '',
    }))).execute();
    expect((await read({ id: draft.id })).value).toEqual([expect.objectContaining({ id: draft.id, status: 'draft', projectId: null, projectName: null, submittedAt: null, amount: 300, docNo: null })]);
  });

  it('unit b cannot read unit a’s request, by id or in its list', async () => {
    expect((await read({ id: requestId }, 'b')).value).toEqual([]);
    expect((await read({}, 'b')).value!.map((r) => r.id)).not.toContain(requestId);
  });

  it('refuses malformed filters and answers nothing without ledger.read', async () => {
    for (const arg of [{ status: 'nope' }, { id: -1 }, { id: 'x' }, { year: 26 }, { limit: 0 }, { afterId: 1.5 }]) {
      expect((await read(arg)).error?.code, JSON.stringify(arg)).toBe('PLUGIN_BAD_ARGUMENTS');
    }
    expect((await read({}, 'a', 'requests-blind')).error?.code).toBe('PLUGIN_PERMISSION_DENIED');
  });
});
