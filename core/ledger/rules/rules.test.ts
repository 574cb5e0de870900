import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../db/command.js';
import { AppError } from '../errors.js';
import { createTestEnv, refusedWithoutTrace, type TestEnv } from '../../../test/support/kernel.js';
import { approveThrough, commandContext, commandRefusedWithoutTrace, issue, submitPayment } from '../../../test/support/ledger.js';
import { RULE_CODES, RULES, type RuleCode, type RuleMode } from './catalog.js';
import {
  addDateFindings, assertMayApproveOverride, documentRules, economicFitsKind, ensureStandards, Findings, ledgerSettings, listCaps,
  listRuleSettings, listStandards, overriddenRules, ruleModes, saveCaps, saveLedgerSettings, setRuleMode, threePublicCap, threePublicUsed,
} from './service.js';

let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

const HARD = RULE_CODES.filter((c) => RULES[c].hard);
const SOFT = RULE_CODES.filter((c) => !RULES[c].hard);
const allBlock = () => Object.fromEntries(RULE_CODES.map((c) => [c, 'block'])) as Record<RuleCode, RuleMode>;
const thrown = (run: () => unknown): AppError => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected a refusal');
};

async function setMode(username: string, code: RuleCode, mode: RuleMode) {
  const { actor, scope } = await commandContext(env, username, 'rule.manage');
  return runCommand(env.kernel, (tx) => setRuleMode(tx, actor, scope, code, mode));
}

describe('the catalog', () => {
  it('guards the ledger’s identities and closed periods with hard rules; the rest a unit may configure', () => {
    expect(HARD.sort()).toEqual(['BALANCE_EXCEEDED', 'CASH_INSUFFICIENT', 'CLASS_MISMATCH', 'PERIOD_CLOSED', 'REDUCTION_BELOW_USED', 'YEAR_MISMATCH']);
    expect(SOFT).toContain('THREE_PUBLIC_CAP_EXCEEDED');
    expect(SOFT).toContain('EXPENDITURE_STANDARD_EXCEEDED');
  });
});

describe('modes: block, warn, ignore', () => {
  it('weigh each finding: block refuses with the rule’s code, warn passes with the warning, ignore drops it', () => {
    const modes = { ...allBlock(), CONTRACT_REQUIRED: 'warn', PROJECT_NOT_EXECUTING: 'ignore' } as Record<RuleCode, RuleMode>;
    const warnOnly = new Findings(modes);
    warnOnly.add('CONTRACT_REQUIRED', {});
    warnOnly.add('PROJECT_NOT_EXECUTING', { projectId: 1, status: 'approved' });
    expect(warnOnly.items).toEqual([{ rule: 'CONTRACT_REQUIRED', severity: 'warn', message: '政府采购事项必须填写合同编号', messageEn: expect.any(String), details: {} }]);
    expect(warnOnly.blocking).toEqual([]);
    expect(warnOnly.enforce(undefined)).toEqual(warnOnly.items);

    const blocked = new Findings(modes);
    blocked.add('CONTRACT_REQUIRED', {});
    blocked.add('BALANCE_EXCEEDED', { available: 100_000, amount: 100_001, indicatorId: 7 });
    const refusal = thrown(() => blocked.enforce(undefined));
    expect(refusal.code).toBe('BALANCE_EXCEEDED');
    expect(refusal.details).toMatchObject({ available: 100_000, amount: 100_001, findings: blocked.items });
    expect(blocked.items[1]!.message).toBe('超出指标可用余额：可用 1,000.00 元，申请 1,000.01 元');
  });

  it('are stored per unit, audited, listed, and apply to the next check', async () => {
    expect(Object.values(await ruleModes(env.kernel.db, 'a')).every((m) => m === 'block')).toBe(true);
    expect(await setMode('a.admin', 'CONTRACT_REQUIRED', 'warn')).toEqual({ code: 'CONTRACT_REQUIRED', label: RULES.CONTRACT_REQUIRED.zh, hard: false, mode: 'warn' });
    expect((await ruleModes(env.kernel.db, 'a')).CONTRACT_REQUIRED).toBe('warn');
    expect((await ruleModes(env.kernel.db, 'b')).CONTRACT_REQUIRED).toBe('block');
    const listed = await listRuleSettings(env.kernel.db, 'a');
    expect(listed.map((r) => r.code)).toEqual(RULE_CODES);
    expect(listed.find((r) => r.code === 'CONTRACT_REQUIRED')).toMatchObject({ mode: 'warn', hard: false });

    const ind = await issue(env, { amount: 1_000_000 });
    const warned = await submitPayment(env, ind.id, 10_000, { procurement: true });
    expect(warned.status).toBe(201);
    expect(warned.body.warnings).toEqual([expect.objectContaining({ rule: 'CONTRACT_REQUIRED', severity: 'warn' })]);
    await setMode('a.admin', 'CONTRACT_REQUIRED', 'ignore');
    expect((await submitPayment(env, ind.id, 10_000, { procurement: true })).body.warnings).toEqual([]);
    await setMode('a.admin', 'CONTRACT_REQUIRED', 'block');
    await refusedWithoutTrace(env, () => submitPayment(env, ind.id, 10_000, { procurement: true }), 422, 'CONTRACT_REQUIRED');

    const audit = await env.kernel.db.selectFrom('audit_log').select(['before_json', 'after_json'])
      .where('action', '=', 'rule.set_mode').where('entity_id', '=', 'a:CONTRACT_REQUIRED').orderBy('seq').execute();
    expect(audit.map((e) => [JSON.parse(e.before_json).mode, JSON.parse(e.after_json).mode])).toEqual([['block', 'warn'], ['warn', 'ignore'], ['ignore', 'block']]);
  });
});

