import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishEvent } from '../events/outbox.js';
import { runCommand } from '../db/command.js';
import { fanOut } from './fan-out.js';
import { createPluginEnv, type PluginTestEnv } from '../../test/support/plugins.js';

/**
 * The fan-out queues every committed event once, whatever order the outbox ids were committed in
 * (migrations/023_outbox_fan_pending.ts). On PostgreSQL a transaction can take a lower outbox id and
 * commit after a higher one; the fan-out that reads the higher one first must still read the lower
 * one when it commits. SQLite serializes writers, so the out-of-order case runs on PostgreSQL only.
 */
const pg = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? '');
let env: PluginTestEnv;
beforeAll(async () => {
  env = await createPluginEnv();
  await env.plugin('fan-order', 'return { events: {} };', { permissions: ['events'], events: ['period.*'] });
  await env.kernel.db.updateTable('outbox').set({ fan_pending: null }).execute();
});
afterAll(async () => env.close());

const publishOne = (seq: number) => runCommand(env.kernel, (tx) => publishEvent(tx, { type: 'period.closed', unitId: 'a', payload: { seq } }));
const queuedSeqs = async () =>
  (await env.kernel.db.selectFrom('plugin_deliveries').select('payload').where('plugin_id', '=', 'fan-order').orderBy('id').execute())
    .map((r) => (JSON.parse(r.payload) as { seq: number }).seq);
const pending = async () => (await env.kernel.db.selectFrom('outbox').select('id').where('fan_pending', 'is not', null).execute()).length;

describe('delivery fan-out', () => {
  it('queues each committed event once and clears its mark; a rolled-back event is never queued', async () => {
    await publishOne(1);
    await publishOne(2);
    await expect(runCommand(env.kernel, async (tx) => {
      await publishEvent(tx, { type: 'period.closed', unitId: 'a', payload: { seq: 99 } });
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    expect(await fanOut(env.host)).toBe(2);
    expect(await fanOut(env.host)).toBe(0);
    expect(await queuedSeqs()).toEqual([1, 2]);
    expect(await pending()).toBe(0);
  });

  it.skipIf(!pg)(
    'queues an event whose lower outbox id committed after a higher one was fanned out (PostgreSQL)',
    async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      let published!: () => void;
      const inserted = new Promise<void>((resolve) => { published = resolve; });
      // The slow transaction takes its outbox id first and commits last.
      const slow = runCommand(env.kernel, async (tx) => {
        await publishEvent(tx, { type: 'period.closed', unitId: 'a', payload: { seq: 3 } });
        published();
        await gate;
      });
      await inserted;
      await publishOne(4);
      expect(await fanOut(env.host)).toBe(1);
      release();
      await slow;
      expect(await fanOut(env.host)).toBe(1);
      expect(await queuedSeqs()).toEqual([1, 2, 4, 3]);
      expect(await pending()).toBe(0);
    },
  );
});
