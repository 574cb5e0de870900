import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../errors.js';
import { runCommand } from '../db/command.js';
import { SYSTEM_ACTOR } from '../audit/service.js';
import { assertPeriodOpen, closePeriod, reopenPeriod, type PeriodGuard, type PeriodRef } from './service.js';
import { auditCount, createTestEnv, footprint, TEST_YEAR, type TestEnv, refusedWithoutTrace, type CallResult } from '../../test/support/kernel.js';

/**
 * Fiscal years and monthly periods over HTTP, and the kernel's close/reopen mechanics on their own.
 * (The close and reopen routes are the ledger's month close, core/ledger/accounting/month-close.ts,
 * which adds the trial-balance and year-end rules; their paths are the periods' own.) The demo is seeded as of 2026-06-15: in units a and
 * b January to April of 2026 are closed (by the system), May to December open; bureau and dept
 * have 2026 all open. Tests that close or reopen months of unit a first bring it to the state they
 * need (see `closeThrough`), so they do not depend on each other's order.
 */

let env: TestEnv;

interface Period {
  year: number;
  month: number;
  status: 'open' | 'closed';
  closedAt: string | null;
  closedBy: number | null;
}

beforeAll(async () => {
  env = await createTestEnv();
  // Sign-ins are audited: sign everyone in up front so "nothing written" checks see only the command.
  for (const username of ['sysadmin', 'bureau.finance', 'dept.leader', 'a.finance', 'a.leader', 'a.staff', 'a.auditor',
    'b.finance', 'b.leader', 'b.staff']) {
    await env.login(username);
  }
});
afterAll(async () => env.close());

const as = (username: string) => env.login(username);

async function get(username: string, path: string) {
  return env.call('GET', path, { token: await as(username) });
}

async function post(username: string, path: string, body?: unknown) {
  return env.call('POST', path, { token: await as(username), ...(body !== undefined ? { body } : {}) });
}

const close = (username: string, unitId: string, month: number | string, year: number | string = TEST_YEAR) =>
  post(username, `/api/units/${unitId}/periods/${year}/${month}/close`);

const reopen = (username: string, unitId: string, month: number | string, reason?: string, year: number = TEST_YEAR) =>
  post(username, `/api/units/${unitId}/periods/${year}/${month}/reopen`, reason === undefined ? {} : { reason });

async function fiscalYears(unitId: string) {
  const result = await get('sysadmin', `/api/units/${unitId}/fiscal-years`);
  expect(result.status).toBe(200);
  return result.body as Array<{ unitId: string; year: number; status: 'open' | 'closed'; periods: Period[] }>;
}

async function periodsOf(unitId: string, year = TEST_YEAR): Promise<Period[]> {
  const found = (await fiscalYears(unitId)).find((y) => y.year === year);
  if (!found) throw new Error(`no fiscal year ${year} in ${unitId}`);
  return found.periods;
}

async function periodOf(unitId: string, month: number, year = TEST_YEAR): Promise<Period> {
  return (await periodsOf(unitId, year)).find((p) => p.month === month)!;
}

/** Brings a unit's year to "months 1..last closed, the rest open", through the API (finance closes, leader reopens). */
async function closeThrough(unitId: 'a' | 'b', last: number, year = TEST_YEAR): Promise<void> {
  const periods = await periodsOf(unitId, year);
  for (const p of [...periods].reverse()) {
    if (p.month > last && p.status === 'closed') {
      const result = await reopen(`${unitId}.leader`, unitId, p.month, '测试准备：恢复期间状态', year);
      expect(result.status, JSON.stringify(result.body)).toBe(200);
    }
  }
  for (const p of periods) {
    if (p.month <= last && p.status === 'open') {
      const result = await close(`${unitId}.finance`, unitId, p.month, year);
      expect(result.status, JSON.stringify(result.body)).toBe(200);
    }
  }
  const statuses = (await periodsOf(unitId, year)).map((p) => p.status);
  expect(statuses).toEqual(Array.from({ length: 12 }, (_, i) => (i + 1 <= last ? 'closed' : 'open')));
}

