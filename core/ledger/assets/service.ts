import type { Executor, Tx } from '../../db/connection.js';
import type { AssetsTable } from '../../db/schema.js';
import type { Selectable } from 'kysely';
import { nowIso } from '../../clock.js';
import { appendAudit } from '../../audit/service.js';
import { auditActorOf } from '../../accounts/service.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { assertPeriodOpen } from '../../periods/service.js';
import { assertDepartmentInUnit } from '../../units/service.js';
import { accountName } from '../accounting/chart.js';
import { postEntry } from '../accounting/posting.js';
import { AppError } from './errors.js';
import { ASSET_CLASSES, ASSET_CLASS_MAP, classFitsAccount } from './data.js';
import { usefulLifeMonths } from './cards.js';
import { cumulativeDue, depreciates, lifeMonth, postedByAsset } from './depreciation.js';
import type { AssetView } from './schema.js';

/**
 * 资产卡片 (the asset register): the cards capital payments wrote (cards.ts), read with their
 * accumulated depreciation and net value; edited by finance (period.manage) before depreciation
 * starts; 在建工程 completed into a fixed asset (转固); the unit's useful lives by class.
 * Every write is audited in the command's transaction.
 */
type AssetRow = Selectable<AssetsTable>;

async function views(db: Executor, unitId: string, rows: AssetRow[]): Promise<AssetView[]> {
  if (rows.length === 0) return [];
  const departments = new Map((await db.selectFrom('departments').select(['id', 'name', 'function']).where('unit_id', '=', unitId).execute()).map((d) => [d.id, d]));
  const codes = [...new Set(rows.map((r) => r.economic_code))];
  const names = new Map((await db.selectFrom('classifications').select(['code', 'name', 'year']).where('kind', '=', 'economic').where('code', 'in', codes).orderBy('year').execute()).map((c) => [c.code, c.name]));
  const posted = await postedByAsset(db, unitId);
  // The payment a card came from, by its number in the unit's series (ZF2026-0001), never its id.
  const paymentIds = [...new Set(rows.map((r) => r.payment_id).filter((x): x is number => x !== null))];
  const paymentNos = new Map(paymentIds.length
    ? (await db.selectFrom('payments').select(['id', 'doc_no']).where('unit_id', '=', unitId).where('id', 'in', paymentIds).execute()).map((p) => [p.id, p.doc_no])
    : []);
  return rows.map((r) => {
    const accumulated = posted.get(r.id) ?? 0;
    const dept = departments.get(r.department_id);
    return {
      id: r.id, code: r.code, name: r.name, classCode: r.class_code, className: ASSET_CLASS_MAP.get(r.class_code)?.name ?? r.class_code,
      accountCode: r.account_code, accountName: accountName(r.account_code), value: Number(r.value), accumulated, netValue: Number(r.value) - accumulated,
      departmentId: r.department_id, departmentName: dept?.name ?? '', departmentFunction: dept?.function === 'management' ? 'management' : 'business',
      acquiredOn: r.acquired_on, completedOn: r.completed_on, usefulLifeMonths: r.useful_life_months, status: r.status,
      economicCode: r.economic_code, economicName: names.get(r.economic_code) ?? '', paymentId: r.payment_id,
      paymentDocNo: r.payment_id === null ? null : paymentNos.get(r.payment_id) ?? null, depreciationStarted: posted.has(r.id),
    };
  });
}

export async function listAssets(db: Executor, scope: UnitScope, query: { status?: AssetRow['status'] | undefined; account?: string | undefined }) {
  const rows = await db.selectFrom('assets').selectAll().where('unit_id', '=', scope.unitId)
    .$if(query.status !== undefined, (qb) => qb.where('status', '=', query.status!))
    .$if(query.account !== undefined, (qb) => qb.where('account_code', '=', query.account!))
    .orderBy('acquired_on', 'desc').orderBy('id', 'desc').execute();
  return views(db, scope.unitId, rows);
}

async function findAsset(db: Executor, unitId: string, id: number): Promise<AssetRow> {
  const row = await db.selectFrom('assets').selectAll().where('unit_id', '=', unitId).where('id', '=', id).executeTakeFirst();
  if (!row) throw new AppError('ASSET_NOT_FOUND', { id });
  return row;
}

