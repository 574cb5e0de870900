import type { Executor, Tx } from '../../db/connection.js';
import type { DeviationExplanationsTable } from '../../db/schema.js';
import { appendAudit } from '../../audit/service.js';
import { auditActorOf } from '../../accounts/service.js';
import { nowIso } from '../../clock.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { AppError } from './errors.js';
import { finalAccountsReport } from './final-accounts.js';
import { checkFinalAccounts, deviationRows, explanationKey, rowKey, type CheckOptions, type CheckResult } from './disclosure-checks.js';
import type { Report } from './reports.js';
import { EXPLANATION_MAX, EXPLANATION_MIN, type ExplanationView } from './schema.js';

/**
 * 决算 差异说明: a unit's reason for a line of its 部门决算 whose 决算数 deviates from its 全年预算数 beyond the
 * threshold. The deviation check counts a line with an explanation as explained (listed apart, not a
 * failure), so a real year's set can pass and be exported. Written by the unit's finance officer
 * (period.manage, who runs the year end); a line must be one the check compares in that year's set
 * (a 项 line of 一般公共预算财政拨款支出决算表 or a 三公 item), whether or not it deviates at today's threshold.
 *
 * Consolidated sets (a supervising unit over its subordinates): a consolidated line is explained when every
 * covered unit whose own line deviates has explained it (the texts are joined, each after its unit's name);
 * a consolidated deviation implies at least one unit's own line deviates, so none is explained by default.
 */
type Row = DeviationExplanationsTable;

const view = (r: Row): ExplanationView => ({
  year: r.year, table: r.table_id, line: r.line, explanation: r.explanation,
  createdBy: r.created_by, createdAt: r.created_at, updatedBy: r.updated_by, updatedAt: r.updated_at,
});

export async function listExplanations(db: Executor, unitId: string, year: number): Promise<ExplanationView[]> {
  const rows = await db.selectFrom('deviation_explanations').selectAll().where('unit_id', '=', unitId).where('year', '=', year).orderBy('table_id').orderBy('line').execute();
  return rows.map(view);
}

async function explanationMap(db: Executor, unitId: string, year: number): Promise<Map<string, string>> {
  return new Map((await listExplanations(db, unitId, year)).map((e) => [explanationKey(e.table, e.line), e.explanation]));
}

async function ownReport(db: Executor, unitId: string, year: number): Promise<Report> {
  const unit = await db.selectFrom('units').select(['id', 'name']).where('id', '=', unitId).executeTakeFirstOrThrow();
  return finalAccountsReport(db, { unitId, unitName: unit.name, consolidated: false, units: [{ id: unit.id, name: unit.name }] }, year);
}

/** The 决算 checks with the explanations of the unit (or, consolidated, of each covered unit). */
export async function checkFinalAccountsExplained(db: Executor, report: Report, options: Omit<CheckOptions, 'explanations'>): Promise<CheckResult> {
  if (!options.final) return checkFinalAccounts(report, options);
  if (!report.consolidated) return checkFinalAccounts(report, { ...options, explanations: await explanationMap(db, report.unitId, report.year) });
  const first = checkFinalAccounts(report, options);
  if (!first.failures.some((f) => f.check === 'deviation')) return first;
  const texts = new Map<string, string[]>();
  const unexplained = new Set<string>();
  for (const unit of report.units) {
    const own = checkFinalAccounts(await ownReport(db, unit.id, report.year), { ...options, explanations: await explanationMap(db, unit.id, report.year) });
    for (const e of own.explained) texts.set(explanationKey(e.table, e.line), [...(texts.get(explanationKey(e.table, e.line)) ?? []), `${unit.name}：${e.explanation}`]);
    for (const f of own.failures) if (f.check === 'deviation' && f.cells[0]) unexplained.add(explanationKey(f.cells[0].table, f.cells[0].row));
  }
  const explanations = new Map([...texts].filter(([key]) => !unexplained.has(key)).map(([key, list]) => [key, list.join('；')]));
  return checkFinalAccounts(report, { ...options, explanations });
}

/** The line must be one the deviation check compares in the unit's own 决算 set of that year. */
async function assertLine(db: Executor, unitId: string, year: number, table: string, line: string) {
  const report = await ownReport(db, unitId, year);
  if (!deviationRows(report, table).some((r) => rowKey(r) === line)) throw new AppError('REPORT_LINE_NOT_FOUND', { year, table, line });
}

export async function saveExplanation(tx: Tx, actor: Actor, scope: UnitScope, input: { year: number; table: string; line: string; explanation: string }): Promise<ExplanationView> {
  const { unitId } = scope;
  const text = input.explanation.trim();
  if ([...text].length < EXPLANATION_MIN || [...text].length > EXPLANATION_MAX) throw new AppError('EXPLANATION_INVALID', { min: EXPLANATION_MIN, max: EXPLANATION_MAX, length: [...text].length });
  await assertLine(tx, unitId, input.year, input.table, input.line);
  const key = { unit_id: unitId, year: input.year, table_id: input.table, line: input.line };
  const before = await tx.selectFrom('deviation_explanations').selectAll().where((eb) => eb.and(key)).executeTakeFirst();
  const now = nowIso();
  if (before) {
    await tx.updateTable('deviation_explanations').set({ explanation: text, updated_by: actor.userId, updated_at: now }).where((eb) => eb.and(key)).execute();
  } else {
    await tx.insertInto('deviation_explanations').values({
      unit_id: unitId, year: input.year, table_id: input.table, line: input.line, explanation: text,
      created_by: actor.userId, created_at: now, updated_by: actor.userId, updated_at: now,
    }).execute();
  }
  const after = await tx.selectFrom('deviation_explanations').selectAll().where((eb) => eb.and(key)).executeTakeFirstOrThrow();
  await appendAudit(tx, {
    actor: auditActorOf(actor), unitId, action: 'final_accounts.explain', entity: 'deviation_explanation', entityId: `${unitId}:${input.year}:${input.table}:${input.line}`,
    ...(before ? { before: { explanation: before.explanation } } : {}), after: { explanation: text },
  });
  return view(after);
}

export async function deleteExplanation(tx: Tx, actor: Actor, scope: UnitScope, input: { year: number; table: string; line: string }): Promise<{ deleted: true }> {
  const { unitId } = scope;
  const key = { unit_id: unitId, year: input.year, table_id: input.table, line: input.line };
  const before = await tx.selectFrom('deviation_explanations').selectAll().where((eb) => eb.and(key)).executeTakeFirst();
  if (!before) throw new AppError('EXPLANATION_NOT_FOUND', input);
  await tx.deleteFrom('deviation_explanations').where((eb) => eb.and(key)).execute();
  await appendAudit(tx, {
    actor: auditActorOf(actor), unitId, action: 'final_accounts.explanation_delete', entity: 'deviation_explanation', entityId: `${unitId}:${input.year}:${input.table}:${input.line}`,
    before: { explanation: before.explanation },
  });
  return { deleted: true };
}
