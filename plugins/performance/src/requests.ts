import { refuse } from '@unibudget/sdk';
import { InputError } from './library.js';

/**
 * Input checks of the plugin's routes: bad input is a 400 refusal (`performance.VALIDATION_FAILED`
 * with `details.field`, which the web app's forms and wizards mark), never a fault.
 */
export { InputError };

export const refusalOf = (e: unknown): unknown => {
  if (e instanceof InputError) return refuse(400, 'VALIDATION_FAILED', e.message, { field: e.field });
  return e;
};

export function body(raw: unknown): Record<string, unknown> {
  return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
}

export function text(b: Record<string, unknown>, field: string, label: string, opts: { required?: boolean; max?: number } = {}): string {
  const v = b[field];
  const s = v === undefined || v === null ? '' : typeof v === 'object' ? '' : String(v).trim();
  if (opts.required && !s) throw new InputError(field, `请填写${label}`);
  if (s.length > (opts.max ?? 2000)) throw new InputError(field, `${label}不能超过 ${opts.max ?? 2000} 个字符`);
  return s;
}

export function num(v: unknown, field: string, label: string, opts: { min?: number; max?: number; integer?: boolean; optional?: boolean } = {}): number | null {
  if ((v === undefined || v === null || v === '') && opts.optional) return null;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v.trim().replace(/[,，]/g, '')) : NaN;
  if (!Number.isFinite(n)) throw new InputError(field, `${label}须为数字`);
  if (opts.integer && !Number.isInteger(n)) throw new InputError(field, `${label}须为整数`);
  if (opts.min !== undefined && n < opts.min) throw new InputError(field, `${label}不能小于 ${opts.min}`);
  if (opts.max !== undefined && n > opts.max) throw new InputError(field, `${label}不能大于 ${opts.max}`);
  return n;
}

/** A project id from the path (`projects/:projectId/…`): a positive integer, else 404 as the host would. */
export function projectIdOf(params: Record<string, string> | undefined): number {
  const raw = params?.projectId ?? '';
  if (!/^[1-9]\d{0,14}$/.test(raw)) throw refuse(404, 'PROJECT_NOT_FOUND', { zh: '项目不存在', en: 'No such project' }, { projectId: raw });
  return Number(raw);
}

export function yearOf(v: unknown, fallback: number): number {
  if (v === undefined || v === null || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 2000 || n > 2100) throw new InputError('year', '年度须为 2000–2100 的整数');
  return n;
}

export const who = (user: { id: number; username: string }) => `${user.username}#${user.id}`;
