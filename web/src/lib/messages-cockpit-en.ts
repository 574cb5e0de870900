import type { zhCockpit } from './messages-cockpit-zh.js';

/** English messages of the cockpit's warnings and time progress (merged into the main table by messages-en.ts). */
export const enCockpit: Record<keyof typeof zhCockpit, string> = {
  ck_grade_severe: 'Severe',
  ck_grade_warning: 'Moderate',
  ck_warnCounts: 'Severe (red) {r} · moderate (yellow) {y}',
  ck_warnSource: 'From “Advanced analytics and early warnings”',
  ck_warnCenter: 'Open the warning centre',
  ck_warnLoading: 'Loading warnings…',
  ck_warnError: 'Could not read the plugin’s warnings: {msg}',
  ck_warnMore: '{n} more in the warning centre',
  ck_timeAsOf: 'as of {date}',
  econ_30913: 'Official vehicle purchase (capital construction)',
};
