import { sql } from 'kysely';
import type { Db } from '../../core/db/connection.js';
import { verifyChain } from '../../core/audit/service.js';

/**
 * What must hold of any database the platform has ever written, whatever was interrupted:
 * returns a list of violations (empty when sound), so a failing test shows all of them at once.
 */
export async function ledgerViolations(db: Db): Promise<string[]> {
  const problems: string[] = [];

  // Indicator identity: every stored total is exactly the sum of its movements, and the balance
  // issued + adjusted − frozen − paid never went below zero.
  const totals = await db
    .selectFrom('indicators as i')
    .leftJoin('indicator_movements as m', 'm.indicator_id', 'i.id')
    .select([
      'i.id', 'i.issued_amount', 'i.adjusted_amount', 'i.frozen_amount', 'i.paid_amount',
      sql<number>`coalesce(sum(case when m.kind = 'issue' then m.amount else 0 end), 0)`.as('issue'),
      sql<number>`coalesce(sum(case when m.kind = 'adjust' then m.amount when m.kind = 'transfer_in' then m.amount when m.kind = 'transfer_out' then -m.amount else 0 end), 0)`.as('adjust'),
      sql<number>`coalesce(sum(case when m.kind = 'freeze' then m.amount when m.kind in ('release', 'pay') then -m.amount else 0 end), 0)`.as('frozen'),
      sql<number>`coalesce(sum(case when m.kind = 'pay' then m.amount else 0 end), 0)`.as('paid'),
    ])
    .groupBy(['i.id', 'i.issued_amount', 'i.adjusted_amount', 'i.frozen_amount', 'i.paid_amount'])
    .execute();
  for (const t of totals) {
    const want = { issued: Number(t.issue), adjusted: Number(t.adjust), frozen: Number(t.frozen), paid: Number(t.paid) };
    const have = { issued: t.issued_amount, adjusted: t.adjusted_amount, frozen: t.frozen_amount, paid: t.paid_amount };
    if (JSON.stringify(want) !== JSON.stringify(have)) problems.push(`indicator ${t.id}: totals ${JSON.stringify(have)} but movements say ${JSON.stringify(want)}`);
    if (have.issued + have.adjusted - have.frozen - have.paid < 0) problems.push(`indicator ${t.id}: negative balance`);
  }

  // 占用: what an indicator holds is exactly what its pending payment requests and transfers out ask for.
  const held = await db
    .selectFrom('indicators as i')
    .select([
      'i.id', 'i.reserved_amount',
      sql<number>`coalesce((select sum(p.amount) from payments p where p.indicator_id = i.id and p.status = 'pending'), 0)`.as('payments'),
      sql<number>`coalesce((select sum(t.amount) from transfers t where t.from_indicator_id = i.id and t.status = 'pending'), 0)`.as('transfers'),
    ])
    .execute();
  for (const h of held) {
    const want = Number(h.payments) + Number(h.transfers);
    if (Number(h.reserved_amount) !== want) problems.push(`indicator ${h.id}: holds ${h.reserved_amount} fen for pending documents that ask for ${want}`);
  }

  // A payment and its movements change together: approved ⇔ one freeze not yet paid or released.
  const payments = await db
    .selectFrom('payments as p')
    .leftJoin('indicator_movements as m', (join) => join.onRef('m.ref_id', '=', 'p.id').on('m.ref_type', '=', 'payment'))
    .select([
      'p.id', 'p.status', 'p.amount',
      sql<number>`coalesce(sum(case when m.kind = 'freeze' then 1 else 0 end), 0)`.as('freezes'),
      sql<number>`coalesce(sum(case when m.kind = 'release' then 1 else 0 end), 0)`.as('releases'),
      sql<number>`coalesce(sum(case when m.kind = 'pay' then 1 else 0 end), 0)`.as('pays'),
    ])
    .groupBy(['p.id', 'p.status', 'p.amount'])
    .execute();
  for (const p of payments) {
    const [f, r, y] = [Number(p.freezes), Number(p.releases), Number(p.pays)];
    const ok =
      p.status === 'pending' ? f === 0 && y === 0 :
      p.status === 'approved' ? f === 1 && r === 0 && y === 0 :
      p.status === 'paid' ? f === 1 && r === 0 && y === 1 :
      f === r && y === 0;
    if (!ok) problems.push(`payment ${p.id} is ${p.status} with ${f} freeze, ${r} release, ${y} pay movements`);
  }
  const transfers = await db
    .selectFrom('transfers as t')
    .leftJoin('indicator_movements as m', (join) => join.onRef('m.ref_id', '=', 't.id').on('m.ref_type', '=', 'transfer'))
    .select(['t.id', 't.status', sql<number>`count(m.id)`.as('moves')])
    .groupBy(['t.id', 't.status'])
    .execute();
  for (const t of transfers) {
    const moves = Number(t.moves);
    if (t.status === 'approved' ? moves !== 2 : moves !== 0) problems.push(`transfer ${t.id} is ${t.status} with ${moves} movements`);
  }

  // A pending document has exactly one pending step; a decided one none.
  const steps = await db
    .selectFrom('approval_steps')
    .select(['target', 'target_id', sql<number>`sum(case when status = 'pending' then 1 else 0 end)`.as('pending')])
    .groupBy(['target', 'target_id'])
    .execute();
  const statusOf = new Map<string, string>();
  for (const p of payments) statusOf.set(`payment:${p.id}`, p.status);
  for (const t of transfers) statusOf.set(`transfer:${t.id}`, t.status);
  for (const s of steps) {
    const status = statusOf.get(`${s.target}:${s.target_id}`);
    if (status === undefined) continue;
    if ((status === 'pending') !== (Number(s.pending) === 1)) problems.push(`${s.target} ${s.target_id} is ${status} with ${Number(s.pending)} pending steps`);
  }

  // Both accounting tracks balance: every entry, and so every unit's trial balance.
  const unbalanced = await db
    .selectFrom('journal_lines')
    .select(['entry_id', 'track', sql<number>`sum(debit) - sum(credit)`.as('diff')])
    .groupBy(['entry_id', 'track'])
    .having(sql`sum(debit) - sum(credit)`, '!=', 0)
    .execute();
  for (const u of unbalanced) problems.push(`journal entry ${u.entry_id} (${u.track}) is off by ${u.diff}`);
  const tracks = await db
    .selectFrom('journal_lines')
    .select(['unit_id', 'track', sql<number>`sum(debit)`.as('debit'), sql<number>`sum(credit)`.as('credit')])
    .groupBy(['unit_id', 'track'])
    .execute();
  for (const t of tracks) if (Number(t.debit) !== Number(t.credit)) problems.push(`unit ${t.unit_id} ${t.track} trial balance: debit ${t.debit} ≠ credit ${t.credit}`);
  const orphanEntries = await db
    .selectFrom('journal_entries as e')
    .leftJoin('journal_lines as l', 'l.entry_id', 'e.id')
    .select('e.id')
    .where('l.id', 'is', null)
    .execute();
  for (const e of orphanEntries) problems.push(`journal entry ${e.id} has no lines`);

  const chain = await verifyChain(db);
  if (!chain.ok) problems.push(`audit chain broken at ${chain.brokenAt} (${chain.reason})`);
  return problems;
}

/** The balances of every indicator, for comparing two copies of a database. */
export async function balances(db: Db): Promise<Array<Record<string, number>>> {
  const rows = await db
    .selectFrom('indicators')
    .select(['id', 'issued_amount', 'adjusted_amount', 'frozen_amount', 'paid_amount'])
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ ...r }));
}

/** The audit head: equal heads after a verified chain mean equal histories. */
export async function auditHead(db: Db): Promise<{ seq: number; hash: string }> {
  const head = await db.selectFrom('audit_head').select(['last_seq', 'last_hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  return { seq: head.last_seq, hash: head.last_hash };
}
