import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../db/command.js';
import { authenticate } from '../../accounts/service.js';
import { authorizeUnit } from '../../permissions/service.js';
import { createTestEnv, footprint, refusedWithoutTrace, type TestEnv } from '../../../test/support/kernel.js';
import { departmentId, issue } from '../../../test/support/ledger.js';
import { closeMonth } from './month-close.js';

/**
 * 结账 and 反结账 as the ledger keeps them: the kernel's period mechanics (order, locks, audit,
 * event; see core/periods/periods.test.ts) plus the rules money adds — a month closes only when
 * both accounting tracks balance, and after the year end the year's books are final. The demo is
 * seeded as of 2026-06-15: January to April of 2026 are closed in units a and b.
 */

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
  for (const username of ['a.finance', 'a.leader']) await env.login(username);
});
afterAll(async () => env.close());

/** A journal line written behind the ledger's back (a faulty import, a manual fix): the month no longer balances. */
async function unbalance(local: TestEnv, month: number) {
  const entry = await local.kernel.db.selectFrom('journal_entries').select(['id']).where('unit_id', '=', 'a').where('track', '=', 'financial').where('month', '=', month).executeTakeFirstOrThrow();
  await local.kernel.db.insertInto('journal_lines').values({ entry_id: entry.id, unit_id: 'a', track: 'financial', year: 2026, month, line_no: 9, account_code: '1001', debit: 1, credit: 0, indicator_id: null, department_id: null, functional_code: null, economic_code: null, fund_source_code: null }).execute();
}

describe('month close (结账)', () => {
  it('closes a balanced month as the command of the signed-in officer, with its audit entry and event', async () => {
    await issue(env, { amount: 1_000_00, date: '2026-05-10' });
    const actor = await authenticate(env.kernel, await env.login('a.finance'));
    const scope = await authorizeUnit(env.kernel.db, actor, 'a', 'period.manage');
    const closed = await runCommand(env.kernel, (tx) => closeMonth(tx, actor, scope, { year: 2026, month: 5 }));
    expect(closed).toMatchObject({ year: 2026, month: 5, status: 'closed', closedBy: actor.userId });
    const audit = await env.kernel.db.selectFrom('audit_log').selectAll().where('action', '=', 'period.close').where('entity_id', '=', 'a:2026-5').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ unit_id: 'a', entity: 'period', actor_name: 'a.finance' });
    expect(JSON.parse(audit.before_json)).toMatchObject({ month: 5, status: 'open', closedBy: null });
    expect(JSON.parse(audit.after_json)).toEqual(JSON.parse(JSON.stringify(closed)));
    const events = await env.kernel.db.selectFrom('outbox').select('payload').where('type', '=', 'period.closed').where('unit_id', '=', 'a').execute();
    expect(events.map((e) => JSON.parse(e.payload))).toContainEqual({ year: 2026, month: 5 });
    // A date in the closed month is refused from now on.
    const late = await refusedWithoutTrace(env, async () => env.call('POST', '/api/units/a/indicators', {
      token: await env.login('a.finance'),
      body: { year: 2026, name: '迟到的指标', departmentId: await departmentId(env, 'a', '03'), expenditureKind: 'operating', functionalCode: '2050101', economicCode: '30201', fundSourceCode: '11', amount: 100, date: '2026-05-31' },
    }), 422, 'PERIOD_CLOSED');
    expect(late.body.error.details).toMatchObject({ year: 2026, month: 5 });
  });

  it('refuses to close a month whose journal does not balance, and writes nothing', async () => {
    const local = await createTestEnv();
    try {
      const token = await local.login('a.finance');
      await issue(local, { amount: 1_000_00, date: '2026-05-10' });
      await unbalance(local, 5);
      const r = await refusedWithoutTrace(local, async () => local.call('POST', '/api/units/a/periods/2026/5/close', { token }), 409, 'TRIAL_BALANCE_UNBALANCED');
      expect(r.body.error.details).toMatchObject({ track: 'financial', year: 2026, month: 5, debit: 100_001, credit: 100_000 });
      const tb = (await local.call('GET', '/api/units/a/trial-balance?track=financial&year=2026&month=5', { token })).body;
      expect(tb.balanced).toBe(false);
      // The budgetary track of b is untouched: b closes May.
      expect((await local.call('POST', '/api/units/b/periods/2026/5/close', { token: await local.login('b.finance') })).status).toBe(200);

      // The period's own rules come first: June cannot close while May is open, whatever its books say.
      await issue(local, { amount: 2_000_00, date: '2026-06-10' });
      await unbalance(local, 6);
      const order = await refusedWithoutTrace(local, async () => local.call('POST', '/api/units/a/periods/2026/6/close', { token }), 409, 'PERIOD_ORDER');
      expect(order.body.error.details).toMatchObject({ month: 6, blockingMonth: 5 });
      // And a month already closed says so before its balance is looked at.
      await refusedWithoutTrace(local, async () => local.call('POST', '/api/units/a/periods/2026/4/close', { token }), 409, 'PERIOD_ALREADY_CLOSED');
    } finally {
      await local.close();
    }
  });
});

describe('reopening a month (反结账)', () => {
  it('is refused once the year end has run, before the order of months is looked at', async () => {
    const local = await createTestEnv();
    try {
      const token = await local.login('a.finance');
      const leader = await local.login('a.leader');
      for (let m = 5; m <= 12; m++) expect((await local.call('POST', `/api/units/a/periods/2026/${m}/close`, { token })).status).toBe(200);
      // Before the year end the latest closed month reopens and closes again.
      expect((await local.call('POST', '/api/units/a/periods/2026/12/reopen', { token: leader, body: { reason: '补录十二月凭证' } })).status).toBe(200);
      expect((await local.call('POST', '/api/units/a/periods/2026/12/close', { token })).status).toBe(200);
      const run = await local.call('POST', '/api/units/a/year-end', { token, body: { year: 2026 } });
      expect(run.status, JSON.stringify(run.body)).toBe(200);

      const before = await footprint(local);
      for (const month of [12, 5]) {
        const refused = await refusedWithoutTrace(
          local, () => local.call('POST', `/api/units/a/periods/2026/${month}/reopen`, { token: leader, body: { reason: '年终结转后想反结账' } }), 409, 'YEAR_END_ALREADY_RUN',
        );
        expect(refused.body.error.details).toMatchObject({ year: 2026 });
      }
      expect(await footprint(local)).toEqual(before);
      // An open month of the new year is still "not closed", not "year end run".
      await refusedWithoutTrace(local, () => local.call('POST', '/api/units/a/periods/2027/1/reopen', { token: leader, body: { reason: '新年度反结账测试' } }), 409, 'PERIOD_NOT_CLOSED');
    } finally {
      await local.close();
    }
  });
});
