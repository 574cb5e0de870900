import type { zhOps } from './messages-ops-zh.js';

export const enOps: Record<keyof typeof zhOps, string> = {
};
