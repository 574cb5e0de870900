import { html, css, nothing, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { t, type MessageKey } from '../lib/i18n.js';
import { renderMarkdown } from './markdown.js';
import type { Role } from '../lib/types.js';

/**
 * 帮助: the header's help button opens, beside the work, the user guide's section about the screen in
 * front of the user (docs/guide/<role>.md, copied into the web build under /guide/ by web/build.mjs).
 * It opens as a side panel rather than a new page, so nothing typed on the screen is lost.
 *
 * Each guide is written for one role; a screen several roles share (审批待办) has a section in each of
 * their guides, so the section comes from the guide of the first of the user's roles that covers it.
 * A section is a `## Heading {#screen}` of the guide; screens are the app's route ids (`/inbox` → inbox).
 */
export type Guide = 'staff' | 'department-head' | 'finance-officer' | 'leader' | 'auditor' | 'unit-admin' | 'system-admin';
export const GUIDES: Guide[] = ['staff', 'department-head', 'finance-officer', 'leader', 'auditor', 'unit-admin', 'system-admin'];

/** The screens each guide has a section for (keep in step with the `{#…}` anchors in docs/guide). */
export const GUIDE_SCREENS: Record<Guide, string[]> = {
  staff: ['payment', 'budget', 'mine', 'projects', 'standards', 'bell'],
  'department-head': ['inbox', 'payment', 'budget', 'mine', 'projects', 'standards'],
  'finance-officer': ['dashboard', 'inbox', 'transfers', 'payments', 'receipts', 'review', 'periods', 'reports', 'fiscal-years', 'projects', 'assets', 'ledger-settings', 'standards', 'plugins'],
  leader: ['cockpit', 'inbox', 'review', 'reports', 'receipts', 'plugins'],
  auditor: ['audit', 'dashboard', 'payments', 'reports', 'receipts'],
  'unit-admin': ['admin-members', 'admin-flows', 'admin-templates', 'admin-rules', 'admin-plugins', 'ledger-settings', 'system-health', 'plugins'],
  'system-admin': ['admin-members', 'admin-plugins', 'system-health', 'api-tokens'],
};

/** Which guide speaks for a role; the order is the order a screen's guide is looked for in. */
const ROLE_GUIDES: Array<[Role, Guide]> = [
  ['business_staff', 'staff'],
  ['department_head', 'department-head'],
  ['finance_officer', 'finance-officer'],
  ['leader', 'leader'],
  ['auditor', 'auditor'],
  ['unit_admin', 'unit-admin'],
  ['system_admin', 'system-admin'],
  ['plugin_developer', 'system-admin'],
];

/** The screen id of a route: `/inbox` → inbox, `/dashboard/12` → dashboard, a plugin's page → plugins. */
export function screenOf(route: string): string {
  const [, first = ''] = route.split('/');
  return first === 'plugins' ? 'plugins' : first;
}

/** The guide and section for a screen, for a user holding these roles (section null: the guide's start). */
export function helpFor(route: string, roles: Role[]): { guide: Guide; section: string | null } {
  const screen = screenOf(route);
  const mine = ROLE_GUIDES.filter(([r]) => roles.includes(r)).map(([, g]) => g);
  // A person holding several roles: the guide of the role that works on this screen day to day.
  const specific = mine.find((g) => GUIDE_SCREENS[g][0] === screen) ?? mine.find((g) => GUIDE_SCREENS[g].includes(screen));
  if (specific) return { guide: specific, section: screen };
  return { guide: mine[0] ?? 'staff', section: null };
}

export const guideUrl = (guide: Guide) => `/guide/${guide}.md`;

export interface GuideSection { id: string; title: string; body: string }

/** A guide split at its `## ` headings; `{#id}` names a section (the text before the first is the intro). */
export function parseGuide(source: string): { title: string; intro: string; sections: GuideSection[] } {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let title = '';
  const intro: string[] = [];
  const sections: GuideSection[] = [];
  for (const line of lines) {
    const h1 = /^#\s+(.*)$/.exec(line);
    const h2 = /^##\s+(.*?)\s*(?:\{#([a-z0-9-]+)\})?\s*$/.exec(line);
    if (h1 && !title && sections.length === 0) title = h1[1]!;
    else if (h2) sections.push({ id: h2[2] ?? `s${sections.length + 1}`, title: h2[1]!, body: '' });
    else if (sections.length) sections[sections.length - 1]!.body += `${line}\n`;
    else intro.push(line);
  }
  return { title, intro: intro.join('\n'), sections };
}

/** Markdown with the guide's screenshots: a line `![alt](../screenshots/x.png)` becomes an image (same site only). */
export function renderGuideText(body: string): TemplateResult {
  const parts: TemplateResult[] = [];
  let text: string[] = [];
  const flush = () => {
    if (text.length) parts.push(renderMarkdown(text.join('\n')));
    text = [];
  };
  for (const line of body.split('\n')) {
    const img = /^!\[([^\]]*)\]\(([^)\s]+)\)\s*$/.exec(line.trim());
    if (img && !/^[a-z]+:|^\/\//i.test(img[2]!)) {
      flush();
      const src = new URL(img[2]!, `${location.origin}/guide/`).pathname;
      parts.push(html`<figure><img src=${src} alt=${img[1]!} loading="lazy" /><figcaption>${img[1]}</figcaption></figure>`);
    } else text.push(line);
  }
  flush();
  return html`${parts}`;
}

