import type { Executor, Tx } from '../../db/connection.js';
import type { ExpenditureKind } from '../../db/schema.js';
import { nowIso } from '../../clock.js';
import { appendAudit } from '../../audit/service.js';
import { auditActorOf } from '../../accounts/service.js';
import type { Actor, UnitScope } from '../../permissions/service.js';
import { AppError } from '../errors.js';
import type { Standard, TemplateView } from './schema.js';

/**
 * 编制模板: a unit's per-head standards and default classes, one template per expenditure kind.
 * Basic-expenditure request lines are computed from them (lines.ts). Until the unit's administrator
 * saves its own, a built-in default answers.
 */

interface TemplateConfig {
  functionalCode: string;
  fundSourceCode: string;
  standards: Standard[];
}

/** 2050101 教育管理事务·行政运行; fund source 11 一般公共预算资金. A unit's admin sets its own with PUT. */
const DEFAULT_FUNCTIONAL_CODE = '2050101';
const DEFAULT_FUND_SOURCE_CODE = '11';

/**
 * Built-in standards (fen per person per year), roughly a county-level 行政单位: used until the
 * unit's administrator saves its own template. Reading them writes nothing.
 */
const DEFAULT_TEMPLATES: Record<ExpenditureKind, { name: string; standards: Standard[] }> = {
  personnel: {
    name: '人员经费测算模板',
    standards: [
      { economicCode: '30101', name: '基本工资', perHeadAmount: 4_200_000 },
      { economicCode: '30102', name: '津贴补贴', perHeadAmount: 3_000_000 },
      { economicCode: '30103', name: '奖金', perHeadAmount: 420_000 },
      { economicCode: '30108', name: '机关事业单位基本养老保险缴费', perHeadAmount: 1_152_000 },
      { economicCode: '30113', name: '住房公积金', perHeadAmount: 864_000 },
    ],
  },
  operating: {
    name: '公用经费测算模板',
    standards: [
      { economicCode: '30201', name: '办公费', perHeadAmount: 120_000 },
      { economicCode: '30205', name: '水费', perHeadAmount: 15_000 },
      { economicCode: '30206', name: '电费', perHeadAmount: 60_000 },
      { economicCode: '30211', name: '差旅费', perHeadAmount: 150_000 },
      { economicCode: '30228', name: '工会经费', perHeadAmount: 84_000 },
      { economicCode: '30229', name: '福利费', perHeadAmount: 80_000 },
    ],
  },
  project: { name: '项目支出模板', standards: [] },
};

/** Economic classes (类) a basic-expenditure standard may use: 人员经费 301/303, 公用经费 302/310. */
const KIND_ECONOMIC_PREFIXES: Record<'personnel' | 'operating', { prefixes: string[]; label: string }> = {
  personnel: { prefixes: ['301', '303'], label: '人员经费' },
  operating: { prefixes: ['302', '310'], label: '公用经费' },
};

export const KIND_LABEL: Record<ExpenditureKind, string> = { personnel: '人员经费', operating: '公用经费', project: '项目支出' };

export async function getTemplate(db: Executor, unitId: string, kind: ExpenditureKind): Promise<TemplateView> {
  const row = await db
    .selectFrom('budget_templates')
    .selectAll()
    .where('unit_id', '=', unitId)
    .where('kind', '=', kind)
    .executeTakeFirst();
  if (!row) {
    const fallback = DEFAULT_TEMPLATES[kind];
    return {
      unitId,
      kind,
      name: fallback.name,
      functionalCode: DEFAULT_FUNCTIONAL_CODE,
      fundSourceCode: DEFAULT_FUND_SOURCE_CODE,
      standards: fallback.standards.map((s) => ({ ...s })),
      version: 0,
      isDefault: true,
      updatedAt: null,
    };
  }
  const config = JSON.parse(row.config) as TemplateConfig;
  return {
    unitId,
    kind,
    name: row.name,
    functionalCode: config.functionalCode,
    fundSourceCode: config.fundSourceCode,
    standards: config.standards,
    version: row.version,
    isDefault: false,
    updatedAt: row.updated_at,
  };
}

export interface PutTemplateInput {
  name?: string | undefined;
  functionalCode: string;
  fundSourceCode: string;
  standards: Standard[];
}

/** Saves a unit's template (a new version). Basic-expenditure standards must use their kind's economic classes. */
export async function putTemplate(tx: Tx, actor: Actor, scope: UnitScope, kind: ExpenditureKind, input: PutTemplateInput): Promise<TemplateView> {
  const unitId = scope.unitId;
  if (kind === 'project' && input.standards.length > 0) {
    throw new AppError('VALIDATION_FAILED', {
      where: 'body',
      issues: [{ path: 'standards', message: '项目支出模板不设人均标准', code: 'custom' }],
    });
  }
  if (kind !== 'project') {
    const rule = KIND_ECONOMIC_PREFIXES[kind];
    const wrong = input.standards.find((s) => !rule.prefixes.some((p) => s.economicCode.startsWith(p)));
    if (wrong) throw new AppError('ECONOMIC_KIND_MISMATCH', { economicCode: wrong.economicCode, kindLabel: rule.label, kind });
  }
  const before = await getTemplate(tx, unitId, kind);
  const config: TemplateConfig = {
    functionalCode: input.functionalCode,
    fundSourceCode: input.fundSourceCode,
    standards: input.standards.map((s) => ({ economicCode: s.economicCode, name: s.name, perHeadAmount: s.perHeadAmount })),
  };
  const name = input.name ?? before.name;
  const updatedAt = nowIso();
  await tx
    .insertInto('budget_templates')
    .values({ unit_id: unitId, kind, name, config: JSON.stringify(config), version: 1, updated_at: updatedAt })
    .onConflict((oc) =>
      oc.columns(['unit_id', 'kind']).doUpdateSet((eb) => ({
        name,
        config: JSON.stringify(config),
        version: eb('budget_templates.version', '+', 1),
        updated_at: updatedAt,
      })),
    )
    .execute();
  const after = await getTemplate(tx, unitId, kind);
  await appendAudit(tx, {
    actor: auditActorOf(actor), unitId, action: 'budget_template.update', entity: 'budget_template', entityId: `${unitId}:${kind}`,
    before: before.isDefault ? null : before, after,
  });
  return after;
}
