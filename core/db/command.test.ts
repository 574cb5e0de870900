import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import { afterCommit, COMMAND_ATTEMPTS, commandRetries, runCommand } from './command.js';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({}, { seed: false });
});
afterAll(async () => env.close());

/** An error as pg raises it when PostgreSQL aborts a transaction (SQLSTATE in `code`). */
const pgError = (code: string) => Object.assign(new Error(code === '40P01' ? 'deadlock detected' : 'could not serialize access'), { code });

const count = async () => Number((await env.kernel.db.selectFrom('units').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

describe('runCommand: the one place command transactions open', () => {
  it('a deadlock or serialization failure re-runs the whole command in a fresh transaction; the aborted attempt leaves nothing', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const before = await count();
    const retried = commandRetries();
    const hooks: string[] = [];
    let attempts = 0;
    const result = await runCommand(env.kernel, async (tx) => {
      attempts++;
      await tx.insertInto('units').values({ id: `retry${attempts}`, code: `R${attempts}`, name: `第${attempts}次`, parent_id: null, path: `/retry${attempts}/`, level: 'grassroots', kind: 'institution', created_at: 'now' }).execute();
      afterCommit(tx, `hook${attempts}`, () => { hooks.push(`hook${attempts}`); });
      if (attempts === 1) throw pgError('40P01');
      if (attempts === 2) throw pgError('40001');
      return 'done';
    });
    expect(result).toBe('done');
    expect(attempts).toBe(3);
    expect(commandRetries() - retried).toBe(2);
    // Only the attempt that committed wrote its row and ran its after-commit hook.
    expect(await count()).toBe(before + 1);
    expect(hooks).toEqual(['hook3']);
    vi.restoreAllMocks();
  });

  it('gives up after a bounded number of attempts, and never re-runs for any other error', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    let attempts = 0;
    await expect(runCommand(env.kernel, async () => { attempts++; throw pgError('40P01'); })).rejects.toMatchObject({ code: '40P01' });
    expect(attempts).toBe(COMMAND_ATTEMPTS);
    attempts = 0;
    await expect(runCommand(env.kernel, async () => { attempts++; throw Object.assign(new Error('unique'), { code: '23505' }); })).rejects.toMatchObject({ code: '23505' });
    expect(attempts).toBe(1);
    vi.restoreAllMocks();
  });
});
