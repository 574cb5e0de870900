import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import { storageUsage } from './quotas.js';

/**
 * The kept storage figures (migration 022): the quota check reads them instead of counting every
 * document, so they must equal a recount after any mix of writes, by any writer.
 */
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv({}, { seed: false });
});
afterAll(async () => env.close());

const recount = async (pluginId: string, unitId: string) => {
  const row = await sql<{ docs: number | string; bytes: number | string | null }>`
    select count(*) as docs, sum(bytes) as bytes from plugin_docs where plugin_id = ${pluginId} and unit_id = ${unitId}`.execute(env.kernel.db);
  return { docs: Number(row.rows[0]!.docs), bytes: Number(row.rows[0]!.bytes ?? 0) };
};
const put = (pluginId: string, unitId: string, docId: string, bytes: number) => env.kernel.db.insertInto('plugin_docs')
  .values({ plugin_id: pluginId, unit_id: unitId, collection: 'c', doc_id: docId, data: '{}', idx0: null, idx1: null, idx2: null, updated_at: '2026-06-01T00:00:00.000Z', bytes })
  .onConflict((oc) => oc.columns(['plugin_id', 'unit_id', 'collection', 'doc_id']).doUpdateSet({ bytes }))
  .execute();

describe('plugin storage usage kept by the database', () => {
  it('equals a recount after inserts, replacements, deletes and a purge, per plugin and unit', async () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      const plugin = ['p1', 'p2'][random(2)]!;
      const unit = ['a', 'b'][random(2)]!;
      const doc = `d${random(40)}`;
      if (random(4) === 0) {
        await env.kernel.db.deleteFrom('plugin_docs').where('plugin_id', '=', plugin).where('unit_id', '=', unit).where('doc_id', '=', doc).execute();
      } else {
        await put(plugin, unit, doc, 1 + random(5000));
      }
    }
    for (const plugin of ['p1', 'p2']) {
      for (const unit of ['a', 'b']) {
        const kept = await storageUsage(env.kernel.db, plugin, unit);
        expect({ docs: kept.docs, bytes: kept.bytes }).toEqual(await recount(plugin, unit));
      }
    }
    // A row moved to another unit (no writer does so today) takes its figures along.
    await put('p2', 'a', 'moving', 4321);
    await env.kernel.db.updateTable('plugin_docs').set({ unit_id: 'c' }).where('plugin_id', '=', 'p2').where('doc_id', '=', 'moving').execute();
    for (const unit of ['a', 'c']) expect(await storageUsage(env.kernel.db, 'p2', unit)).toMatchObject(await recount('p2', unit));
    // A purge (uninstall) deletes every row of the plugin: its figures go to nothing with them.
    await env.kernel.db.deleteFrom('plugin_docs').where('plugin_id', '=', 'p1').execute();
    expect(await storageUsage(env.kernel.db, 'p1', 'a')).toMatchObject({ docs: 0, bytes: 0 });
    expect(await storageUsage(env.kernel.db, 'p2', 'a')).toMatchObject(await recount('p2', 'a'));
  });

  it('answers the size of the document a put would replace, and null for a new one', async () => {
    await put('p3', 'a', 'x', 1234);
    expect((await storageUsage(env.kernel.db, 'p3', 'a', { collection: 'c', docId: 'x' })).old).toBe(1234);
    expect((await storageUsage(env.kernel.db, 'p3', 'a', { collection: 'c', docId: 'y' })).old).toBeNull();
    expect(await storageUsage(env.kernel.db, 'nobody', 'a')).toEqual({ docs: 0, bytes: 0, old: null });
  });
});
