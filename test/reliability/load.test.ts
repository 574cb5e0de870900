import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kernel } from '../../core/kernel.js';
import { testBundle } from '../support/plugins.js';
import { ledgerViolations } from './invariants.js';
import { LONG, PROFILE } from './profile.js';
import { createTestDatabase, http, login, startServer, type ServerProcess, type TestDatabase } from './server.js';

/**
 * Sustained mixed traffic on the real server (a child process): dashboard and report reads,
 * payment submissions through a sandboxed payment.validate plugin, approvals. No answer may be an
 * error, and the server's memory must not trend upwards. Then SIGTERM with requests in flight:
 * each of them is answered, the process exits 0, and what it acknowledged is in the database.
 */
let db: TestDatabase;
let server: ServerProcess;
let probe: Kernel;
let indicatorIds: number[] = [];
const tokens: Record<string, string> = {};
const token = (user: string) => tokens[user]!;

beforeAll(async () => {
  db = await createTestDatabase();
  // A short drain period: the shutdown test keeps a realtime stream open, which only the drain deadline ends.
  server = await startServer(db, { UNIBUDGET_DRAIN_MS: '1500' });
  probe = await db.open();
  const base = server.base;
  for (const user of ['sysadmin', 'a.admin', 'a.staff', 'a.finance', 'a.leader', 'a.auditor']) tokens[user] = await login(base, user);
  const flow = await http(base, 'PUT', '/api/units/a/approval-flows/payment', token('a.admin'), { name: '单级审批', steps: [{ role: 'finance_officer', label: '财务审核' }] });
  expect(flow.status).toBe(200);
  // A validator on every payment, as a unit with plugins on runs it: warns above 5 000 yuan.
  expect((await http(base, 'PUT', '/api/plugins/trust', token('sysadmin'), { allowUnsigned: true })).status).toBe(200);
  const bundle = testBundle('load-check', "return { validators: { 'payment.validate': (input) => input.document.amount > 500000 ? { result: 'warn', message: '大额支付' } : { result: 'ok' } } };", { permissions: ['validators'], validators: ['payment.validate'] });
  expect((await http(base, 'POST', '/api/plugins', token('sysadmin'), bundle)).status).toBe(201);
  expect((await http(base, 'POST', '/api/units/a/plugins/load-check/enable', token('a.admin'), { grants: ['validators'] })).status).toBe(200);
  const department = await probe.db.selectFrom('departments').select('id').where('unit_id', '=', 'a').where('code', '=', '03').executeTakeFirstOrThrow();
  indicatorIds = [];
  for (let i = 0; i < 4; i++) {
    const made = await http(base, 'POST', '/api/units/a/indicators', token('a.finance'), {
      year: 2026, name: `负载测试${i}`, departmentId: department.id, projectId: null, expenditureKind: 'operating', functionalCode: '2050101',
      economicCode: '30201', fundSourceCode: '11', amount: 9_000_000_000, date: '2026-06-01', isFlexibleReserve: false,
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    indicatorIds.push(made.body.id);
  }
}, 120_000);
afterAll(async () => {
  await server?.kill('SIGKILL');
  await probe?.close();
  await db?.drop();
});

/** The server child's resident memory: /proc on Linux, ps elsewhere (macOS developers). */
function rssBytes(pid: number): number {
  if (fs.existsSync(`/proc/${pid}/status`)) {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) * 1024;
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) * 1024;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe(`sustained mixed load (${PROFILE.loadSeconds} s)`, () => {
  it('answers every request without an error, with no memory growth trend', async () => {
    const base = server.base;
    const errors: string[] = [];
    const counts = { reads: 0, submitted: 0, approved: 0 };
    const until = Date.now() + PROFILE.loadSeconds * 1000;
    const reads = [
      '/api/units/a/indicators', '/api/units/a/reports/execution?year=2026', '/api/units/a/approvals/inbox',
      '/api/units/a/trial-balance?track=budgetary&year=2026', '/api/units/a/payments?status=pending', '/api/me',
    ];
    const note = (what: string, reply: { status: number; body: unknown }) => {
      if (reply.status >= 400 || reply.status === 0) errors.push(`${what} → ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
    };
    const reader = async (user: string) => {
      for (let i = 0; Date.now() < until; i++) {
        const path = reads[i % reads.length]!;
        note(path, await http(base, 'GET', path, token(user)));
        counts.reads++;
      }
    };
    const writer = async (n: number) => {
      for (let i = 0; Date.now() < until; i++) {
        const submitted = await http(base, 'POST', '/api/units/a/payments', token('a.staff'), {
          indicatorId: indicatorIds[(n + i) % indicatorIds.length], payeeName: '负载测试供应商', purpose: '负载测试', amount: i % 10 === 0 ? 600_000 : 1_000 + i, date: '2026-06-10',
        });
        note('submit', submitted);
        if (submitted.status !== 201) continue;
        counts.submitted++;
        const approved = await http(base, 'POST', `/api/units/a/payments/${submitted.body.id}/approve`, token('a.finance'), { comment: '同意' });
        note('approve', approved);
        if (approved.status === 200) counts.approved++;
      }
    };
    const samples: number[] = [];
    const sampler = (async () => {
      while (Date.now() < until) {
        samples.push(rssBytes(server.child.pid!));
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    })();
    await Promise.all([reader('a.finance'), reader('a.leader'), reader('a.auditor'), writer(0), writer(1), writer(2), writer(3), sampler]);

    expect(errors.slice(0, 10)).toEqual([]);
    expect(counts.submitted).toBeGreaterThan(10);
    expect(counts.approved).toBe(counts.submitted);
    // The validator ran on every payment: the large ones carry its warning.
    const warned = await probe.db.selectFrom('payments').select('warnings').where('amount', '=', 600_000).execute();
    expect(warned.length).toBeGreaterThan(0);
    expect(warned.every((p) => p.warnings.includes('大额支付'))).toBe(true);

    // Memory: after warm-up, the last third of the run sits no higher than the middle third,
    // within a tolerance for allocator noise (a leak grows with every request and fails this).
    const third = Math.floor(samples.length / 3);
    const middle = median(samples.slice(third, 2 * third));
    const last = median(samples.slice(2 * third));
    const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
    console.log(`load: ${counts.reads} reads, ${counts.submitted} payments submitted and approved in ${PROFILE.loadSeconds} s; server RSS median ${mb(middle)} MB (middle third) → ${mb(last)} MB (last third), max ${mb(Math.max(...samples))} MB`);
    expect(samples.length).toBeGreaterThan(12);
    expect(last).toBeLessThanOrEqual(middle * (LONG ? 1.1 : 1.25) + 16 * 1024 * 1024);
    expect(await ledgerViolations(probe.db)).toEqual([]);
  }, 600_000);

  it('on SIGTERM finishes the requests in flight, ends open streams after the drain period, then exits 0 with the database closed', async () => {
    const { port, hostname } = new URL(server.base);
    let terminatedAt = 0;
    // Connections the server has already accepted and served (keep-alive), so every request below is
    // on an open connection and fully written before the signal: none can be lost in the listen queue.
    const agent = new Agent({ keepAlive: true, maxSockets: 100 });
    await Promise.all(Array.from({ length: 100 }, () => new Promise<void>((resolve, reject) => {
      httpRequest({ host: hostname, port: Number(port), path: '/api/health', agent }, (res) => res.resume().on('end', resolve)).on('error', reject).end();
    })));
    const send = (method: string, path: string, token: string, body?: unknown) =>
      new Promise<{ status: number; body: any; at: number; written: Promise<void> }>((resolve) => {
        let markWritten!: () => void;
        const written = new Promise<void>((r) => { markWritten = r; });
        const payload = body === undefined ? undefined : JSON.stringify(body);
        const req = httpRequest({
          host: hostname, port: Number(port), method, path, agent,
          headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}) },
        }, (res) => {
          let text = '';
          res.on('data', (chunk) => { text += chunk; });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null, at: Date.now(), written }));
        });
        req.on('finish', () => markWritten());
        req.on('error', (error) => resolve({ status: 0, body: String(error), at: Date.now(), written }));
        req.end(payload);
        pending.push(written);
      });
    // A browser tab's realtime stream (the notification bell): it never ends by itself.
    const stream = await fetch(`${server.base}/api/units/a/realtime?channel=core:notifications`, { headers: { authorization: `Bearer ${token('a.staff')}` } });
    expect(stream.status).toBe(200);
    const reader = stream.body!.getReader();
    let text = '';
    while (!text.includes('event: ready')) text += new TextDecoder().decode((await reader.read()).value);
    const streamEnded = (async () => {
      try {
        while (!(await reader.read()).done);
      } catch {
        // a reset ends it too
      }
    })();
    const pending: Promise<void>[] = [];
    const replies = [
      ...Array.from({ length: 80 }, (_, i) => send('POST', '/api/units/a/payments', token('a.staff'), {
        indicatorId: indicatorIds[i % indicatorIds.length], payeeName: '停机测试', purpose: '优雅停机', amount: 2_000 + i, date: '2026-06-10',
      })),
      ...Array.from({ length: 20 }, () => send('GET', '/api/units/a/reports/execution?year=2026', token('a.finance'))),
    ];
    await Promise.all(pending);
    // Every request is on the wire, on a connection the server holds: stop it now.
    terminatedAt = Date.now();
    server.child.kill('SIGTERM');
    const answers = await Promise.all(replies);
    const code = await server.exited;
    await streamEnded;

    expect(answers.filter((a) => a.status !== 201 && a.status !== 200).map((a) => `${a.status} ${JSON.stringify(a.body)}`)).toEqual([]);
    expect(answers.filter((a) => a.at > terminatedAt).length).toBeGreaterThan(0);
    expect(code).toBe(0);
    expect(server.output()).toMatch(/SIGTERM: finishing in-flight requests…[\s\S]*stopped/);
    const ids = answers.filter((a) => a.status === 201).map((a) => a.body.id as number);
    const stored = await probe.db.selectFrom('payments').select('id').where('id', 'in', ids).execute();
    expect(stored.length).toBe(80);
    expect((await http(server.base, 'GET', '/api/health')).status).toBe(0);
    agent.destroy();
    expect(await ledgerViolations(probe.db)).toEqual([]);
  }, 120_000);
});
