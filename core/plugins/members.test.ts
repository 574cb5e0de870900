import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import { readMembers } from './members.js';
import { HostCallError } from './errors.js';

/**
 * `host.members.list` on both dialects (DATABASE_URL=postgres://… runs it on PostgreSQL): the bound
 * unit's people only, their roles and department, no contact data, disabled accounts left out.
 */
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
}, 60_000);
afterAll(async () => env?.close());

const idOf = async (username: string) => (await env.kernel.db.selectFrom('users').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

describe('readMembers', () => {
  it('lists the unit\'s people with roles and department; nobody of another unit', async () => {
    const members = await readMembers(env.kernel.db, 'a', {});
    const ids = members.map((m) => m.id);
    expect(ids).toContain(await idOf('a.head'));
    expect(ids).not.toContain(await idOf('b.head'));
    expect(ids).not.toContain(await idOf('sysadmin'));
    const head = members.find((m) => m.roles.includes('department_head'))!;
    expect(head).toEqual({ id: await idOf('a.head'), displayName: expect.any(String), roles: ['department_head'], departmentId: expect.any(Number), departmentName: expect.any(String) });
  });

  it('filters by role and department; refuses malformed filters', async () => {
    const finance = await readMembers(env.kernel.db, 'a', { role: 'finance_officer' });
    expect(finance.map((m) => m.id)).toEqual([await idOf('a.finance')]);
    const ofDepartment = await readMembers(env.kernel.db, 'a', { departmentId: finance[0]!.departmentId });
    expect(ofDepartment.map((m) => m.id)).toContain(await idOf('a.finance'));
    expect(ofDepartment.every((m) => m.departmentId === finance[0]!.departmentId)).toBe(true);
    expect(await readMembers(env.kernel.db, 'a', { role: 'nobody' })).toEqual([]);
    await expect(readMembers(env.kernel.db, 'a', { role: 'DROP TABLE' })).rejects.toBeInstanceOf(HostCallError);
    await expect(readMembers(env.kernel.db, 'a', { departmentId: '3' })).rejects.toBeInstanceOf(HostCallError);
  });

  it('leaves out disabled accounts', async () => {
    const staff = await idOf('a.staff');
    await env.kernel.db.updateTable('users').set({ disabled: 1 }).where('id', '=', staff).execute();
    try {
      expect((await readMembers(env.kernel.db, 'a', {})).map((m) => m.id)).not.toContain(staff);
    } finally {
      await env.kernel.db.updateTable('users').set({ disabled: 0 }).where('id', '=', staff).execute();
    }
  });
});
