import { sql } from 'kysely';
import type { Executor } from '../../db/connection.js';
import type { BudgetRequestStatus } from '../../db/schema.js';
import type { SummaryView } from './schema.js';
import { sumOf } from './lines.js';

/**
 * 汇总: totals of a year's requests by department, by expenditure kind and by economic class —
 * what finance consolidates before it hands down control numbers. Drafts are left out unless asked for.
 */
export async function budgetSummary(
  db: Executor,
  unitId: string,
  onlyDepartment: number | null,
  year: number,
  status?: BudgetRequestStatus,
): Promise<SummaryView> {
  const statuses: BudgetRequestStatus[] = status ? [status] : ['submitted', 'returned', 'resubmitted', 'approved'];
  const lines = () =>
    db
      .selectFrom('budget_request_lines as l')
      .innerJoin('budget_requests as r', 'r.id', 'l.request_id')
      .where('r.unit_id', '=', unitId)
      .where('r.year', '=', year)
      .where('r.status', 'in', statuses)
      .$if(onlyDepartment !== null, (qb) => qb.where('r.department_id', '=', onlyDepartment!));
  // SUM over BIGINT is NUMERIC on PostgreSQL; the driver hands it back as an exact integer (see db/connection.ts).
  const amount = sql<number | null>`sum(l.amount)`.as('amount');
  const control = sql<number | null>`sum(coalesce(l.control_amount, 0))`.as('control_amount');
  const byDepartment = await lines()
    .innerJoin('departments as d', 'd.id', 'r.department_id')
    .select(['r.department_id', 'd.name', 'd.code', amount, control])
    .select((eb) => eb.fn.count<number>('r.id').distinct().as('request_count'))
    .groupBy(['r.department_id', 'd.name', 'd.code'])
    .orderBy('d.code')
    .execute();
  const byKind = await lines()
    .select(['l.expenditure_kind', amount, control])
    .groupBy('l.expenditure_kind')
    .orderBy('l.expenditure_kind')
    .execute();
  const byClass = await lines()
    .select(['l.economic_code', amount, control])
    .groupBy('l.economic_code')
    .orderBy('l.economic_code')
    .execute();
  const departments = byDepartment.map((d) => ({
    departmentId: d.department_id,
    departmentName: d.name,
    requestCount: Number(d.request_count),
    amount: Number(d.amount ?? 0),
    controlAmount: Number(d.control_amount ?? 0),
  }));
  return {
    year,
    statuses,
    requestCount: sumOf(departments.map((d) => d.requestCount)),
    amount: sumOf(departments.map((d) => d.amount)),
    controlAmount: sumOf(departments.map((d) => d.controlAmount)),
    byDepartment: departments,
    byKind: byKind.map((k) => ({
      expenditureKind: k.expenditure_kind,
      amount: Number(k.amount ?? 0),
      controlAmount: Number(k.control_amount ?? 0),
    })),
    byEconomicClass: byClass.map((c) => ({
      economicCode: c.economic_code,
      amount: Number(c.amount ?? 0),
      controlAmount: Number(c.control_amount ?? 0),
    })),
  };
}
