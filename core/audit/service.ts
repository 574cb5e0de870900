import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { dialectOf, type Executor, type Tx } from '../db/connection.js';
import type { AuditLogTable } from '../db/schema.js';
import type { Insertable } from 'kysely';
import { prepared } from '../db/prepared.js';
import { nowIso } from '../clock.js';
import { canonicalJson } from './canonical.js';
import type { UnitScope } from '../permissions/service.js';
import type { AuditEntry, AuditListQuery, VerifyResult } from './schema.js';

export interface AuditActor {
  userId: number | null;
  username: string;
}

/** The system itself (migrations, demo seeding, scheduled jobs) when no person acts. */
export const SYSTEM_ACTOR: AuditActor = { userId: null, username: 'system' };

export interface AuditInput {
  actor: AuditActor;
  unitId: string | null;
  action: string;
  entity: string;
  entityId: string | number;
  before?: unknown;
  after?: unknown;
}

const GENESIS_HASH = '0'.repeat(64);

function hashOf(entry: Omit<AuditEntry, 'hash'>): string {
  return createHash('sha256').update(canonicalJson(entry)).digest('hex');
}

/**
 * Appends one entry to the chain inside the caller's transaction. The head row is updated first:
 * on PostgreSQL that row lock orders concurrent writers, so each sees the previous one's hash.
 */
export async function appendAudit(tx: Tx, input: AuditInput): Promise<AuditEntry> {
  const [head] = await advanceHead(tx);
  if (!head) throw new Error('audit_head row missing');
  const unsigned = {
    seq: head.last_seq,
    at: nowIso(),
    actorId: input.actor.userId,
    actorName: input.actor.username,
    unitId: input.unitId,
    action: input.action,
    entity: input.entity,
    entityId: String(input.entityId),
    before: normalize(input.before),
    after: normalize(input.after),
    prevHash: head.last_hash,
  };
  const hash = hashOf(unsigned);
  await writeEntry(tx, {
    seq: unsigned.seq,
    at: unsigned.at,
    actor_id: unsigned.actorId,
    actor_name: unsigned.actorName,
    unit_id: unsigned.unitId,
    action: unsigned.action,
    entity: unsigned.entity,
    entity_id: unsigned.entityId,
    before_json: canonicalJson(unsigned.before),
    after_json: canonicalJson(unsigned.after),
    prev_hash: unsigned.prevHash,
    hash,
  });
  return { ...unsigned, hash };
}

// The three statements of every command's audit entry, compiled once (db/prepared.ts).
const advanceHead = prepared((tx: Executor) =>
  tx.updateTable('audit_head').set((eb) => ({ last_seq: eb('last_seq', '+', 1) })).where('id', '=', 1).returning(['last_seq', 'last_hash']));
const setHeadHash = prepared((tx: Executor, hash: string) => tx.updateTable('audit_head').set({ last_hash: hash }).where('id', '=', 1));
const ENTRY_COLUMNS = ['seq', 'at', 'actor_id', 'actor_name', 'unit_id', 'action', 'entity', 'entity_id', 'before_json', 'after_json', 'prev_hash', 'hash'] as const;
type EntryRow = Insertable<AuditLogTable>;
const insertEntryQuery = prepared((tx: Executor, ...values: Array<EntryRow[keyof EntryRow]>) =>
  tx.insertInto('audit_log').values(Object.fromEntries(ENTRY_COLUMNS.map((c, i) => [c, values[i]])) as EntryRow), ENTRY_COLUMNS.length);
const insertEntry = (tx: Executor, row: EntryRow) => insertEntryQuery(tx, ...ENTRY_COLUMNS.map((c) => row[c]));

/**
 * Writes the entry and moves the head's hash to it. On PostgreSQL in one statement (the insert as a
 * data-modifying CTE): the head row is locked from advanceHead to the commit for every audited
 * transaction of the system, so each round trip under it is one all writers wait for.
 */
