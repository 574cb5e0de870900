import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { get, post, errorText } from '../lib/api.js';
import { t, type MessageKey } from '../lib/i18n.js';
import type { PluginQuarantine } from '../lib/types.js';
import { when } from '../lib/time.js';
import { scrollHint } from '../lib/scroll-hint.js';

const REASONS = ['memory', 'hung', 'catastrophic', 'exit'];
const reasonText = (reason: string) => (REASONS.includes(reason) ? t(`qr_reason_${reason}` as MessageKey) : reason);

/**
 * 隔离: plugins quarantined for bringing down the plugin runner again and again (GET
 * /api/plugins/quarantine: current ones first, then released ones, newest first), and releasing a
 * current one after a confirmation (POST /api/plugins/:id/release). Tells the page
 * (`plugin-quarantine-changed`) so the unit's plugin cards drop their quarantine badge.
 */
@customElement('ub-plugin-quarantine')
export class UbPluginQuarantine extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    .wrap { overflow-x: auto; border: 1px solid #e6eaef; border-radius: 6px; }
    table { min-width: 680px; }
    tr.released td { color: #667085; }
    td button { min-height: 30px; padding: 2px 10px; }
  `];

  @state() rows: PluginQuarantine[] = [];
  @state() loaded = false;
  @state() busy = false;
  @state() message = '';
  @state() error = '';

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  async load() {
    try {
      this.rows = await get<PluginQuarantine[]>('/api/plugins/quarantine');
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.loaded = true;
    }
  }

  async release(pluginId: string) {
    if (!confirm(t('qr_confirm', { id: pluginId }))) return;
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      await post(`/api/plugins/${encodeURIComponent(pluginId)}/release`, {});
      this.message = t('qr_done', { id: pluginId });
      this.dispatchEvent(new CustomEvent('plugin-quarantine-changed', { bubbles: true, composed: true, detail: { pluginId } }));
    } catch (e) {
      this.error = errorText(e);
    } finally {
      // Released, or already released elsewhere (409 PLUGIN_NOT_QUARANTINED): show the list as it is now.
      await this.load();
      this.busy = false;
    }
  }

  private row(q: PluginQuarantine) {
    const current = q.releasedAt === null;
    return html`<tr data-quarantine=${q.pluginId} class=${current ? '' : 'released'}>
      <td><code>${q.pluginId}</code></td>
      <td>${q.version}</td>
      <td class="date">${when(q.since)}</td>
      <td class="num">${q.kills}</td>
      <td>${reasonText(q.reason)}</td>
      <td>${current
        ? html`<span class="badge block">${t('qr_current')}</span>`
        : html`<span class="badge">${t('qr_released', { at: when(q.releasedAt) })}</span>
            ${q.releasedByName ? html`<span class="muted" data-released-by>${t('qr_releasedBy', { name: q.releasedByName })}</span>` : nothing}`}</td>
      <td>${current
        ? html`<button class="danger" data-action="release" ?disabled=${this.busy} @click=${() => this.release(q.pluginId)}>${t('qr_release')}</button>`
        : nothing}</td>
    </tr>`;
  }

  override render() {
    return html`<p class="muted">${t('qr_hint')}</p>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      ${!this.loaded
        ? html`<p class="muted" role="status">${t('adm_loading')}</p>`
        : this.rows.length === 0
          ? html`<p class="muted">${t('qr_none')}</p>`
          : html`<div class="wrap" ${scrollHint()}><table>
              <thead><tr><th>${t('qr_plugin')}</th><th>${t('qr_version')}</th><th>${t('qr_since')}</th><th class="num">${t('qr_kills')}</th>
                <th>${t('qr_reason')}</th><th>${t('qr_state')}</th><th></th></tr></thead>
              <tbody>${this.rows.map((q) => this.row(q))}</tbody>
            </table></div>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-plugin-quarantine': UbPluginQuarantine }
}
