import { expect } from 'vitest';
import type { Tx } from '../../core/db/connection.js';
import { runCommand } from '../../core/db/command.js';
import { loadGrants } from '../../core/accounts/service.js';
import { authorizeUnit, type Actor } from '../../core/permissions/service.js';
import type { Permission } from '../../core/permissions/roles.js';
import { AppError } from '../../core/errors.js';
import { footprint, type TestEnv } from './kernel.js';

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

/** A demo user as the server knows them once signed in: the actor a command runs for. */
export async function actorOf(env: TestEnv, username: string): Promise<Actor> {
  const user = await env.kernel.db.selectFrom('users').select(['id', 'username', 'display_name']).where('username', '=', username).executeTakeFirstOrThrow();
  return { userId: user.id, username: user.username, displayName: user.display_name, grants: await loadGrants(env.kernel.db, user.id), via: 'session' };
}

/** The actor and their authorized scope at a unit for one permission, as a route's access check gives them to its command. */
export async function commandContext(env: TestEnv, username: string, permission: Permission, unitId = username.split('.')[0]!) {
  const actor = await actorOf(env, username);
  return { actor, scope: await authorizeUnit(env.kernel.db, actor, unitId, permission) };
}

/**
 * Runs a command that must be refused, through the one command transaction, and proves it: the
 * stable error code, and no trace in any table.
 */
export async function commandRefusedWithoutTrace(env: TestEnv, work: (tx: Tx) => Promise<unknown>, code: string): Promise<AppError> {
  const before = await footprint(env);
  const error = await runCommand(env.kernel, work).then(
    () => { throw new Error(`expected ${code}, the command succeeded`); },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe(code);
  expect(await footprint(env)).toEqual(before);
  return error as AppError;
}
