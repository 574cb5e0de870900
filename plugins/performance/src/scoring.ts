import type { Direction, Grade, Level1, Method, TargetLine } from './types.js';

/**
 * 绩效自评 scoring as 财政部《项目支出绩效评价管理办法》(财预〔2020〕10号) and its self-evaluation table
 * use it: 预算执行率 scores min(执行数 ÷ 预算数, 1) × its weight; every indicator scores its share of
 * its first level's weight by its method; the total is graded 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60.
 */

/**
 * Rules provinces use for reverse (≤) indicators that miss their target. The default is the
 * self-evaluation table's own note (目标值 ÷ 实际值 × 分值); the others are offered as unit settings.
 */
export type ReverseRule = 'ratio' | 'deviation' | 'zero';
export const REVERSE_RULE_LABEL: Record<ReverseRule, string> = {
  ratio: '目标值÷实际值×分值（默认，自评表说明的反向指标算法）',
  deviation: '按超出比例扣分：(1 − (实际值−目标值)÷目标值)×分值，不低于0',
  zero: '未达到即不得分',
};
export const DEFAULT_REVERSE_RULE: ReverseRule = 'ratio';

export type QualGrade = 'achieved' | 'partial' | 'not';
export const QUAL_BANDS: Record<QualGrade, { label: string; min: number; max: number }> = {
  achieved: { label: '达成', min: 80, max: 100 },
  partial: { label: '部分达成', min: 60, max: 80 },
  not: { label: '未达成', min: 0, max: 60 },
};

/** The first-level weights (percent of 100): 预算执行率 10, 产出 50, 效益 30, 满意度 10 by default. */
export interface LevelWeights { execution: number; output: number; benefit: number; satisfaction: number }
export const DEFAULT_WEIGHTS: LevelWeights = { execution: 10, output: 50, benefit: 30, satisfaction: 10 };

export const round2 = (x: number) => Math.round((x + Number.EPSILON) * 100) / 100;

/** The first-level group an indicator's score counts in (成本 counts with 产出, as in the 10号文 table). */
export const groupOf = (level1: Level1): 'output' | 'benefit' | 'satisfaction' => (level1 === 'cost' ? 'output' : level1);

export function weightsProblem(w: LevelWeights): string | null {
  for (const [k, v] of Object.entries(w)) if (!Number.isFinite(v) || v < 0 || v > 100) return `一级指标权重 ${k} 须在 0–100 之间`;
  const sum = w.execution + w.output + w.benefit + w.satisfaction;
  return Math.abs(sum - 100) > 1e-9 ? `一级指标权重合计须为100（现为${round2(sum)}）` : null;
}

/** Weights of a project's targets (percent): each > 0, together 100. Null when they are right. */
export function targetWeightsProblem(weights: number[]): string | null {
  if (weights.length === 0) return '至少设置一项绩效指标';
  if (weights.some((w) => !Number.isFinite(w) || w <= 0 || w > 100)) return '每项指标的权重须大于0且不超过100';
  const sum = weights.reduce((a, b) => a + b, 0);
  return Math.abs(sum - 100) > 0.001 ? `指标权重合计须为100%（现为${round2(sum)}%）` : null;
}

export interface QualJudgement { grade: QualGrade; /** Percent of the points, within the grade's band. */ pct: number; reason: string }

export interface LineInput {
  direction: Direction;
  target: number | string | null;
  actual: number | string | null;
  points: number;
  reverseRule?: ReverseRule;
  qualitative?: QualJudgement | null;
}

export interface LineScore { score: number; /** Share of the points earned, 0–1. */ rate: number; note: string }

