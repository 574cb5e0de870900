import { AppError, type Lang } from '../errors.js';
import type { ClassificationKind } from '../../db/schema.js';
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, LEVEL_LENGTHS, type ImportBody, type ImportRowError, type ImportRule } from './schema.js';
import { deriveAttrs, levelOf, parentCodeOf, type ClassEntry } from './codes.js';

/*
 * Reading a classification file: base64 → bytes → CSV (UTF-8 or GB18030) or xlsx → rows of
 * code and name under a header → entries checked row by row, every problem of a bad row reported
 * in the caller's language. No database: the import command (service.ts) decides what to write.
 */

/**
 * RFC 4180 CSV: comma-separated, fields optionally in double quotes ("" inside quotes is one
 * quote, quoted fields may hold commas and line breaks), CRLF or LF line ends. A leading BOM is
 * dropped. Returns one array of cells per record, empty records included, so that the index + 1
 * is the row number a spreadsheet shows.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    record.push(field);
    records.push(record);
    record = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          quoted = false;
        }
      } else {
        field += ch;
      }
    } else if (ch === '"' && field.length === 0) {
      quoted = true;
    } else if (ch === ',') {
      record.push(field);
      field = '';
    } else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
    } else {
      field += ch;
    }
  }
  if (field.length > 0 || record.length > 0 || quoted) endRecord();
  return records;
}

/** UTF-8 (with or without BOM); a file that is not valid UTF-8 is read as GB18030, as Excel saves CSV on Chinese Windows. */
function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    try {
      return new TextDecoder('gb18030', { fatal: true }).decode(bytes);
    } catch {
      throw new AppError('CLASSIFICATION_IMPORT_UNREADABLE', { reason: 'encoding' });
    }
  }
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes the base64 content of an import, refusing anything over IMPORT_MAX_BYTES. */
export function decodeImportContent(content: string): Buffer {
  const compact = content.replace(/\s+/g, '');
  if (Math.floor((compact.length * 3) / 4) - 2 > IMPORT_MAX_BYTES) {
    throw new AppError('CLASSIFICATION_IMPORT_TOO_LARGE', { maxBytes: IMPORT_MAX_BYTES });
  }
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) throw new AppError('CLASSIFICATION_IMPORT_UNREADABLE', { reason: 'base64' });
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > IMPORT_MAX_BYTES) throw new AppError('CLASSIFICATION_IMPORT_TOO_LARGE', { maxBytes: IMPORT_MAX_BYTES });
  return bytes;
}

export interface SheetRow {
  /** Row number as a spreadsheet shows it (1-based). */
  row: number;
  cells: string[];
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    // Rich text, formula results and hyperlinks hold their text in one of these.
    const v = value as { richText?: Array<{ text: string }>; result?: unknown; text?: unknown };
    if (Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('result' in v) return cellText(v.result);
    if ('text' in v) return cellText(v.text);
  }
  return '';
}

async function readXlsx(bytes: Buffer): Promise<SheetRow[]> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as Parameters<typeof workbook.xlsx.load>[0]);
  } catch {
    throw new AppError('CLASSIFICATION_IMPORT_UNREADABLE', { reason: 'xlsx' });
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) throw new AppError('CLASSIFICATION_IMPORT_UNREADABLE', { reason: 'xlsx' });
  if (sheet.rowCount > IMPORT_MAX_ROWS + 1) throw new AppError('CLASSIFICATION_IMPORT_TOO_LARGE', { maxRows: IMPORT_MAX_ROWS });
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cellText(cell.value);
    });
    rows.push({ row: rowNumber, cells: Array.from(cells, (c) => c ?? '') });
  });
  return rows;
}

export function readCsv(bytes: Uint8Array): SheetRow[] {
  const records = parseCsv(decodeText(bytes));
  if (records.length > IMPORT_MAX_ROWS + 1) throw new AppError('CLASSIFICATION_IMPORT_TOO_LARGE', { maxRows: IMPORT_MAX_ROWS });
  return records.map((cells, i) => ({ row: i + 1, cells }));
}

const CODE_HEADERS = new Set(['code', '编码', '科目编码', '代码', '分类编码']);
const NAME_HEADERS = new Set(['name', '名称', '科目名称', '分类名称']);

export interface ParsedRow {
  row: number;
  code: string;
  name: string;
}

/**
 * The data rows of a sheet: the first non-empty row is the header, naming the columns
 * code,name (or 编码,名称); other columns are ignored and empty rows skipped.
 */