describe('a document’s rules in one read (documentRules)', () => {
  it('give what the separate reads give: modes, the date’s findings and the ledger settings, with and without stored settings', async () => {
    const { actor, scope } = await commandContext(env, 'a.admin', 'rule.manage');
    await setMode('a.admin', 'FUND_SOURCE_MISMATCH', 'warn');
    await runCommand(env.kernel, (tx) => saveLedgerSettings(tx, actor, scope, {
      flexibleThreshold: 12_345_00, kindEconomicMap: { personnel: ['301'], operating: ['302'], project: ['302', '310'] }, salaryAccrual: true,
    }));
    for (const [unitId, date, years] of [['a', '2026-02-10', [2026]], ['a', '2026-07-01', [2025, 2026]], ['b', '2026-06-10', [2026]], ['b', undefined, [2026]]] as const) {
      const one = await documentRules(env.kernel.db, unitId, date, [...years]);
      const separate = new Findings(await ruleModes(env.kernel.db, unitId));
      if (date) await addDateFindings(env.kernel.db, separate, unitId, date, [...years]);
      expect(one.findings, `${unitId} ${date}`).toEqual(separate);
      expect(one.settings).toEqual(await ledgerSettings(env.kernel.db, unitId));
    }
    const february = await documentRules(env.kernel.db, 'a', '2026-02-10', [2025]);
    expect(february.findings.items.map((f) => f.rule)).toEqual(['YEAR_MISMATCH', 'PERIOD_CLOSED']);
    expect(february.settings).toMatchObject({ flexibleThreshold: 12_345_00, salaryAccrual: true });
    await setMode('a.admin', 'FUND_SOURCE_MISMATCH', 'block');
  });
});

