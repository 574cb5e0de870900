import { refuse, type TextParams } from '@unibudget/sdk';
import type { ScenarioParams } from './simulation.js';
import { both, t } from './texts.js';

/**
 * Input checks of the plugin's POST routes. Bad input is refused with a 400 (sdk `refuse()`): the
 * caller gets `{ error: { code: 'analytics.VALIDATION_FAILED', message, details: { field } } }`, and
 * a typo is not a plugin fault, so it never counts toward the breaker.
 */
export class InputError extends Error {
  /** `text`: a text of texts.ts, with `{label}`-style `params` (string params are texts too): refused in the caller's language. */
  constructor(readonly field: string, readonly text: string, readonly params: TextParams = {}) {
    super(t('zh-CN', text, params));
  }
}

/** What a route throws for a caught error: bad input as its 400 refusal, anything else unchanged (a fault). */
export const refusalOf = (e: unknown): unknown =>
  e instanceof InputError ? refuse(400, 'VALIDATION_FAILED', both(e.text, e.params), { field: e.field }) : e;

export function body(raw: unknown): Record<string, unknown> {
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

export function text(b: Record<string, unknown>, field: string, label: string, opts: { required?: boolean; max?: number } = {}): string {
  const v = b[field];
  const s = v === undefined || v === null ? '' : String(v).trim();
  if (opts.required && !s) throw new InputError(field, '请填写{label}', { label });
  if (s.length > (opts.max ?? 2000)) throw new InputError(field, '{label}不能超过 {max} 个字符', { label, max: opts.max ?? 2000 });
  return s;
}

export function num(b: Record<string, unknown>, field: string, label: string, opts: { min?: number; max?: number; def?: number; integer?: boolean } = {}): number {
  const v = b[field];
  if ((v === undefined || v === null || v === '') && opts.def !== undefined) return opts.def;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw new InputError(field, '{label}须为数字', { label });
  if (opts.integer && !Number.isInteger(n)) throw new InputError(field, '{label}须为整数', { label });
  if (opts.min !== undefined && n < opts.min) throw new InputError(field, '{label}不能小于 {min}', { label, min: opts.min });
  if (opts.max !== undefined && n > opts.max) throw new InputError(field, '{label}不能大于 {max}', { label, max: opts.max });
  return n;
}

export function isoDate(b: Record<string, unknown>, field: string, label: string): string {
  const s = text(b, field, label, { required: true, max: 10 });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`))) throw new InputError(field, '{label}须为日期（YYYY-MM-DD）', { label });
  return s;
}

/** Percent fields arrive as percentages (5 = 5%) from the form; stored as fractions. */
const percent = (b: Record<string, unknown>, field: string, label: string, min = -100, max = 100) => num(b, field, label, { min, max, def: 0 }) / 100;

/** `项目编号或ID:推迟比例%`, several separated by commas or new lines: "P001:50, 12:30". */
export function parseDelays(raw: string, projects: Array<{ id: number; code: string }>): ScenarioParams['projectDelays'] {
  const out: ScenarioParams['projectDelays'] = [];
  for (const part of raw.split(/[,，;；\n]+/).map((x) => x.trim()).filter(Boolean)) {
    const [ref, share] = part.split(/[:：]/).map((x) => x.trim());
    const project = projects.find((p) => p.code === ref || String(p.id) === ref);
    const n = Number(share);
    if (!project) throw new InputError('projectDelays', '找不到项目“{ref}”', { ref: ref ?? '' });
    if (!Number.isFinite(n) || n < 0 || n > 100) throw new InputError('projectDelays', '项目“{ref}”的推迟比例须为 0–100', { ref: ref ?? '' });
    out.push({ projectId: project.id, share: n / 100 });
  }
  return out;
}

export function parsePriority(raw: string, projects: Array<{ id: number; code: string }>): number[] {
  const out: number[] = [];
  for (const ref of raw.split(/[,，;；\s]+/).map((x) => x.trim()).filter(Boolean)) {
    const project = projects.find((p) => p.code === ref || String(p.id) === ref);
    if (!project) throw new InputError('projectPriority', '找不到项目“{ref}”', { ref });
    out.push(project.id);
  }
  return out;
}

export function scenarioParams(b: Record<string, unknown>, projects: Array<{ id: number; code: string }>): ScenarioParams {
  return {
    name: text(b, 'name', '情景名称', { required: true, max: 60 }),
    headcountChange: percent(b, 'headcountChange', '人员编制变动（%）'),
    salaryChange: percent(b, 'salaryChange', '工资标准调整（%）'),
    priceIndex: percent(b, 'priceIndex', '物价指数（%）'),
    policyChange: percent(b, 'policyChange', '政策标准调整（%）'),
    projectDelays: parseDelays(text(b, 'projectDelays', '项目推迟', { max: 1000 }), projects),
    revenueCut: percent(b, 'revenueCut', '财力减收（%）', 0, 100),
    projectPriority: parsePriority(text(b, 'projectPriority', '项目优先级', { max: 1000 }), projects),
  };
}
