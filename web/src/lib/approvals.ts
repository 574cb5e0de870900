/** How approval documents read on screen: their number, who decides next, the trail's actions, the server's field errors. */
import { lang, t, type MessageKey } from './i18n.js';
import type { Step } from './types.js';
import { localizeStepLabel } from '@unibudget/sdk/contracts/step-labels';

/** A document's number (ZF2026-0001); `#id` only for a row made around the commands. */
export const docLabel = (d: { id: number; docNo?: string | null | undefined; serialNo?: string | null | undefined }): string =>
  d.serialNo ?? d.docNo ?? `#${d.id}`;

/**
 * An approval step's name in the app's language: the built-in flows' and the composed names in English on
 * the English screen, a unit's own names as typed (sdk/contracts/step-labels.ts; the API answers the same).
 */
export const stepLabel = (label: string): string => localizeStepLabel(label, lang() === 'en' ? 'en' : 'zh');

/** 下一步：谁审批 — the pending step's label and who may decide it (by name), or '' when nothing is pending. */
export function nextStepText(steps: Step[]): string {
  const pending = steps.find((s) => s.status === 'pending');
  if (!pending) return '';
  const who = pending.approvers ?? [];
  const label = stepLabel(pending.label);
  if (who.length === 0 && pending.approvers !== undefined) return t('ap_nextNobody', { label });
  return t('ap_next', { who: who.length ? `${label} · ${who.join('、')}` : label });
}

/** Why a document was sent back: the comment of its rejected step. */
export function rejectionReason(steps: Step[], comments: Array<{ action: string; body: string }> = []): string {
  return steps.find((s) => s.status === 'rejected')?.comment ?? comments.findLast((c) => c.action === 'reject')?.body ?? '';
}

const TRAIL: Record<string, MessageKey> = {
  approve: 'ap_trail_approve', reject: 'ap_trail_reject', withdraw: 'ap_trail_withdraw', pay: 'ap_trail_pay',
  submit: 'ap_trail_submit', comment: 'ap_trail_comment', create: 'ap_trail_create', return: 'ap_trail_return',
};

/** A trail entry's action as words: `approve:科室负责人审核` → 同意（科室负责人审核）, `pay` → 支付; never the raw key. */
export function trailAction(action: string): string {
  const [verb, step] = action.split(/:(.*)/s) as [string, string | undefined];
  if (verb === 'approve' && step) return t('ap_trail_approveStep', { step: stepLabel(step) });
  const key = TRAIL[verb];
  return key ? t(key) : action.includes(':') || /^[a-z_.]+$/.test(action) ? t('ap_trail_comment') : action;
}

/** The server's refusal of an input, by field (one definition: lib/field-errors.ts, which also places it on a form). */
export { fieldErrors } from './field-errors.js';

const ENTITY: Record<string, { zh: string; en: string }> = {
  payment: { zh: '支付申请', en: 'Payment request' }, transfer: { zh: '预算调剂', en: 'Transfer' }, adjustment: { zh: '预算调整', en: 'Adjustment' },
  budget_request: { zh: '预算申请', en: 'Budget request' }, receipt: { zh: '收入登记', en: 'Receipt' }, indicator: { zh: '预算指标', en: 'Indicator' },
  approval_flow: { zh: '审批流', en: 'Approval flow' }, project: { zh: '项目', en: 'Project' }, period: { zh: '会计期间', en: 'Period' },
};
const VERB: Record<string, { zh: string; en: string }> = {
  submit: { zh: '提交', en: 'submitted' }, approve: { zh: '审批通过', en: 'approved' }, approve_step: { zh: '审批（本环节同意）', en: 'step approved' },
  reject: { zh: '退回', en: 'rejected' }, withdraw: { zh: '撤回', en: 'withdrawn' }, pay: { zh: '支付', en: 'paid' }, create: { zh: '新建', en: 'created' },
  update: { zh: '修改', en: 'updated' }, issue: { zh: '下达', en: 'issued' }, record: { zh: '登记', en: 'recorded' }, reverse: { zh: '冲销', en: 'reversed' },
  return: { zh: '下达控制数', en: 'returned with control numbers' }, close: { zh: '结账', en: 'closed' }, reopen: { zh: '反结账', en: 'reopened' },
};

/** An audit entry's action as words (payment.approve_step → 支付申请 · 审批（本环节同意）); an unknown one is shown as it is. */
export function auditActionLabel(action: string, lang: 'zh' | 'en' = 'zh'): string {
  const [entity, verb] = action.split('.') as [string, string | undefined];
  const e = ENTITY[entity];
  const v = verb ? VERB[verb] : undefined;
  return e && v ? `${e[lang]} · ${v[lang]}` : action;
}

export interface ClassNames {
  functional: Map<string, string>;
  economic: Map<string, string>;
  fundSource: Map<string, string>;
}

/** The classes of a document, each code with its name: 功能分类 2050101 行政运行 · 经济分类 30201 办公费 · 资金来源 11 一般公共预算资金. */
export function classLine(d: { functionalCode: string; economicCode: string; fundSourceCode: string }, names: ClassNames | null): string {
  const one = (label: MessageKey, code: string, map: Map<string, string> | undefined) => `${t(label)} ${code}${map?.get(code) ? ` ${map.get(code)}` : ''}`;
  return [
    one('functionalClass', d.functionalCode, names?.functional),
    one('economicClass', d.economicCode, names?.economic),
    one('fundSource', d.fundSourceCode, names?.fundSource),
  ].join(' · ');
}
