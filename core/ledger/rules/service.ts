import { sql } from 'kysely';
import { dialectOf, type Executor, type Tx } from '../../db/connection.js';
import { prepared } from '../../db/prepared.js';
import { nowIso } from '../../clock.js';
import { appendAudit } from '../../audit/service.js';
import { auditActorOf } from '../../accounts/service.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { AppError, type ErrorCode } from '../errors.js';
import { DEFAULT_KIND_ECONOMIC_MAP, RULE_CODES, RULES, THREE_PUBLIC_CODES, type RuleCode, type RuleMode } from './catalog.js';
import type { Finding } from './schema.js';
import { DEFAULT_TIME_PROGRESS_BASIS, TIME_PROGRESS_BASES, type TimeProgressBasis } from '../time-progress.js';
import { seedNationalStandards, versionRows } from '../standards/service.js';

const selectPeriodStatus = prepared((db: Executor, unitId: string, year: number, month: number) =>
  db.selectFrom('periods').select('status').where('unit_id', '=', unitId).where('year', '=', year).where('month', '=', month));
const selectRuleModes = prepared((db: Executor, unitId: string) => db.selectFrom('rule_settings').select(['rule_code', 'mode']).where('unit_id', '=', unitId));

export async function ruleModes(db: Executor, unitId: string): Promise<Record<RuleCode, RuleMode>> {
  return modesFrom(await selectRuleModes(db, unitId));
}

/** Every rule's mode: the unit's setting where it has one for a configurable rule, else block. */
function modesFrom(rows: Array<{ rule_code: string; mode: RuleMode }>): Record<RuleCode, RuleMode> {
  const modes = Object.fromEntries(RULE_CODES.map((c) => [c, 'block'])) as Record<RuleCode, RuleMode>;
  for (const row of rows) if (row.rule_code in RULES && !RULES[row.rule_code as RuleCode].hard) modes[row.rule_code as RuleCode] = row.mode;
  return modes;
}

/** The rules with the unit's modes, labelled in the reader's language (the catalog keeps zh and en). */
export async function listRuleSettings(db: Executor, unitId: string, lang: 'zh' | 'en' = 'zh') {
  const modes = await ruleModes(db, unitId);
  return RULE_CODES.map((code) => ({ code, label: RULES[code][lang], hard: RULES[code].hard, mode: modes[code] }));
}

/** The unit sets a configurable rule to block, warn or ignore (rule.manage); hard rules always block. */
export async function setRuleMode(tx: Tx, actor: Actor, scope: UnitScope, code: RuleCode, mode: RuleMode, lang: 'zh' | 'en' = 'zh') {
  const { unitId } = scope;
  if (RULES[code].hard && mode !== 'block') throw new AppError('RULE_NOT_CONFIGURABLE', { rule: code });
  const before = (await ruleModes(tx, unitId))[code];
  await tx.deleteFrom('rule_settings').where('unit_id', '=', unitId).where('rule_code', '=', code).execute();
  await tx.insertInto('rule_settings').values({ unit_id: unitId, rule_code: code, mode, updated_by: actor.userId, updated_at: nowIso() }).execute();
  await appendAudit(tx, { actor: auditActorOf(actor), unitId, action: 'rule.set_mode', entity: 'rule', entityId: `${unitId}:${code}`, before: { mode: before }, after: { mode } });
  return { code, label: RULES[code][lang], hard: RULES[code].hard, mode };
}

/** What a rule's mode makes of a finding: ignored rules vanish, warned ones warn, the rest block. */
export function severityOf(mode: RuleMode): 'block' | 'warn' | null {
  return mode === 'ignore' ? null : mode === 'warn' ? 'warn' : 'block';
}

/** Where the rule judgments (engine.ts) put what they find: a draft's Findings, or a trial's raw list. */
export interface FindingSink {
  add(rule: RuleCode, details: Record<string, unknown>): void;
}

/**
 * Collects what the rules say about one draft, already weighed by the unit's modes: ignored rules
 * vanish, warned ones become warnings. Messages come from the error catalog, so a finding and the
 * refusal it may cause read the same.
 */
export class Findings implements FindingSink {
  readonly items: Finding[] = [];
  constructor(private readonly modes: Record<RuleCode, RuleMode>) {}

  add(rule: RuleCode, details: Record<string, unknown>): void {
    const severity = severityOf(this.modes[rule]);
    if (!severity) return;
    const error = new AppError(rule as ErrorCode, details);
    // Both languages: a finding is stored with its document and read later by either reader.
    this.items.push({ rule, severity, message: error.messageIn('zh'), messageEn: error.messageIn('en'), details });
  }

