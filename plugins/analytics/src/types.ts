/**
 * Plain records the analysis works on. They are the subset of the host API records the monitors
 * need, so the pure modules run the same inside the sandbox, in tests and in the benchmark.
 */
export type ExpenditureKind = 'personnel' | 'operating' | 'project';

export interface Indicator {
  id: number; year: number; code: string; name: string; departmentId: number; projectId: number | null;
  expenditureKind: ExpenditureKind | string; economicCode: string; fundSourceCode: string;
  /** Fen: issued + adjusted, what may be spent this year. */
  budget: number;
}

export interface Payment {
  id: number; indicatorId: number; departmentId: number; payeeName: string; economicCode: string;
  /** The unit's document number (ZF2026-0001), shown instead of the id; absent in states stored before it was kept. */
  docNo?: string | null;
  /** Fen. */ amount: number;
  /** The day the money left (paidAt, else the payment date): ISO YYYY-MM-DD. */
  day: string;
}

export interface Department { id: number; code: string; name: string }
export interface Project { id: number; code: string; name: string; status: string; startYear: number; endYear: number; totalAmount: number }

/** A progress record of a project entered through the plugin's form (business flow). */
export interface Milestone {
  projectId: number; date: string;
  /** Fractions 0..1. */ plannedPct: number; reportedPct: number;
  note?: string;
}

export type Grade = 'info' | 'warning' | 'severe';
export const GRADE_RANK: Record<Grade, number> = { info: 1, warning: 2, severe: 3 };
export const GRADE_LABEL: Record<Grade, string> = { info: '提示', warning: '一般', severe: '严重' };
export const GRADE_COLOR: Record<Grade, string> = { info: '蓝色', warning: '黄色', severe: '红色' };

export type MonitorKind = 'progress' | 'spike' | 'large-payment' | 'splitting' | 'year-end-rush' | 'milestone' | 'forecast';
export const MONITOR_LABEL: Record<MonitorKind, string> = {
  progress: '执行进度滞后',
  spike: '支出异常波动',
  'large-payment': '大额单笔支付',
  splitting: '疑似拆分支付',
  'year-end-rush': '年末突击支出',
  milestone: '业务与资金进度不匹配',
  forecast: '年末执行预测',
};

/** A finding of one evaluation: deterministic key, so re-running finds the same warning again. */
export interface Finding {
  key: string;
  monitor: MonitorKind;
  grade: Grade;
  year: number;
  /** What it is about, zh-CN (指标 / 科室 / 项目 / 经济分类 / 收款人). */
  subject: string;
  title: string;
  departmentId: number | null;
  /** Plain figures behind the grade (fen amounts, fractions). */
  evidence: Record<string, string | number | boolean | null>;
  suggestions: string[];
  special?: boolean;
}

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
/** Fen as yuan the way finance offices read it: thousands separators, two decimals, integer arithmetic. */
export const yuanAmount = (fen: number): string => {
  const whole = Math.abs(Math.round(fen));
  const grouped = String(Math.floor(whole / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${fen < 0 ? '-' : ''}${grouped}.${String(whole % 100).padStart(2, '0')}`;
};
export const yuan = (fen: number) => `${yuanAmount(fen)} 元`;
