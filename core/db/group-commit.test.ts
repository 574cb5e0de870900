import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import { afterCommit, groupCommits, GROUP_COMMIT_MAX, runCommand } from './command.js';

/**
 * Group commit (command.ts): on SQLite, commands waiting while one runs share one transaction, each in
 * a savepoint of its own. Per command nothing changes: a failing one leaves nothing and the others
 * keep everything; answers and after-commit hooks come only once the shared commit is durable.
 * On PostgreSQL every command has its own transaction; the same guarantees are checked there.
 */
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({}, { seed: false });
});
afterAll(async () => env.close());

const unitsLike = async (prefix: string) =>
  (await env.kernel.db.selectFrom('units').select('id').where('id', 'like', `${prefix}%`).orderBy('id').execute()).map((r) => r.id);

const insertUnit = (tx: Parameters<Parameters<typeof runCommand>[1]>[0], id: string) =>
  tx.insertInto('units').values({ id, code: id.toUpperCase(), name: id, parent_id: null, path: `/${id}/`, level: 'grassroots', kind: 'institution', created_at: 'now' }).execute();

describe('group commit: several commands in one transaction, each atomic on its own', () => {
  it('a failing command in a batch leaves nothing; the others are committed whole, answered and their hooks run', async () => {
    const before = { ...groupCommits };
    const hooks: string[] = [];
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => runCommand(env.kernel, async (tx) => {
      await insertUnit(tx, `gc${i}a`);
      afterCommit(tx, `hook${i}`, () => { hooks.push(`hook${i}`); });
      // Two rows per command: the failing one has written one of them when it throws.
      if (i === 4) throw new Error('command 4 fails after writing');
      await insertUnit(tx, `gc${i}b`);
      // A command sees what the commands before it in its batch wrote (they run one after another).
      return (await tx.selectFrom('units').select('id').where('id', 'like', 'gc%').execute()).length;
    })));
    expect(results.map((r) => r.status)).toEqual(results.map((_, i) => (i === 4 ? 'rejected' : 'fulfilled')));
    expect((results[4] as PromiseRejectedResult).reason.message).toBe('command 4 fails after writing');
    const expected = Array.from({ length: 10 }, (_, i) => i).filter((i) => i !== 4).flatMap((i) => [`gc${i}a`, `gc${i}b`]).sort();
    expect(await unitsLike('gc')).toEqual(expected);
    expect(hooks.sort()).toEqual(Array.from({ length: 10 }, (_, i) => i).filter((i) => i !== 4).map((i) => `hook${i}`).sort());
    if (env.kernel.dialect === 'sqlite') {
      // The ten waited together: fewer commits than commands, every committed command counted once.
      expect(groupCommits.commands - before.commands).toBe(9);
      expect(groupCommits.transactions - before.transactions).toBeLessThan(9);
    }
  });

  it('no batch is larger than GROUP_COMMIT_MAX, and commands arriving during a batch are run after it', async () => {
    const before = { ...groupCommits };
    const n = GROUP_COMMIT_MAX * 2 + 3;
    const results = await Promise.all(Array.from({ length: n }, (_, i) => runCommand(env.kernel, async (tx) => {
      await insertUnit(tx, `gm${String(i).padStart(3, '0')}`);
      return i;
    })));
    expect(results).toEqual(Array.from({ length: n }, (_, i) => i));
    expect((await unitsLike('gm')).length).toBe(n);
    if (env.kernel.dialect === 'sqlite') {
      expect(groupCommits.commands - before.commands).toBe(n);
      expect(groupCommits.transactions - before.transactions).toBeGreaterThanOrEqual(Math.ceil(n / GROUP_COMMIT_MAX));
    }
  });
});
