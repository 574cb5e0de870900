import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { runCommand } from '../../db/command.js';
import { coreMetrics } from '../../health/metrics.js';
import { authenticate } from '../../accounts/service.js';
import { authorizeUnit, type Actor, type UnitScope } from '../../permissions/service.js';
import type { Permission } from '../../permissions/roles.js';
import { createFiscalYear } from '../../periods/service.js';
import { approveRequest, createRequest, returnRequest, submitRequest } from '../preparation/lifecycle.js';
import { createTestEnv, footprint, refusedWithoutTrace, type TestEnv } from '../../../test/support/kernel.js';
import { departmentId } from '../../../test/support/ledger.js';
import { applyMovement, availableOf, findIndicator, indicatorDetail, issueIndicator, listIndicators, lockIndicator, type IssueInput, type Movement } from './service.js';

/**
 * 预算指标, unit by unit: the indicator service's commands run through runCommand as the route
 * would run them, and its reads and department scope through HTTP. The demo is seeded without
 * activity as of 2026-06-15: January to April of 2026 are closed in units a and b.
 */

let env: TestEnv;
let dept03: number;
let dept01: number;

beforeAll(async () => {
  env = await createTestEnv();
  dept03 = await departmentId(env, 'a', '03');
  dept01 = await departmentId(env, 'a', '01');
  // Sign-ins are audited: sign everyone in up front so "nothing written" checks see only the command.
  for (const username of ['a.finance', 'a.staff', 'a.leader', 'b.finance']) await env.login(username);
});
afterAll(async () => env.close());

async function as(username: string, permission: Permission): Promise<{ actor: Actor; scope: UnitScope }> {
  const actor = await authenticate(env.kernel, await env.login(username));
  const scope = await authorizeUnit(env.kernel.db, actor, username.split('.')[0]!, permission);
  return { actor, scope };
}

function issueInput(overrides: Partial<IssueInput> = {}): IssueInput {
  return {
    year: 2026, name: '办公经费', departmentId: dept03, expenditureKind: 'operating', functionalCode: '2050101',
    economicCode: '30201', fundSourceCode: '11', amount: 1_000_000, date: '2026-06-01', refType: 'direct', ...overrides,
  };
}

async function issue(overrides: Partial<IssueInput> = {}) {
  const { actor, scope } = await as('a.finance', 'indicator.issue');
  return runCommand(env.kernel, (tx) => issueIndicator(tx, actor, scope, issueInput(overrides)));
}

/** One movement in its own command, as the payment, adjustment and transfer commands apply them. */
async function move(id: number, kind: Movement['kind'], amount: number, extra: Partial<Movement> = {}) {
  return runCommand(env.kernel, async (tx) => {
    const indicator = await lockIndicator(tx, 'a', id);
    return applyMovement(tx, { indicator, kind, amount, refType: 'payment', refId: 1, date: '2026-06-20', actorId: null, ...extra });
  });
}

/** Proves a refused command wrote nothing: the error's code, and every table and the audit head unchanged. */
async function refusedUnchanged(run: () => Promise<unknown>, code: string) {
  const before = await footprint(env);
  await expect(run()).rejects.toMatchObject({ code });
  expect(await footprint(env)).toEqual(before);
}

const balanceOf = async (id: number) => {
  const row = await findIndicator(env.kernel.db, 'a', id);
  return { issued: row.issued_amount, adjusted: row.adjusted_amount, frozen: row.frozen_amount, paid: row.paid_amount, available: availableOf(row) };
};

