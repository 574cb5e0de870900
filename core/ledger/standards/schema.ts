import { z } from 'zod';
import { UnitParams } from '../../units/schema.js';
import { NewStandardVersion } from '@unibudget/sdk/contracts/standards';
import { STANDARDS_IMPORT_MAX_BYTES } from './import.js';
export {
  NewStandardVersion, StandardDiff, StandardsInForce, StandardVersionSummary, StandardVersionView, TrialRequest, TrialResult,
} from '@unibudget/sdk/contracts/standards';

const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD');

export const VersionParams = UnitParams.extend({ versionId: z.coerce.number().int().positive().max(2_147_483_647) });
export const InForceQuery = z.object({ date: DateText.optional().describe('default: today') });
export const DiffQuery = z.object({
  from: z.coerce.number().int().positive().max(2_147_483_647),
  to: z.coerce.number().int().positive().max(2_147_483_647),
});

export const CreateVersionBody = NewStandardVersion.and(z.object({ adopt: z.boolean().default(false).describe('adopt at once (standard.manage)') }));

export const ImportVersionBody = z.object({
  file: z.object({ name: z.string().trim().min(1).max(120), base64: z.string().min(4).max(Math.ceil((STANDARDS_IMPORT_MAX_BYTES * 4) / 3) + 8) }),
  title: z.string().trim().min(1).max(100),
  effectiveFrom: DateText,
  sourceDocument: z.string().trim().min(1).max(200),
  reason: z.string().trim().min(2).max(500),
  basedOn: z.number().int().positive().nullable().default(null),
  adopt: z.boolean().default(false),
});

export const DecisionBody = z.object({ note: z.string().trim().max(500).nullable().default(null) });
