import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/support/kernel.js';
import { issue } from '../../../test/support/ledger.js';

/**
 * Property: whatever sequence of ledger operations runs (issue, 追加/追减, payments submitted, approved,
 * paid, rejected or withdrawn, transfers), after every step
 *  - every voucher balances, and each track's debits equal its credits;
 *  - the budgetary track's expenditure (7101/7201) equals the payments paid, and so does the
 *    financial track's expense (5001/5101);
 *  - the quota (1011 and 800101) equals the fiscal indicators' amount − paid.
 */
let env: TestEnv;
let tokens: Record<'staff' | 'finance' | 'leader' | 'admin', string>;

beforeAll(async () => {
  env = await createTestEnv();
  tokens = { staff: await env.login('a.staff'), finance: await env.login('a.finance'), leader: await env.login('a.leader'), admin: await env.login('a.admin') };
  for (const target of ['payment', 'transfer']) {
    await env.call('PUT', `/api/units/a/approval-flows/${target}`, { token: tokens.admin, body: { name: '单级', steps: [{ role: 'finance_officer', label: '财务审核' }] } });
  }
});
afterAll(async () => env.close());

type Command =
  | { t: 'issue'; fiscal: boolean; amount: number }
  | { t: 'adjust'; i: number; delta: number }
  | { t: 'submit'; i: number; amount: number }
  | { t: 'approve' | 'pay' | 'reject' | 'withdraw'; p: number }
  | { t: 'transfer'; amount: number };

const amount = fc.integer({ min: 1, max: 50_000 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ t: fc.constant('issue' as const), fiscal: fc.boolean(), amount }),
  fc.record({ t: fc.constant('adjust' as const), i: fc.nat(9), delta: fc.integer({ min: -50_000, max: 50_000 }).filter((d) => d !== 0) }),
  fc.record({ t: fc.constant('submit' as const), i: fc.nat(9), amount }),
  fc.record({ t: fc.constant('submit' as const), i: fc.nat(9), amount }),
  fc.record({ t: fc.constantFrom('approve' as const, 'pay' as const, 'pay' as const, 'reject' as const, 'withdraw' as const), p: fc.nat(40) }),
  fc.record({ t: fc.constant('transfer' as const), amount }),
);

const post = (path: string, token: string, body: unknown) => env.call('POST', `/api/units/a${path}`, { token, body });

async function net(track: string, accounts: string[]): Promise<number> {
  const row = await env.kernel.db
    .selectFrom('journal_lines')
    .select(sql<number>`coalesce(sum(debit - credit), 0)`.as('n'))
    .where('unit_id', '=', 'a')
    .where('track', '=', track as 'financial')
    .where('account_code', 'in', accounts)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function checkInvariants() {
  const db = env.kernel.db;
  for (const track of ['financial', 'budgetary'] as const) {
    const totals = await db
      .selectFrom('journal_lines')
      .select([sql<number>`coalesce(sum(debit), 0)`.as('d'), sql<number>`coalesce(sum(credit), 0)`.as('c')])
      .where('unit_id', '=', 'a')
      .where('track', '=', track)
      .executeTakeFirstOrThrow();
    expect(Number(totals.d)).toBe(Number(totals.c));
  }
  const unbalanced = await db
    .selectFrom('journal_lines')
    .select('entry_id')
    .where('unit_id', '=', 'a')
    .groupBy('entry_id')
    .having(sql<boolean>`sum(debit) <> sum(credit)`)
    .execute();
  expect(unbalanced).toEqual([]);
  const paid = await db.selectFrom('payments').select(sql<number>`coalesce(sum(amount), 0)`.as('n')).where('unit_id', '=', 'a').where('status', '=', 'paid').executeTakeFirstOrThrow();
  expect(await net('budgetary', ['7101', '7201'])).toBe(Number(paid.n));
  expect(await net('financial', ['5001', '5101'])).toBe(Number(paid.n));
  const fiscal = await db
    .selectFrom('indicators')
    .select(sql<number>`coalesce(sum(issued_amount + adjusted_amount - paid_amount), 0)`.as('n'))
    .where('unit_id', '=', 'a')
    .where('fund_source_code', 'like', '11%')
    .executeTakeFirstOrThrow();
  expect(await net('financial', ['1011'])).toBe(Number(fiscal.n));
  expect(await net('budgetary', ['800101'])).toBe(Number(fiscal.n));
}

describe('accounting properties', () => {
  it('both tracks stay balanced and budgetary expenditure equals payments paid after every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 4, maxLength: 20 }), async (commands) => {
        // Two fiscal indicators (transfers run between them) and one of the unit's own money.
        const indicators: Array<{ id: number; fiscal: boolean }> = [];
        for (const [fiscal, start] of [[true, 80_000], [true, 40_000], [false, 30_000]] as const) {
          const created = await issue(env, { amount: start, fundSourceCode: fiscal ? '11' : '3101', date: '2026-09-01' });
          indicators.push({ id: created.id, fiscal });
        }
        await checkInvariants();
        const payments: number[] = [];
        for (const c of commands) {
          if (c.t === 'issue') {
            const created = await issue(env, { amount: c.amount, fundSourceCode: c.fiscal ? '1101' : '3101', date: '2026-09-01' });
            indicators.push({ id: created.id, fiscal: c.fiscal });
          } else if (c.t === 'adjust') {
            const ind = indicators[c.i % indicators.length]!;
            const r = await post('/adjustments', tokens.finance, { indicatorId: ind.id, amount: c.delta, reason: '性质测试', date: '2026-09-01' });
            if (r.status === 201) await post(`/adjustments/${r.body.id}/approve`, tokens.leader, {});
          } else if (c.t === 'submit') {
            const ind = indicators[c.i % indicators.length]!;
            const r = await post('/payments', tokens.staff, { indicatorId: ind.id, payeeName: '供应商', purpose: '性质测试', amount: c.amount, date: '2026-09-01' });
            if (r.status === 201) payments.push(r.body.id);
          } else if (c.t === 'transfer') {
            const r = await post('/transfers', tokens.staff, { fromIndicatorId: indicators[0]!.id, toIndicatorId: indicators[1]!.id, amount: c.amount, reason: '性质测试', date: '2026-09-01' });
            if (r.status === 201) await post(`/transfers/${r.body.id}/approve`, tokens.finance, {});
          } else {
            const id = payments.length ? payments[c.p % payments.length] : undefined;
            if (id === undefined) continue;
            if (c.t === 'approve') await post(`/payments/${id}/approve`, tokens.finance, {});
            else if (c.t === 'pay') await post(`/payments/${id}/pay`, tokens.finance, { date: '2026-09-02' });
            else await post(`/payments/${id}/${c.t}`, c.t === 'withdraw' ? tokens.staff : tokens.finance, {});
          }
          await checkInvariants();
        }
      }),
      { numRuns: Number(process.env.UNIBUDGET_PROPERTY_RUNS ?? 15), endOnFailure: true },
    );
    const tb = await env.call('GET', '/api/units/a/trial-balance?track=budgetary&year=2026&month=9', { token: tokens.finance });
    expect(tb.body.balanced).toBe(true);
  });
});