describe('issuing an indicator (下达)', () => {
  it('creates the quota with one issue movement, its audit entry, its event and both accounting tracks', async () => {
    const { actor } = await as('a.finance', 'indicator.issue');
    const view = await issue({ amount: 1_234_567 });
    expect(view).toMatchObject({
      unitId: 'a', year: 2026, name: '办公经费', departmentId: dept03, projectId: null, expenditureKind: 'operating',
      economicCode: '30201', issued: 1_234_567, adjusted: 0, amount: 1_234_567, frozen: 0, paid: 0, available: 1_234_567,
      isFlexibleReserve: false, sourceLineId: null, carriedFromId: null,
    });
    expect(view.code).toMatch(/^ZB2026-\d{4}$/);
    const next = await issue({ amount: 1 });
    expect(Number(next.code.slice(-4))).toBe(Number(view.code.slice(-4)) + 1);

    const detail = await indicatorDetail(env.kernel.db, 'a', view.id);
    expect(detail.movements).toEqual([
      expect.objectContaining({ kind: 'issue', amount: 1_234_567, refType: 'direct', refId: view.id, date: '2026-06-01', actorId: actor.userId, counterpartIndicatorId: null }),
    ]);
    expect(detail.origins).toEqual([{ indicatorId: view.id, code: view.code, via: 'issue', amount: 1_234_567, sourceLineId: null, budgetRequestId: null }]);

    const audit = await env.kernel.db.selectFrom('audit_log').selectAll().where('action', '=', 'indicator.issue').where('entity_id', '=', String(view.id)).execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ unit_id: 'a', entity: 'indicator', actor_id: actor.userId, actor_name: 'a.finance' });
    expect(JSON.parse(audit[0]!.after_json)).toEqual(JSON.parse(JSON.stringify(view)));
    const events = await env.kernel.db.selectFrom('outbox').selectAll().where('type', '=', 'indicator.issued').where('unit_id', '=', 'a').execute();
    expect(events.map((e) => JSON.parse(e.payload))).toContainEqual({ indicator: JSON.parse(JSON.stringify(view)) });

    const movementId = detail.movements[0]!.id;
    const entries = await env.kernel.db.selectFrom('journal_entries').selectAll().where('source_type', '=', 'issue').where('source_id', '=', movementId).execute();
    expect(entries.map((e) => e.track).sort()).toEqual(['budgetary', 'financial']);
  });

  it('refuses a closed period, an unknown class, a foreign department and a date outside the year, writing nothing', async () => {
    await refusedUnchanged(() => issue({ date: '2026-03-15' }), 'PERIOD_CLOSED');
    await refusedUnchanged(() => issue({ economicCode: '30298' }), 'CLASSIFICATION_NOT_FOUND');
    await refusedUnchanged(() => issue({ functionalCode: '2999999' }), 'CLASSIFICATION_NOT_FOUND');
    await refusedUnchanged(() => issue({ fundSourceCode: '99' }), 'CLASSIFICATION_NOT_FOUND');
    const foreign = await departmentId(env, 'b', '03');
    await refusedUnchanged(() => issue({ departmentId: foreign }), 'DEPARTMENT_NOT_FOUND');
    await refusedUnchanged(() => issue({ date: '2027-06-01' }), 'YEAR_MISMATCH');
    await refusedUnchanged(() => issue({ year: 2031, date: '2031-06-01' }), 'FISCAL_YEAR_NOT_FOUND');
  });

  it('refuses the same over HTTP with the stable code, and staff without indicator.issue', async () => {
    const body = { ...issueInput({ date: '2026-04-30' }), refType: undefined };
    const token = await env.login('a.finance');
    const closed = await refusedWithoutTrace(env, () => env.call('POST', '/api/units/a/indicators', { token, body }), 422, 'PERIOD_CLOSED');
    expect(closed.body.error.details).toMatchObject({ year: 2026, month: 4 });
    const badClass = await refusedWithoutTrace(
      env, () => env.call('POST', '/api/units/a/indicators', { token, body: { ...body, date: '2026-06-01', economicCode: '30298' } }), 422, 'CLASSIFICATION_NOT_FOUND',
    );
    expect(badClass.body.error.details).toMatchObject({ kind: 'economic', code: '30298', year: 2026 });
    await refusedWithoutTrace(
      env, async () => env.call('POST', '/api/units/a/indicators', { token: await env.login('a.staff'), body: { ...body, date: '2026-06-01' } }), 403, 'FORBIDDEN',
    );
    await refusedWithoutTrace(
      env, async () => env.call('POST', '/api/units/a/indicators', { token: await env.login('b.finance'), body: { ...body, date: '2026-06-01' } }), 403, 'FORBIDDEN',
    );
  });
});

