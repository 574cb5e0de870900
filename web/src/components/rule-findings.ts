import { html, css } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { lang, t } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import type { CheckResult } from '../lib/types.js';

/** The live rule-check feedback: blocking rules, warnings, the resulting balance and who approves. */
@customElement('ub-rule-findings')
export class UbRuleFindings extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    .box { border: 1px solid #dde3ea; border-radius: 6px; padding: 10px 12px; background: #fafbfc; }
    .box.block { border-color: #e5b4ae; background: #fff7f6; }
    .box.warn { border-color: #f1d19b; background: #fffaf0; }
    ul { margin: 6px 0; padding-left: 0; list-style: none; }
    li { margin: 4px 0; display: flex; gap: 8px; align-items: baseline; }
    .head { font-weight: 600; }
    .steps { display: flex; gap: 4px; flex-wrap: wrap; align-items: center; }
  `];

  @property({ attribute: false }) result: CheckResult | null = null;
  @property({ type: Boolean }) checking = false;
  @property({ type: Number }) amount: number | null = null;

  get state(): 'idle' | 'ok' | 'warn' | 'block' {
    const r = this.result;
    if (!r) return 'idle';
    if (!r.ok || r.findings.some((f) => f.severity === 'block' && !f.overridden)) return 'block';
    if (r.findings.length > 0) return 'warn';
    return 'ok';
  }

  override render() {
    const r = this.result;
    const s = this.state;
    return html`<section class="box ${s}" aria-live="polite" aria-label=${t('liveCheck')}>
      <div class="head">${t('liveCheck')}
        ${this.checking ? html`<span class="muted">· ${t('checking')}</span>` : ''}
      </div>
      ${r
        ? html`
            <p class=${s === 'ok' ? 'ok' : s === 'block' ? 'error' : ''} data-state=${s}>
              ${s === 'ok' ? t('checkOk') : s === 'block' ? t('checkBlocked') : t('checkWarn')}
            </p>
            ${r.findings.length
              ? html`<ul>
                  ${r.findings.map(
                    (f) => html`<li data-rule=${f.rule}>
                      <span class="badge ${f.severity}">${t(f.severity === 'block' ? 'severity_block' : 'severity_warn')}</span>
                      <span>${lang() === 'en' && f.messageEn ? f.messageEn : f.message}</span>
                    </li>`,
                  )}
                </ul>`
              : ''}
            <div class="muted">
              ${t('available')}: <span class="num">${formatFen(r.available)}</span>
              ${this.amount !== null ? html` · ${t('balanceAfter')}: <span class="num" data-after>${formatFen(r.available - this.amount)}</span>` : ''}
            </div>
            ${'fastTrack' in r && r.fastTrack ? html`<div class="ok">${t('fastTrack')}</div>` : ''}
            ${r.steps.length
              ? html`<div class="steps muted">${t('approvers')}:
                  ${r.steps.map((st, i) => html`${i ? ' → ' : ''}<span class="badge">${st.label}</span>${st.approvers?.length ? html` <span>${st.approvers.join('、')}</span>` : ''}`)}</div>`
              : ''}
            ${r.steps.filter((st) => st.reroutedFrom).map((st) => html`<div class="rerouted" role="status">⚠ ${t('ap_rerouted', { from: st.reroutedFrom!.label, to: st.approvers?.length ? `${st.label.split('（')[0]}（${st.approvers.join('、')}）` : st.label })}</div>`)}
          `
        : html`<p class="muted">—</p>`}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-rule-findings': UbRuleFindings }
}
