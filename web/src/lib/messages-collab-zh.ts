/** Messages of the chat block's live side (view-chat: discussion threads of the collab plugin and any plugin's chat) and of view search boxes and link actions (view-search, plugin-view). */
export const zhCollab = {
  chat_edited: '已编辑',
  chat_mentionsMe: '提到了你',
  chat_yuan: '元',
  chat_attachments: '附件',
  chat_live: '● 实时',
  chat_typing: '{names} 正在输入…',
  chat_hint: '@姓名 提醒同事，[[payment:12]] 引用支付申请；Ctrl+Enter 发送',
  vs_search: '查询',
  vs_clear: '清除条件',
};
