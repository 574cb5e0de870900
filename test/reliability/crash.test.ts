import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernel } from '../../core/kernel.js';
import { testBundle } from '../support/plugins.js';
import { ledgerViolations } from './invariants.js';
import { PROFILE, SEED, prng } from './profile.js';
import { createTestDatabase, http, login, startServer, type ServerProcess, type TestDatabase } from './server.js';

/**
 * Crash safety: the real server (`unibudget start`, a child process) takes concurrent payments,
 * approvals, payouts and transfers over HTTP and is killed with SIGKILL at random moments. After
 * every restart: each write the server acknowledged is there, nothing half-written is (a payment
 * approved without its freeze, a movement without its journal entry, a document without its
 * audit entry or event), indicator totals equal their movements, both accounting tracks balance,
 * the audit chain verifies; at the end the outbox delivery resumes and loses no event.
 */
let db: TestDatabase;
let server: ServerProcess | null = null;
let probe: Kernel;
const random = prng(SEED);

const PLUGIN = 'crash-witness';
const WITNESS = `return {
  events: {
    'payment.*': async (event, host) => { await host.storage.put('docs', event.id, { kind: event.type }); },
    'transfer.*': async (event, host) => { await host.storage.put('docs', event.id, { kind: event.type }); },
  },
};`;

beforeAll(async () => {
  db = await createTestDatabase();
  server = await startServer(db);
  probe = await db.open();
}, 120_000);
afterAll(async () => {
  await server?.kill('SIGKILL');
  await probe?.close();
  await db?.drop();
});

interface Acked {
  payments: Map<number, 'pending' | 'approved' | 'paid'>;
  transfers: Map<number, 'pending' | 'approved'>;
}

