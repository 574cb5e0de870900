import type { Selectable } from 'kysely';
import type { Executor, Tx } from '../../db/connection.js';
import type { StandardRowsTable, StandardVersionsTable } from '../../db/schema.js';
import { businessDate, nowIso } from '../../clock.js';
import { appendAudit, type AuditActor } from '../../audit/service.js';
import { auditActorOf } from '../../accounts/service.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { AppError } from './errors.js';
import { NATIONAL_ROWS, NATIONAL_VERSION } from './national.js';
import { StandardRowInput, type StandardChange, type StandardDiff, type StandardRow, type StandardVersionSummary } from '@unibudget/sdk/contracts/standards';

/*
 * 支出标准 as versioned data. A version is a set of rows adopted by one unit at a date (the national
 * set has no owner). For each owner on a unit's path (itself, its supervising department, the bureau,
 * then the national set) the adopted version with the latest effective date not after the date is in
 * force; per item and tier the nearest owner's row wins, so a bureau's table overrides the national
 * rows it names and leaves the others. A row may narrow its own window (effective from/to). Proposals — by a person or by a plugin through the host
 * call `standards.propose` — change nothing until someone holding standard.manage adopts them.
 */

type VersionRow = Selectable<StandardVersionsTable>;
type RowRow = Selectable<StandardRowsTable>;

export interface NewVersionInput {
  title: string;
  effectiveFrom: string;
  sourceDocument: string;
  reason: string;
  basedOn: number | null;
  rows: StandardRow[];
}

// ------------------------------------------------------------------ seeding

