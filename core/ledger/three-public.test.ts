import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, refusedWithoutTrace, type CallResult, type TestEnv } from '../../test/support/kernel.js';
import { approveThrough, issue, submitPayment } from '../../test/support/ledger.js';
import { plannedSteps } from './approvals/service.js';
import { deriveAttrs } from './classifications/codes.js';
import { CapsBody } from './rules/schema.js';
import { THREE_PUBLIC_CODE_LIST, THREE_PUBLIC_ITEMS, threePublicItem } from './three-public.js';

/**
 * 三公经费 has one list (three-public.ts, data in sdk/contracts/three-public.ts): 公务用车购置 is 三公
 * whether it is bought from 资本性支出 (31013) or 资本性支出（基本建设）(30913). These prove it for 30913
 * at every place that asks: the cap, the approval tier, the transfer rule, the classification attributes.
 */
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

const expectRefused = (run: () => Promise<CallResult>, status: number, code: string) => refusedWithoutTrace(env, run, status, code).then((r) => r.body);

describe('三公经费: one list', () => {
  it('holds the four items and both 公务用车购置 codes', () => {
    expect([...THREE_PUBLIC_CODE_LIST].sort()).toEqual(['30212', '30217', '30231', '30913', '31013']);
    expect(threePublicItem('30913')).toBe('vehicle_purchase');
    expect(threePublicItem('31013')).toBe('vehicle_purchase');
    expect(threePublicItem('30211')).toBeNull();
    expect(new Set(Object.values(THREE_PUBLIC_ITEMS))).toEqual(new Set(['abroad', 'reception', 'vehicle_operation', 'vehicle_purchase']));
  });

  it('gives the classification attributes and the caps schema the same codes', () => {
    for (const code of THREE_PUBLIC_CODE_LIST) expect(deriveAttrs('economic', code)).toMatchObject({ threePublic: true, threePublicItem: THREE_PUBLIC_ITEMS[code] });
    expect(deriveAttrs('economic', '30902').threePublic).toBeUndefined();
    expect(CapsBody.safeParse({ year: 2026, caps: [{ economicCode: '30913', amount: 1 }] }).success).toBe(true);
    expect(CapsBody.safeParse({ year: 2026, caps: [{ economicCode: '30902', amount: 1 }] }).success).toBe(false);
    expect(CapsBody.safeParse({ year: 2026, caps: THREE_PUBLIC_CODE_LIST.map((economicCode) => ({ economicCode, amount: 1 })) }).success).toBe(true);
  });

  it('the classification answer marks 30913 公务用车购置 as 三公', async () => {
    const r = await env.call('GET', '/api/classifications?kind=economic&year=2026&q=309', { token: await env.login('a.finance') });
    expect(r.status).toBe(200);
    const list = r.body as Array<{ code: string; name: string; attrs: Record<string, unknown> }>;
    const car = list.find((c) => c.code === '30913');
    expect(car).toMatchObject({ name: '公务用车购置', attrs: { threePublic: true, threePublicItem: 'vehicle_purchase' } });
  });
});

describe('30913 公务用车购置 (基本建设) counts as 三公 everywhere', () => {
  it('a payment on 30913 goes to the leader (the 三公 approval tier) at any amount', async () => {
    const steps = await plannedSteps(env.kernel.db, 'a', 'payment', { amount: 1, economicCode: '30913' });
    expect(steps.map((s) => s.role)).toEqual(['department_head', 'finance_officer', 'leader']);
    const notThree = await plannedSteps(env.kernel.db, 'a', 'payment', { amount: 1, economicCode: '30902' });
    expect(notThree.map((s) => s.role)).toEqual(['department_head', 'finance_officer']);
  });

  it('THREE_PUBLIC_CAP_EXCEEDED: a 30913 payment beyond its annual cap is refused and writes nothing', async () => {
    const finance = await env.login('a.finance');
    const put = await env.call('PUT', '/api/units/a/three-public-caps', { token: finance, body: { year: 2026, caps: [{ economicCode: '30913', amount: 150_000_00 }] } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const ind = await issue(env, { amount: 300_000_00, economicCode: '30913', expenditureKind: 'project', name: '执法执勤用车购置' });
    const first = await submitPayment(env, ind.id, 120_000_00, { purpose: '购置执法执勤用车一辆' });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const decided = await approveThrough(env, 'payments', first.body.id);
    expect(decided.steps.map((s: { role: string }) => s.role)).toEqual(['department_head', 'finance_officer', 'leader']);
    const caps = await env.call('GET', '/api/units/a/three-public-caps?year=2026', { token: finance });
    expect(caps.body).toEqual([{ economicCode: '30913', amount: 150_000_00, used: 120_000_00 }]);
    // 120,000.00 used + 30,000.01 = 150,000.01 > 150,000.00
    const body = await expectRefused(() => submitPayment(env, ind.id, 30_000_01, { purpose: '车辆购置税' }), 422, 'THREE_PUBLIC_CAP_EXCEEDED');
    expect(body.error.details).toMatchObject({ economicCode: '30913', used: 120_000_00, cap: 150_000_00, amount: 30_000_01 });
    // 120,000.00 + 30,000.00 = the cap exactly: allowed.
    expect((await submitPayment(env, ind.id, 30_000_00, { purpose: '车辆购置税' })).status).toBe(201);
  });

  it('THREE_PUBLIC_INCREASE: no transfer into 30913 from a class that is not 三公', async () => {
    const from = await issue(env, { amount: 100_000_00, economicCode: '30902', expenditureKind: 'project', name: '办公用房维修' });
    const to = await issue(env, { amount: 100_000_00, economicCode: '30913', expenditureKind: 'project', name: '公务用车购置' });
    const token = await env.login('a.staff');
    const body = await expectRefused(
      () => env.call('POST', '/api/units/a/transfers', { token, body: { fromIndicatorId: from.id, toIndicatorId: to.id, amount: 10_000_00, reason: '购车', date: '2026-07-01' } }),
      422, 'THREE_PUBLIC_INCREASE',
    );
    expect(body.error.details).toMatchObject({ economicCode: '30913' });
  });
});
