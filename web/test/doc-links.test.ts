import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { FakeStream } from './fake-stream.js';
import { ctx, payment, step } from './fixtures.js';
import '../src/pages/my-requests.js';
import '../src/pages/approval-inbox.js';
import '../src/pages/transfer-forms.js';
import '../src/components/step-trail.js';
import '../src/components/notification-bell.js';
import type { UbMyRequests } from '../src/pages/my-requests.js';
import type { UbApprovalInbox } from '../src/pages/approval-inbox.js';
import type { UbStepTrail } from '../src/components/step-trail.js';
import { UbNotificationBell } from '../src/components/notification-bell.js';
import type { Payment } from '../src/lib/types.js';
import { setLang } from '../src/lib/i18n.js';
import { nextStepText, trailAction } from '../src/lib/approvals.js';

/** Issue 20: a notice opens its one document as it is now; lists page on the server with page and search in the address; step names in English. */
const page = <T>(items: T[], total = items.length, p = 1) => ({ items, total, page: p, pageSize: 20 });
const text = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
const panelText = (el: Element) => text(el.shadowRoot!.querySelector('ub-doc-panel')!);

describe('a notice opens its one document, as it is now', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  const start = location.href;
  afterEach(() => {
    mock?.restore();
    history.replaceState(null, '', start);
    setLang('zh-CN');
  });

  it('我的申请?doc=payment:447 fetches the payment fresh and shows its current state; closing drops it from the address', async () => {
    history.replaceState(null, '', '/mine?doc=payment:447');
    let status: Payment['status'] = 'pending';
    mock = mockFetch({
      // The list (and the notice) were written while it was pending; the document itself is approved now.
      'GET /api/units/a/payments': { body: page([payment({})]) },
      'GET /api/units/a/budget-requests': { body: page([]) },
      'GET /api/units/a/payments/447': () => ({ body: { ...payment({ status }), steps: [step(1, 'approved', { decidedByName: '李静' }), step(2, status === 'pending' ? 'pending' : 'approved', { approvers: ['王芳'] })], comments: [] } }),
    });
    status = 'approved';
    const el = await fixture<UbMyRequests>(html`<ub-my-requests .ctx=${ctx()}></ub-my-requests>`);
    const panel = (await until(() => el.shadowRoot!.querySelector('ub-doc-panel')))!;
    await until(() => panelText(el).includes('已审批待支付'));
    expect(panelText(el)).to.contain('支付申请 ZF2026-0012').and.contain('3,200.00').and.contain('教研资料印刷');
    expect(mock.calls.filter((c) => c.url === '/api/units/a/payments/447').length).to.be.greaterThan(0);
    // Keyboard users land on it.
    expect(panel.shadowRoot!.activeElement?.tagName).to.equal('H2');
    (panel.shadowRoot!.querySelector('button.link') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('ub-doc-panel')).to.equal(null);
    expect(location.search).not.to.contain('doc=');
  });

  it('the inbox opens the notice’s document with 同意 / 退回 when it waits for the caller, and shows the decision made', async () => {
    history.replaceState(null, '', '/inbox?doc=payment:11');
    const item = { target: 'payment', targetId: 11, docNo: 'ZF2026-0011', seq: 2, label: '财务审核', amount: 120000, summary: '办公用品', requestedBy: '孙浩', requestedAt: '2026-11-01T08:00:00Z' };
    let approved = false;
    mock = mockFetch({
      'GET /api/units/a/approvals/inbox': () => ({ body: page(approved ? [] : [item]) }),
      'GET /api/units/a/payments/11': () => ({
        body: { ...payment({ id: 11, docNo: 'ZF2026-0011', amount: 120000, status: approved ? 'approved' : 'pending' }), steps: [step(1, 'approved'), step(2, approved ? 'approved' : 'pending', { approvers: ['王芳'] })], comments: [] },
      }),
      'POST /api/units/a/payments/11/approve': () => ((approved = true), { body: {} }),
    });
    const el = await fixture<UbApprovalInbox>(html`<ub-approval-inbox .ctx=${ctx({ roles: ['finance_officer'] })}></ub-approval-inbox>`);
    await until(() => el.docItem);
    await el.updateComplete;
    expect(panelText(el)).to.contain('审批中').and.contain('下一步：财务审核 · 王芳');
    // Its row was found by a server search for its number.
    expect(mock.calls.some((c) => c.url.includes('/approvals/inbox?') && c.url.includes('q=ZF2026-0011'))).to.equal(true);
    const approve = el.shadowRoot!.querySelector<HTMLButtonElement>('ub-doc-panel [slot=actions] button.primary')!;
    approve.click();
    await until(() => panelText(el).includes('已审批待支付'));
    expect(mock.calls.some((c) => c.method === 'POST' && c.url === '/api/units/a/payments/11/approve')).to.equal(true);
    await until(() => el.docItem === null);
    await el.updateComplete;
    expect(text(el)).to.contain('不在您的待办中');
  });

  it('调剂与调整?doc=adjustment:4 opens the adjustment (its 单据编号, the leader’s step in English on the English screen)', async () => {
    history.replaceState(null, '', '/transfers?doc=adjustment:4');
    setLang('en');
    mock = mockFetch({
      'GET /api/units/a/indicators': { body: [] },
      'GET /api/units/a/transfers': { body: [] },
      'GET /api/units/a/adjustments': { body: [] },
      'GET /api/units/a/adjustments/4': {
        body: { id: 4, indicatorId: 1, amount: -300000, reason: '压减公用经费', docNo: '教财〔2026〕12号', serialNo: 'TZ2026-0004', date: '2026-07-01', status: 'pending',
          createdBy: 2, createdAt: '2026-07-01T08:00:00Z', decidedAt: null, steps: [{ ...step(1, 'pending', { approvers: ['赵刚'] }), role: 'leader', label: '单位领导审批' }], comments: [] },
      },
    });
    const el = await fixture(html`<ub-transfer-forms .ctx=${ctx({ roles: ['finance_officer'] })}></ub-transfer-forms>`);
    await until(() => el.shadowRoot!.querySelector('ub-doc-panel') && panelText(el).includes('TZ2026-0004'));
    expect(panelText(el)).to.contain('Adjustment TZ2026-0004').and.contain('3,000.00').and.contain('Next: Unit leader approval · 赵刚');
  });

  it('an unknown or foreign document says so instead of failing', async () => {
    history.replaceState(null, '', '/mine?doc=payment:999');
    mock = mockFetch({ 'GET /api/units/a/payments': { body: page([]) }, 'GET /api/units/a/budget-requests': { body: page([]) } });
    const el = await fixture<UbMyRequests>(html`<ub-my-requests .ctx=${ctx()}></ub-my-requests>`);
    await until(() => el.shadowRoot!.querySelector('ub-doc-panel') && panelText(el).includes('未找到单据'));
    expect(panelText(el)).to.contain('payment:999');
  });

  it('the bell opens a notice’s link as an in-app move that rebuilds the page, and reloads its notices when the language changes', async () => {
    mock = mockFetch({
      'GET /api/units/a/notifications': { body: [{ id: 5, source: 'core', title: '支付申请 ZF2026-0012 已审批通过', body: '', link: '/mine?doc=payment:447', createdAt: '2026-11-20T08:00:00Z', role: null, read: false, readAt: null }] },
      'GET /api/units/a/notifications/unread-count': { body: { unread: 1 } },
      'POST /api/units/a/notifications/5/read': { body: { id: 5, read: true, readAt: '2026-11-20T09:00:00Z', unread: 0 } },
    });
    const connect = UbNotificationBell.connect;
    UbNotificationBell.connect = (url) => new FakeStream(url);
    try {
    const bell = await fixture<UbNotificationBell>(html`<ub-notification-bell .unitId=${'a'} .userId=${6} .pollMs=${0}></ub-notification-bell>`);
    await until(() => bell.items.length === 1);
    const pops: PopStateEvent[] = [];
    const onPop = (e: PopStateEvent) => pops.push(e);
    window.addEventListener('popstate', onPop);
    bell.open = true;
    await bell.updateComplete;
    bell.shadowRoot!.querySelector<HTMLButtonElement>('.panel li button')!.click();
    window.removeEventListener('popstate', onPop);
    expect(`${location.pathname}${location.search}`).to.equal('/mine?doc=payment:447');
    expect((pops[0]!.state as { fresh?: number }).fresh).to.be.a('number');
    const before = mock.calls.filter((c) => c.url.startsWith('/api/units/a/notifications?')).length;
    setLang('en');
    await until(() => mock!.calls.filter((c) => c.url.startsWith('/api/units/a/notifications?')).length > before);
    } finally {
      // Gone with its listeners: the language reset after this test must not reload it.
      for (const b of document.querySelectorAll('ub-notification-bell')) b.remove();
      UbNotificationBell.connect = connect;
    }
  });
});