/** Seeds the national set once (idempotent): the system adopts it, citing the texts in national.ts. */
export async function seedNationalStandards(tx: Tx): Promise<void> {
  const present = await tx.selectFrom('standard_versions').select('id').where('owner_unit_id', 'is', null).executeTakeFirst();
  if (present) return;
  const now = nowIso();
  const version = await tx
    .insertInto('standard_versions')
    .values({
      owner_unit_id: null, title: NATIONAL_VERSION.title, status: 'adopted', effective_from: NATIONAL_VERSION.effectiveFrom,
      source_document: NATIONAL_VERSION.sourceDocument, reason: NATIONAL_VERSION.reason, based_on: null, proposed_via: 'core',
      proposed_by: null, created_at: now, decided_by: null, decided_at: now, decision_note: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  // Through the contract's schema, so the seed obeys what an import must.
  await insertRows(tx, version.id, parseRows(NATIONAL_ROWS.map((r) => ({ ...r, effectiveTo: null }))));
}

async function insertRows(tx: Executor, versionId: number, rows: StandardRow[]): Promise<void> {
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${r.item}/${r.tier}`;
    if (seen.has(key)) throw new AppError('STANDARD_ROWS_DUPLICATE', { item: r.item, tier: r.tier });
    seen.add(key);
  }
  // Chunks keep every insert under SQLite's bound-parameter limit.
  for (let i = 0; i < rows.length; i += 200) {
    await tx
      .insertInto('standard_rows')
      .values(rows.slice(i, i + 200).map((r) => ({
        version_id: versionId, item: r.item, tier: r.tier, name: r.name, region: r.region, rank: r.rank, season: r.season,
        economic_code: r.economicCode, cap: r.cap, per: r.per, effective_from: r.effectiveFrom, effective_to: r.effectiveTo,
        source: r.source, verified: r.verified ? 1 : 0, note: r.note,
      })))
      .execute();
  }
}

// ------------------------------------------------------------------ reading

/** The owners a unit may follow, nearest first: itself, its ancestors, then the national set (null). */
async function ownerChain(db: Executor, unitId: string): Promise<Array<string | null>> {
  const unit = await db.selectFrom('units').select('path').where('id', '=', unitId).executeTakeFirst();
  if (!unit) throw new AppError('UNIT_NOT_FOUND', { unitId });
  return [...unit.path.split('/').filter(Boolean).reverse(), null];
}

export function rowView(r: RowRow): StandardRow {
  return {
    item: r.item, tier: r.tier, name: r.name, region: r.region, rank: r.rank, season: r.season, economicCode: r.economic_code,
    cap: Number(r.cap), per: r.per as StandardRow['per'], effectiveFrom: r.effective_from, effectiveTo: r.effective_to,
    source: r.source, verified: r.verified === 1, note: r.note,
  };
}

function rowApplies(r: { effectiveFrom: string | null; effectiveTo: string | null }, date: string): boolean {
  return (r.effectiveFrom === null || r.effectiveFrom <= date) && (r.effectiveTo === null || r.effectiveTo >= date);
}

/** Adopted versions of a unit's chain, latest effective date first. */
async function chainVersions(db: Executor, chain: Array<string | null>): Promise<VersionRow[]> {
  const owners = chain.filter((o): o is string => o !== null);
  return db
    .selectFrom('standard_versions')
    .selectAll()
    .where('status', '=', 'adopted')
    .where((eb) => eb.or([eb('owner_unit_id', 'is', null), ...(owners.length ? [eb('owner_unit_id', 'in', owners)] : [])]))
    .orderBy('effective_from', 'desc')
    .orderBy('id', 'desc')
    .execute();
}

/** Per owner of the chain, the version in force on the date: nearest owner first. */
function inForceOn(chain: Array<string | null>, versions: VersionRow[], date: string): VersionRow[] {
  const out: VersionRow[] = [];
  for (const owner of chain) {
    const found = versions.find((v) => v.owner_unit_id === owner && v.effective_from <= date);
    if (found) out.push(found);
  }
  return out;
}

export async function versionsInForce(db: Executor, unitId: string, date: string): Promise<VersionRow[]> {
  const chain = await ownerChain(db, unitId);
  return inForceOn(chain, await chainVersions(db, chain), date);
}

export async function versionRows(db: Executor, versionId: number): Promise<StandardRow[]> {
  const rows = await db.selectFrom('standard_rows').selectAll().where('version_id', '=', versionId).orderBy('item').orderBy('id').execute();
  return rows.map(rowView);
}

/** The standard rows in force for a unit on a date: per item and tier, the nearest owner's row that applies. */
export async function standardsInForce(db: Executor, unitId: string, date: string): Promise<{ versions: VersionRow[]; rows: Array<StandardRow & { versionId: number }> }> {
  const versions = await versionsInForce(db, unitId, date);
  const seen = new Set<string>();
  const rows: Array<StandardRow & { versionId: number }> = [];
  for (const v of versions) {
    for (const r of await versionRows(db, v.id)) {
      const key = `${r.item}\u0000${r.tier}`;
      if (seen.has(key) || !rowApplies(r, date)) continue;
      seen.add(key);
      rows.push({ ...r, versionId: v.id });
    }
  }
  return { versions, rows };
}

/** One row in force: what the ledger's EXPENDITURE_STANDARD_EXCEEDED rule reads for a payment dated `date`. */
export async function standardInForce(db: Executor, unitId: string, date: string, item: string, tier: string): Promise<StandardRow | undefined> {
  for (const v of await versionsInForce(db, unitId, date)) {
    const row = await db.selectFrom('standard_rows').selectAll().where('version_id', '=', v.id).where('item', '=', item).where('tier', '=', tier).executeTakeFirst();
    const view = row ? rowView(row) : undefined;
    if (view && rowApplies(view, date)) return view;
  }
  return undefined;
}

/**
 * Every adopted version a unit may follow (its chain), for evaluating many dates at once (the trial
 * run): `lookup(date, item, tier)` answers as standardInForce would, without a query per payment.
 */
export async function standardsResolver(db: Executor, unitId: string): Promise<(date: string, item: string, tier: string) => StandardRow | undefined> {
  const chain = await ownerChain(db, unitId);
  const versions = await chainVersions(db, chain);
  const rowsByVersion = new Map<number, Map<string, StandardRow>>();
  if (versions.length) {
    const rows = await db.selectFrom('standard_rows').selectAll().where('version_id', 'in', versions.map((v) => v.id)).execute();
    for (const r of rows) {
      let m = rowsByVersion.get(r.version_id);
      if (!m) rowsByVersion.set(r.version_id, (m = new Map()));
      m.set(`${r.item}\u0000${r.tier}`, rowView(r));
    }
  }
  const memo = new Map<string, VersionRow[]>();
  return (date, item, tier) => {
    let list = memo.get(date);
    if (!list) memo.set(date, (list = inForceOn(chain, versions, date)));
    for (const v of list) {
      const row = rowsByVersion.get(v.id)?.get(`${item}\u0000${tier}`);
      if (row && rowApplies(row, date)) return row;
    }
    return undefined;
  };
}

function summaryOf(v: VersionRow, rowCount: number, inForce: ReadonlySet<number>, names: Map<number, string>): StandardVersionSummary {
  return {
    id: v.id, ownerUnitId: v.owner_unit_id, title: v.title, status: v.status, effectiveFrom: v.effective_from,
    sourceDocument: v.source_document, reason: v.reason, basedOn: v.based_on, proposedVia: v.proposed_via,
    proposedBy: v.proposed_by, proposedByName: v.proposed_by === null ? null : (names.get(v.proposed_by) ?? null),
    createdAt: v.created_at, decidedBy: v.decided_by, decidedByName: v.decided_by === null ? null : (names.get(v.decided_by) ?? null),
    decidedAt: v.decided_at, decisionNote: v.decision_note, rowCount, inForce: inForce.has(v.id),
  };
}

async function userNames(db: Executor, ids: Array<number | null>): Promise<Map<number, string>> {
  const wanted = [...new Set(ids.filter((i): i is number => i !== null))];
  if (!wanted.length) return new Map();
  const rows = await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', wanted).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** The history a unit sees: every version of its chain (adopted, proposed, rejected), newest first. */
export async function listVersions(db: Executor, unitId: string): Promise<StandardVersionSummary[]> {
  const chain = await ownerChain(db, unitId);
  const owners = chain.filter((o): o is string => o !== null);
  const versions = await db
    .selectFrom('standard_versions')
    .selectAll()
    .where((eb) => eb.or([eb('owner_unit_id', 'is', null), ...(owners.length ? [eb('owner_unit_id', 'in', owners)] : [])]))
    .orderBy('id', 'desc')
    .execute();
  const counts = versions.length
    ? await db.selectFrom('standard_rows').select((eb) => ['version_id', eb.fn.countAll<number>().as('n')]).where('version_id', 'in', versions.map((v) => v.id)).groupBy('version_id').execute()
    : [];
  const countOf = new Map(counts.map((c) => [c.version_id, Number(c.n)]));
  const current = await todaysIds(db, unitId);
  const names = await userNames(db, versions.flatMap((v) => [v.proposed_by, v.decided_by]));
  return versions.map((v) => summaryOf(v, countOf.get(v.id) ?? 0, current, names));
}

/** A version the unit may see (its chain), with its rows. */
export async function getVersion(db: Executor, unitId: string, versionId: number) {
  const chain = await ownerChain(db, unitId);
  const v = await db.selectFrom('standard_versions').selectAll().where('id', '=', versionId).executeTakeFirst();
  if (!v || !chain.includes(v.owner_unit_id)) throw new AppError('STANDARD_VERSION_NOT_FOUND', { versionId });
  const rows = await versionRows(db, v.id);
  const names = await userNames(db, [v.proposed_by, v.decided_by]);
  return { ...summaryOf(v, rows.length, await todaysIds(db, unitId), names), rows };
}

const todaysIds = async (db: Executor, unitId: string) => new Set((await versionsInForce(db, unitId, businessDate())).map((v) => v.id));

export async function inForceView(db: Executor, unitId: string, date: string) {
  const { versions, rows } = await standardsInForce(db, unitId, date);
  const names = await userNames(db, versions.flatMap((v) => [v.proposed_by, v.decided_by]));
  const today = await todaysIds(db, unitId);
  const counts = new Map<number, number>();
  for (const r of rows) counts.set(r.versionId, (counts.get(r.versionId) ?? 0) + 1);
  return { date, versions: versions.map((v) => summaryOf(v, counts.get(v.id) ?? 0, today, names)), rows };
}

// ------------------------------------------------------------------ writing

async function insertVersion(tx: Executor, owner: string, input: NewVersionInput, via: string, proposedBy: number | null): Promise<VersionRow> {
  const version = await tx
    .insertInto('standard_versions')
    .values({
      owner_unit_id: owner, title: input.title, status: 'proposed', effective_from: input.effectiveFrom, source_document: input.sourceDocument,
      reason: input.reason, based_on: input.basedOn, proposed_via: via, proposed_by: proposedBy, created_at: nowIso(),
      decided_by: null, decided_at: null, decision_note: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await insertRows(tx, version.id, input.rows);
  return version;
}

/** A person with standard.manage writes a new version for the unit: proposed, or adopted at once. */
export async function createVersion(tx: Tx, actor: Actor, scope: UnitScope, input: NewVersionInput & { adopt?: boolean }) {
  const version = await insertVersion(tx, scope.unitId, input, 'core', actor.userId);
  await appendAudit(tx, {
    actor: auditActorOf(actor), unitId: scope.unitId, action: 'standard.propose', entity: 'standard_version', entityId: version.id,
    after: { title: input.title, effectiveFrom: input.effectiveFrom, sourceDocument: input.sourceDocument, rows: input.rows.length },
  });
  if (input.adopt) return decideVersion(tx, actor, scope, version.id, 'adopted', input.reason);
  return getVersion(tx, scope.unitId, version.id);
}

/**
 * A plugin's proposal (host call `standards.propose`, permission standards.propose): stored as
 * proposed in the plugin's unit, audited under the plugin's name; it changes no cap until a person
 * adopts it.
 */
export async function proposeFromPlugin(db: Executor, unitId: string, pluginId: string, input: NewVersionInput) {
  const write = async (tx: Executor) => {
    const version = await insertVersion(tx, unitId, input, `plugin:${pluginId}`, null);
    const actor: AuditActor = { userId: null, username: `plugin:${pluginId}` };
    await appendAudit(tx as Tx, {
      actor, unitId, action: 'standard.propose', entity: 'standard_version', entityId: version.id,
      after: { title: input.title, effectiveFrom: input.effectiveFrom, sourceDocument: input.sourceDocument, rows: input.rows.length },
    });
    return version.id;
  };
  const id = await (db.isTransaction ? write(db) : db.transaction().execute(write));
  return getVersion(db, unitId, id);
}

/** Adopts (or rejects) a proposed version of this unit; adoption makes it the law from its effective date. */
export async function decideVersion(tx: Tx, actor: Actor, scope: UnitScope, versionId: number, decision: 'adopted' | 'rejected', note: string | null) {
  const v = await tx.selectFrom('standard_versions').selectAll().where('id', '=', versionId).where('owner_unit_id', '=', scope.unitId).executeTakeFirst();
  if (!v) throw new AppError('STANDARD_VERSION_NOT_FOUND', { versionId });
  if (v.status !== 'proposed') throw new AppError('STANDARD_VERSION_NOT_PROPOSED', { versionId, status: v.status });
  const decided = await tx
    .updateTable('standard_versions')
    .set({ status: decision, decided_by: actor.userId, decided_at: nowIso(), decision_note: note })
    .where('id', '=', versionId)
    .where('status', '=', 'proposed')
    .executeTakeFirst();
  if (Number(decided.numUpdatedRows) !== 1) throw new AppError('STANDARD_VERSION_NOT_PROPOSED', { versionId, status: 'decided' });
  await appendAudit(tx, {
    actor: auditActorOf(actor), unitId: scope.unitId, action: decision === 'adopted' ? 'standard.adopt' : 'standard.reject',
    entity: 'standard_version', entityId: versionId, before: { status: 'proposed' }, after: { status: decision, note, effectiveFrom: v.effective_from },
  });
  return getVersion(tx, scope.unitId, versionId);
}

// ------------------------------------------------------------------ difference analysis

const COMPARED: Array<keyof StandardRow> = ['name', 'region', 'rank', 'season', 'economicCode', 'cap', 'per', 'effectiveFrom', 'effectiveTo', 'source', 'verified'];

/** The parameter changes from one set to another, row by row (keyed by item and tier), in a stable order. */
export function diffRows(before: StandardRow[], after: StandardRow[]): StandardChange[] {
  const key = (r: StandardRow) => `${r.item}\u0000${r.tier}`;
  const old = new Map(before.map((r) => [key(r), r]));
  const next = new Map(after.map((r) => [key(r), r]));
  const changes: StandardChange[] = [];
  for (const r of after) {
    const was = old.get(key(r));
    if (!was) {
      changes.push({ kind: 'added', item: r.item, tier: r.tier, name: r.name, field: null, before: null, after: r.cap });
      continue;
    }
    for (const field of COMPARED) {
      if (was[field] !== r[field]) changes.push({ kind: 'changed', item: r.item, tier: r.tier, name: r.name, field, before: was[field] ?? null, after: r[field] ?? null });
    }
  }
  for (const r of before) if (!next.has(key(r))) changes.push({ kind: 'removed', item: r.item, tier: r.tier, name: r.name, field: null, before: r.cap, after: null });
  const order = (c: StandardChange) => `${c.item}\u0000${c.tier}\u0000${c.field ?? ''}`;
  return changes.sort((x, y) => (order(x) < order(y) ? -1 : order(x) > order(y) ? 1 : 0));
}

export function diffSummary(from: number, to: number, changes: StandardChange[]): StandardDiff {
  const count = (k: StandardChange['kind']) => new Set(changes.filter((c) => c.kind === k).map((c) => `${c.item}/${c.tier}`)).size;
  return { from, to, changes, summary: { added: count('added'), removed: count('removed'), changed: count('changed') } };
}

export async function diffVersions(db: Executor, unitId: string, from: number, to: number): Promise<StandardDiff> {
  const a = await getVersion(db, unitId, from);
  const b = await getVersion(db, unitId, to);
  return diffSummary(from, to, diffRows(a.rows, b.rows));
}

/** Parses rows coming from outside (a plugin, an import) with the contract's schema; throws the first problem. */
export function parseRows(rows: unknown[]): StandardRow[] {
  return rows.map((r, i) => {
    const parsed = StandardRowInput.safeParse(r);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError('STANDARD_IMPORT_INVALID', { row: i + 1, reason: `${issue.path.join('.')}: ${issue.message}` });
    }
    return parsed.data;
  });
}
