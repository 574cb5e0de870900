import { z } from 'zod';
import { UnitParams } from '../units/schema.js';

export const NotificationParams = UnitParams.extend({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export const NotificationListQuery = z.object({
  unreadOnly: z.enum(['true', 'false']).optional().describe('true: only what the caller has not read'),
  limit: z.coerce.number().int().min(1).max(200).optional().describe('newest first; default and maximum 200'),
  offset: z.coerce.number().int().min(0).max(1_000_000).optional().describe('skip this many (newest first): the bell pages through older notices'),
  q: z.string().trim().max(100, '搜索词不能超过 100 个字符').optional().describe('only notices whose title or text contains this'),
  lang: z.enum(['zh-CN', 'zh', 'en']).optional().describe('language of core notices; default: Accept-Language, else zh-CN (plugin notices read as written)'),
});
export type NotificationListQuery = z.infer<typeof NotificationListQuery>;

export const ReadAllBody = z.object({
  upToId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional().describe('mark only notices up to this id (what the client has shown)'),
});

// The notice as the web app reads it is a shared contract of the SDK.
export { NotificationView } from '@unibudget/sdk/contracts/kernel';

export const UnreadCount = z.object({ unread: z.number().int() });
export const MarkReadResult = UnreadCount.extend({ id: z.number().int(), read: z.literal(true), readAt: z.string() });
export const MarkAllResult = UnreadCount.extend({ marked: z.number().int() });
