import type { TimeProgressRecord } from '@unibudget/sdk';
import { cumulative, histogramMedian, LATE_DAYS, median, mergeHistograms, sum, type YearState } from './aggregate.js';
import type { AnalyticsSettings } from './settings.js';
import { SUGGEST } from './suggestions.js';
import { GRADE_RANK, pct, yuan, type Department, type Finding, type Grade, type Indicator, type Milestone, type Project } from './types.js';

export interface MonitorInput {
  year: number;
  /** The day of the evaluation, ISO date. */
  asOf: string;
  /**
   * 序时进度 of the year on asOf as the host defines it (`host.ledger.timeProgress`: the unit's basis,
   * completed months ÷ 12 or elapsed days ÷ days in the year). The plugin never computes its own.
   */
  time: MonitorTime;
  indicators: Indicator[];
  departments: Department[];
  projects: Project[];
  milestones: Milestone[];
  current: YearState;
  /** States of earlier years (any order), for baselines. */
  prior: YearState[];
  settings: AnalyticsSettings;
}

/** What the monitors read of the host's time progress: its value and the months complete on asOf. */
export type MonitorTime = Pick<TimeProgressRecord, 'value' | 'completedMonths'>;

const gradeBySteps = (value: number, start: number, step: number): Grade | null =>
  value >= start + 2 * step ? 'severe' : value >= start + step ? 'warning' : value >= start ? 'info' : null;
const raise = (g: Grade): Grade => (g === 'info' ? 'warning' : 'severe');
const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

function isSpecial(i: Indicator, s: AnalyticsSettings): boolean {
  if (i.expenditureKind === 'project') return true;
  const extra = s.specialFundSources.split(',').map((c) => c.trim()).filter(Boolean);
  return extra.includes(i.fundSourceCode);
}

// ------------------------------------------------------------------ progress vs time

/** 执行进度 vs 序时进度 per indicator, department and project; special funds one grade up. */
export function progressMonitor(input: MonitorInput): Finding[] {
  const { year, settings: s } = input;
  const m = input.time.completedMonths;
  if (m < s.progressStartMonth) return [];
  const timeProgress = input.time.value;
  const out: Finding[] = [];
  const late = m >= 9;
  const judge = (key: string, subject: string, title: string, budget: number, paid: number, departmentId: number | null, special: boolean, kind: 'indicator' | 'department' | 'project') => {
    if (budget <= 0) return;
    const rate = paid / budget;
    const lag = timeProgress - rate;
    let grade = gradeBySteps(lag, s.progressTolerance, s.progressTolerance);
    if (!grade) return;
    if (special) grade = raise(grade);
    const suggestions: string[] = [kind === 'project' || special ? SUGGEST.speedProject : SUGGEST.speedProcurement, SUGGEST.transferIdle];
    if (late && grade !== 'info') suggestions.push(SUGGEST.returnFinance);
    suggestions.push(SUGGEST.explainLag);
    out.push({
      key, monitor: 'progress', grade, year, subject, departmentId, special,
      title: `${special ? '专项资金' : ''}${title}执行进度 ${pct(rate)} 落后序时进度 ${pct(timeProgress)}`,
      evidence: { budget, paid, executionRate: round4(rate), timeProgress: round4(timeProgress), lag: round4(lag), month: m, special },
      suggestions,
    });
  };
  const paidOf = (i: Indicator) => cumulative(input.current.byIndicator[String(i.id)] ?? [], m);
  const dept = new Map<number, { budget: number; paid: number; special: boolean }>();
  const proj = new Map<number, { budget: number; paid: number; departmentId: number }>();
  for (const i of input.indicators) {
    const paid = paidOf(i);
    const special = isSpecial(i, s);
    judge(`progress:${year}:indicator:${i.id}`, `指标 ${i.code} ${i.name}`, `指标“${i.name}”`, i.budget, paid, i.departmentId, special, 'indicator');
    const d = dept.get(i.departmentId) ?? { budget: 0, paid: 0, special: false };
    d.budget += i.budget; d.paid += paid;
    dept.set(i.departmentId, d);
    if (i.projectId !== null) {
      const p = proj.get(i.projectId) ?? { budget: 0, paid: 0, departmentId: i.departmentId };
      p.budget += i.budget; p.paid += paid;
      proj.set(i.projectId, p);
    }
  }
  const deptName = new Map(input.departments.map((d) => [d.id, d.name]));
  for (const [id, d] of [...dept].sort((a, b) => a[0] - b[0])) {
    const name = deptName.get(id) ?? `科室 ${id}`;
    judge(`progress:${year}:department:${id}`, `科室 ${name}`, `科室“${name}”`, d.budget, d.paid, id, false, 'department');
  }
  const projName = new Map(input.projects.map((p) => [p.id, p.name]));
  for (const [id, p] of [...proj].sort((a, b) => a[0] - b[0])) {
    const name = projName.get(id) ?? `项目 ${id}`;
    judge(`progress:${year}:project:${id}`, `项目 ${name}`, `项目“${name}”`, p.budget, p.paid, p.departmentId, true, 'project');
  }
  return out;
}

