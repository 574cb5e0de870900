import { sum } from './aggregate.js';
import { classGroup, classGroupName, isThreePublic } from './structure.js';
import type { Indicator, Project } from './types.js';

/**
 * 预算模拟推演: next year's funding demand by economic class from this year's budget under
 * parameters, and a stress test that cuts by rule of priority when revenue falls short.
 */
export interface ScenarioParams {
  name: string;
  /** Fractions: 0.05 = +5%. */
  headcountChange: number;
  salaryChange: number;
  priceIndex: number;
  policyChange: number;
  /** Share of each delayed project's budget that moves into next year. */
  projectDelays: Array<{ projectId: number; share: number }>;
  /** Revenue shortfall for the stress test (0.1 = revenue −10%). */
  revenueCut: number;
  /** Project ids from most to least important; unlisted projects rank below the listed ones. */
  projectPriority: number[];
}

export const DEFAULT_PARAMS: ScenarioParams = {
  name: '基准情景', headcountChange: 0, salaryChange: 0, priceIndex: 0, policyChange: 0, projectDelays: [], revenueCut: 0, projectPriority: [],
};

export interface DemandLine { group: string; name: string; base: number; demand: number; change: number }

export interface Cut { tier: number; tierName: string; item: string; amount: number; share: number }

export interface ScenarioResult {
  year: number;
  lines: DemandLine[];
  totalBase: number;
  totalDemand: number;
  stress: { revenueCut: number; available: number; shortfall: number; cuts: Cut[]; uncovered: number };
}

const TIERS = ['三公经费', '项目支出（按优先级从低到高）', '一般公用经费（至多压减 20%）', '人员经费与对个人和家庭的补助（保障，不压减）'];
const OPERATING_CUT_CAP = 0.2;

export function simulate(year: number, indicators: Indicator[], projects: Project[], params: ScenarioParams): ScenarioResult {
  const ind = indicators.filter((i) => i.year === year && i.budget > 0);
  const endYear = new Map(projects.map((p) => [p.id, p.endYear]));
  const delay = new Map(params.projectDelays.map((d) => [d.projectId, Math.min(1, Math.max(0, d.share))]));
  const lines = new Map<string, DemandLine>();
  const items: Array<{ tier: number; item: string; demand: number; projectId: number | null }> = [];
  const h = params.headcountChange, sal = params.salaryChange, price = params.priceIndex, policy = params.policyChange;
  for (const i of ind) {
    const group = classGroup(i.economicCode);
    let demand: number;
    let tier: number;
    if (i.expenditureKind === 'project') {
      const continuing = i.projectId === null || (endYear.get(i.projectId) ?? year + 1) > year;
      const carry = i.projectId !== null ? (delay.get(i.projectId) ?? 0) * i.budget : 0;
      demand = (continuing ? i.budget * (1 + price) : 0) + carry;
      tier = 1;
    } else if (group === '301' || i.expenditureKind === 'personnel') {
      demand = i.budget * (1 + h) * (1 + sal);
      tier = 3;
    } else if (group === '303') {
      demand = i.budget * (1 + policy);
      tier = 3;
    } else if (isThreePublic(i.economicCode)) {
      // 三公经费只减不增: held at this year's level whatever prices do.
      demand = i.budget;
      tier = 0;
    } else {
      demand = i.budget * (1 + h) * (1 + price);
      tier = 2;
    }
    demand = Math.round(demand);
    const line = lines.get(group) ?? { group, name: classGroupName(group), base: 0, demand: 0, change: 0 };
    line.base += i.budget;
    line.demand += demand;
    lines.set(group, line);
    items.push({ tier, item: `${i.code} ${i.name}`, demand, projectId: i.projectId });
  }
  const sorted = [...lines.values()].sort((a, b) => a.group.localeCompare(b.group)).map((l) => ({ ...l, change: l.base > 0 ? l.demand / l.base - 1 : 0 }));
  const totalBase = sum(sorted.map((l) => l.base));
  const totalDemand = sum(sorted.map((l) => l.demand));
  const available = Math.round(totalDemand * (1 - Math.max(0, Math.min(1, params.revenueCut))));
  let gap = totalDemand - available;
  const rank = (projectId: number | null) => {
    const at = projectId === null ? -1 : params.projectPriority.indexOf(projectId);
    return at < 0 ? Number.MAX_SAFE_INTEGER : at;
  };
  const cuts: Cut[] = [];
  const order = items
    .filter((x) => x.tier < 3 && x.demand > 0)
    .sort((a, b) => a.tier - b.tier || (a.tier === 1 ? rank(b.projectId) - rank(a.projectId) : 0) || b.demand - a.demand || a.item.localeCompare(b.item));
  for (const x of order) {
    if (gap <= 0) break;
    const room = x.tier === 2 ? Math.floor(x.demand * OPERATING_CUT_CAP) : x.demand;
    const amount = Math.min(room, gap);
    if (amount <= 0) continue;
    gap -= amount;
    cuts.push({ tier: x.tier + 1, tierName: TIERS[x.tier]!, item: x.item, amount, share: amount / x.demand });
  }
  return { year: year + 1, lines: sorted, totalBase, totalDemand, stress: { revenueCut: params.revenueCut, available, shortfall: totalDemand - available, cuts, uncovered: Math.max(0, gap) } };
}
