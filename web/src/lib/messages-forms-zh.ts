/** zh-CN messages of the data-entry forms and money captions (issue 20, merged by messages-zh.ts). */
export const zhForms = {
  fm_amount: '金额',
  fm_unitWan: '单位：万元',
  fm_draftDiscard: '放弃草稿',
  fm_transferDraftRestored: '已恢复上次未提交的调剂草稿。',
  fm_adjustmentDraftRestored: '已恢复上次未提交的调整草稿。',
};
