import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, DEMO_USERS } from '../demo/seed.js';
import { auditCount, createTestEnv, type TestEnv, refusedWithoutTrace, type CallResult } from '../../test/support/kernel.js';
import { runCommand } from '../db/command.js';
import { authenticate } from '../accounts/service.js';
import { hashPassword } from '../accounts/password.js';
import { authorizeUnit } from '../permissions/service.js';
import { addMember, updateMember } from './members.js';
import { createDepartment } from './service.js';

/**
 * Units, departments and members over HTTP. Every refused command is checked three ways: its
 * status, its stable error code, and that nothing was written (the audit chain did not grow and
 * the state read back is unchanged).
 */

let env: TestEnv;

const DEMO_UNITS = ['bureau', 'dept', 'a', 'b'];
const B_USERS = DEMO_USERS.filter((u) => u.unitId === 'b').map((u) => u.username);

beforeAll(async () => {
  env = await createTestEnv();
  // Sign everyone in up front: sign-ins are audited too, and must not blur the "nothing written" checks.
  for (const user of DEMO_USERS) await env.login(user.username);
});
afterAll(async () => env.close());

const as = (username: string) => env.login(username);

async function get(username: string, path: string) {
  return env.call('GET', path, { token: await as(username) });
}

async function post(username: string, path: string, body: unknown) {
  return env.call('POST', path, { token: await as(username), body });
}

async function patch(username: string, path: string, body: unknown) {
  return env.call('PATCH', path, { token: await as(username), body });
}

function login(username: string, password: string) {
  return env.call('POST', '/api/auth/login', { body: { username, password } });
}

async function unitIdsSeenBy(username: string): Promise<string[]> {
  const result = await get(username, '/api/units');
  expect(result.status).toBe(200);
  return result.body.map((u: { id: string }) => u.id);
}

async function allUnitIdsInDb(): Promise<string[]> {
  const rows = await env.kernel.db.selectFrom('units').select('id').orderBy('path').execute();
  return rows.map((r) => r.id);
}