describe('movements name their documents by number and their counterparts by code (issue 20)', () => {
  it('a transfer movement shows the transfer’s TJ number and the other indicator’s code; another unit’s document is never named', async () => {
    const { id } = await issue({ amount: 1_000 });
    const other = await issue({ amount: 1_000 });
    const creator = await env.kernel.db.selectFrom('users').select('id').where('username', '=', 'a.finance').executeTakeFirstOrThrow();
    const row = (unit: string, docNo: string) => ({
      unit_id: unit, from_indicator_id: id, to_indicator_id: other.id, amount: 100, reason: '调剂', date: '2026-06-20', status: 'approved' as const,
      fast_track: 0, warnings: '[]', created_by: creator.id, created_at: '2026-06-20T00:00:00Z', decided_at: null, doc_no: docNo,
    });
    const mine = await env.kernel.db.insertInto('transfers').values(row('a', 'TJ2026-0901')).returning('id').executeTakeFirstOrThrow();
    const theirs = await env.kernel.db.insertInto('transfers').values(row('b', 'TJ2026-0902')).returning('id').executeTakeFirstOrThrow();
    await move(id, 'transfer_out', 100, { refType: 'transfer', refId: mine.id, counterpartIndicatorId: other.id });
    await move(id, 'transfer_out', 100, { refType: 'transfer', refId: theirs.id, counterpartIndicatorId: other.id });
    const detail = await indicatorDetail(env.kernel.db, 'a', id);
    expect(detail.movements.map((m) => [m.kind, m.refNo, m.counterpartCode])).toEqual([
      ['issue', null, null], ['transfer_out', 'TJ2026-0901', other.code], ['transfer_out', null, other.code],
    ]);
    // Issued from the original budget: the budget request's YS number, the same one its page shows.
    const line = await env.kernel.db.selectFrom('indicator_movements').innerJoin('budget_request_lines', 'budget_request_lines.id', 'indicator_movements.ref_id')
      .innerJoin('budget_requests', 'budget_requests.id', 'budget_request_lines.request_id')
      .select(['indicator_movements.indicator_id as indicatorId', 'budget_requests.doc_no as docNo'])
      .where('indicator_movements.unit_id', '=', 'a').where('indicator_movements.ref_type', '=', 'budget_line').executeTakeFirst();
    if (line) {
      const issued = await indicatorDetail(env.kernel.db, 'a', line.indicatorId);
      expect(issued.movements.find((m) => m.refType === 'budget_line')!.refNo).toBe(line.docNo);
      expect(line.docNo).toMatch(/^YS\d{4}-\d{4}$/);
    }
  });
});

