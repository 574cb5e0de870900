// End-to-end run of approvals people trust, in Chromium against a real core with the demo data
// (its own core on a fresh SQLite file unless BASE points at one):
//   node web/build.mjs && node web/e2e/approvals-e2e.mjs
//
// Story: a staff member's payment carries its number (ZF<year>-NNNN) → the department head rejects it
// in 审批待办: the reject button asks for the reason and a confirmation, refuses an empty one, and says
// 已退回 (never 已同意) → the staff member's 我的申请 shows the number and 退回原因, her notice names the
// number and the reason → the finance officer (the unit's only one) draws on the flexible quota
// (机动额度): before she submits, the live check says nobody else can decide 财务审核 and that the
// leader will → she submits; the transfer waits in the leader's inbox under its TJ number, not stuck →
// the leader approves it → no uncaught page error.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import { apiAs, launchBrowser, loginPage, openDate, startCore, step } from './lib.mjs';

let BASE = process.env.BASE;
let server;
let tmp;

async function main() {
  tmp = fs.mkdtempSync(`${os.tmpdir()}/ub-approvals-e2e-`);
  if (!BASE) ({ server, base: BASE } = await startCore({ dir: tmp, dbFile: 'approvals-e2e.db', portBase: 23000 }));
  const browser = await launchBrowser();
  const errors = [];
  try {
    const finApi = await apiAs(BASE, 'a.finance');
    const staffApi = await apiAs(BASE, 'a.staff');
    const indicators = await finApi('GET', '/api/units/a/indicators');
    const year = Math.max(...indicators.map((i) => i.year));
    const date = await openDate(finApi, year);
    const me = await staffApi('GET', '/api/me');
    const staffDept = me.memberships.find((m) => m.unitId === 'a').departmentId;
    const source = indicators.find((i) => i.year === year && i.departmentId === staffDept && !i.isFlexibleReserve && i.fundSourceCode.startsWith('11') && i.available > 100_000);
    assert.ok(source, 'an indicator of the staff member’s department with money left');

    // ---- a payment, with its number
    step('a staff member’s payment carries its number, not the database id');
    const purpose = `审批测试：退回 ${Date.now()}`;
    const payment = await staffApi('POST', '/api/units/a/payments', {
      indicatorId: source.id, payeeName: '示范县文印中心', payeeAccount: '6222020200001234567', payeeBank: '示范县农商银行', purpose, amount: 12_300, date,
    });
    assert.match(payment.docNo, new RegExp(`^ZF${date.slice(0, 4)}-\\d{4}$`));

    // ---- the head rejects it in the inbox: reason required, confirmed, said as 已退回
    step(`the department head rejects ${payment.docNo} in 审批待办 with a reason`);
    const head = await loginPage(browser, BASE, 'a.head', errors, { landed: true });
    await head.getByRole('link', { name: '审批待办' }).first().click();
    const row = head.locator('ub-approval-inbox tr', { hasText: payment.docNo });
    await row.waitFor();
    await row.getByRole('button', { name: /^驳回/ }).click();
    const dialog = head.locator('ub-approval-inbox [role=dialog]');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: '确认退回' }).click();
    await dialog.getByText('请填写退回原因').waitFor();
    assert.equal((await finApi('GET', `/api/units/a/payments/${payment.id}`)).status, 'pending', 'nothing is sent without a reason');
    const reason = '发票抬头与单位名称不符，请更正后重新提交';
    await dialog.getByRole('textbox').fill(reason);
    await dialog.getByRole('button', { name: '确认退回' }).click();
    await head.locator('ub-approval-inbox [role=status]', { hasText: '已退回 1 项' }).waitFor();
    assert.equal(await head.locator('ub-approval-inbox [role=status]', { hasText: '已同意' }).count(), 0);
    const rejected = await finApi('GET', `/api/units/a/payments/${payment.id}`);
    assert.equal(rejected.status, 'rejected');
    assert.ok(rejected.comments.some((c) => c.action === 'reject' && c.body === reason), 'the reason is in the trail');

    // ---- the requester sees the number and the reason
    step('the staff member reads the reason in 我的申请 and in her notice');
    const staff = await loginPage(browser, BASE, 'a.staff', errors, { landed: true });
    await staff.getByRole('link', { name: '我的申请' }).first().click();
    const mine = staff.locator('ub-my-requests tr', { hasText: purpose });
    await mine.getByText(payment.docNo).waitFor();
    await mine.getByText(`退回原因：${reason}`).waitFor();
    const notices = await staffApi('GET', '/api/units/a/notifications');
    const notice = notices.find((n) => n.title.startsWith(`支付申请 ${payment.docNo} 被退回`));
    assert.ok(notice, 'the notice names the document by its number');
    assert.ok(notice.body.includes(`退回原因：${reason}`), 'and carries the reason');

    // ---- the only finance officer's own transfer from 机动额度: warned before submission, routed to the leader
    step('the finance officer’s own transfer from 机动额度: the live check names the leader before submission');
    const reserve = indicators.find((i) => i.year === year && i.isFlexibleReserve && i.available > 100_000);
    const target = indicators.find((i) => i.year === year && !i.isFlexibleReserve && i.fundSourceCode === reserve.fundSourceCode && i.id !== reserve.id);
    assert.ok(reserve && target, 'a flexible reserve and a target of the same fund source');
    const fin = await loginPage(browser, BASE, 'a.finance', errors, { landed: true });
    await fin.getByRole('link', { name: '调剂与调整' }).first().click();
    const form = fin.locator('ub-transfer-forms form').first();
    await form.locator('select[name=from]').selectOption(String(reserve.id));
    await form.locator('select[name=to]').selectOption(String(target.id));
    await form.getByLabel('金额（元）').pressSequentially('500', { delay: 40 });
    const warning = fin.locator('ub-transfer-forms ub-rule-findings .rerouted');
    await warning.getByText('「财务审核」环节本单位没有其他可审批人员').waitFor();
    await warning.getByText(/改由单位领导审批（周伟）/).waitFor();
    const why = `审批测试：机动额度 ${Date.now()}`;
    await form.locator('textarea[name=reason]').fill(why);
    await form.getByRole('button', { name: '提交调剂' }).click();
    const submitted = await fin.locator('ub-transfer-forms [role=status]', { hasText: '调剂申请已提交' }).first().textContent();
    const transferNo = /TJ\d{4}-\d{4}/.exec(submitted)[0];
    const transfer = (await finApi('GET', '/api/units/a/transfers?status=pending')).find((x) => x.docNo === transferNo);
    assert.ok(transfer, 'the transfer is pending under its number');
    const pendingStep = transfer.steps.find((s) => s.status === 'pending');
    assert.equal(pendingStep.role, 'leader', 'its step is the leader’s, not a finance officer’s nobody else can take');
    assert.deepEqual(pendingStep.approvers, ['周伟']);

    step(`the leader finds ${transferNo} in 审批待办 and approves it: nothing is stuck`);
    const leader = await loginPage(browser, BASE, 'a.leader', errors, { landed: true });
    await leader.getByRole('link', { name: '审批待办' }).first().click();
    const waiting = leader.locator('ub-approval-inbox tr', { hasText: transferNo });
    await waiting.waitFor();
    await waiting.getByRole('button', { name: /^同意/ }).click();
    await leader.locator('ub-approval-inbox [role=status]', { hasText: '已同意 1 项' }).waitFor();
    assert.equal((await finApi('GET', `/api/units/a/transfers/${transfer.id}`)).status, 'approved');

    assert.deepEqual(errors, [], 'no uncaught page error');
    console.log('approvals e2e: all steps passed');
  } finally {
    await browser.close();
    server?.kill();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  server?.kill();
  process.exit(1);
});
