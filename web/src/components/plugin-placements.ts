import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { get } from '../lib/api.js';
import { lang, t } from '../lib/i18n.js';
import './plugin-view.js';

interface Placement { pluginId: string; viewId: string; title: { zh: string; en: string } }

/**
 * The plugins' views placed on a core screen: `<ub-plugin-placements unit-id="a"
 * placement="project-detail" subject-kind="project" subject-id="12">`. Lists the views of the
 * unit's enabled plugins for that placement (GET …/plugins/placements) and renders each with the
 * object as its subject. Shows nothing at all when no plugin places a view there, or the listing
 * fails: a core screen never breaks because of a plugin.
 */
@customElement('ub-plugin-placements')
export class UbPluginPlacements extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    :host([hidden]) { display: none; }
    .placed { display: flex; flex-direction: column; gap: 14px; margin-top: 14px; }
    section.placed-view > h3 { margin: 0 0 8px; font-size: 15px; }
    section.placed-view > h3 .muted { font-weight: 400; font-size: 12px; margin-left: 6px; }
  `];

  @property({ attribute: 'unit-id' }) unitId = '';
  @property() placement = '';
  @property({ attribute: 'subject-kind' }) subjectKind = '';
  @property({ attribute: 'subject-id' }) subjectId = '';
  /** Say so when no plugin places a view here (where the person asked to see them), instead of showing nothing. */
  @property({ type: Boolean, attribute: 'show-empty' }) showEmpty = false;
  @state() placements: Placement[] = [];
  @state() loaded = false;
  private loadedFor = '';
  private seq = 0;

  override willUpdate() {
    const key = `${this.unitId}/${this.placement}`;
    if (this.unitId && this.placement && key !== this.loadedFor) {
      this.loadedFor = key;
      void this.load();
    }
  }

  async load() {
    const seq = ++this.seq;
    try {
      const r = await get<{ placements: Placement[] }>(`/api/units/${encodeURIComponent(this.unitId)}/plugins/placements?placement=${encodeURIComponent(this.placement)}`);
      if (seq === this.seq) this.placements = r.placements;
    } catch {
      if (seq === this.seq) this.placements = [];
    } finally {
      if (seq === this.seq) this.loaded = true;
    }
  }

  private query(): string {
    if (!this.subjectKind || !this.subjectId) return '';
    return `?${new URLSearchParams({ subjectKind: this.subjectKind, subjectId: this.subjectId })}`;
  }

  override render() {
    if (this.placements.length === 0) return this.showEmpty && this.loaded ? html`<p class="muted" data-state="empty">${t('hx_noPlaced')}</p>` : nothing;
    const en = lang() === 'en';
    return html`<div class="placed" data-placement=${this.placement}>
      ${this.placements.map((p) => {
        const title = en ? p.title.en : p.title.zh;
        return html`<section class="placed-view" aria-label=${t('hx_placedRegion', { title })} data-plugin=${p.pluginId} data-view=${p.viewId}>
          <h3>${title}<span class="muted">${t('hx_placedTitle')} · ${p.pluginId}</span></h3>
          <ub-plugin-view unit-id=${this.unitId} plugin-id=${p.pluginId} view-id=${p.viewId} query=${this.query()}></ub-plugin-view>
        </section>`;
      })}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-plugin-placements': UbPluginPlacements }
}
