import type { Executor, Tx } from '../db/connection.js';
import type { Kernel } from '../kernel.js';
import type { Actor, UnitScope } from '../permissions/service.js';
import { sql, type RawBuilder } from 'kysely';
import { nowIso } from '../clock.js';
import { afterCommit } from '../db/command.js';
import { preparedInsertRows } from '../db/prepared.js';
import { AppError, type Lang } from '../errors.js';
import { realtimeOf } from '../events/realtime.js';
import type { NotificationListQuery } from './schema.js';

/** The realtime channel on which the core says "your notification list changed" in a unit. */
export const CORE_NOTIFICATIONS_CHANNEL = 'core:notifications';
const CORE_SOURCE = 'core';

const LIST_LIMIT = 200;

export type Recipient = { userId: number } | { role: string };

/** A notice written as it reads (Chinese): plugins and the breaker; shown to every reader as written. */
export interface TextNotice {
  title: string;
  body?: string;
  link: string;
}

/** A core notice by message key (see defineNoticeText): stored with its Chinese text, read in the reader's language. */
export interface KeyedNotice {
  key: string;
  params: Record<string, unknown>;
  link: string;
}

export type Notice = TextNotice | KeyedNotice;

/** How a keyed notice reads in a language. */
export type NoticeText = (params: Record<string, unknown>, lang: Lang) => { title: string; body: string };

/**
 * Message keys of core notices and how each reads. The module that writes a kind of notice defines
 * its text (the ledger's approvals: ledger/approvals/notices.ts); this module stores and renders.
 */
const TEXTS = new Map<string, NoticeText>();

export function defineNoticeText(key: string, text: NoticeText): void {
  TEXTS.set(key, text);
}

/** A stored notice in the reader's language; its stored (Chinese) text when its key is unknown or its params unreadable. */
export function renderNotice(row: { title: string; body: string; title_key: string | null; params: string | null }, lang: Lang): { title: string; body: string } {
  const text = row.title_key ? TEXTS.get(row.title_key) : undefined;
  if (!text || lang === 'zh') return { title: row.title, body: row.body };
  try {
    return text(JSON.parse(row.params ?? '{}') as Record<string, unknown>, lang);
  } catch {
    return { title: row.title, body: row.body };
  }
}

function textOf(notice: Notice): { title: string; body: string; title_key: string | null; params: string | null } {
  if ('title' in notice) return { title: notice.title, body: notice.body ?? '', title_key: null, params: null };
  const text = TEXTS.get(notice.key);
  if (!text) throw new Error(`notice text not defined: ${notice.key}`);
  return { ...text(notice.params, 'zh'), title_key: notice.key, params: JSON.stringify(notice.params) };
}

/**
 * The rows of one notice, ready to be written: alone (`run`), or inside one statement with others
 * (`statement`: record.ts sends a new document's notice with its audit entry on PostgreSQL).
 */
export interface NoticeWrite {
  count: number;
  run(tx: Tx): Promise<unknown>;
  statement(tx: Tx): RawBuilder<unknown>;
}

/**
 * One core notice to each recipient, on the caller's transaction: a change that rolls back takes its
 * notices with it, and the unit's clients are told after the commit. null when nobody is to be told.
 */
