import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestEnv, type TestEnv } from '../../test/support/kernel.js';
import { afterCommit, runCommand } from '../db/command.js';
import { AppError } from '../errors.js';
import { publishEvent } from './outbox.js';
import { askValidators, registerValidatorProvider, unregisterValidatorProvider, type ValidatorProvider } from './validators.js';
import { realtimeOf, type RealtimeMessage } from './realtime.js';

/**
 * The kernel's event machinery: the command transaction every write runs in (core/db/command.ts),
 * the outbox filled inside it, the validator registry asked inside it, and the realtime bus that
 * announces after it. Each is tested on its own, without the ledger or the plugin host.
 */

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

class Abort extends Error {}

async function outboxOf(type: string) {
  return env.kernel.db.selectFrom('outbox').selectAll().where('type', '=', type).orderBy('id').execute();
}

describe('the command transaction', () => {
  it('runs each after-commit hook once per key, only once the write is visible to everyone', async () => {
    const ran: string[] = [];
    const seenByHook: number[] = [];
    const result = await runCommand(env.kernel, async (tx) => {
      await publishEvent(tx, { type: 'test.after-commit', unitId: 'a', payload: {} });
      const hook = (key: string) => async () => {
        ran.push(key);
        // Read outside the command's transaction: the row is there, so the commit came first.
        seenByHook.push((await outboxOf('test.after-commit')).length);
      };
      afterCommit(tx, 'announce:a', hook('announce:a'));
      afterCommit(tx, 'announce:a', hook('announce:a (again)'));
      afterCommit(tx, 'announce:b', hook('announce:b'));
      expect(ran).toEqual([]);
      return 'done';
    });
    expect(result).toBe('done');
    expect(ran).toEqual(['announce:a', 'announce:b']);
    expect(seenByHook).toEqual([1, 1]);
  });

  it('runs no hook when the command rolls back, and the rollback takes every write with it', async () => {
    const hook = vi.fn();
    await expect(runCommand(env.kernel, async (tx) => {
      await publishEvent(tx, { type: 'test.rolled-back', unitId: 'a', payload: {} });
      afterCommit(tx, 'announce:a', hook);
      throw new Abort('refused');
    })).rejects.toBeInstanceOf(Abort);
    expect(hook).not.toHaveBeenCalled();
    expect(await outboxOf('test.rolled-back')).toEqual([]);
  });

  it('reports a failed hook without failing the command that already committed', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    const next = vi.fn();
    try {
      const result = await runCommand(env.kernel, async (tx) => {
        await publishEvent(tx, { type: 'test.hook-fails', unitId: 'a', payload: {} });
        afterCommit(tx, 'broken', () => { throw new Error('bus down'); });
        afterCommit(tx, 'next', next);
        return 7;
      });
      expect(result).toBe(7);
      expect(await outboxOf('test.hook-fails')).toHaveLength(1);
      expect(next).toHaveBeenCalledOnce();
      expect(logged).toHaveBeenCalledWith(expect.stringContaining('after-commit broken failed'), 'bus down');
    } finally {
      logged.mockRestore();
    }
  });

  it('refuses an after-commit hook outside a command transaction', async () => {
    await env.kernel.db.transaction().execute(async (tx) => {
      expect(() => afterCommit(tx, 'announce:a', () => {})).toThrow(/outside a command transaction/);
    });
  });
});

describe('the outbox', () => {
  it('holds an event exactly when its command committed, with its own id and its payload', async () => {
    const ids = await runCommand(env.kernel, async (tx) => [
      await publishEvent(tx, { type: 'test.outbox', unitId: 'a', payload: { amount: 12_345_67, note: '办公费' } }),
      await publishEvent(tx, { type: 'test.outbox', unitId: null, payload: {} }),
    ]);
    expect(new Set(ids).size).toBe(2);
    const rows = await outboxOf('test.outbox');
    expect(rows.map((r) => [r.event_id, r.unit_id, JSON.parse(r.payload)])).toEqual([
      [ids[0], 'a', { amount: 12_345_67, note: '办公费' }],
      [ids[1], null, {}],
    ]);
  });
});

