import { expect } from 'vitest';
import type { TestEnv } from './kernel.js';

/** Demo users who decide each approval step, per unit. */
const DECIDER: Record<string, string> = { department_head: 'head', finance_officer: 'finance', leader: 'leader' };

export async function departmentId(env: TestEnv, unitId: string, code: string): Promise<number> {
  const row = await env.kernel.db.selectFrom('departments').select('id').where('unit_id', '=', unitId).where('code', '=', code).executeTakeFirstOrThrow();
  return row.id;
}

export interface IssueOptions {
  unitId?: string;
  amount?: number;
  departmentCode?: string;
  economicCode?: string;
  expenditureKind?: 'personnel' | 'operating' | 'project';
  fundSourceCode?: string;
  projectId?: number | null;
  isFlexibleReserve?: boolean;
  name?: string;
  date?: string;
}

/** Issues an indicator through the API as the unit's finance officer (dept 03 基础教育科, 办公费 by default). */
export async function issue(env: TestEnv, options: IssueOptions = {}) {
  const unitId = options.unitId ?? 'a';
  const result = await env.call('POST', `/api/units/${unitId}/indicators`, {
    token: await env.login(`${unitId}.finance`),
    body: {
      year: 2026,
      name: options.name ?? '测试指标',
      departmentId: await departmentId(env, unitId, options.departmentCode ?? '03'),
      projectId: options.projectId ?? null,
      expenditureKind: options.expenditureKind ?? 'operating',
      functionalCode: '2050101',
      economicCode: options.economicCode ?? '30201',
      fundSourceCode: options.fundSourceCode ?? '11',
      amount: options.amount ?? 10_000_000,
      date: options.date ?? '2026-06-01',
      isFlexibleReserve: options.isFlexibleReserve ?? false,
    },
  });
  expect(result.status, JSON.stringify(result.body)).toBe(201);
  return result.body as { id: number; amount: number; available: number; frozen: number; paid: number };
}

export async function indicator(env: TestEnv, id: number, unitId = 'a') {
  const result = await env.call('GET', `/api/units/${unitId}/indicators/${id}`, { token: await env.login(`${unitId}.finance`) });
  expect(result.status).toBe(200);
  return result.body;
}

export function paymentBody(indicatorId: number, amount: number, extra: Record<string, unknown> = {}) {
  return { indicatorId, payeeName: '示范县文具公司', payeeAccount: '6222020200001234567', purpose: '购买办公用品', amount, date: '2026-06-10', ...extra };
}

export async function submitPayment(env: TestEnv, indicatorId: number, amount: number, extra: Record<string, unknown> = {}, username = 'a.staff') {
  const unitId = username.split('.')[0]!;
  return env.call('POST', `/api/units/${unitId}/payments`, { token: await env.login(username), body: paymentBody(indicatorId, amount, extra) });
}

/** Walks a document through every pending step with the demo user holding that step's role. */
export async function approveThrough(env: TestEnv, kind: 'payments' | 'transfers' | 'adjustments', id: number, unitId = 'a') {
  for (let guard = 0; guard < 10; guard++) {
    const doc = await env.call('GET', `/api/units/${unitId}/${kind}/${id}`, { token: await env.login(`${unitId}.finance`) });
    const pending = doc.body.steps.find((s: { status: string }) => s.status === 'pending');
    if (!pending) return doc.body;
    const result = await env.call('POST', `/api/units/${unitId}/${kind}/${id}/approve`, {
      token: await env.login(`${unitId}.${DECIDER[pending.role]}`),
      body: { comment: `同意（${pending.label}）` },
    });
    if (result.status !== 200) return result;
  }
  throw new Error('approval did not finish');
}
