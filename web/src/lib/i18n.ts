/** zh-CN by default, English switchable; the choice is kept in localStorage. */
import { zh } from './messages-zh.js';
import { en } from './messages-en.js';

export type Lang = 'zh-CN' | 'en';
export type MessageKey = keyof typeof zh;

const tables: Record<Lang, Record<string, string>> = { 'zh-CN': zh, en };
const STORAGE_KEY = 'ub.lang';
const listeners = new Set<() => void>();

function initial(): Lang {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch {
    /* storage unavailable */
  }
  return 'zh-CN';
}

let current: Lang = initial();

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  if (next === current) return;
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    /* ignore */
  }
  document.documentElement.lang = next;
  for (const fn of listeners) fn();
}

export function onLangChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** t('key', {n: 3}) → message with {n} replaced. Falls back to zh, then the key itself. */
export function t(key: MessageKey, vars?: Record<string, string | number>): string {
  let s = tables[current][key] ?? zh[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}