const expectRefused = (run: () => Promise<CallResult>, status: number, code: string) => refusedWithoutTrace(env, run, status, code);

async function outboxCount(type?: string, unitId?: string): Promise<number> {
  const row = await env.kernel.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .$if(type !== undefined, (qb) => qb.where('type', '=', type!))
    .$if(unitId !== undefined, (qb) => qb.where('unit_id', '=', unitId!))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function userIdOf(username: string): Promise<number> {
  const me = await get(username, '/api/me');
  return me.body.id as number;
}

describe('fiscal years', () => {
  // First in the file: it checks the seeded state before any test closes or reopens a month.
  it('lists fiscal year 2026 of unit a with twelve periods, January to April closed', async () => {
    const result = await get('a.staff', '/api/units/a/fiscal-years');
    expect(result.status).toBe(200);
    expect(result.body).toHaveLength(1);
    const [year] = result.body;
    expect(year).toMatchObject({ unitId: 'a', year: 2026, status: 'open' });
    expect(year.periods.map((p: Period) => p.month)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    for (const p of year.periods as Period[]) {
      expect(p.year).toBe(2026);
      if (p.month <= 4) {
        expect(p.status, `month ${p.month}`).toBe('closed');
        expect(p.closedAt).toEqual(expect.any(String));
        expect(p.closedBy).toBeNull(); // closed by the system while seeding
      } else {
        expect(p, `month ${p.month}`).toMatchObject({ status: 'open', closedAt: null, closedBy: null });
      }
    }
    // The supervising department reads the same; the bureau's own year is all open.
    expect((await get('dept.leader', '/api/units/a/fiscal-years')).body).toEqual(result.body);
    const bureau = await get('bureau.finance', '/api/units/bureau/fiscal-years');
    expect(bureau.body[0].periods.every((p: Period) => p.status === 'open')).toBe(true);
  });

  it('refuses a second fiscal year 2026 with 409 FISCAL_YEAR_EXISTS', async () => {
    const before = await fiscalYears('a');
    const result = await expectRefused(
      () => post('a.finance', '/api/units/a/fiscal-years', { year: 2026 }),
      409,
      'FISCAL_YEAR_EXISTS',
    );
    expect(result.body.error.details).toMatchObject({ year: 2026 });
    expect(await fiscalYears('a')).toEqual(before);
  });

  it('creates fiscal year 2027 with twelve open periods', async () => {
    const before = await auditCount(env);
    const result = await post('bureau.finance', '/api/units/bureau/fiscal-years', { year: 2027 });
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ unitId: 'bureau', year: 2027, status: 'open' });
    expect(result.body.periods).toHaveLength(12);
    expect(result.body.periods).toEqual(
      Array.from({ length: 12 }, (_, i) => ({ year: 2027, month: i + 1, status: 'open', closedAt: null, closedBy: null })),
    );
    expect((await fiscalYears('bureau')).map((y) => y.year)).toEqual([2026, 2027]);
    expect(await auditCount(env)).toBe(before + 1);
    const events = await env.kernel.db.selectFrom('outbox').selectAll().where('type', '=', 'fiscal_year.created').where('unit_id', '=', 'bureau').execute();
    expect(events.map((e) => JSON.parse(e.payload))).toContainEqual({ year: 2027 });
    // Another unit is untouched.
    expect((await fiscalYears('a')).map((y) => y.year)).toEqual([2026]);
  });

  it('refuses an invalid year with 400 and a supervising or other unit creating one with 403', async () => {
    await expectRefused(() => post('a.finance', '/api/units/a/fiscal-years', { year: 1999 }), 400, 'VALIDATION_FAILED');
    await expectRefused(() => post('a.finance', '/api/units/a/fiscal-years', { year: '2028' }), 400, 'VALIDATION_FAILED');
    await expectRefused(() => post('a.finance', '/api/units/b/fiscal-years', { year: 2028 }), 403, 'FORBIDDEN');
    await expectRefused(() => post('dept.leader', '/api/units/a/fiscal-years', { year: 2028 }), 403, 'FORBIDDEN');
    expect((await fiscalYears('a')).map((y) => y.year)).toEqual([2026]);
  });
});

