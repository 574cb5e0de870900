import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestEnv, type TestEnv } from '../../../test/support/kernel.js';
import { approveThrough, departmentId, issue, submitPayment } from '../../../test/support/ledger.js';
import { composeStepLabel, localizeStepLabel } from '@unibudget/sdk/contracts/step-labels';

/**
 * Issue 20, approvals and notices: a notice links to its one document; core notices and step names
 * read in the reader's language (stored in Chinese, with a message key); the inbox, 我的申请's
 * payments and budget requests page and search on the server when asked for a page.
 */
let env: TestEnv;
beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.close());

const get = async (username: string, path: string, headers: Record<string, string> = {}) => env.call('GET', path, { token: await env.login(username), headers });
const post = async (username: string, path: string, body: unknown = {}) => env.call('POST', path, { token: await env.login(username), body });
const EN = { 'accept-language': 'en' };

describe('step names', () => {
  it('built-in and composed labels read in English; a unit’s own names stay as typed; Chinese stays as stored', () => {
    expect(localizeStepLabel('科室负责人审核', 'en')).toBe('Department head review');
    expect(localizeStepLabel('财务审核', 'zh')).toBe('财务审核');
    expect(localizeStepLabel(composeStepLabel.standIn('leader', ['财务审核']), 'en'))
      .toBe('Unit leader approval (standing in for: Finance review; no other eligible approver)');
    const both = composeStepLabel.standInAlso(composeStepLabel.standIn('leader', ['科室负责人审核']), '财务审核');
    expect(both).toBe('单位领导审批（代：科室负责人审核、财务审核，无其他可审批人员）');
    expect(localizeStepLabel(both, 'en')).toBe('Unit leader approval (standing in for: Department head review, Finance review; no other eligible approver)');
    expect(localizeStepLabel(composeStepLabel.merged('单位领导审批', '财务审核'), 'en')).toBe('Unit leader approval (also for: Finance review)');
    expect(localizeStepLabel(composeStepLabel.noHead('科室负责人审核'), 'en')).toBe('Department head review; the department has no head of its own');
    expect(localizeStepLabel('分管副局长审签', 'en')).toBe('分管副局长审签');
  });

  it('the inbox and a payment’s steps answer in the request’s language', async () => {
    const ind = await issue(env, { amount: 10_000_000 });
    const id = (await submitPayment(env, ind.id, 1_000_00)).body.id as number;
    const zh = (await get('a.head', '/api/units/a/approvals/inbox')).body as Array<{ targetId: number; label: string; summary: string }>;
    expect(zh.find((i) => i.targetId === id)).toMatchObject({ label: '科室负责人审核', summary: '购买办公用品（收款人：示范县文具公司）' });
    const en = (await get('a.head', '/api/units/a/approvals/inbox', EN)).body as typeof zh;
    expect(en.find((i) => i.targetId === id)).toMatchObject({ label: 'Department head review', summary: '购买办公用品 (payee: 示范县文具公司)' });
    expect((await get('a.head', '/api/units/a/approvals/inbox?lang=en')).body.find((i: { targetId: number }) => i.targetId === id).label).toBe('Department head review');

    const detail = (await get('a.staff', `/api/units/a/payments/${id}`, EN)).body as { steps: Array<{ label: string; status: string }> };
    expect(detail.steps.map((s) => s.label)).toEqual(['Department head review', 'Finance review']);
    const stored = (await get('a.staff', `/api/units/a/payments/${id}`)).body as typeof detail;
    expect(stored.steps.map((s) => s.label)).toEqual(['科室负责人审核', '财务审核']);
    const check = await env.call('POST', '/api/units/a/payments/check', {
      token: await env.login('a.staff'), headers: EN,
      body: { indicatorId: ind.id, payeeName: '示范县文具公司', payeeAccount: '6222020200001234567', purpose: '购买办公用品', amount: 100_00, date: '2026-06-10' },
    });
    expect(check.status, JSON.stringify(check.body)).toBe(200);
    expect(check.body.steps.map((s: { label: string }) => s.label)).toEqual(['Department head review', 'Finance review']);
  });
});

