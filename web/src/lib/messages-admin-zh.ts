/** zh-CN messages of the admin screens (merged into the main table by messages-zh.ts). */
export const zhAdmin = {
} as const;
