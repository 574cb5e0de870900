import { html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { get } from '../lib/api.js';
import { lang, t } from '../lib/i18n.js';
import type { UnitContext } from '../lib/context.js';
import type { Localized, UnitPlugin } from '../lib/types.js';
import '../components/plugin-view.js';

/** `quarantined`: the plugin runs nowhere until the system administrator releases it; its pages say so. */
export interface PluginNavItem { pluginId: string; viewId: string; title: Localized; pluginName: Localized; href: string; quarantined: boolean }

/**
 * The plugin pages a person sees in a unit: views of plugins enabled there with the `views`
 * permission granted. Listing them needs `plugin.read` in the unit (the permission the view route
 * itself checks): without it the list fails and no plugin page shows. Views placed on a core
 * screen (payment, project, budget request, transfer detail, the cockpit) belong there, not to the navigation.
 */
export async function loadPluginNav(unitId: string): Promise<PluginNavItem[]> {
  let plugins: UnitPlugin[];
  try {
    plugins = await get<UnitPlugin[]>(`/api/units/${encodeURIComponent(unitId)}/plugins`);
  } catch {
    return [];
  }
  return plugins
    .filter((p) => p.state === 'enabled' && p.grants.includes('views'))
    .flatMap((p) => p.views
      .filter((v) => v.placement === 'page' || v.placement === 'dashboard' || v.placement === undefined)
      .map((v) => ({ pluginId: p.pluginId, viewId: v.id, title: v.title, pluginName: p.name, href: `/plugins/${p.pluginId}/${v.id}`, quarantined: p.quarantined === true })));
}

export const navTitle = (item: PluginNavItem) => (lang() === 'en' ? item.title.en : item.title.zh);

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