describe('core notices', () => {
  it('link to the one document and read in the reader’s language; stored in Chinese with a key; plugin notices as written', async () => {
    const ind = await issue(env, { amount: 10_000_000 });
    const id = (await submitPayment(env, ind.id, 2_345_67)).body.id as number;
    const docNo = (await env.kernel.db.selectFrom('payments').select('doc_no').where('id', '=', id).executeTakeFirstOrThrow()).doc_no;
    await approveThrough(env, 'payments', id);
    const row = await env.kernel.db.selectFrom('notifications').selectAll().where('link', '=', `/mine?doc=payment:${id}`).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ title: `支付申请 ${docNo} 已审批通过，2,345.67 元`, title_key: 'approval.outcome' });
    expect(JSON.parse(row.params!)).toMatchObject({ target: 'payment', id, outcome: 'approved', amount: 234_567 });

    const mine = (body: unknown) => (body as Array<{ link: string; title: string; body: string }>).find((n) => n.link === `/mine?doc=payment:${id}`)!;
    expect(mine((await get('a.staff', '/api/units/a/notifications')).body).title).toBe(`支付申请 ${docNo} 已审批通过，2,345.67 元`);
    const en = mine((await get('a.staff', '/api/units/a/notifications', EN)).body);
    expect(en).toMatchObject({ title: `Payment request ${docNo} approved, 2,345.67 yuan`, body: '购买办公用品 (payee: 示范县文具公司)' });
    expect(mine((await get('a.staff', '/api/units/a/notifications?lang=en')).body).title).toBe(en.title);
    // ?lang= wins over the browser's Accept-Language (a link names the app's language).
    expect(mine((await get('a.staff', '/api/units/a/notifications?lang=zh-CN', EN)).body).title).toContain('已审批通过');

    // The approvers' notices open the document in their inbox, with the step's name in English.
    const pending = await env.kernel.db.selectFrom('notifications').selectAll().where('link', '=', `/inbox?doc=payment:${id}`).orderBy('id').execute();
    expect(pending.length).toBe(2);
    const head = (await get('a.head', '/api/units/a/notifications', EN)).body.find((n: { link: string }) => n.link === `/inbox?doc=payment:${id}`);
    expect(head).toMatchObject({ title: `Awaiting approval: Payment request ${docNo}, 2,345.67 yuan`, body: '购买办公用品 (payee: 示范县文具公司) (Department head review)' });

    // A notice without a key (a plugin's, or one written before) reads as written in every language.
    await env.kernel.db.insertInto('notifications').values({
      unit_id: 'a', user_id: (await env.kernel.db.selectFrom('users').select('id').where('username', '=', 'a.staff').executeTakeFirstOrThrow()).id,
      role: null, source: 'plugin:analytics', title: '预警：执行进度滞后', body: '请关注', link: '/cockpit', created_at: new Date().toISOString(), read_at: null,
    }).execute();
    const plugin = (await get('a.staff', '/api/units/a/notifications', EN)).body.find((n: { source: string }) => n.source === 'plugin:analytics');
    expect(plugin).toMatchObject({ title: '预警：执行进度滞后', body: '请关注' });
  });

  it('a rejection reaches the requester with its reason, in English too', async () => {
    const ind = await issue(env, { amount: 10_000_000 });
    const id = (await submitPayment(env, ind.id, 100_00)).body.id as number;
    expect((await post('a.head', `/api/units/a/payments/${id}/reject`, { comment: '发票不全' })).status).toBe(200);
    const en = (await get('a.staff', '/api/units/a/notifications', EN)).body.find((n: { link: string }) => n.link === `/mine?doc=payment:${id}`);
    expect(en.title).toMatch(/^Payment request .+ sent back, 100\.00 yuan$/);
    expect(en.body).toBe('购买办公用品 (payee: 示范县文具公司)\nReason: 发票不全');
  });
});

