/**
 * The plugin's settings per unit. Defaults here mirror the manifest's `settings` form so a unit
 * that never opened the form gets the same behaviour the form shows.
 */
export interface AnalyticsSettings {
  /** Execution may lag time progress by this fraction before a warning (序时进度容差). */
  progressTolerance: number;
  /** Progress is judged from this month on (the first months are too noisy). */
  progressStartMonth: number;
  /** Extra fund-source codes treated as special funds (专项资金), comma separated; project expenditure always is. */
  specialFundSources: string;
  /** Robust z-score (median/MAD) above which a month of an economic class is abnormal. */
  spikeZ: number;
  /** …and it must also be at least this multiple of the seasonal baseline. */
  spikeRatio: number;
  /** A single payment at or above this is large (fen). */
  largePaymentFen: number;
  /** A payment this many times the class's typical payment is sudden. */
  largeFactor: number;
  /** The approval threshold payments may be split to stay under (fen). */
  approvalThresholdFen: number;
  /** "Just under" = within this fraction below the threshold. */
  splitBand: number;
  splitWindowDays: number;
  splitMinCount: number;
  /** The last weeks of December that count as the year-end rush. */
  rushWeeks: number;
  /** Share of the year's spending in those weeks that starts a warning. */
  rushShare: number;
  /** Gap between money paid and reported completion that starts a warning. */
  milestoneTolerance: number;
  /** Forecast idle money below budget by more than this fraction is flagged. */
  idleTolerance: number;
  /** Roles notified of new red warnings when a department has no responsible people recorded. */
  notifyRoles: string;
}

export const DEFAULT_SETTINGS: AnalyticsSettings = {
  progressTolerance: 0.1,
  progressStartMonth: 3,
  specialFundSources: '',
  spikeZ: 3.5,
  spikeRatio: 2,
  largePaymentFen: 50_000_000,
  largeFactor: 10,
  approvalThresholdFen: 5_000_000,
  splitBand: 0.1,
  splitWindowDays: 30,
  splitMinCount: 3,
  rushWeeks: 4,
  rushShare: 0.2,
  milestoneTolerance: 0.15,
  idleTolerance: 0.05,
  notifyRoles: 'finance_officer,leader',
};

/** Reads `host.settings`, falling back to the default for anything missing or out of type. */
export function readSettings(raw: Record<string, unknown> | undefined): AnalyticsSettings {
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
  for (const [key, fallback] of Object.entries(DEFAULT_SETTINGS)) {
    const value = raw?.[key];
    if (typeof fallback === 'number') {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if (typeof n === 'number' && Number.isFinite(n)) out[key] = n;
    } else if (typeof value === 'string') {
      out[key] = value;
    }
  }
  return out as unknown as AnalyticsSettings;
}
