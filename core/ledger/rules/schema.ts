import { z } from 'zod';
import { UnitId } from '../../units/schema.js';
import { RULE_CODES, type RuleCode } from './catalog.js';
import { THREE_PUBLIC_CODE_LIST } from '../three-public.js';
import { TIME_PROGRESS_BASES } from '../time-progress.js';
// The answers the web app reads are shared contracts of the SDK.
import { RuleModeSchema } from '@unibudget/sdk/contracts/ledger';
import { MAX_FEN } from '@unibudget/sdk/contracts/money';
export { CapView, Finding, RuleModeSchema, RuleSettingView } from '@unibudget/sdk/contracts/ledger';

export const RuleCodeSchema = z.enum(RULE_CODES as [RuleCode, ...RuleCode[]]);

/** A requester's ask to pass configurable blocks with a reason; the document then ends with the leader. */
export const OverrideRequest = z.object({ reason: z.string().trim().min(4).max(500) });

export const RuleParams = z.object({ unitId: UnitId, code: RuleCodeSchema });
export const RuleModeBody = z.object({ mode: RuleModeSchema });

export const CapsQuery = z.object({ year: z.coerce.number().int().min(2000).max(2100) });
export const CapsBody = z.object({
  year: z.number().int().min(2000).max(2100),
  caps: z
    .array(z.object({ economicCode: z.enum(THREE_PUBLIC_CODE_LIST), amount: z.number().int().min(0).max(MAX_FEN) }))
    .max(THREE_PUBLIC_CODE_LIST.length),
});

export const LedgerSettingsBody = z.object({
  flexibleThreshold: z.number().int().min(0).max(MAX_FEN).describe('机动额度: transfers from the reserve up to this many fen need one approval'),
  kindEconomicMap: z.object({
    personnel: z.array(z.string().regex(/^[0-9]{3,5}$/)).min(1),
    operating: z.array(z.string().regex(/^[0-9]{3,5}$/)).min(1),
    project: z.array(z.string().regex(/^[0-9]{3,5}$/)).min(1),
  }),
  timeProgressBasis: z.enum(TIME_PROGRESS_BASES).optional().describe('序时进度: month = completed months ÷ 12 (default), day = elapsed days ÷ days in the year'),
  disclosureFailedChecks: z.enum(['refuse', 'mark']).optional().describe('预算公开/决算 export when consistency checks fail: refuse (default, 409 DISCLOSURE_CHECKS_FAILED) or mark (a 校验结果 sheet and a note on each failing table)'),
  salaryAccrual: z.boolean().optional().describe('工资福利支出 (301) accrue to 2201 应付职工薪酬 when approved and clear it when paid; default false'),
  assetAccountMap: z.record(z.string().regex(/^(309|310)[0-9]{0,2}$/), z.enum(['1601', '1613', '1701', '1811', '1821'])).optional()
    .refine((m) => m === undefined || Object.keys(m).length <= 40, '最多 40 项')
    .describe('capital spending: economic class prefix (309/310…) → asset account, overriding the defaults (1601 固定资产, 1613 在建工程, 1701 无形资产, …)'),
});

export const StandardView = z.object({
  year: z.number().int(),
  item: z.string(),
  tier: z.string(),
  name: z.string(),
  economicCode: z.string(),
  capPerUnit: z.number().int(),
  per: z.string(),
});
