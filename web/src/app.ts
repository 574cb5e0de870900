import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { keyed } from 'lit/directives/keyed.js';
import { UbElement, shared } from './lib/base.js';
import { ApiError, get, onUnauthenticated, post } from './lib/api.js';
import { lang, setLang, t, type MessageKey } from './lib/i18n.js';
import type { Department, Me, Role } from './lib/types.js';
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
import { loadPluginNav, navTitle, type PluginNavItem } from './pages/plugin-page.js';
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

interface UnitOption { id: string; name: string; roles: Role[]; departmentId: number | null; readOnly: boolean }

export interface NavItem { id: string; key: MessageKey; roles: Role[]; readOnlyOk: boolean }

/** Role-aware navigation: a page shows when the caller holds one of its roles in the current unit. */
export const NAV: NavItem[] = [
  { id: 'cockpit', key: 'nav_cockpit', roles: ['leader'], readOnlyOk: true },
  { id: 'dashboard', key: 'nav_dashboard', roles: ['finance_officer', 'auditor'], readOnlyOk: true },
  { id: 'payment', key: 'nav_payment', roles: ['business_staff', 'department_head'], readOnlyOk: false },
  { id: 'budget', key: 'nav_budget', roles: ['business_staff', 'department_head'], readOnlyOk: false },
  { id: 'mine', key: 'nav_mine', roles: ['business_staff', 'department_head'], readOnlyOk: false },
  { id: 'inbox', key: 'nav_inbox', roles: ['finance_officer', 'department_head', 'leader'], readOnlyOk: false },
  { id: 'transfers', key: 'nav_transfer', roles: ['finance_officer'], readOnlyOk: false },
  { id: 'periods', key: 'nav_periods', roles: ['finance_officer'], readOnlyOk: false },
  { id: 'audit', key: 'nav_audit', roles: ['auditor'], readOnlyOk: true },
  { id: 'admin-members', key: 'nav_adminMembers', roles: ['unit_admin', 'system_admin'], readOnlyOk: false },
  { id: 'admin-flows', key: 'nav_adminFlows', roles: ['unit_admin'], readOnlyOk: false },
  { id: 'admin-templates', key: 'nav_adminTemplates', roles: ['unit_admin'], readOnlyOk: false },
  { id: 'admin-rules', key: 'nav_adminRules', roles: ['unit_admin'], readOnlyOk: false },
  { id: 'admin-plugins', key: 'nav_adminPlugins', roles: ['unit_admin', 'system_admin', 'plugin_developer'], readOnlyOk: false },
  { id: 'payments', key: 'nav_payments', roles: ['finance_officer', 'auditor'], readOnlyOk: true },
  { id: 'receipts', key: 'nav_receipts', roles: ['finance_officer', 'leader', 'auditor'], readOnlyOk: true },
  { id: 'review', key: 'nav_review', roles: ['finance_officer', 'leader', 'auditor'], readOnlyOk: true },
  { id: 'reports', key: 'nav_reports', roles: ['finance_officer', 'leader', 'auditor'], readOnlyOk: true },
  // The ledger's administration: finance officers (and the unit admin for the settings) act, the others read.
  { id: 'projects', key: 'nav_projects', roles: ['finance_officer', 'business_staff', 'department_head', 'leader', 'auditor'], readOnlyOk: true },
  { id: 'fiscal-years', key: 'nav_fiscalYears', roles: ['finance_officer', 'leader', 'auditor'], readOnlyOk: true },
  { id: 'ledger-settings', key: 'nav_ledgerSettings', roles: ['unit_admin', 'finance_officer', 'leader', 'auditor'], readOnlyOk: true },
  { id: 'assets', key: 'nav_assets', roles: ['finance_officer', 'leader', 'auditor'], readOnlyOk: true },
  { id: 'standards', key: 'nav_standards', roles: ['finance_officer', 'business_staff', 'department_head', 'leader', 'auditor'], readOnlyOk: true },
  // Everyone's own: API tokens belong to the person, not to a unit.
  { id: 'api-tokens', key: 'nav_apiTokens', roles: ['system_admin', 'unit_admin', 'finance_officer', 'business_staff', 'department_head', 'leader', 'auditor', 'plugin_developer'], readOnlyOk: true },
];

