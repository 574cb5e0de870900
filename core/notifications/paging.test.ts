import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import { runCommand } from '../db/command.js';
import { notify } from './service.js';

/**
 * The bell's history pages and searches on the server (offset, q): a person with years of notices
 * reaches the old ones without the list answering everything at once.
 */
let env: TestEnv;
let auditorId: number;

beforeAll(async () => {
  env = await createTestEnv();
  const row = await env.kernel.db.selectFrom('users').select('id').where('username', '=', 'a.auditor').executeTakeFirstOrThrow();
  auditorId = row.id;
  for (let i = 1; i <= 25; i++) {
    await runCommand(env.kernel, (tx) => notify(tx, 'a', [{ userId: auditorId }], {
      title: i === 7 ? '通知 7：执行率 50%_达标' : `通知 ${i}`, body: i === 12 ? '收款人：某某公司' : '', link: '/audit',
    }));
  }
});
afterAll(async () => env.close());

const list = async (query: string) => {
  const res = await env.call('GET', `/api/units/a/notifications${query}`, { token: await env.login('a.auditor') });
  return res;
};

describe('notification list paging and search', () => {
  it('pages newest first with limit and offset, without gaps or repeats', async () => {
    const first = await list('?limit=10');
    const second = await list('?limit=10&offset=10');
    const third = await list('?limit=10&offset=20');
    expect(first.status).toBe(200);
    const ids = [...first.body, ...second.body, ...third.body].map((n: { id: number }) => n.id);
    expect(ids.length).toBe(25);
    expect(new Set(ids).size).toBe(25);
    expect([...ids].sort((a, b) => b - a)).toEqual(ids);
    expect(third.body.at(-1).title).toBe('通知 1');
  });

  it('searches title and text literally: % and _ match themselves', async () => {
    expect((await list(`?q=${encodeURIComponent('收款人')}`)).body.map((n: { title: string }) => n.title)).toEqual(['通知 12']);
    expect((await list(`?q=${encodeURIComponent('50%_')}`)).body.map((n: { title: string }) => n.title)).toEqual(['通知 7：执行率 50%_达标']);
    // Unescaped, "5_%" would match "50%": escaped, it matches nothing.
    expect((await list(`?q=${encodeURIComponent('5_%')}`)).body).toEqual([]);
  });

  it('refuses a search longer than 100 characters and a negative offset, in the standard error shape', async () => {
    const long = await list(`?q=${'字'.repeat(101)}`);
    expect(long.status).toBe(400);
    expect(long.body.error.code).toBeTruthy();
    expect((await list('?offset=-1')).status).toBe(400);
  });
});
