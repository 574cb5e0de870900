import { refuse, type HostApi } from '@unibudget/sdk';
import { InputError, parseIndicator, STARTER_INDICATORS } from './library.js';
import { all } from './store.js';
import type { Indicator } from './types.js';

/**
 * The library in storage: the unit's own indicators (collection `library`), each change a new version
 * with its change record (`library_log`: who, when, before and after).
 */

type UnitIndicatorDoc = Omit<Indicator, 'origin'> & { [key: string]: unknown };

export async function loadLibrary(host: HostApi): Promise<Indicator[]> {
  const own = (await all<UnitIndicatorDoc>(host, 'library')).map((d) => ({ ...d.data, origin: 'unit' as const }));
  own.sort((a, b) => a.id.localeCompare(b.id));
  return [...STARTER_INDICATORS, ...own];
}

const starterIds = new Set(STARTER_INDICATORS.map((i) => i.id));

/** Writes a unit indicator and its change record. `raw` is validated first; returns the stored version. */
export async function saveIndicator(host: HostApi, raw: Record<string, unknown>, by: string, action: 'save' | 'import' = 'save', existing?: Map<string, UnitIndicatorDoc>): Promise<{ indicator: Indicator; change: 'created' | 'updated' | 'unchanged' }> {
  const parsed = parseIndicator(raw);
  if (parsed.id && starterIds.has(parsed.id)) throw new InputError('id', `“${parsed.id}”是起始指标库的指标（只读）：去掉编码另存为本单位指标`);
  const id = parsed.id ?? (await nextId(host, existing));
  const before = existing ? existing.get(id) ?? null : (await host.storage.get<UnitIndicatorDoc>('library', id))?.data ?? null;
  const at = new Date().toISOString();
  const content = { sector: parsed.sector, level1: parsed.level1, level2: parsed.level2, name: parsed.name, unit: parsed.unit, direction: parsed.direction, dataSource: parsed.dataSource, method: parsed.method };
  if (before && (Object.keys(content) as Array<keyof typeof content>).every((k) => before[k] === content[k])) return { indicator: { ...before, origin: 'unit' }, change: 'unchanged' };
  const doc: UnitIndicatorDoc = {
    id, setId: 'UNIT', ...content, source: '本单位自建', basis: 'unit', version: (before?.version ?? 0) + 1, updatedBy: by, updatedAt: at,
  };
  await host.storage.put('library', id, doc);
  await host.storage.put('library_log', `${id}@v${doc.version}`, { indicatorId: id, version: doc.version, action: before ? (action === 'import' ? 'import-update' : 'update') : action === 'import' ? 'import-create' : 'create', by, at, before, after: doc });
  existing?.set(id, doc);
  return { indicator: { ...doc, origin: 'unit' }, change: before ? 'updated' : 'created' };
}

async function nextId(host: HostApi, existing?: Map<string, UnitIndicatorDoc>): Promise<string> {
  const ids = existing ? [...existing.keys()] : (await all<UnitIndicatorDoc>(host, 'library')).map((d) => d.id);
  const max = ids.map((id) => /^U-(\d+)$/.exec(id)?.[1]).filter(Boolean).map(Number).reduce((a, b) => Math.max(a, b), 0);
  return `U-${String(max + 1).padStart(4, '0')}`;
}

export async function deleteIndicator(host: HostApi, id: string, by: string): Promise<void> {
  if (starterIds.has(id)) throw refuse(409, 'STARTER_READ_ONLY', { zh: '起始指标库的指标不能删除', en: 'Starter indicators cannot be deleted' }, { id });
  const before = await host.storage.get<UnitIndicatorDoc>('library', id);
  if (!before) throw refuse(404, 'INDICATOR_NOT_FOUND', { zh: '指标不存在', en: 'No such indicator' }, { id });
  const at = new Date().toISOString();
  await host.storage.put('library_log', `${id}@v${before.data.version + 1}`, { indicatorId: id, version: before.data.version + 1, action: 'delete', by, at, before: before.data, after: null });
  await host.storage.delete('library', id);
}

/** At most this many rows per import: each written row costs two host calls (the indicator and its change record). */
export const IMPORT_MAX = 300;

export async function importIndicators(host: HostApi, rows: Array<Record<string, unknown>>, by: string) {
  if (rows.length === 0) throw new InputError('file', '没有可导入的指标');
  if (rows.length > IMPORT_MAX) throw new InputError('file', `一次最多导入 ${IMPORT_MAX} 项指标（本次 ${rows.length} 项）`);
  // Every row is checked before anything is written: a bad file changes nothing.
  const checked = rows.map((r, i) => {
    try {
      const p = parseIndicator(r);
      return { raw: r, starter: !!p.id && starterIds.has(p.id) };
    } catch (e) {
      if (e instanceof InputError) throw new InputError('file', `第 ${i + 1} 项：${e.message}`);
      throw e;
    }
  });
  const existing = new Map((await all<UnitIndicatorDoc>(host, 'library')).map((d) => [d.id, d.data]));
  const counts = { created: 0, updated: 0, unchanged: 0, starter: 0 };
  for (const c of checked) {
    if (c.starter) { counts.starter += 1; continue; }
    const { change } = await saveIndicator(host, c.raw, by, 'import', existing);
    counts[change] += 1;
  }
  return counts;
}

