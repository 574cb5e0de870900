import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../core/audit/service.js';
import { createTestEnv, type TestEnv } from './support/kernel.js';
import { issue } from './support/ledger.js';

/**
 * Model-based property test: random sequences of issue / adjust / transfer / submit / approve /
 * pay / reject / withdraw against three indicators. A plain model predicts which commands must
 * succeed; after every step the ledger must agree with the model and keep its identity:
 * available = issued + adjusted − frozen − paid − reserved ≥ 0 (a pending request holds its amount).
 */
let env: TestEnv;
let tokens: Record<'staff' | 'finance' | 'leader' | 'admin', string>;

beforeAll(async () => {
  env = await createTestEnv();
  tokens = {
    staff: await env.login('a.staff'),
    finance: await env.login('a.finance'),
    leader: await env.login('a.leader'),
    admin: await env.login('a.admin'),
  };
  for (const target of ['payment', 'transfer']) {
    await env.call('PUT', `/api/units/a/approval-flows/${target}`, { token: tokens.admin, body: { name: '单级', steps: [{ role: 'finance_officer', label: '财务审核' }] } });
  }
});
afterAll(async () => env.close());

type Command =
  | { t: 'submit'; i: number; amount: number }
  | { t: 'approve' | 'pay' | 'reject' | 'withdraw'; p: number }
  | { t: 'transfer'; i: number; j: number; amount: number }
  | { t: 'adjust'; i: number; delta: number };

const amount = fc.integer({ min: 1, max: 40_000 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ t: fc.constant('submit' as const), i: fc.nat(2), amount }),
  fc.record({ t: fc.constant('submit' as const), i: fc.nat(2), amount }),
  fc.record({ t: fc.constantFrom('approve' as const, 'approve' as const, 'pay' as const, 'reject' as const, 'withdraw' as const), p: fc.nat(50) }),
  fc.record({ t: fc.constant('transfer' as const), i: fc.nat(2), j: fc.nat(2), amount }),
  fc.record({ t: fc.constant('adjust' as const), i: fc.nat(2), delta: fc.integer({ min: -40_000, max: 40_000 }).filter((d) => d !== 0) }),
);

interface ModelIndicator { id: number; amount: number; frozen: number; paid: number; reserved: number }
interface ModelPayment { id: number; indicator: number; amount: number; status: 'pending' | 'approved' | 'paid' | 'rejected' | 'withdrawn' }
/** What a requester can still ask for: pending requests hold their amounts (占用). */
const available = (m: ModelIndicator) => m.amount - m.frozen - m.paid - m.reserved;

async function post(path: string, token: string, body: unknown) {
  return env.call('POST', `/api/units/a${path}`, { token, body });
}

