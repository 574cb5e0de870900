import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { UbElement, shared } from './lib/base.js';
import { ApiError, get, onUnauthenticated, post } from './lib/api.js';
import { lang, setLang, t, type MessageKey } from './lib/i18n.js';
import type { Department, Me } from './lib/types.js';
import type { UnitContext } from './lib/context.js';
import './pages/login-page.js';
import './pages/payment-wizard.js';
import './pages/budget-wizard.js';
import './pages/my-requests.js';
import './pages/indicator-dashboard.js';
import './pages/indicator-detail.js';
import './pages/approval-inbox.js';
import './pages/transfer-forms.js';
import './pages/period-close.js';
import './pages/cockpit-page.js';
import './pages/audit-trace.js';
import './pages/admin-members.js';
import './pages/admin-flows.js';
import './pages/admin-templates.js';
import './pages/admin-rules.js';
import './pages/admin-plugins.js';
import './pages/system-health.js';
import { loadPluginNav, navTitle, type PluginNavItem } from './pages/plugin-page.js';
import { forgetPluginPages } from './lib/plugin-nav.js';
import './pages/payments-page.js';
import './pages/budget-review.js';
import './pages/reports-page.js';
import './pages/project-library.js';
import './pages/fiscal-years.js';
import './pages/ledger-settings.js';
import './pages/expenditure-standards.js';
import './pages/asset-register.js';
import './pages/api-tokens.js';
import './pages/receipts-page.js';
import './components/notification-bell.js';
import './components/help-menu.js';

import { navFor, unitOptions, type NavItem, type UnitOption } from './lib/nav.js';
export { NAV, navFor, unitOptions, type NavItem, type UnitOption } from './lib/nav.js';

const UNIT_KEY = 'ub.unit';
/**
 * Set while this browser holds a session (sign-in sets it; sign-out or any 401 clears it): an anonymous
 * visit shows the login form without asking /api/me, so the login page makes no failing request.
 */
export const SIGNED_IN_KEY = 'ub.signedIn';

@customElement('ub-app')
export class UbApp extends UbElement {
  static override styles = [shared, css`
    /*
     * Chinese first: CJK fonts lead. In English Latin fonts lead, so that ’ “ ” and the like take their
     * Latin (half-width) shapes; Chinese text in an English page (unit names) still finds a CJK font.
     */
    :host { display: flex; flex-direction: column; min-height: 100vh;
      font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", system-ui, sans-serif; }
    :host(:lang(en)) {
      font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", "Noto Sans", "DejaVu Sans",
        "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", sans-serif;
    }
    header { display: flex; align-items: center; flex-wrap: wrap; gap: 8px 16px; background: #14365f; color: #fff; padding: 8px 20px; min-height: 52px; flex: none; }
    header .brand { font-weight: 600; font-size: 16px; white-space: nowrap; display: flex; align-items: center; gap: 8px; }
    header .brand .logo { background: #b4232a; border-radius: 4px; padding: 2px 6px; }
    header .spacer { flex: 1; }
    header label { display: flex; align-items: center; gap: 6px; font-size: 13px; color: #d3def0; white-space: nowrap; min-width: 0; }
    header select { min-height: 30px; padding: 2px 6px; max-width: 240px; min-width: 0; }
    header .who { font-size: 13px; color: #d3def0; white-space: nowrap; }
    header .unit-name { font-size: 13px; color: #d3def0; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; min-width: 0; }
    header button { background: transparent; color: #fff; border-color: #5f7ea8; min-height: 30px; padding: 3px 10px; }
    header button:hover:not(:disabled) { background: #1f4a7e; }
    .body { display: flex; flex: 1; min-height: 0; }
    nav { width: 184px; flex: none; background: #fff; border-right: 1px solid #dde3ea; padding: 12px 0; }
    nav a { display: block; padding: 10px 20px; color: #1f2733; text-decoration: none; border-left: 3px solid transparent; }
    nav a:hover { background: #f0f3f7; }
    nav a[aria-current='page'] { border-left-color: #1d5fbf; background: #eaf1fb; color: #14365f; font-weight: 600; }
    nav .roles { padding: 12px 20px 4px; font-size: 12px; color: #667085; }
    main { flex: 1; padding: 20px 24px; min-width: 0; overflow: auto; }
    .skip { position: absolute; left: -999px; top: 4px; background: #fff; color: #14365f; padding: 6px; }
    .skip:focus { left: 8px; z-index: 10; }
    header .menu { display: none; align-items: center; gap: 4px; }
    @media (max-width: 1100px) {
      .body { flex-direction: column; }
      nav { width: auto; display: flex; flex-wrap: wrap; padding: 0; border-right: 0; border-bottom: 1px solid #dde3ea; }
      nav a { border-left: 0; border-bottom: 3px solid transparent; padding: 10px 14px; }
      nav a[aria-current='page'] { border-bottom-color: #1d5fbf; }
      nav .roles { display: none; }
      header .who { display: none; }
      header { padding: 8px 14px; gap: 8px 12px; }
      main { padding: 14px; }
    }
    nav .phone-extra { display: none; }
    /*
     * A phone: one compact row — the menu button, the logo, the unit (its picker takes the room left
     * and shrinks: a long unit name is cut, never the page widened), help and the bell. Language,
     * the person and sign-out live in the menu.
     */
    @media (max-width: 600px) {
      header.app { flex-wrap: nowrap; gap: 6px; padding: 6px 8px; min-height: 48px; }
      header .app-name, header .menu-text, header .unit-word, header.app .spacer, header.app > .lang, header.app > .signout { display: none; }
      header .brand { flex: none; }
      header .unit-pick, header .unit-name { flex: 1 1 0; min-width: 0; }
      header .unit-pick select { flex: 1 1 auto; max-width: none; width: 0; }
      header ub-notification-bell, header ub-help-menu { flex: none; }
      /* the navigation folds behind the menu button: the page starts at the top of the screen */
      header .menu { display: inline-flex; order: -1; padding: 3px 9px; }
      nav { display: none; }
      nav.open .phone-extra { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; padding: 10px 16px; border-top: 1px solid #dde3ea; }
      nav.open .phone-extra .lang { display: flex; align-items: center; gap: 6px; font-size: 13px; }
      nav.open { display: flex; flex-direction: column; }
      nav.open a { border-bottom: 0; border-left: 3px solid transparent; padding: 12px 16px; }
      nav.open a[aria-current='page'] { border-left-color: #1d5fbf; }
      main { padding: 12px 10px; }
    }
  `];