describe('the validator registry', () => {
  const document = { amount: 100_00, economicCode: '30201' };

  const ask = () => askValidators(env.kernel.db, 'payment.validate', 'a', document);

  it('asks nobody while no provider is registered for the core', async () => {
    expect(await ask()).toEqual([]);
  });

  it('hands the provider the database (never a transaction), and turns its warnings into findings', async () => {
    const asked: unknown[] = [];
    const provider: ValidatorProvider = async (db, kind, unitId, doc) => {
      asked.push([db === env.kernel.db && !db.isTransaction, kind, unitId, doc]);
      return [
        { source: 'budget-watch', result: 'warn', message: '接近年度上限' },
        { source: 'quiet', result: 'ok', message: '' },
      ];
    };
    registerValidatorProvider(env.kernel.db, provider);
    try {
      expect(await ask()).toEqual([
        { rule: 'plugin:budget-watch', severity: 'warn', message: '接近年度上限', details: { pluginId: 'budget-watch', kind: 'payment.validate' } },
      ]);
      expect(asked).toEqual([[true, 'payment.validate', 'a', document]]);
    } finally {
      unregisterValidatorProvider(env.kernel.db);
    }
    expect(await ask()).toEqual([]);
  });

  it('refuses on a block, before the command would open its transaction', async () => {
    registerValidatorProvider(env.kernel.db, async () => [
      { source: 'budget-watch', result: 'warn', message: '接近年度上限' },
      { source: 'strict', result: 'block', message: '超出年度上限' },
    ]);
    try {
      const refused = ask();
      await expect(refused).rejects.toBeInstanceOf(AppError);
      await expect(refused).rejects.toMatchObject({
        code: 'PLUGIN_VALIDATION_BLOCKED',
        details: { pluginId: 'strict', message: '超出年度上限', kind: 'payment.validate' },
      });
    } finally {
      unregisterValidatorProvider(env.kernel.db);
    }
  });

  it('refuses to be asked inside a transaction: plugin time never holds the database', async () => {
    await expect(runCommand(env.kernel, (tx) => askValidators(tx, 'transfer.validate', 'a', document)))
      .rejects.toThrow(/transfer\.validate asked inside a transaction/);
  });

  it('keeps providers per core: another core’s provider is never asked', async () => {
    const other = await createTestEnv({}, { seed: false });
    const provider = vi.fn<ValidatorProvider>(async () => [{ source: 'elsewhere', result: 'block', message: 'no' }]);
    registerValidatorProvider(other.kernel.db, provider);
    try {
      expect(await ask()).toEqual([]);
      expect(provider).not.toHaveBeenCalled();
    } finally {
      unregisterValidatorProvider(other.kernel.db);
      await other.close();
    }
  });
});

describe('the realtime bus', () => {
  it('is one per core, and delivers a message to the subscribers of its unit and channel only', async () => {
    const bus = realtimeOf(env.kernel);
    expect(realtimeOf(env.kernel)).toBe(bus);
    const heard: Record<string, RealtimeMessage[]> = { a: [], b: [], other: [] };
    const stops = [
      await bus.subscribe('a', 'core:notifications', (m) => heard.a!.push(m)),
      await bus.subscribe('b', 'core:notifications', (m) => heard.b!.push(m)),
      await bus.subscribe('a', 'analytics:live', (m) => heard.other!.push(m)),
    ];
    const arrived = new Promise<void>((resolve) => {
      void bus.subscribe('a', 'core:notifications', () => resolve()).then((stop) => stops.push(stop));
    });
    await bus.publish({ unitId: 'a', channel: 'core:notifications', data: '{"changed":true}' });
    await arrived;
    expect(heard.a).toEqual([{ unitId: 'a', channel: 'core:notifications', data: '{"changed":true}' }]);
    expect(heard.b).toEqual([]);
    expect(heard.other).toEqual([]);

    // Unsubscribed: hears nothing more.
    stops[0]!();
    const last = new Promise<void>((resolve) => {
      void bus.subscribe('a', 'core:notifications', () => resolve()).then((stop) => stops.push(stop));
    });
    await bus.publish({ unitId: 'a', channel: 'core:notifications', data: '{"changed":true}' });
    await last;
    expect(heard.a).toHaveLength(1);
    for (const stop of stops) stop();
  });
});
