import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { api, get, errorText } from '../lib/api.js';
import { t, type MessageKey } from '../lib/i18n.js';
import type { PluginOwner } from '../lib/types.js';
import { when } from '../lib/time.js';
import { scrollHint } from '../lib/scroll-hint.js';

/** The select's value for "unsigned bundles" (a publisher name is never empty). */
const UNSIGNED = '';

/** A plugin id's owner as the console names it: a publisher, or unsigned bundles. */
export const ownerLabel = (publisher: string | null | undefined) =>
  publisher === null || publisher === undefined ? t('plg_ownerUnsigned') : t('own_publisher', { name: publisher });

/** How a version's signature reads in a sentence: "signed by publisher X", or "unsigned". */
export const signerPhrase = (signedBy: string | null) => (signedBy === null ? t('plg_unsignedPhrase') : t('plg_signedByPhrase', { name: signedBy }));

/**
 * 插件标识归属: who owns each plugin id (GET /api/plugins/owners) and, for the system administrator,
 * moving an id to another trusted publisher or to unsigned bundles (PUT /api/plugins/:id/owner,
 * after a confirmation). Tells the page (`plugin-owner-changed`) so its lists show the new owner.
 */
@customElement('ub-plugin-owners')
export class UbPluginOwners extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    .wrap { position: relative; overflow-x: auto; border: 1px solid #e6eaef; border-radius: 6px; }
    table { min-width: 640px; }
    td .transfer { display: flex; gap: 6px; align-items: center; flex-wrap: nowrap; }
    td select { min-height: 30px; padding: 2px 6px; max-width: 240px; }
    td button { min-height: 30px; padding: 2px 10px; }
  `];

  /** Trusted publishers' names (GET /api/plugins/trust), the ids may be given to. */
  @property({ attribute: false }) publishers: string[] = [];
  @state() owners: PluginOwner[] = [];
  /** The choice per plugin id: a publisher's name, or UNSIGNED. */
  @state() choice: Record<string, string> = {};
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
      this.owners = await get<PluginOwner[]>('/api/plugins/owners');
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.loaded = true;
    }
  }

  /** Transfers the id to the chosen owner (null: unsigned bundles) once the administrator confirms. */
  async transfer(o: PluginOwner) {
    const picked = this.choice[o.pluginId];
    if (picked === undefined) return;
    const publisher = picked === UNSIGNED ? null : picked;
    if (publisher === o.publisher) return;
    const to = ownerLabel(publisher);
    if (!confirm(t('own_confirm', { id: o.pluginId, from: ownerLabel(o.publisher), to }))) return;
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      await api('PUT', `/api/plugins/${encodeURIComponent(o.pluginId)}/owner`, { publisher });
      this.message = t('own_done', { id: o.pluginId, to });
      const { [o.pluginId]: _done, ...rest } = this.choice;
      this.choice = rest;
      await this.load();
      this.dispatchEvent(new CustomEvent('plugin-owner-changed', { bubbles: true, composed: true, detail: { pluginId: o.pluginId, publisher } }));
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  private row(o: PluginOwner) {
    const picked = this.choice[o.pluginId];
    const current = o.publisher ?? UNSIGNED;
    const names = [...new Set([...this.publishers, ...(o.publisher ? [o.publisher] : [])])];
    return html`<tr data-owner=${o.pluginId}>
      <td><code>${o.pluginId}</code></td>
      <td>${o.publisher === null ? html`<span class="badge warn">${ownerLabel(null)}</span>` : html`<span class="badge">${o.publisher}</span>`}</td>
      <td class="date">${when(o.since)}</td>
      <td><span class="nowrap">${t(`own_how_${o.how}` as MessageKey)}</span>${o.assignedByName ? html` <span class="muted" data-assigned-by>${t('own_assignedBy', { name: o.assignedByName })}</span>` : nothing}</td>
      <td><div class="transfer">
        <label class="sr-only" for=${`owner-${o.pluginId}`}>${t('own_transferTo')}</label>
        <select id=${`owner-${o.pluginId}`} name="publisher" ?disabled=${this.busy}
          @change=${(e: Event) => (this.choice = { ...this.choice, [o.pluginId]: (e.target as HTMLSelectElement).value })}>
          ${names.map((n) => html`<option value=${n} ?selected=${(picked ?? current) === n}>${n}</option>`)}
          <option value=${UNSIGNED} ?selected=${(picked ?? current) === UNSIGNED}>${ownerLabel(null)}</option>
        </select>
        <button data-action="transfer" ?disabled=${this.busy || picked === undefined || picked === current} @click=${() => this.transfer(o)}>${t('own_transfer')}</button>
      </div></td>
    </tr>`;
  }

  override render() {
    return html`<p class="muted">${t('own_hint')}</p>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      ${!this.loaded
        ? html`<p class="muted" role="status">${t('adm_loading')}</p>`
        : this.owners.length === 0
          ? html`<p class="muted">${t('own_none')}</p>`
          : html`<div class="wrap" ${scrollHint()}><table>
              <thead><tr><th>${t('own_pluginId')}</th><th>${t('own_owner')}</th><th>${t('own_since')}</th><th>${t('own_how')}</th><th>${t('own_transferTo')}</th></tr></thead>
              <tbody>${this.owners.map((o) => this.row(o))}</tbody>
            </table></div>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-plugin-owners': UbPluginOwners }
}