describe('server paging and search', () => {
  it('the inbox answers one page with its total when asked, the old array otherwise, and searches', async () => {
    const ind = await issue(env, { amount: 10_000_000 });
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push((await submitPayment(env, ind.id, 10_00 + i, { payeeName: `分页测试供应商${i}` })).body.id as number);
    const all = (await get('a.head', '/api/units/a/approvals/inbox')).body as Array<{ targetId: number }>;
    expect(Array.isArray(all)).toBe(true);
    const page = (await get('a.head', '/api/units/a/approvals/inbox?page=2&pageSize=2')).body;
    expect(page).toMatchObject({ total: all.length, page: 2, pageSize: 2 });
    expect(page.items.map((i: { targetId: number }) => i.targetId)).toEqual(all.slice(2, 4).map((i) => i.targetId));
    const found = (await get('a.head', `/api/units/a/approvals/inbox?page=1&q=${encodeURIComponent('分页测试供应商1')}`)).body;
    expect(found.total).toBe(1);
    expect(found.items[0].targetId).toBe(ids[1]);
    const docNo = (await env.kernel.db.selectFrom('payments').select('doc_no').where('id', '=', ids[2]!).executeTakeFirstOrThrow()).doc_no!;
    expect((await get('a.head', `/api/units/a/approvals/inbox?page=1&q=${docNo.toLowerCase()}`)).body.items.map((i: { targetId: number }) => i.targetId)).toEqual([ids[2]]);
    const tooBig = await get('a.head', '/api/units/a/approvals/inbox?page=1&pageSize=101');
    expect(tooBig.status).toBe(400);
    expect(tooBig.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('我的申请: payments and budget requests page and search on the server, the caller’s own only', async () => {
    const ind = await issue(env, { amount: 10_000_000 });
    for (let i = 0; i < 3; i++) await submitPayment(env, ind.id, 20_00 + i, { purpose: `我的分页_${i}%` });
    const plain = (await get('a.staff', '/api/units/a/payments?mine=true')).body as Array<{ id: number }>;
    const page = (await get('a.staff', '/api/units/a/payments?mine=true&page=1&pageSize=2')).body;
    expect(page).toMatchObject({ total: plain.length, page: 1, pageSize: 2 });
    expect(page.items.map((p: { id: number }) => p.id)).toEqual(plain.slice(0, 2).map((p) => p.id));
    // A literal search: % and _ match themselves.
    const found = (await get('a.staff', `/api/units/a/payments?mine=true&page=1&q=${encodeURIComponent('分页_1%')}`)).body;
    expect(found.total).toBe(1);
    expect(found.items[0].purpose).toBe('我的分页_1%');
    expect((await get('a.staff', `/api/units/a/payments?mine=true&page=1&q=${encodeURIComponent('分页x1')}`)).body.total).toBe(0);
    expect((await get('a.head', `/api/units/a/payments?mine=true&page=1&q=${encodeURIComponent('我的分页')}`)).body.total).toBe(0);

    const dept = await departmentId(env, 'a', '03');
    for (const title of ['分页预算甲', '分页预算乙']) {
      const r = await post('a.staff', '/api/units/a/budget-requests', { year: 2027, departmentId: dept, title, lines: [{ kind: 'personnel', headcount: 2 }] });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const requests = (await get('a.staff', '/api/units/a/budget-requests?mine=true&page=1&pageSize=1&q=分页预算')).body;
    expect(requests).toMatchObject({ total: 2, page: 1, pageSize: 1 });
    expect(requests.items[0].title).toBe('分页预算乙');
    expect((await get('a.head', '/api/units/a/budget-requests?mine=true&page=1&q=分页预算')).body.total).toBe(0);
    expect(Array.isArray((await get('a.staff', '/api/units/a/budget-requests?mine=true')).body)).toBe(true);
  });
});
