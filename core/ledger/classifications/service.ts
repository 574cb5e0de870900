import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Selectable } from 'kysely';
import type { Executor, Tx } from '../../db/connection.js';
import type { ClassificationKind, ClassificationsTable } from '../../db/schema.js';
import type { Kernel } from '../../kernel.js';
import { appendAudit, SYSTEM_ACTOR, type AuditActor } from '../../audit/service.js';
import { publishEvent } from '../../events/outbox.js';
import { AppError, type Lang } from '../errors.js';
import {
  CLASSIFICATION_KINDS, IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, LEVEL_LENGTHS, type ClassAttrs, type ClassificationView,
  type EconomicCategory, type ImportBody, type ImportResult, type ImportRowError, type ImportRule,
} from './schema.js';

/*
 * 功能分类 / 经济分类 / 资金来源: the national standard code sets, versioned by year.
 *
 * Where a year's set comes from (seedClassifications): the standard set shipped in
 * `data/<year>/<kind>.csv` when the platform has one for that year; otherwise the set of the
 * latest earlier year already in the database (so codes a bureau imported carry forward);
 * otherwise the shipped standard set of the latest year before it, or failing that the earliest
 * shipped year. Reads (lookupClass, the list route) use the same rule at query time: a year with
 * no rows of a kind answers with the latest earlier year that has them, so a ledger year opened
 * before anyone seeded it still resolves its codes.
 *
 * Parents are derived from the code: a code of level n has as parent its prefix of level n−1's
 * length (LEVEL_LENGTHS). Attributes are derived from the code too (deriveAttrs), for the
 * shipped sets and imported files alike.
 */

export type { ClassificationKind };

// ------------------------------------------------------------------ codes and attributes

/** 三公经费 economic codes and which of the three they count under. */
const THREE_PUBLIC: Record<string, NonNullable<ClassAttrs['threePublicItem']>> = {
  '30212': 'abroad', // 因公出国（境）费用
  '30217': 'reception', // 公务接待费
  '30231': 'vehicle_operation', // 公务用车运行维护费
  '31013': 'vehicle_purchase', // 公务用车购置 (资本性支出)
  '30913': 'vehicle_purchase', // 公务用车购置 (资本性支出（基本建设）): 三公 whatever the budget it is built from
};

const ECONOMIC_CATEGORY_OF_CLASS: Record<string, EconomicCategory> = {
  '301': 'personnel',
  '303': 'personnel',
  '302': 'operating',
  '309': 'capital',
  '310': 'capital',
};

/** 财政拨款: the three government budgets. 财政专户管理资金 and 单位资金 are not. */
const FISCAL_FUND_CLASSES = new Set(['11', '12', '13']);

export function deriveAttrs(kind: ClassificationKind, code: string): ClassAttrs {
  if (kind === 'economic') {
    const attrs: ClassAttrs = { category: ECONOMIC_CATEGORY_OF_CLASS[code.slice(0, 3)] ?? 'other' };
    const item = THREE_PUBLIC[code];
    if (item) {
      attrs.threePublic = true;
      attrs.threePublicItem = item;
    }
    return attrs;
  }
  if (kind === 'fund_source') return { fiscal: FISCAL_FUND_CLASSES.has(code.slice(0, 2)) };
  return {};
}

/** Level (1-based) of a well-formed code, or null when its length is not one of the kind's. */
export function levelOf(kind: ClassificationKind, code: string): number | null {
  const index = (LEVEL_LENGTHS[kind] as readonly number[]).indexOf(code.length);
  return index < 0 ? null : index + 1;
}

export function parentCodeOf(kind: ClassificationKind, code: string): string | null {
  const level = levelOf(kind, code);
  if (level === null || level === 1) return null;
  return code.slice(0, LEVEL_LENGTHS[kind][level - 2]);
}

function classificationView(row: Selectable<ClassificationsTable>): ClassificationView {
  return {
    kind: row.kind,
    year: row.year,
    code: row.code,
    name: row.name,
    parentCode: row.parent_code,
    level: row.level,
    attrs: JSON.parse(row.attrs) as ClassAttrs,
  };
}

// ------------------------------------------------------------------ reading files

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