  /** The same findings less those of rules an authorized person already overrode for this document. */
  without(overriddenRules: Iterable<string>): Findings {
    const skip = new Set(overriddenRules);
    const rest = new Findings(this.modes);
    rest.items.push(...this.items.filter((f) => !skip.has(f.rule) || RULES[f.rule as RuleCode].hard));
    return rest;
  }

  get blocking(): Finding[] {
    return this.items.filter((f) => f.severity === 'block');
  }

  /**
   * Refuses the command when a rule blocks, with the first blocking rule's code. A requester may
   * ask to override configurable blocks with a reason: they pass as `overridden` warnings and the
   * document then needs the approval of someone holding rule.override. Hard rules never pass.
   */
  enforce(overrideReason: string | undefined): Finding[] {
    const blocking = this.blocking;
    if (blocking.length === 0) return this.items;
    const onlySoft = blocking.every((f) => !RULES[f.rule as RuleCode].hard);
    if (overrideReason && onlySoft) {
      return this.items.map((f) => (f.severity === 'block' ? { ...f, severity: 'warn' as const, overridden: true, overrideReason } : f));
    }
    const first = blocking[0]!;
    throw new AppError(first.rule as ErrorCode, { ...first.details, findings: this.items });
  }
}

/**
 * The rules every dated document meets: its date lies in the year of each indicator it touches
 * (YEAR_MISMATCH) and in a period that is not closed (PERIOD_CLOSED).
 */
export async function addDateFindings(db: Executor, findings: Findings, unitId: string, date: string, indicatorYears: number[]): Promise<void> {
  const [period] = await selectPeriodStatus(db, unitId, ...yearMonthOf(date));
  dateFindings(findings, period?.status ?? null, date, indicatorYears);
}

const yearMonthOf = (date: string): [number, number] => [Number(date.slice(0, 4)), Number(date.slice(5, 7))];

function dateFindings(findings: Findings, periodStatus: string | null, date: string, indicatorYears: number[]): void {
  const [year, month] = yearMonthOf(date);
  for (const indicatorYear of new Set(indicatorYears)) if (indicatorYear !== year) findings.add('YEAR_MISMATCH', { year: indicatorYear, date });
  if (periodStatus === 'closed') findings.add('PERIOD_CLOSED', { year, month, date });
}

/**
 * What the check of a payment or a transfer reads of its unit, in one statement (on PostgreSQL one
 * round trip, not three): the rules' modes, the status of the period of the document's date and the
 * ledger settings. The findings start with the date's (YEAR_MISMATCH, PERIOD_CLOSED; none without a date).
 */
export async function documentRules(db: Executor, unitId: string, date: string | undefined, indicatorYears: number[]) {
  const [row] = await selectDocumentRules(db, unitId, ...yearMonthOf(date ?? '0000-00'));
  const modes = JSON.parse(row?.modes ?? '[]') as Array<[string, RuleMode]>;
  const findings = new Findings(modesFrom(modes.map(([rule_code, mode]) => ({ rule_code, mode }))));
  if (date) dateFindings(findings, row?.period_status ?? null, date, indicatorYears);
  const stored = row?.settings ? (JSON.parse(row.settings) as [number, string, string]) : null;
  const settings = settingsFrom(stored && { flexible_threshold: stored[0], kind_economic_map: stored[1], options: stored[2] });
  return { findings, settings };
}

const selectDocumentRules = prepared((db: Executor, unitId: string, year: number, month: number) => dialectOf(db) === 'postgres'
  ? sql<{ modes: string | null; period_status: string | null; settings: string | null }>`select
      (select json_agg(json_build_array(rule_code, mode))::text from rule_settings where unit_id = ${unitId}) as modes,
      (select status from periods where unit_id = ${unitId} and year = ${year} and month = ${month}) as period_status,
      (select json_build_array(flexible_threshold, kind_economic_map, options)::text from ledger_settings where unit_id = ${unitId}) as settings`
  : sql<{ modes: string | null; period_status: string | null; settings: string | null }>`select
      (select json_group_array(json_array(rule_code, mode)) from rule_settings where unit_id = ${unitId}) as modes,
      (select status from periods where unit_id = ${unitId} and year = ${year} and month = ${month}) as period_status,
      (select json_array(flexible_threshold, kind_economic_map, options) from ledger_settings where unit_id = ${unitId}) as settings`);