// ------------------------------------------------------------------ abnormal fluctuation

/**
 * A month of an economic class against its own history: robust z-score with median and MAD over
 * the trailing months, after dividing out the class's seasonal factor for that month from prior
 * years (a January bonus that happens every year is not an anomaly). December is left to the
 * year-end rush monitor.
 */
export function spikeMonitor(input: MonitorInput): Finding[] {
  const { year, settings: s } = input;
  const m = Math.min(11, input.time.completedMonths);
  const prior = [...input.prior].sort((a, b) => a.year - b.year);
  const out: Finding[] = [];
  const classes = Object.keys(input.current.byClass).sort();
  for (const c of classes) {
    const series = input.current.byClass[c]!;
    const priorSeries = prior.map((p) => p.byClass[c]).filter((x): x is number[] => !!x);
    for (let k = 0; k < m; k++) {
      const x = series[k] ?? 0;
      if (x <= 0) continue;
      const history: number[] = [];
      for (const ps of priorSeries) history.push(...ps.slice(0, 11));
      history.push(...series.slice(0, k));
      const window = history.slice(-24);
      if (window.length < 6) continue;
      const factors = priorSeries
        .map((ps) => { const base = median(ps.slice(0, 11)); return base > 0 ? (ps[k] ?? 0) / base : null; })
        .filter((f): f is number => f !== null && f > 0);
      const f = factors.length ? Math.min(8, Math.max(0.25, median(factors))) : 1;
      const med = median(window);
      if (med <= 0) continue;
      const mad = median(window.map((v) => Math.abs(v - med)));
      const scale = Math.max(1.4826 * mad, 0.05 * med, 1);
      const z = (x / f - med) / scale;
      const ratio = x / (f * med);
      if (z < s.spikeZ || ratio < s.spikeRatio) continue;
      const grade: Grade = z >= 2 * s.spikeZ && ratio >= 2 * s.spikeRatio ? 'severe' : z >= 1.5 * s.spikeZ && ratio >= 1.5 * s.spikeRatio ? 'warning' : 'info';
      out.push({
        key: `spike:${year}:${c}:${String(k + 1).padStart(2, '0')}`, monitor: 'spike', grade, year, departmentId: null,
        subject: `经济分类 ${c}`,
        title: `经济分类 ${c} ${k + 1} 月支出 ${yuan(x)}，为历史基线的 ${ratio.toFixed(1)} 倍`,
        evidence: { month: k + 1, amount: x, baseline: Math.round(med * f), seasonalFactor: round4(f), robustZ: Math.round(z * 100) / 100, ratio: Math.round(ratio * 100) / 100, historyMonths: window.length },
        suggestions: [SUGGEST.checkDetail, SUGGEST.checkCrossPeriod, SUGGEST.adjustPlan],
      });
    }
  }
  return out;
}

// ------------------------------------------------------------------ large single payments