export function dataRows(sheet: SheetRow[], lang: Lang): { rows: ParsedRow[]; headerError: ImportRowError | null } {
  const nonEmpty = sheet.filter((r) => r.cells.some((c) => c.trim() !== ''));
  const header = nonEmpty[0];
  const normalized = header?.cells.map((c) => c.trim().toLowerCase()) ?? [];
  const codeColumn = normalized.findIndex((c) => CODE_HEADERS.has(c));
  const nameColumn = normalized.findIndex((c) => NAME_HEADERS.has(c));
  if (!header || codeColumn < 0 || nameColumn < 0) {
    return {
      rows: [],
      headerError: { row: header?.row ?? 1, code: '', errors: [{ rule: 'header', message: RULE_MESSAGES.header[lang] }] },
    };
  }
  const rows = nonEmpty.slice(1).map((r) => ({
    row: r.row,
    code: (r.cells[codeColumn] ?? '').trim(),
    name: (r.cells[nameColumn] ?? '').trim(),
  }));
  return { rows, headerError: null };
}

// ------------------------------------------------------------------ validating rows

const RULE_MESSAGES: Record<ImportRule, Record<Lang, string>> = {
  header: { zh: '首行须为表头，包含 code,name（或 编码,名称）两列', en: 'The first row must be a header with the columns code,name (or 编码,名称)' },
  code_format: { zh: '编码只能由数字组成', en: 'The code must consist of digits only' },
  code_length: { zh: '编码位数不符合分级规则（{lengths} 位）', en: 'The code length does not fit the levels ({lengths} digits)' },
  parent_missing: { zh: '上级编码 {parent} 不存在', en: 'The parent code {parent} does not exist' },
  duplicate: { zh: '编码与第 {first} 行重复', en: 'The code repeats row {first}' },
  name_empty: { zh: '名称不能为空', en: 'The name is empty' },
  name_too_long: { zh: '名称不能超过 100 个字', en: 'The name is longer than 100 characters' },
};

function ruleMessage(rule: ImportRule, lang: Lang, facts: Record<string, string | number> = {}): { rule: ImportRule; message: string } {
  const message = RULE_MESSAGES[rule][lang].replace(/\{(\w+)\}/g, (whole, key: string) => (facts[key] === undefined ? whole : String(facts[key])));
  return { rule, message };
}

/**
 * Checks every row and reports every problem of each bad row: code format, level length,
 * missing parent (in the file or among `existing`), duplicate in the file, empty name.
 */
export function validateRows(
  kind: ClassificationKind,
  rows: ParsedRow[],
  existing: ReadonlySet<string>,
  lang: Lang = 'zh',
): { entries: ClassEntry[]; errors: ImportRowError[] } {
  const firstRow = new Map<string, number>();
  for (const r of rows) if (r.code !== '' && !firstRow.has(r.code)) firstRow.set(r.code, r.row);
  const entries: ClassEntry[] = [];
  const errors: ImportRowError[] = [];
  const lengths = (LEVEL_LENGTHS[kind] as readonly number[]).join('/');
  for (const r of rows) {
    const problems: Array<{ rule: ImportRule; message: string }> = [];
    const level = levelOf(kind, r.code);
    if (!/^\d+$/.test(r.code)) problems.push(ruleMessage('code_format', lang));
    else if (level === null) problems.push(ruleMessage('code_length', lang, { lengths }));
    else {
      const parent = parentCodeOf(kind, r.code);
      if (parent !== null && !firstRow.has(parent) && !existing.has(parent)) problems.push(ruleMessage('parent_missing', lang, { parent }));
    }
    const first = firstRow.get(r.code);
    if (first !== undefined && first !== r.row) problems.push(ruleMessage('duplicate', lang, { first }));
    if (r.name === '') problems.push(ruleMessage('name_empty', lang));
    else if ([...r.name].length > 100) problems.push(ruleMessage('name_too_long', lang));
    if (problems.length > 0) {
      errors.push({ row: r.row, code: r.code, errors: problems });
    } else {
      entries.push({ code: r.code, name: r.name, parentCode: parentCodeOf(kind, r.code), level: level!, attrs: deriveAttrs(kind, r.code) });
    }
  }
  return { entries, errors };
}

/** Reads a CSV or xlsx file into rows; a file that cannot be read is CLASSIFICATION_IMPORT_UNREADABLE. */
export async function readImportFile(format: ImportBody['format'], bytes: Buffer, lang: Lang = 'zh') {
  const sheet = format === 'csv' ? readCsv(bytes) : await readXlsx(bytes);
  const { rows, headerError } = dataRows(sheet, lang);
  if (rows.length > IMPORT_MAX_ROWS) throw new AppError('CLASSIFICATION_IMPORT_TOO_LARGE', { maxRows: IMPORT_MAX_ROWS });
  return { rows, headerError };
}
