import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../db/command.js';
import { bookingDate } from '../../periods/service.js';
import { createTestEnv, type TestEnv } from '../../../test/support/kernel.js';
import { issue, paymentBody } from '../../../test/support/ledger.js';

/**
 * Documents that straddle a month close (跨期, issue 15 item 2). A payment, transfer or adjustment
 * dated in a month that closes before it is decided: the decision still goes through (a freeze, a
 * transfer, an adjustment; and undoing — a release on withdrawal or rejection — must always be
 * possible), but its movements and journal entries are booked in an open month, never in the closed
 * one (periods/service.ts bookingDate). The demo is seeded as of 2026-06-15: January to April are closed.
 */
let env: TestEnv;
const DECIDER: Record<string, string> = { department_head: 'head', finance_officer: 'finance', leader: 'leader' };

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

/** Where a movement of a May document lands once May is closed: today if today is a later open month of 2026, else 1 June. */
function expectedBooking(): string {
  const today = new Date().toISOString().slice(0, 10);
  return today.startsWith('2026-') && today.slice(0, 7) > '2026-05' ? today : '2026-06-01';
}

async function approveStep(kind: 'payments' | 'transfers' | 'adjustments', id: number) {
  const doc = await env.call('GET', `/api/units/a/${kind}/${id}`, { token: await env.login('a.finance') });
  const pending = doc.body.steps.find((s: { status: string }) => s.status === 'pending');
  const r = await env.call('POST', `/api/units/a/${kind}/${id}/approve`, { token: await env.login(`a.${DECIDER[pending.role]}`), body: {} });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

async function approveAll(kind: 'payments' | 'transfers' | 'adjustments', id: number) {
  for (let i = 0; i < 10; i++) {
    const body = await approveStep(kind, id);
    if (!body.steps.some((s: { status: string }) => s.status === 'pending')) return body;
  }
  throw new Error('no end to the flow');
}

const movements = (refType: string, refId: number) =>
  env.kernel.db.selectFrom('indicator_movements').select(['kind', 'date']).where('ref_type', '=', refType).where('ref_id', '=', refId).orderBy('id').execute();
/** The months of the journal entries a document's movements posted. */
const entryMonths = async (refType: string, refId: number) => {
  const rows = await env.kernel.db.selectFrom('journal_entries as e')
    .innerJoin('indicator_movements as m', (join) => join.onRef('m.id', '=', 'e.source_id').on('e.source_type', '=', 'movement'))
    .select(['e.year', 'e.month']).where('m.ref_type', '=', refType as 'payment').where('m.ref_id', '=', refId).execute();
  return [...new Set(rows.map((r) => `${r.year}-${r.month}`))];
};

describe('documents that straddle a month close (跨期)', () => {
  it('the reproduction: a May payment approved once, May closed, the final approval freezes in an open month, not in May', async () => {
    const indicatorId = (await issue(env, { amount: 5_000_000, date: '2026-05-02' })).id;
    const paymentsMade: number[] = [];
    for (let i = 0; i < 2; i++) {
      const made = await env.call('POST', '/api/units/a/payments', { token: await env.login('a.staff'), body: paymentBody(indicatorId, 100_000 + i, { date: '2026-05-20' }) });
      expect(made.status, JSON.stringify(made.body)).toBe(201);
      paymentsMade.push(made.body.id);
    }
    const transfer = await env.call('POST', '/api/units/a/transfers', {
      token: await env.login('a.staff'), body: { fromIndicatorId: indicatorId, toIndicatorId: (await issue(env, { amount: 1_000, date: '2026-05-02' })).id, amount: 50_000, reason: '五月调剂', date: '2026-05-21' },
    });
    expect(transfer.status, JSON.stringify(transfer.body)).toBe(201);
    const adjustment = await env.call('POST', '/api/units/a/adjustments', {
      token: await env.login('a.finance'), body: { indicatorId, amount: 20_000, reason: '五月追加', docNo: '示财预〔2026〕5号', date: '2026-05-22' },
    });
    expect(adjustment.status, JSON.stringify(adjustment.body)).toBe(201);
    // One payment approved through before the close, so that its withdrawal afterwards must release.
    await approveAll('payments', paymentsMade[1]!);
    await approveStep('payments', paymentsMade[0]!);
    // The checklist finance sees first: what is still open in May, and whether May balances.
    const checklist = await env.call('GET', '/api/units/a/periods/2026/5/checklist', { token: await env.login('a.finance') });
    expect(checklist.status, JSON.stringify(checklist.body)).toBe(200);
    expect(checklist.body.documents.map((d: { target: string; id: number; status: string }) => `${d.target}:${d.id}:${d.status}`)).toEqual([
      `payment:${paymentsMade[0]}:pending`, `payment:${paymentsMade[1]}:approved`, `transfer:${transfer.body.id}:pending`, `adjustment:${adjustment.body.id}:pending`,
    ]);
    expect(checklist.body).toMatchObject({ year: 2026, month: 5, status: 'open', blockingMonth: null, canClose: true });
    expect(checklist.body.tracks.map((t: { track: string; balanced: boolean }) => `${t.track}:${t.balanced}`)).toEqual(['financial:true', 'budgetary:true']);
    const june = await env.call('GET', '/api/units/a/periods/2026/6/checklist', { token: await env.login('a.auditor') });
    expect(june.body).toMatchObject({ blockingMonth: 5, canClose: false });
    expect((await env.call('GET', '/api/units/a/periods/2031/5/checklist', { token: await env.login('a.finance') })).body.error.code).toBe('PERIOD_NOT_FOUND');
    const close = await env.call('POST', '/api/units/a/periods/2026/5/close', { token: await env.login('a.finance') });
    expect(close.status, JSON.stringify(close.body)).toBe(200);

    const approved = await approveAll('payments', paymentsMade[0]!);
    expect(approved.status).toBe('approved');
    expect(approved.date).toBe('2026-05-20');
    expect(await movements('payment', paymentsMade[0]!)).toEqual([{ kind: 'freeze', date: expectedBooking() }]);

    expect((await approveAll('transfers', transfer.body.id)).status).toBe('approved');
    expect(await movements('transfer', transfer.body.id)).toEqual([{ kind: 'transfer_out', date: expectedBooking() }, { kind: 'transfer_in', date: expectedBooking() }]);

    // An adjustment posts journal entries (追加预算): in the open month, the closed one untouched.
    expect((await approveAll('adjustments', adjustment.body.id)).status).toBe('approved');
    expect(await movements('adjustment', adjustment.body.id)).toEqual([{ kind: 'adjust', date: expectedBooking() }]);
    const months = await entryMonths('adjustment', adjustment.body.id);
    expect(months).toEqual([`2026-${Number(expectedBooking().slice(5, 7))}`]);
    // The document's entries are one request away: both tracks of its 追加, and nothing else.
    const journal = await env.call('GET', `/api/units/a/journal?refType=adjustment&refId=${adjustment.body.id}`, { token: await env.login('a.finance') });
    expect(journal.status, JSON.stringify(journal.body).slice(0, 300)).toBe(200);
    expect(journal.body.map((e: { track: string }) => e.track).sort()).toEqual(['budgetary', 'financial']);
    expect(journal.body.every((e: { sourceType: string; date: string }) => e.sourceType === 'movement' && e.date === expectedBooking())).toBe(true);
    const half = await env.call('GET', '/api/units/a/journal?refType=adjustment', { token: await env.login('a.finance') });
    expect([half.status, half.body.error.code]).toEqual([400, 'VALIDATION_FAILED']);

    // Undoing stays possible: the withdrawal of the payment approved in May releases in an open month.
    const withdrawn = await env.call('POST', `/api/units/a/payments/${paymentsMade[1]}/withdraw`, { token: await env.login('a.staff'), body: {} });
    expect(withdrawn.status, JSON.stringify(withdrawn.body)).toBe(200);
    expect(await movements('payment', paymentsMade[1]!)).toEqual([{ kind: 'freeze', date: '2026-05-20' }, { kind: 'release', date: expectedBooking() }]);
    // Nothing at all was written into the closed month after it closed: its trial balance is as it was.
    const may = await env.kernel.db.selectFrom('journal_entries').select('id').where('unit_id', '=', 'a').where('year', '=', 2026).where('month', '=', 5)
      .where('created_at', '>', close.body.closedAt).execute();
    expect(may).toEqual([]);
  });

  it('a new document dated in a closed month is still refused', async () => {
    const indicatorId = (await issue(env, { amount: 1_000_000, date: '2026-06-02' })).id;
    const late = await env.call('POST', '/api/units/a/payments', { token: await env.login('a.staff'), body: paymentBody(indicatorId, 1000, { date: '2026-05-31' }) });
    expect([late.status, late.body.error.code]).toEqual([422, 'PERIOD_CLOSED']);
  });

  it('the booking date: its own while the month is open; else today in a later open month; else the first open month; none left: PERIOD_CLOSED', async () => {
    const local = await createTestEnv();
    try {
      const book = (date: string, today: string) => runCommand(local.kernel, (tx) => bookingDate(tx, 'a', date, today));
      expect(await book('2026-07-09', '2026-08-01')).toBe('2026-07-09');
      const token = await local.login('a.finance');
      for (const m of [5, 6, 7]) expect((await local.call('POST', `/api/units/a/periods/2026/${m}/close`, { token })).status).toBe(200);
      expect(await book('2026-05-20', '2026-09-14')).toBe('2026-09-14');
      expect(await book('2026-05-20', '2027-01-05')).toBe('2026-08-01');
      expect(await book('2026-05-20', '2026-07-30')).toBe('2026-08-01');
      for (let m = 8; m <= 12; m++) expect((await local.call('POST', `/api/units/a/periods/2026/${m}/close`, { token })).status).toBe(200);
      await expect(book('2026-05-20', '2027-01-05')).rejects.toMatchObject({ code: 'PERIOD_CLOSED' });
    } finally {
      await local.close();
    }
  });
});
