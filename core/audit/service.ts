import { createHash, randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { dialectOf, type Executor, type Tx } from '../db/connection.js';
import type { AuditLogTable } from '../db/schema.js';
import { prepared, preparedInsert } from '../db/prepared.js';
import { nowIso } from '../clock.js';
import { CanonicalText, canonicalJson } from './canonical.js';
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
 * A write that goes with an audit entry (record.ts: the command's notice and outbox event): after the
 * entry on SQLite, in the entry's one statement on PostgreSQL.
 */
export interface AlongsideWrite {
  run(tx: Tx): Promise<unknown>;
  statement(tx: Tx): RawBuilder<unknown>;
}

/**
 * A write that comes before the chain's head (its row lock is taken first: ARCHITECTURE.md, lock
 * order) and must change a row (its statement returns the rows it changed), such as a reservation on
 * an indicator: when it changes none, `refused` throws the command's error, and the whole transaction,
 * the entry with it, is rolled back. On SQLite `run` refuses by itself.
 */
export interface GuardedWrite extends AlongsideWrite {
  refused(tx: Tx): Promise<never>;
}

/**
 * Appends one entry to the chain inside the caller's transaction, writing `guarded` before it and
 * `alongside` with it.
 * The head row is updated first: on PostgreSQL that row lock orders concurrent writers, so each sees
 * the previous one's hash. The lock is held to the commit by every audited transaction of the system,
 * so on PostgreSQL the entry and what goes with it are one statement (appendAuditPg); SQLite's writers
 * are serial and its statements cost no round trip.
 */
export async function appendAudit(tx: Tx, input: AuditInput, alongside: AlongsideWrite[] = [], guarded: GuardedWrite[] = []): Promise<AuditEntry> {
  const fields = {
    at: nowIso(),
    actorId: input.actor.userId,
    actorName: input.actor.username,
    unitId: input.unitId,
    action: input.action,
    entity: input.entity,
    entityId: String(input.entityId),
    before: input.before ?? null,
    after: input.after ?? null,
  };
  // The documents made canonical once: the entry's columns and the text its hash is taken over both hold them.
  const texts = { before: new CanonicalText(canonicalJson(fields.before)), after: new CanonicalText(canonicalJson(fields.after)) };
  if (dialectOf(tx) === 'postgres') return appendAuditPg(tx, fields, texts, alongside, guarded);
  for (const write of guarded) await write.run(tx);
  const [head] = await advanceHead(tx);
  if (!head) throw new Error('audit_head row missing');
  const unsigned = { ...fields, seq: head.last_seq, prevHash: head.last_hash };
  const hash = hashOf({ ...unsigned, ...texts });
  await insertEntry(tx, { ...entryColumns(fields, texts), seq: unsigned.seq, prev_hash: unsigned.prevHash, hash });
  await setHeadHash(tx, hash);
  for (const write of alongside) await write.run(tx);
  return { ...unsigned, hash };
}

type EntryFields = Omit<AuditEntry, 'seq' | 'prevHash' | 'hash'>;
interface EntryTexts { before: CanonicalText; after: CanonicalText }

const entryColumns = (f: EntryFields, texts: EntryTexts) => ({
  at: f.at, actor_id: f.actorId, actor_name: f.actorName, unit_id: f.unitId, action: f.action, entity: f.entity,
  entity_id: f.entityId, before_json: texts.before.text, after_json: texts.after.text,
});

/**
 * The entry in one statement: the head's UPDATE takes the next number and computes the new hash in
 * SQL, sha256 over the same canonical text hashOf hashes, which is this entry's canonical JSON with
 * the previous hash and the number spliced in where the markers stand (keys sorted, so both sit at
 * fixed places). The head keeps the hash it moved from (prev_hash, migration 024), since RETURNING
 * gives only new values. The entry and `alongside` are inserted from the head's RETURNING. The
 * `guarded` writes run first: the head's WHERE reads their count (an init plan, evaluated before the
 * head's row is touched), so their row locks come before the head's, and the count says whether each
 * changed its row. A hot indicator's reservation is thereby held for this statement and the commit.
 */
async function appendAuditPg(tx: Tx, fields: EntryFields, texts: EntryTexts, alongside: AlongsideWrite[], guarded: GuardedWrite[]): Promise<AuditEntry> {
  const marker = randomUUID();
  const text = canonicalJson({ ...fields, ...texts, prevHash: `${marker}h`, seq: `${marker}s` });
  const [beforeHash, rest] = text.split(`${marker}h`) as [string, string];
  const [betweenHashAndSeq, afterSeq] = rest.split(`"${marker}s"`) as [string, string];
  const columns = entryColumns(fields, texts);
  const names = Object.keys(columns) as Array<keyof typeof columns>;
  const guard = (i: number) => sql.raw(`guarded${i}`);
  const changed = (i: number) => sql`(select count(*) from ${guard(i)})`;
  const { rows } = await sql<{ last_seq: number | string; prev_hash: string; last_hash: string } & Record<string, number | string>>`
    with ${sql.join(guarded.map((write, i) => sql`${guard(i)} as (${write.statement(tx)}), `), sql``)}head as (
      update audit_head set last_seq = last_seq + 1, prev_hash = last_hash,
        last_hash = encode(sha256(convert_to(${beforeHash} || last_hash || ${betweenHashAndSeq} || (last_seq + 1)::text || ${afterSeq}, 'UTF8')), 'hex')
      where id = 1${sql.join(guarded.map((_, i) => sql` and ${changed(i)} >= 0`), sql``)}
      returning last_seq, prev_hash, last_hash),
    entry as (
      insert into audit_log (${sql.join(names.map((c) => sql.ref(c)))}, seq, prev_hash, hash)
      values (${sql.join(names.map((c) => columns[c]))}, (select last_seq from head), (select prev_hash from head), (select last_hash from head)))
    ${sql.join(alongside.map((write, i) => sql`, ${sql.raw(`alongside${i}`)} as (${write.statement(tx)})`), sql``)}
    select last_seq, prev_hash, last_hash${sql.join(guarded.map((_, i) => sql`, ${changed(i)} as ${guard(i)}`), sql``)} from head`.execute(tx);
  const head = rows[0];
  if (!head) throw new Error('audit_head row missing');
  for (const [i, write] of guarded.entries()) if (Number(head[`guarded${i}`]) === 0) await write.refused(tx);
  return { ...fields, seq: Number(head.last_seq), prevHash: head.prev_hash, hash: head.last_hash };
}

// The statements of every command's audit entry on SQLite, compiled once (db/prepared.ts).
const advanceHead = prepared((tx: Executor) =>
  tx.updateTable('audit_head').set((eb) => ({ last_seq: eb('last_seq', '+', 1) })).where('id', '=', 1).returning(['last_seq', 'last_hash']));
const setHeadHash = prepared((tx: Executor, hash: string) => tx.updateTable('audit_head').set({ last_hash: hash }).where('id', '=', 1));
const insertEntry = preparedInsert('audit_log', ['seq', 'at', 'actor_id', 'actor_name', 'unit_id', 'action', 'entity', 'entity_id', 'before_json', 'after_json', 'prev_hash', 'hash']);

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
