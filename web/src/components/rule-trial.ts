import { html, css, nothing, LitElement } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { shared } from '../lib/base.js';
import { errorText, get, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import { scrollHint } from '../lib/scroll-hint.js';
import type { RuleSetting } from '../lib/types.js';
import type { StandardVersionSummary, TrialResult } from '@unibudget/sdk/contracts/standards';

/** The rules a trial re-judges (core/ledger/rules/trial.ts TRIAL_RULES): the others keep their mode. */
const TRIAL_RULES = ['EXPENDITURE_STANDARD_EXCEEDED', 'THREE_PUBLIC_CAP_EXCEEDED', 'CONTRACT_REQUIRED', 'ECONOMIC_KIND_MISMATCH'];
const MODES = ['block', 'warn', 'ignore'] as const;
const modeLabel = (m: string) => t(m === 'block' ? 'rule_block' : m === 'warn' ? 'rule_warn' : 'rule_ignore');

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * 规则试运行 on the rule screen: proposed modes for the re-judged rules (and optionally a proposed
 * standard version) over a window of past payments → POST /control-rules/trial; nothing changes.
 */
@customElement('ub-rule-trial')
export class UbRuleTrial extends LitElement {
  static override styles = [shared, css`
    :host { display: block; margin-top: 24px; }
    .grid { display: grid; gap: 8px; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); }
  `];

  @property({ attribute: false }) unitId = '';
  @property({ attribute: false }) rules: RuleSetting[] = [];
  @state() from = `${today().slice(0, 4)}-01-01`;
  @state() to = today();
  @state() modes: Record<string, string> = {};
  @state() versionId = '';
  @state() versions: StandardVersionSummary[] = [];
  @state() result: TrialResult | null = null;
  @state() error = '';
  @state() busy = false;

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('unitId') && this.unitId) {
      void get<StandardVersionSummary[]>(`/api/units/${this.unitId}/standards/versions`).then((v) => (this.versions = v.filter((x) => x.status !== 'rejected'))).catch(() => undefined);
    }
  }

  async run() {
    this.busy = true;
    this.error = '';
    try {
      const ruleModes = Object.fromEntries(Object.entries(this.modes).filter(([, m]) => m && m !== 'keep'));
      this.result = await post<TrialResult>(`/api/units/${this.unitId}/control-rules/trial`, {
        from: this.from, to: this.to, ...(Object.keys(ruleModes).length ? { ruleModes } : {}), ...(this.versionId ? { standards: { versionId: Number(this.versionId) } } : {}),
      });
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  renderResult(r: TrialResult) {
    const tally = (x: { count: number; amount: number }) => t('tr_payments', { count: x.count, amount: formatFen(x.amount) });
    const sev = (s: 'block' | 'warn' | null) => t(s === 'block' ? 'tr_block' : s === 'warn' ? 'tr_warn' : 'tr_pass');
    return html`<div data-result>
      <p>${t('tr_evaluated', { n: r.evaluated })}</p>
      <ul>
        <li data-blocked>${t('tr_blocked')}：${tally(r.proposed.blocked)}</li>
        <li data-warned>${t('tr_warned')}：${tally(r.proposed.warned)}</li>
        <li data-newly>${t('tr_newlyBlocked')}：${tally(r.newlyBlocked)}</li>
      </ul>
      ${r.payments.length === 0 ? html`<p class="muted">${t('tr_none')}</p>` : html`<p class="muted">${t('la_unitYuan')}${r.truncated ? ` · ${t('tr_truncated', { n: r.payments.length })}` : ''}</p>
        <div class="x-scroll" ${scrollHint()}><table>
          <thead><tr><th>${t('tr_from')}</th><th>#</th><th></th><th class="num"></th><th>${t('tr_result')}</th><th>${t('tr_currentResult')}</th><th></th></tr></thead>
          <tbody>${r.payments.map((p) => html`<tr data-payment=${p.id} data-severity=${p.severity}>
            <td class="nowrap">${p.date}</td><td>${p.id}</td><td>${p.purpose}</td><td class="num">${formatFen(p.amount)}</td>
            <td>${sev(p.severity)}</td><td>${sev(p.currentSeverity)}</td><td>${p.findings.map((f) => f.message).join('；')}</td>
          </tr>`)}</tbody>
        </table></div>`}
    </div>`;
  }

  override render() {
    const byCode = new Map(this.rules.map((r) => [r.code, r]));
    return html`<section>
      <h2>${t('tr_title')}</h2>
      <p class="muted">${t('tr_intro')}</p>
      <div class="grid">
        <label class="field">${t('tr_from')} <input type="date" name="from" .value=${this.from} @change=${(e: Event) => (this.from = (e.target as HTMLInputElement).value)} /></label>
        <label class="field">${t('tr_to')} <input type="date" name="to" .value=${this.to} @change=${(e: Event) => (this.to = (e.target as HTMLInputElement).value)} /></label>
        <label class="field">${t('tr_version')}
          <select name="versionId" @change=${(e: Event) => (this.versionId = (e.target as HTMLSelectElement).value)}>
            <option value="">${t('tr_current')}</option>
            ${this.versions.map((v) => html`<option value=${v.id}>#${v.id} ${v.title}</option>`)}
          </select></label>
        ${TRIAL_RULES.map((code) => html`<label class="field">${byCode.get(code)?.label ?? code}
          <select name=${`mode-${code}`} @change=${(e: Event) => (this.modes = { ...this.modes, [code]: (e.target as HTMLSelectElement).value })}>
            <option value="keep">${t('tr_keep')}（${modeLabel(byCode.get(code)?.mode ?? 'block')}）</option>
            ${MODES.map((m) => html`<option value=${m}>${modeLabel(m)}</option>`)}
          </select></label>`)}
      </div>
      <button data-run ?disabled=${this.busy} @click=${() => this.run()}>${t('tr_run')}</button>
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      ${this.result ? this.renderResult(this.result) : nothing}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-rule-trial': UbRuleTrial }
}
