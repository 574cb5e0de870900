import { z } from 'zod';
import { UnitId } from '../../units/schema.js';
import { IsoDate } from '@unibudget/sdk/contracts/ledger';

export const AssetParams = z.object({ unitId: UnitId, id: z.coerce.number().int().positive() });

export const AssetListQuery = z.object({
  status: z.enum(['in_use', 'under_construction']).optional(),
  account: z.enum(['1601', '1613', '1701', '1811', '1821']).optional(),
});

const UsefulLife = z.number().int().min(1).max(1200).describe('months');

export const AssetPatchBody = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    classCode: z.string().regex(/^[a-z_]{2,40}$/).optional(),
    usefulLifeMonths: UsefulLife.optional(),
    departmentId: z.number().int().positive().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, '至少修改一项');

export const AssetCompleteBody = z.object({
  date: IsoDate.describe('交付使用日期: the completion (转固) date, in an open month'),
  classCode: z.string().regex(/^[a-z_]{2,40}$/).describe('the fixed-asset class it becomes, e.g. building_rc'),
  name: z.string().trim().min(1).max(100).optional(),
  usefulLifeMonths: UsefulLife.optional().describe('defaults to the class’s useful life in the unit'),
});

export const AssetView = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  classCode: z.string(),
  className: z.string(),
  accountCode: z.string(),
  accountName: z.string(),
  value: z.number().int().describe('fen'),
  accumulated: z.number().int().describe('accumulated depreciation / amortisation, fen'),
  netValue: z.number().int().describe('fen'),
  departmentId: z.number().int(),
  departmentName: z.string(),
  departmentFunction: z.enum(['business', 'management']),
  acquiredOn: z.string(),
  completedOn: z.string().nullable(),
  usefulLifeMonths: z.number().int().nullable(),
  status: z.enum(['in_use', 'under_construction']),
  economicCode: z.string(),
  economicName: z.string(),
  paymentId: z.number().int().nullable(),
  paymentDocNo: z.string().nullable().describe('the number of the payment the card came from in the unit’s series (ZF2026-0001)'),
  depreciationStarted: z.boolean(),
});
export type AssetView = z.infer<typeof AssetView>;

export const AssetDetail = AssetView.extend({
  schedule: z.array(z.object({ year: z.number().int(), month: z.number().int(), amount: z.number().int(), cumulative: z.number().int(), posted: z.boolean() })),
  entries: z.array(z.object({ year: z.number().int(), month: z.number().int(), amount: z.number().int(), entryId: z.number().int(), voucherNo: z.string() })),
});

export const UsefulLifeView = z.object({
  classCode: z.string(),
  name: z.string(),
  group: z.string(),
  floorMonths: z.number().int().nullable(),
  defaultMonths: z.number().int().nullable(),
  months: z.number().int().nullable(),
});

export const UsefulLivesBody = z.object({
  lives: z.array(z.object({ classCode: z.string().regex(/^[a-z_]{2,40}$/), months: UsefulLife })).min(1).max(100)
    .refine((l) => new Set(l.map((x) => x.classCode)).size === l.length, '资产类别不能重复'),
});
