import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { requestLang } from '../errors.js';
import { UnitParams } from '../units/schema.js';
import { MarkAllResult, MarkReadResult, NotificationListQuery, NotificationParams, NotificationView, ReadAllBody, UnreadCount } from './schema.js';
import { listNotifications, markAllRead, markRead, unreadCount } from './service.js';

/**
 * In-app notifications addressed to the caller or to a role they hold in the unit. Read state is
 * per user; marking read is the caller's own convenience state, not a business write: any reader
 * of the unit may do it (on their own notices only) and it is not audited.
 */
export const notificationRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/notifications',
    tag: 'notifications',
    summary: '站内通知 In-app notifications of this unit addressed to the caller or to one of their roles here (core, plugins, breaker), newest first, with the caller’s read state',
    access: { kind: 'unit', permission: 'unit.read' },
    params: UnitParams,
    query: NotificationListQuery,
    response: z.array(NotificationView),
    handler: async ({ kernel, actor, scope, query, lang }) => listNotifications(kernel.db, actor, scope, query, requestLang(query, lang)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/notifications/unread-count',
    tag: 'notifications',
    summary: '未读通知数 How many of the caller’s notifications in this unit they have not read',
    access: { kind: 'unit', permission: 'unit.read' },
    params: UnitParams,
    response: UnreadCount,
    handler: async ({ kernel, actor, scope }) => unreadCount(kernel.db, actor, scope),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/notifications/:id/read',
    tag: 'notifications',
    summary: '标记已读 Mark one of the caller’s notifications read (404 for another unit’s or someone else’s)',
    access: { kind: 'unit', permission: 'unit.read' },
    params: NotificationParams,
    response: MarkReadResult,
    command: async ({ tx, actor, scope, params }) => markRead(tx, actor, scope, params.id),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/notifications/read-all',
    tag: 'notifications',
    summary: '全部已读 Mark all of the caller’s notifications in this unit read (optionally up to an id)',
    access: { kind: 'unit', permission: 'unit.read' },
    params: UnitParams,
    body: ReadAllBody,
    response: MarkAllResult,
    command: async ({ tx, actor, scope, body }) => markAllRead(tx, actor, scope, body.upToId),
  }),
];
