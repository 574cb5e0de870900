import { z } from 'zod';
import { UnitId } from '../../units/schema.js';
// The answers the web app reads are shared contracts of the SDK.
import { ApprovalTarget, DECISION_STATUSES } from '@unibudget/sdk/contracts/ledger';
export {
  APPROVAL_TARGETS, ApprovalTarget, DECISION_STATUSES, DocumentTrail, FlowBody, FlowStep, FlowView, InboxItem, StepView,
} from '@unibudget/sdk/contracts/ledger';

export const FlowParams = z.object({ unitId: UnitId, target: ApprovalTarget });

/** An approval decision, or a document closed by its approver or requester: the comment goes on the trail. */
export const DecisionBody = z.object({ comment: z.string().trim().max(500).optional() });

/** Transfers (调剂) and adjustments (追加/追减): documents with the DECISION_STATUSES life. */
export const DocParams = z.object({ unitId: UnitId, id: z.coerce.number().int().positive() });
export const StatusQuery = z.object({ status: z.enum(DECISION_STATUSES).optional(), indicatorId: z.coerce.number().int().positive().optional() });
