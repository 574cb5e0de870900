import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { mockFetch, until } from './mock-fetch.js';
import { navFor, unitOptions } from '../src/app.js';
import type { UbApp } from '../src/app.js';
import type { Me } from '../src/lib/types.js';
import { rankDepartments } from '../src/pages/cockpit-page.js';
import { indicator } from './fixtures.js';
import { setLang } from '../src/lib/i18n.js';

const me = (memberships: Me['memberships']): Me => ({ id: 1, username: 'x', displayName: '某人', disabled: false, memberships, systemAdmin: false });

describe('app shell', () => {
  const start = location.href;
  let mock: ReturnType<typeof mockFetch> | undefined;
  // A session is held (app.ts SIGNED_IN_KEY): the shell asks /api/me; without it, it shows the login at once.
  beforeEach(() => localStorage.setItem('ub.signedIn', '1'));
  afterEach(() => {
    mock?.restore();
    history.replaceState(null, '', start);
    localStorage.removeItem('ub.unit');
  });

  it('shows each role its pages', () => {
    expect(navFor(['business_staff'], false).map((n) => n.id)).to.deep.equal(['payment', 'budget', 'mine', 'projects', 'standards', 'api-tokens']);
    expect(navFor(['finance_officer'], false).map((n) => n.id)).to.deep.equal(['dashboard', 'inbox', 'transfers', 'periods', 'payments', 'receipts', 'review', 'reports', 'projects', 'fiscal-years', 'ledger-settings', 'assets', 'standards', 'api-tokens']);
    expect(navFor(['leader'], false).map((n) => n.id)).to.deep.equal(['cockpit', 'inbox', 'receipts', 'review', 'reports', 'projects', 'fiscal-years', 'ledger-settings', 'assets', 'standards', 'api-tokens']);
    expect(navFor(['auditor'], false).map((n) => n.id)).to.deep.equal(['dashboard', 'audit', 'payments', 'receipts', 'review', 'reports', 'projects', 'fiscal-years', 'ledger-settings', 'assets', 'standards', 'api-tokens']);
    expect(navFor(['leader'], true).map((n) => n.id)).to.deep.equal(['cockpit', 'receipts', 'review', 'reports', 'projects', 'fiscal-years', 'ledger-settings', 'assets', 'standards', 'api-tokens']);
    // the digital specialist reads plugin logs on the plugin page (enabling stays the unit admin's)
    expect(navFor(['plugin_developer'], false).map((n) => n.id)).to.deep.equal(['admin-plugins', 'api-tokens']);
    // 系统健康度: the unit admin (their unit) and the system administrator (the whole process)
    expect(navFor(['unit_admin'], false).map((n) => n.id)).to.include('system-health');
    expect(navFor(['system_admin'], false).map((n) => n.id)).to.include('system-health');
  });

  it('offers own units and the supervised ones, read-only', () => {
    const opts = unitOptions(me([{ unitId: 'dept', unitName: '教育局', role: 'leader', departmentId: null }]), [
      { id: 'dept', name: '教育局', path: '/bureau/dept/' },
      { id: 'a', name: '机关', path: '/bureau/dept/a/' },
    ]);
    expect(opts).to.deep.equal([
      { id: 'dept', name: '教育局', roles: ['leader'], departmentId: null, readOnly: false },
      { id: 'a', name: '机关', roles: ['leader'], departmentId: null, readOnly: true },
    ]);
  });

  it('signs in, lands on the role’s first page, switches unit', async () => {
    const user = me([
      { unitId: 'a', unitName: '机关', role: 'business_staff', departmentId: 3 },
      { unitId: 'b', unitName: '实验小学', role: 'finance_officer', departmentId: null },
    ]);
    mock = mockFetch({
      'GET /api/me': { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: '请先登录', details: {} } } },
      'POST /api/auth/login': { body: { token: 't', expiresAt: '', user } },
      'GET /api/units': { body: [] },
      'GET /api/units/*': { body: [] },
      'GET /api/classifications': { body: [] },
    });
    await import('../src/app.js');
    const el = await fixture<UbApp>(html`<ub-app></ub-app>`);
    await until(() => el.shadowRoot!.querySelector('ub-login-page'));
    el.shadowRoot!.querySelector('ub-login-page')!.dispatchEvent(new CustomEvent('signed-in', { detail: user }));
    await until(() => el.shadowRoot!.querySelector('nav a'));
    const links = () => [...el.shadowRoot!.querySelectorAll('nav a')].map((a) => a.textContent);
    expect(links()).to.deep.equal(['支付申请', '预算申报', '我的申请', '项目库', '支出标准', 'API 令牌']);
    await until(() => location.pathname === '/payment');
    const sel = el.shadowRoot!.querySelector('header select') as HTMLSelectElement;
    expect(sel.getAttribute('aria-label')).to.equal('单位');
    sel.value = 'b';
    sel.dispatchEvent(new Event('change'));
    await until(() => links()[0] === '全景仪表盘');
    await until(() => location.pathname === '/dashboard');
    expect(el.shadowRoot!.querySelector('ub-indicator-dashboard')).to.exist;
  });

  it('gives the same page a fresh element in another unit: nothing of one unit stays on screen in the other', async () => {
    const user = me([
      { unitId: 'a', unitName: '机关', role: 'finance_officer', departmentId: null },
      { unitId: 'b', unitName: '实验小学', role: 'finance_officer', departmentId: null },
    ]);
    mock = mockFetch({ 'GET /api/me': { body: user }, 'GET /api/units': { body: [] }, 'GET /api/units/*': { body: [] }, 'GET /api/classifications': { body: [] } });
    localStorage.setItem('ub.unit', 'a');
    history.replaceState(null, '', '/review');
    await import('../src/app.js');
    const el = await fixture<UbApp>(html`<ub-app></ub-app>`);
    const page = await until(() => el.shadowRoot!.querySelector('ub-budget-review'));
    const sel = el.shadowRoot!.querySelector('header select') as HTMLSelectElement;
    sel.value = 'b';
    sel.dispatchEvent(new Event('change'));
    await until(() => el.shadowRoot!.querySelector('ub-budget-review') !== page);
    expect(location.pathname).to.equal('/review');
    expect(page!.isConnected).to.equal(false);
  });

  it('ranks departments by execution (time progress is the core’s, see cockpit.test.ts)', () => {
    const r = rankDepartments([
      indicator({ departmentId: 1, amount: 100, paid: 10 }),
      indicator({ departmentId: 2, amount: 100, paid: 90 }),
      indicator({ departmentId: 1, amount: 100, paid: 30 }),
    ]);
    expect(r.map((x) => [x.departmentId, x.paid, x.amount])).to.deep.equal([[2, 90, 100], [1, 40, 200]]);
  });

  it('lists plugin pages only where the plugin is enabled with views granted, and opens them', async () => {
    const admin = me([
      { unitId: 'a', unitName: '机关', role: 'unit_admin', departmentId: null },
      { unitId: 'b', unitName: '实验小学', role: 'unit_admin', departmentId: null },
    ]);
    const plugin = (state: string, grants: string[]) => ({
      pluginId: 'hello-budget', name: { zh: 'hello-budget 插件', en: 'hello' }, state, grants,
      views: [{ id: 'overview', title: { zh: '概览', en: 'Overview' }, placement: 'dashboard' }, { id: 'side', title: { zh: '支付侧栏', en: 'Side' }, placement: 'payment-detail' }],
    });
    mock = mockFetch({
      'GET /api/me': { body: admin },
      'GET /api/units': { body: [] },
      'GET /api/units/a/plugins': { body: [plugin('enabled', ['ledger.read', 'views'])] },
      'GET /api/units/b/plugins': { body: [plugin('enabled', ['ledger.read'])] },
      'GET /api/units/a/plugins/hello-budget/views/overview': { body: { blocks: [{ type: 'stat', label: '指标数', value: 7 }] } },
      'GET /api/units/*': { body: [] },
    });
    localStorage.setItem('ub.unit', 'a');
    history.replaceState(null, '', '/plugins/hello-budget/overview');
    await import('../src/app.js');
    const el = await fixture<UbApp>(html`<ub-app></ub-app>`);
    const pluginLinks = () => [...el.shadowRoot!.querySelectorAll('nav a[data-plugin]')].map((a) => [a.textContent, a.getAttribute('href')]);
    await until(() => pluginLinks().length);
    expect(pluginLinks()).to.deep.equal([['概览', '/plugins/hello-budget/overview']]);
    expect(el.shadowRoot!.querySelector('nav a[href="/admin-plugins"]')).to.exist;
    // a deep link to the plugin page stays there and renders the view
    expect(location.pathname).to.equal('/plugins/hello-budget/overview');
    const view = await until(() => el.shadowRoot!.querySelector('ub-plugin-page')?.shadowRoot?.querySelector('ub-plugin-view'));
    await until(() => view!.shadowRoot!.querySelector('[data-kind=stat]'));
    const sel = el.shadowRoot!.querySelector('header select') as HTMLSelectElement;
    sel.value = 'b';
    sel.dispatchEvent(new Event('change'));
    await until(() => pluginLinks().length === 0 && location.pathname === '/admin-members');
  });

  describe('on a phone (390 px)', () => {
    const LONG = '示范县教育局机关后勤服务中心附属幼儿园（分园）财务室';
    before(() => setViewport({ width: 390, height: 844 }));
    after(() => setViewport({ width: 800, height: 600 }));
    afterEach(() => setLang('zh-CN'));

    /** The shell signed in as `user`, on its first page. */
    async function shell(user: Me) {
      mock = mockFetch({ 'GET /api/me': { body: user }, 'GET /api/units': { body: [] }, 'GET /api/units/*': { body: [] }, 'GET /api/classifications': { body: [] } });
      await import('../src/app.js');
      const el = await fixture<UbApp>(html`<ub-app></ub-app>`);
      await until(() => el.shadowRoot!.querySelector('nav a'));
      await el.updateComplete;
      await new Promise((r) => requestAnimationFrame(r));
      return el;
    }

    /** Lines a piece of header text takes (1: never broken, let alone one character per line). */
    const lines = (node: Node) => {
      const range = document.createRange();
      range.selectNodeContents(node);
      return new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top))).size;
    };

    function expectFits(el: UbApp) {
      expect(document.documentElement.scrollWidth, 'no sideways page scroll').to.be.at.most(390);
      const header = el.shadowRoot!.querySelector('header')!;
      for (const child of header.children) {
        const r = child.getBoundingClientRect();
        if (r.width === 0) continue;
        expect(r.right, `${child.tagName.toLowerCase()}.${child.className} inside the blue bar`).to.be.at.most(header.getBoundingClientRect().right + 0.5);
        expect(r.bottom, `${child.tagName.toLowerCase()}.${child.className} inside the blue bar`).to.be.at.most(header.getBoundingClientRect().bottom + 0.5);
      }
      for (const box of [...header.querySelectorAll('label, .brand, .unit-name')]) {
        if (box.getBoundingClientRect().width === 0) continue;
        for (const text of [...box.querySelectorAll('*'), box].flatMap((e) => [...e.childNodes]).filter((n) => n.nodeType === Node.TEXT_NODE && n.textContent!.trim())) {
          if (text.parentElement!.getBoundingClientRect().width === 0) continue;
          expect(lines(text), `“${text.textContent!.trim()}” on one line`).to.equal(1);
        }
      }
    }

    it('the header wraps inside 390 px with a long unit name in the switcher, in Chinese and English', async () => {
      const el = await shell(me([
        { unitId: 'a', unitName: LONG, role: 'finance_officer', departmentId: null },
        { unitId: 'b', unitName: '实验小学', role: 'finance_officer', departmentId: null },
      ]));
      expect(el.shadowRoot!.querySelector('header select')).to.exist;
      expectFits(el);
      setLang('en');
      await el.updateComplete;
      await new Promise((r) => requestAnimationFrame(r));
      expectFits(el);
    });

    it('one unit: its long name is cut with an ellipsis, never widening the page', async () => {
      const el = await shell(me([{ unitId: 'a', unitName: LONG, role: 'finance_officer', departmentId: null }]));
      const name = el.shadowRoot!.querySelector<HTMLElement>('header .unit-name')!;
      expect(name.textContent).to.equal(LONG);
      expect(name.getBoundingClientRect().width, 'shown').to.be.greaterThan(0);
      expectFits(el);
    });
  });

  it('English pages put Latin fonts first, so ’ and “” are not full-width', async () => {
    mock = mockFetch({ 'GET /api/me': { status: 401, body: { error: { code: 'UNAUTHENTICATED', message: '', details: {} } } } });
    await import('../src/app.js');
    const el = await fixture<UbApp>(html`<ub-app></ub-app>`);
    await until(() => el.shadowRoot!.querySelector('ub-login-page'));
    const quoteWidth = () => {
      const probe = document.createElement('span');
      probe.style.cssText = 'position: absolute; white-space: nowrap; font-size: 14px';
      probe.textContent = '’“”’“”’“”’';
      el.shadowRoot!.append(probe);
      const w = probe.getBoundingClientRect().width / 10;
      probe.remove();
      return w;
    };
    expect(getComputedStyle(el).fontFamily).to.match(/^"PingFang SC"/);
    setLang('en');
    expect(document.documentElement.lang).to.equal('en');
    expect(getComputedStyle(el).fontFamily).to.match(/^-apple-system/);
    expect(quoteWidth(), 'a Latin quote is narrow (about a third of the font size)').to.be.below(14 * 0.6);
    setLang('zh-CN');
  });
});
