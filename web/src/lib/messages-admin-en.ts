import type { zhAdmin } from './messages-admin-zh.js';

export const enAdmin: Record<keyof typeof zhAdmin, string> = {
};
