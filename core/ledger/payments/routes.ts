import { z } from 'zod';
import { defineRoute } from '../../http/route.js';
import { UnitParams } from '../../units/schema.js';
import { DecisionBody } from '../approvals/schema.js';
import { withStepLabels } from '../approvals/service.js';
import { pageOf } from '../../db/paging.js';
import { CheckResult, PayBody, PaymentCheckBody, PaymentDetail, PaymentDraft, PaymentListQuery, PaymentParams, PaymentView } from './schema.js';
import { validatePaymentPay } from './pay-validation.js';
import { approvePayment, checkPayment, createPayment, validatePayment, getPayment, listPayments, payPayment, rejectPayment, withdrawPayment } from './service.js';

export const paymentRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/payments',
    tag: 'payments',
    summary: '支付申请列表 Payment requests (staff see their department; mine=true for one’s own); `page` answers one page {items, total, page, pageSize}, `q` searches number, purpose and payee',
    access: { kind: 'unit', permission: 'payment.read' },
    params: UnitParams,
    query: PaymentListQuery,
    response: z.union([z.array(PaymentView), pageOf(PaymentView)]),
    handler: async ({ kernel, actor, scope, query }) => listPayments(kernel.db, actor, scope, query),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/payments/check',
    tag: 'payments',
    summary: '支付规则预检 Which control rules a draft would trip, and who would approve it; writes nothing',
    access: { kind: 'unit', permission: 'payment.create' },
    params: UnitParams,
    body: PaymentCheckBody,
    response: CheckResult,
    handler: async ({ kernel, actor, scope, body, lang }) => withStepLabels(await checkPayment(kernel.db, actor, scope, body), lang),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/payments',
    tag: 'payments',
    summary: '提交支付申请 Submit a payment request against an indicator; control rules are checked in the same transaction',
    access: { kind: 'unit', permission: 'payment.create' },
    params: UnitParams,
    body: PaymentDraft,
    response: PaymentDetail,
    status: 201,
    prepare: async ({ kernel, actor, scope, body, lang }) => validatePayment(kernel.db, actor, scope, body, lang),
    command: async ({ tx, actor, scope, body, prepared }) => createPayment(tx, actor, scope, body, prepared),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/payments/:id',
    tag: 'payments',
    summary: '支付申请详情 A payment request with its approval trail and comments',
    access: { kind: 'unit', permission: 'payment.read' },
    params: PaymentParams,
    response: PaymentDetail,
    handler: async ({ kernel, actor, scope, params, lang }) => withStepLabels(await getPayment(kernel.db, actor, scope, params.id), lang),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/payments/:id/approve',
    tag: 'payments',
    summary: '审批通过 Approve the current step; the last step freezes the amount',
    access: { kind: 'unit', permission: 'payment.approve' },
    params: PaymentParams,
    body: DecisionBody,
    response: PaymentDetail,
    command: async ({ tx, actor, scope, params, body }) => approvePayment(tx, actor, scope, params.id, body),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/payments/:id/reject',
    tag: 'payments',
    summary: '退回/驳回 Reject at the current step, or (finance) refuse to pay an approved request; releases any freeze',
    access: { kind: 'unit', permission: 'payment.approve' },
    params: PaymentParams,
    body: DecisionBody,
    response: PaymentDetail,
    command: async ({ tx, actor, scope, params, body }) => rejectPayment(tx, actor, scope, params.id, body),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/payments/:id/pay',
    tag: 'payments',
    summary: '支付 Pay an approved request: the frozen amount becomes spent',
    access: { kind: 'unit', permission: 'payment.pay' },
    params: PaymentParams,
    body: PayBody,
    response: PaymentDetail,
    // payment.validate asked again with stage 'pay' (a joint review open on it blocks), before the transaction.
    prepare: async ({ kernel, scope, params, lang }) => validatePaymentPay(kernel.db, scope, params.id, lang),
    command: async ({ tx, actor, scope, params, body }) => payPayment(tx, actor, scope, params.id, body),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/payments/:id/withdraw',
    tag: 'payments',
    summary: '撤回 The requester withdraws a pending or approved (unpaid) request',
    access: { kind: 'unit', permission: 'payment.create' },
    params: PaymentParams,
    body: DecisionBody,
    response: PaymentDetail,
    command: async ({ tx, actor, scope, params, body }) => withdrawPayment(tx, actor, scope, params.id, body),
  }),
];
