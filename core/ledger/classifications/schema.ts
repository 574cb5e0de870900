import { z } from 'zod';
import { Year } from '../../periods/schema.js';

export const CLASSIFICATION_KINDS = ['functional', 'economic', 'fund_source'] as const;
export const ClassificationKindEnum = z
  .enum(CLASSIFICATION_KINDS)
  .describe('functional 支出功能分类 · economic 部门预算支出经济分类 · fund_source 资金来源');

/**
 * Code lengths by level: a code's parent is its prefix of the previous level's length.
 * 功能分类 类/款/项 = 3/5/7 digits, 经济分类 类/款 = 3/5, 资金来源 类/款 = 2/4.
 */
export const LEVEL_LENGTHS = {
  functional: [3, 5, 7],
  economic: [3, 5],
  fund_source: [2, 4],
} as const satisfies Record<(typeof CLASSIFICATION_KINDS)[number], readonly number[]>;

export const ECONOMIC_CATEGORIES = ['personnel', 'operating', 'capital', 'other'] as const;
export type EconomicCategory = (typeof ECONOMIC_CATEGORIES)[number];

export const ClassAttrs = z
  .object({
    category: z.enum(ECONOMIC_CATEGORIES).optional().describe('economic only: personnel 人员经费 · operating 公用经费 · capital 资本性 · other'),
    threePublic: z.boolean().optional().describe('economic only: a 三公经费 code'),
    threePublicItem: z
      .enum(['abroad', 'reception', 'vehicle_operation', 'vehicle_purchase'])
      .optional()
      .describe('因公出国（境） · 公务接待 · 公务用车运行维护 · 公务用车购置'),
    fiscal: z.boolean().optional().describe('fund_source only: 财政拨款 (一般公共预算、政府性基金预算、国有资本经营预算)'),
  })
  .catchall(z.unknown());
export type ClassAttrs = z.infer<typeof ClassAttrs>;

export const ClassificationView = z.object({
  kind: ClassificationKindEnum,
  year: z.number().int(),
  code: z.string(),
  name: z.string(),
  parentCode: z.string().nullable(),
  level: z.number().int(),
  attrs: ClassAttrs,
});
export type ClassificationView = z.infer<typeof ClassificationView>;

export const ClassificationListQuery = z.object({
  kind: ClassificationKindEnum.optional(),
  year: Year.optional().describe('defaults to the current year; a year without its own set answers with the latest earlier set'),
  q: z.string().trim().max(50).optional().describe('code prefix or part of the name'),
  parent: z.string().trim().regex(/^\d{1,7}$/).optional().describe('only the direct children of this code'),
  level: z.coerce.number().int().min(1).max(3).optional(),
});

export const ClassificationYearsView = z.object({
  kind: ClassificationKindEnum,
  years: z.array(z.number().int()).describe('years stored in the database'),
  standardYears: z.array(z.number().int()).describe('years of the standard sets shipped with the platform'),
});

/** Decoded file size limit of an import. */
export const IMPORT_MAX_BYTES = 2 * 1024 * 1024;
/** Data rows an import may hold (the standard functional set has under a thousand). */
export const IMPORT_MAX_ROWS = 20_000;

export const ImportBody = z.object({
  kind: ClassificationKindEnum,
  year: z.number().int().min(2000).max(2100),
  format: z.enum(['csv', 'xlsx']),
  content: z.string().min(1).describe('the file, base64-encoded (at most 2 MB decoded)'),
  mode: z.enum(['validate', 'apply']).describe('validate writes nothing; apply writes all rows or none'),
});
export type ImportBody = z.infer<typeof ImportBody>;

export const IMPORT_RULES = ['header', 'code_format', 'code_length', 'parent_missing', 'duplicate', 'name_empty', 'name_too_long'] as const;
export type ImportRule = (typeof IMPORT_RULES)[number];

export const ImportRowError = z.object({
  row: z.number().int().describe('row number in the file, the header being row 1'),
  code: z.string(),
  errors: z.array(z.object({ rule: z.enum(IMPORT_RULES), message: z.string() })),
});
export type ImportRowError = z.infer<typeof ImportRowError>;

export const ImportResult = z.object({
  kind: ClassificationKindEnum,
  year: z.number().int(),
  mode: z.enum(['validate', 'apply']),
  rows: z.number().int().describe('data rows read from the file'),
  inserted: z.number().int().describe('codes new to the year (validate: that would be)'),
  updated: z.number().int().describe('codes whose name changed (validate: that would)'),
  unchanged: z.number().int(),
  seeded: z.number().int().describe('codes copied in first because the year had no set of this kind yet'),
  errors: z.array(ImportRowError),
});
export type ImportResult = z.infer<typeof ImportResult>;
