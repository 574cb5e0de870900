import type { Candidate } from './extract.js';

/**
 * From confirmed candidates to a proposed standard version, and the difference analysis: which
 * parameters of the set in force a document (or another version) would change, before and after.
 */

export type PerKey = 'person_day' | 'person_night' | 'person_meal' | 'person_time' | 'trip' | 'hour' | 'item';
/** A standard row as the core's contract has it (cap in fen per `per`). */
export interface StandardRowLike {
  item: string; tier: string; name: string; region: string; rank: string; season: string; economicCode: string;
  cap: number; per: PerKey; effectiveFrom: string | null; effectiveTo: string | null; source: string; verified: boolean; note: string;
}

export interface StoredCandidate extends Candidate {
  [key: string]: unknown;
  documentId: string;
  status: 'pending' | 'confirmed' | 'dismissed';
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string;
}

/** A standard item as the core keeps it: its name, economic class (经济分类) and unit of measure. */
export interface StandardItem { label: string; economicCode: string; per: PerKey }
export type StandardItems = Record<string, StandardItem>;

/**
 * The standard items of the set in force (host.standards.list): one per item, named by its rows'
 * common name (the part before any （…）), booked to its rows' economic class, measured as its
 * `all` row (else its first). The plugin keeps no list of its own: a unit's adopted version adds or
 * renames items for it too.
 */
export function itemsOf(rows: ReadonlyArray<Pick<StandardRowLike, 'item' | 'tier' | 'name' | 'economicCode' | 'per'>>): StandardItems {
  const out: StandardItems = {};
  for (const r of rows) {
    if (out[r.item] && r.tier !== 'all') continue;
    out[r.item] = { label: r.name.split(/[（(]/)[0]!.trim() || r.item, economicCode: r.economicCode, per: r.per };
  }
  return out;
}

export const PER_LABEL: Record<string, string> = {
  person_day: '元/人·天', person_night: '元/人·晚', person_meal: '元/人·餐', person_time: '元/人次', hour: '元/学时', trip: '元/次', item: '元/件',
};

const CLASS_LABEL: Record<string, string> = { class1: '一类', class2: '二类', class3: '三类', class4: '四类' };

/** Why a confirmed candidate cannot become a row yet (a text of texts.ts), or null when it can. */
export function rowProblem(c: Pick<StoredCandidate, 'kind' | 'item' | 'tier'>, items: StandardItems): string | null {
  if (c.kind !== 'amount') return '比例类候选需人工换算为金额标准';
  if (!c.item || !items[c.item]) return '请先指定标准项目';
  if (!c.tier || !/^[A-Za-z0-9][A-Za-z0-9._-]{0,19}$/.test(c.tier)) return '请先指定档次代码（如 all、class2、js-a.other）';
  return null;
}

/** The standard row a confirmed candidate proposes, citing the document and the sentence. */
export function rowOf(c: StoredCandidate, items: StandardItems, source: string, effectiveFrom: string | null): StandardRowLike {
  const item = items[c.item!]!;
  const parts = [c.region, c.season ? `旺季${c.season}` : '', c.rank, CLASS_LABEL[c.tier ?? ''] ?? ''].filter(Boolean);
  return {
    item: c.item!, tier: c.tier!, name: `${item.label}${parts.length ? `（${parts.join('，')}）` : ''}`.slice(0, 100),
    region: c.region.slice(0, 60), rank: c.rank.slice(0, 20), season: c.season.slice(0, 20), economicCode: item.economicCode,
    cap: c.value, per: c.per ?? item.per, effectiveFrom, effectiveTo: null, source: (source || '未编号文件').slice(0, 120), verified: true,
    note: `原文：${c.sentence}`.slice(0, 300),
  };
}

/** Rows from the confirmed candidates of a document: one per item and tier (the last confirmed wins). */
export function proposedRows(candidates: StoredCandidate[], items: StandardItems, source: string, effectiveFrom: string | null): { rows: StandardRowLike[]; skipped: Array<{ id: string; problem: string }> } {
  const byKey = new Map<string, StandardRowLike>();
  const skipped: Array<{ id: string; problem: string }> = [];
  for (const c of candidates) {
    if (c.status !== 'confirmed') continue;
    const problem = rowProblem(c, items);
    if (problem) {
      skipped.push({ id: c.id, problem });
      continue;
    }
    const row = rowOf(c, items, source, effectiveFrom);
    byKey.set(`${row.item}\u0000${row.tier}`, row);
  }
  return { rows: [...byKey.values()], skipped };
}

export interface Change {
  kind: 'added' | 'removed' | 'changed';
  item: string;
  tier: string;
  name: string;
  field: string | null;
  before: string | number | boolean | null;
  after: string | number | boolean | null;
}

const OVERLAY_FIELDS = new Set<keyof StandardRowLike>(['cap', 'per', 'economicCode', 'effectiveTo']);
const FIELDS: Array<keyof StandardRowLike> = ['cap', 'per', 'name', 'economicCode', 'region', 'rank', 'season', 'effectiveFrom', 'effectiveTo', 'source'];

/**
 * The parameter changes from `before` to `after`. `overlay` (a document's or a unit's proposal over
 * the set in force): rows absent from `after` stay as they are; otherwise absent rows are removed.
 */
export function diff(before: StandardRowLike[], after: StandardRowLike[], overlay: boolean): Change[] {
  const key = (r: StandardRowLike) => `${r.item}\u0000${r.tier}`;
  const old = new Map(before.map((r) => [key(r), r]));
  const next = new Set(after.map(key));
  const out: Change[] = [];
  for (const r of after) {
    const was = old.get(key(r));
    if (!was) {
      out.push({ kind: 'added', item: r.item, tier: r.tier, name: r.name, field: null, before: null, after: r.cap });
      continue;
    }
    for (const f of FIELDS) {
      // A proposal's name, source and tier words are its own; only what the rule reads counts as a change.
      if (overlay && !OVERLAY_FIELDS.has(f)) continue;
      if ((was[f] ?? null) !== (r[f] ?? null)) out.push({ kind: 'changed', item: r.item, tier: r.tier, name: r.name, field: f, before: was[f] ?? null, after: r[f] ?? null });
    }
  }
  if (!overlay) for (const r of before) if (!next.has(key(r))) out.push({ kind: 'removed', item: r.item, tier: r.tier, name: r.name, field: null, before: r.cap, after: null });
  const order = (c: Change) => `${c.item}\u0000${c.tier}\u0000${c.field ?? ''}`;
  return out.sort((x, y) => (order(x) < order(y) ? -1 : order(x) > order(y) ? 1 : 0));
}