/** Rules a requester asked to override when the document was submitted. */
export function overriddenRules(warnings: Array<{ rule: string; overridden?: boolean }>): string[] {
  return warnings.filter((w) => w.overridden).map((w) => w.rule);
}

/** The final approval of a document carrying overrides must come from a holder of rule.override. */
export function assertMayApproveOverride(scope: UnitScope, warnings: Array<{ overridden?: boolean }>): void {
  if (warnings.some((w) => w.overridden) && (!scope.permissions.has('rule.override') || scope.readOnly)) {
    throw new AppError('OVERRIDE_NOT_ALLOWED');
  }
}

// ---------------------------------------------------------------- per-unit ledger settings

export interface LedgerSettings {
  flexibleThreshold: number;
  kindEconomicMap: typeof DEFAULT_KIND_ECONOMIC_MAP;
  /** 序时进度 by completed months or by days (core/ledger/time-progress.ts); default 'month'. */
  timeProgressBasis?: TimeProgressBasis;
  /** 预算公开/决算 export when its checks fail: refuse (default) or mark (accounting/disclosure-checks.ts). */
  disclosureFailedChecks?: 'refuse' | 'mark';
  /** Salaries (301) accrue to 2201 at approval and clear it when paid (accounting/posting.ts); default false. */
  salaryAccrual?: boolean;
  /** Economic class prefix → asset account overrides of assets/data/asset-accounts.csv; default none. */
  assetAccountMap?: Record<string, string>;
}

/** The settings as read: every optional one resolved to the unit's value or its default, so readers need no fallback. */
export type ResolvedLedgerSettings = LedgerSettings & Required<Pick<LedgerSettings, keyof typeof OPTION_DEFAULTS>>;

/** Optional settings stored in the `options` JSON column (migration 013), each with its default. */
const OPTION_DEFAULTS = { timeProgressBasis: DEFAULT_TIME_PROGRESS_BASIS as TimeProgressBasis, disclosureFailedChecks: 'refuse' as 'refuse' | 'mark', salaryAccrual: false, assetAccountMap: {} as Record<string, string> };
function readOptions(json: string | undefined): typeof OPTION_DEFAULTS {
  const stored = JSON.parse(json || '{}') as Record<string, unknown>;
  const basis = TIME_PROGRESS_BASES.find((b) => b === stored.timeProgressBasis) ?? OPTION_DEFAULTS.timeProgressBasis;
  const assetAccountMap = stored.assetAccountMap && typeof stored.assetAccountMap === 'object' ? (stored.assetAccountMap as Record<string, string>) : {};
  return { ...OPTION_DEFAULTS, timeProgressBasis: basis, disclosureFailedChecks: stored.disclosureFailedChecks === 'mark' ? 'mark' : 'refuse', salaryAccrual: stored.salaryAccrual === true, assetAccountMap };
}
const optionsOf = (settings: LedgerSettings) => JSON.stringify({ timeProgressBasis: settings.timeProgressBasis ?? OPTION_DEFAULTS.timeProgressBasis, disclosureFailedChecks: settings.disclosureFailedChecks ?? OPTION_DEFAULTS.disclosureFailedChecks, salaryAccrual: settings.salaryAccrual ?? OPTION_DEFAULTS.salaryAccrual, assetAccountMap: settings.assetAccountMap ?? OPTION_DEFAULTS.assetAccountMap });

const DEFAULT_FLEXIBLE_THRESHOLD = 20_000_00; // 20,000 yuan

const selectLedgerSettings = prepared((db: Executor, unitId: string) => db.selectFrom('ledger_settings').selectAll().where('unit_id', '=', unitId));

export async function ledgerSettings(db: Executor, unitId: string): Promise<ResolvedLedgerSettings> {
  const [row] = await selectLedgerSettings(db, unitId);
  return settingsFrom(row);
}

function settingsFrom(row: { flexible_threshold: number; kind_economic_map: string; options: string } | null | undefined): ResolvedLedgerSettings {
  if (!row) return { flexibleThreshold: DEFAULT_FLEXIBLE_THRESHOLD, kindEconomicMap: DEFAULT_KIND_ECONOMIC_MAP, ...OPTION_DEFAULTS };
  return { flexibleThreshold: row.flexible_threshold, kindEconomicMap: JSON.parse(row.kind_economic_map), ...readOptions(row.options) };
}

