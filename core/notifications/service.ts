import type { Executor, Tx } from '../db/connection.js';
import type { ApprovalTarget } from '../db/schema.js';
import type { Kernel } from '../kernel.js';
import type { Actor, UnitScope } from '../permissions/service.js';
import { nowIso } from '../clock.js';
import { AppError, formatYuan } from '../errors.js';
import { realtimeOf } from '../events/realtime.js';
import type { NotificationListQuery } from './schema.js';

/** The realtime channel on which the core says "your notification list changed" in a unit. */
export const CORE_NOTIFICATIONS_CHANNEL = 'core:notifications';
const CORE_SOURCE = 'core';

/** Web pages a notice links to (web/src/app.ts NAV): where the recipient acts on it. */
const LINKS = { mine: '/mine', inbox: '/inbox', transfers: '/transfers' } as const;

const LIST_LIMIT = 200;

export type Recipient = { userId: number } | { role: string };

export interface Notice {
  title: string;
  body?: string;
  link: string;
}

/**
 * Writes one core notice to each recipient, on the caller's transaction: a change that rolls back
 * takes its notices with it. Returns how many rows were written.
 */
export async function notify(tx: Executor, unitId: string, recipients: Recipient[], notice: Notice): Promise<number> {
  const seen = new Set<string>();
  const rows = [];
  const createdAt = nowIso();
  for (const r of recipients) {
    const key = 'userId' in r ? `u:${r.userId}` : `r:${r.role}`;
    if (seen.has(key)) continue;
    seen.add(key);
    rows.push({
      unit_id: unitId, user_id: 'userId' in r ? r.userId : null, role: 'role' in r ? r.role : null,
      source: CORE_SOURCE, title: notice.title, body: notice.body ?? '', link: notice.link, created_at: createdAt, read_at: null,
    });
  }
  if (rows.length === 0) return 0;
  await tx.insertInto('notifications').values(rows).execute();
  return rows.length;
}

/**
 * Who must act on a document's current (pending) approval step. A department head approves only
 * for their own department (decideStep), so that step goes to the heads of the document's
 * department by name rather than to every head in the unit; other roles are addressed as a role.
 * The requester is never told to approve their own request.
 */
async function currentApprovers(tx: Executor, unitId: string, target: ApprovalTarget, targetId: number, departmentId: number, requesterId: number) {
  const step = await tx
    .selectFrom('approval_steps')
    .select(['role', 'label'])
    .where('unit_id', '=', unitId)
    .where('target', '=', target)
    .where('target_id', '=', targetId)
    .where('status', '=', 'pending')
    .orderBy('seq')
    .executeTakeFirst();
  if (!step) return null;
  if (step.role !== 'department_head') return { label: step.label, recipients: [{ role: step.role }] as Recipient[] };
  const heads = await tx
    .selectFrom('role_grants')
    .select('user_id')
    .where('unit_id', '=', unitId)
    .where('role', '=', 'department_head')
    .where('department_id', '=', departmentId)
    .where('user_id', '!=', requesterId)
    .execute();
  if (heads.length) return { label: step.label, recipients: heads.map((h) => ({ userId: h.user_id })) as Recipient[] };
  // No head of that department other than the requester: the document would wait with nobody told.
  // Tell the unit's department heads instead — by name, so the requester (who may be the department's
  // only head) is still never asked to approve their own request — and say why it reached them.
  const unitHeads = await tx
    .selectFrom('role_grants')
    .select('user_id')
    .distinct()
    .where('unit_id', '=', unitId)
    .where('role', '=', 'department_head')
    .where('user_id', '!=', requesterId)
    .execute();
  return { label: `${step.label}；本科室未设科室负责人`, recipients: unitHeads.map((h) => ({ userId: h.user_id })) as Recipient[] };
}

const DOC_NAME: Record<ApprovalTarget, string> = { payment: '支付申请', transfer: '预算调剂', adjustment: '预算调整' };

/** A document waits at its current step: tell that step's approvers. */
export async function notifyPendingStep(
  tx: Executor, unitId: string, doc: { target: ApprovalTarget; id: number; amount: number; departmentId: number; requesterId: number; summary: string },
): Promise<number> {
  const approvers = await currentApprovers(tx, unitId, doc.target, doc.id, doc.departmentId, doc.requesterId);
  if (!approvers) return 0;
  return notify(tx, unitId, approvers.recipients, {
    title: `待审批：${DOC_NAME[doc.target]} #${doc.id}，${formatYuan(Math.abs(doc.amount))} 元`,
    body: `${doc.summary}（${approvers.label}）`,
    link: LINKS.inbox,
  });
}