export function noticeWrite(tx: Tx, unitId: string, recipients: Recipient[], notice: Notice): NoticeWrite | null {
  const seen = new Set<string>();
  const rows: Array<Parameters<typeof insertNotices>[1][number]> = [];
  const createdAt = nowIso();
  const text = textOf(notice);
  for (const r of recipients) {
    const key = 'userId' in r ? `u:${r.userId}` : `r:${r.role}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({
      unit_id: unitId, user_id: 'userId' in r ? r.userId : null, role: 'role' in r ? r.role : null,
      source: CORE_SOURCE, ...text, link: notice.link, created_at: createdAt, read_at: null,
    });
  }
  if (rows.length === 0) return null;
  afterCommit(tx, `announce:${unitId}`, (kernel) => announce(kernel, unitId));
  return {
    count: rows.length,
    run: (on) => insertNotices(on, rows),
    statement: (on) => sql`${on.insertInto('notifications').values(rows)}`,
  };
}

/** Writes one core notice to each recipient now (noticeWrite). Returns how many rows were written. */
export async function notify(tx: Tx, unitId: string, recipients: Recipient[], notice: Notice): Promise<number> {
  return writeNotice(tx, noticeWrite(tx, unitId, recipients, notice));
}

/** Writes a notice's rows now; how many were written (none for nobody to tell). */
export async function writeNotice(tx: Tx, write: NoticeWrite | null): Promise<number> {
  if (!write) return 0;
  await write.run(tx);
  return write.count;
}

const insertNotices = preparedInsertRows('notifications', ['unit_id', 'user_id', 'role', 'source', 'title', 'body', 'title_key', 'params', 'link', 'created_at', 'read_at']);

/**
 * Tells SSE clients of the unit that notifications changed. Called after the change committed, so
 * a rolled-back change announces nothing. The message carries no content: the channel is shared by
 * everyone in the unit, and each client reloads its own list through the access-checked route.
 * A failed announcement never fails the request: the bell also reloads on reconnect and on a poll.
 */
export function announce(kernel: Kernel, unitId: string): Promise<void> {
  // The commands committed while one announcement waits to be sent share it: it is sent after all of
  // them committed and says only "changed". One sent already does not count (it may have been read
  // before this change). Under load, one NOTIFY (PostgreSQL) and one SSE write per client for a burst.
  let waiting = unsentAnnouncements.get(kernel);
  if (!waiting) unsentAnnouncements.set(kernel, (waiting = new Map()));
  const unsent = waiting;
  const shared = unsent.get(unitId);
  if (shared) return shared;
  const sending = new Promise<void>((resolve) => setImmediate(resolve)).then(async () => {
    unsent.delete(unitId);
    try {
      await realtimeOf(kernel).publish({ unitId, channel: CORE_NOTIFICATIONS_CHANNEL, data: JSON.stringify({ changed: true, at: nowIso() }) });
    } catch (error) {
      console.error('[notifications] announcement failed:', (error as Error).message);
    }
  });
  unsent.set(unitId, sending);
  return sending;
}

/** Per kernel, the units whose announcement is waiting to be sent. */
const unsentAnnouncements = new WeakMap<Kernel, Map<string, Promise<void>>>();

// ------------------------------------------------------------------ reading and read state

/** The roles the actor holds directly in this unit (a supervising grant addresses no role here). */
function rolesIn(actor: Actor, unitId: string): string[] {
  return [...new Set(actor.grants.filter((g) => g.unitId === unitId).map((g) => g.role as string))];
}

function addressedTo(db: Executor, actor: Actor, scope: UnitScope) {
  const roles = rolesIn(actor, scope.unitId);
  return db
    .selectFrom('notifications')
    .leftJoin('notification_reads', (join) =>
      join.onRef('notification_reads.notification_id', '=', 'notifications.id').on('notification_reads.user_id', '=', actor.userId))
    .where('notifications.unit_id', '=', scope.unitId)
    .where((eb) => eb.or([eb('notifications.user_id', '=', actor.userId), ...(roles.length ? [eb('notifications.role', 'in', roles)] : [])]));
}

/** The caller's notices, newest first; core notices in `lang` (a search looks in the stored Chinese text). */
export async function listNotifications(db: Executor, actor: Actor, scope: UnitScope, query: NotificationListQuery, lang: Lang = 'zh') {
  const rows = await addressedTo(db, actor, scope)
    .select([
      'notifications.id', 'notifications.source', 'notifications.title', 'notifications.body', 'notifications.link',
      'notifications.created_at', 'notifications.role', 'notification_reads.read_at', 'notifications.title_key', 'notifications.params',
    ])
    .$if(query.unreadOnly === 'true', (qb) => qb.where('notification_reads.read_at', 'is', null))
    .$if(!!query.q, (qb) => {
      // A literal search: % and _ typed by the user match themselves (escaped), in both dialects.
      const pattern = `%${query.q!.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      return qb.where((eb) => eb.or([
        sql<boolean>`${eb.ref('notifications.title')} like ${pattern} escape '\\'`,
        sql<boolean>`${eb.ref('notifications.body')} like ${pattern} escape '\\'`,
      ]));
    })
    .orderBy('notifications.id', 'desc')
    .limit(query.limit ?? LIST_LIMIT)
    .offset(query.offset ?? 0)
    .execute();
  // readAt is this caller's: the shared notifications.read_at column (never written) says nothing per user.
  return rows.map((r) => ({
    id: r.id, source: r.source, ...renderNotice(r, lang), link: r.link, createdAt: r.created_at, role: r.role,
    read: r.read_at !== null, readAt: r.read_at ?? null,
  }));
}

