import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyChain } from '../core/audit/service.js';
import { createTestEnv, type TestEnv } from './support/kernel.js';
import { approveThrough, departmentId, indicator, issue, submitPayment } from './support/ledger.js';

/**
 * One unit's year on the ledger, end to end through the API: a project enters the library, the
 * budget goes "二上二下", approval issues indicators, payments pass their approval tiers, money is
 * transferred inside and beyond the flexible quota — and every indicator traces back to the budget.
 */
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

describe('a unit’s budget year (scenario)', () => {
  it('prepare (both rounds) → approve → issue → pay through the tiers → transfer → trace', async () => {
    const [staff, finance, leader] = [await env.login('a.staff'), await env.login('a.finance'), await env.login('a.leader')];
    const dept = await departmentId(env, 'a', '03');

    // 项目库: a two-year teacher-training project, approved and executing.
    const project = await env.call('POST', '/api/units/a/projects', {
      token: finance,
      body: {
        code: 'XM2026-001', name: '乡村教师培训项目', departmentId: dept, functionalCode: '2050803', fundSourceCode: '11',
        startYear: 2026, endYear: 2027, totalAmount: 600_000_00, plans: [{ year: 2026, amount: 400_000_00 }, { year: 2027, amount: 200_000_00 }],
      },
    });
    expect(project.status, JSON.stringify(project.body)).toBe(201);
    for (const to of ['approved', 'executing']) {
      expect((await env.call('POST', `/api/units/a/projects/${project.body.id}/status`, { token: finance, body: { status: to, comment: '同意' } })).status).toBe(200);
    }

    // 一上: the department builds its request from the templates and the project.
    const created = await env.call('POST', '/api/units/a/budget-requests', {
      token: staff,
      body: {
        year: 2026, departmentId: dept, title: '基础教育科2026年部门预算',
        lines: [
          { kind: 'personnel', headcount: 12 },
          { kind: 'operating', headcount: 12 },
          { kind: 'project', projectId: project.body.id, economicCode: '30216', amount: 400_000_00 },
        ],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const request = created.body;
    const personnelLine = request.lines.find((l: any) => l.economicCode === '30101');
    expect(personnelLine.amount).toBe(12 * personnelLine.standardAmount);
    expect(request.amount).toBe(request.lines.reduce((s: number, l: any) => s + l.amount, 0));
    expect((await env.call('POST', `/api/units/a/budget-requests/${request.id}/submit`, { token: staff, body: { comment: '请审核' } })).body.status).toBe('submitted');

    // 二下: finance returns control numbers: the project line cut by 10%.
    const projectLine = request.lines.find((l: any) => l.expenditureKind === 'project');
    const controls = request.lines.map((l: any) => ({ lineId: l.id, controlAmount: l.id === projectLine.id ? 360_000_00 : l.amount }));
    const returned = await env.call('POST', `/api/units/a/budget-requests/${request.id}/return`, { token: finance, body: { lines: controls, comment: '项目经费压减10%' } });
    expect(returned.body.status).toBe('returned');

    // 二上: the department resubmits within the control numbers (going over is refused).
    const over = await env.call('POST', `/api/units/a/budget-requests/${request.id}/submit`, { token: staff, body: { lines: [{ lineId: projectLine.id, amount: 360_000_01 }] } });
    expect(over.body.error.code).toBe('OVER_CONTROL_NUMBER');
    const resubmitted = await env.call('POST', `/api/units/a/budget-requests/${request.id}/submit`, { token: staff, body: { lines: [{ lineId: projectLine.id, amount: 360_000_00 }], comment: '按控制数调整' } });
    expect(resubmitted.body.status).toBe('resubmitted');

    // 批复: the leader approves; one indicator per line is issued.
    const approved = await env.call('POST', `/api/units/a/budget-requests/${request.id}/approve`, { token: leader, body: { date: '2026-06-01', comment: '同意' } });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const issued = (await env.call('GET', '/api/units/a/indicators?year=2026', { token: finance })).body.filter((i: any) =>
      approved.body.lines.some((l: any) => l.id === i.sourceLineId),
    );
    expect(issued).toHaveLength(request.lines.length);
    expect(issued.reduce((s: number, i: any) => s + i.amount, 0)).toBe(approved.body.lines.reduce((s: number, l: any) => s + l.amount, 0));
    const projectIndicator = issued.find((i: any) => i.projectId === project.body.id);
    const officeIndicator = issued.find((i: any) => i.economicCode === '30201');
    expect(projectIndicator.amount).toBe(360_000_00);

    // Payments through the tiers: a small one (head → finance), a large one (+ leader), then paid.
    const small = await submitPayment(env, officeIndicator.id, 1_234_56, { purpose: '办公用品' });
    expect(small.body.steps).toHaveLength(2);
    const large = await submitPayment(env, projectIndicator.id, 120_000_00, { purpose: '培训费（第一期）', standard: { item: 'training', tier: 'class2', quantity: 300 } });
    expect(large.status, JSON.stringify(large.body)).toBe(201);
    expect(large.body.steps.map((s: any) => s.role)).toEqual(['department_head', 'finance_officer', 'leader']);
    for (const p of [small.body, large.body]) {
      expect((await approveThrough(env, 'payments', p.id)).status).toBe('approved');
      expect((await env.call('POST', `/api/units/a/payments/${p.id}/pay`, { token: finance, body: { date: '2026-06-20' } })).body.status).toBe('paid');
    }
    expect(await indicator(env, projectIndicator.id)).toMatchObject({ paid: 120_000_00, available: 240_000_00 });

    // Transfers: within the flexible quota (one approval) and beyond it (the full flow).
    const reserve = await issue(env, { amount: 200_000_00, name: '机动额度', isFlexibleReserve: true });
    const quick = await env.call('POST', '/api/units/a/transfers', { token: staff, body: { fromIndicatorId: reserve.id, toIndicatorId: officeIndicator.id, amount: 15_000_00, reason: '临时办公需要', date: '2026-06-21' } });
    expect(quick.body).toMatchObject({ fastTrack: true });
    expect((await approveThrough(env, 'transfers', quick.body.id)).status).toBe('approved');
    const big = await env.call('POST', '/api/units/a/transfers', { token: staff, body: { fromIndicatorId: projectIndicator.id, toIndicatorId: officeIndicator.id, amount: 50_000_00, reason: '培训改为线上，结余调剂', date: '2026-06-22' } });
    expect(big.body).toMatchObject({ fastTrack: false });
    const bigDone = await approveThrough(env, 'transfers', big.body.id);
    expect(bigDone.steps.map((s: any) => s.role)).toEqual(['finance_officer', 'leader']);

    // Trace: the office indicator's money came from its own budget line, the reserve and the project line.
    const office = await indicator(env, officeIndicator.id);
    expect(office.amount).toBe(officeIndicator.amount + 15_000_00 + 50_000_00);
    const originsById = new Map(office.origins.map((o: any) => [o.indicatorId, o]));
    expect(originsById.get(officeIndicator.id)).toMatchObject({ via: 'issue', budgetRequestId: request.id });
    expect(originsById.get(projectIndicator.id)).toMatchObject({ via: 'transfer', budgetRequestId: request.id });
    expect(originsById.get(reserve.id)).toMatchObject({ via: 'transfer', budgetRequestId: null });
    for (const ind of issued) {
      const detail = await indicator(env, ind.id);
      expect(detail.origins[0]).toMatchObject({ indicatorId: ind.id, budgetRequestId: request.id, sourceLineId: ind.sourceLineId });
      expect(detail.movements[0]).toMatchObject({ kind: 'issue', refType: 'budget_line', refId: ind.sourceLineId });
      expect(detail.available).toBe(detail.issued + detail.adjusted - detail.frozen - detail.paid);
    }

    // The request keeps its full trail; the audit chain holds.
    const trail = (await env.call('GET', `/api/units/a/budget-requests/${request.id}`, { token: finance })).body.trail;
    expect(trail.map((t: any) => t.action)).toEqual(expect.arrayContaining(['create', 'submit', 'return', 'resubmit', 'approve']));
    expect((await verifyChain(env.kernel.db)).ok).toBe(true);
  });
});
