import { refuse } from '@unibudget/sdk';
import type { Request } from './types.js';

/**
 * Ids sort by creation time (a fixed-width base-36 millisecond clock) and end in random characters,
 * so two writers never pick the same id; lower case only, so they fit route segments and channels.
 */
export function newId(prefix: string): string {
  return `${prefix}${Date.now().toString(36).padStart(9, '0')}${randomChars(5)}`;
}

/** Random base-36 characters (Math.random: the sandbox has no crypto; the clock part keeps ids unique). */
export function randomChars(n: number): string {
  let out = '';
  while (out.length < n) out += Math.floor(Math.random() * 36).toString(36);
  return out;
}

export const nowIso = () => new Date().toISOString();
export const today = () => nowIso().slice(0, 10);

/** A route's path parameter (host API 1.1.0 `request.params`; older hosts: read from the path). */
export function param(request: Request, name: string, position: number): string {
  const value = request.params?.[name] ?? request.path.split('/')[position] ?? '';
  if (!/^[A-Za-z0-9_-]{1,100}$/.test(value)) throw refuse(404, 'NOT_FOUND', { zh: '找不到该对象', en: 'Not found' });
  return value;
}

export function bodyOf(request: Request): Record<string, unknown> {
  const b = request.body;
  if (!b || typeof b !== 'object' || Array.isArray(b)) throw refuse(400, 'BAD_BODY', { zh: '请求内容应为 JSON 对象', en: 'The body must be a JSON object' });
  return b as Record<string, unknown>;
}

export function text(value: unknown, field: string, min: number, max: number, what: { zh: string; en: string }): string {
  const s = typeof value === 'string' ? value.trim() : '';
  if (s.length < min || s.length > max) {
    throw refuse(422, 'INVALID_FIELD', { zh: `${what.zh}应为 ${min}–${max} 个字符`, en: `${what.en} must be ${min}–${max} characters` }, { field });
  }
  return s;
}

export function optionalText(value: unknown, field: string, max: number, what: { zh: string; en: string }): string {
  if (value === undefined || value === null || value === '') return '';
  return text(value, field, 0, max, what);
}

export function idList(value: unknown, field: string, max = 50): number[] {
  if (value === undefined || value === null || value === '') return [];
  const raw = typeof value === 'string' ? value.split(/[,\s]+/).filter(Boolean) : value;
  if (!Array.isArray(raw) || raw.length > max) throw refuse(422, 'INVALID_FIELD', { zh: `${field} 应为用户编号列表（至多 ${max} 个）`, en: `${field}: a list of at most ${max} user ids` }, { field });
  const ids = raw.map((v) => Number(v));
  if (!ids.every((n) => Number.isSafeInteger(n) && n > 0)) throw refuse(422, 'INVALID_FIELD', { zh: `${field} 应为用户编号列表`, en: `${field}: a list of user ids` }, { field });
  return [...new Set(ids)];
}

export function roleList(value: unknown, field: string): string[] {
  if (value === undefined || value === null || value === '') return [];
  const raw = typeof value === 'string' ? value.split(/[,\s]+/).filter(Boolean) : value;
  const ok = Array.isArray(raw) && raw.length <= 8 && raw.every((r) => typeof r === 'string' && (ROLE_NAMES as readonly string[]).includes(r));
  if (!ok) throw refuse(422, 'INVALID_FIELD', { zh: `${field} 应为角色列表`, en: `${field}: a list of role names` }, { field });
  return [...new Set(raw as string[])];
}

export const ROLE_NAMES = ['unit_admin', 'finance_officer', 'business_staff', 'department_head', 'leader', 'auditor', 'plugin_developer'] as const;
export const ROLE_ZH: Record<string, string> = {
  unit_admin: '单位管理员', finance_officer: '财务人员', business_staff: '业务人员', department_head: '科室负责人', leader: '单位领导', auditor: '审计', plugin_developer: '数字专员',
};

/** Fen as yuan with two decimals and thousands separators (the unit 元 is written beside it). */
export function yuan(fen: number): string {
  const negative = fen < 0;
  const abs = Math.abs(Math.round(fen));
  const whole = Math.floor(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${whole}.${String(abs % 100).padStart(2, '0')}`;
}

export function clip(s: string, n: number): string {
  const chars = Array.from(s);
  return chars.length > n ? `${chars.slice(0, n - 1).join('')}…` : s;
}

/** 2026-06-15T08:00:00.000Z → 2026-06-15 16:00 (Beijing time, as the unit reads it). */
export function localTime(iso: string | null): string {
  if (!iso) return '';
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}
