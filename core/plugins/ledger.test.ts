import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { hostOf } from './host.js';
import { PAYMENT_PAGE_MAX, readPayments } from './ledger-read.js';
import { createTestEnv, TEST_TODAY, type TestEnv } from '../../test/support/kernel.js';
import { testBundle, TEST_LIMITS } from '../../test/support/plugins.js';

/**
 * The `ledger.read` host calls against a core seeded with half a year of budget work: each answer
 * is compared with the ledger itself, only ever for the unit the call is bound to.
 */
let env: TestEnv;
let sys: string;

const READER = `return { routes: {
  'POST read': async (req, host) => {
    const { method, arg } = req.body;
    const [group, name] = method.split('.');
    try { return { value: await host[group][name](arg) }; } catch (e) { return { error: { code: e.code, message: e.message } }; }
  },
  'POST walk': async (req, host) => {
    const ids = []; let afterId = 0;
    for (;;) {
      const page = await host.ledger.payments({ afterId, limit: req.body.limit });
      if (page.length === 0) break;
      for (const p of page) ids.push(p.id);
      afterId = page[page.length - 1].id;
    }
    return ids;
  },
} };`;

async function install(id: string, permissions: string[], units: string[]) {
  const bundle = testBundle(id, READER, { permissions: permissions as any, routes: [{ method: 'POST', path: 'read' }, { method: 'POST', path: 'walk' }] });
  let r = await env.call('POST', '/api/plugins', { token: sys, body: bundle });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  for (const unitId of units) {
    r = await env.call('POST', `/api/units/${unitId}/plugins/${id}/enable`, { token: await env.login(`${unitId}.admin`), body: { grants: permissions } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
}

async function read(method: string, arg?: unknown, unitId = 'a', pluginId = 'reader') {
  const r = await env.call('POST', `/api/units/${unitId}/plugins/${pluginId}/routes/read`, { token: await env.login(`${unitId}.staff`), body: { method, arg } });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { value?: any; error?: { code: string; message: string } };
}

beforeAll(async () => {
  env = await createTestEnv({}, { activity: true });
  hostOf(env.kernel, { ...TEST_LIMITS, timeoutMs: 5000 });
  sys = await env.login('sysadmin');
  expect((await env.call('PUT', '/api/plugins/trust', { token: sys, body: { allowUnsigned: true } })).status).toBe(200);
  await install('reader', ['ledger.read', 'routes'], ['a', 'b']);
  await install('no-ledger', ['routes'], ['a']);
}, 60_000);
afterAll(async () => env.close());

const paymentsOf = (unitId: string) => env.kernel.db.selectFrom('payments').selectAll().where('unit_id', '=', unitId).orderBy('id').execute();

describe('ledger.payments', () => {
  it('pages with afterId through every payment of the bound unit, in id order, and nothing of another unit', async () => {
    const mine = await paymentsOf('a');
    expect(mine.length).toBeGreaterThan(20);
    const r = await env.call('POST', '/api/units/a/plugins/reader/routes/walk', { token: await env.login('a.staff'), body: { limit: 7 } });
    expect(r.body).toEqual(mine.map((p) => p.id));
    const theirs = await paymentsOf('b');
    expect(theirs.length).toBeGreaterThan(0);
    const walkedB = await env.call('POST', '/api/units/b/plugins/reader/routes/walk', { token: await env.login('b.staff'), body: { limit: 5000 } });
    expect(walkedB.body).toEqual(theirs.map((p) => p.id));
  });

  it('returns newest first by default, with approval and payment times, and filters by status, year and dates', async () => {
    const mine = await paymentsOf('a');
    const latest = (await read('ledger.payments', { limit: 3 })).value;
    const newest = mine.slice(-3).reverse();
    expect(latest.map((p: any) => p.id)).toEqual(newest.map((p) => p.id));
    expect(latest[0]).toEqual({
      id: newest[0]!.id, indicatorId: newest[0]!.indicator_id, departmentId: newest[0]!.department_id, payeeName: newest[0]!.payee_name,
      purpose: newest[0]!.purpose, economicCode: newest[0]!.economic_code, amount: newest[0]!.amount, date: newest[0]!.date,
      status: newest[0]!.status, createdAt: newest[0]!.created_at, approvedAt: newest[0]!.approved_at, paidAt: newest[0]!.paid_at,
      docNo: newest[0]!.doc_no,
    });
    expect(latest[0].docNo).toMatch(/^ZF\d{4}-\d{4}$/);
    const paid = (await read('ledger.payments', { status: 'paid', afterId: 0, limit: 5000 })).value;
    expect(paid.map((p: any) => p.id)).toEqual(mine.filter((p) => p.status === 'paid').map((p) => p.id));
    expect(paid.every((p: any) => typeof p.approvedAt === 'string' && typeof p.paidAt === 'string')).toBe(true);
    const march = (await read('ledger.payments', { from: '2026-03-01', to: '2026-03-31', afterId: 0, limit: 5000 })).value;
    expect(march.map((p: any) => p.id)).toEqual(mine.filter((p) => p.date >= '2026-03-01' && p.date <= '2026-03-31').map((p) => p.id));
    expect(march.length).toBeGreaterThan(0);
    expect((await read('ledger.payments', { year: 2025, afterId: 0 })).value).toEqual([]);
    expect((await read('ledger.payments', { year: 2026, afterId: 0, limit: 5000 })).value).toHaveLength(mine.length);
  });

  it('refuses malformed new parameters (afterId, from, to) with a clear code and caps the page at 5000', async () => {
    for (const arg of [{ afterId: -1 }, { afterId: 'x' }, { afterId: 1.5 }, { from: '2026/01/01' }, { to: 20260101 }]) {
      expect((await read('ledger.payments', arg)).error?.code, JSON.stringify(arg)).toBe('PLUGIN_BAD_ARGUMENTS');
    }
    expect(PAYMENT_PAGE_MAX).toBe(5000);
    const huge = await readPayments(env.kernel.db, 'a', { afterId: 0, limit: 1_000_000 });
    expect(huge.length).toBe((await paymentsOf('a')).length);
  });
});

describe('ledger.payments by project (host API 1.1.0)', () => {
  it('answers only the payments drawn on the project’s indicators of the bound unit, and refuses a bad projectId', async () => {
    const rows = await env.kernel.db.selectFrom('payments').innerJoin('indicators', 'indicators.id', 'payments.indicator_id')
      .select(['payments.id', 'payments.unit_id', 'indicators.project_id']).where('indicators.project_id', 'is not', null).orderBy('payments.id').execute();
    const inA = rows.filter((r) => r.unit_id === 'a');
    expect(inA.length).toBeGreaterThan(0);
    const projectId = inA[0]!.project_id!;
    const got = (await read('ledger.payments', { projectId, afterId: 0, limit: 5000 })).value;
    expect(got.map((p: { id: number }) => p.id)).toEqual(inA.filter((r) => r.project_id === projectId).map((r) => r.id));
    // Another unit's project is not found from unit a (nor a's from b).
    const other = rows.find((r) => r.unit_id === 'b');
    if (other) expect((await read('ledger.payments', { projectId: other.project_id, afterId: 0 })).value).toEqual([]);
    expect((await read('ledger.payments', { projectId, afterId: 0 }, 'b')).value).toEqual([]);
    for (const bad of [0, -3, 1.5, '7']) expect((await read('ledger.payments', { projectId: bad })).error?.code, String(bad)).toBe('PLUGIN_BAD_ARGUMENTS');
  });
});

describe('filters of host API 1.0.0 stay tolerant', () => {
  // What ledger.payments and ledger.indicators accepted when they shipped must not start failing a
  // plugin: an uncaught refusal is a fault that counts toward the breaker.
  it('ledger.payments: a numeric-string limit is used, 0 or junk means the default page, out of range is clamped', async () => {
    const mine = await paymentsOf('a');
    const newest = (n: number) => mine.slice(-n).reverse().map((p) => p.id);
    const ids = async (arg: unknown) => {
      const r = await read('ledger.payments', arg);
      expect(r.error, JSON.stringify(arg)).toBeUndefined();
      return (r.value as Array<{ id: number }>).map((p) => p.id);
    };
    expect(await ids({ limit: '3' })).toEqual(newest(3));
    expect(await ids({ limit: 2.7 })).toEqual(newest(2));
    expect(await ids({ limit: -4 })).toEqual(newest(1));
    expect(mine.length).toBeLessThan(500);
    for (const limit of [0, 'many', null, true]) expect(await ids({ limit }), String(limit)).toEqual(newest(mine.length));
    const huge = await readPayments(env.kernel.db, 'a', { limit: '1000000' });
    expect(huge.length).toBe(mine.length);
  });

  it('ledger.payments: an unknown status matches nothing, a non-string status and a junk year are ignored, a numeric-string year filters', async () => {
    const mine = await paymentsOf('a');
    expect((await read('ledger.payments', { status: 'lost' })).value).toEqual([]);
    expect((await read('ledger.payments', { status: 7, limit: 5000 })).value).toHaveLength(mine.length);
    expect((await read('ledger.payments', { year: '2026', afterId: 0, limit: 5000 })).value).toHaveLength(mine.filter((p) => p.date.startsWith('2026-')).length);
    expect((await read('ledger.payments', { year: '2025' })).value).toEqual([]);
    expect((await read('ledger.payments', { year: 26 })).value).toEqual([]);
    expect((await read('ledger.payments', { year: 'this one', limit: 5000 })).value).toHaveLength(mine.length);
  });

  it('ledger.indicators: a numeric-string year filters like a number, a junk year is ignored, a year without indicators is empty', async () => {
    const all = await env.kernel.db.selectFrom('indicators').select('id').where('unit_id', '=', 'a').orderBy('id').execute();
    const in2026 = await env.kernel.db.selectFrom('indicators').select('id').where('unit_id', '=', 'a').where('year', '=', 2026).orderBy('id').execute();
    expect(in2026.length).toBeGreaterThan(0);
    const ids = async (arg: unknown) => ((await read('ledger.indicators', arg)).value as Array<{ id: number }>).map((i) => i.id);
    expect(await ids({ year: '2026' })).toEqual(in2026.map((i) => i.id));
    expect(await ids({ year: 2026 })).toEqual(in2026.map((i) => i.id));
    expect(await ids({ year: 'current' })).toEqual(all.map((i) => i.id));
    expect(await ids({ year: 26 })).toEqual([]);
    expect(await ids({ year: 2026.5 })).toEqual([]);
  });
});

describe('ledger.departments, ledger.transfers', () => {
  it('lists the bound unit’s departments and transfers only', async () => {
    const departments = (await read('ledger.departments')).value;
    const rows = await env.kernel.db.selectFrom('departments').select(['id', 'code', 'name']).where('unit_id', '=', 'a').orderBy('code').execute();
    expect(departments).toEqual(rows);
    expect((await read('ledger.departments', undefined, 'b')).value.map((d: any) => d.id)).not.toContain(rows[0]!.id);
    const transfers = (await read('ledger.transfers', { year: 2026 })).value;
    const mine = await env.kernel.db.selectFrom('transfers').selectAll().where('unit_id', '=', 'a').orderBy('id').execute();
    expect(mine.length).toBeGreaterThan(0);
    expect(transfers).toEqual(mine.map((t) => ({
      id: t.id, fromIndicatorId: t.from_indicator_id, toIndicatorId: t.to_indicator_id, amount: t.amount, reason: t.reason, date: t.date, status: t.status, decidedAt: t.decided_at, docNo: t.doc_no,
    })));
    expect(transfers.every((t: any) => /^TJ2026-\d{4}$/.test(t.docNo))).toBe(true);
    const approved = (await read('ledger.transfers', { status: 'approved' })).value;
    expect(approved.map((t: any) => t.id)).toEqual(mine.filter((t) => t.status === 'approved').map((t) => t.id));
    expect((await read('ledger.transfers', { status: 'nope' })).error?.code).toBe('PLUGIN_BAD_ARGUMENTS');
  });
});

describe('ledger.executionReport', () => {
  it('is the ledger’s execution report of the bound unit, with the month’s payments per indicator', async () => {
    const month = TEST_TODAY.getUTCMonth(); // May: a closed-through month with payments
    const report = (await read('ledger.executionReport', { year: 2026, month })).value;
    const page = await env.call('GET', `/api/units/a/reports/execution?year=2026&month=${month}`, { token: await env.login('a.finance') });
    expect(page.status).toBe(200);
    expect(report.title).toBe(page.body.title);
    expect(report.totals).toMatchObject({ budget: page.body.totals.budget, paid: page.body.totals.paid, executionRate: page.body.totals.rate });
    const byIndicator = page.body.tables.find((t: any) => t.id === 'by_indicator').rows.slice(0, -1);
    expect(report.rows.map((r: any) => [r.code, r.budget, r.paidToDate])).toEqual(byIndicator.map((r: any) => [r.code, r.budget, r.paid]));
    const indicators = await env.kernel.db.selectFrom('indicators').select(['id', 'code']).where('unit_id', '=', 'a').where('year', '=', 2026).execute();
    for (const row of report.rows) expect(indicators.find((i) => i.code === row.code)?.id).toBe(row.indicatorId);
    expect(report.byMonth).toHaveLength(month);
    const inMonth = report.rows.reduce((s: number, r: any) => s + r.paidInMonth, 0);
    expect(inMonth).toBe(report.byMonth[month - 1].paid);
    expect(inMonth).toBeGreaterThan(0);
    expect(report.byDepartment.every((d: any) => typeof d.departmentId === 'number')).toBe(true);
    // Unit b sees its own report, never a's rows.
    const other = (await read('ledger.executionReport', { year: 2026, month }, 'b')).value;
    const aIds = new Set(report.rows.map((r: any) => r.indicatorId));
    expect(other.rows.some((r: any) => aIds.has(r.indicatorId))).toBe(false);
    const january = (await read('ledger.executionReport', { year: 2026, month: 1 })).value;
    expect(january.byMonth).toHaveLength(1);
    expect(january.rows.every((r: any) => r.paidInMonth === r.paidToDate)).toBe(true);
    // Without a month: the whole of a past year.
    expect((await read('ledger.executionReport', { year: 2025 })).value).toMatchObject({ year: 2025, month: 12, rows: [] });
    expect((await read('ledger.executionReport', { year: 2026, month: 13 })).error?.code).toBe('PLUGIN_BAD_ARGUMENTS');
    expect((await read('ledger.executionReport', {})).error?.code).toBe('PLUGIN_BAD_ARGUMENTS');
  });
});

describe('permission', () => {
  it('every new ledger call needs ledger.read', async () => {
    for (const method of ['ledger.payments', 'ledger.departments', 'ledger.transfers', 'ledger.executionReport']) {
      const r = await read(method, { year: 2026 }, 'a', 'no-ledger');
      expect(r.error?.code, method).toBe('PLUGIN_PERMISSION_DENIED');
    }
  });
});

describe('a million payments', () => {
  it('keyset pages walk 1,000,000 rows through the (unit_id, id) index', async () => {
    const a = (await paymentsOf('a'))[0]!;
    const before = (await paymentsOf('a')).length;
    const pg = env.kernel.dialect === 'postgres';
    const numbers = pg ? sql`generate_series(1, 1000000) as n(i)` : sql`n`;
    await sql`
      ${pg ? sql`` : sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 1000000)`}
      insert into payments (unit_id, indicator_id, department_id, payee_name, payee_account, payee_bank, purpose, economic_code, amount, date, status,
        procurement, contract_no, standard, attachments, warnings, override_reason, created_by, created_at, approved_at, paid_at, closed_at)
      select 'b', ${a.indicator_id}, ${a.department_id}, 'bulk', '', '', 'bulk', ${a.economic_code}, 100, '2026-02-01', 'withdrawn',
        0, null, null, '[]', '[]', null, ${a.created_by}, '2026-02-01T00:00:00.000Z', null, null, ${a.created_at}
      from ${numbers}`.execute(env.kernel.db);
    const query = sql`select * from payments where unit_id = 'b' and id > 5 order by id limit 5000`;
    if (pg) {
      await sql`analyze payments`.execute(env.kernel.db);
      const plan = (await sql<{ 'QUERY PLAN': string }>`explain ${query}`.execute(env.kernel.db)).rows.map((r) => r['QUERY PLAN']).join(' ');
      expect(plan).toMatch(/Index Scan using (payments_unit_id|payments_pkey)/);
      expect(plan).not.toMatch(/Sort/);
    } else {
      const plan = (await sql<{ detail: string }>`explain query plan ${query}`.execute(env.kernel.db)).rows.map((r) => r.detail).join(' ');
      expect(plan).toMatch(/payments_unit_id|INTEGER PRIMARY KEY/);
      expect(plan).not.toContain('TEMP B-TREE');
    }
    let afterId = 0;
    let seen = 0;
    let pages = 0;
    let last = 0;
    for (;;) {
      const page = await readPayments(env.kernel.db, 'b', { afterId, limit: 5000 });
      if (page.length === 0) break;
      expect(page[0]!.id).toBeGreaterThan(last);
      seen += page.length;
      pages += 1;
      afterId = last = page[page.length - 1]!.id;
    }
    const bPayments = await env.kernel.db.selectFrom('payments').select(sql<number>`count(*)`.as('n')).where('unit_id', '=', 'b').executeTakeFirstOrThrow();
    expect(seen).toBe(Number(bPayments.n));
    expect(seen).toBeGreaterThanOrEqual(1_000_000);
    expect(pages).toBe(Math.ceil(seen / 5000));
    // The sandbox sees the same page deep in the table; unit a is untouched by b's million.
    const deep = (await read('ledger.payments', { afterId: last - 10, limit: 5000 }, 'b')).value;
    expect(deep.map((p: any) => p.id)).toEqual(Array.from({ length: 10 }, (_, k) => last - 9 + k));
    expect((await paymentsOf('a')).length).toBe(before);
  }, 240_000);
});
