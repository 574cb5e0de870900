import { sql } from 'kysely';
import type { Tx } from '../../core/db/connection.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../support/kernel.js';
import { approveThrough, issue, submitPayment } from '../support/ledger.js';
import { ledgerViolations } from './invariants.js';

/**
 * The crash, load and backup suites trust ledgerViolations() to see damage. This proves it does:
 * each kind of half-written or tampered state it claims to catch, planted by hand, is reported.
 */
let env: TestEnv;
let paymentId: number;
let indicatorId: number;

beforeAll(async () => {
  env = await createTestEnv();
  const ind = await issue(env, { amount: 1_000_000 });
  indicatorId = ind.id;
  const submitted = await submitPayment(env, ind.id, 12_345);
  expect(submitted.status).toBe(201);
  paymentId = submitted.body.id;
  await approveThrough(env, 'payments', paymentId);
});
afterAll(async () => env?.close());

/** Runs `damage` inside a transaction that is rolled back, returning what the checker saw meanwhile. */
async function seen(damage: (tx: Tx) => Promise<unknown>): Promise<string[]> {
  let problems: string[] = [];
  await env.kernel.db
    .transaction()
    .execute(async (tx) => {
      await damage(tx);
      problems = await ledgerViolations(tx);
      throw new Error('rollback');
    })
    .catch((error: unknown) => {
      if (!(error instanceof Error) || error.message !== 'rollback') throw error;
    });
  return problems;
}

describe('ledgerViolations sees the damage it is meant to catch', () => {
  it('finds nothing wrong in a sound ledger', async () => {
    expect(await ledgerViolations(env.kernel.db)).toEqual([]);
  });

  it('an approved payment without its freeze movement', async () => {
    const problems = await seen((tx) => tx.deleteFrom('indicator_movements').where('ref_type', '=', 'payment').where('ref_id', '=', paymentId).execute());
    expect(problems.join('\n')).toMatch(new RegExp(`payment ${paymentId} is approved with 0 freeze`));
    expect(problems.join('\n')).toMatch(new RegExp(`indicator ${indicatorId}: totals`));
  });

  it('indicator totals that drifted from their movements', async () => {
    const problems = await seen((tx) => tx.updateTable('indicators').set({ frozen_amount: 1 }).where('id', '=', indicatorId).execute());
    expect(problems.join('\n')).toMatch(new RegExp(`indicator ${indicatorId}: totals`));
  });

  it('a journal entry that does not balance', async () => {
    const problems = await seen((tx) => sql`update journal_lines set debit = debit + 1 where id = (select min(id) from journal_lines where debit > 0)`.execute(tx));
    expect(problems.join('\n')).toMatch(/journal entry \d+ \((financial|budgetary)\) is off by 1/);
    expect(problems.join('\n')).toMatch(/trial balance: debit/);
  });

  it('a pending payment whose approval steps were lost', async () => {
    const other = await submitPayment(env, indicatorId, 100);
    const problems = await seen((tx) => tx.deleteFrom('approval_steps').where('target', '=', 'payment').where('target_id', '=', other.body.id).where('status', '=', 'pending').execute());
    expect(problems.join('\n')).toMatch(new RegExp(`payment ${other.body.id} is pending with 0 pending steps`));
  });

  it('a tampered audit entry', async () => {
    const problems = await seen((tx) => tx.updateTable('audit_log').set({ actor_name: 'mallory' }).where('seq', '=', 2).execute());
    expect(problems.join('\n')).toMatch(/audit chain broken at 2/);
  });
});