describe('hard rules', () => {
  it('cannot be switched off: setting one to warn or ignore is refused and writes nothing', async () => {
    const { actor, scope } = await commandContext(env, 'a.admin', 'rule.manage');
    for (const code of HARD) {
      for (const mode of ['warn', 'ignore'] as const) {
        const refusal = await commandRefusedWithoutTrace(env, (tx) => setRuleMode(tx, actor, scope, code, mode), 'RULE_NOT_CONFIGURABLE');
        expect(refusal.details).toEqual({ rule: code });
      }
    }
    expect(await setMode('a.admin', 'BALANCE_EXCEEDED', 'block')).toMatchObject({ hard: true, mode: 'block' });
  });

  it('block even when a stored setting says otherwise', async () => {
    await env.kernel.db.insertInto('rule_settings').values({ unit_id: 'b', rule_code: 'PERIOD_CLOSED', mode: 'ignore', updated_by: null, updated_at: '2026-06-01T00:00:00Z' }).execute();
    expect((await ruleModes(env.kernel.db, 'b')).PERIOD_CLOSED).toBe('block');
    const ind = await issue(env, { unitId: 'b', amount: 1_000_000 });
    await env.login('b.staff'); // a first sign-in is audited: sign in before counting
    await refusedWithoutTrace(env, () => submitPayment(env, ind.id, 1_000, { date: '2026-02-10' }, 'b.staff'), 422, 'PERIOD_CLOSED');
  });

  it('over HTTP: 409 RULE_NOT_CONFIGURABLE, and only rule.manage may set a mode', async () => {
    const [admin, finance] = [await env.login('a.admin'), await env.login('a.finance')];
    await refusedWithoutTrace(env, () => env.call('PUT', '/api/units/a/control-rules/BALANCE_EXCEEDED', { token: admin, body: { mode: 'warn' } }), 409, 'RULE_NOT_CONFIGURABLE');
    await refusedWithoutTrace(env, () => env.call('PUT', '/api/units/a/control-rules/CONTRACT_REQUIRED', { token: finance, body: { mode: 'warn' } }), 403, 'FORBIDDEN');
    await refusedWithoutTrace(env, () => env.call('PUT', '/api/units/a/control-rules/NO_SUCH_RULE', { token: admin, body: { mode: 'warn' } }), 400, 'VALIDATION_FAILED');
  });
});

describe('overrides with a reason', () => {
  it('turn soft blocks into overridden warnings carrying the reason; a hard block never passes', () => {
    const soft = new Findings(allBlock());
    soft.add('CONTRACT_REQUIRED', {});
    soft.add('FUND_SOURCE_MISMATCH', { from: '11', to: '21' });
    const passed = soft.enforce('紧急采购，合同补签中');
    expect(passed.map((f) => [f.rule, f.severity, f.overridden, f.overrideReason])).toEqual([
      ['CONTRACT_REQUIRED', 'warn', true, '紧急采购，合同补签中'], ['FUND_SOURCE_MISMATCH', 'warn', true, '紧急采购，合同补签中'],
    ]);
    expect(overriddenRules(passed)).toEqual(['CONTRACT_REQUIRED', 'FUND_SOURCE_MISMATCH']);

    const mixed = new Findings(allBlock());
    mixed.add('BALANCE_EXCEEDED', { available: 1, amount: 2, indicatorId: 1 });
    mixed.add('CONTRACT_REQUIRED', {});
    expect(thrown(() => mixed.enforce('理由充分的越权放行')).code).toBe('BALANCE_EXCEEDED');
  });

  it('once overridden, a rule is not asked again at the final approval — unless it is hard', () => {
    const again = new Findings(allBlock());
    again.add('CONTRACT_REQUIRED', {});
    again.add('BALANCE_EXCEEDED', { available: 1, amount: 2, indicatorId: 1 });
    const rest = again.without(['CONTRACT_REQUIRED', 'BALANCE_EXCEEDED']);
    expect(rest.items.map((f) => f.rule)).toEqual(['BALANCE_EXCEEDED']);
  });

  it('need a final approver holding rule.override, directly in the unit', async () => {
    const overridden = [{ rule: 'CONTRACT_REQUIRED', overridden: true }];
    const { scope: leader } = await commandContext(env, 'a.leader', 'payment.approve');
    const { scope: finance } = await commandContext(env, 'a.finance', 'payment.approve');
    expect(() => assertMayApproveOverride(leader, overridden)).not.toThrow();
    expect(thrown(() => assertMayApproveOverride(finance, overridden)).code).toBe('OVERRIDE_NOT_ALLOWED');
    expect(thrown(() => assertMayApproveOverride({ ...leader, readOnly: true }, overridden)).code).toBe('OVERRIDE_NOT_ALLOWED');
    expect(() => assertMayApproveOverride(finance, [{ overridden: false }])).not.toThrow();
  });
});