@customElement('ub-help-menu')
export class UbHelpMenu extends UbElement {
  static override styles = [shared, css`
    :host { display: inline-block; }
    button.help { background: transparent; color: inherit; border-color: #5f7ea8; min-height: 30px; padding: 3px 10px; }
    button.help:hover:not(:disabled) { background: #1f4a7e; }
    aside { position: fixed; top: 0; right: 0; bottom: 0; width: min(480px, 100vw); background: #fff; color: #1f2733; z-index: 50;
      box-shadow: -4px 0 16px rgba(0, 0, 0, 0.18); display: flex; flex-direction: column; }
    aside header { display: flex; align-items: center; gap: 8px; padding: 10px 16px; border-bottom: 1px solid #dde3ea; background: #14365f; color: #fff; }
    aside header h2 { margin: 0; font-size: 16px; flex: 1; }
    aside header button { background: transparent; color: #fff; border-color: #5f7ea8; min-height: 30px; }
    .content { overflow: auto; padding: 12px 16px 24px; flex: 1; line-height: 1.6; overflow-wrap: anywhere; }
    section.current { border-left: 3px solid #1d5fbf; padding-left: 10px; }
    .content h3 { font-size: 15px; }
    figure { margin: 8px 0; }
    figure img { max-width: 100%; border: 1px solid #dde3ea; border-radius: 4px; }
    figcaption { font-size: 12px; color: #667085; }
    .guides { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 16px; }
    .guides button { font-size: 13px; min-height: 30px; padding: 3px 10px; }
    .guides button[aria-pressed='true'] { border-color: #1d5fbf; color: #14365f; font-weight: 600; }
    details { margin-top: 12px; }
    summary { cursor: pointer; color: #1d5fbf; }
  `];

  /** The app's current route (location.pathname). */
  @property() route = '/';
  @property({ attribute: false }) roles: Role[] = [];
  @state() open = false;
  /** The guide shown: the one for this screen unless the user picked another. */
  @state() guide: Guide = 'staff';
  @state() section: string | null = null;
  @state() source: string | null = null;
  @state() failed = false;
  private loaded = new Map<Guide, string>();
  private seq = 0;

  private onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && this.open) this.close();
  };

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onKey);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onKey);
  }

  override willUpdate(changed: Map<string, unknown>): void {
    // Moving to another screen with the panel open shows that screen's section.
    if (this.open && changed.has('route') && changed.get('route') !== undefined) void this.show(helpFor(this.route, this.roles));
  }

  async toggle() {
    if (this.open) return this.close();
    this.open = true;
    await this.show(helpFor(this.route, this.roles));
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>('aside h2')?.focus();
  }

  close() {
    this.open = false;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('button.help')?.focus());
  }

  async show(target: { guide: Guide; section: string | null }) {
    const seq = ++this.seq;
    this.guide = target.guide;
    this.section = target.section;
    this.failed = false;
    this.source = this.loaded.get(target.guide) ?? null;
    if (this.source === null) {
      try {
        const res = await fetch(guideUrl(target.guide), { headers: { accept: 'text/markdown, text/plain' } });
        if (!res.ok) throw new Error(String(res.status));
        const text = await res.text();
        this.loaded.set(target.guide, text);
        if (seq === this.seq) this.source = text;
      } catch {
        if (seq === this.seq) this.failed = true;
      }
    }
    await this.updateComplete;
    this.renderRoot.querySelector('section.current')?.scrollIntoView?.({ block: 'start' });
  }

  private renderGuide(): TemplateResult | typeof nothing {
    if (this.failed) return html`<p class="error" role="alert">${t('hlp_unavailable')}</p>`;
    if (this.source === null) return html`<p class="muted" role="status">${t('hlp_loading')}</p>`;
    const g = parseGuide(this.source);
    const current = g.sections.find((s) => s.id === this.section);
    const rest = g.sections.filter((s) => s !== current);
    const section = (s: GuideSection, isCurrent: boolean) => html`<section id="help-${s.id}" data-section=${s.id} class=${isCurrent ? 'current' : ''}>
      <h3>${s.title}</h3>${renderGuideText(s.body)}</section>`;
    return html`<p class="muted">${g.title}</p>
      ${current ? html`<p class="muted">${t('hlp_forScreen')}</p>${section(current, true)}` : renderGuideText(g.intro)}
      <details ?open=${!current}><summary>${g.title}</summary>${rest.map((s) => section(s, false))}</details>`;
  }

  override render() {
    return html`<button class="help" aria-haspopup="dialog" aria-expanded=${this.open ? 'true' : 'false'} aria-controls="help-panel"
        title=${t('hlp_menuLabel')} @click=${() => void this.toggle()}>${t('hlp_menu')}</button>
      ${this.open ? html`<aside id="help-panel" role="dialog" aria-modal="false" aria-labelledby="help-title">
        <header><h2 id="help-title" tabindex="-1">${t('hlp_title')}</h2>
          <button class="close" aria-label=${t('hlp_close')} @click=${() => this.close()}>✕</button></header>
        <div class="content">
          ${this.renderGuide()}
          <h3>${t('hlp_guides')}</h3>
          <div class="guides">${GUIDES.map((g) => html`<button data-guide=${g} aria-pressed=${g === this.guide ? 'true' : 'false'}
            @click=${() => void this.show({ guide: g, section: g === helpFor(this.route, this.roles).guide ? this.section : null })}>${t(`hlp_guide_${g.replace('-', '_')}` as MessageKey)}</button>`)}</div>
        </div>
      </aside>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-help-menu': UbHelpMenu }
}
