import { z } from 'zod';
import { UnitId } from '../../units/schema.js';
import { PageQuery } from '../../db/paging.js';
// The answers the web app reads are shared contracts of the SDK.
import { ApprovalTarget, DECISION_STATUSES } from '@unibudget/sdk/contracts/ledger';
export {
  APPROVAL_TARGETS, ApprovalTarget, DECISION_STATUSES, DocumentTrail, FlowBody, FlowStep, FlowView, InboxItem, StepView,
} from '@unibudget/sdk/contracts/ledger';

export const FlowParams = z.object({ unitId: UnitId, target: ApprovalTarget });

/** The language of a reply (`?lang=` before Accept-Language): step names and summaries. */
export const LangQuery = z.object({
  lang: z.enum(['zh-CN', 'zh', 'en']).optional().describe('language of step names and summaries; default: Accept-Language, else zh-CN'),
});

/** 待我审批: the old array without `page`; one page and a search with it. */
export const InboxQuery = PageQuery.merge(LangQuery);

/** An approval decision, or a document closed by its approver or requester: the comment goes on the trail. */
export const DecisionBody = z.object({ comment: z.string().trim().max(500).optional() });

/** Transfers (调剂) and adjustments (追加/追减): documents with the DECISION_STATUSES life. */
export const DocParams = z.object({ unitId: UnitId, id: z.coerce.number().int().positive() });
export const StatusQuery = z.object({ status: z.enum(DECISION_STATUSES).optional(), indicatorId: z.coerce.number().int().positive().optional() });