export function navFor(roles: Role[], readOnly: boolean): NavItem[] {
  return NAV.filter((n) => n.roles.some((r) => roles.includes(r)) && (!readOnly || n.readOnlyOk));
}

/**
 * The units a person can switch between: every unit they hold a role in, plus the subordinate
 * units they supervise (read-only, with the roles held above them).
 */
export function unitOptions(me: Me, readable: { id: string; name: string; path: string }[]): UnitOption[] {
  const out: UnitOption[] = [];
  const own = new Map<string, UnitOption>();
  for (const m of me.memberships) {
    let o = own.get(m.unitId);
    if (!o) {
      o = { id: m.unitId, name: m.unitName, roles: [], departmentId: m.departmentId, readOnly: false };
      own.set(m.unitId, o);
      out.push(o);
    }
    if (!o.roles.includes(m.role)) o.roles.push(m.role);
    o.departmentId ??= m.departmentId;
  }
  for (const u of readable) {
    if (own.has(u.id)) continue;
    const roles = me.memberships.filter((m) => u.path.includes(`/${m.unitId}/`)).map((m) => m.role);
    if (roles.length) out.push({ id: u.id, name: u.name, roles: [...new Set(roles)], departmentId: null, readOnly: true });
  }
  return out;
}

const UNIT_KEY = 'ub.unit';

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
    /*
     * A phone: the brand with the bell and sign-out on the first line, the unit and language on the
     * next; the unit picker takes the room left and its select shrinks (a long unit name is cut, never
     * the page widened).
     */
    @media (max-width: 600px) {
      header .spacer { display: none; }
      header .brand { flex: 1 1 auto; }
      header ub-notification-bell { order: 1; }
      header .signout { order: 2; }
      header .unit-pick, header .unit-name { order: 3; flex: 1 1 160px; }
      header .unit-pick select { flex: 1 1 auto; max-width: none; width: 0; }
      header .lang { order: 4; }
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

  private offUnauth?: () => void;
  private onPop = () => (this.route = location.pathname);

  override connectedCallback(): void {
    super.connectedCallback();
    document.documentElement.lang = lang();
    window.addEventListener('popstate', this.onPop);
    this.offUnauth = onUnauthenticated(() => (this.me = null));
    void this.boot();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPop);
    this.offUnauth?.();
  }

  private async boot() {
    try {
      await this.signedIn(await get<Me>('/api/me'));
    } catch {
      this.me = null;
    } finally {
      this.booting = false;
    }
  }

  private async signedIn(me: Me) {
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
    this.route = path;
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
      <header>
        <span class="brand"><span class="logo">预</span>${t('appName')}</span>
        <span class="spacer"></span>
        ${this.units.length > 1
          ? html`<label class="unit-pick">${t('unit')}
              <select @change=${this.switchUnit} aria-label=${t('unit')}>
                ${this.units.map((o) => html`<option value=${o.id} ?selected=${o.id === this.unitId}>${o.name}${o.readOnly ? t('paren', { x: t('readOnly') }) : ''}</option>`)}
              </select></label>`
          : html`<span class="unit-name" title=${u?.name ?? ''}>${u?.name ?? ''}</span>`}
        ${this.renderLang()}
        <ub-notification-bell .unitId=${this.unitId} .userId=${this.me.id}></ub-notification-bell>
        <span class="who">${this.me.displayName}</span>
        <button class="signout" @click=${this.logout}>${t('signOut')}</button>
      </header>
      <div class="body">
        <nav aria-label=${t('mainNav')} @click=${this.onNavClick}>
          <div class="roles">${u?.roles.map((r) => t(`role_${r}` as MessageKey)).join(' · ')}</div>
          ${this.navItems.map((n) => html`<a href="/${n.id}" aria-current=${page === n.id ? 'page' : 'false'}>${t(n.key)}</a>`)}
          ${this.pluginNav.length ? html`<div class="roles">${t('pluginNavGroup')}</div>` : nothing}
          ${this.pluginNav.map((p) => html`<a href=${p.href} data-plugin=${p.pluginId} aria-current=${this.route === p.href ? 'page' : 'false'}>${navTitle(p)}</a>`)}
        </nav>
        <main id="main" tabindex="-1" @click=${this.onNavClick}>${keyed(this.unitId, this.renderPage())}</main>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-app': UbApp }
}
