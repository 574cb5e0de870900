import { z } from 'zod';
import { UnitId } from '../../units/schema.js';

// The answers the web app reads, and the value types they are made of, are shared contracts of the SDK.
import { ClassCode, ExpenditureKind, Fen, FundSourceCode, IsoDate } from '@unibudget/sdk/contracts/ledger';
export {
  ClassCode, EXPENDITURE_KINDS, ExpenditureKind, Fen, FenSigned, FundSourceCode, IndicatorDetail, IndicatorView, IsoDate, MovementView, OriginView,
} from '@unibudget/sdk/contracts/ledger';

export const IndicatorParams = z.object({ unitId: UnitId, id: z.coerce.number().int().positive() });

export const IndicatorListQuery = z.object({
  year: z.coerce.number().int().min(2000).max(2100).optional(),
  departmentId: z.coerce.number().int().positive().optional(),
  projectId: z.coerce.number().int().positive().optional(),
  expenditureKind: ExpenditureKind.optional(),
  functionalCode: ClassCode.optional(),
  economicCode: ClassCode.optional(),
  fundSourceCode: FundSourceCode.optional(),
});

export const IssueIndicatorBody = z.object({
  year: z.number().int().min(2000).max(2100),
  name: z.string().trim().min(1).max(200),
  departmentId: z.number().int().positive(),
  projectId: z.number().int().positive().nullable().optional(),
  expenditureKind: ExpenditureKind,
  functionalCode: ClassCode,
  economicCode: ClassCode,
  fundSourceCode: FundSourceCode,
  amount: Fen,
  date: IsoDate,
  isFlexibleReserve: z.boolean().optional(),
});
