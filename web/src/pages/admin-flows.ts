import { html, css, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { api, get, errorText } from '../lib/api.js';
import { t, type MessageKey } from '../lib/i18n.js';
import type { Flow } from '../lib/types.js';
import { when } from '../lib/time.js';
import '../components/flow-editor.js';
import type { UbFlowEditor } from '../components/flow-editor.js';

const TARGETS = ['payment', 'transfer', 'adjustment'] as const;

/** 审批流程: one low-code editor per document kind; saving governs the next request. */
@customElement('ub-admin-flows')
export class UbAdminFlows extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; max-width: 980px; }
    .tabs { display: flex; gap: 6px; margin-bottom: 12px; }
    .tabs button[aria-selected='true'] { background: #1d5fbf; color: #fff; border-color: #1d5fbf; }
    .actions { display: flex; gap: 12px; align-items: center; margin-top: 12px; }
  `];

  @state() flows: Flow[] = [];
  @state() target: (typeof TARGETS)[number] = 'payment';
  @state() message = '';
  @state() error = '';
  @state() busy = false;
  @query('ub-flow-editor') editor?: UbFlowEditor;

  async load() {
    try {
      this.flows = await get<Flow[]>(`/api/units/${this.ctx.unitId}/approval-flows`);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  get flow(): Flow | undefined {
    return this.flows.find((f) => f.target === this.target);
  }

  async save() {
    this.message = '';
    this.error = '';
    const body = this.editor?.collect();
    if (!body) return;
    this.busy = true;
    try {
      const saved = await api<Flow>('PUT', `/api/units/${this.ctx.unitId}/approval-flows/${this.target}`, body);
      this.flows = this.flows.map((f) => (f.target === saved.target ? saved : f));
      this.message = t('flow_savedNext');
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const f = this.flow;
    return html`<h1>${t('flow_title')}</h1>
      <div class="tabs" role="tablist">
        ${TARGETS.map((k) => html`<button role="tab" aria-selected=${k === this.target ? 'true' : 'false'}
          @click=${() => { this.target = k; this.message = ''; this.error = ''; }}>${t(`flow_target_${k}` as MessageKey)}</button>`)}
      </div>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      ${f
        ? html`<p class="muted">${f.version ? `${t('adm_version', { v: f.version })} · ${t('adm_updatedAt', { at: when(f.updatedAt) })}` : t('adm_defaults')}</p>
            <div class="card" role="tabpanel"><ub-flow-editor .flow=${f}></ub-flow-editor></div>
            <div class="actions"><button class="primary" ?disabled=${this.busy || this.ctx.readOnly} @click=${() => this.save()}>${t('adm_save')}</button></div>`
        : html`<p class="muted" role="status">${t('adm_loading')}</p>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-admin-flows': UbAdminFlows }
}