async function departmentId(unitId: string, code: string): Promise<number> {
  const row = await env.kernel.db
    .selectFrom('departments')
    .select('id')
    .where('unit_id', '=', unitId)
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function membersOf(unitId: string) {
  const result = await get('sysadmin', `/api/units/${unitId}/members`);
  expect(result.status).toBe(200);
  return result.body as Array<{ userId: number; username: string; roles: string[]; departmentId: number | null; disabled: boolean }>;
}

async function memberOf(unitId: string, userId: number) {
  return (await membersOf(unitId)).find((m) => m.userId === userId);
}

async function userRow(username: string) {
  return env.kernel.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

async function auditEntries(action: string, entityId: string) {
  return env.kernel.db
    .selectFrom('audit_log')
    .selectAll()
    .where('action', '=', action)
    .where('entity_id', '=', entityId)
    .orderBy('seq')
    .execute();
}

const expectRefused = (run: () => Promise<CallResult>, status: number, code: string) => refusedWithoutTrace(env, run, status, code);

let memberSeq = 0;
/** A fresh person in unit `a`, added by a.admin, so each member test starts from its own state. */
async function newMemberOfA(roles: string[] = ['business_staff'], password = 'first-pass-123') {
  memberSeq += 1;
  const username = `a.tmp${memberSeq}`;
  const result = await post('a.admin', '/api/units/a/members', {
    username,
    displayName: `临时人员${memberSeq}`,
    password,
    roles,
  });
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return { username, password, userId: result.body.userId as number };
}

const unitBody = (id: string, code: string, overrides: Record<string, unknown> = {}) => ({
  id,
  parentId: 'dept',
  code,
  name: `测试单位${id}`,
  level: 'grassroots',
  kind: 'institution',
  ...overrides,
});

describe('GET /api/units: what each person can see', () => {
  it('shows a grassroots user only their own unit', async () => {
    expect(await unitIdsSeenBy('a.staff')).toEqual(['a']);
    expect(await unitIdsSeenBy('a.finance')).toEqual(['a']);
  });

  it('shows the supervising department itself and its subordinates, never the bureau above', async () => {
    const ids = await unitIdsSeenBy('dept.leader');
    expect(ids).toEqual(expect.arrayContaining(['dept', 'a', 'b']));
    expect(ids).not.toContain('bureau');
    // Anything else listed (units created by other tests) must sit under dept.
    const result = await get('dept.leader', '/api/units');
    for (const unit of result.body) expect(unit.path.startsWith('/bureau/dept/')).toBe(true);
  });

  it('shows the finance bureau and the system administrator every unit', async () => {
    const all = await allUnitIdsInDb();
    expect(all).toEqual(expect.arrayContaining(DEMO_UNITS));
    expect(await unitIdsSeenBy('bureau.finance')).toEqual(all);
    expect(await unitIdsSeenBy('sysadmin')).toEqual(all);
  });

  it('never shows unit a to anyone of unit b', async () => {
    for (const username of B_USERS) {
      const ids = await unitIdsSeenBy(username);
      expect(ids, username).toEqual(['b']);
      expect((await get(username, '/api/units/a')).status, username).toBe(403);
    }
  });

  it('does not list a sibling unit whose id differs only where the other has an underscore', async () => {
    // Unit ids may contain "_", which SQL LIKE treats as a wildcard: '/bureau/dept/q_1/%' also
    // matches '/bureau/dept/qa1/'. A member of q_1 must see q_1 only.
    expect((await post('sysadmin', '/api/units', unitBody('q_1', '901001'))).status).toBe(201);
    expect((await post('sysadmin', '/api/units', unitBody('qa1', '901002'))).status).toBe(201);
    const added = await post('sysadmin', '/api/units/q_1/members', {
      username: 'q1.staff', displayName: '钱一', password: 'q1-password', roles: ['business_staff'],
    });
    expect(added.status).toBe(201);
    const token = (await login('q1.staff', 'q1-password')).body.token;
    expect((await env.call('GET', '/api/units/qa1', { token })).status).toBe(403);
    const listed = await env.call('GET', '/api/units', { token });
    expect(listed.status).toBe(200);
    expect(listed.body.map((u: { id: string }) => u.id)).toEqual(['q_1']);
  });
});

describe('GET /api/units/:unitId', () => {
  it('gives unit a with its four departments 01..04 and no subordinates', async () => {
    const result = await get('a.staff', '/api/units/a');
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({
      id: 'a', parentId: 'dept', path: '/bureau/dept/a/', code: '201001', name: '示范县教育局机关',
      level: 'grassroots', kind: 'administrative',
    });
    const seeded = result.body.departments.filter((d: { code: string }) => ['01', '02', '03', '04'].includes(d.code));
    expect(seeded.map((d: { code: string; name: string }) => [d.code, d.name])).toEqual([
      ['01', '办公室'], ['02', '财务科'], ['03', '基础教育科'], ['04', '人事科'],
    ]);
    // Only a's own departments (b has the same codes with other ids).
    for (const d of result.body.departments) expect(d.unitId).toBe('a');
    const bDepartmentIds = (await env.kernel.db.selectFrom('departments').select('id').where('unit_id', '=', 'b').execute()).map((r) => r.id);
    for (const d of result.body.departments) expect(bDepartmentIds).not.toContain(d.id);
    expect(result.body.children).toEqual([]);
  });

  it('lists a and b as the children of dept', async () => {
    const result = await get('dept.leader', '/api/units/dept');
    expect(result.status).toBe(200);
    expect(result.body.level).toBe('supervising');
    const children = result.body.children.map((u: { id: string }) => u.id);
    expect(children).toEqual(expect.arrayContaining(['a', 'b']));
    expect(children).not.toContain('dept');
    expect(children).not.toContain('bureau');
    for (const child of result.body.children) expect(child.parentId).toBe('dept');
    expect(result.body.departments).toEqual([]);
  });

  it('answers 404 UNIT_NOT_FOUND for a unit that does not exist', async () => {
    const result = await get('sysadmin', '/api/units/nosuchunit');
    expect(result.status).toBe(404);
    expect(result.body.error.code).toBe('UNIT_NOT_FOUND');
  });
});

describe('POST /api/units', () => {
  it('lets the system administrator create a grassroots unit under dept', async () => {
    const before = await auditCount(env);
    const result = await post('sysadmin', '/api/units', unitBody('c', '201003', { name: '示范县第二小学' }));
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({
      id: 'c', parentId: 'dept', path: '/bureau/dept/c/', code: '201003', name: '示范县第二小学',
      level: 'grassroots', kind: 'institution',
    });

    const read = await get('sysadmin', '/api/units/c');
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: 'c', path: '/bureau/dept/c/', departments: [], children: [] });
    // The supervising department now sees it among its children and in its list.
    const dept = await get('dept.leader', '/api/units/dept');
    expect(dept.body.children.map((u: { id: string }) => u.id)).toContain('c');
    expect(await unitIdsSeenBy('dept.leader')).toContain('c');
    // Nobody of a or b does.
    expect(await unitIdsSeenBy('a.admin')).toEqual(['a']);

    expect(await auditCount(env)).toBe(before + 1);
    const audit = await get('sysadmin', '/api/units/c/audit?action=unit.create');
    expect(audit.status).toBe(200);
    expect(audit.body).toHaveLength(1);
    expect(audit.body[0]).toMatchObject({
      action: 'unit.create', entity: 'unit', entityId: 'c', unitId: 'c', actorName: 'sysadmin',
      after: { id: 'c', parentId: 'dept', code: '201003' },
    });
  });

  it('refuses a grassroots unit at the root with 422 UNIT_LEVEL_INVALID', async () => {
    const result = await expectRefused(
      () => post('sysadmin', '/api/units', unitBody('rootless', '902001', { parentId: null })),
      422,
      'UNIT_LEVEL_INVALID',
    );
    expect(result.body.error.details).toMatchObject({ level: 'grassroots', parentLevel: 'none' });
    expect(await allUnitIdsInDb()).not.toContain('rootless');
  });

  it('refuses a supervising unit under a grassroots unit with 422 UNIT_LEVEL_INVALID', async () => {
    const result = await expectRefused(
      () => post('sysadmin', '/api/units', unitBody('undera', '902002', { parentId: 'a', level: 'supervising', kind: 'administrative' })),
      422,
      'UNIT_LEVEL_INVALID',
    );
    expect(result.body.error.details).toMatchObject({ level: 'supervising', parentLevel: 'grassroots' });
    expect(await allUnitIdsInDb()).not.toContain('undera');
    // Nor a grassroots unit under a grassroots unit.
    await expectRefused(() => post('sysadmin', '/api/units', unitBody('undera2', '902003', { parentId: 'a' })), 422, 'UNIT_LEVEL_INVALID');
    expect((await get('sysadmin', '/api/units/a')).body.children).toEqual([]);
  });

  it('refuses a duplicate id or a duplicate code with 409 UNIT_EXISTS', async () => {
    const unitsBefore = await env.kernel.db.selectFrom('units').selectAll().orderBy('id').execute();
    await expectRefused(() => post('sysadmin', '/api/units', unitBody('a', '903001')), 409, 'UNIT_EXISTS');
    await expectRefused(() => post('sysadmin', '/api/units', unitBody('fresh', '201002')), 409, 'UNIT_EXISTS');
    expect(await env.kernel.db.selectFrom('units').selectAll().orderBy('id').execute()).toEqual(unitsBefore);
  });

  it('refuses an invalid unit id with 400 VALIDATION_FAILED naming the field', async () => {
    for (const id of ['Upper', 'x/y', 'UPPER_CASE', '']) {
      const result = await expectRefused(() => post('sysadmin', '/api/units', unitBody(id, '904001')), 400, 'VALIDATION_FAILED');
      expect(result.body.error.details.where).toBe('body');
      expect(result.body.error.details.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'id' })]));
    }
    const ids = await allUnitIdsInDb();
    expect(ids.filter((id) => /[^a-z0-9_-]/.test(id))).toEqual([]);
  });

  it('refuses an unknown parent with 404 UNIT_NOT_FOUND', async () => {
    await expectRefused(() => post('sysadmin', '/api/units', unitBody('orphan', '905001', { parentId: 'nowhere' })), 404, 'UNIT_NOT_FOUND');
    expect(await allUnitIdsInDb()).not.toContain('orphan');
  });

  it('refuses anyone but the system administrator with 403 FORBIDDEN', async () => {
    for (const username of ['a.admin', 'bureau.finance', 'dept.leader']) {
      await expectRefused(() => post(username, '/api/units', unitBody('notmine', '906001')), 403, 'FORBIDDEN');
    }
    expect(await allUnitIdsInDb()).not.toContain('notmine');
  });
});