describe('closing periods', () => {
  it('closes months only in order', async () => {
    await closeThrough('a', 4);
    const financeId = await userIdOf('a.finance');

    const refused = await expectRefused(() => close('a.finance', 'a', 6), 409, 'PERIOD_ORDER');
    expect(refused.body.error.details).toMatchObject({ year: 2026, month: 6, blockingMonth: 5 });
    expect(await periodOf('a', 6)).toMatchObject({ status: 'open', closedAt: null, closedBy: null });

    const before = await auditCount(env);
    const may = await close('a.finance', 'a', 5);
    expect(may.status).toBe(200);
    expect(may.body).toMatchObject({ year: 2026, month: 5, status: 'closed', closedBy: financeId });
    expect(may.body.closedAt).toEqual(expect.any(String));
    const june = await close('a.finance', 'a', 6);
    expect(june.status).toBe(200);
    expect(june.body).toMatchObject({ year: 2026, month: 6, status: 'closed', closedBy: financeId });
    expect(await auditCount(env)).toBe(before + 2);

    expect(await periodOf('a', 5)).toEqual(may.body);
    expect(await periodOf('a', 6)).toEqual(june.body);
    expect((await periodOf('a', 7)).status).toBe('open');
    // Unit b is untouched.
    expect((await periodOf('b', 5)).status).toBe('open');
  });

  it('names the earliest open month when several block', async () => {
    await closeThrough('a', 4);
    const refused = await expectRefused(() => close('a.finance', 'a', 8), 409, 'PERIOD_ORDER');
    expect(refused.body.error.details.blockingMonth).toBe(5);
  });

  it('refuses closing an already closed month with 409 PERIOD_ALREADY_CLOSED', async () => {
    await closeThrough('a', 4);
    const before = await periodOf('a', 3);
    const refused = await expectRefused(() => close('a.finance', 'a', 3), 409, 'PERIOD_ALREADY_CLOSED');
    expect(refused.body.error.details).toMatchObject({ year: 2026, month: 3 });
    expect(await periodOf('a', 3)).toEqual(before);
  });

  it('refuses month 13 (and 0) with 400 VALIDATION_FAILED', async () => {
    const before = await periodsOf('a');
    for (const month of [13, 0, 'x']) {
      const result = await expectRefused(() => close('a.finance', 'a', month), 400, 'VALIDATION_FAILED');
      expect(result.body.error.details.where).toBe('params');
      expect(result.body.error.details.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'month' })]));
    }
    expect(await periodsOf('a')).toEqual(before);
  });

  it('refuses a year without periods with 404 PERIOD_NOT_FOUND', async () => {
    const result = await expectRefused(() => close('a.finance', 'a', 1, 2099), 404, 'PERIOD_NOT_FOUND');
    expect(result.body.error.details).toMatchObject({ year: 2099, month: 1 });
    expect((await fiscalYears('a')).map((y) => y.year)).toEqual([2026]);
  });

  it('records a period.closed event in the outbox with the close, and none on a refusal', async () => {
    await closeThrough('a', 4);
    const before = await outboxCount('period.closed', 'a');
    expect((await close('a.finance', 'a', 5)).status).toBe(200);
    expect(await outboxCount('period.closed', 'a')).toBe(before + 1);
    const last = await env.kernel.db
      .selectFrom('outbox')
      .selectAll()
      .where('type', '=', 'period.closed')
      .where('unit_id', '=', 'a')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(last.payload)).toEqual({ year: 2026, month: 5 });
    expect(last.event_id).toMatch(/^[0-9a-f-]{36}$/);

    // A refused close (month 7 while 6 is open) publishes nothing.
    await expectRefused(() => close('a.finance', 'a', 7), 409, 'PERIOD_ORDER');
    expect(await outboxCount('period.closed', 'a')).toBe(before + 1);
  });
});

