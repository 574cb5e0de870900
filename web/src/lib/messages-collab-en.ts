import type { zhCollab } from './messages-collab-zh.js';

/** English messages of the chat block's live side (merged into the main table by messages-en.ts). */
export const enCollab: Record<keyof typeof zhCollab, string> = {
  chat_edited: 'edited',
  chat_mentionsMe: 'mentions you',
  chat_yuan: 'yuan',
  chat_attachments: 'Attachments',
  chat_live: '● Live',
  chat_typing: '{names} is typing…',
  chat_hint: '@name mentions a colleague, [[payment:12]] quotes a payment; Ctrl+Enter sends',
  vs_search: 'Search',
  vs_clear: 'Clear',
};
