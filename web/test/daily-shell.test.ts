import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { mockFetch, until } from './mock-fetch.js';
import type { UbApp } from '../src/app.js';
import type { Me } from '../src/lib/types.js';
import { UbNotificationBell } from '../src/components/notification-bell.js';
import { FakeStream } from './fake-stream.js';
import { NOTICES_CHANGED } from '../src/lib/live.js';

const me = (memberships: Me['memberships']): Me => ({ id: 1, username: 'x', displayName: '某人', disabled: false, memberships, systemAdmin: false });
const staff = me([{ unitId: 'a', unitName: '机关', role: 'business_staff', departmentId: 3 }]);

describe('the shell on a working day', () => {
  const start = location.href;
  const connect = UbNotificationBell.connect;
  let mock: ReturnType<typeof mockFetch> | undefined;
  beforeEach(() => {
    FakeStream.all = [];
    UbNotificationBell.connect = (url) => new FakeStream(url);
  });
  afterEach(async () => {
    mock?.restore();
    UbNotificationBell.connect = connect;
    history.replaceState(null, '', start);
    localStorage.removeItem('ub.unit');
    localStorage.removeItem('ub.signedIn');
    await setViewport({ width: 1280, height: 720 });
  });

  it('an anonymous visit shows the login form without asking /api/me (no failing request); signing in and out sets and clears the hint', async () => {
    localStorage.removeItem('ub.signedIn');
    mock = mockFetch({
      'POST /api/auth/login': { body: { token: 't', expiresAt: '', user: staff } },
      'POST /api/auth/logout': { body: { ok: true } },
      'GET /api/units': { body: [] },
      'GET /api/units/*': { body: [] },
      'GET /api/classifications': { body: [] },
    });
    await import('../src/app.js');
    const el = await fixture<UbApp>(html`<ub-app></ub-app>`);
    await until(() => el.shadowRoot!.querySelector('ub-login-page'));
    expect(mock.calls.map((c) => c.url)).to.deep.equal([]);
    el.shadowRoot!.querySelector('ub-login-page')!.dispatchEvent(new CustomEvent('signed-in', { detail: staff }));
    await until(() => el.shadowRoot!.querySelector('nav a'));
    expect(localStorage.getItem('ub.signedIn')).to.equal('1');
    (el.shadowRoot!.querySelector('header button.signout') as HTMLButtonElement).click();
    await until(() => el.shadowRoot!.querySelector('ub-login-page'));
    expect(localStorage.getItem('ub.signedIn')).to.equal(null);
  });

  it('on a 390 px phone: one compact header row, the menu folds behind a button with language and sign-out in it, nothing scrolls sideways', async () => {
    await setViewport({ width: 390, height: 844 });
    localStorage.setItem('ub.signedIn', '1');
    mock = mockFetch({ 'GET /api/me': { body: staff }, 'GET /api/units': { body: [] }, 'GET /api/units/*': { body: [] }, 'GET /api/classifications': { body: [] } });
    await import('../src/app.js');
    const el = await fixture<UbApp>(html`<ub-app></ub-app>`);
    await until(() => el.shadowRoot!.querySelector('nav a'));
    await el.updateComplete;
    const nav = el.shadowRoot!.querySelector('nav')!;
    const menu = el.shadowRoot!.querySelector('header button.menu') as HTMLButtonElement;
    expect(getComputedStyle(menu).display).not.to.equal('none');
    expect(getComputedStyle(nav).display).to.equal('none');
    expect(menu.getAttribute('aria-expanded')).to.equal('false');
    // One row: the menu button, the logo, the unit, help and the bell share one line of the blue bar (issue 20: it took three).
    const header = el.shadowRoot!.querySelector('header')!;
    const shown = [...header.children].filter((c) => c.getBoundingClientRect().width > 0);
    expect(shown.map((c) => c.tagName.toLowerCase())).to.include.members(['button', 'ub-help-menu', 'ub-notification-bell']);
    const tops = new Set(shown.map((c) => { const r = c.getBoundingClientRect(); return Math.round(r.top + r.height / 2); }));
    expect(Math.max(...tops) - Math.min(...tops), 'all on one line').to.be.at.most(4);
    expect(header.getBoundingClientRect().height).to.be.at.most(56);
    for (const c of shown) expect(c.getBoundingClientRect().right, c.tagName).to.be.at.most(390);
    expect(menu.getBoundingClientRect().width).to.be.at.most(48);
    expect(menu.getAttribute('aria-label')).to.equal('菜单');
    // Sign-out and the language are not in the bar but in the menu.
    expect(el.shadowRoot!.querySelector('header button.signout')!.getBoundingClientRect().width).to.equal(0);
    menu.click();
    await el.updateComplete;
    expect(getComputedStyle(nav).display).not.to.equal('none');
    expect(menu.getAttribute('aria-expanded')).to.equal('true');
    const signout = nav.querySelector('button.signout-menu') as HTMLButtonElement;
    expect(signout.getBoundingClientRect().width).to.be.greaterThan(0);
    expect(signout.getBoundingClientRect().right).to.be.at.most(390);
    expect(nav.querySelector('.lang select')!.getBoundingClientRect().width).to.be.greaterThan(0);
    // choosing a page closes the menu
    (nav.querySelectorAll('a')[2] as HTMLAnchorElement).click();
    await el.updateComplete;
    expect(location.pathname).to.equal('/mine');
    expect(getComputedStyle(nav).display).to.equal('none');
    expect(document.documentElement.scrollWidth).to.be.at.most(390);
  });

  it('on a 390 px phone the login page keeps its language switch in view, in both languages', async () => {
    await setViewport({ width: 390, height: 844 });
    localStorage.removeItem('ub.signedIn');
    mock = mockFetch({});
    await import('../src/app.js');
    const el = await fixture<UbApp>(html`<ub-app></ub-app>`);
    await until(() => el.shadowRoot!.querySelector('ub-login-page'));
    for (const lang of ['zh-CN', 'en'] as const) {
      localStorage.setItem('ub.lang', lang);
      (await import('../src/lib/i18n.js')).setLang(lang);
      await el.updateComplete;
      const select = el.shadowRoot!.querySelector('header .lang select')!.getBoundingClientRect();
      expect(select.width, lang).to.be.greaterThan(0);
      expect(select.right, lang).to.be.at.most(390);
      expect(document.documentElement.scrollWidth, lang).to.be.at.most(390);
    }
    (await import('../src/lib/i18n.js')).setLang('zh-CN');
  });

  it('a notice opened in the bell shows the document as it is now, even on the page already open; a live notice reloads open lists', async () => {
    localStorage.setItem('ub.signedIn', '1');
    let status = 'pending';
    const payment = () => ({
      id: 5, docNo: 'ZF2026-0005', unitId: 'a', indicatorId: 1, indicatorCode: 'ZB-1', departmentId: 3, payeeName: '文印中心', payeeAccount: '', payeeBank: '',
      purpose: '印刷', amount: 10000, date: '2026-12-01', status, procurement: false, contractNo: null, warnings: [], createdBy: 1, createdAt: '2026-12-01T01:00:00Z',
      updatedAt: '2026-12-01T01:00:00Z', paidAt: null,
    });
    mock = mockFetch({
      'GET /api/me': { body: staff },
      'GET /api/units': { body: [] },
      'GET /api/units/a/notifications': { body: [{ id: 9, source: 'core', title: '支付申请已审批通过', body: '', link: '/mine', createdAt: '2026-12-03T01:00:00Z', role: null, read: false, readAt: null }] },
      'GET /api/units/a/notifications/unread-count': { body: { unread: 1 } },
      'POST /api/units/a/notifications/9/read': { body: { id: 9, read: true, readAt: '2026-12-03T01:01:00Z', unread: 0 } },
      'GET /api/units/a/payments': () => ({ body: [payment()] }),
      'GET /api/units/a/payments/*': () => ({ body: { ...payment(), steps: [], comments: [] } }),
      'GET /api/units/a/budget-requests': { body: [] },
      'GET /api/units/*': { body: [] },
      'GET /api/classifications': { body: [] },
    });
    history.replaceState(null, '', '/mine');
    await import('../src/app.js');
    const el = await fixture<UbApp>(html`<ub-app></ub-app>`);
    const page = (await until(() => el.shadowRoot!.querySelector('ub-my-requests')))!;
    await until(() => page.shadowRoot?.textContent?.includes('文印中心'));
    expect(page.shadowRoot!.querySelector('tbody .badge')!.className).to.contain('pending');

    // a realtime notice: the open list reloads by itself
    status = 'approved';
    let reloaded = false;
    window.addEventListener(NOTICES_CHANGED, () => (reloaded = true), { once: true });
    await until(() => FakeStream.all.length > 0);
    FakeStream.all[0]!.emit('message', '{"changed":true}');
    expect(reloaded).to.equal(true);
    await until(() => page.shadowRoot!.querySelector('tbody .badge')!.className.includes('approved'));

    // the bell opens the notice's page afresh, though it is the page already shown
    status = 'paid';
    const bell = el.shadowRoot!.querySelector('ub-notification-bell')!;
    await until(() => bell.items.length === 1);
    bell.toggle(true);
    await bell.updateComplete;
    (bell.shadowRoot!.querySelector('li button') as HTMLButtonElement).click();
    const fresh = await until(() => {
      const p = el.shadowRoot!.querySelector('ub-my-requests');
      return p !== page ? p : null;
    });
    await until(() => fresh!.shadowRoot?.querySelector('tbody .badge')?.className.includes('paid'));
    expect(location.pathname).to.equal('/mine');
  });
});

