import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { mockFetch, sleep, until } from './mock-fetch.js';
import { ctx, indicator } from './fixtures.js';
import '../src/pages/transfer-forms.js';
import '../src/pages/period-close.js';
import '../src/pages/my-requests.js';
import '../src/pages/audit-trace.js';
import '../src/pages/indicator-detail.js';
import type { UbTransferForms } from '../src/pages/transfer-forms.js';
import type { UbPeriodClose } from '../src/pages/period-close.js';
import type { UbMyRequests } from '../src/pages/my-requests.js';
import type { UbAuditTrace } from '../src/pages/audit-trace.js';
import type { UbIndicatorDetail } from '../src/pages/indicator-detail.js';
import { CHECK_DEBOUNCE_MS } from '../src/pages/payment-wizard.js';

const finance = ctx({ roles: ['finance_officer'], departmentId: null });
const text = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');

const payment = {
  id: 5, unitId: 'a', indicatorId: 4, indicatorCode: 'ZB-4', departmentId: 3, payeeName: '文印中心', payeeAccount: '', payeeBank: '', purpose: '印刷',
  functionalCode: '2050101', economicCode: '30202', fundSourceCode: '11', amount: 123456, date: '2026-03-01', status: 'pending', procurement: false,
  contractNo: null, warnings: [], overrideReason: null, createdBy: 6, createdByName: '孙浩', createdAt: '2026-03-01T01:00:00Z', approvedAt: null, paidAt: null,
};
const steps = [
  { seq: 1, role: 'department_head', label: '科室负责人审核', status: 'approved', decidedBy: 7, decidedByName: '李静', decidedAt: '2026-03-01T02:00:00Z', comment: '同意' },
  { seq: 2, role: 'finance_officer', label: '财务审核', status: 'pending', decidedBy: null, decidedByName: null, decidedAt: null, comment: null },
];

