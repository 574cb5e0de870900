/**
 * The runtime side of the SDK that plugin code uses: `definePlugin()`, the validator answers,
 * `refuse()` and the view-spec builders. Tiny and dependency-free, so it bundles into the sandbox;
 * the types come from api.ts and views.ts (erased at build time). The package's entry (index.ts)
 * re-exports this file: each helper is defined here once.
 */
import type { PluginDefinition, ValidationResult } from './api.js';
import type { ViewBlock, ViewSpec } from './views.js';

/** Declares a plugin; the bundle's default export. (Identity at run time: the types are the point.) */
export function definePlugin<T extends PluginDefinition>(definition: T): T {
  return definition;
}

export const ok = (): ValidationResult => ({ result: 'ok' });
export const warn = (message: string): ValidationResult => ({ result: 'warn', message });
export const block = (message: string): ValidationResult => ({ result: 'block', message });

/** The statuses a plugin may answer a request with when it refuses it. */
export const REFUSAL_STATUSES = [400, 403, 404, 409, 422] as const;
export type RefusalStatus = (typeof REFUSAL_STATUSES)[number];
/** A plugin's own error code: upper case, digits and `_`, 2–40 characters (the host prefixes it with the plugin id). */
export const REFUSAL_CODE = /^[A-Z][A-Z0-9_]{1,39}$/;

/**
 * A route or view refusing the request it was given (bad input, a missing or conflicting
 * document). Thrown with `throw refuse(...)`: the host answers the caller with this status and
 * `{ error: { code: '<pluginId>.<code>', message, details } }`, and it is not a fault (it does not
 * count toward the breaker). It crosses the sandbox as plain data, recognised by `__refusal`.
 * Anywhere else (events, validators, schedules, migrate) a refusal is a fault like any throw.
 */
export class PluginRefusal extends Error {
  readonly __refusal = true as const;
  constructor(
    readonly status: RefusalStatus,
    readonly code: string,
    message: string | { zh: string; en: string },
    readonly details?: Record<string, unknown>,
  ) {
    super(typeof message === 'string' ? message : message.zh);
    this.messageEn = typeof message === 'string' ? undefined : message.en;
  }
  readonly messageEn: string | undefined;
}

/**
 * `throw refuse(422, 'NOTE_REQUIRED', '请填写处置说明', { field: 'note' })`. The message is zh-CN
 * (or `{ zh, en }`, chosen by the caller's Accept-Language); `details` is JSON, at most 4 KB.
 */
export const refuse = (status: RefusalStatus, code: string, message: string | { zh: string; en: string }, details?: Record<string, unknown>): PluginRefusal =>
  new PluginRefusal(status, code, message, details);

/** View-spec builders (the host validates what they produce). */
export const view = {
  page: (blocks: ViewBlock[], title?: string): ViewSpec => ({ blocks, ...(title ? { title } : {}) }),
  stat: (label: string, value: number | string, format: 'number' | 'fen' | 'percent' | 'text' = 'number'): ViewBlock => ({ type: 'stat', label, value, format }),
  table: (columns: Array<{ key: string; label: string; format?: 'text' | 'number' | 'fen' | 'date' | 'percent' }>, rows: Array<Record<string, string | number | boolean | null>>, title?: string): ViewBlock =>
    ({ type: 'table', columns, rows, ...(title ? { title } : {}) }),
  line: (x: Array<string | number>, series: Array<{ name: string; data: number[] }>, title?: string): ViewBlock => ({ type: 'line', x, series, ...(title ? { title } : {}) }),
  bar: (x: Array<string | number>, series: Array<{ name: string; data: number[] }>, title?: string): ViewBlock => ({ type: 'bar', x, series, ...(title ? { title } : {}) }),
  pie: (slices: Array<{ label: string; value: number }>, title?: string): ViewBlock => ({ type: 'pie', slices, ...(title ? { title } : {}) }),
  markdown: (text: string): ViewBlock => ({ type: 'markdown', text }),
  timeline: (items: Array<{ at: string; title: string; text?: string }>, title?: string): ViewBlock => ({ type: 'timeline', items, ...(title ? { title } : {}) }),
  chat: (messages: Array<{ id: string; author: string; at: string; text: string }>, post?: string): ViewBlock => ({ type: 'chat', messages, ...(post ? { post } : {}) }),
};

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/**
 * Base64 of bytes, for a route's file answer `{ file: { name, mediaType, base64 } }` (the sandbox has
 * neither Buffer nor btoa).
 */
export function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!, b = bytes[i + 1], c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += B64[(n >> 18) & 63]! + B64[(n >> 12) & 63]! + (b === undefined ? '=' : B64[(n >> 6) & 63]!) + (c === undefined ? '=' : B64[n & 63]!);
  }
  return out;
}

/** Bytes of a base64 string (an upload's `{ file: { name, base64 } }`); throws on a character outside base64. */
export function fromBase64(text: string): Uint8Array {
  const clean = text.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0, value = 0, k = 0;
  for (let i = 0; i < clean.length; i += 1) {
    const d = B64.indexOf(clean[i]!);
    if (d < 0) throw new Error('not base64');
    value = (value << 6) | d;
    bits += 6;
    if (bits >= 8) { bits -= 8; out[k++] = (value >> bits) & 255; }
  }
  return out.subarray(0, k);
}