describe('reopening periods (反结账)', () => {
  it('refuses a.finance, who lacks period.reopen, with 403', async () => {
    await closeThrough('a', 6);
    const result = await expectRefused(() => reopen('a.finance', 'a', 6, '财务人员想反结账'), 403, 'FORBIDDEN');
    expect(result.body.error.details).toMatchObject({ permission: 'period.reopen' });
    expect((await periodOf('a', 6)).status).toBe('closed');
  });

  it('refuses a reopen without a (long enough) reason with 400', async () => {
    await closeThrough('a', 6);
    const missing = await expectRefused(() => reopen('a.leader', 'a', 6), 400, 'VALIDATION_FAILED');
    expect(missing.body.error.details.where).toBe('body');
    expect(missing.body.error.details.issues).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'reason' })]));
    await expectRefused(() => reopen('a.leader', 'a', 6, '   短  '), 400, 'VALIDATION_FAILED');
    expect((await periodOf('a', 6)).status).toBe('closed');
  });

  it('reopens only the latest closed month, then the one before, and audits the reason', async () => {
    await closeThrough('a', 6);
    const june = await periodOf('a', 6);
    const refused = await expectRefused(() => reopen('a.leader', 'a', 5, '五月凭证有误需更正'), 409, 'PERIOD_ORDER');
    expect(refused.body.error.details).toMatchObject({ year: 2026, month: 5, blockingMonth: 6 });
    expect((await periodOf('a', 5)).status).toBe('closed');

    const reason = '六月凭证录入错误，需要更正';
    const first = await reopen('a.leader', 'a', 6, reason);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ year: 2026, month: 6, status: 'open', closedAt: null, closedBy: null });
    const second = await reopen('a.leader', 'a', 5, '五月凭证有误需更正');
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ month: 5, status: 'open' });
    expect(await periodOf('a', 5)).toMatchObject({ status: 'open', closedAt: null, closedBy: null });
    expect(await periodOf('a', 6)).toMatchObject({ status: 'open', closedAt: null, closedBy: null });
    expect((await periodOf('a', 4)).status).toBe('closed');

    const audit = await get('a.auditor', '/api/units/a/audit?action=period.reopen&entityId=a:2026-6');
    expect(audit.status).toBe(200);
    const entry = audit.body.at(-1);
    expect(entry).toMatchObject({
      action: 'period.reopen', entity: 'period', entityId: 'a:2026-6', unitId: 'a', actorName: 'a.leader',
      actorId: await userIdOf('a.leader'),
      before: { month: 6, status: 'closed', closedAt: june.closedAt, closedBy: june.closedBy },
      after: { month: 6, status: 'open', reason },
    });
    const all = await get('a.auditor', '/api/units/a/audit?action=period.reopen');
    expect(all.body.every((e: { action: string }) => e.action === 'period.reopen')).toBe(true);
    expect(all.body.map((e: { after: { reason: string } }) => e.after.reason)).toEqual(expect.arrayContaining([reason, '五月凭证有误需更正']));
    // The outbox carries the reopen too.
    const events = await env.kernel.db.selectFrom('outbox').selectAll().where('type', '=', 'period.reopened').where('unit_id', '=', 'a').execute();
    expect(events.map((e) => JSON.parse(e.payload))).toContainEqual({ year: 2026, month: 6, reason });
  });

  it('refuses reopening an open month with 409 PERIOD_NOT_CLOSED', async () => {
    await closeThrough('a', 4);
    await expectRefused(() => reopen('a.leader', 'a', 9, '九月尚未结账却要反结账'), 409, 'PERIOD_NOT_CLOSED');
    expect((await periodOf('a', 9)).status).toBe('open');
  });
});

