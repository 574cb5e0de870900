import type { Executor, Tx } from '../../db/connection.js';
import type { AssetsTable } from '../../db/schema.js';
import type { Selectable } from 'kysely';
import { nowIso } from '../../clock.js';
import { expenseAccounts, postEntry } from '../accounting/posting.js';
import { ACCUMULATED_ACCOUNT, type AssetAccount } from './data.js';

/**
 * 计提折旧 / 摊销, straight line by month, no residual value (《政府会计准则第3号——固定资产》第十六条,
 * 《政府会计准则第4号——无形资产》第十八条). A fixed asset or intangible depreciates from the month it was
 * acquired (当月增加的，当月开始计提), a completed construction (转固) from the month of completion.
 * Month k of an asset's life (k = 1 in its first month) carries ⌊V·k/N⌋ − ⌊V·(k−1)/N⌋ fen, so the N
 * months add up to exactly V (the value) with no drift, and nothing is posted after month N.
 *
 * Posted by the month close (core/ledger/accounting/month-close.ts), financial track only (预算会计
 * records nothing: no cash moves): Dr 5001 业务活动费用 or 5101 单位管理费用 (by the asset's department,
 * as for spending) / Cr 1602 固定资产累计折旧 or 1702 无形资产累计摊销. Exactly once per asset and month:
 * asset_depreciations has (asset, year, month) as its primary key, and each month tops the asset up to
 * its cumulative target (target − already posted), so closing a reopened month again posts nothing new
 * (反结账 keeps the month's depreciation: it was right for the month and the entry stays in the books).
 */
type AssetRow = Selectable<AssetsTable>;

const monthIndex = (date: string) => Number(date.slice(0, 4)) * 12 + Number(date.slice(5, 7)) - 1;

/** The month (1-based) of the asset's life that `year`-`month` is, or 0 before it starts. */
export function lifeMonth(asset: Pick<AssetRow, 'acquired_on' | 'completed_on'>, year: number, month: number): number {
  const start = monthIndex(asset.completed_on ?? asset.acquired_on);
  const k = year * 12 + month - 1 - start + 1;
  return k > 0 ? k : 0;
}

/** Cumulative depreciation due by month k of an asset worth `value` fen over `months`. */
export function cumulativeDue(value: number, months: number, k: number): number {
  if (k <= 0) return 0;
  if (k >= months) return value;
  return Math.floor((value * k) / months);
}

export function depreciates(asset: Pick<AssetRow, 'status' | 'account_code' | 'useful_life_months'>): boolean {
  return asset.status === 'in_use' && ACCUMULATED_ACCOUNT[asset.account_code as AssetAccount] !== undefined && (asset.useful_life_months ?? 0) > 0;
}

/** Depreciation posted for each asset of the unit (up to and including a period when given). */
export async function postedByAsset(db: Executor, unitId: string): Promise<Map<number, number>> {
  const rows = await db.selectFrom('asset_depreciations').select((eb) => ['asset_id', eb.fn.sum<number>('amount').as('posted')])
    .where('unit_id', '=', unitId).groupBy('asset_id').execute();
  return new Map(rows.map((r) => [r.asset_id, Number(r.posted)]));
}

function lastDay(year: number, month: number): string {
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Posts the month's depreciation of every asset of the unit that is due one; returns the fen posted. */
export async function depreciateMonth(tx: Tx, unitId: string, year: number, month: number): Promise<number> {
  const end = lastDay(year, month);
  const assets = await tx.selectFrom('assets').selectAll().where('unit_id', '=', unitId).where('status', '=', 'in_use')
    .where('acquired_on', '<=', end).orderBy('id').execute();
  if (assets.length === 0) return 0;
  const unit = await tx.selectFrom('units').select('kind').where('id', '=', unitId).executeTakeFirstOrThrow();
  const functions = new Map((await tx.selectFrom('departments').select(['id', 'function']).where('unit_id', '=', unitId).execute()).map((d) => [d.id, d.function]));
  const done = new Set((await tx.selectFrom('asset_depreciations').select('asset_id').where('unit_id', '=', unitId)
    .where('year', '=', year).where('month', '=', month).execute()).map((r) => r.asset_id));
  const posted = await postedByAsset(tx, unitId);
  let total = 0;
  for (const asset of assets) {
    if (!depreciates(asset) || done.has(asset.id)) continue;
    const k = lifeMonth(asset, year, month);
    const amount = cumulativeDue(Number(asset.value), asset.useful_life_months!, k) - (posted.get(asset.id) ?? 0);
    if (amount <= 0) continue;
    const accumulated = ACCUMULATED_ACCOUNT[asset.account_code as AssetAccount]!;
    const expense = expenseAccounts(unit.kind, functions.get(asset.department_id) === 'management' ? 'management' : 'business').expense;
    const verb = asset.account_code === '1701' ? '摊销' : '折旧';
    const dims = { departmentId: asset.department_id, economicCode: asset.economic_code };
    const entryId = await postEntry(tx, {
      unitId, track: 'financial', date: end, year, month, voucherNo: `记${year}-${String(month).padStart(2, '0')}-ZJ${String(asset.id).padStart(6, '0')}`,
      summary: `计提${verb} ${asset.code} ${asset.name}（${year}年${month}月）`, sourceType: 'depreciation', sourceId: asset.id,
      lines: [{ account: expense, debit: amount, credit: 0, ...dims }, { account: accumulated, debit: 0, credit: amount, ...dims }],
    });
    await tx.insertInto('asset_depreciations').values({ asset_id: asset.id, unit_id: unitId, year, month, amount, entry_id: entryId, created_at: nowIso() }).execute();
    total += amount;
  }
  return total;
}