describe('movements and the balance (available = issued + adjustments − frozen − paid)', () => {
  it('keeps every total and the available balance exact through freeze, pay, release, 追加/追减 and transfers', async () => {
    const { id } = await issue({ amount: 10_000 });
    const other = await issue({ amount: 500 });
    expect(await balanceOf(id)).toEqual({ issued: 10_000, adjusted: 0, frozen: 0, paid: 0, available: 10_000 });

    await move(id, 'freeze', 3_000);
    expect(await balanceOf(id)).toEqual({ issued: 10_000, adjusted: 0, frozen: 3_000, paid: 0, available: 7_000 });
    await move(id, 'pay', 2_000);
    expect(await balanceOf(id)).toEqual({ issued: 10_000, adjusted: 0, frozen: 1_000, paid: 2_000, available: 7_000 });
    await move(id, 'release', 1_000);
    expect(await balanceOf(id)).toEqual({ issued: 10_000, adjusted: 0, frozen: 0, paid: 2_000, available: 8_000 });
    await move(id, 'adjust', 5_000, { refType: 'adjustment' });
    expect(await balanceOf(id)).toEqual({ issued: 10_000, adjusted: 5_000, frozen: 0, paid: 2_000, available: 13_000 });
    await move(id, 'adjust', -4_000, { refType: 'adjustment' });
    expect(await balanceOf(id)).toEqual({ issued: 10_000, adjusted: 1_000, frozen: 0, paid: 2_000, available: 9_000 });
    await move(id, 'transfer_out', 2_500, { refType: 'transfer', counterpartIndicatorId: other.id });
    await move(other.id, 'transfer_in', 2_500, { refType: 'transfer', counterpartIndicatorId: id });
    expect(await balanceOf(id)).toEqual({ issued: 10_000, adjusted: -1_500, frozen: 0, paid: 2_000, available: 6_500 });
    expect(await balanceOf(other.id)).toEqual({ issued: 500, adjusted: 2_500, frozen: 0, paid: 0, available: 3_000 });

    const detail = await indicatorDetail(env.kernel.db, 'a', id);
    expect(detail.movements.map((m) => [m.kind, m.amount])).toEqual([
      ['issue', 10_000], ['freeze', 3_000], ['pay', 2_000], ['release', 1_000], ['adjust', 5_000], ['adjust', -4_000], ['transfer_out', 2_500],
    ]);
    expect(detail).toMatchObject({ issued: 10_000, adjusted: -1_500, amount: 8_500, frozen: 0, paid: 2_000, available: 6_500 });
    // Each movement tells the plugins the balance it left.
    const changed = await env.kernel.db.selectFrom('outbox').select('payload').where('type', '=', 'indicator.changed').orderBy('id').execute();
    const mine = changed.map((e) => JSON.parse(e.payload)).filter((p) => p.indicatorId === id);
    expect(mine.map((p) => [p.kind, p.available])).toEqual([
      ['freeze', 7_000], ['pay', 7_000], ['release', 8_000], ['adjust', 13_000], ['adjust', 9_000], ['transfer_out', 6_500],
    ]);
  });

  it('reads the detail in one statement, movements oldest first with their types, and never rounds an amount', async () => {
    const { id } = await issue({ amount: 7_000 });
    await move(id, 'freeze', 1_234);
    const before = coreMetrics.statements.count;
    const detail = await indicatorDetail(env.kernel.db, 'a', id);
    expect(coreMetrics.statements.count - before).toBe(1);
    expect(detail.movements.map((m) => [m.kind, m.amount, typeof m.id, typeof m.actorId, m.date])).toEqual([
      ['issue', 7_000, 'number', 'number', '2026-06-01'], ['freeze', 1_234, 'number', 'object', '2026-06-20'],
    ]);
    await expect(indicatorDetail(env.kernel.db, 'a', 999_999_999)).rejects.toMatchObject({ code: 'INDICATOR_NOT_FOUND' });
    await expect(indicatorDetail(env.kernel.db, 'b', id)).rejects.toMatchObject({ code: 'INDICATOR_NOT_FOUND' });
    // An amount past 2^53 (written around the service, which refuses it) fails the read, never rounded.
    const movement = detail.movements[1]!.id;
    await env.kernel.db.updateTable('indicator_movements').set({ amount: sql`9007199254740993` as never }).where('id', '=', movement).execute();
    await expect(indicatorDetail(env.kernel.db, 'a', id)).rejects.toThrow(/out of safe range/);
    await env.kernel.db.updateTable('indicator_movements').set({ amount: 1_234 }).where('id', '=', movement).execute();
  });

  it('answers the balance alone over HTTP (…/balance): the detail without movements and origins, in one statement', async () => {
    const { id } = await issue({ amount: 9_000 });
    await move(id, 'freeze', 2_500);
    const token = await env.login('a.finance');
    await env.call('GET', `/api/units/a/indicators/${id}/balance`, { token }); // the credential and the unit's path are remembered
    const before = coreMetrics.statements.count;
    const balance = await env.call('GET', `/api/units/a/indicators/${id}/balance`, { token });
    expect(coreMetrics.statements.count - before).toBe(1);
    expect(balance.status).toBe(200);
    const { movements, origins, ...view } = (await env.call('GET', `/api/units/a/indicators/${id}`, { token })).body;
    expect(movements.length).toBe(2);
    expect(origins.length).toBeGreaterThan(0);
    expect(balance.body).toEqual(view);
    expect(balance.body).toMatchObject({ id, issued: 9_000, frozen: 2_500, paid: 0, available: 6_500 });
    const refused = async (path: string, who: string | null, status: number, code: string) => {
      const answer = await env.call('GET', path, { token: who ? await env.login(who) : undefined });
      expect([answer.status, answer.body.error?.code]).toEqual([status, code]);
    };
    await refused(`/api/units/a/indicators/999999999/balance`, 'a.finance', 404, 'INDICATOR_NOT_FOUND');
    await refused(`/api/units/a/indicators/abc/balance`, 'a.finance', 400, 'VALIDATION_FAILED');
    await refused(`/api/units/a/indicators/${id}/balance`, null, 401, 'UNAUTHENTICATED');
    await refused(`/api/units/a/indicators/${id}/balance`, 'b.finance', 403, 'FORBIDDEN');
    await refused(`/api/units/b/indicators/${id}/balance`, 'b.finance', 404, 'INDICATOR_NOT_FOUND');
    const office = await issue({ name: '办公室经费', departmentId: dept01 });
    await refused(`/api/units/a/indicators/${office.id}/balance`, 'a.staff', 403, 'DEPARTMENT_SCOPE');
  });

  it('never goes below zero: a movement beyond the balance is refused and writes nothing', async () => {
    const { id } = await issue({ amount: 1_000 });
    await move(id, 'freeze', 600);
    await refusedUnchanged(() => move(id, 'freeze', 401), 'BALANCE_EXCEEDED');
    await refusedUnchanged(() => move(id, 'transfer_out', 401, { refType: 'transfer' }), 'BALANCE_EXCEEDED');
    await refusedUnchanged(() => move(id, 'adjust', -401, { refType: 'adjustment' }), 'REDUCTION_BELOW_USED');
    await refusedUnchanged(() => move(id, 'pay', 601), 'INVALID_STATE');
    await refusedUnchanged(() => move(id, 'release', 601), 'INVALID_STATE');
    await expect(move(id, 'freeze', 401)).rejects.toMatchObject({ details: { available: 400, amount: 401, indicatorId: id } });
    expect(await balanceOf(id)).toEqual({ issued: 1_000, adjusted: 0, frozen: 600, paid: 0, available: 400 });
    // Exactly the balance is allowed: it reaches zero, never below.
    await move(id, 'freeze', 400);
    expect((await balanceOf(id)).available).toBe(0);
  });
});