describe('server paging of 审批待办 and 我的申请, kept in the address', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  const start = location.href;
  afterEach(() => {
    mock?.restore();
    history.replaceState(null, '', start);
  });

  const inboxItem = (i: number) => ({ target: 'payment', targetId: i, docNo: `ZF2026-${String(i).padStart(4, '0')}`, seq: 1, label: '科室负责人审核', amount: 100 * i, summary: `用途${i}`, requestedBy: '孙浩', requestedAt: '2026-11-01T08:00:00Z' });

  it('the inbox asks the server for a page, moves to the next, searches, and a reload asks for the same page and search', async () => {
    history.replaceState(null, '', '/inbox');
    mock = mockFetch({
      'GET /api/units/a/approvals/inbox': (c) => {
        const u = new URL(c.url, location.origin);
        const p = Number(u.searchParams.get('page'));
        const q = u.searchParams.get('q');
        const all = Array.from({ length: 45 }, (_, i) => inboxItem(i + 1)).filter((x) => !q || x.docNo.includes(q));
        return { body: { items: all.slice((p - 1) * 20, p * 20), total: all.length, page: p, pageSize: 20 } };
      },
    });
    const el = await fixture<UbApprovalInbox>(html`<ub-approval-inbox .ctx=${ctx({ roles: ['department_head'] })}></ub-approval-inbox>`);
    await until(() => el.items.length === 20);
    const inboxCalls = () => mock!.calls.filter((c) => c.url.startsWith('/api/units/a/approvals/inbox'));
    expect(inboxCalls()[0]!.url).to.contain('page=1').and.contain('pageSize=20');
    await el.updateComplete;
    expect(text(el)).to.contain('第 1–20 条，共 45 条');
    el.shadowRoot!.querySelector<HTMLButtonElement>('nav.list-pager button.next')!.click();
    await until(() => el.items[0]?.targetId === 21);
    expect(new URLSearchParams(location.search).get('page')).to.equal('2');
    const search = el.shadowRoot!.querySelector<HTMLInputElement>('input.list-search')!;
    search.value = '0044';
    search.dispatchEvent(new Event('input'));
    await until(() => el.items.length === 1);
    expect(el.items[0]!.targetId).to.equal(44);
    expect(new URLSearchParams(location.search).get('q')).to.equal('0044');
    expect(new URLSearchParams(location.search).get('page')).to.equal(null);

    // Reload: a new page reads page and search from the address.
    history.replaceState(null, '', '/inbox?page=3&q=ZF');
    mock.calls.length = 0;
    const again = await fixture<UbApprovalInbox>(html`<ub-approval-inbox .ctx=${ctx({ roles: ['department_head'] })}></ub-approval-inbox>`);
    await until(() => again.items.length === 5);
    expect(inboxCalls()[0]!.url).to.contain('page=3').and.contain('q=ZF');
    expect(again.shadowRoot!.querySelector<HTMLInputElement>('input.list-search')!.value).to.equal('ZF');
  });

  it('我的申请 pages its payments and budget requests on the server, each with its own page and search in the address', async () => {
    history.replaceState(null, '', '/mine?ppage=2&rq=%E9%A2%84%E7%AE%97');
    mock = mockFetch({
      'GET /api/units/a/payments': (c) => ({ body: page([payment({ id: 500, docNo: 'ZF2026-0500' })], 21, Number(new URL(c.url, location.origin).searchParams.get('page'))) }),
      'GET /api/units/a/budget-requests': { body: page([]) },
    });
    const el = await fixture<UbMyRequests>(html`<ub-my-requests .ctx=${ctx()}></ub-my-requests>`);
    await until(() => el.payments.length === 1);
    const payments = mock.calls.find((c) => c.url.startsWith('/api/units/a/payments?'))!.url;
    expect(payments).to.contain('mine=true').and.contain('page=2').and.contain('pageSize=20');
    const requests = mock.calls.find((c) => c.url.startsWith('/api/units/a/budget-requests?'))!.url;
    expect(requests).to.contain('mine=true').and.contain('page=1').and.contain(`q=${encodeURIComponent('预算')}`);
    await el.updateComplete;
    expect(text(el)).to.contain('第 21–21 条，共 21 条');
  });
});

describe('approval step names in English', () => {
  afterEach(() => setLang('zh-CN'));

  it('the trail, 下一步 and trail actions show the built-in steps in English, a unit’s own names as typed', async () => {
    setLang('en');
    const el = await fixture<UbStepTrail>(html`<ub-step-trail .steps=${[
      step(1, 'approved', { decidedByName: '李静' }),
      step(2, 'pending', { label: '单位领导审批（代：财务审核，无其他可审批人员）', approvers: ['赵刚'] }),
      step(3, 'waiting', { label: '分管副局长审签' }),
    ]} .comments=${[{ action: 'approve:科室负责人审核', body: '', authorName: '李静', at: '2026-11-20T08:00:00Z' }]}></ub-step-trail>`);
    const s = text(el);
    expect(s).to.contain('1. Department head review');
    expect(s).to.contain('2. Unit leader approval (standing in for: Finance review; no other eligible approver)');
    expect(s).to.contain('3. 分管副局长审签');
    expect(s).not.to.contain('科室负责人审核');
    expect(trailAction('approve:财务审核')).to.equal('Approved (Finance review)');
    expect(nextStepText([step(2, 'pending', { approvers: ['王芳'] }) as never])).to.contain('Finance review · 王芳');
  });
});