describe('三公经费 caps', () => {
  it('are set per year and class, audited, and count what is frozen and paid against them', async () => {
    const { actor, scope } = await commandContext(env, 'b.finance', 'indicator.issue');
    expect(await threePublicCap(env.kernel.db, 'b', 2026, '30217')).toBeNull();
    const saved = await runCommand(env.kernel, (tx) => saveCaps(tx, actor, scope, { year: 2026, caps: [{ economicCode: '30217', amount: 5_000_00 }, { economicCode: '30231', amount: 8_000_00 }] }));
    expect(saved).toEqual([{ economicCode: '30217', amount: 5_000_00, used: 0 }, { economicCode: '30231', amount: 8_000_00, used: 0 }]);
    const changed = await runCommand(env.kernel, (tx) => saveCaps(tx, actor, scope, { year: 2026, caps: [{ economicCode: '30217', amount: 6_000_00 }] }));
    expect(changed).toEqual([{ economicCode: '30217', amount: 6_000_00, used: 0 }, { economicCode: '30231', amount: 8_000_00, used: 0 }]);
    expect(await listCaps(env.kernel.db, 'b', 2027)).toEqual([]);
    const audit = await env.kernel.db.selectFrom('audit_log').select(['before_json', 'after_json'])
      .where('action', '=', 'three_public_caps.update').where('entity_id', '=', 'b:2026').orderBy('seq').execute();
    expect(audit.map((e) => JSON.parse(e.after_json))).toEqual([saved, changed]);

    const reception = await issue(env, { unitId: 'b', amount: 10_000_00, economicCode: '30217' });
    const pending = await submitPayment(env, reception.id, 1_000_00, { purpose: '公务接待工作餐' }, 'b.staff');
    expect(await threePublicUsed(env.kernel.db, 'b', 2026, '30217')).toBe(0);
    await approveThrough(env, 'payments', pending.body.id, 'b');
    expect(await threePublicUsed(env.kernel.db, 'b', 2026, '30217')).toBe(1_000_00);
    await env.call('POST', `/api/units/b/payments/${pending.body.id}/pay`, { token: await env.login('b.finance'), body: { date: '2026-06-12' } });
    expect(await threePublicUsed(env.kernel.db, 'b', 2026, '30217')).toBe(1_000_00);
    const refusal = await refusedWithoutTrace(env, () => submitPayment(env, reception.id, 5_000_01, { purpose: '公务接待' }, 'b.staff'), 422, 'THREE_PUBLIC_CAP_EXCEEDED');
    expect(refusal.body.error.details).toMatchObject({ economicCode: '30217', used: 1_000_00, cap: 6_000_00, amount: 5_000_01 });
    expect((await submitPayment(env, reception.id, 5_000_00, { purpose: '公务接待' }, 'b.staff')).status).toBe(201);
  });

  it('exist only for the four 三公 classes', async () => {
    const token = await env.login('b.finance');
    await refusedWithoutTrace(env, () => env.call('PUT', '/api/units/b/three-public-caps', {
      token, body: { year: 2026, caps: [{ economicCode: '30201', amount: 1 }] },
    }), 400, 'VALIDATION_FAILED');
  });
});