describe('origins', () => {
  it('trace an indicator back through carry-overs and transfers to the budget request line it was issued from', async () => {
    const staff = await as('a.staff', 'budget.prepare');
    const finance = await as('a.finance', 'budget.review');
    const leader = await as('a.leader', 'budget.approve');
    const draft = await runCommand(env.kernel, (tx) => createRequest(tx, staff.actor, staff.scope, {
      year: 2026, departmentId: dept03, title: '追溯测试预算', lines: [{ kind: 'operating', headcount: 2 }],
    }));
    await runCommand(env.kernel, (tx) => submitRequest(tx, staff.actor, staff.scope, draft.id, {}));
    const lines = draft.lines.map((l) => ({ lineId: l.id, controlAmount: l.amount }));
    await runCommand(env.kernel, (tx) => returnRequest(tx, finance.actor, finance.scope, draft.id, { lines }));
    await runCommand(env.kernel, (tx) => submitRequest(tx, staff.actor, staff.scope, draft.id, {}));
    const approved = await runCommand(env.kernel, (tx) => approveRequest(tx, leader.actor, leader.scope, draft.id, { date: '2026-06-02' }));
    const line = approved.lines[0]!;
    expect(line.indicatorId).toEqual(expect.any(Number));
    const budgeted = await findIndicator(env.kernel.db, 'a', line.indicatorId!);

    // Money moves from the budgeted indicator into a direct one, which is then carried into 2027.
    const direct = await issue({ amount: 700, name: '专项经费' });
    await move(budgeted.id, 'transfer_out', 300, { refType: 'transfer', counterpartIndicatorId: direct.id });
    await move(direct.id, 'transfer_in', 300, { refType: 'transfer', counterpartIndicatorId: budgeted.id });
    const period = await as('a.finance', 'period.manage');
    await runCommand(env.kernel, (tx) => createFiscalYear(tx, period.actor, period.scope, { year: 2027 }));
    const carried = await issue({ year: 2027, date: '2027-01-01', amount: 1_000, name: '专项经费（2026年结转）', carriedFromId: direct.id, refType: 'year_end' });

    const detail = await indicatorDetail(env.kernel.db, 'a', carried.id);
    expect(detail.movements[0]).toMatchObject({ kind: 'issue', refType: 'year_end', refId: direct.id, counterpartIndicatorId: direct.id, counterpartCode: direct.code, refNo: null });
    expect(detail.origins).toEqual([
      { indicatorId: carried.id, code: carried.code, via: 'issue', amount: 1_000, sourceLineId: null, budgetRequestId: null },
      { indicatorId: direct.id, code: direct.code, via: 'carry_over', amount: 700, sourceLineId: null, budgetRequestId: null },
      { indicatorId: budgeted.id, code: budgeted.code, via: 'transfer', amount: line.amount, sourceLineId: line.id, budgetRequestId: draft.id },
    ]);
  });
});

