import { sql, type Selectable } from 'kysely';
import { dialectOf, type Executor, type Tx } from '../../db/connection.js';
import type { ExpenditureKind, IndicatorsTable, MovementKind } from '../../db/schema.js';
import { nowIso } from '../../clock.js';
import { publishEvent } from '../../events/outbox.js';
import { prepared } from '../../db/prepared.js';
import { AppError } from '../errors.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { recordCommand } from '../record.js';
import { assertPeriodOpen, bookingDate } from '../../periods/service.js';
import { MAX_FEN } from '@unibudget/sdk/contracts/money';
import { assertDepartmentInUnit } from '../../units/service.js';
import { assertClassExists } from '../classifications/service.js';
import type { IndicatorView } from './schema.js';
import { postIssue, postMovement } from '../accounting/posting.js';
import { indicatorWithMovements, parseMovements, type MovementWithReferences } from './references.js';

export type IndicatorRow = Selectable<IndicatorsTable>;

/** What a requester can still ask for: the amount less what is frozen, paid and held by pending documents (占用). */
export function availableOf(row: IndicatorRow): number {
  return row.issued_amount + row.adjusted_amount - row.frozen_amount - row.paid_amount - row.reserved_amount;
}

export function indicatorView(row: IndicatorRow): IndicatorView {
  return {
    id: row.id,
    unitId: row.unit_id,
    year: row.year,
    code: row.code,
    name: row.name,
    departmentId: row.department_id,
    projectId: row.project_id,
    expenditureKind: row.expenditure_kind,
    functionalCode: row.functional_code,
    economicCode: row.economic_code,
    fundSourceCode: row.fund_source_code,
    issued: row.issued_amount,
    adjusted: row.adjusted_amount,
    amount: row.issued_amount + row.adjusted_amount,
    frozen: row.frozen_amount,
    paid: row.paid_amount,
    reserved: row.reserved_amount,
    available: availableOf(row),
    isFlexibleReserve: row.is_flexible_reserve === 1,
    sourceLineId: row.source_line_id,
    carriedFromId: row.carried_from_id,
    createdAt: row.created_at,
  };
}

const selectIndicator = prepared((db: Executor, unitId: string, id: number) =>
  db.selectFrom('indicators').selectAll().where('id', '=', id).where('unit_id', '=', unitId));
const selectIndicatorLocked = prepared((db: Executor, unitId: string, id: number) =>
  db.selectFrom('indicators').selectAll().where('id', '=', id).where('unit_id', '=', unitId).$if(dialectOf(db) === 'postgres', (qb) => qb.forNoKeyUpdate()));

export async function findIndicator(db: Executor, unitId: string, id: number): Promise<IndicatorRow> {
  const [row] = await selectIndicator(db, unitId, id);
  if (!row) throw new AppError('INDICATOR_NOT_FOUND', { indicatorId: id });
  return row;
}

/**
 * Reads an indicator and, on PostgreSQL, locks its row until the transaction ends, so the rule
 * checks and the write that follows see the same balance. (SQLite transactions are serial.)
 * FOR NO KEY UPDATE, the lock an UPDATE of the balance takes anyway: the foreign-key checks of other
 * transactions (FOR KEY SHARE, fired by writing a payment or movement that references the indicator)
 * do not wait on it, which FOR UPDATE made them do — the deadlocks of issue 15. Lock order: the
 * document first, then its indicators in ascending id order (ARCHITECTURE.md).
 */
export async function lockIndicator(tx: Tx, unitId: string, id: number): Promise<IndicatorRow> {
  const [row] = await selectIndicatorLocked(tx, unitId, id);
  if (!row) throw new AppError('INDICATOR_NOT_FOUND', { indicatorId: id });
  return row;
}

export interface Movement {
  indicator: IndicatorRow;
  kind: Exclude<MovementKind, 'issue'>;
  /** Positive fen, except `adjust`, which is signed (追加 +, 追减 −). */
  amount: number;
  refType: 'payment' | 'transfer' | 'adjustment' | 'year_end';
  refId: number;
  date: string;
  actorId: number | null;
  counterpartIndicatorId?: number | null;
  /**
   * A freeze (final approval of a payment) or transfer_out (of a transfer) that takes the amount its
   * document has held since submission (占用) rather than from what is still available.
   */
  fromReservation?: boolean;
}

export const availableAtLeast = (fen: number) => sql<boolean>`issued_amount + adjusted_amount - frozen_amount - paid_amount - reserved_amount >= ${fen}`;

