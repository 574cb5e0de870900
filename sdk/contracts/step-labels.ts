/**
 * Approval step names (审批环节) in the reader's language. A step's label is stored in Chinese, as the
 * flow names it; the built-in flows' names and the labels the core composes (a stand-in by the routing
 * fallback, a merged step, a department without a head) read in English on request. A unit's own step
 * names stay as typed: they are the unit's words, with no official English.
 *
 * One definition for the core (it composes the labels with `composeStepLabel` and answers in the
 * request's language) and the web app (trail entries that carry a label, `approve:财务审核`).
 * Plain data and string functions, no dependencies.
 */
import { ROLE_LABELS, type Role } from './roles.js';

export type StepLabelLang = 'zh' | 'en';

/** The step names of the built-in (default) flows and the rule-override step, with their English. */
export const BUILTIN_STEP_LABELS: Readonly<Record<string, string>> = {
  '科室负责人审核': 'Department head review',
  '财务审核': 'Finance review',
  '单位领导审批': 'Unit leader approval',
  '单位领导审批（越权放行）': 'Unit leader approval (rule override)',
};

const NO_OTHER = '，无其他可审批人员）';
const NO_HEAD = '；本科室未设科室负责人';

/** The labels the core composes around a flow's step names (routing fallback, notices). */
export const composeStepLabel = {
  /** A role stands in for steps nobody else may decide: 单位领导审批（代：财务审核，无其他可审批人员）. */
  standIn: (role: string, labels: string[]) => `${ROLE_LABELS[role as Role]?.zh ?? role}审批（代：${labels.join('、')}${NO_OTHER}`,
  /** One more step folded into a stand-in: its label joins the list. */
  standInAlso: (standInLabel: string, label: string) => `${standInLabel.slice(0, -NO_OTHER.length)}、${label}${NO_OTHER}`,
  /** A later step of the stand-in's role also decides the step nobody else could: 单位领导审批（并代：财务审核）. */
  merged: (label: string, stoodIn: string) => `${label}（并代：${stoodIn}）`,
  /** A 科室负责人 step told to the unit's heads, as the department has none but the requester. */
  noHead: (label: string) => `${label}${NO_HEAD}`,
};

const ROLE_BY_ZH = new Map(Object.entries(ROLE_LABELS).map(([, v]) => [v.zh, v.en] as const));

/** A step label in `lang`: built-in and composed labels translated, a unit's own names as typed. */
export function localizeStepLabel(label: string, lang: StepLabelLang): string {
  if (lang === 'zh') return label;
  const builtin = BUILTIN_STEP_LABELS[label];
  if (builtin) return builtin;
  if (label.endsWith(NO_HEAD)) return `${localizeStepLabel(label.slice(0, -NO_HEAD.length), lang)}; the department has no head of its own`;
  const merged = /^(.+)（并代：(.+)）$/s.exec(label);
  if (merged) return `${localizeStepLabel(merged[1]!, lang)} (also for: ${localizeStepLabel(merged[2]!, lang)})`;
  const standIn = /^(.+?)审批（代：(.+)，无其他可审批人员）$/s.exec(label);
  const role = standIn ? ROLE_BY_ZH.get(standIn[1]!) : undefined;
  if (standIn && role) {
    const parts = standIn[2]!.split('、').map((p) => localizeStepLabel(p, lang)).join(', ');
    return `${role} approval (standing in for: ${parts}; no other eligible approver)`;
  }
  return label;
}