describe('expenditure standards (支出标准)', () => {
  it('are the national set, seeded once, read in the old per-year shape', async () => {
    await runCommand(env.kernel, (tx) => ensureStandards(tx, 2031));
    await runCommand(env.kernel, (tx) => ensureStandards(tx, 2031));
    expect(await env.kernel.db.selectFrom('standard_versions').select('id').where('owner_unit_id', 'is', null).execute()).toHaveLength(1);
    const standards = await listStandards(env.kernel.db, 2031);
    expect(standards.find((s) => s.item === 'travel_meal' && s.tier === 'all')).toEqual({
      year: 2031, item: 'travel_meal', tier: 'all', name: '差旅伙食补助费', economicCode: '30211', capPerUnit: 100_00, per: 'person_day',
    });
    // 财行〔2016〕540号: 二类培训 650, 三类 550 (the old list had 550 and 450).
    expect(standards.find((s) => s.item === 'training' && s.tier === 'class2')?.capPerUnit).toBe(650_00);
    expect(standards.find((s) => s.item === 'training' && s.tier === 'class3')?.capPerUnit).toBe(550_00);
    expect(standards.find((s) => s.item === 'travel_lodging' && s.tier === 'bj.other')?.capPerUnit).toBe(500_00);
    // Before 540号 took effect its rows are not in force.
    expect((await listStandards(env.kernel.db, 2016)).some((s) => s.item === 'training')).toBe(false);
  });

  it('cap a payment at the standard times the quantity; an unknown standard is refused', async () => {
    const ind = await issue(env, { amount: 1_000_000, economicCode: '30211' });
    const lodging = { item: 'travel_lodging', tier: 'js-a.other', quantity: 4 };
    const over = await refusedWithoutTrace(env, () => submitPayment(env, ind.id, 4 * 380_00 + 1, { purpose: '出差住宿', standard: lodging }), 422, 'EXPENDITURE_STANDARD_EXCEEDED');
    expect(over.body.error.details).toMatchObject({ cap: 1_520_00, capPerUnit: 380_00, quantity: 4, source: '财行〔2016〕71号' });
    expect((await submitPayment(env, ind.id, 4 * 380_00, { purpose: '出差住宿', standard: lodging })).status).toBe(201);
    await refusedWithoutTrace(env, () => submitPayment(env, ind.id, 100, { purpose: '出差住宿', standard: { ...lodging, tier: 'tier9' } }), 422, 'STANDARD_NOT_FOUND');
  });
});

describe('dates: closed periods and the indicator’s year', () => {
  const dateFindings = async (date: string, years: number[]) => {
    const findings = new Findings(allBlock());
    await addDateFindings(env.kernel.db, findings, 'a', date, years);
    return findings.items.map((f) => [f.rule, f.details]);
  };

  it('find a date in a closed month, and one outside each indicator’s year (once per year)', async () => {
    expect(await dateFindings('2026-07-01', [2026])).toEqual([]);
    expect(await dateFindings('2026-03-15', [2026])).toEqual([['PERIOD_CLOSED', { year: 2026, month: 3, date: '2026-03-15' }]]);
    expect(await dateFindings('2026-07-01', [2025, 2025, 2026])).toEqual([['YEAR_MISMATCH', { year: 2025, date: '2026-07-01' }]]);
    expect(await dateFindings('2026-04-30', [2027])).toEqual([
      ['YEAR_MISMATCH', { year: 2027, date: '2026-04-30' }], ['PERIOD_CLOSED', { year: 2026, month: 4, date: '2026-04-30' }],
    ]);
    expect(await dateFindings('2026-05-01', [2026])).toEqual([]);
  });
});

describe('ledger settings', () => {
  it('start from the defaults, are audited when changed, and decide which classes fit each kind', async () => {
    const defaults = await ledgerSettings(env.kernel.db, 'b');
    expect(defaults.flexibleThreshold).toBe(20_000_00);
    expect(economicFitsKind(defaults, 'personnel', '30101')).toBe(true);
    expect(economicFitsKind(defaults, 'personnel', '30201')).toBe(false);
    const { actor, scope } = await commandContext(env, 'b.admin', 'rule.manage');
    const changed = { flexibleThreshold: 50_000_00, kindEconomicMap: { ...defaults.kindEconomicMap, personnel: ['301', '302'] } };
    expect(await runCommand(env.kernel, (tx) => saveLedgerSettings(tx, actor, scope, changed))).toEqual(changed);
    const now = await ledgerSettings(env.kernel.db, 'b');
    // Optional settings left out of the PUT read their defaults.
    expect(now).toEqual({ ...defaults, ...changed });
    expect(economicFitsKind(now, 'personnel', '30201')).toBe(true);
    const entry = await env.kernel.db.selectFrom('audit_log').select(['before_json', 'after_json']).where('action', '=', 'ledger_settings.update').where('entity_id', '=', 'b').executeTakeFirstOrThrow();
    expect([JSON.parse(entry.before_json), JSON.parse(entry.after_json)]).toEqual([defaults, changed]);
    await runCommand(env.kernel, (tx) => saveLedgerSettings(tx, actor, scope, defaults));
  });
});
