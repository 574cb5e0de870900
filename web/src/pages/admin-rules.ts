import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { shared, UnitPage } from '../lib/base.js';
import { api, get, errorText } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import type { RuleSetting } from '../lib/types.js';
import { scrollHint } from '../lib/scroll-hint.js';
import '../components/rule-trial.js';

const MODES = ['block', 'warn', 'ignore'] as const;
const modeLabel = (m: RuleSetting['mode']) => t(m === 'block' ? 'rule_block' : m === 'warn' ? 'rule_warn' : 'rule_ignore');

/** 控制规则: each configurable rule set to block, warn or ignore; hard rules are shown, fixed. */
@customElement('ub-admin-rules')
export class UbAdminRules extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; max-width: 980px; }
    .modes { display: flex; gap: 14px; }
    code { font-size: 12px; color: #667085; }
  `];

  @state() rules: RuleSetting[] = [];
  @state() message = '';
  @state() error = '';
  @state() busy = '';

  async load() {
    try {
      this.rules = await get<RuleSetting[]>(`/api/units/${this.ctx.unitId}/control-rules`);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  async setMode(rule: RuleSetting, mode: RuleSetting['mode']) {
    const set = (m: RuleSetting['mode']) => (this.rules = this.rules.map((r) => (r.code === rule.code ? { ...r, mode: m } : r)));
    this.busy = rule.code;
    this.message = '';
    this.error = '';
    // The radio shows the choice at once; a refusal puts the saved mode back.
    set(mode);
    try {
      await api('PUT', `/api/units/${this.ctx.unitId}/control-rules/${rule.code}`, { mode });
      this.message = t('rule_changed', { rule: rule.label, mode: modeLabel(mode) });
    } catch (e) {
      set(rule.mode);
      this.error = errorText(e);
    } finally {
      this.busy = '';
    }
  }

  override render() {
    return html`<h1>${t('rule_title')}</h1>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      <div class="x-scroll" ${scrollHint()}><table>
        <thead><tr><th>${t('rule_code')}</th><th>${t('rule_mode')}</th></tr></thead>
        <tbody>${this.rules.map((r) => html`<tr data-rule=${r.code}>
          <td>${r.label}<br /><code>${r.code}</code></td>
          <td>${r.hard
            ? html`<span class="badge block">${t('rule_hard')}</span>`
            : html`<div class="modes" role="radiogroup" aria-label=${r.label}>
                ${MODES.map((m) => html`<label class="check"><input type="radio" name=${`mode-${r.code}`} value=${m} .checked=${live(r.mode === m)}
                  ?disabled=${!!this.busy || this.ctx.readOnly} @change=${() => this.setMode(r, m)} />${modeLabel(m)}</label>`)}
              </div>`}</td>
        </tr>`)}</tbody>
      </table></div>
      ${this.ctx.readOnly ? nothing : html`<ub-rule-trial .unitId=${this.ctx.unitId} .rules=${this.rules}></ub-rule-trial>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-admin-rules': UbAdminRules }
}