describe('assertPeriodOpen (the closed-period rule for dated writes)', () => {
  const check = (unitId: string, date: string) =>
    env.kernel.db.transaction().execute((tx) => assertPeriodOpen(tx, unitId, date));

  async function codeOf(promise: Promise<unknown>): Promise<string> {
    try {
      await promise;
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      return (error as AppError).code;
    }
    return 'passed';
  }

  it('refuses a date in a closed month with PERIOD_CLOSED', async () => {
    await closeThrough('a', 4);
    for (const date of ['2026-01-01', '2026-03-15', '2026-04-30']) {
      expect(await codeOf(check('a', date)), date).toBe('PERIOD_CLOSED');
    }
    await expect(check('a', '2026-03-15')).rejects.toMatchObject({ code: 'PERIOD_CLOSED', status: 422, details: { year: 2026, month: 3 } });
  });

  it('lets a date in an open month pass', async () => {
    await closeThrough('a', 4);
    for (const date of ['2026-05-01', '2026-07-15', '2026-12-31']) {
      await expect(check('a', date), date).resolves.toBeUndefined();
    }
    // March is closed in a, but open in the bureau.
    await expect(check('bureau', '2026-03-15')).resolves.toBeUndefined();
  });

  it('follows a close: the month just closed refuses, and passes again after a reopen', async () => {
    await closeThrough('a', 4);
    await expect(check('a', '2026-05-20')).resolves.toBeUndefined();
    expect((await close('a.finance', 'a', 5)).status).toBe(200);
    expect(await codeOf(check('a', '2026-05-20'))).toBe('PERIOD_CLOSED');
    expect((await reopen('a.leader', 'a', 5, '补录五月业务')).status).toBe(200);
    await expect(check('a', '2026-05-20')).resolves.toBeUndefined();
  });

  it('refuses a year without a fiscal year with FISCAL_YEAR_NOT_FOUND', async () => {
    expect(await codeOf(check('a', '2031-02-01'))).toBe('FISCAL_YEAR_NOT_FOUND');
    await expect(check('a', '2031-02-01')).rejects.toMatchObject({ details: { year: 2031 } });
  });
});

describe('year-end rollover', () => {
  it('opens the next fiscal year for b, once', async () => {
    const before = await auditCount(env);
    const result = await post('b.finance', '/api/units/b/fiscal-years/2026/rollover');
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({ unitId: 'b', year: 2027, status: 'open' });
    expect(result.body.periods).toHaveLength(12);
    expect(result.body.periods.every((p: Period) => p.status === 'open' && p.closedBy === null)).toBe(true);
    // fiscal_year.create and fiscal_year.rollover.
    expect(await auditCount(env)).toBe(before + 2);
    const years = await fiscalYears('b');
    expect(years.map((y) => y.year)).toEqual([2026, 2027]);
    // 2026 keeps its state.
    expect(years[0]!.periods.filter((p) => p.status === 'closed').map((p) => p.month)).toEqual([1, 2, 3, 4]);

    const again = await expectRefused(() => post('b.finance', '/api/units/b/fiscal-years/2026/rollover'), 409, 'FISCAL_YEAR_EXISTS');
    expect(again.body.error.details).toMatchObject({ year: 2027 });
    expect(await fiscalYears('b')).toEqual(years);
    // Unit a has no 2027.
    expect((await fiscalYears('a')).map((y) => y.year)).toEqual([2026]);
  });

  it('refuses to roll over a year that does not exist with 404 FISCAL_YEAR_NOT_FOUND', async () => {
    await expectRefused(() => post('b.finance', '/api/units/b/fiscal-years/2040/rollover'), 404, 'FISCAL_YEAR_NOT_FOUND');
    expect((await fiscalYears('b')).map((y) => y.year)).not.toContain(2041);
  });
});

