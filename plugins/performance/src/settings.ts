import type { HostApi } from '@unibudget/sdk';
import { DEFAULT_REVERSE_RULE, type LevelWeights, type ReverseRule } from './scoring.js';

/** The unit's settings, each with its default (percentages as percent, days as days). */
export interface Settings {
  weights: LevelWeights;
  reverseRule: ReverseRule;
  /** What a new budget request for a project graded 差 last year gets: a warning, a refusal, or nothing. */
  poorGradeRule: 'warn' | 'block' | 'off';
  yellowPct: number; redPct: number;
  monitorMonth: number;
  timelyDays: number;
  matchTolerancePct: number;
  demoData: boolean;
}

const num = (v: unknown, def: number, min: number, max: number) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isFinite(n) && n >= min && n <= max ? n : def;
};

export function settingsOf(raw: HostApi['settings']): Settings {
  const reverse = String(raw.reverseRule ?? DEFAULT_REVERSE_RULE);
  const poor = String(raw.poorGradeRule ?? 'warn');
  return {
    weights: {
      execution: num(raw.weightExecution, 10, 0, 100), output: num(raw.weightOutput, 50, 0, 100),
      benefit: num(raw.weightBenefit, 30, 0, 100), satisfaction: num(raw.weightSatisfaction, 10, 0, 100),
    },
    reverseRule: (['ratio', 'deviation', 'zero'] as const).includes(reverse as ReverseRule) ? (reverse as ReverseRule) : DEFAULT_REVERSE_RULE,
    poorGradeRule: poor === 'block' || poor === 'off' ? poor : 'warn',
    yellowPct: num(raw.deviationYellowPct, 10, 0, 100),
    redPct: num(raw.deviationRedPct, 30, 0, 100),
    monitorMonth: Math.round(num(raw.monitorMonth, 7, 1, 12)),
    timelyDays: Math.round(num(raw.timelyDays, 30, 0, 366)),
    matchTolerancePct: num(raw.matchTolerancePct, 15, 0, 100),
    demoData: raw.demoData === true || raw.demoData === 'true',
  };
}