/**
 * Applies one movement to an indicator's totals and records it. The UPDATE carries its own guard,
 * so even a path that skipped the rule checks cannot overdraw: the row is not changed and the
 * movement is refused. The CHECK constraints in the schema are the last line behind this.
 */
export async function applyMovement(tx: Tx, m: Movement): Promise<IndicatorRow> {
  if (m.kind !== 'adjust' && m.amount <= 0) throw new Error(`movement ${m.kind} needs a positive amount`);
  // Drawing on the document's own reservation: the held amount moves out of `reserved`, available is unchanged.
  const covered = (fen: number) => (m.fromReservation ? sql<boolean>`reserved_amount >= ${fen}` : availableAtLeast(fen));
  const heldBack = m.fromReservation ? { reserved_amount: sql<number>`reserved_amount - ${m.amount}` } : {};
  let query = tx.updateTable('indicators').where('id', '=', m.indicator.id);
  let refusal: AppError;
  switch (m.kind) {
    case 'adjust':
      if (m.amount > 0) await assertUnitYearTotal(tx, m.indicator.unit_id, m.indicator.year, m.amount);
      query = query.set((eb) => ({ adjusted_amount: eb('adjusted_amount', '+', m.amount) }));
      if (m.amount < 0) query = query.where(availableAtLeast(-m.amount));
      refusal = new AppError('REDUCTION_BELOW_USED', {
        used: m.indicator.frozen_amount + m.indicator.paid_amount, available: availableOf(m.indicator), amount: m.amount,
      });
      break;
    case 'transfer_in':
      query = query.set((eb) => ({ adjusted_amount: eb('adjusted_amount', '+', m.amount) }));
      refusal = new AppError('INDICATOR_NOT_FOUND', { indicatorId: m.indicator.id });
      break;
    case 'transfer_out':
      query = query.set((eb) => ({ adjusted_amount: eb('adjusted_amount', '-', m.amount), ...heldBack })).where(covered(m.amount));
      refusal = new AppError('BALANCE_EXCEEDED', { available: availableOf(m.indicator), amount: m.amount, indicatorId: m.indicator.id });
      break;
    case 'freeze':
      query = query.set((eb) => ({ frozen_amount: eb('frozen_amount', '+', m.amount), ...heldBack })).where(covered(m.amount));
      refusal = new AppError('BALANCE_EXCEEDED', { available: availableOf(m.indicator), amount: m.amount, indicatorId: m.indicator.id });
      break;
    case 'release':
      query = query.set((eb) => ({ frozen_amount: eb('frozen_amount', '-', m.amount) })).where('frozen_amount', '>=', m.amount);
      refusal = new AppError('INVALID_STATE', { status: 'not frozen' });
      break;
    case 'pay':
      query = query
        .set((eb) => ({ frozen_amount: eb('frozen_amount', '-', m.amount), paid_amount: eb('paid_amount', '+', m.amount) }))
        .where('frozen_amount', '>=', m.amount);
      refusal = new AppError('INVALID_STATE', { status: 'not frozen' });
      break;
  }
  // A pay is dated by the payer and checked open by the caller; a year-end movement belongs to its year.
  // Every other movement of a document is booked in an open month (跨期: periods/service.ts bookingDate).
  const date = m.kind === 'pay' || m.refType === 'year_end' ? m.date : await bookingDate(tx, m.indicator.unit_id, m.date);
  const updated = await query.returningAll().executeTakeFirst();
  if (!updated) throw refusal;
  const movement = await tx
    .insertInto('indicator_movements')
    .values({
      unit_id: m.indicator.unit_id,
      indicator_id: m.indicator.id,
      kind: m.kind,
      amount: m.amount,
      ref_type: m.refType,
      ref_id: m.refId,
      counterpart_indicator_id: m.counterpartIndicatorId ?? null,
      at: nowIso(),
      date,
      actor_id: m.actorId,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // 会计核算: the accounting entries of this movement, in its transaction (core/ledger/accounting/posting.ts).
  await postMovement(tx, updated, { id: movement.id, kind: m.kind, amount: m.amount, date, refType: m.refType, refId: m.refId });
  await publishEvent(tx, {
    type: 'indicator.changed',
    unitId: m.indicator.unit_id,
    payload: {
      indicatorId: m.indicator.id, kind: m.kind, amount: m.amount, refType: m.refType, refId: m.refId, date,
      available: availableOf(updated),
    },
  });
  return updated;
}

export interface IssueInput {
  year: number;
  name: string;
  departmentId: number;
  projectId?: number | null | undefined;
  expenditureKind: ExpenditureKind;
  functionalCode: string;
  economicCode: string;
  fundSourceCode: string;
  amount: number;
  date: string;
  sourceLineId?: number | null | undefined;
  carriedFromId?: number | null | undefined;
  isFlexibleReserve?: boolean | undefined;
  /** What the issue is for, kept on the movement: a budget request line, a year-end carry-over, or a direct issue. */
  refType?: 'budget_line' | 'year_end' | 'direct';
}

async function nextIndicatorCode(tx: Tx, unitId: string, year: number): Promise<string> {
  const row = await tx
    .selectFrom('indicators')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('unit_id', '=', unitId)
    .where('year', '=', year)
    .executeTakeFirstOrThrow();
  return `ZB${year}-${String(Number(row.n) + 1).padStart(4, '0')}`;
}

/**
 * A unit's indicators of one year may not total more than MAX_FEN (1,000 亿元), so every sum over a
 * unit's figures stays an exact integer. Checked where the total grows (an issue, a 追加); two such
 * writes racing on PostgreSQL could together pass it by one amount — still far inside the exact range.
 */
export async function assertUnitYearTotal(tx: Tx, unitId: string, year: number, adding: number): Promise<void> {
  const row = await tx.selectFrom('indicators').select((eb) => eb.fn.sum<number>(sql`issued_amount + adjusted_amount`).as('total'))
    .where('unit_id', '=', unitId).where('year', '=', year).executeTakeFirst();
  const total = Number(row?.total ?? 0) + adding;
  if (total > MAX_FEN) throw new AppError('AMOUNT_LIMIT_EXCEEDED', { year, total, limit: MAX_FEN, amount: adding });
}

/**
 * 下达指标: creates a spendable quota in the scoped unit. Dated: refused in a closed period. Also
 * issued by budget approval (one per request line) and the year end (carry-overs) in their commands.
 */
export async function issueIndicator(tx: Tx, actor: Actor, scope: UnitScope, input: IssueInput): Promise<IndicatorView> {
  const unitId = scope.unitId;
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) throw new Error('issue amount must be positive fen');
  await assertUnitYearTotal(tx, unitId, input.year, input.amount);
  if (Number(input.date.slice(0, 4)) !== input.year) throw new AppError('YEAR_MISMATCH', { year: input.year, date: input.date });
  await assertPeriodOpen(tx, unitId, input.date);
  await assertDepartmentInUnit(tx, unitId, input.departmentId);
  await assertClassExists(tx, 'functional', input.year, input.functionalCode);
  await assertClassExists(tx, 'economic', input.year, input.economicCode);
  await assertClassExists(tx, 'fund_source', input.year, input.fundSourceCode);
  const code = await nextIndicatorCode(tx, unitId, input.year);
  const row = await tx
    .insertInto('indicators')
    .values({
      unit_id: unitId,
      year: input.year,
      code,
      name: input.name,
      department_id: input.departmentId,
      project_id: input.projectId ?? null,
      expenditure_kind: input.expenditureKind,
      functional_code: input.functionalCode,
      economic_code: input.economicCode,
      fund_source_code: input.fundSourceCode,
      issued_amount: input.amount,
      source_line_id: input.sourceLineId ?? null,
      carried_from_id: input.carriedFromId ?? null,
      is_flexible_reserve: input.isFlexibleReserve ? 1 : 0,
      created_at: nowIso(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const movement = await tx
    .insertInto('indicator_movements')
    .values({
      unit_id: row.unit_id,
      indicator_id: row.id,
      kind: 'issue',
      amount: input.amount,
      ref_type: input.refType ?? (input.sourceLineId ? 'budget_line' : input.carriedFromId ? 'year_end' : 'direct'),
      ref_id: input.sourceLineId ?? input.carriedFromId ?? row.id,
      counterpart_indicator_id: input.carriedFromId ?? null,
      at: row.created_at,
      date: input.date,
      actor_id: actor.userId,
    })
    .returning(['id', 'ref_type'])
    .executeTakeFirstOrThrow();
  await postIssue(tx, row, movement.id, input.date, movement.ref_type);
  return recordCommand(tx, actor, unitId, {
    entity: 'indicator', entityId: row.id, action: 'indicator.issue',
    view: async () => indicatorView(row),
    event: (indicator) => ({ type: 'indicator.issued', payload: { indicator } }),
  });
}

export interface IndicatorFilter {
  year?: number | undefined;
  departmentId?: number | undefined;
  projectId?: number | undefined;
  expenditureKind?: ExpenditureKind | undefined;
  functionalCode?: string | undefined;
  economicCode?: string | undefined;
  fundSourceCode?: string | undefined;
}

export async function listIndicators(db: Executor, unitId: string, filter: IndicatorFilter): Promise<IndicatorView[]> {
  const rows = await db
    .selectFrom('indicators')
    .selectAll()
    .where('unit_id', '=', unitId)
    .$if(filter.year !== undefined, (qb) => qb.where('year', '=', filter.year!))
    .$if(filter.departmentId !== undefined, (qb) => qb.where('department_id', '=', filter.departmentId!))
    .$if(filter.projectId !== undefined, (qb) => qb.where('project_id', '=', filter.projectId!))
    .$if(filter.expenditureKind !== undefined, (qb) => qb.where('expenditure_kind', '=', filter.expenditureKind!))
    .$if(filter.functionalCode !== undefined, (qb) => qb.where('functional_code', 'like', `${filter.functionalCode}%`))
    .$if(filter.economicCode !== undefined, (qb) => qb.where('economic_code', 'like', `${filter.economicCode}%`))
    .$if(filter.fundSourceCode !== undefined, (qb) => qb.where('fund_source_code', '=', filter.fundSourceCode!))
    .orderBy('year', 'desc')
    .orderBy('code')
    .execute();
  return rows.map(indicatorView);
}

/**
 * An indicator with every movement and its origins: the issues that created money in it and,
 * through transfers and carry-overs, the issues of the indicators the money came from — back to
 * the budget request lines of the original budget.
 */
export async function indicatorDetail(db: Executor, unitId: string, id: number) {
  const { row, movements } = await indicatorAndMovements(db, unitId, id);
  return {
    ...indicatorView(row),
    movements: movements.map((m) => ({
      refNo: m.ref_no,
      counterpartCode: m.counterpart_code,
      id: m.id,
      kind: m.kind,
      amount: m.amount,
      refType: m.ref_type,
      refId: m.ref_id,
      counterpartIndicatorId: m.counterpart_indicator_id,
      date: m.date,
      at: m.at,
      actorId: m.actor_id,
    })),
    // The indicator and its inflows are already at hand: the walk reads only its ancestors.
    origins: await originsOf(db, unitId, row, movements.filter((m) => m.kind === 'transfer_in').map((m) => m.counterpart_indicator_id)),
  };
}

async function indicatorAndMovements(db: Executor, unitId: string, id: number): Promise<{ row: IndicatorRow; movements: MovementWithReferences[] }> {
  const [found] = await indicatorWithMovements(db, unitId, id);
  if (!found) throw new AppError('INDICATOR_NOT_FOUND', { indicatorId: id });
  const { movements_json: json, ...row } = found;
  return { row, movements: parseMovements(json) };
}

/** `root`: the indicator itself, `rootInflows`: the counterparts of its transfer_in movements. */
async function originsOf(db: Executor, unitId: string, root: IndicatorRow, rootInflows: Array<number | null>) {
  const origins: Array<{
    indicatorId: number; code: string; via: 'issue' | 'transfer' | 'carry_over'; amount: number;
    sourceLineId: number | null; budgetRequestId: number | null;
  }> = [];
  const seen = new Set<number>();
  const queue: Array<{ id: number; via: 'issue' | 'transfer' | 'carry_over' }> = [{ id: root.id, via: 'issue' }];
  while (queue.length) {
    const current = queue.shift()!;
    if (seen.has(current.id)) continue;
    seen.add(current.id);
    const isRoot = current.id === root.id;
    const indicator = isRoot ? root : await findIndicator(db, unitId, current.id);
    const line = indicator.source_line_id
      ? await db.selectFrom('budget_request_lines').select('request_id').where('id', '=', indicator.source_line_id).executeTakeFirst()
      : undefined;
    origins.push({
      indicatorId: indicator.id,
      code: indicator.code,
      via: current.via,
      amount: indicator.issued_amount,
      sourceLineId: indicator.source_line_id,
      budgetRequestId: line?.request_id ?? null,
    });
    if (indicator.carried_from_id) queue.push({ id: indicator.carried_from_id, via: 'carry_over' });
    const inflows = isRoot
      ? rootInflows
      : (await db.selectFrom('indicator_movements').select('counterpart_indicator_id').where('indicator_id', '=', current.id).where('kind', '=', 'transfer_in').execute())
        .map((m) => m.counterpart_indicator_id);
    for (const from of inflows) if (from) queue.push({ id: from, via: 'transfer' });
  }
  return origins;
}