describe('who may close and reopen', () => {
  it('refuses a.finance closing or rolling over periods of unit b with 403', async () => {
    const before = await periodsOf('b');
    await expectRefused(() => close('a.finance', 'b', 5), 403, 'FORBIDDEN');
    await expectRefused(() => reopen('a.leader', 'b', 4, '越权反结账别的单位'), 403, 'FORBIDDEN');
    await expectRefused(() => post('a.finance', '/api/units/b/fiscal-years/2027/rollover'), 403, 'FORBIDDEN');
    expect(await periodsOf('b')).toEqual(before);
  });

  it('refuses the supervising department and the finance bureau closing or reopening periods of a with 403', async () => {
    await closeThrough('a', 4);
    const before = await periodsOf('a');
    for (const username of ['dept.leader', 'bureau.finance']) {
      const result = await expectRefused(() => close(username, 'a', 5), 403, 'FORBIDDEN');
      expect(result.body.error.details).toMatchObject({ permission: 'period.manage', unitId: 'a' });
    }
    await expectRefused(() => reopen('dept.leader', 'a', 4, '主管部门越权反结账'), 403, 'FORBIDDEN');
    // The system administrator manages people, not the books.
    await expectRefused(() => close('sysadmin', 'a', 5), 403, 'FORBIDDEN');
    expect(await periodsOf('a')).toEqual(before);
  });
});

describe('the kernel mechanics: closePeriod and reopenPeriod with a guard', () => {
  // The bureau's 2026 is all open and no other test closes it; every test leaves it so.
  const guarded = (calls: PeriodRef[], refuse = false): PeriodGuard => async (_tx, period) => {
    calls.push(period);
    if (refuse) throw new AppError('VALIDATION_FAILED', { where: 'guard' });
  };
  const closeBureau = (month: number, guard?: PeriodGuard) =>
    runCommand(env.kernel, (tx) => closePeriod(tx, SYSTEM_ACTOR, 'bureau', { year: TEST_YEAR, month }, guard));
  const reopenBureau = (month: number, guard?: PeriodGuard) =>
    runCommand(env.kernel, (tx) => reopenPeriod(tx, SYSTEM_ACTOR, 'bureau', { year: TEST_YEAR, month, reason: '内核机制测试' }, guard));

  it('runs the guard on the locked period before writing; a refusing guard writes nothing', async () => {
    const calls: PeriodRef[] = [];
    const before = await footprint(env);
    await expect(closeBureau(1, guarded(calls, true))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(calls).toEqual([{ year: TEST_YEAR, month: 1 }]);
    expect(await footprint(env)).toEqual(before);
    expect((await periodOf('bureau', 1)).status).toBe('open');

    const closed = await closeBureau(1, guarded(calls));
    expect(closed).toMatchObject({ year: TEST_YEAR, month: 1, status: 'closed', closedBy: null });
    expect(calls).toHaveLength(2);
    expect(await auditCount(env)).toBe(before.auditSeq! + 1);
  });

  it('checks its own rules (status, order) before the guard', async () => {
    await expect(closeBureau(3, guarded([]))).rejects.toMatchObject({ code: 'PERIOD_ORDER' });
    const calls: PeriodRef[] = [];
    await expect(closeBureau(1, guarded(calls))).rejects.toMatchObject({ code: 'PERIOD_ALREADY_CLOSED' });
    await expect(reopenBureau(2, guarded(calls))).rejects.toMatchObject({ code: 'PERIOD_NOT_CLOSED' });
    expect(calls).toEqual([]);
  });

  it('reopens only when the guard lets it, and then without any guard too', async () => {
    const calls: PeriodRef[] = [];
    const before = await footprint(env);
    await expect(reopenBureau(1, guarded(calls, true))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(calls).toEqual([{ year: TEST_YEAR, month: 1 }]);
    expect(await footprint(env)).toEqual(before);
    expect(await reopenBureau(1)).toEqual({ year: TEST_YEAR, month: 1, status: 'open', closedAt: null, closedBy: null });
    expect((await periodsOf('bureau')).every((p) => p.status === 'open')).toBe(true);
  });
});
