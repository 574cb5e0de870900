import { parseYuan } from '@unibudget/sdk/contracts/money';
import type { StandardRow } from '@unibudget/sdk/contracts/standards';
import { parseCsv } from '../classifications/parse.js';
import { AppError } from './errors.js';
import { parseRows } from './service.js';

/*
 * A standards table from a spreadsheet: CSV (UTF-8 or GB18030) or xlsx, first row a header in
 * English or Chinese, caps in 元 (two decimals at most). Every row is checked with the contract's
 * schema; the first bad row refuses the whole file with its row number.
 */

export const STANDARDS_IMPORT_MAX_BYTES = 2 * 1024 * 1024;

const HEADERS: Record<string, string> = {
  item: 'item', 项目: 'item', 标准项目: 'item',
  tier: 'tier', 档次: 'tier', 代码: 'tier',
  name: 'name', 名称: 'name',
  region: 'region', 地区: 'region',
  rank: 'rank', 职级: 'rank',
  season: 'season', 季节: 'season', 旺季: 'season',
  economic_code: 'economicCode', economiccode: 'economicCode', 经济分类: 'economicCode',
  cap: 'cap', cap_yuan: 'cap', '标准（元）': 'cap', '标准(元)': 'cap', 标准: 'cap', 上限: 'cap',
  per: 'per', 计量单位: 'per', 单位: 'per',
  effective_from: 'effectiveFrom', 生效日期: 'effectiveFrom',
  effective_to: 'effectiveTo', 失效日期: 'effectiveTo',
  source: 'source', 依据文件: 'source', 文号: 'source',
  verified: 'verified', 已核对: 'verified',
  note: 'note', 备注: 'note',
};

const PER_NAMES: Record<string, string> = { '元/人天': 'person_day', '元/人·天': 'person_day', '元/人晚': 'person_night', '元/人·晚': 'person_night', '元/人餐': 'person_meal', '元/人次': 'person_time' };

function decode(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gb18030').decode(bytes);
  }
}

async function xlsxCells(bytes: Buffer): Promise<string[][]> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch {
    throw new AppError('STANDARD_IMPORT_INVALID', { row: 0, reason: 'not a readable xlsx file' });
  }
  const sheet = workbook.worksheets[0];
  const out: string[][] = [];
  sheet?.eachRow({ includeEmpty: true }, (row) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      const v = cell.value as unknown;
      cells[col - 1] = v === null || v === undefined ? '' : v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === 'object' && v && 'result' in v ? String((v as { result: unknown }).result ?? '') : String(v);
    });
    out.push(Array.from(cells, (c) => c ?? ''));
  });
  return out;
}

/** Reads an import file (base64) into standard rows. */
export async function readStandardsFile(file: { name: string; base64: string }): Promise<StandardRow[]> {
  const bytes = Buffer.from(file.base64.replace(/\s+/g, ''), 'base64');
  if (bytes.length === 0) throw new AppError('STANDARD_IMPORT_INVALID', { row: 0, reason: 'empty file' });
  if (bytes.length > STANDARDS_IMPORT_MAX_BYTES) throw new AppError('STANDARD_IMPORT_INVALID', { row: 0, reason: `over ${STANDARDS_IMPORT_MAX_BYTES} bytes` });
  const isXlsx = bytes[0] === 0x50 && bytes[1] === 0x4b;
  const records = (isXlsx ? await xlsxCells(bytes) : parseCsv(decode(bytes))).filter((r) => r.some((c) => c.trim() !== ''));
  const header = records[0]?.map((c) => HEADERS[c.trim().toLowerCase()] ?? HEADERS[c.trim()] ?? '') ?? [];
  for (const needed of ['item', 'tier', 'name', 'economicCode', 'cap', 'per', 'source']) {
    if (!header.includes(needed)) throw new AppError('STANDARD_IMPORT_INVALID', { row: 1, reason: `missing column ${needed}` });
  }
  const objects = records.slice(1).map((cells, i) => {
    const o: Record<string, unknown> = {};
    header.forEach((field, col) => {
      if (!field) return;
      const text = (cells[col] ?? '').trim();
      if (field === 'cap') {
        const fen = parseYuan(text.replace(/元$/, ''));
        if (!fen.ok) throw new AppError('STANDARD_IMPORT_INVALID', { row: i + 2, reason: `cap “${text}” is not an amount in 元` });
        o.cap = fen.fen;
      } else if (field === 'per') o.per = PER_NAMES[text] ?? text;
      else if (field === 'verified') o.verified = !['0', 'false', '否', 'no', '未核对'].includes(text.toLowerCase());
      else if (field === 'effectiveFrom' || field === 'effectiveTo') o[field] = text === '' ? null : text;
      else o[field] = text;
    });
    return o;
  });
  if (objects.length === 0) throw new AppError('STANDARD_IMPORT_INVALID', { row: 2, reason: 'no rows' });
  try {
    return parseRows(objects);
  } catch (error) {
    // parseRows counts from the first data row; a spreadsheet shows the header as row 1.
    if (error instanceof AppError && typeof error.details?.row === 'number') throw new AppError('STANDARD_IMPORT_INVALID', { ...error.details, row: (error.details.row as number) + 1 });
    throw error;
  }
}

/** The same table back out as CSV (a template to edit and import again). */
export function standardsCsv(rows: StandardRow[]): string {
  const cols = ['item', 'tier', 'name', 'region', 'rank', 'season', 'economic_code', 'cap', 'per', 'effective_from', 'effective_to', 'source', 'verified', 'note'];
  const q = (v: unknown) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const yuan = (fen: number) => `${Math.trunc(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
  const lines = rows.map((r) => [r.item, r.tier, r.name, r.region, r.rank, r.season, r.economicCode, yuan(r.cap), r.per, r.effectiveFrom, r.effectiveTo, r.source, r.verified ? '1' : '0', r.note].map(q).join(','));
  return [cols.join(','), ...lines].join('\r\n') + '\r\n';
}
