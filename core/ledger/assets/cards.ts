import type { Executor, Tx } from '../../db/connection.js';
import { nowIso } from '../../clock.js';
import { ASSET_CLASS_MAP, type AssetAccount } from './data.js';
import { ledgerSettings } from '../rules/service.js';

/**
 * The asset side of a capital payment, kept apart from posting.ts (which calls it in the pay
 * movement's transaction) and from the register's service (which posts depreciation through
 * posting.ts): no import cycle, one place that writes a new card.
 */

/** The unit's posting choices among its ledger settings: `salaryAccrual` and `assetAccountMap` (rules/service.ts reads and defaults them). */
export async function postingSettings(db: Executor, unitId: string): Promise<{ salaryAccrual: boolean; assetAccountMap: Record<string, string> }> {
  const { salaryAccrual, assetAccountMap } = await ledgerSettings(db, unitId);
  return { salaryAccrual, assetAccountMap };
}

/** A class's useful life in the unit: its own setting, else the data file's; null = not depreciated. */
export async function usefulLifeMonths(db: Executor, unitId: string, classCode: string): Promise<number | null> {
  const cls = ASSET_CLASS_MAP.get(classCode);
  if (!cls || cls.defaultMonths === null) return null;
  const own = await db.selectFrom('asset_useful_lives').select('months').where('unit_id', '=', unitId).where('class_code', '=', classCode).executeTakeFirst();
  return own ? Number(own.months) : cls.defaultMonths;
}

export interface NewCard {
  unitId: string;
  name: string;
  classCode: string;
  account: AssetAccount;
  value: number;
  departmentId: number;
  acquiredOn: string;
  economicCode: string;
  paymentId: number | null;
  movementId: number;
}

/** Writes the card of a capitalised payment (资产卡片); 在建工程 waits for 转固 to start depreciating. */
export async function insertAssetCard(tx: Tx, card: NewCard): Promise<number> {
  const at = nowIso();
  const life = card.account === '1613' ? null : await usefulLifeMonths(tx, card.unitId, card.classCode);
  const row = await tx
    .insertInto('assets')
    .values({
      unit_id: card.unitId, code: `ZC${card.acquiredOn.slice(0, 4)}-${String(card.movementId).padStart(6, '0')}`, name: card.name.slice(0, 100),
      class_code: card.classCode, account_code: card.account, value: card.value, department_id: card.departmentId, acquired_on: card.acquiredOn,
      useful_life_months: life, status: card.account === '1613' ? 'under_construction' : 'in_use', economic_code: card.economicCode,
      payment_id: card.paymentId, movement_id: card.movementId, completed_on: null, created_at: at, updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
