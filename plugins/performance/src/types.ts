/** The shapes of the performance plugin: indicators, targets, monitoring values, evaluations. */

/** 一级指标. `cost` is the 2021 framework's 成本指标; in the self-evaluation it counts with 产出 (10号文 lists 成本 under 产出). */
export type Level1 = 'output' | 'benefit' | 'satisfaction' | 'cost';
/** 二级指标. */
export type Level2 =
  | 'quantity' | 'quality' | 'timeliness' | 'cost'
  | 'economic' | 'social' | 'ecological' | 'sustainable'
  | 'satisfaction'
  | 'economic-cost' | 'social-cost' | 'ecological-cost';
/** ≥ (正向), ≤ (反向), = (等于), qualitative (定性：达成 / 部分达成 / 未达成). */
export type Direction = 'gte' | 'lte' | 'eq' | 'qual';
/** How an indicator is scored (follows its direction; named for the report). */
export type Method = 'ratio' | 'reverse' | 'equal' | 'qualitative';
/** Values the ledger gives without anyone typing them. */
export type AutoKey = 'costPerOutput' | 'paymentTimeliness';

export const LEVEL1: Record<Level1, { zh: string; en: string }> = {
  output: { zh: '产出指标', en: 'Output' },
  benefit: { zh: '效益指标', en: 'Benefit' },
  satisfaction: { zh: '满意度指标', en: 'Satisfaction' },
  cost: { zh: '成本指标', en: 'Cost' },
};
export const LEVEL2: Record<Level2, { zh: string; en: string; level1: Level1 }> = {
  quantity: { zh: '数量指标', en: 'Quantity', level1: 'output' },
  quality: { zh: '质量指标', en: 'Quality', level1: 'output' },
  timeliness: { zh: '时效指标', en: 'Timeliness', level1: 'output' },
  cost: { zh: '成本指标', en: 'Cost', level1: 'output' },
  economic: { zh: '经济效益指标', en: 'Economic benefit', level1: 'benefit' },
  social: { zh: '社会效益指标', en: 'Social benefit', level1: 'benefit' },
  ecological: { zh: '生态效益指标', en: 'Ecological benefit', level1: 'benefit' },
  sustainable: { zh: '可持续影响指标', en: 'Sustainable impact', level1: 'benefit' },
  satisfaction: { zh: '服务对象满意度指标', en: 'Beneficiary satisfaction', level1: 'satisfaction' },
  'economic-cost': { zh: '经济成本指标', en: 'Economic cost', level1: 'cost' },
  'social-cost': { zh: '社会成本指标', en: 'Social cost', level1: 'cost' },
  'ecological-cost': { zh: '生态环境成本指标', en: 'Ecological cost', level1: 'cost' },
};
export const DIRECTION_LABEL: Record<Direction, string> = { gte: '≥', lte: '≤', eq: '=', qual: '定性' };
export const METHOD_LABEL: Record<Method, string> = {
  ratio: '正向：实际值≥目标值得满分，否则 实际值÷目标值×分值',
  reverse: '反向：实际值≤目标值得满分，否则按反向指标计分规则',
  equal: '等值：等于目标值得满分，否则按偏离比例扣减',
  qualitative: '定性：达成 80–100%、部分达成 60–80%、未达成 0–60% 分值，须说明理由',
};
export const SECTORS: Record<string, { zh: string; en: string }> = {
  general: { zh: '通用', en: 'General' },
  education: { zh: '教育', en: 'Education' },
  health: { zh: '卫生健康', en: 'Health' },
  agriculture: { zh: '农业农村', en: 'Agriculture' },
  administration: { zh: '一般公共服务', en: 'General administration' },
  social: { zh: '社会保障和民政', en: 'Social security' },
  custom: { zh: '本单位自建', en: 'Unit’s own' },
};

export interface IndicatorSeed {
  id: string; setId: string; sector: string;
  level1: Level1; level2: Level2; name: string; unit: string; direction: Direction;
  /** Suggested data source (数据来源). */ dataSource: string;
  method: Method;
  /** The published text the set follows. */ source: string;
  basis: 'published' | 'framework' | 'unit';
  auto?: AutoKey;
}

/** A library entry as the plugin serves it: the starter's or the unit's own, with its version. */
export interface Indicator extends IndicatorSeed {
  version: number; origin: 'starter' | 'unit';
  updatedBy?: string; updatedAt?: string;
}

/** One structured target of a project: an indicator with its annual and total values and its weight. */
export interface TargetLine {
  indicatorId: string; name: string; level1: Level1; level2: Level2; unit: string; direction: Direction; method: Method;
  /** 年度指标值 (a number, or the expected grade text for a qualitative indicator). */ annual: number | string;
  /** 总体（项目周期）指标值. */ total: number | string | null;
  /** Percent of the project's indicator weight; the lines sum to 100. */ weight: number;
  auto?: AutoKey;
  /** For costPerOutput: the quantity indicator whose actual is the output. */
  outputOf?: string;
}

export interface TargetsDoc {
  [key: string]: unknown;
  projectId: number; year: number; lines: TargetLine[];
  version: number; by: string; at: string;
  history: Array<{ version: number; by: string; at: string; lines: number }>;
}

/** One value of a monitoring checkpoint (a month's end): to date and, where entered, the expected year-end value. */
export interface MonitorValue { indicatorId: string; actual: number | null; projected: number | null; source: 'auto' | 'manual'; note?: string }
export interface MonitoringDoc {
  [key: string]: unknown;
  projectId: number; year: number; month: number; values: MonitorValue[];
  /** Ledger figures at the checkpoint (fen and fractions). */
  ledger: { budget: number; paid: number; executionRate: number; timeProgress: number };
  by: string; at: string;
}

export type Light = 'green' | 'yellow' | 'red';
export const LIGHT_LABEL: Record<Light, string> = { green: '绿灯（正常）', yellow: '黄灯（轻度偏离）', red: '红灯（严重偏离）' };

export type Grade = 'excellent' | 'good' | 'fair' | 'poor';
export const GRADE_LABEL: Record<Grade, string> = { excellent: '优', good: '良', fair: '中', poor: '差' };