describe('departments', () => {
  it('lets a.admin add a department to unit a', async () => {
    const before = await auditCount(env);
    const result = await post('a.admin', '/api/units/a/departments', { code: '05', name: '后勤科' });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ unitId: 'a', code: '05', name: '后勤科' });
    expect(result.body.id).toEqual(expect.any(Number));
    expect(await auditCount(env)).toBe(before + 1);
    expect(await auditEntries('department.create', String(result.body.id))).toHaveLength(1);

    const listed = await get('a.staff', '/api/units/a/departments');
    expect(listed.body).toContainEqual({ id: result.body.id, unitId: 'a', code: '05', name: '后勤科', function: 'business' });
    // Unit b is untouched.
    const bList = await get('b.staff', '/api/units/b/departments');
    expect(bList.body.map((d: { code: string }) => d.code)).toEqual(['01', '02', '03', '04']);
  });

  it('refuses a duplicate department code in the same unit with 409 DEPARTMENT_EXISTS', async () => {
    const before = await get('a.staff', '/api/units/a/departments');
    const result = await expectRefused(
      () => post('a.admin', '/api/units/a/departments', { code: '01', name: '另一个办公室' }),
      409,
      'DEPARTMENT_EXISTS',
    );
    expect(result.body.error.details).toMatchObject({ code: '01' });
    expect((await get('a.staff', '/api/units/a/departments')).body).toEqual(before.body);
  });

  it('refuses b.admin adding a department to unit a', async () => {
    const before = await get('a.staff', '/api/units/a/departments');
    await expectRefused(() => post('b.admin', '/api/units/a/departments', { code: '77', name: '越权科' }), 403, 'FORBIDDEN');
    expect((await get('a.staff', '/api/units/a/departments')).body).toEqual(before.body);
  });
});