/** A card with its schedule (every month of its life: due, cumulative, posted or not) and its posted entries. */
export async function getAsset(db: Executor, scope: UnitScope, id: number) {
  const row = await findAsset(db, scope.unitId, id);
  const [view] = await views(db, scope.unitId, [row]);
  const entries = await db.selectFrom('asset_depreciations').innerJoin('journal_entries', 'journal_entries.id', 'asset_depreciations.entry_id')
    .select(['asset_depreciations.year', 'asset_depreciations.month', 'asset_depreciations.amount', 'asset_depreciations.entry_id', 'journal_entries.voucher_no'])
    .where('asset_depreciations.asset_id', '=', id).where('asset_depreciations.unit_id', '=', scope.unitId)
    .orderBy('asset_depreciations.year').orderBy('asset_depreciations.month').execute();
  const postedMonths = new Set(entries.map((e) => e.year * 12 + e.month));
  const schedule = [];
  if (depreciates(row)) {
    const months = row.useful_life_months!;
    const start = row.completed_on ?? row.acquired_on;
    const [y0, m0] = [Number(start.slice(0, 4)), Number(start.slice(5, 7))];
    for (let k = 1; k <= months; k++) {
      const index = y0 * 12 + m0 - 1 + k - 1;
      const year = Math.floor(index / 12);
      const month = (index % 12) + 1;
      const cumulative = cumulativeDue(Number(row.value), months, k);
      schedule.push({ year, month, amount: cumulative - cumulativeDue(Number(row.value), months, k - 1), cumulative, posted: postedMonths.has(year * 12 + month) });
    }
  }
  return {
    ...view!, schedule,
    entries: entries.map((e) => ({ year: e.year, month: e.month, amount: Number(e.amount), entryId: e.entry_id, voucherNo: e.voucher_no })),
  };
}

function assertClass(classCode: string, accountCode: string) {
  if (!ASSET_CLASS_MAP.has(classCode)) throw new AppError('ASSET_CLASS_UNKNOWN', { classCode });
  if (!classFitsAccount(classCode, accountCode)) throw new AppError('ASSET_CLASS_ACCOUNT', { classCode, accountCode });
}

function assertLife(classCode: string, months: number) {
  const cls = ASSET_CLASS_MAP.get(classCode)!;
  if (cls.defaultMonths === null) throw new AppError('USEFUL_LIFE_NOT_APPLICABLE', { classCode, className: cls.name });
  if (cls.floorMonths !== null && months < cls.floorMonths) {
    throw new AppError('USEFUL_LIFE_BELOW_FLOOR', { classCode, className: cls.name, floorMonths: cls.floorMonths, floorYears: cls.floorMonths / 12 });
  }
}

const cardAudit = (r: AssetRow) => ({ name: r.name, classCode: r.class_code, usefulLifeMonths: r.useful_life_months, departmentId: r.department_id, accountCode: r.account_code, status: r.status });

/**
 * Finance corrects a card: the name any time; class, useful life and department only before its
 * depreciation starts (after that the posted months would no longer match the card). A new class
 * without a stated life takes the class's life in the unit.
 */
export async function updateAsset(tx: Tx, actor: Actor, scope: UnitScope, id: number, body: { name?: string | undefined; classCode?: string | undefined; usefulLifeMonths?: number | undefined; departmentId?: number | undefined }) {
  const before = await findAsset(tx, scope.unitId, id);
  const started = (await tx.selectFrom('asset_depreciations').select('asset_id').where('asset_id', '=', id).executeTakeFirst()) !== undefined;
  const locked = (['classCode', 'usefulLifeMonths', 'departmentId'] as const).filter((k) => body[k] !== undefined);
  if (started && locked.length > 0) throw new AppError('ASSET_DEPRECIATION_STARTED', { fields: locked.join(', ') });
  const classCode = body.classCode ?? before.class_code;
  if (body.classCode !== undefined) assertClass(classCode, before.account_code);
  if (body.departmentId !== undefined) await assertDepartmentInUnit(tx, scope.unitId, body.departmentId);
  let life = before.useful_life_months;
  if (before.status === 'under_construction') {
    if (body.usefulLifeMonths !== undefined) throw new AppError('USEFUL_LIFE_NOT_APPLICABLE', { classCode, className: ASSET_CLASS_MAP.get(classCode)!.name });
  } else if (body.usefulLifeMonths !== undefined) {
    assertLife(classCode, body.usefulLifeMonths);
    life = body.usefulLifeMonths;
  } else if (body.classCode !== undefined) {
    life = await usefulLifeMonths(tx, scope.unitId, classCode);
  }
  await tx.updateTable('assets').set({
    name: body.name ?? before.name, class_code: classCode, useful_life_months: life, department_id: body.departmentId ?? before.department_id, updated_at: nowIso(),
  }).where('id', '=', id).execute();
  const after = await findAsset(tx, scope.unitId, id);
  await appendAudit(tx, { actor: auditActorOf(actor), unitId: scope.unitId, action: 'asset.update', entity: 'asset', entityId: id, before: cardAudit(before), after: cardAudit(after) });
  return getAsset(tx, scope, id);
}

