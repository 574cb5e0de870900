import { describe, expect, it } from 'vitest';
import type { HostApi, MemberRecord } from '@unibudget/sdk';
import { recipientsOf } from './src/engine.js';
import { DEFAULT_SETTINGS } from './src/settings.js';

/** Who is told of a department's red warnings: named by hand, else its heads and finance officers (host.members), else the roles. */
const member = (id: number, roles: string[], departmentId: number | null): MemberRecord => ({ id, displayName: `成员${id}`, roles, departmentId, departmentName: departmentId ? `科室${departmentId}` : null });
const MEMBERS = [member(1, ['department_head'], 3), member(2, ['finance_officer'], 3), member(3, ['business_staff'], 3), member(4, ['department_head'], 4), member(5, ['leader'], null)];

function fakeHost(contacts: Record<string, number[]>, members: MemberRecord[] | 'denied' | 'absent'): HostApi {
  return {
    storage: { get: async (_c: string, id: string) => (contacts[id] ? { id, data: { users: contacts[id] }, updatedAt: '' } : null) },
    ...(members === 'absent' ? {} : {
      members: { list: async () => { if (members === 'denied') throw Object.assign(new Error('denied'), { code: 'PLUGIN_PERMISSION_DENIED' }); return members; } },
    }),
  } as unknown as HostApi;
}

describe('recipientsOf', () => {
  const settings = { ...DEFAULT_SETTINGS, notifyRoles: 'finance_officer,leader' };

  it('people named by hand come first', async () => {
    expect(await recipientsOf(fakeHost({ 'department-3': [9] }, MEMBERS), 3, settings)).toEqual({ users: [9] });
  });

  it('else the department\'s heads and finance officers, not its other staff nor other departments', async () => {
    expect(await recipientsOf(fakeHost({}, MEMBERS), 3, settings)).toEqual({ users: [1, 2] });
    expect(await recipientsOf(fakeHost({}, MEMBERS), 4, settings)).toEqual({ users: [4] });
  });

  it('else the roles in the settings: no such people, the grant withheld, a host without the call, or the unit itself', async () => {
    const roles = { roles: ['finance_officer', 'leader'] };
    expect(await recipientsOf(fakeHost({}, MEMBERS), 7, settings)).toEqual(roles);
    expect(await recipientsOf(fakeHost({}, 'denied'), 3, settings)).toEqual(roles);
    expect(await recipientsOf(fakeHost({}, 'absent'), 3, settings)).toEqual(roles);
    expect(await recipientsOf(fakeHost({}, MEMBERS), null, settings)).toEqual(roles);
  });
});