interface SheetRow {
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

function readCsv(bytes: Uint8Array): SheetRow[] {
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
function dataRows(sheet: SheetRow[], lang: Lang): { rows: ParsedRow[]; headerError: ImportRowError | null } {
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

export interface ClassEntry {
  code: string;
  name: string;
  parentCode: string | null;
  level: number;
  attrs: ClassAttrs;
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

// ------------------------------------------------------------------ the shipped standard sets

const DATA_DIR = fileURLToPath(new URL('./data/', import.meta.url));
const standardCache = new Map<string, ClassEntry[]>();

/** Years for which the platform ships a standard set of this kind, ascending. */
export function standardYears(kind: ClassificationKind): number[] {
  let folders: string[] = [];
  try {
    folders = fs.readdirSync(DATA_DIR);
  } catch {
    return [];
  }
  return folders
    .filter((f) => /^\d{4}$/.test(f) && fs.existsSync(`${DATA_DIR}${f}/${kind}.csv`))
    .map(Number)
    .sort((x, y) => x - y);
}

/** The shipped standard set of one kind and year, validated like an import (a bad file is a bug). */
export function standardSet(kind: ClassificationKind, dataYear: number): ClassEntry[] {
  const key = `${kind}:${dataYear}`;
  const cached = standardCache.get(key);
  if (cached) return cached;
  const bytes = fs.readFileSync(`${DATA_DIR}${dataYear}/${kind}.csv`);
  const { rows, headerError } = dataRows(readCsv(bytes), 'en');
  const { entries, errors } = validateRows(kind, rows, new Set());
  if (headerError || errors.length > 0) {
    throw new Error(`data/${dataYear}/${kind}.csv is invalid: ${JSON.stringify(headerError ?? errors.slice(0, 5))}`);
  }
  standardCache.set(key, entries);
  return entries;
}

// ------------------------------------------------------------------ seeding

type SeedSource = { from: 'standard'; year: number } | { from: 'database'; year: number } | { from: 'none' };

async function latestYearWithRows(db: Executor, kind: ClassificationKind, atMost: number): Promise<number | null> {
  const row = await db
    .selectFrom('classifications')
    .select((eb) => eb.fn.max('year').as('year'))
    .where('kind', '=', kind)
    .where('year', '<=', atMost)
    .executeTakeFirst();
  return row?.year === null || row?.year === undefined ? null : Number(row.year);
}

/** Where the set of `year` comes from when it has none of its own (see the module comment). */
async function seedSource(db: Executor, kind: ClassificationKind, year: number): Promise<SeedSource> {
  const shipped = standardYears(kind);
  if (shipped.includes(year)) return { from: 'standard', year };
  const earlier = await latestYearWithRows(db, kind, year - 1);
  if (earlier !== null) return { from: 'database', year: earlier };
  const shippedEarlier = shipped.filter((y) => y < year);
  if (shippedEarlier.length > 0) return { from: 'standard', year: shippedEarlier[shippedEarlier.length - 1]! };
  if (shipped.length > 0) return { from: 'standard', year: shipped[0]! };
  return { from: 'none' };
}

async function sourceEntries(db: Executor, kind: ClassificationKind, source: SeedSource): Promise<ClassEntry[]> {
  if (source.from === 'none') return [];
  if (source.from === 'standard') return standardSet(kind, source.year);
  const rows = await db
    .selectFrom('classifications')
    .selectAll()
    .where('kind', '=', kind)
    .where('year', '=', source.year)
    .orderBy('code')
    .execute();
  return rows.map((r) => ({ code: r.code, name: r.name, parentCode: r.parent_code, level: r.level, attrs: JSON.parse(r.attrs) as ClassAttrs }));
}

const INSERT_BATCH = 200;

/** Inserts the entries, skipping codes the year already has (also under concurrent seeding). */
async function insertEntries(tx: Tx, kind: ClassificationKind, year: number, entries: ClassEntry[]): Promise<number> {
  let inserted = 0;
  for (let i = 0; i < entries.length; i += INSERT_BATCH) {
    const batch = entries.slice(i, i + INSERT_BATCH).map((e) => ({
      kind, year, code: e.code, name: e.name, parent_code: e.parentCode, level: e.level, attrs: JSON.stringify(e.attrs),
    }));
    const result = await tx
      .insertInto('classifications')
      .values(batch)
      .onConflict((oc) => oc.columns(['kind', 'year', 'code']).doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0n);
  }
  return inserted;
}

async function seedKind(tx: Tx, kind: ClassificationKind, year: number) {
  const source = await seedSource(tx, kind, year);
  const inserted = await insertEntries(tx, kind, year, await sourceEntries(tx, kind, source));
  return { kind, source, inserted };
}

export interface SeedReport {
  year: number;
  kinds: Array<{ kind: ClassificationKind; source: SeedSource; inserted: number }>;
}

/**
 * Seeds the classification sets of a year inside the caller's transaction, from the year's own
 * standard data or the latest earlier set (see the module comment). Idempotent: codes the year
 * already has are skipped, so running it again inserts nothing. One audit entry when anything
 * was inserted.
 */
export async function seedClassifications(
  tx: Tx,
  year: number,
  by: AuditActor = SYSTEM_ACTOR,
  kinds: readonly ClassificationKind[] = CLASSIFICATION_KINDS,
): Promise<SeedReport> {
  const report: SeedReport = { year, kinds: [] };
  for (const kind of kinds) report.kinds.push(await seedKind(tx, kind, year));
  if (report.kinds.some((k) => k.inserted > 0)) {
    await appendAudit(tx, {
      actor: by, unitId: null, action: 'classification.seed', entity: 'classification', entityId: String(year), after: report,
    });
  }
  return report;
}

async function kindsWithoutRows(db: Executor, year: number): Promise<ClassificationKind[]> {
  const present = await db
    .selectFrom('classifications')
    .select('kind')
    .distinct()
    .where('year', '=', year)
    .execute();
  const have = new Set(present.map((r) => r.kind));
  return CLASSIFICATION_KINDS.filter((k) => !have.has(k));
}

/**
 * Seeds each kind that has no set for `year` yet; kinds that have one are left as they are.
 * Called at startup and by the demo seed; cheap when everything is there.
 */
export async function ensureClassifications(kernel: Kernel, year: number): Promise<SeedReport> {
  const missing = await kindsWithoutRows(kernel.db, year);
  if (missing.length === 0) return { year, kinds: [] };
  return kernel.db.transaction().execute(async (tx) => {
    // Re-read inside the transaction: another process may have seeded in between.
    const still = await kindsWithoutRows(tx, year);
    return seedClassifications(tx, year, SYSTEM_ACTOR, still);
  });
}

// ------------------------------------------------------------------ lookups for the ledger

/**
 * The year whose set answers for `year`: the year itself when it has rows of this kind,
 * otherwise the latest earlier year that has; null when there is none at all.
 */
export async function effectiveYear(db: Executor, kind: ClassificationKind, year: number): Promise<number | null> {
  return latestYearWithRows(db, kind, year);
}

/** The class with this code in the year's set, or null. */
export async function lookupClass(db: Executor, kind: ClassificationKind, year: number, code: string): Promise<ClassificationView | null> {
  const setYear = await effectiveYear(db, kind, year);
  if (setYear === null) return null;
  const row = await db
    .selectFrom('classifications')
    .selectAll()
    .where('kind', '=', kind)
    .where('year', '=', setYear)
    .where('code', '=', code)
    .executeTakeFirst();
  return row ? classificationView(row) : null;
}

/** The class with this code, or CLASSIFICATION_NOT_FOUND (422) with details {kind, code, year}. */
export async function assertClassExists(db: Executor, kind: ClassificationKind, year: number, code: string): Promise<ClassificationView> {
  const found = await lookupClass(db, kind, year, code);
  if (!found) throw new AppError('CLASSIFICATION_NOT_FOUND', { kind, code, year });
  return found;
}

/** True when the economic code is a 三公经费 code; CLASSIFICATION_NOT_FOUND when the code does not exist. */
export async function isThreePublic(db: Executor, year: number, economicCode: string): Promise<boolean> {
  const found = await assertClassExists(db, 'economic', year, economicCode);
  return found.attrs.threePublic === true;
}

/**
 * personnel (301 工资福利支出, 303 对个人和家庭的补助) · operating (302 商品和服务支出) ·
 * capital (309, 310 资本性支出) · other; CLASSIFICATION_NOT_FOUND when the code does not exist.
 */
export async function economicCategory(db: Executor, year: number, code: string): Promise<EconomicCategory> {
  const found = await assertClassExists(db, 'economic', year, code);
  return found.attrs.category ?? deriveAttrs('economic', code).category ?? 'other';
}

// ------------------------------------------------------------------ reading for the API

export interface ListFilter {
  kind?: ClassificationKind | undefined;
  year: number;
  q?: string | undefined;
  parent?: string | undefined;
  level?: number | undefined;
}

export async function listClassifications(db: Executor, filter: ListFilter): Promise<ClassificationView[]> {
  const out: ClassificationView[] = [];
  for (const kind of filter.kind ? [filter.kind] : CLASSIFICATION_KINDS) {
    const setYear = await effectiveYear(db, kind, filter.year);
    if (setYear === null) continue;
    const rows = await db
      .selectFrom('classifications')
      .selectAll()
      .where('kind', '=', kind)
      .where('year', '=', setYear)
      .$if(filter.parent !== undefined, (qb) => qb.where('parent_code', '=', filter.parent!))
      .$if(filter.level !== undefined, (qb) => qb.where('level', '=', filter.level!))
      .orderBy('code')
      .execute();
    const q = filter.q?.trim();
    for (const row of rows) {
      if (q && !row.code.startsWith(q) && !row.name.includes(q)) continue;
      out.push(classificationView(row));
    }
  }
  return out;
}

export async function listClassificationYears(db: Executor) {
  const rows = await db
    .selectFrom('classifications')
    .select(['kind', 'year'])
    .distinct()
    .orderBy('year')
    .execute();
  return CLASSIFICATION_KINDS.map((kind) => ({
    kind,
    years: rows.filter((r) => r.kind === kind).map((r) => Number(r.year)),
    standardYears: standardYears(kind),
  }));
}

// ------------------------------------------------------------------ import

/** Reads a CSV or xlsx file into rows; a file that cannot be read is CLASSIFICATION_IMPORT_UNREADABLE. */
export async function readImportFile(format: ImportBody['format'], bytes: Buffer, lang: Lang = 'zh') {
  const sheet = format === 'csv' ? readCsv(bytes) : await readXlsx(bytes);
  const { rows, headerError } = dataRows(sheet, lang);
  if (rows.length > IMPORT_MAX_ROWS) throw new AppError('CLASSIFICATION_IMPORT_TOO_LARGE', { maxRows: IMPORT_MAX_ROWS });
  return { rows, headerError };
}

/**
 * Imports a spreadsheet of codes into one kind and year. Every row is checked first; `validate`
 * reports and writes nothing; `apply` writes only a file without errors, all rows in one
 * transaction with one audit entry, and refuses a file with errors (CLASSIFICATION_IMPORT_INVALID,
 * 422, the bad rows in details). New codes are inserted, codes whose name changed are updated;
 * codes missing from the file are kept (indicators and payments may reference them). A year
 * without a set of this kind first receives one as seeding would give it, then the file on top.
 */
export async function importClassifications(kernel: Kernel, by: AuditActor, input: ImportBody, lang: Lang = 'zh'): Promise<ImportResult> {
  const bytes = decodeImportContent(input.content);
  const { rows, headerError } = await readImportFile(input.format, bytes, lang);
  const { kind, year, mode } = input;

  const plan = async (db: Executor) => {
    const current = await db
      .selectFrom('classifications')
      .select(['code', 'name', 'attrs'])
      .where('kind', '=', kind)
      .where('year', '=', year)
      .execute();
    const base = current.length > 0
      ? current.map((r) => ({ code: r.code, name: r.name, attrs: r.attrs }))
      : (await sourceEntries(db, kind, await seedSource(db, kind, year))).map((e) => ({ code: e.code, name: e.name, attrs: JSON.stringify(e.attrs) }));
    const byCode = new Map(base.map((b) => [b.code, b]));
    const { entries, errors } = validateRows(kind, rows, new Set(byCode.keys()), lang);
    if (headerError) errors.unshift(headerError);
    const inserts = entries.filter((e) => !byCode.has(e.code));
    const updates = entries.filter((e) => {
      const before = byCode.get(e.code);
      return before !== undefined && (before.name !== e.name || before.attrs !== JSON.stringify(e.attrs));
    });
    return { seedNeeded: current.length === 0, seedCount: current.length === 0 ? base.length : 0, entries, errors, inserts, updates };
  };

  const resultOf = (p: Awaited<ReturnType<typeof plan>>): ImportResult => ({
    kind, year, mode,
    rows: rows.length,
    inserted: p.inserts.length,
    updated: p.updates.length,
    unchanged: p.entries.length - p.inserts.length - p.updates.length,
    seeded: p.seedCount,
    errors: p.errors,
  });

  if (mode === 'validate') return resultOf(await plan(kernel.db));

  return kernel.db.transaction().execute(async (tx) => {
    const p = await plan(tx);
    const result = resultOf(p);
    if (p.errors.length > 0) {
      throw new AppError('CLASSIFICATION_IMPORT_INVALID', { kind, year, rows: rows.length, count: p.errors.length, errors: p.errors });
    }
    if (p.seedNeeded) await seedKind(tx, kind, year);
    await insertEntries(tx, kind, year, p.inserts);
    for (const e of p.updates) {
      await tx
        .updateTable('classifications')
        .set({ name: e.name, attrs: JSON.stringify(e.attrs) })
        .where('kind', '=', kind)
        .where('year', '=', year)
        .where('code', '=', e.code)
        .execute();
    }
    const counts = { kind, year, format: input.format, rows: result.rows, inserted: result.inserted, updated: result.updated, seeded: result.seeded };
    await appendAudit(tx, {
      actor: by, unitId: null, action: 'classification.import', entity: 'classification', entityId: `${kind}:${year}`, after: counts,
    });
    if (result.inserted + result.updated + result.seeded > 0) {
      await publishEvent(tx, { type: 'classification.imported', unitId: null, payload: counts });
    }
    return result;
  });
}