async function writeEntry(tx: Executor, row: EntryRow): Promise<void> {
  if (dialectOf(tx) === 'postgres') {
    await sql`with entry as (insert into audit_log (${sql.join(ENTRY_COLUMNS.map((c) => sql.ref(c)))}) values (${sql.join(ENTRY_COLUMNS.map((c) => row[c]))}))
      update audit_head set last_hash = ${row.hash} where id = 1`.execute(tx);
    return;
  }
  await insertEntry(tx, row);
  await setHeadHash(tx, row.hash);
}

/** Round-trips through JSON so what is hashed now equals what is parsed back at verification. */
function normalize(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

export function rowToEntry(row: AuditLogTable): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    actorId: row.actor_id,
    actorName: row.actor_name,
    unitId: row.unit_id,
    action: row.action,
    entity: row.entity,
    entityId: row.entity_id,
    before: JSON.parse(row.before_json),
    after: JSON.parse(row.after_json),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** A unit's entries, oldest first, paged by sequence number and filtered by entity, id and action. */
export async function listAuditEntries(db: Executor, scope: UnitScope, query: AuditListQuery): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('audit_log')
    .selectAll()
    .where('unit_id', '=', scope.unitId)
    .$if(query.entity !== undefined, (qb) => qb.where('entity', '=', query.entity!))
    .$if(query.entityId !== undefined, (qb) => qb.where('entity_id', '=', query.entityId!))
    .$if(query.action !== undefined, (qb) => qb.where('action', '=', query.action!))
    .$if(query.afterSeq !== undefined, (qb) => qb.where('seq', '>', query.afterSeq!))
    .orderBy('seq')
    .limit(query.limit)
    .execute();
  // Screens name people, not usernames: the display names beside the signed entries.
  const ids = [...new Set(rows.map((r) => r.actor_id).filter((id): id is number => id !== null))];
  const names = new Map(ids.length ? (await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', ids).execute()).map((u) => [u.id, u.display_name]) : []);
  return rows.map((row) => {
    const entry = rowToEntry(row);
    const name = row.actor_id !== null ? names.get(row.actor_id) : undefined;
    return name ? { ...entry, actorDisplayName: name } : entry;
  });
}

/**
 * Walks the whole chain in order and names the first broken link: an entry whose content no
 * longer matches its hash, whose parent link is wrong, a missing sequence number, or a head that
 * points past the last entry (a truncated tail).
 */
export async function verifyChain(db: Executor, batchSize = 2000): Promise<VerifyResult> {
  const head = await db.selectFrom('audit_head').selectAll().where('id', '=', 1).executeTakeFirstOrThrow();
  let expectedPrev = GENESIS_HASH;
  let expectedSeq = 1;
  let checked = 0;
  const fail = (brokenAt: number, reason: NonNullable<VerifyResult['reason']>): VerifyResult => ({
    ok: false, checked, headSeq: head.last_seq, headHash: head.last_hash, brokenAt, reason,
  });
  for (;;) {
    const rows = await db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      if (row.seq !== expectedSeq) return fail(expectedSeq, 'missing_entry');
      let entry: AuditEntry;
      try {
        entry = rowToEntry(row);
      } catch {
        return fail(row.seq, 'hash_mismatch');
      }
      if (entry.prevHash !== expectedPrev) return fail(row.seq, 'prev_mismatch');
      const { hash, ...unsigned } = entry;
      if (hashOf(unsigned) !== hash) return fail(row.seq, 'hash_mismatch');
      expectedPrev = hash;
      expectedSeq += 1;
      checked += 1;
    }
  }
  if (head.last_seq !== checked) return fail(checked + 1, head.last_seq > checked ? 'missing_entry' : 'head_mismatch');
  if (head.last_hash !== expectedPrev) return fail(checked, 'head_mismatch');
  return { ok: true, checked, headSeq: head.last_seq, headHash: head.last_hash };
}
