import type { YearState } from './aggregate.js';
import { forecastFindings } from './forecast.js';
import { largePaymentMonitor, milestoneMonitor, progressMonitor, spikeMonitor, splittingMonitor, yearEndRushMonitor, type MonitorInput } from './monitors.js';
import { GRADE_RANK, type Finding, type Grade } from './types.js';

/** The "monitor → warn → feedback" loop: open → acknowledged → handled (with a note) → closed. */
export type WarningStatus = 'open' | 'acknowledged' | 'handled' | 'closed';
export const STATUS_LABEL: Record<WarningStatus, string> = { open: '待确认', acknowledged: '已确认', handled: '已处置', closed: '已关闭' };

export interface HistoryEntry { at: string; action: 'raise' | 'update' | 'reopen' | 'resolve' | 'acknowledge' | 'handle' | 'close'; by: string; note?: string; grade?: Grade }

export interface WarningDoc extends Finding {
  [field: string]: unknown;
  status: WarningStatus;
  /** False once the condition no longer holds (kept for the record until closed). */
  active: boolean;
  firstSeen: string; lastSeen: string;
  history: HistoryEntry[];
}

/** Every finding key is `<monitor>:<year>:…`. */
export const keyYear = (key: string) => Number(key.split(':')[1]);

/** Per warning key: what reconciliation needs without reading every document. */
export interface IndexEntry { id: string; status: WarningStatus; grade: Grade; active: boolean; hash: string }
export type WarningIndex = Record<string, IndexEntry>;

const MAX_WARNINGS = 400;

/** All monitors for one year plus the year-end rush of the year before; strongest first, bounded. */
export function evaluate(input: MonitorInput & { previous?: YearState }): Finding[] {
  const findings = [
    ...progressMonitor(input), ...spikeMonitor(input), ...largePaymentMonitor(input), ...splittingMonitor(input),
    ...yearEndRushMonitor(input), ...milestoneMonitor(input), ...forecastFindings(input),
  ];
  if (input.previous) {
    findings.push(...yearEndRushMonitor({ ...input, year: input.previous.year, current: input.previous, prior: input.prior.filter((p) => p.year < input.previous!.year) }));
  }
  findings.sort((a, b) => GRADE_RANK[b.grade] - GRADE_RANK[a.grade] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return findings.slice(0, MAX_WARNINGS);
}

/** FNV-1a: document ids of bounded length for keys that may hold a payee's name. */
export function warningId(key: string): string {
  let h1 = 0x811c9dc5, h2 = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) >>> 0;
  }
  return `w${h1.toString(16).padStart(8, '0')}${h2.toString(16).padStart(8, '0')}`;
}

export const findingHash = (f: Finding) => warningId(JSON.stringify([f.grade, f.title, f.evidence, f.suggestions])).slice(1);

export interface Reconciliation {
  /** Documents to write (new, changed, reopened, resolved). */
  writes: Array<{ id: string; doc: WarningDoc | null; finding: Finding | null; change: 'raise' | 'update' | 'reopen' | 'resolve' }>;
  index: WarningIndex;
  /** Red warnings that are new (or newly red, or reopened red): their responsible people are told. */
  newRed: Finding[];
}

/**
 * Compares a fresh evaluation with what is stored. Unchanged warnings are not rewritten; a closed
 * warning comes back only when it got worse; one whose condition went away is marked inactive.
 * `load` fetches a stored document when it has to be updated.
 */
export function reconcile(index: WarningIndex, fresh: Finding[], years: number[]): Reconciliation {
  const next: WarningIndex = { ...index };
  const writes: Reconciliation['writes'] = [];
  const newRed: Finding[] = [];
  const seen = new Set<string>();
  for (const f of fresh) {
    seen.add(f.key);
    const hash = findingHash(f);
    const old = index[f.key];
    const id = old?.id ?? warningId(f.key);
    if (!old) {
      next[f.key] = { id, status: 'open', grade: f.grade, active: true, hash };
      writes.push({ id, doc: null, finding: f, change: 'raise' });
      if (f.grade === 'severe') newRed.push(f);
      continue;
    }
    const worse = GRADE_RANK[f.grade] > GRADE_RANK[old.grade];
    if (old.status === 'closed' && !worse) continue;
    if (old.hash === hash && old.active) continue;
    const change = old.status === 'closed' ? 'reopen' : 'update';
    next[f.key] = { id, status: change === 'reopen' ? 'open' : old.status, grade: f.grade, active: true, hash };
    writes.push({ id, doc: null, finding: f, change });
    if (f.grade === 'severe' && (worse || change === 'reopen' || !old.active)) newRed.push(f);
  }
  const judged = new Set(years);
  for (const [key, entry] of Object.entries(index)) {
    if (seen.has(key) || !entry.active || entry.status === 'closed') continue;
    // Only warnings of the years just evaluated can be resolved by this evaluation.
    if (!judged.has(keyYear(key))) continue;
    next[key] = { ...entry, active: false };
    writes.push({ id: entry.id, doc: null, finding: null, change: 'resolve' });
  }
  return { writes, index: next, newRed };
}

/** Applies one reconciliation write to the stored document (or creates it). */
export function applyWrite(existing: WarningDoc | null, write: Reconciliation['writes'][number], at: string): WarningDoc | null {
  const f = write.finding;
  if (write.change === 'resolve') {
    if (!existing) return null;
    return { ...existing, active: false, lastSeen: at, history: [...existing.history, { at, action: 'resolve' as const, by: 'system' }].slice(-50) };
  }
  if (!f) return null;
  if (!existing || write.change === 'raise') {
    return { ...f, status: 'open', active: true, firstSeen: at, lastSeen: at, history: [{ at, action: 'raise', by: 'system', grade: f.grade }] };
  }
  const status: WarningStatus = write.change === 'reopen' ? 'open' : existing.status;
  const entry: HistoryEntry = { at, action: write.change, by: 'system', grade: f.grade };
  const history = existing.grade !== f.grade || write.change === 'reopen' || !existing.active ? [...existing.history, entry] : existing.history;
  return { ...existing, ...f, status, active: true, lastSeen: at, history: history.slice(-50) };
}

export type Action = 'acknowledge' | 'handle' | 'close';

/** Allowed user actions; returns the error message (zh-CN) when refused. */
export function transition(doc: WarningDoc, action: Action, by: string, at: string, note: string | undefined): WarningDoc | string {
  const text = (note ?? '').trim();
  if (action === 'acknowledge') {
    if (doc.status !== 'open') return `预警当前为“${STATUS_LABEL[doc.status]}”，不能确认`;
    return { ...doc, status: 'acknowledged', history: [...doc.history, { at, action, by, ...(text ? { note: text } : {}) }].slice(-50) };
  }
  if (action === 'handle') {
    if (doc.status !== 'open' && doc.status !== 'acknowledged') return `预警当前为“${STATUS_LABEL[doc.status]}”，不能处置`;
    if (!text) return '处置预警须填写处置说明';
    return { ...doc, status: 'handled', history: [...doc.history, { at, action, by, note: text }].slice(-50) };
  }
  if (doc.status !== 'handled' && doc.active) return '预警须先处置后才能关闭';
  if (doc.status === 'closed') return '预警已关闭';
  return { ...doc, status: 'closed', history: [...doc.history, { at, action, by, ...(text ? { note: text } : {}) }].slice(-50) };
}