export async function unreadCount(db: Executor, actor: Actor, scope: UnitScope): Promise<{ unread: number }> {
  const row = await addressedTo(db, actor, scope)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('notification_reads.read_at', 'is', null)
    .executeTakeFirstOrThrow();
  return { unread: Number(row.n) };
}

async function insertReads(tx: Tx, userId: number, ids: number[], readAt: string): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .insertInto('notification_reads')
    .values(ids.map((id) => ({ notification_id: id, user_id: userId, read_at: readAt })))
    .onConflict((oc) => oc.columns(['notification_id', 'user_id']).doNothing())
    .execute();
}

/**
 * Marks one notice read for the caller. A notice of another unit, or addressed to someone else,
 * is "not found": its existence is not disclosed. Not audited: read state is a personal
 * convenience, like a mail client's flag, and changes no business record.
 */
export async function markRead(tx: Tx, actor: Actor, scope: UnitScope, id: number) {
  const row = await addressedTo(tx, actor, scope)
    .select(['notifications.id', 'notification_reads.read_at'])
    .where('notifications.id', '=', id)
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_FOUND', { notificationId: id });
  const readAt = row.read_at ?? nowIso();
  if (!row.read_at) await insertReads(tx, actor.userId, [id], readAt);
  return { id, read: true as const, readAt, ...(await unreadCount(tx, actor, scope)) };
}

/** Marks every notice of the caller in this unit read (optionally only up to an id the client has seen). */
export async function markAllRead(tx: Tx, actor: Actor, scope: UnitScope, upToId?: number | undefined) {
  const rows = await addressedTo(tx, actor, scope)
    .select('notifications.id')
    .where('notification_reads.read_at', 'is', null)
    .$if(upToId !== undefined, (qb) => qb.where('notifications.id', '<=', upToId!))
    .execute();
  const ids = rows.map((r) => r.id);
  // Chunked: SQLite caps bound parameters per statement.
  for (let i = 0; i < ids.length; i += 200) await insertReads(tx, actor.userId, ids.slice(i, i + 200), nowIso());
  return { marked: ids.length, ...(await unreadCount(tx, actor, scope)) };
}

/**
 * Marks every notice of a unit but the newest `keepUnread` as read by each of its addressees:
 * a seeded history reads as already dealt with, so the bell opens on what is new rather than on
 * hundreds of notices nobody could have acted on.
 */
export async function markHistoryRead(tx: Tx, unitId: string, keepUnread: number): Promise<void> {
  const newest = await tx.selectFrom('notifications').select('id').where('unit_id', '=', unitId)
    .orderBy('id', 'desc').offset(keepUnread).limit(1).executeTakeFirst();
  if (!newest) return;
  await tx.insertInto('notification_reads')
    .columns(['notification_id', 'user_id', 'read_at'])
    .expression((eb) => eb.selectFrom('notifications as n')
      .innerJoin('role_grants as g', (join) => join.onRef('g.unit_id', '=', 'n.unit_id')
        .on((on) => on.or([on('g.user_id', '=', on.ref('n.user_id')), on('g.role', '=', on.ref('n.role'))])))
      .where('n.unit_id', '=', unitId)
      .where('n.id', '<=', newest.id)
      .select(['n.id as notification_id', 'g.user_id as user_id', eb.val(nowIso()).as('read_at')])
      .distinct())
    .onConflict((oc) => oc.doNothing())
    .execute();
}