/** A document reached its end (approved, rejected, paid): tell the person who submitted it. */
export async function notifyRequester(
  tx: Executor, unitId: string, doc: { target: ApprovalTarget; id: number; amount: number; requesterId: number; summary: string },
  outcome: 'approved' | 'rejected' | 'paid', comment?: string | undefined,
): Promise<number> {
  const verb = { approved: '已审批通过', rejected: '被退回', paid: '已支付' }[outcome];
  const link = doc.target === 'payment' ? LINKS.mine : LINKS.transfers;
  return notify(tx, unitId, [{ userId: doc.requesterId }], {
    title: `${DOC_NAME[doc.target]} #${doc.id} ${verb}，${formatYuan(Math.abs(doc.amount))} 元`,
    body: comment ? `${doc.summary}\n意见：${comment}` : doc.summary,
    link,
  });
}

/** Budget requests (二上二下): finance hands down control numbers, or approves and issues indicators. */
export async function notifyBudgetRequest(
  tx: Executor, unitId: string, request: { id: number; title: string; createdBy: number; amount: number },
  outcome: 'returned' | 'approved',
): Promise<number> {
  const notice: Notice = outcome === 'returned'
    ? { title: `预算申请 #${request.id} 已下达控制数 ${formatYuan(request.amount)} 元`, body: `「${request.title}」请按控制数调整后再次上报`, link: LINKS.mine }
    : { title: `预算申请 #${request.id} 已批复，下达指标 ${formatYuan(request.amount)} 元`, body: `「${request.title}」`, link: LINKS.mine };
  return notify(tx, unitId, [{ userId: request.createdBy }], notice);
}

/**
 * Tells SSE clients of the unit that notifications changed. Called after the change committed, so
 * a rolled-back change announces nothing. The message carries no content: the channel is shared by
 * everyone in the unit, and each client reloads its own list through the access-checked route.
 * A failed announcement never fails the request: the bell also reloads on reconnect and on a poll.
 */
export async function announce(kernel: Kernel, unitId: string): Promise<void> {
  try {
    await realtimeOf(kernel).publish({ unitId, channel: CORE_NOTIFICATIONS_CHANNEL, data: JSON.stringify({ changed: true, at: nowIso() }) });
  } catch (error) {
    console.error('[notifications] announcement failed:', (error as Error).message);
  }
}

/** Route helper: returns the service's result once the announcement has gone out. */
export async function announced<T>(kernel: Kernel, unitId: string, result: T): Promise<T> {
  await announce(kernel, unitId);
  return result;
}

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

export async function listNotifications(db: Executor, actor: Actor, scope: UnitScope, query: NotificationListQuery) {
  const rows = await addressedTo(db, actor, scope)
    .select([
      'notifications.id', 'notifications.source', 'notifications.title', 'notifications.body', 'notifications.link',
      'notifications.created_at', 'notifications.role', 'notification_reads.read_at',
    ])
    .$if(query.unreadOnly === 'true', (qb) => qb.where('notification_reads.read_at', 'is', null))
    .orderBy('notifications.id', 'desc')
    .limit(query.limit ?? LIST_LIMIT)
    .execute();
  // readAt is this caller's: the shared notifications.read_at column (never written) says nothing per user.
  return rows.map((r) => ({
    id: r.id, source: r.source, title: r.title, body: r.body, link: r.link, createdAt: r.created_at, role: r.role,
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
export async function markRead(db: Executor, actor: Actor, scope: UnitScope, id: number) {
  return db.transaction().execute(async (tx) => {
    const row = await addressedTo(tx, actor, scope)
      .select(['notifications.id', 'notification_reads.read_at'])
      .where('notifications.id', '=', id)
      .executeTakeFirst();
    if (!row) throw new AppError('NOT_FOUND', { notificationId: id });
    const readAt = row.read_at ?? nowIso();
    if (!row.read_at) await insertReads(tx, actor.userId, [id], readAt);
    return { id, read: true, readAt, ...(await unreadCount(tx, actor, scope)) };
  });
}

/** Marks every notice of the caller in this unit read (optionally only up to an id the client has seen). */
export async function markAllRead(db: Executor, actor: Actor, scope: UnitScope, upToId?: number | undefined) {
  return db.transaction().execute(async (tx) => {
    const rows = await addressedTo(tx, actor, scope)
      .select('notifications.id')
      .where('notification_reads.read_at', 'is', null)
      .$if(upToId !== undefined, (qb) => qb.where('notifications.id', '<=', upToId!))
      .execute();
    const ids = rows.map((r) => r.id);
    // Chunked: SQLite caps bound parameters per statement.
    for (let i = 0; i < ids.length; i += 200) await insertReads(tx, actor.userId, ids.slice(i, i + 200), nowIso());
    return { marked: ids.length, ...(await unreadCount(tx, actor, scope)) };
  });
}

/**
 * Marks every notice of a unit but the newest `keepUnread` as read by each of its addressees:
 * a seeded history reads as already dealt with, so the bell opens on what is new rather than on
 * hundreds of notices nobody could have acted on.
 */
export async function markHistoryRead(db: Executor, unitId: string, keepUnread: number): Promise<void> {
  const newest = await db.selectFrom('notifications').select('id').where('unit_id', '=', unitId)
    .orderBy('id', 'desc').offset(keepUnread).limit(1).executeTakeFirst();
  if (!newest) return;
  await db.insertInto('notification_reads')
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