describe('members', () => {
  it('adds a new person who can then sign in and sees the membership', async () => {
    const business = await departmentId('a', '03');
    const before = await auditCount(env);
    const result = await post('a.admin', '/api/units/a/members', {
      username: 'a.newcomer',
      displayName: '新同事',
      password: 'newcomer-pass-1',
      roles: ['business_staff'],
      departmentId: business,
    });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({
      username: 'a.newcomer', displayName: '新同事', disabled: false, roles: ['business_staff'], departmentId: business,
    });
    // user.create and member.grant, in the same transaction.
    expect(await auditCount(env)).toBe(before + 2);
    expect(await auditEntries('user.create', String(result.body.userId))).toHaveLength(1);
    expect(await auditEntries('member.grant', `a:${result.body.userId}`)).toHaveLength(1);

    const signIn = await login('a.newcomer', 'newcomer-pass-1');
    expect(signIn.status).toBe(200);
    const me = await env.call('GET', '/api/me', { token: signIn.body.token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ username: 'a.newcomer', systemAdmin: false });
    expect(me.body.memberships).toEqual([
      { unitId: 'a', unitName: '示范县教育局机关', role: 'business_staff', departmentId: business },
    ]);
    // The grant works: the newcomer reads unit a, not unit b.
    expect((await env.call('GET', '/api/units/a', { token: signIn.body.token })).status).toBe(200);
    expect((await env.call('GET', '/api/units/b', { token: signIn.body.token })).status).toBe(403);
    expect((await membersOf('a')).map((m) => m.username)).toContain('a.newcomer');
  });

  it('adds roles to an existing member without dropping the ones held, and needs no password for them', async () => {
    const { userId, username, password } = await newMemberOfA(['business_staff']);
    const result = await post('a.admin', '/api/units/a/members', { username, roles: ['department_head'] });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ userId, roles: ['business_staff', 'department_head'] });
    expect((await memberOf('a', userId))?.roles).toEqual(['business_staff', 'department_head']);
    // Still the same account, with the same password.
    expect((await login(username, password)).status).toBe(200);
  });

  it('the reproduction: b.admin cannot add a login of another unit, and an unknown and a foreign username answer the same', async () => {
    for (const username of ['a.finance', 'a.admin', 'sysadmin', 'nobody.here']) {
      const before = await auditCount(env);
      const r = await post('b.admin', '/api/units/b/members', { username, roles: ['business_staff'] });
      expect([r.status, r.body.error.code], username).toEqual([400, 'VALIDATION_FAILED']);
      // Neither the person's id nor their name comes back; nothing is written.
      expect(JSON.stringify(r.body)).not.toMatch(/userId|displayName":"[^"]/);
      expect(r.body.error.details.issues[0].message).toBe('新用户需要姓名和初始密码');
      expect(await auditCount(env)).toBe(before);
    }
    expect((await membersOf('b')).map((m) => m.username)).not.toContain('a.finance');
    // Creating it anew fails as any taken username does, granting nothing.
    const taken = await post('b.admin', '/api/units/b/members', { username: 'a.finance', displayName: '冒名', password: 'imposter-pass-1', roles: ['finance_officer'] });
    expect([taken.status, taken.body.error.code]).toEqual([409, 'USERNAME_TAKEN']);
    expect((await membersOf('b')).map((m) => m.username)).not.toContain('a.finance');
  });

  it('a person of another unit is added with consent from their side: the system administrator or their own unit\'s admin', async () => {
    const { userId, username } = await newMemberOfA(['business_staff']);
    // a.admin (the person's own unit admin) may give them roles in b only if a.admin administers b too: not here.
    expect((await post('a.admin', '/api/units/b/members', { username, roles: ['business_staff'] })).status).toBe(403);
    const bySys = await post('sysadmin', '/api/units/b/members', { username, roles: ['auditor'] });
    expect(bySys.status, JSON.stringify(bySys.body)).toBe(201);
    expect(bySys.body).toMatchObject({ userId, roles: ['auditor'] });
    // Now a member of b as well: b.admin may add roles in b to its own member.
    const more = await post('b.admin', '/api/units/b/members', { username, roles: ['business_staff'] });
    expect(more.status, JSON.stringify(more.body)).toBe(201);
    expect([...more.body.roles].sort()).toEqual(['auditor', 'business_staff']);
  });

  it('refuses a new username without a password with 400', async () => {
    const result = await expectRefused(
      () => post('a.admin', '/api/units/a/members', { username: 'a.nopass', displayName: '无密码', roles: ['business_staff'] }),
      400,
      'VALIDATION_FAILED',
    );
    expect(result.body.error.details.issues.length).toBeGreaterThan(0);
    expect(await userRow('a.nopass')).toBeUndefined();
  });

  it('refuses a.admin granting system_admin with 403 ROLE_NOT_GRANTABLE', async () => {
    const result = await expectRefused(
      () => post('a.admin', '/api/units/a/members', {
        username: 'a.wannabe', displayName: '想当管理员', password: 'wannabe-pass-1', roles: ['system_admin'],
      }),
      403,
      'ROLE_NOT_GRANTABLE',
    );
    expect(result.body.error.details).toMatchObject({ role: 'system_admin' });
    expect(await userRow('a.wannabe')).toBeUndefined();

    // Nor to an existing member through PATCH.
    const { userId } = await newMemberOfA();
    await expectRefused(
      () => patch('a.admin', `/api/units/a/members/${userId}`, { roles: ['business_staff', 'system_admin'] }),
      403,
      'ROLE_NOT_GRANTABLE',
    );
    expect((await memberOf('a', userId))?.roles).toEqual(['business_staff']);
  });

  it('replaces the role set on PATCH roles', async () => {
    const { userId, username } = await newMemberOfA(['business_staff', 'plugin_developer']);
    const before = await auditCount(env);
    const result = await patch('a.admin', `/api/units/a/members/${userId}`, { roles: ['auditor', 'finance_officer'] });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ userId, username, roles: ['finance_officer', 'auditor'] });
    expect(await auditCount(env)).toBe(before + 1);
    expect((await memberOf('a', userId))?.roles).toEqual(['finance_officer', 'auditor']);
    const grants = await env.kernel.db.selectFrom('role_grants').select('role').where('user_id', '=', userId).orderBy('role').execute();
    expect(grants.map((g) => g.role)).toEqual(['auditor', 'finance_officer']);
    const [entry] = await auditEntries('member.update', `a:${userId}`);
    expect(JSON.parse(entry!.before_json)).toMatchObject({ roles: ['business_staff', 'plugin_developer'] });
    expect([...JSON.parse(entry!.after_json).roles].sort()).toEqual(['auditor', 'finance_officer']);
  });

  it('refuses a department of unit b with 404 DEPARTMENT_NOT_FOUND', async () => {
    const { userId } = await newMemberOfA();
    const foreign = await departmentId('b', '02');
    const before = await memberOf('a', userId);
    const result = await expectRefused(
      () => patch('a.admin', `/api/units/a/members/${userId}`, { departmentId: foreign }),
      404,
      'DEPARTMENT_NOT_FOUND',
    );
    expect(result.body.error.details).toMatchObject({ departmentId: foreign });
    expect(await memberOf('a', userId)).toEqual(before);
    // Same on adding.
    await expectRefused(
      () => post('a.admin', '/api/units/a/members', {
        username: 'a.wrongdept', displayName: '错科室', password: 'wrongdept-pass', roles: ['business_staff'], departmentId: foreign,
      }),
      404,
      'DEPARTMENT_NOT_FOUND',
    );
    expect(await userRow('a.wrongdept')).toBeUndefined();
    // A department of a itself is accepted.
    const own = await departmentId('a', '02');
    const moved = await patch('a.admin', `/api/units/a/members/${userId}`, { departmentId: own });
    expect(moved.status).toBe(200);
    expect(moved.body.departmentId).toBe(own);
  });

  it('refuses a.admin removing their own unit_admin role with 409 SELF_LOCKOUT', async () => {
    const me = (await get('a.admin', '/api/me')).body;
    const before = await memberOf('a', me.id);
    expect(before?.roles).toEqual(['unit_admin']);
    await expectRefused(() => patch('a.admin', `/api/units/a/members/${me.id}`, { roles: ['finance_officer'] }), 409, 'SELF_LOCKOUT');
    await expectRefused(() => patch('a.admin', `/api/units/a/members/${me.id}`, { roles: [] }), 409, 'SELF_LOCKOUT');
    expect(await memberOf('a', me.id)).toEqual(before);
    // Still an administrator.
    expect((await get('a.admin', '/api/units/a/members')).status).toBe(200);
  });

  it('disables an account: its sessions end, its API tokens stop, and sign-in is refused', async () => {
    const { userId, username, password } = await newMemberOfA();
    const session = (await login(username, password)).body.token as string;
    const apiToken = await env.call('POST', '/api/tokens', { token: session, body: { name: 'script' } });
    expect(apiToken.status).toBe(201);
    expect((await env.call('GET', '/api/me', { token: apiToken.body.token })).status).toBe(200);

    const result = await patch('a.admin', `/api/units/a/members/${userId}`, { disabled: true });
    expect(result.status).toBe(200);
    expect(result.body.disabled).toBe(true);
    expect((await userRow(username))?.disabled).toBe(1);

    // The API token, still on record, is refused because the account is disabled.
    const viaToken = await env.call('GET', '/api/me', { token: apiToken.body.token });
    expect(viaToken.status).toBe(403);
    expect(viaToken.body.error.code).toBe('ACCOUNT_DISABLED');
    // The session token is refused as well: disabling ends every session of the account.
    const viaSession = await env.call('GET', '/api/me', { token: session });
    expect(viaSession.status).toBe(401);
    expect(viaSession.body.error.code).toBe('UNAUTHENTICATED');
    expect(await env.kernel.db.selectFrom('sessions').select('token_hash').where('user_id', '=', userId).execute()).toEqual([]);

    const before = await auditCount(env);
    const refused = await login(username, password);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ACCOUNT_DISABLED');
    expect(await auditCount(env)).toBe(before);

    // Enabling again restores sign-in.
    expect((await patch('a.admin', `/api/units/a/members/${userId}`, { disabled: false })).body.disabled).toBe(false);
    expect((await login(username, password)).status).toBe(200);
  });

  it('resets a password: the old one fails, the new one works, old sessions end', async () => {
    const { userId, username, password } = await newMemberOfA();
    const session = (await login(username, password)).body.token as string;
    const result = await patch('a.admin', `/api/units/a/members/${userId}`, { password: 'brand-new-pass-2' });
    expect(result.status).toBe(200);
    const [entry] = await auditEntries('member.update', `a:${userId}`);
    expect(JSON.parse(entry!.after_json)).toMatchObject({ passwordReset: true });
    expect(entry!.after_json).not.toContain('brand-new-pass-2');

    const old = await login(username, password);
    expect(old.status).toBe(401);
    expect(old.body.error.code).toBe('INVALID_CREDENTIALS');
    expect((await login(username, 'brand-new-pass-2')).status).toBe(200);
    expect((await env.call('GET', '/api/me', { token: session })).status).toBe(401);
  });

  it('refuses a too short password reset with 400 and keeps the old password', async () => {
    const { userId, username, password } = await newMemberOfA();
    await expectRefused(() => patch('a.admin', `/api/units/a/members/${userId}`, { password: 'short' }), 400, 'VALIDATION_FAILED');
    expect((await login(username, password)).status).toBe(200);
  });

  it('lets only the system administrator disable or reset a person who also holds roles in unit b', async () => {
    const { userId, username, password } = await newMemberOfA();
    // Shared with b by the system administrator (a unit admin cannot take another unit's login: see above).
    const shared = await post('sysadmin', '/api/units/b/members', { username, roles: ['business_staff'] });
    expect(shared.status).toBe(201);
    expect(shared.body.userId).toBe(userId);

    const result = await expectRefused(
      () => patch('a.admin', `/api/units/a/members/${userId}`, { disabled: true }),
      409,
      'USER_SHARED',
    );
    expect(result.body.error.details).toMatchObject({ userId });
    await expectRefused(() => patch('a.admin', `/api/units/a/members/${userId}`, { password: 'takeover-pass-1' }), 409, 'USER_SHARED');
    expect((await userRow(username))?.disabled).toBe(0);
    expect((await login(username, password)).status).toBe(200);

    const bySysadmin = await patch('sysadmin', `/api/units/a/members/${userId}`, { disabled: true });
    expect(bySysadmin.status).toBe(200);
    expect(bySysadmin.body.disabled).toBe(true);
    expect((await userRow(username))?.disabled).toBe(1);
    const refused = await login(username, password);
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ACCOUNT_DISABLED');
  });

  it('removes the member from the unit on PATCH roles: []', async () => {
    const { userId, username, password } = await newMemberOfA(['finance_officer']);
    const result = await patch('a.admin', `/api/units/a/members/${userId}`, { roles: [] });
    expect(result.status).toBe(200);
    expect(result.body).toBeNull();
    expect((await membersOf('a')).map((m) => m.userId)).not.toContain(userId);
    expect(await env.kernel.db.selectFrom('role_grants').select('id').where('user_id', '=', userId).execute()).toEqual([]);
    // The account remains, but it has no unit any more.
    const signIn = await login(username, password);
    expect(signIn.status).toBe(200);
    expect(signIn.body.user.memberships).toEqual([]);
    expect((await env.call('GET', '/api/units/a', { token: signIn.body.token })).status).toBe(403);
    // A second PATCH finds no member.
    await expectRefused(() => patch('a.admin', `/api/units/a/members/${userId}`, { roles: ['business_staff'] }), 404, 'USER_NOT_FOUND');
  });

  it('refuses a.admin touching a member of unit b through unit a', async () => {
    const bStaff = (await membersOf('b')).find((m) => m.username === 'b.staff')!;
    await expectRefused(() => patch('a.admin', `/api/units/a/members/${bStaff.userId}`, { disabled: true }), 404, 'USER_NOT_FOUND');
    await expectRefused(() => patch('a.admin', `/api/units/b/members/${bStaff.userId}`, { disabled: true }), 403, 'FORBIDDEN');
    expect((await userRow('b.staff'))?.disabled).toBe(0);
    expect((await login('b.staff', DEMO_PASSWORD)).status).toBe(200);
  });

  it('does not let a.admin take over or lock out a system administrator placed in unit a', async () => {
    const added = await post('sysadmin', '/api/units/a/members', {
      username: 'a.sysop', displayName: '驻点系统管理员', password: 'sysop-pass-123', roles: ['system_admin'],
    });
    expect(added.status).toBe(201);
    const userId = added.body.userId as number;

    // Each attempt on its own, so the report names every one that gets through.
    const accepted: string[] = [];
    for (const body of [{ password: 'taken-over-pass' }, { disabled: true }, { roles: ['business_staff'] }]) {
      const before = await auditCount(env);
      const result = await patch('a.admin', `/api/units/a/members/${userId}`, body);
      const refused =
        result.status >= 400 &&
        ['ROLE_NOT_GRANTABLE', 'USER_SHARED', 'FORBIDDEN'].includes(result.body?.error?.code) &&
        (await auditCount(env)) === before;
      if (!refused) accepted.push(`${JSON.stringify(body)} → ${result.status}`);
      if (result.status < 400) {
        // Undo, as the system administrator, so the next attempt starts from the same state.
        await patch('sysadmin', `/api/units/a/members/${userId}`, { roles: ['system_admin'], disabled: false, password: 'sysop-pass-123' });
      }
    }
    expect(accepted).toEqual([]);
    expect((await memberOf('a', userId))?.roles).toEqual(['system_admin']);
    expect((await userRow('a.sysop'))?.disabled).toBe(0);
    expect((await login('a.sysop', 'sysop-pass-123')).status).toBe(200);
  });
});