/** The score of one indicator by its direction. Over-achievement never earns more than the points. */
export function scoreLine(input: LineInput): LineScore {
  const { direction, points } = input;
  if (direction === 'qual') {
    const q = input.qualitative;
    if (!q) return { score: 0, rate: 0, note: '未评定' };
    const band = QUAL_BANDS[q.grade];
    const pct = Math.min(band.max, Math.max(band.min, q.pct));
    return { score: round2((points * pct) / 100), rate: pct / 100, note: `${band.label}（${pct}%）：${q.reason}` };
  }
  const target = typeof input.target === 'number' ? input.target : Number(input.target);
  const actual = input.actual === null || input.actual === '' ? NaN : typeof input.actual === 'number' ? input.actual : Number(input.actual);
  if (!Number.isFinite(actual)) return { score: 0, rate: 0, note: '无实际完成值' };
  if (!Number.isFinite(target)) return { score: 0, rate: 0, note: '目标值不是数值' };
  let rate: number;
  let note = '';
  if (direction === 'gte') {
    // A zero (or negative) target is met by any actual at or above it; a shortfall scores its share.
    rate = actual >= target ? 1 : target > 0 ? Math.max(0, actual / target) : 0;
    if (actual > target && target > 0) note = '超额完成，按满分计';
  } else if (direction === 'lte') {
    const rule = input.reverseRule ?? DEFAULT_REVERSE_RULE;
    if (actual <= target) rate = 1;
    else if (target <= 0) rate = 0;
    else if (rule === 'ratio') rate = target / actual;
    else if (rule === 'deviation') rate = Math.max(0, 1 - (actual - target) / target);
    else rate = 0;
    if (actual > target) note = `反向指标未达标：${REVERSE_RULE_LABEL[rule]}`;
  } else {
    if (actual === target) rate = 1;
    else if (target === 0) rate = 0;
    else rate = Math.max(0, 1 - Math.abs(actual - target) / Math.abs(target));
  }
  rate = Math.min(1, rate);
  return { score: round2(points * rate), rate, note };
}

export function gradeOf(total: number): Grade {
  if (total >= 90) return 'excellent';
  if (total >= 80) return 'good';
  if (total >= 60) return 'fair';
  return 'poor';
}

/** Budget and execution of a project's year, in fen (from the ledger). */
export interface ExecutionFigures { budget: number; paid: number }

export interface EvaluationLine {
  indicatorId: string; name: string; level1: Level1; level2: string; unit: string; direction: Direction; method: Method;
  target: number | string; actual: number | string | null; weight: number; points: number; score: number; note: string;
}
export interface Evaluation {
  weights: LevelWeights; reverseRule: ReverseRule;
  execution: { budget: number; paid: number; rate: number; points: number; score: number };
  lines: EvaluationLine[];
  total: number; grade: Grade;
}

/**
 * A project's year scored. Each indicator's points are its first level's weight shared by the
 * indicators' weights inside that level; a level with no indicator gives its weight to the levels
 * that have some (proportionally), so a project can always reach 100.
 */
export function evaluate(input: {
  lines: TargetLine[]; actuals: Record<string, number | string | null>; qualitative: Record<string, QualJudgement | undefined>;
  execution: ExecutionFigures; weights?: LevelWeights; reverseRule?: ReverseRule;
}): Evaluation {
  const weights = input.weights ?? DEFAULT_WEIGHTS;
  const reverseRule = input.reverseRule ?? DEFAULT_REVERSE_RULE;
  const inGroup = { output: 0, benefit: 0, satisfaction: 0 };
  for (const l of input.lines) inGroup[groupOf(l.level1)] += l.weight;
  const present = (['output', 'benefit', 'satisfaction'] as const).filter((g) => inGroup[g] > 0);
  const presentWeight = present.reduce((a, g) => a + weights[g], 0);
  const indicatorWeight = weights.output + weights.benefit + weights.satisfaction;
  const groupPoints = (g: 'output' | 'benefit' | 'satisfaction') => (presentWeight > 0 ? (weights[g] * indicatorWeight) / presentWeight : 0);

  const lines: EvaluationLine[] = input.lines.map((l) => {
    const g = groupOf(l.level1);
    const points = inGroup[g] > 0 ? (groupPoints(g) * l.weight) / inGroup[g] : 0;
    const actual = input.actuals[l.indicatorId] ?? null;
    const s = scoreLine({ direction: l.direction, target: l.annual, actual, points, reverseRule, qualitative: input.qualitative[l.indicatorId] ?? null });
    return {
      indicatorId: l.indicatorId, name: l.name, level1: l.level1, level2: l.level2, unit: l.unit, direction: l.direction, method: l.method,
      target: l.annual, actual: l.direction === 'qual' ? (input.qualitative[l.indicatorId] ? QUAL_BANDS[input.qualitative[l.indicatorId]!.grade].label : null) : actual,
      weight: l.weight, points: round2(points), score: s.score, note: s.note,
    };
  });
  const { budget, paid } = input.execution;
  const rate = budget > 0 ? paid / budget : 0;
  const executionScore = round2(Math.min(rate, 1) * weights.execution);
  // The total is the sum of the scores as shown (each rounded to 0.01), as the published table adds them.
  const total = round2(executionScore + lines.reduce((a, l) => a + l.score, 0));
  return {
    weights, reverseRule,
    execution: { budget, paid, rate: Math.round(rate * 10000) / 10000, points: weights.execution, score: executionScore },
    lines, total, grade: gradeOf(total),
  };
}
