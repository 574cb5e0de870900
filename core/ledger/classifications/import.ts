import type { Executor, Tx } from '../../db/connection.js';
import { appendAudit } from '../../audit/service.js';
import { auditActorOf } from '../../accounts/service.js';
import { publishEvent } from '../../events/outbox.js';
import type { Actor } from '../../permissions/service.js';
import { AppError, type Lang } from '../errors.js';
import type { ImportBody, ImportResult, ImportRowError } from './schema.js';
import { decodeImportContent, readImportFile, validateRows, type ParsedRow } from './parse.js';
import { insertEntries, seedKind, seedSource, sourceEntries } from './service.js';

/*
 * Imports a spreadsheet of codes into one kind and year. Every row is checked first; `validate`
 * reports and writes nothing; `apply` writes only a file without errors, all rows in one
 * transaction with one audit entry, and refuses a file with errors (CLASSIFICATION_IMPORT_INVALID,
 * 422, the bad rows in details). New codes are inserted, codes whose name changed are updated;
 * codes missing from the file are kept (indicators and payments may reference them). A year
 * without a set of this kind first receives one as seeding would give it, then the file on top.
 */

/** The rows of an uploaded file, with the header's problem if it has one. */
export interface ImportFile {
  rows: ParsedRow[];
  headerError: ImportRowError | null;
}

/**
 * Decodes and reads the uploaded file. Called before any transaction opens: unpacking a workbook
 * never holds the database. A file that cannot be read is refused here, before anything is looked up.
 */
export async function readImport(input: ImportBody, lang: Lang = 'zh'): Promise<ImportFile> {
  return readImportFile(input.format, decodeImportContent(input.content), lang);
}

async function planImport(db: Executor, input: ImportBody, file: ImportFile, lang: Lang) {
  const { kind, year } = input;
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
  const { entries, errors } = validateRows(kind, file.rows, new Set(byCode.keys()), lang);
  if (file.headerError) errors.unshift(file.headerError);
  const inserts = entries.filter((e) => !byCode.has(e.code));
  const updates = entries.filter((e) => {
    const before = byCode.get(e.code);
    return before !== undefined && (before.name !== e.name || before.attrs !== JSON.stringify(e.attrs));
  });
  return { seedNeeded: current.length === 0, seedCount: current.length === 0 ? base.length : 0, entries, errors, inserts, updates };
}

function resultOf(input: ImportBody, file: ImportFile, p: Awaited<ReturnType<typeof planImport>>): ImportResult {
  return {
    kind: input.kind, year: input.year, mode: input.mode,
    rows: file.rows.length,
    inserted: p.inserts.length,
    updated: p.updates.length,
    unchanged: p.entries.length - p.inserts.length - p.updates.length,
    seeded: p.seedCount,
    errors: p.errors,
  };
}

/** `validate`: what applying the file would do, and every problem of every bad row. Writes nothing. */
export async function checkImport(db: Executor, input: ImportBody, file: ImportFile, lang: Lang = 'zh'): Promise<ImportResult> {
  return resultOf(input, file, await planImport(db, input, file, lang));
}

/** `apply`: the command. A file with any bad row is refused and nothing is written. */
export async function applyImport(tx: Tx, actor: Actor, input: ImportBody, file: ImportFile, lang: Lang = 'zh'): Promise<ImportResult> {
  const { kind, year } = input;
  const p = await planImport(tx, input, file, lang);
  const result = resultOf(input, file, p);
  if (p.errors.length > 0) {
    throw new AppError('CLASSIFICATION_IMPORT_INVALID', { kind, year, rows: file.rows.length, count: p.errors.length, errors: p.errors });
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
  // Classification sets are shared by every unit: the entry and the event belong to no unit.
  const counts = { kind, year, format: input.format, rows: result.rows, inserted: result.inserted, updated: result.updated, seeded: result.seeded };
  await appendAudit(tx, {
    actor: auditActorOf(actor), unitId: null, action: 'classification.import', entity: 'classification', entityId: `${kind}:${year}`, after: counts,
  });
  if (result.inserted + result.updated + result.seeded > 0) {
    await publishEvent(tx, { type: 'classification.imported', unitId: null, payload: counts });
  }
  return result;
}
