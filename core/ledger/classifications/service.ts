import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Selectable } from 'kysely';
import type { Executor, Tx } from '../../db/connection.js';
import type { ClassificationKind, ClassificationsTable } from '../../db/schema.js';
import type { Kernel } from '../../kernel.js';
import { runCommand } from '../../db/command.js';
import { appendAudit, SYSTEM_ACTOR, type AuditActor } from '../../audit/service.js';
import { AppError } from '../errors.js';
import { CLASSIFICATION_KINDS, type ClassAttrs, type ClassificationView, type EconomicCategory } from './schema.js';
import { deriveAttrs, type ClassEntry } from './codes.js';
import { dataRows, readCsv, validateRows } from './parse.js';

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
 * Parents and attributes are derived from the code (codes.ts). Files are read and checked in
 * parse.ts; a spreadsheet import is the command in import.ts.
 */


export type { ClassificationKind };

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

export type SeedSource = { from: 'standard'; year: number } | { from: 'database'; year: number } | { from: 'none' };

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
export async function seedSource(db: Executor, kind: ClassificationKind, year: number): Promise<SeedSource> {
  const shipped = standardYears(kind);
  if (shipped.includes(year)) return { from: 'standard', year };
  const earlier = await latestYearWithRows(db, kind, year - 1);
  if (earlier !== null) return { from: 'database', year: earlier };
  const shippedEarlier = shipped.filter((y) => y < year);
  if (shippedEarlier.length > 0) return { from: 'standard', year: shippedEarlier[shippedEarlier.length - 1]! };
  if (shipped.length > 0) return { from: 'standard', year: shipped[0]! };
  return { from: 'none' };
}

export async function sourceEntries(db: Executor, kind: ClassificationKind, source: SeedSource): Promise<ClassEntry[]> {
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
export async function insertEntries(tx: Tx, kind: ClassificationKind, year: number, entries: ClassEntry[]): Promise<number> {
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

export async function seedKind(tx: Tx, kind: ClassificationKind, year: number) {
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
  return runCommand(kernel, async (tx) => {
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
