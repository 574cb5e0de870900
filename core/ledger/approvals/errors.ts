import { defineErrors, type ErrorSpec } from '../../errors.js';

/** Error codes of the approval flow itself: a rejection without its reason, a document nobody could approve. */
export const APPROVAL_ERRORS = defineErrors({
  REJECT_REASON_REQUIRED: {
    status: 422,
    zh: '请填写退回原因（{field}）：申请人会在通知和审批记录中看到它',
    en: 'Give the reason for rejecting ({field}): the requester sees it in the notice and the trail',
  },
  NO_ELIGIBLE_APPROVER: {
    status: 422,
    zh: '「{label}」环节在本单位没有可审批的人员（申请人不能审批自己的申请），也没有可代审的单位领导或财务人员：请单位管理员先设置审批人员',
    en: 'Nobody in the unit can decide the step “{label}” (requesters never approve their own), and no leader or finance officer can stand in: ask the unit administrator to assign approvers first',
  },
} as const satisfies Record<string, ErrorSpec>);

type ApprovalErrorTable = typeof APPROVAL_ERRORS;
declare module '../../errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends ApprovalErrorTable {}
}
