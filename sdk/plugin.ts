/**
 * The runtime side of the SDK that plugin code imports: tiny and dependency-free, so it bundles
 * into the sandbox. Types come from the rest of the SDK (erased at build time).
 */
import type { PluginDefinition, ValidationResult } from './index.js';
import type { ViewBlock, ViewSpec } from './views.js';

export type {
  DepartmentRecord, ExecutionReportRecord, HostApi, HostError, IndicatorRecord, PaymentRecord, ProjectRecord, PluginDefinition, PluginEvent, RouteRequest, StoredDoc, TransferRecord,
  ValidationInput, ValidationResult, ViewContext,
} from './index.js';
export type { ViewBlock, ViewSpec } from './views.js';

/** Declares a plugin; the bundle's default export. */
export function definePlugin<T extends PluginDefinition>(definition: T): T {
  return definition;
}

export const ok = (): ValidationResult => ({ result: 'ok' });
export const warn = (message: string): ValidationResult => ({ result: 'warn', message });
export const block = (message: string): ValidationResult => ({ result: 'block', message });

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
