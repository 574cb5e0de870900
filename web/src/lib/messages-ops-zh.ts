/** zh-CN messages of the ops screens (merged into the main table by messages-zh.ts). */
export const zhOps = {
} as const;