describe('department scope and tenancy', () => {
  it('shows business staff their department only, finance the whole unit, and another unit nothing', async () => {
    const mine = await issue({ name: '基础教育科经费' });
    const office = await issue({ name: '办公室经费', departmentId: dept01 });

    const staff = await env.call('GET', '/api/units/a/indicators', { token: await env.login('a.staff') });
    expect(staff.status).toBe(200);
    const seen = staff.body.map((i: { id: number }) => i.id);
    expect(seen).toContain(mine.id);
    expect(seen).not.toContain(office.id);
    expect(staff.body.every((i: { departmentId: number }) => i.departmentId === dept03)).toBe(true);
    // Asking for another department by filter changes nothing: the bound department wins.
    const filtered = await env.call('GET', `/api/units/a/indicators?departmentId=${dept01}`, { token: await env.login('a.staff') });
    expect(filtered.body.map((i: { id: number }) => i.id)).not.toContain(office.id);
    const denied = await env.call('GET', `/api/units/a/indicators/${office.id}`, { token: await env.login('a.staff') });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('DEPARTMENT_SCOPE');
    expect((await env.call('GET', `/api/units/a/indicators/${mine.id}`, { token: await env.login('a.staff') })).status).toBe(200);

    const finance = await env.call('GET', '/api/units/a/indicators', { token: await env.login('a.finance') });
    expect(finance.body.map((i: { id: number }) => i.id)).toEqual(expect.arrayContaining([mine.id, office.id]));
    expect((await env.call('GET', `/api/units/a/indicators/${office.id}`, { token: await env.login('a.finance') })).body.available).toBe(office.available);

    // Unit b's finance officer reaches neither, and b's own list never holds a's rows.
    expect((await env.call('GET', `/api/units/a/indicators/${mine.id}`, { token: await env.login('b.finance') })).status).toBe(403);
    expect((await listIndicators(env.kernel.db, 'b', {})).map((i) => i.id)).not.toContain(mine.id);
    await expect(findIndicator(env.kernel.db, 'b', mine.id)).rejects.toMatchObject({ code: 'INDICATOR_NOT_FOUND' });
    await expect(indicatorDetail(env.kernel.db, 'b', mine.id)).rejects.toMatchObject({ code: 'INDICATOR_NOT_FOUND' });
  });
});

describe('amounts stay in the exact range (issue 15 item 3)', () => {
  it('the reproduction: 9,007,199,254,740,991 fen is refused; a unit-year total past 1,000 亿元 is refused, writing nothing; sums stay exact', async () => {
    const local = await createTestEnv();
    try {
      const token = await local.login('b.finance');
      const dept = await departmentId(local, 'b', '03');
      const body = (amount: number, name = '大额指标') => ({
        year: 2026, name, departmentId: dept, projectId: null, expenditureKind: 'operating', functionalCode: '2050101',
        economicCode: '30201', fundSourceCode: '11', amount, date: '2026-06-01', isFlexibleReserve: false,
      });
      const huge = await local.call('POST', '/api/units/b/indicators', { token, body: body(9_007_199_254_740_991) });
      expect([huge.status, huge.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);
      expect(JSON.stringify(huge.body.error.details)).toContain('1,000 亿元');
      // What the unit already holds for 2026, then an indicator that fills it to the limit exactly.
      const held = await local.kernel.db.selectFrom('indicators').select(['issued_amount', 'adjusted_amount']).where('unit_id', '=', 'b').where('year', '=', 2026).execute();
      const total = held.reduce((n, r) => n + r.issued_amount + r.adjusted_amount, 0);
      const LIMIT = 10_000_000_000_000;
      const full = await local.call('POST', '/api/units/b/indicators', { token, body: body(LIMIT - total) });
      expect(full.status, JSON.stringify(full.body)).toBe(201);
      // One more fen, as a new indicator or as a 追加, is refused with the figures and writes nothing.
      const before = await footprint(local);
      const more = await local.call('POST', '/api/units/b/indicators', { token, body: body(1, '再多一分') });
      expect([more.status, more.body.error.code]).toEqual([422, 'AMOUNT_LIMIT_EXCEEDED']);
      expect(more.body.error.details).toMatchObject({ year: 2026, total: LIMIT + 1, limit: LIMIT });
      const adjust = await local.call('POST', '/api/units/b/adjustments', { token, body: { indicatorId: full.body.id, amount: 5, reason: '追加五分', date: '2026-06-10' } });
      expect([adjust.status, adjust.body.error.code]).toEqual([422, 'AMOUNT_LIMIT_EXCEEDED']);
      expect(await footprint(local)).toEqual(before);
      // The sums over the unit stay exact on both databases: the trial balance balances to the fen.
      const tb = await local.call('GET', '/api/units/b/trial-balance?track=budgetary&year=2026', { token });
      expect(tb.status, JSON.stringify(tb.body).slice(0, 300)).toBe(200);
      expect(tb.body.balanced).toBe(true);
      const detail = await local.call('GET', `/api/units/b/indicators/${full.body.id}`, { token });
      expect(detail.body.available).toBe(LIMIT - total);
    } finally {
      await local.close();
    }
  });
});
