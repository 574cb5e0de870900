import { STARTER } from './data/library.js';
import { DIRECTION_LABEL, LEVEL1, LEVEL2, SECTORS, type Direction, type Indicator, type IndicatorSeed, type Level1, type Level2, type Method } from './types.js';
import type { Cell } from './xlsx.js';

/**
 * The indicator library: the starter sets (read-only, cited per set) and the unit's own indicators
 * (stored, versioned: every change keeps who made it and the previous version in the change log).
 */
export const STARTER_INDICATORS: Indicator[] = STARTER.map((s) => ({ ...s, version: 1, origin: 'starter' as const }));
export const EXPORT_FORMAT = 'unibudget-performance-indicators/1';

export class InputError extends Error {
  constructor(readonly field: string, message: string) { super(message); }
}

const METHOD_OF: Record<Direction, Method> = { gte: 'ratio', lte: 'reverse', eq: 'equal', qual: 'qualitative' };

export function filterIndicators(all: Indicator[], filter: { sector?: string; level?: string; level1?: string; level2?: string; q?: string }): Indicator[] {
  // `level` takes a first-level (output) or second-level (quantity) key: the "filter by level".
  const level = filter.level ?? '';
  return all.filter((i) => (!filter.sector || i.sector === filter.sector)
    && (!level || i.level1 === level || i.level2 === level)
    && (!filter.level1 || i.level1 === filter.level1)
    && (!filter.level2 || i.level2 === filter.level2)
    && (!filter.q || i.name.includes(filter.q) || i.id.toLowerCase() === filter.q.toLowerCase()));
}

const str = (v: unknown, field: string, label: string, max: number, required = true): string => {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  if (required && !s) throw new InputError(field, `请填写${label}`);
  if (s.length > max) throw new InputError(field, `${label}不超过${max}个字符`);
  return s;
};

/** Accepts keys (`output`, `gte`) or the labels a spreadsheet shows (`产出指标`, `≥`). */
function pickKey<K extends string>(v: unknown, table: Record<K, { zh: string; en: string } | string>, field: string, label: string): K {
  const s = String(v ?? '').trim();
  for (const [k, l] of Object.entries(table) as Array<[K, { zh: string; en: string } | string]>) {
    if (s === k || (typeof l === 'string' ? s === l : s === l.zh || s === l.en)) return k;
  }
  throw new InputError(field, `${label}取值无效：${s || '（空）'}`);
}

const DIRECTION_ALIASES: Record<string, Direction> = { '>=': 'gte', '≥': 'gte', '<=': 'lte', '≤': 'lte', '=': 'eq', '定性': 'qual', qualitative: 'qual' };

/** A unit's indicator from input (a form, JSON import or a spreadsheet row). */
export function parseIndicator(raw: Record<string, unknown>): Omit<IndicatorSeed, 'id' | 'setId' | 'source' | 'basis'> & { id?: string } {
  const name = str(raw.name, 'name', '三级指标名称', 100);
  const level2 = pickKey<Level2>(raw.level2, LEVEL2, 'level2', '二级指标');
  const level1 = raw.level1 === undefined || raw.level1 === '' ? LEVEL2[level2].level1 : pickKey<Level1>(raw.level1, LEVEL1, 'level1', '一级指标');
  if (LEVEL2[level2].level1 !== level1) throw new InputError('level2', `二级指标“${LEVEL2[level2].zh}”不属于${LEVEL1[level1].zh}`);
  const dRaw = String(raw.direction ?? '').trim();
  const direction = DIRECTION_ALIASES[dRaw] ?? pickKey<Direction>(dRaw, DIRECTION_LABEL, 'direction', '指标方向');
  const sector = raw.sector === undefined || raw.sector === '' ? 'custom' : pickKey<string>(raw.sector, SECTORS, 'sector', '行业');
  const unit = str(raw.unit, 'unit', '计量单位', 20, direction !== 'qual') || '—';
  const dataSource = str(raw.dataSource, 'dataSource', '数据来源', 200, false);
  const id = raw.id === undefined || raw.id === '' ? undefined : str(raw.id, 'id', '指标编码', 40);
  if (id !== undefined && !/^[A-Za-z0-9_-]{1,40}$/.test(id)) throw new InputError('id', '指标编码只能包含字母、数字、-和_');
  return { ...(id ? { id } : {}), sector, level1, level2, name, unit, direction, dataSource, method: METHOD_OF[direction] };
}

export const HEADER = ['编码', '行业', '一级指标', '二级指标', '三级指标', '计量单位', '指标方向', '数据来源', '评分方法', '依据'];

export function toRow(i: Indicator): Cell[] {
  return [i.id, SECTORS[i.sector]?.zh ?? i.sector, LEVEL1[i.level1].zh, LEVEL2[i.level2].zh, i.name, i.unit, DIRECTION_LABEL[i.direction], i.dataSource, i.method, i.source];
}

/** Rows of a spreadsheet (the export's layout; the header row names the columns) as raw indicators. */
export function fromRows(rows: Cell[][]): Array<Record<string, unknown>> {
  if (rows.length === 0) throw new InputError('file', '表格为空');
  const header = rows[0]!.map((h) => String(h ?? '').trim());
  const col = (name: string) => header.indexOf(name);
  for (const required of ['一级指标', '二级指标', '三级指标', '指标方向']) if (col(required) < 0) throw new InputError('file', `表头缺少“${required}”列`);
  return rows.slice(1).filter((r) => r.some((c) => c !== null && c !== '')).map((r) => ({
    id: col('编码') >= 0 ? r[col('编码')] ?? '' : '',
    sector: col('行业') >= 0 ? r[col('行业')] ?? '' : '',
    level1: r[col('一级指标')], level2: r[col('二级指标')], name: r[col('三级指标')],
    unit: col('计量单位') >= 0 ? r[col('计量单位')] ?? '' : '', direction: r[col('指标方向')],
    dataSource: col('数据来源') >= 0 ? r[col('数据来源')] ?? '' : '',
  }));
}