/**
 * 转固: construction in progress (1613) handed over for use becomes a fixed asset: 财务 Dr 1601 / Cr 1613
 * for its whole value (预算会计 nothing: no cash moves), dated in an open month; it depreciates from
 * that month (当月增加的固定资产当月开始计提折旧).
 */
export async function completeAsset(tx: Tx, actor: Actor, scope: UnitScope, id: number, body: { date: string; classCode: string; name?: string | undefined; usefulLifeMonths?: number | undefined }) {
  const before = await findAsset(tx, scope.unitId, id);
  if (before.status !== 'under_construction') throw new AppError('ASSET_NOT_UNDER_CONSTRUCTION', { id });
  assertClass(body.classCode, '1601');
  const life = body.usefulLifeMonths ?? (await usefulLifeMonths(tx, scope.unitId, body.classCode));
  if (life !== null) assertLife(body.classCode, life);
  await assertPeriodOpen(tx, scope.unitId, body.date);
  const name = body.name ?? before.name;
  const dims = { departmentId: before.department_id, economicCode: before.economic_code };
  await postEntry(tx, {
    unitId: scope.unitId, track: 'financial', date: body.date, voucherNo: `记${body.date.slice(0, 4)}-${body.date.slice(5, 7)}-ZG${String(id).padStart(6, '0')}`,
    summary: `在建工程转固 ${before.code} ${name}`, sourceType: 'asset', sourceId: id,
    lines: [{ account: '1601', debit: Number(before.value), credit: 0, ...dims }, { account: '1613', debit: 0, credit: Number(before.value), ...dims }],
  });
  await tx.updateTable('assets').set({
    name, class_code: body.classCode, account_code: '1601', status: 'in_use', useful_life_months: life, completed_on: body.date, updated_at: nowIso(),
  }).where('id', '=', id).execute();
  const after = await findAsset(tx, scope.unitId, id);
  await appendAudit(tx, { actor: auditActorOf(actor), unitId: scope.unitId, action: 'asset.complete', entity: 'asset', entityId: id, before: cardAudit(before), after: { ...cardAudit(after), completedOn: body.date } });
  return getAsset(tx, scope, id);
}

/** Every class with its floor, the data file's life and the unit's (null = not depreciated). */
export async function listUsefulLives(db: Executor, unitId: string) {
  const own = new Map((await db.selectFrom('asset_useful_lives').select(['class_code', 'months']).where('unit_id', '=', unitId).execute()).map((r) => [r.class_code, Number(r.months)]));
  return ASSET_CLASSES.map((c) => ({
    classCode: c.code, name: c.name, group: c.group, floorMonths: c.floorMonths, defaultMonths: c.defaultMonths,
    months: c.defaultMonths === null ? null : (own.get(c.code) ?? c.defaultMonths),
  }));
}

/**
 * The unit's useful lives, class by class (listed classes change, others keep theirs). A class of the
 * fixed-asset table may only be lengthened (不低于); intangibles have no floor. Applies to cards
 * written from now on; existing cards keep theirs (edit a card before it depreciates).
 */
export async function saveUsefulLives(tx: Tx, actor: Actor, scope: UnitScope, body: { lives: Array<{ classCode: string; months: number }> }) {
  for (const l of body.lives) {
    if (!ASSET_CLASS_MAP.has(l.classCode)) throw new AppError('ASSET_CLASS_UNKNOWN', { classCode: l.classCode });
    assertLife(l.classCode, l.months);
  }
  const before = await listUsefulLives(tx, scope.unitId);
  const at = nowIso();
  for (const l of body.lives) {
    await tx.deleteFrom('asset_useful_lives').where('unit_id', '=', scope.unitId).where('class_code', '=', l.classCode).execute();
    await tx.insertInto('asset_useful_lives').values({ unit_id: scope.unitId, class_code: l.classCode, months: l.months, updated_at: at }).execute();
  }
  const after = await listUsefulLives(tx, scope.unitId);
  const changed = (list: typeof before) => Object.fromEntries(list.filter((c) => body.lives.some((l) => l.classCode === c.classCode)).map((c) => [c.classCode, c.months]));
  await appendAudit(tx, { actor: auditActorOf(actor), unitId: scope.unitId, action: 'asset_useful_lives.update', entity: 'asset_useful_lives', entityId: scope.unitId, before: changed(before), after: changed(after) });
  return after;
}

export { lifeMonth };
