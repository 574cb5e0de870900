import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../connection.js';

/**
 * The budget ledger. Money columns are BIGINT fen. An indicator carries its running totals
 * (issued, adjusted, frozen, paid) so the balance check is one locked row, and CHECK constraints
 * make an overdrawn indicator impossible to commit even if a code path forgot a rule.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';
  const serial = pg ? 'serial' : 'integer';
  const table = (name: string) =>
    db.schema.createTable(name).addColumn('id', serial, (c) => (pg ? c.primaryKey() : c.primaryKey().autoIncrement()));

  // 功能分类 / 经济分类 / 资金来源: the national standard sets, versioned by year.
  await table('classifications')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('parent_code', 'text')
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('attrs', 'text', (c) => c.notNull().defaultTo('{}'))
    .addUniqueConstraint('classifications_kind_year_code', ['kind', 'year', 'code'])
    .execute();

  // 项目库
  await table('projects')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('functional_code', 'text', (c) => c.notNull())
    .addColumn('fund_source_code', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('start_year', 'integer', (c) => c.notNull())
    .addColumn('end_year', 'integer', (c) => c.notNull())
    .addColumn('total_amount', 'bigint', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_by', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('projects_unit_code', ['unit_id', 'code'])
    .addCheckConstraint('projects_total_nonneg', sql`total_amount >= 0`)
    .execute();
  await db.schema
    .createTable('project_year_plans')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('project_year_plans_pk', ['project_id', 'year'])
    .execute();
  // 绩效目标 links: the performance plugin owns the targets; the ledger keeps which project has which.
  await table('project_targets')
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('target_ref', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('project_targets_ref', ['project_id', 'source', 'target_ref'])
    .execute();

  // 预算编制: unit templates and budget requests ("二上二下").
  await table('budget_templates')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('config', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('budget_templates_unit_kind', ['unit_id', 'kind'])
    .execute();
  await table('budget_requests')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('round', 'integer', (c) => c.notNull())
    .addColumn('total_amount', 'bigint', (c) => c.notNull())
    .addColumn('control_amount', 'bigint')
    .addColumn('created_by', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await table('budget_request_lines')
    .addColumn('request_id', 'integer', (c) => c.notNull().references('budget_requests.id'))
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('line_no', 'integer', (c) => c.notNull())
    .addColumn('expenditure_kind', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.references('projects.id'))
    .addColumn('functional_code', 'text', (c) => c.notNull())
    .addColumn('economic_code', 'text', (c) => c.notNull())
    .addColumn('fund_source_code', 'text', (c) => c.notNull())
    .addColumn('headcount', 'integer')
    .addColumn('standard_amount', 'bigint')
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('control_amount', 'bigint')
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addCheckConstraint('budget_request_lines_amount', sql`amount >= 0`)
    .execute();

  // 预算指标 with running totals. available = issued + adjusted − frozen − paid ≥ 0, always.
  await table('indicators')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('project_id', 'integer', (c) => c.references('projects.id'))
    .addColumn('expenditure_kind', 'text', (c) => c.notNull())
    .addColumn('functional_code', 'text', (c) => c.notNull())
    .addColumn('economic_code', 'text', (c) => c.notNull())
    .addColumn('fund_source_code', 'text', (c) => c.notNull())
    .addColumn('issued_amount', 'bigint', (c) => c.notNull())
    .addColumn('adjusted_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('frozen_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('paid_amount', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('source_line_id', 'integer', (c) => c.references('budget_request_lines.id'))
    .addColumn('carried_from_id', 'integer', (c) => c.references('indicators.id'))
    .addColumn('is_flexible_reserve', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('indicators_unit_year_code', ['unit_id', 'year', 'code'])
    .addCheckConstraint('indicators_issued_nonneg', sql`issued_amount >= 0`)
    .addCheckConstraint('indicators_frozen_nonneg', sql`frozen_amount >= 0`)
    .addCheckConstraint('indicators_paid_nonneg', sql`paid_amount >= 0`)
    .addCheckConstraint('indicators_balance_nonneg', sql`issued_amount + adjusted_amount - frozen_amount - paid_amount >= 0`)
    .execute();
  await db.schema.createIndex('indicators_unit_year').on('indicators').columns(['unit_id', 'year']).execute();

  // Every change to an indicator's totals, with what caused it: the trace back to the original budget.
  await table('indicator_movements')
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('indicator_id', 'integer', (c) => c.notNull().references('indicators.id'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('ref_type', 'text', (c) => c.notNull())
    .addColumn('ref_id', 'integer', (c) => c.notNull())
    .addColumn('counterpart_indicator_id', 'integer', (c) => c.references('indicators.id'))
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'integer')
    .execute();
  await db.schema.createIndex('indicator_movements_indicator').on('indicator_movements').columns(['indicator_id', 'id']).execute();
  await db.schema.createIndex('indicator_movements_unit_date').on('indicator_movements').columns(['unit_id', 'date']).execute();

  // 追加/追减
  await table('adjustments')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('indicator_id', 'integer', (c) => c.notNull().references('indicators.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('doc_no', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .execute();

  // 调剂
  await table('transfers')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('from_indicator_id', 'integer', (c) => c.notNull().references('indicators.id'))
    .addColumn('to_indicator_id', 'integer', (c) => c.notNull().references('indicators.id'))
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('fast_track', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('warnings', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('created_by', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('decided_at', 'text')
    .addCheckConstraint('transfers_amount_pos', sql`amount > 0`)
    .execute();

  // 支付申请
  await table('payments')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('indicator_id', 'integer', (c) => c.notNull().references('indicators.id'))
    .addColumn('department_id', 'integer', (c) => c.notNull().references('departments.id'))
    .addColumn('payee_name', 'text', (c) => c.notNull())
    .addColumn('payee_account', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('payee_bank', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('economic_code', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addColumn('date', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('procurement', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('contract_no', 'text')
    .addColumn('standard', 'text')
    .addColumn('attachments', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('warnings', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('override_reason', 'text')
    .addColumn('created_by', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('approved_at', 'text')
    .addColumn('paid_at', 'text')
    .addColumn('closed_at', 'text')
    .addCheckConstraint('payments_amount_pos', sql`amount > 0`)
    .execute();
  await db.schema.createIndex('payments_unit_status').on('payments').columns(['unit_id', 'status']).execute();
  await db.schema.createIndex('payments_indicator').on('payments').columns(['indicator_id']).execute();

  // 审批流: per unit and target, tiers by amount and economic class; steps instantiated per request.
  await table('approval_flows')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('tiers', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_by', 'integer')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('approval_flows_unit_target', ['unit_id', 'target'])
    .execute();
  await table('approval_steps')
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('target_id', 'integer', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('decided_by', 'integer')
    .addColumn('decided_at', 'text')
    .addColumn('comment', 'text')
    .addUniqueConstraint('approval_steps_target_seq', ['target', 'target_id', 'seq'])
    .execute();
  await db.schema.createIndex('approval_steps_unit_status').on('approval_steps').columns(['unit_id', 'status', 'role']).execute();

  // Per-unit ledger configuration: control-rule modes, 三公经费 caps, flexible quota, class mapping.
  await db.schema
    .createTable('rule_settings')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('rule_code', 'text', (c) => c.notNull())
    .addColumn('mode', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'integer')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('rule_settings_pk', ['unit_id', 'rule_code'])
    .execute();
  await db.schema
    .createTable('three_public_caps')
    .addColumn('unit_id', 'text', (c) => c.notNull().references('units.id'))
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('economic_code', 'text', (c) => c.notNull())
    .addColumn('amount', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('three_public_caps_pk', ['unit_id', 'year', 'economic_code'])
    .execute();
  await db.schema
    .createTable('ledger_settings')
    .addColumn('unit_id', 'text', (c) => c.primaryKey().references('units.id'))
    .addColumn('flexible_threshold', 'bigint', (c) => c.notNull())
    .addColumn('kind_economic_map', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // 支出标准: per-item caps (e.g. travel allowance per person-day by city tier), versioned by year.
  await table('expenditure_standards')
    .addColumn('year', 'integer', (c) => c.notNull())
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('economic_code', 'text', (c) => c.notNull())
    .addColumn('cap_per_unit', 'bigint', (c) => c.notNull())
    .addColumn('per', 'text', (c) => c.notNull())
    .addUniqueConstraint('expenditure_standards_key', ['year', 'item', 'tier'])
    .execute();

  // Comments on any ledger document (requests, payments, transfers), in order.
  await table('comments')
    .addColumn('unit_id', 'text', (c) => c.notNull())
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'integer', (c) => c.notNull())
    .addColumn('author_id', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('comments_entity').on('comments').columns(['entity', 'entity_id']).execute();
}

export async function down(): Promise<void> {
  throw new Error('ledger migration is not reversible');
}