describe(`SIGKILL at random points (${PROFILE.crashKills} kills, seed ${SEED})`, () => {
  it('loses no acknowledged write, keeps no partial one, and resumes the outbox', async () => {
    let base = server!.base;
    const sys = await login(base, 'sysadmin');
    const admin = await login(base, 'a.admin');
    const staff = await login(base, 'a.staff');
    const finance = await login(base, 'a.finance');
    for (const target of ['payment', 'transfer']) {
      const flow = await http(base, 'PUT', `/api/units/a/approval-flows/${target}`, admin, { name: '单级审批', steps: [{ role: 'finance_officer', label: '财务审核' }] });
      expect(flow.status).toBe(200);
    }
    // A subscriber that witnesses every payment and transfer event: the outbox must reach it whole.
    expect((await http(base, 'PUT', '/api/plugins/trust', sys, { allowUnsigned: true })).status).toBe(200);
    const bundle = testBundle(PLUGIN, WITNESS, { permissions: ['events', 'storage'], events: ['payment.*', 'transfer.*'] });
    expect((await http(base, 'POST', '/api/plugins', sys, bundle)).status).toBe(201);
    expect((await http(base, 'POST', `/api/units/a/plugins/${PLUGIN}/enable`, admin, { grants: ['events', 'storage'] })).status).toBe(200);

    const department = await probe.db.selectFrom('departments').select('id').where('unit_id', '=', 'a').where('code', '=', '03').executeTakeFirstOrThrow();
    const indicators: number[] = [];
    for (const name of ['崩溃测试甲', '崩溃测试乙']) {
      const made = await http(base, 'POST', '/api/units/a/indicators', finance, {
        year: 2026, name, departmentId: department.id, projectId: null, expenditureKind: 'operating', functionalCode: '2050101',
        economicCode: '30201', fundSourceCode: '11', amount: 500_000_000, date: '2026-06-01', isFlexibleReserve: false,
      });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      indicators.push(made.body.id);
    }

    const acked: Acked = { payments: new Map(), transfers: new Map() };
    const pick = <T>(items: T[]): T | undefined => items[Math.floor(random() * items.length)];
    const idsIn = <S>(map: Map<number, S>, status: S) => [...map].filter(([, s]) => s === status).map(([id]) => id);

    /** One client: keeps writing until the server goes away; records only what was acknowledged. */
    const client = async (alive: () => boolean) => {
      while (alive()) {
        const roll = random();
        let reply;
        if (roll < 0.35) {
          reply = await http(base, 'POST', '/api/units/a/payments', staff, {
            indicatorId: pick(indicators), payeeName: '示范县文具公司', purpose: '崩溃测试', amount: 100 + Math.floor(random() * 10_000), date: '2026-06-10',
          });
          if (reply.status === 201) acked.payments.set(reply.body.id, 'pending');
        } else if (roll < 0.6) {
          const id = pick(idsIn(acked.payments, 'pending'));
          if (id === undefined) continue;
          reply = await http(base, 'POST', `/api/units/a/payments/${id}/approve`, finance, { comment: '同意' });
          if (reply.status === 200) acked.payments.set(id, 'approved');
        } else if (roll < 0.7) {
          const id = pick(idsIn(acked.payments, 'approved'));
          if (id === undefined) continue;
          reply = await http(base, 'POST', `/api/units/a/payments/${id}/pay`, finance, { date: '2026-06-20' });
          if (reply.status === 200) acked.payments.set(id, 'paid');
        } else if (roll < 0.85) {
          const from = Math.floor(random() * 2);
          reply = await http(base, 'POST', '/api/units/a/transfers', staff, {
            fromIndicatorId: indicators[from], toIndicatorId: indicators[1 - from], amount: 100 + Math.floor(random() * 5_000), reason: '崩溃测试调剂', date: '2026-06-10',
          });
          if (reply.status === 201) acked.transfers.set(reply.body.id, 'pending');
        } else {
          const id = pick(idsIn(acked.transfers, 'pending'));
          if (id === undefined) continue;
          reply = await http(base, 'POST', `/api/units/a/transfers/${id}/approve`, finance, {});
          if (reply.status === 200) acked.transfers.set(id, 'approved');
        }
        // The server died under this request: its fate is unknown, so it is not counted either way.
        if (reply.status === 0) return;
        if (reply.status >= 500) throw new Error(`server error ${reply.status}: ${JSON.stringify(reply.body)}`);
      }
    };

    const checkAfterRestart = async (round: number) => {
      const problems = await ledgerViolations(probe.db);
      const payments = new Map((await probe.db.selectFrom('payments').select(['id', 'status']).execute()).map((p) => [p.id, p.status]));
      for (const [id, status] of acked.payments) {
        const now = payments.get(id);
        const fine = status === 'pending' ? now !== undefined : status === 'approved' ? now === 'approved' || now === 'paid' : now === 'paid';
        if (!fine) problems.push(`acknowledged payment ${id} (${status}) is ${now ?? 'missing'} after restart`);
      }
      const transfers = new Map((await probe.db.selectFrom('transfers').select(['id', 'status']).execute()).map((t) => [t.id, t.status]));
      for (const [id, status] of acked.transfers) {
        const now = transfers.get(id);
        if (status === 'pending' ? now === undefined : now !== 'approved') problems.push(`acknowledged transfer ${id} (${status}) is ${now ?? 'missing'} after restart`);
      }
      // Each document exists together with its audit entry and its event, or not at all.
      const audited = new Set((await probe.db.selectFrom('audit_log').select(['entity', 'entity_id']).where('action', 'in', ['payment.submit', 'transfer.submit']).execute()).map((a) => `${a.entity}:${a.entity_id}`));
      for (const id of payments.keys()) if (!audited.has(`payment:${id}`)) problems.push(`payment ${id} has no audit entry`);
      for (const id of transfers.keys()) if (!audited.has(`transfer:${id}`)) problems.push(`transfer ${id} has no audit entry`);
      const submitted = await probe.db.selectFrom('outbox').select('payload').where('type', 'in', ['payment.submitted', 'transfer.submitted']).execute();
      if (submitted.length !== payments.size + transfers.size) problems.push(`${submitted.length} submission events for ${payments.size + transfers.size} documents`);
      expect(problems, `after restart ${round}`).toEqual([]);
    };

    for (let round = 1; round <= PROFILE.crashKills; round++) {
      let alive = true;
      const clients = Array.from({ length: 6 }, () => client(() => alive));
      // A random moment: early (mid-startup traffic) to late (many requests in flight).
      await new Promise((resolve) => setTimeout(resolve, 150 + random() * 900));
      await server!.kill('SIGKILL');
      alive = false;
      await Promise.all(clients);
      server = await startServer(db);
      base = server.base;
      await checkAfterRestart(round);
    }
    expect(acked.payments.size).toBeGreaterThan(PROFILE.crashKills);
    expect(idsIn(acked.payments, 'approved').length + idsIn(acked.payments, 'paid').length).toBeGreaterThan(0);
    expect(acked.transfers.size).toBeGreaterThan(0);

    // The outbox resumes: every payment and transfer event reaches the subscriber, none is lost.
    // Deliveries claimed by a killed process are taken over when their lease runs out (30 s).
    const events = await probe.db.selectFrom('outbox').select('event_id').where('unit_id', '=', 'a').where((eb) => eb.or([eb('type', 'like', 'payment.%'), eb('type', 'like', 'transfer.%')])).execute();
    const waitStarted = Date.now();
    const deadline = waitStarted + 90_000;
    let missing: string[] = [];
    for (;;) {
      const seen = new Set((await probe.db.selectFrom('plugin_docs').select('doc_id').where('plugin_id', '=', PLUGIN).execute()).map((d) => d.doc_id));
      missing = events.map((e) => e.event_id).filter((id) => !seen.has(id));
      if (missing.length === 0 || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(missing).toEqual([]);
    console.log(`crash: ${PROFILE.crashKills} kills; acknowledged ${acked.payments.size} payments (${idsIn(acked.payments, 'approved').length} approved, ${idsIn(acked.payments, 'paid').length} paid), ${acked.transfers.size} transfers (${idsIn(acked.transfers, 'approved').length} approved); ${events.length} events delivered, the last ${((Date.now() - waitStarted) / 1000).toFixed(1)} s after the final restart`);
    const deliveries = await probe.db.selectFrom('plugin_deliveries').select(['event_id', 'status']).where('plugin_id', '=', PLUGIN).execute();
    expect(deliveries.length).toBe(events.length);
    expect(deliveries.every((d) => d.status === 'done')).toBe(true);
  }, 600_000);
});