/** The flexible-quota threshold and the expenditure-kind → economic-class map (rule.manage). */
export async function saveLedgerSettings(tx: Tx, actor: Actor, scope: UnitScope, settings: LedgerSettings) {
  const { unitId } = scope;
  const before = await ledgerSettings(tx, unitId);
  await tx.deleteFrom('ledger_settings').where('unit_id', '=', unitId).execute();
  await tx
    .insertInto('ledger_settings')
    .values({ unit_id: unitId, flexible_threshold: settings.flexibleThreshold, kind_economic_map: JSON.stringify(settings.kindEconomicMap), options: optionsOf(settings), updated_at: nowIso() })
    .execute();
  await appendAudit(tx, { actor: auditActorOf(actor), unitId, action: 'ledger_settings.update', entity: 'ledger_settings', entityId: unitId, before, after: settings });
  return settings;
}

export function economicFitsKind(settings: LedgerSettings, kind: keyof LedgerSettings['kindEconomicMap'], economicCode: string): boolean {
  return settings.kindEconomicMap[kind].some((prefix) => economicCode.startsWith(prefix));
}

// ---------------------------------------------------------------- 三公经费 caps

/** Frozen + paid on a 三公 economic class in a unit's year: what counts against its cap. */
export async function threePublicUsed(db: Executor, unitId: string, year: number, economicCode: string): Promise<number> {
  const row = await db
    .selectFrom('indicators')
    .select((eb) => [eb.fn.coalesce(eb.fn.sum<number>(eb('frozen_amount', '+', eb.ref('paid_amount'))), eb.lit(0)).as('used')])
    .where('unit_id', '=', unitId)
    .where('year', '=', year)
    .where('economic_code', '=', economicCode)
    .executeTakeFirstOrThrow();
  return Number(row.used);
}

export async function threePublicCap(db: Executor, unitId: string, year: number, economicCode: string): Promise<number | null> {
  const row = await db
    .selectFrom('three_public_caps')
    .select('amount')
    .where('unit_id', '=', unitId)
    .where('year', '=', year)
    .where('economic_code', '=', economicCode)
    .executeTakeFirst();
  return row ? row.amount : null;
}

export async function listCaps(db: Executor, unitId: string, year: number) {
  const caps = [];
  for (const code of THREE_PUBLIC_CODES) {
    const amount = await threePublicCap(db, unitId, year, code);
    if (amount !== null) caps.push({ economicCode: code, amount, used: await threePublicUsed(db, unitId, year, code) });
  }
  return caps;
}

/** Sets the year's 三公 caps per economic class (indicator.issue); classes not named keep theirs. */
export async function saveCaps(tx: Tx, actor: Actor, scope: UnitScope, input: { year: number; caps: Array<{ economicCode: string; amount: number }> }) {
  const { unitId } = scope;
  const { year, caps } = input;
  const before = await listCaps(tx, unitId, year);
  for (const cap of caps) {
    await tx.deleteFrom('three_public_caps').where('unit_id', '=', unitId).where('year', '=', year).where('economic_code', '=', cap.economicCode).execute();
    await tx.insertInto('three_public_caps').values({ unit_id: unitId, year, economic_code: cap.economicCode, amount: cap.amount }).execute();
  }
  const after = await listCaps(tx, unitId, year);
  await appendAudit(tx, { actor: auditActorOf(actor), unitId, action: 'three_public_caps.update', entity: 'three_public_caps', entityId: `${unitId}:${year}`, before, after });
  return after;
}

// ---------------------------------------------------------------- 支出标准

/**
 * Expenditure standards are versioned data now (core/ledger/standards): the national set is seeded
 * once from the published texts; units and their bureau adopt their own versions.
 */
export async function ensureStandards(tx: Tx, _year: number): Promise<void> {
  await seedNationalStandards(tx);
}

/** The national set in force at the end of a year, in the old per-year shape (GET /api/expenditure-standards). */
export async function listStandards(db: Executor, year: number) {
  const version = await db
    .selectFrom('standard_versions')
    .select('id')
    .where('owner_unit_id', 'is', null)
    .where('status', '=', 'adopted')
    .where('effective_from', '<=', `${year}-12-31`)
    .orderBy('effective_from', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!version) return [];
  const date = `${year}-12-31`;
  return (await versionRows(db, version.id))
    .filter((r) => (r.effectiveFrom === null || r.effectiveFrom <= date) && (r.effectiveTo === null || r.effectiveTo >= date))
    .map((r) => ({ year, item: r.item, tier: r.tier, name: r.name, economicCode: r.economicCode, capPerUnit: r.cap, per: r.per }));
}
