import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../core/audit/service.js';
import { createTestEnv, type TestEnv } from './support/kernel.js';
import { issue } from './support/ledger.js';

/**
 * No overspend under concurrency: hundreds of payment approvals and transfers race for one
 * indicator over real HTTP. Whatever the interleaving, frozen + paid + transferred-out never
 * exceeds what was issued, every refusal leaves its request untouched, and no capacity is lost.
 */
let env: TestEnv;
let server: ServerType;
let base: string;

beforeAll(async () => {
  env = await createTestEnv();
  server = serve({ fetch: env.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await env.close();
});

async function http(method: string, path: string, token: string, body?: unknown) {
  const response = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const PAYMENTS = 200;
const PAYMENT_AMOUNT = 7_000;
const TRANSFERS = 60;
const TRANSFER_AMOUNT = 9_000;
const ISSUED = 1_000_000;

describe('concurrent approvals and transfers on one indicator', () => {
  it('never overspends, and every refused request changed nothing', async () => {
    const admin = await env.login('a.admin');
    const staff = await env.login('a.staff');
    const finance = await env.login('a.finance');
    for (const target of ['payment', 'transfer']) {
      const flow = await http('PUT', `/api/units/a/approval-flows/${target}`, admin, { name: '单级审批', steps: [{ role: 'finance_officer', label: '财务审核' }] });
      expect(flow.status).toBe(200);
    }
    const source = await issue(env, { amount: ISSUED, name: '争用指标' });
    const target = await issue(env, { amount: 1, name: '调入指标' });

    // Payments and transfers interleaved (one transfer after every three payments), all in flight at once.
    const kinds = Array.from({ length: PAYMENTS + TRANSFERS }, (_, i) => (i % 4 === 3 && Math.floor(i / 4) < TRANSFERS ? 'transfer' : 'payment'));
    const submissions = await Promise.all(kinds.map((kind, i) => (kind === 'payment'
      ? http('POST', '/api/units/a/payments', staff, { indicatorId: source.id, payeeName: `供应商${i}`, purpose: '并发测试', amount: PAYMENT_AMOUNT, date: '2026-08-01' })
      : http('POST', '/api/units/a/transfers', staff, { fromIndicatorId: source.id, toIndicatorId: target.id, amount: TRANSFER_AMOUNT, reason: '并发调剂', date: '2026-08-01' })
    ).then((r) => ({ ...r, kind }))));
    // 占用: each accepted request holds its amount from submission, so the storm is decided here: what
    // fits is accepted (201), the rest is refused with the balance it met (422) and leaves nothing behind.
    const unexpectedSubmissions = submissions.filter((s) => s.status !== 201 && !(s.status === 422 && s.body.error.code === 'BALANCE_EXCEEDED'));
    expect(unexpectedSubmissions).toEqual([]);
    const accepted = (kind: string) => submissions.filter((s) => s.kind === kind && s.status === 201).map((s) => s.body.id as number);
    const paymentIds = accepted('payment');
    const transferIds = accepted('transfer');
    const refusedAtSubmission = submissions.filter((s) => s.status === 422);
    expect(refusedAtSubmission.length).toBeGreaterThan(0);
    expect(paymentIds.length).toBeGreaterThan(0);
    expect(transferIds.length).toBeGreaterThan(0);
    const held = paymentIds.length * PAYMENT_AMOUNT + transferIds.length * TRANSFER_AMOUNT;
    const before = (await http('GET', `/api/units/a/indicators/${source.id}`, finance)).body;
    expect(before).toMatchObject({ reserved: held, available: ISSUED - held, frozen: 0 });
    // Nothing was refused while it would still have fitted.
    expect(before.available).toBeLessThan(Math.max(PAYMENT_AMOUNT, TRANSFER_AMOUNT));
    const rows = await env.kernel.db.selectFrom('payments').select('id').where('indicator_id', '=', source.id).execute();
    expect(rows.length).toBe(paymentIds.length);

    // While the approvals run, keep reading the balance: it must never be seen below zero.
    let storming = true;
    const observed: number[] = [];
    const watcher = (async () => {
      while (storming) {
        const ind = await http('GET', `/api/units/a/indicators/${source.id}`, finance);
        observed.push(ind.body.available);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();

    // Interleave the two kinds so they truly compete (a fixed shuffle keeps the run reproducible).
    const work = [...paymentIds.map((id) => ({ kind: 'payment' as const, id })), ...transferIds.map((id) => ({ kind: 'transfer' as const, id }))];
    for (let i = work.length - 1, seed = 7; i > 0; i--) {
      seed = (seed * 48271) % 2147483647;
      const j = seed % (i + 1);
      [work[i], work[j]] = [work[j]!, work[i]!];
    }
    const decisions = await Promise.all(
      work.map((w) => http('POST', `/api/units/a/${w.kind}s/${w.id}/approve`, finance, {}).then((r) => ({ ...w, ...r }))),
    );
    storming = false;
    await watcher;

    // Every accepted request held its money: every approval goes through.
    expect(decisions.filter((d) => d.status !== 200)).toEqual([]);
    const after = (await http('GET', `/api/units/a/indicators/${source.id}`, finance)).body;
    expect(after.frozen).toBe(paymentIds.length * PAYMENT_AMOUNT);
    expect(after.adjusted).toBe(0 - transferIds.length * TRANSFER_AMOUNT);
    expect(after.reserved).toBe(0);
    expect(after.frozen + after.paid).toBeLessThanOrEqual(after.issued + after.adjusted);
    expect(after.available).toBe(ISSUED - held);
    expect(after.available).toBeGreaterThanOrEqual(0);
    expect(Math.min(...observed)).toBeGreaterThanOrEqual(0);

    const received = (await http('GET', `/api/units/a/indicators/${target.id}`, finance)).body;
    expect(received.amount).toBe(1 + transferIds.length * TRANSFER_AMOUNT);
    expect((await verifyChain(env.kernel.db)).ok).toBe(true);
  }, 180_000);
});