describe('the bell’s history pages and searches on the server', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  const size = UbNotificationBell.pageSize;
  const connect = UbNotificationBell.connect;
  afterEach(() => {
    mock?.restore();
    UbNotificationBell.pageSize = size;
    UbNotificationBell.connect = connect;
  });

  it('loads older pages on request and searches title and text', async () => {
    UbNotificationBell.pageSize = 2;
    UbNotificationBell.connect = (url) => new FakeStream(url);
    const all = [5, 4, 3, 2, 1].map((id) => ({ id, source: 'core', title: id === 2 ? '预算调剂 已退回' : `支付申请 ${id}`, body: '', link: '/mine', createdAt: '2026-12-03T01:00:00Z', role: null, read: false, readAt: null }));
    mock = mockFetch({
      'GET /api/units/a/notifications': (c) => {
        const u = new URL(c.url, location.origin);
        const q = u.searchParams.get('q') ?? '';
        const offset = Number(u.searchParams.get('offset') ?? 0);
        const limit = Number(u.searchParams.get('limit') ?? 200);
        return { body: all.filter((n) => n.title.includes(q)).slice(offset, offset + limit) };
      },
      'GET /api/units/a/notifications/unread-count': { body: { unread: 5 } },
      'GET /api/units/a/plugins': { body: [] },
    });
    await import('../src/components/notification-bell.js');
    const bell = await fixture<UbNotificationBell>(html`<ub-notification-bell unitId="a" .userId=${1} .pollMs=${0}></ub-notification-bell>`);
    await until(() => bell.items.length === 2);
    bell.toggle(true);
    await bell.updateComplete;
    const older = () => bell.shadowRoot!.querySelector('.more button') as HTMLButtonElement | null;
    older()!.click();
    await until(() => bell.items.length === 4);
    expect(mock.calls.some((c) => c.url.includes('offset=2'))).to.equal(true);
    // a live reload keeps the older pages it loaded
    await bell.load();
    expect(bell.items.map((n) => n.id)).to.deep.equal([5, 4, 3, 2]);
    older()!.click();
    await until(() => bell.items.length === 5);
    await bell.updateComplete;
    expect(older()).to.equal(null);
    const input = bell.shadowRoot!.querySelector('.search input') as HTMLInputElement;
    expect(input.maxLength).to.equal(100);
    bell.search('调剂', 0);
    await until(() => bell.items.length === 1);
    expect(bell.items[0]!.title).to.equal('预算调剂 已退回');
    expect(mock.calls.at(-2)!.url).to.contain(`q=${encodeURIComponent('调剂')}`);
  });
});

describe('who sent a notice, in words', () => {
  it('names the plugin in the user’s language, never plugin:<id>; the core’s own notices need no sender', async () => {
    await import('../src/components/notification-bell.js');
    const bell = document.createElement('ub-notification-bell');
    bell.pluginNames = new Map([['collab', { zh: '协同办公', en: 'Collaboration' }]]);
    expect(bell.sourceLabel('plugin:collab')).to.equal('协同办公');
    expect(bell.sourceLabel('core')).to.equal('');
    expect(bell.sourceLabel('plugin-host')).to.equal('插件管理');
    expect(bell.sourceLabel('plugin:unknown')).to.equal('unknown');
  });
});
