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

    const submissions = await Promise.all([
      ...Array.from({ length: PAYMENTS }, (_, i) =>
        http('POST', '/api/units/a/payments', staff, { indicatorId: source.id, payeeName: `供应商${i}`, purpose: '并发测试', amount: PAYMENT_AMOUNT, date: '2026-08-01' })),
      ...Array.from({ length: TRANSFERS }, () =>
        http('POST', '/api/units/a/transfers', staff, { fromIndicatorId: source.id, toIndicatorId: target.id, amount: TRANSFER_AMOUNT, reason: '并发调剂', date: '2026-08-01' })),
    ]);
    expect(submissions.map((s) => s.status).every((s) => s === 201)).toBe(true);
    const paymentIds = submissions.slice(0, PAYMENTS).map((s) => s.body.id as number);
    const transferIds = submissions.slice(PAYMENTS).map((s) => s.body.id as number);

    // While the storm runs, keep reading the balance: it must never be seen below zero.
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

    const unexpected = decisions.filter((d) => d.status !== 200 && !(d.status === 422 && d.body.error.code === 'BALANCE_EXCEEDED'));
    expect(unexpected).toEqual([]);
    const approvedPayments = decisions.filter((d) => d.kind === 'payment' && d.status === 200);
    const approvedTransfers = decisions.filter((d) => d.kind === 'transfer' && d.status === 200);
    const refused = decisions.filter((d) => d.status === 422);
    expect(refused.length).toBeGreaterThan(0);

    const after = (await http('GET', `/api/units/a/indicators/${source.id}`, finance)).body;
    const spentOrMoved = approvedPayments.length * PAYMENT_AMOUNT + approvedTransfers.length * TRANSFER_AMOUNT;
    expect(after.frozen).toBe(approvedPayments.length * PAYMENT_AMOUNT);
    expect(after.adjusted).toBe(0 - approvedTransfers.length * TRANSFER_AMOUNT);
    expect(approvedTransfers.length).toBeGreaterThan(0);
    expect(approvedPayments.length).toBeGreaterThan(0);
    expect(after.frozen + after.paid).toBeLessThanOrEqual(after.issued + after.adjusted);
    expect(after.available).toBe(ISSUED - spentOrMoved);
    expect(after.available).toBeGreaterThanOrEqual(0);
    // Nothing was refused while it would still have fitted: capacity left is below the smallest refused amount.
    if (refused.some((d) => d.kind === 'payment')) expect(after.available).toBeLessThan(PAYMENT_AMOUNT);
    if (refused.some((d) => d.kind === 'transfer')) expect(after.available).toBeLessThan(TRANSFER_AMOUNT);
    expect(Math.min(...observed)).toBeGreaterThanOrEqual(0);

    const received = (await http('GET', `/api/units/a/indicators/${target.id}`, finance)).body;
    expect(received.amount).toBe(1 + approvedTransfers.length * TRANSFER_AMOUNT);

    for (const r of refused) {
      const doc = await http('GET', `/api/units/a/${r.kind}s/${r.id}`, finance);
      expect(doc.body.status).toBe('pending');
      expect(doc.body.steps.map((s: any) => s.status)).toEqual(['pending']);
    }
    const refusedPaymentIds = refused.filter((r) => r.kind === 'payment').map((r) => r.id);
    if (refusedPaymentIds.length) {
      const movements = await env.kernel.db.selectFrom('indicator_movements').select('id').where('ref_type', '=', 'payment').where('ref_id', 'in', refusedPaymentIds).execute();
      expect(movements).toEqual([]);
    }
    expect((await verifyChain(env.kernel.db)).ok).toBe(true);
  }, 180_000);
});
