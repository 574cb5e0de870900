import { isThreePublic } from '@unibudget/sdk';
import { sum, type YearState } from './aggregate.js';
import type { Indicator } from './types.js';

/** 三公经费: the SDK's one list (the core counts the same codes, 30913 and 31013 公务用车购置 included). */
export { isThreePublic };

export const CLASS_GROUPS: Record<string, string> = {
  '301': '工资福利支出', '302': '商品和服务支出', '303': '对个人和家庭的补助', '307': '债务利息及费用支出',
  '309': '资本性支出（基本建设）', '310': '资本性支出', '312': '对企业补助', '399': '其他支出',
};
export const classGroup = (economicCode: string) => economicCode.slice(0, 3);
export const classGroupName = (group: string) => CLASS_GROUPS[group] ?? `经济分类 ${group}`;

export interface YearStructure {
  year: number;
  /** Budget (fen) and paid (fen) by kind. */
  budget: { basic: number; project: number; personnel: number; operating: number; threePublic: number; total: number };
  paid: { basic: number; project: number; personnel: number; operating: number; threePublic: number; total: number };
  threePublicByCode: Record<string, { budget: number; paid: number }>;
  /** Shares of the budget. */
  shares: { basic: number; project: number; personnel: number; operating: number; threePublic: number };
}

export interface StructureTrend {
  years: YearStructure[];
  /** Change of 三公经费 paid against the year before (fraction), per year after the first. */
  threePublicChange: Array<{ year: number; change: number | null }>;
}

/** Basic vs project, personnel vs operating and 三公经费, per year, from indicators and what was paid on them. */
export function structureByYear(indicators: Indicator[], states: YearState[]): StructureTrend {
  const years = [...new Set(indicators.map((i) => i.year))].sort((a, b) => a - b);
  const stateOf = new Map(states.map((s) => [s.year, s]));
  const out: YearStructure[] = years.map((year) => {
    const state = stateOf.get(year);
    const zero = () => ({ basic: 0, project: 0, personnel: 0, operating: 0, threePublic: 0, total: 0 });
    const budget = zero();
    const paid = zero();
    const threePublicByCode: YearStructure['threePublicByCode'] = {};
    for (const i of indicators.filter((x) => x.year === year)) {
      const p = state ? sum(state.byIndicator[String(i.id)] ?? []) : 0;
      for (const [bucket, amount] of [[budget, i.budget], [paid, p]] as const) {
        bucket.total += amount;
        if (i.expenditureKind === 'project') bucket.project += amount;
        else bucket.basic += amount;
        if (i.expenditureKind === 'personnel') bucket.personnel += amount;
        if (i.expenditureKind === 'operating') bucket.operating += amount;
        if (isThreePublic(i.economicCode)) bucket.threePublic += amount;
      }
      if (isThreePublic(i.economicCode)) {
        const row = threePublicByCode[i.economicCode] ?? (threePublicByCode[i.economicCode] = { budget: 0, paid: 0 });
        row.budget += i.budget;
        row.paid += p;
      }
    }
    const share = (x: number) => (budget.total > 0 ? x / budget.total : 0);
    return {
      year, budget, paid, threePublicByCode,
      shares: { basic: share(budget.basic), project: share(budget.project), personnel: share(budget.personnel), operating: share(budget.operating), threePublic: share(budget.threePublic) },
    };
  });
  const threePublicChange = out.map((y, idx) => {
    const prev = out[idx - 1];
    return { year: y.year, change: prev && prev.paid.threePublic > 0 ? (y.paid.threePublic - prev.paid.threePublic) / prev.paid.threePublic : null };
  });
  return { years: out, threePublicChange };
}
