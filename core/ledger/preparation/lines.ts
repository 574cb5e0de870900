import type { Tx } from '../../db/connection.js';
import type { ProjectStatus } from '../../db/schema.js';
import { AppError } from '../errors.js';
import { assertClassExists } from '../classifications/service.js';
import { findProject } from '../projects/service.js';
import { MAX_LINES, type LineInput } from './schema.js';
import type { LineRow } from './requests.js';
import { getTemplate, KIND_LABEL } from './templates.js';

/** The lines of a budget request: computed from templates and the project library, kept, and checked. */

export type NewLine = Omit<LineRow, 'id' | 'request_id' | 'unit_id' | 'line_no'>;

export const PROJECT_BUDGETABLE: readonly ProjectStatus[] = ['reserve', 'approved', 'executing'];

/**
 * Turns the input lines into request lines: a basic-expenditure entry becomes one line per standard
 * of the unit's template (amount = headcount × per-head standard, exact in fen); a project entry
 * becomes one line drawn from the project library (same unit, same department, a budgetable status,
 * the request year inside the project's span).
 */
export async function expandLines(tx: Tx, unitId: string, year: number, departmentId: number, inputs: readonly LineInput[]): Promise<NewLine[]> {
  const out: NewLine[] = [];
  for (const input of inputs) {
    if (input.kind === 'project') {
      const project = await findProject(tx, unitId, input.projectId);
      if (!PROJECT_BUDGETABLE.includes(project.status)) {
        throw new AppError('PROJECT_NOT_AVAILABLE', { projectId: project.id, code: project.code, status: project.status });
      }
      if (project.department_id !== departmentId) {
        throw new AppError('PROJECT_DEPARTMENT_MISMATCH', { projectId: project.id, code: project.code, departmentId });
      }
      if (year < project.start_year || year > project.end_year) {
        throw new AppError('PROJECT_YEAR_OUT_OF_SPAN', { year, startYear: project.start_year, endYear: project.end_year, projectId: project.id });
      }
      out.push({
        expenditure_kind: 'project',
        project_id: project.id,
        functional_code: input.functionalCode ?? project.functional_code,
        economic_code: input.economicCode,
        fund_source_code: input.fundSourceCode ?? project.fund_source_code,
        headcount: null,
        standard_amount: null,
        amount: input.amount,
        control_amount: null,
        note: input.note ?? project.name,
      });
      continue;
    }
    const template = await getTemplate(tx, unitId, input.kind);
    if (template.standards.length === 0) throw new AppError('TEMPLATE_EMPTY', { kind: KIND_LABEL[input.kind] });
    for (const standard of template.standards) {
      out.push({
        expenditure_kind: input.kind,
        project_id: null,
        functional_code: input.functionalCode ?? template.functionalCode,
        economic_code: standard.economicCode,
        fund_source_code: input.fundSourceCode ?? template.fundSourceCode,
        headcount: input.headcount,
        standard_amount: standard.perHeadAmount,
        amount: input.headcount * standard.perHeadAmount,
        control_amount: null,
        note: standard.name,
      });
    }
  }
  if (out.length > MAX_LINES) {
    throw new AppError('VALIDATION_FAILED', {
      where: 'body',
      issues: [{ path: 'lines', message: `测算后明细不能超过 ${MAX_LINES} 行`, code: 'too_big' }],
    });
  }
  // Every class a line carries must exist in the request year's code set (the template's too:
  // templates are not tied to a year, so their codes are checked when a request uses them).
  const checks = new Map<string, { kind: 'functional' | 'economic' | 'fund_source'; code: string }>();
  for (const line of out) {
    checks.set(`f:${line.functional_code}`, { kind: 'functional', code: line.functional_code });
    checks.set(`e:${line.economic_code}`, { kind: 'economic', code: line.economic_code });
    checks.set(`s:${line.fund_source_code}`, { kind: 'fund_source', code: line.fund_source_code });
  }
  for (const { kind, code } of checks.values()) await assertClassExists(tx, kind, year, code);
  return out;
}

export function sumOf(amounts: readonly number[]): number {
  const total = amounts.reduce((s, a) => s + a, 0);
  if (!Number.isSafeInteger(total)) throw new Error('budget total outside the exact integer range');
  return total;
}

export async function writeLines(tx: Tx, unitId: string, requestId: number, lines: readonly NewLine[]): Promise<void> {
  await tx.deleteFrom('budget_request_lines').where('request_id', '=', requestId).execute();
  await tx
    .insertInto('budget_request_lines')
    .values(lines.map((l, i) => ({ ...l, request_id: requestId, unit_id: unitId, line_no: i + 1 })))
    .execute();
}

export function lineIndex(lines: readonly LineRow[], lineIds: readonly number[]): Map<number, LineRow> {
  const byId = new Map(lines.map((l) => [l.id, l]));
  for (const lineId of lineIds) if (!byId.has(lineId)) throw new AppError('BUDGET_LINE_NOT_FOUND', { lineId });
  return byId;
}

/** 二上 rule: no line above its control number. Names the first offending line, and lists them all. */
export function assertWithinControl(lines: ReadonlyArray<Pick<LineRow, 'id' | 'line_no' | 'amount' | 'control_amount'>>): void {
  const over = lines
    .filter((l) => l.control_amount !== null && l.amount > l.control_amount)
    .map((l) => ({ lineId: l.id, lineNo: l.line_no, amount: l.amount, controlAmount: l.control_amount! }));
  if (over.length > 0) throw new AppError('OVER_CONTROL_NUMBER', { ...over[0]!, over });
}