export function largePaymentMonitor(input: MonitorInput): Finding[] {
  const { year, settings: s } = input;
  const out: Finding[] = [];
  const typical = new Map<string, number>();
  for (const p of [...input.current.large].sort((a, b) => a.id - b.id)) {
    if (p.day > input.asOf) continue;
    let t = typical.get(p.economicCode);
    if (t === undefined) {
      t = histogramMedian(mergeHistograms(input.current.sizes[p.economicCode], ...input.prior.map((y) => y.sizes[p.economicCode])));
      typical.set(p.economicCode, t);
    }
    const r = t > 0 ? p.amount / t : 0;
    const abs = p.amount >= s.largePaymentFen;
    let grade: Grade | null = null;
    if ((abs && r >= 2 * s.largeFactor) || p.amount >= 3 * s.largePaymentFen) grade = 'severe';
    else if (abs || r >= 2 * s.largeFactor) grade = 'warning';
    else if (r >= s.largeFactor) grade = 'info';
    if (!grade) continue;
    out.push({
      key: `large:${year}:${p.id}`, monitor: 'large-payment', grade, year, departmentId: p.departmentId,
      subject: `支付 ${p.docNo ?? `#${p.id}`} ${p.payeeName}`,
      title: `单笔支付 ${yuan(p.amount)}（${p.payeeName}），为该经济分类常见金额的 ${r.toFixed(1)} 倍`,
      evidence: { paymentId: p.id, amount: p.amount, day: p.day, economicCode: p.economicCode, typicalPayment: Math.round(t), ratio: Math.round(r * 10) / 10, threshold: s.largePaymentFen },
      suggestions: [SUGGEST.checkContract, SUGGEST.checkDecision],
    });
  }
  return out;
}

// ------------------------------------------------------------------ threshold splitting

const dayNumber = (day: string) => Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) / 86_400_000;

/** Many payments to one payee just under the approval threshold within a window of days. */
export function splittingMonitor(input: MonitorInput): Finding[] {
  const { year, settings: s } = input;
  const byPayee = new Map<string, typeof input.current.near>();
  for (const p of input.current.near) {
    if (p.day > input.asOf) continue;
    const list = byPayee.get(p.payeeName) ?? [];
    list.push(p);
    byPayee.set(p.payeeName, list);
  }
  const out: Finding[] = [];
  for (const payee of [...byPayee.keys()].sort()) {
    const list = byPayee.get(payee)!.sort((a, b) => a.day.localeCompare(b.day) || a.id - b.id);
    let best = { n: 0, from: 0, to: 0 };
    for (let i = 0, j = 0; j < list.length; j++) {
      while (dayNumber(list[j]!.day) - dayNumber(list[i]!.day) >= s.splitWindowDays) i++;
      if (j - i + 1 > best.n) best = { n: j - i + 1, from: i, to: j };
    }
    const grade: Grade | null = best.n >= s.splitMinCount + 2 ? 'severe' : best.n >= s.splitMinCount ? 'warning' : best.n === s.splitMinCount - 1 && best.n >= 2 ? 'info' : null;
    if (!grade) continue;
    const cluster = list.slice(best.from, best.to + 1);
    const total = sum(cluster.map((p) => p.amount));
    out.push({
      key: `split:${year}:${payee}`, monitor: 'splitting', grade, year, departmentId: cluster[0]!.departmentId,
      subject: `收款人 ${payee}`,
      title: `${s.splitWindowDays} 天内向“${payee}”支付 ${best.n} 笔略低于审批线 ${yuan(s.approvalThresholdFen)} 的款项，合计 ${yuan(total)}`,
      evidence: { payee, count: best.n, total, from: cluster[0]!.day, to: cluster[cluster.length - 1]!.day, threshold: s.approvalThresholdFen, paymentIds: cluster.map((p) => p.id).join(',') },
      suggestions: [SUGGEST.mergeApproval, SUGGEST.internalControl],
    });
  }
  return out;
}

// ------------------------------------------------------------------ year-end rush