describe('unit and member commands, run without HTTP', () => {
  /** a.admin as the server would resolve and authorize them for a member command in unit a. */
  async function aAdmin() {
    const actor = await authenticate(env.kernel, await as('a.admin'));
    return { actor, scope: await authorizeUnit(env.kernel.db, actor, 'a', 'member.manage') };
  }

  it('names who acted: the person for a command, the system for what the demo seeded', async () => {
    const seeded = await auditEntries('unit.create', 'a');
    expect(seeded.map((e) => e.actor_name)).toEqual(['system']);
    const { actor, scope } = await aAdmin();
    const made = await runCommand(env.kernel, (tx) => createDepartment(tx, actor, scope, { code: '07', name: '档案室' }));
    expect((await auditEntries('department.create', String(made.id))).map((e) => [e.actor_name, e.unit_id])).toEqual([['a.admin', 'a']]);
  });

  it('adds a new member in one transaction: rolled back, neither the account nor its grant nor an audit entry remains', async () => {
    const { actor, scope } = await aAdmin();
    const passwordHash = await hashPassword('rolled-back-1', 'fast');
    const before = await auditCount(env);
    await expect(runCommand(env.kernel, async (tx) => {
      const member = await addMember(tx, actor, scope, { username: 'a.rolledback', displayName: '回滚', roles: ['auditor'], passwordHash });
      expect(member).toMatchObject({ username: 'a.rolledback', roles: ['auditor'] });
      throw new Error('abort');
    })).rejects.toThrow('abort');
    expect(await userRow('a.rolledback')).toBeUndefined();
    expect(await auditCount(env)).toBe(before);
  });

  it('refuses a new account that comes without its password hash, whatever the caller forgot', async () => {
    const { actor, scope } = await aAdmin();
    await expect(runCommand(env.kernel, (tx) => addMember(tx, actor, scope, { username: 'a.nohash', displayName: '无密码', roles: ['auditor'] })))
      .rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await userRow('a.nohash')).toBeUndefined();
  });

  it('resets a password to the hash it is given: the stored hash, not the password, and the sessions end', async () => {
    const { userId, username } = await newMemberOfA();
    const session = (await login(username, 'first-pass-123')).body.token as string;
    const { actor, scope } = await aAdmin();
    const passwordHash = await hashPassword('second-pass-456', 'fast');
    const updated = await runCommand(env.kernel, (tx) => updateMember(tx, actor, scope, userId, { passwordHash }));
    expect(updated).toMatchObject({ userId, disabled: false });
    expect((await userRow(username))?.password_hash).toBe(passwordHash);
    expect((await env.call('GET', '/api/me', { token: session })).status).toBe(401);
    const entry = (await auditEntries('member.update', `a:${userId}`)).at(-1)!;
    expect(JSON.parse(entry.after_json)).toMatchObject({ passwordReset: true });
    expect(entry.after_json).not.toContain('second-pass-456');
  });
});