describe('ledger pages', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());

  it('transfer form: live transfers/check, refuses the same indicator, submits in fen', async () => {
    mock = mockFetch({
      'GET /api/units/a/indicators': { body: [indicator({ id: 1, code: 'ZB-1' }), indicator({ id: 2, code: 'ZB-2' })] },
      'GET /api/units/a/transfers': { body: [] },
      'GET /api/units/a/adjustments': { body: [] },
      'POST /api/units/a/transfers/check': { body: { ok: true, findings: [], available: 600000, fastTrack: true, steps: [{ role: 'finance_officer', label: '财务审核' }] } },
      'POST /api/units/a/transfers': { status: 201, body: { id: 12 } },
      'POST /api/units/a/adjustments': { status: 201, body: { id: 3 } },
    });
    const el = await fixture<UbTransferForms>(html`<ub-transfer-forms .ctx=${finance}></ub-transfer-forms>`);
    await until(() => el.indicators.length === 2);
    el.fromId = 1;
    el.toId = 1;
    el.tAmount = 50000;
    el.tReason = '调剂';
    el.scheduleCheck();
    await sleep(CHECK_DEBOUNCE_MS + 100);
    expect(mock.calls.find((c) => c.url.endsWith('/transfers/check'))!.body).to.include({ fromIndicatorId: 1, amount: 50000 });
    // The check's answer arrives after the debounce; on a busy machine later than the request itself.
    const findings = el.shadowRoot!.querySelector('ub-rule-findings')!;
    await until(() => text(findings).includes('机动额度内'));
    expect(text(findings)).to.contain('机动额度内');
    expect(el.transferError).to.contain('不能相同');
    el.toId = 2;
    await el.submitTransfer(new Event('submit'));
    expect(mock.calls.find((c) => c.method === 'POST' && c.url === '/api/units/a/transfers')!.body).to.deep.equal({
      fromIndicatorId: 1, toIndicatorId: 2, amount: 50000, reason: '调剂', date: el.tDate,
    });
    // 追减 sends a negative amount
    el.aId = 2;
    el.aDir = -1;
    el.aAmount = 1000;
    el.aReason = '追减';
    await el.submitAdjustment(new Event('submit'));
    expect(mock.calls.find((c) => c.url === '/api/units/a/adjustments' && c.method === 'POST')!.body).to.include({ indicatorId: 2, amount: -1000 });
  });

  it('period close: only the next open period, after its checklist and confirmation', async () => {
    const periods = Array.from({ length: 12 }, (_, i) => ({ year: 2026, month: i + 1, status: i < 3 ? 'closed' : 'open', closedAt: i < 3 ? '2026-04-01T00:00:00Z' : null, closedBy: 1 }));
    const tracks = [{ track: 'financial', debit: 150000, credit: 150000, balanced: true }, { track: 'budgetary', debit: 90000, credit: 90000, balanced: true }];
    const checklist = {
      year: 2026, month: 4, status: 'open', blockingMonth: null, canClose: true, tracks,
      documents: [
        { target: 'payment', id: 7, status: 'approved', date: '2026-04-20', amount: 123456, summary: '印刷（文印中心）' },
        { target: 'transfer', id: 3, status: 'pending', date: '2026-04-21', amount: 50000, summary: '<b>调剂</b>' },
      ],
    };
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': { body: [{ unitId: 'a', year: 2026, status: 'open', periods }] },
      'GET /api/units/a/periods/2026/4/checklist': { body: checklist },
      'POST /api/units/a/periods/2026/4/close': { body: {} },
    });
    const el = await fixture<UbPeriodClose>(html`<ub-period-close .ctx=${finance}></ub-period-close>`);
    await until(() => el.years.length === 1);
    await el.updateComplete;
    const buttons = [...el.shadowRoot!.querySelectorAll('tbody button')];
    expect(buttons.length).to.equal(1);
    expect(buttons[0]!.closest('tr')!.textContent).to.contain('2026-04');
    expect(buttons[0]!.textContent, 'the row button opens the checklist').to.equal('结账检查…');
    expect([...el.shadowRoot!.querySelectorAll('thead th')].map((th) => th.textContent)).to.deep.equal(['月份', '状态', '结账时间', '操作']);
    expect(el.shadowRoot!.querySelector('tbody tr')!.textContent, 'closed at, in China time').to.contain('2026-04-01 08:00');
    (buttons[0] as HTMLButtonElement).click();
    await until(() => el.checklist !== null);
    await el.updateComplete;
    const dialog = el.shadowRoot!.querySelector('[role=alertdialog]')!;
    expect(dialog.textContent).to.contain('2026 年 4 月');
    // The open documents of the month, amounts in yuan, plugin-free text never as HTML.
    expect(dialog.querySelector('[data-doc="payment:7"]')!.textContent).to.contain('已审批未支付');
    expect(dialog.querySelector('[data-doc="payment:7"]')!.textContent).to.contain('1,234.56');
    expect(dialog.querySelector('[data-doc="transfer:3"]')!.textContent).to.contain('<b>调剂</b>');
    expect(dialog.querySelector('[data-doc="transfer:3"] a')!.getAttribute('href')).to.equal('/inbox');
    expect(dialog.querySelector('[data-track=financial]')!.textContent).to.contain('平衡');
    const amount = dialog.querySelector('[data-doc="payment:7"] td.num')!;
    expect(amount.textContent).to.equal('1,234.56');
    expect(getComputedStyle(amount).textAlign, 'amounts right-aligned').to.equal('right');
    const closeButton = dialog.querySelector('button.primary') as HTMLButtonElement;
    expect(closeButton.textContent, 'the confirm button is not the row button').to.equal('确认结账');
    expect(closeButton.disabled).to.equal(false);
    closeButton.click();
    await until(() => mock!.calls.some((c) => c.method === 'POST' && c.url === '/api/units/a/periods/2026/4/close'));
  });

  it('period close on a phone: each open document is a stacked card, its summary readable at full width', async () => {
    const periods = Array.from({ length: 12 }, (_, i) => ({ year: 2026, month: i + 1, status: i < 10 ? 'closed' : 'open', closedAt: null, closedBy: null }));
    const summary = '赴市教育局参加教师培训工作会议差旅费报销（张明）';
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': { body: [{ unitId: 'a', year: 2026, status: 'open', periods }] },
      'GET /api/units/a/periods/2026/11/checklist': { body: { year: 2026, month: 11, status: 'open', blockingMonth: null, canClose: true, tracks: [],
        documents: [{ target: 'payment', id: 448, status: 'pending', date: '2026-11-30', amount: 148050, summary }] } },
    });
    await setViewport({ width: 390, height: 844 });
    try {
      const el = await fixture<UbPeriodClose>(html`<div style="width:360px"><ub-period-close .ctx=${finance}></ub-period-close></div>`).then((d) => d.querySelector('ub-period-close')!);
      await until(() => el.years.length === 1);
      await el.updateComplete;
      el.shadowRoot!.querySelector<HTMLButtonElement>('button[data-action=check-close]')!.click();
      await until(() => el.checklist !== null);
      await el.updateComplete;
      const cell = el.shadowRoot!.querySelector('[data-doc="payment:448"] td.summary')!;
      expect(cell.getBoundingClientRect().width, 'the summary gets the card’s width').to.be.above(250);
      expect(getComputedStyle(cell, '::before').content, 'labelled').to.equal('"摘要"');
      const table = el.shadowRoot!.querySelector('table.docs')!;
      expect(table.getBoundingClientRect().right).to.be.at.most(360 + 0.5);
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });

  it('period close: an unbalanced month cannot be closed from its checklist', async () => {
    const periods = Array.from({ length: 12 }, (_, i) => ({ year: 2026, month: i + 1, status: i < 3 ? 'closed' : 'open', closedAt: null, closedBy: null }));
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': { body: [{ unitId: 'a', year: 2026, status: 'open', periods }] },
      'GET /api/units/a/periods/2026/4/checklist': { body: {
        year: 2026, month: 4, status: 'open', blockingMonth: null, canClose: false, documents: [],
        tracks: [{ track: 'financial', debit: 100001, credit: 100000, balanced: false }, { track: 'budgetary', debit: 0, credit: 0, balanced: true }],
      } },
    });
    const el = await fixture<UbPeriodClose>(html`<ub-period-close .ctx=${finance}></ub-period-close>`);
    await until(() => el.years.length === 1);
    await el.confirm(el.nextToClose!);
    await el.updateComplete;
    const dialog = el.shadowRoot!.querySelector('[role=alertdialog]')!;
    expect(dialog.querySelector('[data-track=financial]')!.textContent).to.contain('不平衡');
    expect(dialog.textContent).to.contain('本月没有未办结的单据');
    expect((dialog.querySelector('button.primary') as HTMLButtonElement).disabled).to.equal(true);
  });

  it('my requests: status and approval trail', async () => {
    mock = mockFetch({
      'GET /api/units/a/payments': { body: [payment] },
      'GET /api/units/a/budget-requests': { body: [{ id: 2, unitId: 'a', year: 2027, departmentId: 3, departmentName: '基础教育科', title: '2027年度预算', status: 'returned', round: 1, amount: 100000, controlAmount: 90000, createdBy: 6, createdAt: '', updatedAt: '' }] },
      'GET /api/units/a/payments/5': { body: { ...payment, steps, comments: [] } },
    });
    const el = await fixture<UbMyRequests>(html`<ub-my-requests .ctx=${ctx()}></ub-my-requests>`);
    await until(() => el.payments.length === 1);
    await el.updateComplete;
    expect(mock.calls[0]!.url).to.contain('mine=true');
    expect(text(el)).to.contain('审批中');
    expect(text(el)).to.contain('1,234.56');
    expect(text(el)).to.contain('一下（控制数）');
    expect(text(el)).to.contain('900.00');
    await el.togglePayment(5);
    await el.updateComplete;
    const trail = el.shadowRoot!.querySelector('ub-step-trail')!;
    await trail.updateComplete;
    expect(text(trail)).to.contain('科室负责人审核');
    expect(text(trail)).to.contain('李静');
    expect(text(trail)).to.contain('待审批');
  });

  it('audit trace: chain status, approvals, indicator, original budget and audit entries', async () => {
    history.replaceState(null, '', location.href);
    mock = mockFetch({
      'GET /api/units/a/payments': { body: [payment] },
      'GET /api/audit/verify': { body: { ok: true, checked: 42, headSeq: 42, headHash: 'ab'.repeat(32) } },
      'GET /api/units/a/payments/5': { body: { ...payment, steps, comments: [] } },
      'GET /api/units/a/audit': { body: [{ seq: 40, at: '2026-03-01T01:00:00Z', actorId: 6, actorName: 'a.staff', unitId: 'a', action: 'payment.submit', entity: 'payment', entityId: '5', before: null, after: {}, prevHash: 'cd'.repeat(32), hash: 'ef'.repeat(32) }] },
      'GET /api/units/a/indicators/4': { body: { ...indicator({ id: 4, code: 'ZB-4' }), movements: [], origins: [{ indicatorId: 4, code: 'ZB-4', via: 'issue', amount: 1000000, sourceLineId: 1, budgetRequestId: 1 }] } },
      'GET /api/units/a/budget-requests/1': { body: { id: 1, title: '2026年度基本支出预算', status: 'approved', departmentName: '基础教育科' } },
    });
    const el = await fixture<UbAuditTrace>(html`<ub-audit-trace .ctx=${ctx({ roles: ['auditor'] })} .paymentId=${5}></ub-audit-trace>`);
    await until(() => el.requests.length === 1);
    await el.updateComplete;
    const s = text(el);
    expect(s).to.contain('审计哈希链完整（已校验 42 条');
    expect(s).to.contain('支付申请 #5 的追溯链');
    expect(s).to.contain('预算申请 #1');
    expect(s).to.contain('2026年度基本支出预算');
    expect(s).to.contain('支付申请 · 提交');
    expect(mock.calls.find((c) => c.url.includes('/audit?'))!.url).to.contain('entity=payment&entityId=5');
    expect(el.shadowRoot!.querySelectorAll('button, input').length).to.be.greaterThan(0);
    expect(el.shadowRoot!.querySelector('button.primary')).to.equal(null); // read-only: no actions
  });

  it('audit trace: a broken chain says where', async () => {
    mock = mockFetch({
      'GET /api/units/a/payments': { body: [] },
      'GET /api/audit/verify': { body: { ok: false, checked: 10, headSeq: 12, headHash: 'x'.repeat(64), brokenAt: 11, reason: 'hash_mismatch' } },
    });
    const el = await fixture<UbAuditTrace>(html`<ub-audit-trace .ctx=${ctx({ roles: ['auditor'] })}></ub-audit-trace>`);
    await until(() => el.verify);
    await el.updateComplete;
    expect(text(el)).to.contain('审计链在第 11 条断裂（hash_mismatch）');
  });

  it('indicator detail: figures, origins and movements, amounts right-aligned', async () => {
    mock = mockFetch({
      'GET /api/units/a/indicators/4': {
        body: {
          ...indicator({ id: 4, code: 'ZB-4', issued: 1000000, adjusted: -50000, amount: 950000 }),
          movements: [
            { id: 1, kind: 'issue', amount: 1000000, refType: 'budget_line', refId: 1, counterpartIndicatorId: null, date: '2026-01-06', at: '', actorId: 1, refNo: 'YS2026-0001', counterpartCode: null },
            { id: 2, kind: 'transfer_out', amount: -50000, refType: 'transfer', refId: 3, counterpartIndicatorId: 9, date: '2026-02-01', at: '', actorId: 1, refNo: 'TJ2026-0003', counterpartCode: 'ZB-9' },
          ],
          origins: [{ indicatorId: 4, code: 'ZB-4', via: 'issue', amount: 1000000, sourceLineId: 1, budgetRequestId: null }],
        },
      },
      'GET /api/classifications': { body: [] },
    });
    const el = await fixture<UbIndicatorDetail>(html`<ub-indicator-detail .ctx=${finance} .indicatorId=${4}></ub-indicator-detail>`);
    await until(() => el.detail);
    await el.updateComplete;
    const s = text(el);
    expect(s).to.contain('指标台账 · ZB-4');
    expect(s).to.contain('9,500.00');
    // Documents by their number and indicators by their code, never a database id (issue 20).
    expect(s).to.contain('预算调剂 TJ2026-0003');
    expect(s).to.contain('预算申请行 YS2026-0001');
    expect(s).not.to.match(/#\d/);
    expect(el.shadowRoot!.querySelector('a[href="/dashboard/9"]')!.textContent).to.equal('ZB-9');
    expect(el.shadowRoot!.querySelectorAll('[data-money-unit=yuan]').length).to.equal(3);
    const neg = el.shadowRoot!.querySelector('td.num.neg')!;
    expect(neg.textContent).to.equal('-500.00');
    expect(getComputedStyle(neg).textAlign).to.equal('right');
    expect(el.shadowRoot!.querySelector('a[href="/dashboard/9"]')).to.exist;
  });
});