describe('ledger properties', () => {
  it('keeps the balance identity and agrees with the model after every step', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 22 }), async (commands) => {
        const model: ModelIndicator[] = [];
        for (const start of [60_000, 30_000, 10_000]) {
          const created = await issue(env, { amount: start });
          model.push({ id: created.id, amount: start, frozen: 0, paid: 0, reserved: 0 });
        }
        const payments: ModelPayment[] = [];
        for (const c of commands) {
          if (c.t === 'submit') {
            const ind = model[c.i]!;
            const r = await post('/payments', tokens.staff, { indicatorId: ind.id, payeeName: '供应商', purpose: '性质测试', amount: c.amount, date: '2026-09-01' });
            const expected = c.amount <= available(ind) ? 201 : 422;
            expect(r.status, JSON.stringify(r.body)).toBe(expected);
            if (r.status === 201) {
              payments.push({ id: r.body.id, indicator: c.i, amount: c.amount, status: 'pending' });
              ind.reserved += c.amount;
            }
          } else if (c.t === 'transfer') {
            const from = model[c.i]!;
            const to = model[c.j]!;
            const r = await post('/transfers', tokens.staff, { fromIndicatorId: from.id, toIndicatorId: to.id, amount: c.amount, reason: '性质测试', date: '2026-09-01' });
            if (c.i === c.j) {
              expect(r.body.error.code).toBe('SAME_INDICATOR');
              continue;
            }
            if (c.amount > available(from)) {
              expect(r.body.error?.code).toBe('BALANCE_EXCEEDED');
              continue;
            }
            expect(r.status).toBe(201);
            const approved = await post(`/transfers/${r.body.id}/approve`, tokens.finance, {});
            expect(approved.status).toBe(200);
            from.amount -= c.amount;
            to.amount += c.amount;
          } else if (c.t === 'adjust') {
            const ind = model[c.i]!;
            const r = await post('/adjustments', tokens.finance, { indicatorId: ind.id, amount: c.delta, reason: '性质测试', date: '2026-09-01' });
            if (c.delta < 0 && -c.delta > available(ind)) {
              expect(r.body.error?.code).toBe('REDUCTION_BELOW_USED');
              continue;
            }
            expect(r.status).toBe(201);
            expect((await post(`/adjustments/${r.body.id}/approve`, tokens.leader, {})).status).toBe(200);
            ind.amount += c.delta;
          } else {
            const p = payments.length ? payments[c.p % payments.length]! : undefined;
            if (!p) continue;
            const ind = model[p.indicator]!;
            if (c.t === 'approve') {
              const r = await post(`/payments/${p.id}/approve`, tokens.finance, {});
              if (p.status !== 'pending') expect(r.status).toBe(409);
              else {
                // It held its amount since submission: the approval always finds it.
                expect(r.status, JSON.stringify(r.body)).toBe(200);
                p.status = 'approved';
                ind.reserved -= p.amount;
                ind.frozen += p.amount;
              }
            } else if (c.t === 'pay') {
              const r = await post(`/payments/${p.id}/pay`, tokens.finance, { date: '2026-09-02' });
              if (p.status !== 'approved') expect(r.status).toBe(409);
              else {
                expect(r.status).toBe(200);
                p.status = 'paid';
                ind.frozen -= p.amount;
                ind.paid += p.amount;
              }
            } else {
              // A rejection always says why (REJECT_REASON_REQUIRED otherwise).
              const r = await post(`/payments/${p.id}/${c.t}`, c.t === 'withdraw' ? tokens.staff : tokens.finance, c.t === 'reject' ? { comment: '不符合要求' } : {});
              if (p.status !== 'pending' && p.status !== 'approved') expect(r.status).toBe(409);
              else {
                expect(r.status, JSON.stringify(r.body)).toBe(200);
                if (p.status === 'approved') ind.frozen -= p.amount;
                else ind.reserved -= p.amount;
                p.status = c.t === 'reject' ? 'rejected' : 'withdrawn';
              }
            }
          }
          // The identity, checked on the stored rows after every step.
          const rows = await env.kernel.db
            .selectFrom('indicators')
            .select(['id', 'issued_amount', 'adjusted_amount', 'frozen_amount', 'paid_amount', 'reserved_amount'])
            .where('id', 'in', model.map((m) => m.id))
            .orderBy('id')
            .execute();
          for (const [k, row] of rows.entries()) {
            const m = model[k]!;
            expect(row.issued_amount + row.adjusted_amount).toBe(m.amount);
            expect(row.frozen_amount).toBe(m.frozen);
            expect(row.paid_amount).toBe(m.paid);
            expect(row.reserved_amount).toBe(m.reserved);
            expect(row.issued_amount + row.adjusted_amount - row.frozen_amount - row.paid_amount - row.reserved_amount).toBeGreaterThanOrEqual(0);
          }
        }
        // Frozen and paid equal the payments in those states.
        for (const [k, m] of model.entries()) {
          const mine = payments.filter((p) => p.indicator === k);
          expect(m.frozen).toBe(mine.filter((p) => p.status === 'approved').reduce((s, p) => s + p.amount, 0));
          expect(m.paid).toBe(mine.filter((p) => p.status === 'paid').reduce((s, p) => s + p.amount, 0));
          expect(m.reserved).toBe(mine.filter((p) => p.status === 'pending').reduce((s, p) => s + p.amount, 0));
        }
      }),
      { numRuns: Number(process.env.UNIBUDGET_PROPERTY_RUNS ?? 25), endOnFailure: true },
    );
    expect((await verifyChain(env.kernel.db)).ok).toBe(true);
  });
});
