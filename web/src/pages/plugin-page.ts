import { html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { lang, t } from '../lib/i18n.js';
import type { UnitContext } from '../lib/context.js';
import { navTitle, type PluginNavItem } from '../lib/plugin-nav.js';
import '../components/plugin-view.js';

export { loadPluginNav, navTitle, type PluginNavItem } from '../lib/plugin-nav.js';

/** One plugin page: its title and the host-rendered view spec. */
@customElement('ub-plugin-page')
export class UbPluginPage extends UbElement {
  static override styles = [shared, css`
    :host { display: block; max-width: 1200px; }
    .sub { margin: -8px 0 12px; }
  `];

  @property({ attribute: false }) ctx!: UnitContext;
  @property({ attribute: false }) item: PluginNavItem | null = null;

  override render() {
    const item = this.item;
    if (!item) return html`<p class="notice error" role="alert">${t('pv_notFound')}</p>`;
    return html`<h1>${navTitle(item)}</h1>
      <p class="muted sub">${lang() === 'en' ? item.pluginName.en : item.pluginName.zh}</p>
      ${item.quarantined
        ? html`<p class="notice error" role="status" data-quarantined>${t('pv_quarantined')}</p>`
        : this.ctx ? html`<ub-plugin-view unit-id=${this.ctx.unitId} plugin-id=${item.pluginId} view-id=${item.viewId} query=${location.search}></ub-plugin-view>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-plugin-page': UbPluginPage }
}