  @state() me: Me | null = null;
  @state() booting = true;
  @state() units: UnitOption[] = [];
  @state() unitId = '';
  @state() departments: Department[] = [];
  @state() route = location.pathname;
  /** Pages of the plugins enabled in the current unit (plugin-page.ts decides which). */
  @state() pluginNav: PluginNavItem[] = [];
  /** Bumped when a notice is opened: the page is made afresh and shows the document as it is now. */
  @state() navSeq = 0;
  /** The phone's menu (below 600 px the navigation folds behind a button). */
  @state() menuOpen = false;

  private offUnauth?: () => void;
  private onPop = (e: PopStateEvent) => {
    this.route = location.pathname;
    this.menuOpen = false;
    if ((e.state as { fresh?: unknown } | null)?.fresh) this.navSeq++;
  };

  override connectedCallback(): void {
    super.connectedCallback();
    document.documentElement.lang = lang();
    window.addEventListener('popstate', this.onPop);
    this.offUnauth = onUnauthenticated(() => {
      localStorage.removeItem(SIGNED_IN_KEY);
      this.me = null;
    });
    void this.boot();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPop);
    this.offUnauth?.();
  }

  private async boot() {
    if (!localStorage.getItem(SIGNED_IN_KEY)) {
      this.booting = false;
      return;
    }
    try {
      await this.signedIn(await get<Me>('/api/me'));
    } catch {
      this.me = null;
    } finally {
      this.booting = false;
    }
  }

  private async signedIn(me: Me) {
    localStorage.setItem(SIGNED_IN_KEY, '1');
    let readable: { id: string; name: string; path: string }[] = [];
    try {
      readable = await get('/api/units');
    } catch {
      /* only own units */
    }
    this.units = unitOptions(me, readable);
    const saved = localStorage.getItem(UNIT_KEY);
    this.unitId = this.units.find((u) => u.id === saved)?.id ?? this.units[0]?.id ?? '';
    this.me = me;
    await this.loadUnit();
    const items = this.navItems;
    if (!items.some((n) => this.route.startsWith(`/${n.id}`)) && !this.onPluginPage && items[0]) this.navigate(`/${items[0].id}`, true);
  }

  private async loadUnit() {
    this.departments = [];
    this.pluginNav = [];
    if (!this.unitId) return;
    const unitId = this.unitId;
    const pluginNav = loadPluginNav(unitId);
    try {
      this.departments = await get<Department[]>(`/api/units/${this.unitId}/departments`);
    } catch {
      this.departments = [];
    }
    const nav = await pluginNav;
    // A quicker switch to another unit wins: never show one unit's plugin pages in another.
    if (this.unitId === unitId) this.pluginNav = nav;
  }

  get onPluginPage(): boolean {
    return this.pluginNav.some((p) => this.route === p.href);
  }

  private reloadPluginNav = async () => {
    const unitId = this.unitId;
    // A plugin enabled or disabled: link actions of views ask again which pages may be opened.
    forgetPluginPages();
    const nav = unitId ? await loadPluginNav(unitId) : [];
    if (this.unitId === unitId) this.pluginNav = nav;
  };

  get unit(): UnitOption | undefined {
    return this.units.find((u) => u.id === this.unitId);
  }

  get navItems(): NavItem[] {
    const u = this.unit;
    return u ? navFor(u.roles, u.readOnly) : [];
  }

  get ctx(): UnitContext | null {
    const u = this.unit;
    if (!this.me || !u) return null;
    return { me: this.me, unitId: u.id, unitName: u.name, roles: u.roles, departmentId: u.departmentId, readOnly: u.readOnly, departments: this.departments };
  }

  navigate(path: string, replace = false) {
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    this.route = path.split(/[?#]/)[0]!;
    this.menuOpen = false;
    window.scrollTo(0, 0);
  }

  private onNavClick(e: MouseEvent) {
    const a = (e.composedPath() as HTMLElement[]).find((el) => el instanceof HTMLAnchorElement) as HTMLAnchorElement | undefined;
    if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    const href = a.getAttribute('href');
    if (!href || !href.startsWith('/') || href.startsWith('/api/') || a.target) return;
    e.preventDefault();
    this.navigate(href);
  }

  private async switchUnit(e: Event) {
    this.unitId = (e.target as HTMLSelectElement).value;
    localStorage.setItem(UNIT_KEY, this.unitId);
    await this.loadUnit();
    const first = this.navItems[0];
    if (first && !this.navItems.some((n) => this.route.startsWith(`/${n.id}`)) && !this.onPluginPage) this.navigate(`/${first.id}`);
    else this.requestUpdate();
  }

  private async logout() {
    try {
      await post('/api/auth/logout');
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
    }
    localStorage.removeItem(SIGNED_IN_KEY);
    this.me = null;
    history.replaceState(null, '', '/');
  }

  /** Rendered keyed by unit (see render): switching unit makes a fresh page, so no state or late answer of one unit shows in another. */
  private renderPage() {
    const ctx = this.ctx;
    if (!ctx) return nothing;
    if (this.route.startsWith('/plugins/')) {
      return html`<ub-plugin-page .ctx=${ctx} .item=${this.pluginNav.find((p) => p.href === this.route) ?? null}></ub-plugin-page>`;
    }
    const items = this.navItems;
    if (items.length === 0) return html`<p class="muted">${t('noPages')}</p>`;
    const [, page = '', arg] = this.route.split('/');
    if (!items.some((n) => n.id === page)) return nothing;
    switch (page) {
      case 'payment': return html`<ub-payment-wizard .ctx=${ctx}></ub-payment-wizard>`;
      case 'budget': return html`<ub-budget-wizard .ctx=${ctx}></ub-budget-wizard>`;
      case 'mine': return html`<ub-my-requests .ctx=${ctx}></ub-my-requests>`;
      case 'dashboard':
        return arg
          ? html`<ub-indicator-detail .ctx=${ctx} .indicatorId=${Number(arg)}></ub-indicator-detail>`
          : html`<ub-indicator-dashboard .ctx=${ctx}></ub-indicator-dashboard>`;
      case 'inbox': return html`<ub-approval-inbox .ctx=${ctx}></ub-approval-inbox>`;
      case 'transfers': return html`<ub-transfer-forms .ctx=${ctx}></ub-transfer-forms>`;
      case 'periods': return html`<ub-period-close .ctx=${ctx}></ub-period-close>`;
      case 'cockpit': return html`<ub-cockpit-page .ctx=${ctx}></ub-cockpit-page>`;
      case 'audit': return html`<ub-audit-trace .ctx=${ctx} .paymentId=${arg ? Number(arg) : null}></ub-audit-trace>`;
      case 'admin-members': return html`<ub-admin-members .ctx=${ctx}></ub-admin-members>`;
      case 'admin-flows': return html`<ub-admin-flows .ctx=${ctx}></ub-admin-flows>`;
      case 'admin-templates': return html`<ub-admin-templates .ctx=${ctx}></ub-admin-templates>`;
      case 'admin-rules': return html`<ub-admin-rules .ctx=${ctx}></ub-admin-rules>`;
      case 'admin-plugins': return html`<ub-admin-plugins .ctx=${ctx} @plugins-changed=${this.reloadPluginNav}></ub-admin-plugins>`;
      case 'system-health': return html`<ub-system-health .ctx=${ctx}></ub-system-health>`;
      case 'payments': return html`<ub-payments-page .ctx=${ctx}></ub-payments-page>`;
      case 'receipts': return html`<ub-receipts-page .ctx=${ctx}></ub-receipts-page>`;
      case 'review': return html`<ub-budget-review .ctx=${ctx}></ub-budget-review>`;
      case 'reports': return html`<ub-reports-page .ctx=${ctx}></ub-reports-page>`;
      case 'projects': return html`<ub-project-library .ctx=${ctx} .projectId=${arg ? Number(arg) || null : null}></ub-project-library>`;
      case 'fiscal-years': return html`<ub-fiscal-years .ctx=${ctx}></ub-fiscal-years>`;
      case 'ledger-settings': return html`<ub-ledger-settings .ctx=${ctx}></ub-ledger-settings>`;
      case 'standards': return html`<ub-expenditure-standards .ctx=${ctx}></ub-expenditure-standards>`;
      case 'assets': return html`<ub-asset-register .ctx=${ctx}></ub-asset-register>`;
      case 'api-tokens': return html`<ub-api-tokens .ctx=${ctx}></ub-api-tokens>`;
      default: return nothing;
    }
  }

  private renderLang() {
    return html`<label class="lang">${t('language')}
      <select @change=${(e: Event) => setLang((e.target as HTMLSelectElement).value as 'en' | 'zh-CN')} .value=${lang()}>
        <option value="zh-CN" ?selected=${lang() === 'zh-CN'}>中文</option>
        <option value="en" ?selected=${lang() === 'en'}>English</option>
      </select></label>`;
  }

  override render() {
    if (this.booting) return html`<p class="muted" style="padding:24px">${t('loading')}</p>`;
    if (!this.me) {
      return html`<header><span class="brand"><span class="logo">预</span>${t('appName')}</span><span class="spacer"></span>${this.renderLang()}</header>
        <ub-login-page @signed-in=${(e: CustomEvent<Me>) => this.signedIn(e.detail)}></ub-login-page>`;
    }
    const u = this.unit;
    const [, page] = this.route.split('/');
    return html`
      <a class="skip" href="#main" @click=${(e: Event) => { e.preventDefault(); this.renderRoot.querySelector('main')?.focus(); }}>跳到正文 / Skip to content</a>
      <header class="app">
        <button class="menu" aria-expanded=${this.menuOpen ? 'true' : 'false'} aria-controls="main-nav"
          aria-label=${this.menuOpen ? t('dl_menuClose') : t('dl_menu')}
          @click=${() => (this.menuOpen = !this.menuOpen)}><span aria-hidden="true">☰</span> <span class="menu-text">${this.menuOpen ? t('dl_menuClose') : t('dl_menu')}</span></button>
        <span class="brand"><span class="logo" title=${t('appName')}>预</span><span class="app-name">${t('appName')}</span></span>
        <span class="spacer"></span>
        ${this.units.length > 1
          ? html`<label class="unit-pick"><span class="unit-word">${t('unit')}</span>
              <select @change=${this.switchUnit} aria-label=${t('unit')}>
                ${this.units.map((o) => html`<option value=${o.id} ?selected=${o.id === this.unitId}>${o.name}${o.readOnly ? t('paren', { x: t('readOnly') }) : ''}</option>`)}
              </select></label>`
          : html`<span class="unit-name" title=${u?.name ?? ''}>${u?.name ?? ''}</span>`}
        ${this.renderLang()}
        <ub-help-menu .route=${this.route} .roles=${u?.roles ?? []}></ub-help-menu>
        <ub-notification-bell .unitId=${this.unitId} .userId=${this.me.id}></ub-notification-bell>
        <span class="who">${this.me.displayName}</span>
        <button class="signout" @click=${this.logout}>${t('signOut')}</button>
      </header>
      <div class="body">
        <nav id="main-nav" class=${this.menuOpen ? 'open' : ''} aria-label=${t('mainNav')} @click=${this.onNavClick}>
          <div class="roles">${u?.roles.map((r) => t(`role_${r}` as MessageKey)).join(' · ')}</div>
          ${this.navItems.map((n) => html`<a href="/${n.id}" aria-current=${page === n.id ? 'page' : 'false'}>${t(n.key)}</a>`)}
          ${this.pluginNav.length ? html`<div class="roles">${t('pluginNavGroup')}</div>` : nothing}
          ${this.pluginNav.map((p) => html`<a href=${p.href} data-plugin=${p.pluginId} aria-current=${this.route === p.href ? 'page' : 'false'}>${navTitle(p)}</a>`)}
          <div class="phone-extra"><span class="muted">${this.me.displayName}</span>${this.renderLang()}
            <button class="signout-menu" @click=${this.logout}>${t('signOut')}</button></div>
        </nav>
        <main id="main" tabindex="-1" @click=${this.onNavClick}>${keyed(`${this.unitId}#${this.navSeq}`, this.renderPage())}</main>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-app': UbApp }
}
