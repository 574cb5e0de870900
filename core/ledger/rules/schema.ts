import { z } from 'zod';
import { UnitId } from '../../units/schema.js';
import { RULE_CODES, type RuleCode } from './catalog.js';
import { THREE_PUBLIC_CODE_LIST } from '../three-public.js';
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
    .max(4),
});

export const LedgerSettingsBody = z.object({
  flexibleThreshold: z.number().int().min(0).max(MAX_FEN).describe('机动额度: transfers from the reserve up to this many fen need one approval'),
  kindEconomicMap: z.object({
    personnel: z.array(z.string().regex(/^[0-9]{3,5}$/)).min(1),
    operating: z.array(z.string().regex(/^[0-9]{3,5}$/)).min(1),
    project: z.array(z.string().regex(/^[0-9]{3,5}$/)).min(1),
  }),
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
