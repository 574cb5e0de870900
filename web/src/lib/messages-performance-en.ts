import type { zhPerformance } from './messages-performance-zh.js';

/** English messages of issue 17's host additions (the `shared.read` permission; merged by messages-en.ts). */
export const enPerformance: Record<keyof typeof zhPerformance, string> = {
  perm_name_shared_read: 'Read data other plugins share',
  perm_desc_shared_read: 'Read-only access to the collections that plugins enabled in the unit declare shared (e.g. the analytics plugin\'s project progress reports); nothing can be changed, and no other unit\'s data is seen',
};
