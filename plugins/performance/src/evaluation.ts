import type { HostApi, ProjectRecord } from '@unibudget/sdk';
import { InputError } from './library.js';
import { num } from './requests.js';
import { evaluate, QUAL_BANDS, type Evaluation, type QualGrade, type QualJudgement } from './scoring.js';
import { all } from './store.js';
import type { Settings } from './settings.js';
import { GRADE_LABEL, type MonitorValue, type TargetLine, type TargetsDoc } from './types.js';

/** The self-evaluation as stored (collection `evaluations`, one per project and year) and its inputs. */
const cellText = (v: unknown) => (v === undefined || v === null ? '' : String(v).trim());

export interface EvaluationDoc extends Evaluation {
  [key: string]: unknown;
  projectId: number; projectCode: string; projectName: string; year: number;
  qualitative: Record<string, QualJudgement>;
  evidence: Array<{ name: string; kind: string; ref: string; note: string }>;
  by: string; at: string;
}

export function parseQualitative(raw: unknown, lines: TargetLine[], previous: Record<string, QualJudgement> = {}): Record<string, QualJudgement> {
  const out: Record<string, QualJudgement> = { ...previous };
  const entries: Array<[string, Record<string, unknown>]> = Array.isArray(raw)
    ? raw.map((r) => { const row = (r && typeof r === 'object' ? r : {}) as Record<string, unknown>; return [cellText(row.indicatorId ?? row._id), row]; })
    : raw && typeof raw === 'object' ? Object.entries(raw as Record<string, unknown>).map(([k, v]) => [k, (v && typeof v === 'object' ? v : {}) as Record<string, unknown>]) : [];
  const qual = new Map(lines.filter((l) => l.direction === 'qual').map((l) => [l.indicatorId, l]));
  for (const [id, row] of entries) {
    const line = qual.get(id);
    if (!line) throw new InputError('qualitative', `“${id}”不是本项目的定性指标`);
    const grade = cellText(row.grade) as QualGrade;
    if (!grade && !cellText(row.reason) && (row.pct === undefined || row.pct === '')) continue;
    if (!(grade in QUAL_BANDS)) throw new InputError('qualitative', `“${line.name}”须评定为达成、部分达成或未达成`);
    const band = QUAL_BANDS[grade];
    const pct = num(row.pct === undefined || row.pct === '' ? band.max : row.pct, 'qualitative', `“${line.name}”的得分比例（%）`, { min: 0, max: 100 })!;
    // The bands meet at 60 and 80: a value on the border belongs to the higher band, except 100 (达成's top).
    const inBand = grade === 'achieved' ? pct >= 80 && pct <= 100 : pct >= band.min && pct < band.max;
    if (!inBand) throw new InputError('qualitative', `“${line.name}”评为${band.label}，得分比例须在 ${band.min}%–${band.max}% 之间`);
    const reason = cellText(row.reason);
    if (!reason) throw new InputError('qualitative', `“${line.name}”须说明评定理由`);
    out[id] = { grade, pct, reason: reason.slice(0, 1000) };
  }
  return out;
}

export function parseEvidence(raw: unknown): EvaluationDoc['evidence'] {
  if (raw === undefined || raw === null || raw === '') return [];
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(/\n+/).map((name) => ({ name })) : null;
  if (!list) throw new InputError('evidence', '佐证材料格式不正确');
  if (list.length > 50) throw new InputError('evidence', '佐证材料最多 50 项');
  return list.map((r, i) => {
    const row = (r && typeof r === 'object' ? r : {}) as Record<string, unknown>;
    const name = cellText(row.name);
    if (!name) throw new InputError('evidence', `第 ${i + 1} 项佐证材料须有名称`);
    return { name: name.slice(0, 200), kind: cellText(row.kind).slice(0, 50), ref: cellText(row.ref).slice(0, 300), note: cellText(row.note).slice(0, 500) };
  }).filter((e) => e.name);
}

/** Actuals for scoring: the latest monitoring values, overridden by what the evaluator gives. */
export function actualsOf(lines: TargetLine[], latest: Map<string, MonitorValue>, given: Record<string, number | null>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const l of lines) {
    if (l.direction === 'qual') continue;
    out[l.indicatorId] = l.indicatorId in given ? given[l.indicatorId]! : latest.get(l.indicatorId)?.actual ?? null;
  }
  return out;
}

export function parseActuals(raw: unknown, lines: TargetLine[]): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  const entries: Array<[string, unknown]> = Array.isArray(raw)
    ? raw.map((r) => { const row = (r && typeof r === 'object' ? r : {}) as Record<string, unknown>; return [cellText(row.indicatorId ?? row._id), row.actual]; })
    : raw && typeof raw === 'object' ? Object.entries(raw as Record<string, unknown>) : [];
  const known = new Map(lines.map((l) => [l.indicatorId, l]));
  for (const [id, v] of entries) {
    const line = known.get(id);
    if (!line) throw new InputError('actuals', `“${id}”不是本项目的绩效指标`);
    if (line.direction === 'qual' || v === undefined || v === '') continue;
    out[id] = num(v, 'actuals', `“${line.name}”的实际完成值`, { optional: true });
  }
  return out;
}

export function evaluationDoc(input: {
  project: ProjectRecord; targets: TargetsDoc; latest: Map<string, MonitorValue>; given: Record<string, number | null>;
  qualitative: Record<string, QualJudgement>; money: { budget: number; paid: number }; settings: Settings;
  evidence: EvaluationDoc['evidence']; by: string; at: string;
}): EvaluationDoc {
  const e = evaluate({
    lines: input.targets.lines, actuals: actualsOf(input.targets.lines, input.latest, input.given), qualitative: input.qualitative,
    execution: input.money, weights: input.settings.weights, reverseRule: input.settings.reverseRule,
  });
  return {
    ...e, projectId: input.project.id, projectCode: input.project.code, projectName: input.project.name, year: input.targets.year,
    qualitative: input.qualitative, evidence: input.evidence, by: input.by, at: input.at,
  };
}

export const answerOf = (d: EvaluationDoc) => ({
  projectId: d.projectId, projectCode: d.projectCode, projectName: d.projectName, year: d.year,
  total: d.total, grade: d.grade, gradeLabel: GRADE_LABEL[d.grade], weights: d.weights, reverseRule: d.reverseRule,
  execution: d.execution,
  lines: d.lines.map((l) => ({ indicatorId: l.indicatorId, indicator: l.name, level1: l.level1, level2: l.level2, unit: l.unit, direction: l.direction, target: l.target, actual: l.actual, method: l.method, weight: l.weight, points: l.points, score: l.score, note: l.note })),
  evidence: d.evidence, by: d.by, at: d.at,
});

export async function latestEvaluation(host: HostApi, projectId: number, beforeYear: number): Promise<EvaluationDoc | null> {
  const docs = (await all<EvaluationDoc>(host, 'evaluations', { projectId })).map((d) => d.data).filter((d) => d.year < beforeYear);
  docs.sort((a, b) => b.year - a.year);
  return docs[0] ?? null;
}