/** Share of a finished year's spending paid in its last weeks, for the unit and each department. */
export function yearEndRushMonitor(input: MonitorInput): Finding[] {
  const { year, settings: s } = input;
  if (input.asOf < `${year}-12-31`) return [];
  const days = Math.min(LATE_DAYS, Math.max(7, Math.round(s.rushWeeks * 7)));
  const tail = (row: number[] | undefined) => sum((row ?? []).slice(LATE_DAYS - days));
  const out: Finding[] = [];
  const deptName = new Map(input.departments.map((d) => [d.id, d.name]));
  const unitTotal = sum(Object.values(input.current.byClass).map(sum));
  const judge = (key: string, subject: string, total: number, late: number, departmentId: number | null) => {
    if (total <= 0) return;
    const share = late / total;
    const grade = gradeBySteps(share, s.rushShare, 0.1);
    if (!grade) return;
    out.push({
      key, monitor: 'year-end-rush', grade, year, departmentId, subject,
      title: `${subject} ${year} 年最后 ${Math.round(days / 7)} 周支出占全年 ${pct(share)}`,
      evidence: { total, lastWeeks: late, share: round4(share), days },
      suggestions: [SUGGEST.checkRush, SUGGEST.adjustPlan, SUGGEST.returnSurplus],
    });
  };
  judge(`rush:${year}:unit`, '本单位', unitTotal, tail(input.current.late['*']), null);
  for (const id of Object.keys(input.current.byDept).sort((a, b) => Number(a) - Number(b))) {
    const total = sum(input.current.byDept[id]!);
    // Small departments swing on one invoice: judged only when they carry a real part of the year.
    if (total < 0.05 * unitTotal) continue;
    judge(`rush:${year}:department:${id}`, `科室 ${deptName.get(Number(id)) ?? id}`, total, tail(input.current.late[id]), Number(id));
  }
  return out;
}

// ------------------------------------------------------------------ business flow vs money flow

export function milestoneMonitor(input: MonitorInput): Finding[] {
  const { year, settings: s } = input;
  const tol = s.milestoneTolerance;
  const latest = new Map<number, Milestone>();
  for (const ms of input.milestones) {
    if (ms.date > input.asOf || ms.date.slice(0, 4) !== String(year)) continue;
    const prev = latest.get(ms.projectId);
    if (!prev || ms.date > prev.date) latest.set(ms.projectId, ms);
  }
  const out: Finding[] = [];
  const names = new Map(input.projects.map((p) => [p.id, p.name]));
  for (const [projectId, ms] of [...latest].sort((a, b) => a[0] - b[0])) {
    const lines = input.indicators.filter((i) => i.projectId === projectId);
    const budget = sum(lines.map((i) => i.budget));
    if (budget <= 0) continue;
    const paid = sum(lines.map((i) => sum(input.current.byIndicator[String(i.id)] ?? [])));
    const fundPct = paid / budget;
    const gap = fundPct - ms.reportedPct;
    const delay = ms.plannedPct - ms.reportedPct;
    const grade = gradeBySteps(Math.abs(gap), tol, tol);
    const delayGrade = gradeBySteps(delay, tol, tol);
    const worst = [grade, delayGrade].filter((g): g is Grade => g !== null).sort((a, b) => GRADE_RANK[b] - GRADE_RANK[a])[0];
    if (!worst) continue;
    const name = names.get(projectId) ?? `项目 ${projectId}`;
    const suggestions: string[] = [];
    if (grade && gap > 0) suggestions.push(SUGGEST.pausePayment, SUGGEST.checkContract);
    if (grade && gap < 0) suggestions.push(SUGGEST.payByContract);
    if (delayGrade) suggestions.push(SUGGEST.speedProject);
    suggestions.push(SUGGEST.updateProgress);
    const what = grade ? (gap > 0 ? `资金支付 ${pct(fundPct)} 超前于业务进度 ${pct(ms.reportedPct)}` : `业务进度 ${pct(ms.reportedPct)} 超前于资金支付 ${pct(fundPct)}`) : `业务进度 ${pct(ms.reportedPct)} 落后计划 ${pct(ms.plannedPct)}`;
    out.push({
      key: `milestone:${year}:${projectId}`, monitor: 'milestone', grade: worst, year, departmentId: lines[0]!.departmentId,
      subject: `项目 ${name}`, title: `项目“${name}”${what}`,
      evidence: { projectId, budget, paid, fundPct: round4(fundPct), reportedPct: ms.reportedPct, plannedPct: ms.plannedPct, gap: round4(gap), milestoneDate: ms.date },
      suggestions,
    });
  }
  return out;
}

