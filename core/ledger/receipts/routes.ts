import { defineRoute } from '../../http/route.js';
import { UnitParams } from '../../units/schema.js';
import { ReceiptDraft, ReceiptList, ReceiptListQuery, ReceiptParams, ReceiptView, ReverseBody } from './schema.js';
import { listReceipts, receiptDetail, recordReceipt, reverseReceipt } from './service.js';

/**
 * 收入登记. Finance officers record and reverse (receipt.record); leaders and auditors read
 * (receipt.read), and supervising units read their subordinates' through their read grants.
 */
export const receiptRoutes = [
  defineRoute({
    method: 'get', path: '/api/units/:unitId/receipts', tag: 'receipts',
    summary: '收入登记列表 Receipts of non-fiscal money with totals by type and the unit’s cash (1002 / 800102); filter by year, month, type',
    access: { kind: 'unit', permission: 'receipt.read' }, params: UnitParams, query: ReceiptListQuery, response: ReceiptList,
    handler: async ({ kernel, scope, query }) => listReceipts(kernel.db, scope, query),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/receipts', tag: 'receipts',
    summary: '登记收入 Record non-fiscal money that arrived: Dr 1002 / Cr 4xxx and Dr 800102 / Cr 6xxx in one transaction',
    access: { kind: 'unit', permission: 'receipt.record' }, params: UnitParams, body: ReceiptDraft, response: ReceiptView, status: 201,
    command: async ({ tx, actor, scope, body }) => recordReceipt(tx, actor, scope, body),
  }),
  defineRoute({
    method: 'get', path: '/api/units/:unitId/receipts/:id', tag: 'receipts',
    summary: '收入登记详情 One receipt',
    access: { kind: 'unit', permission: 'receipt.read' }, params: ReceiptParams, response: ReceiptView,
    handler: async ({ kernel, scope, params }) => receiptDetail(kernel.db, scope.unitId, params.id),
  }),
  defineRoute({
    method: 'post', path: '/api/units/:unitId/receipts/:id/reverse', tag: 'receipts',
    summary: '冲销收入 Reverse a receipt (红字冲销: the same accounts, sides swapped) with a reason; refused if the cash is spent',
    access: { kind: 'unit', permission: 'receipt.record' }, params: ReceiptParams, body: ReverseBody, response: ReceiptView,
    command: async ({ tx, actor, scope, params, body }) => reverseReceipt(tx, actor, scope, params.id, body),
  }),
];
