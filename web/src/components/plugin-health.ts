import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { get, errorText } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import type { PluginMetrics } from '../lib/types.js';
import { formatBytes } from '../lib/bytes.js';
import './quota-bars.js';

const ms = (v: number) => (v < 10 ? v.toFixed(2) : v.toFixed(0));

/** Calls, errors, latency percentiles, memory and breaker state of one plugin in one unit; its quotas. */
@customElement('ub-plugin-health')
export class UbPluginHealth extends UbElement {
  static override styles = [shared, css`
    :host { display: block; margin-top: 12px; padding-top: 8px; border-top: 1px solid #eef2f6; }
    .head h3 { margin: 0; }
    .head button { min-height: 28px; padding: 2px 10px; }
    dl { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 10px; margin: 8px 0; }
    dl div { background: #f5f7fa; border-radius: 6px; padding: 8px 10px; }
    dl div.wide { grid-column: span 2; }
    dt { font-size: 12px; color: #667085; }
    dd { margin: 2px 0 0; font-size: 16px; font-weight: 600; font-variant-numeric: tabular-nums; }
    .head { display: flex; gap: 10px; align-items: center; }
  `];

  @property({ attribute: false }) unitId = '';
  @property({ attribute: false }) pluginId = '';
  /** Quarantined system-wide (the unit plugin list says so): the breaker of one unit is beside the point. */
  @property({ attribute: false }) quarantined = false;
  @state() metrics: PluginMetrics | null = null;
  @state() error = '';
  @state() loading = false;
  private loadedFor = '';

  override willUpdate() {
    const key = `${this.unitId}/${this.pluginId}`;
    if (this.unitId && this.pluginId && key !== this.loadedFor) {
      this.loadedFor = key;
      void this.load();
    }
  }

  async load() {
    this.loading = true;
    this.error = '';
    try {
      this.metrics = await get<PluginMetrics>(`/api/units/${encodeURIComponent(this.unitId)}/plugins/${encodeURIComponent(this.pluginId)}/metrics`);
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.loading = false;
    }
  }

  override render() {
    const m = this.metrics;
    const tripped = m?.state === 'tripped';
    return html`<div class="head"><h3>${t('hl_title')}</h3>
        <button @click=${() => this.load()} ?disabled=${this.loading}>${t('adm_refresh')}</button></div>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${!m
        ? html`<p class="muted" role="status">${t('adm_loading')}</p>`
        : html`<dl aria-busy=${this.loading ? 'true' : 'false'}>
            <div><dt>${t('hl_calls')}</dt><dd data-metric="calls">${m.calls}</dd></div>
            <div><dt>${t('hl_errors')}</dt><dd data-metric="errors">${m.errors}</dd></div>
            <div><dt>${t('hl_errorRate')}</dt><dd>${m.calls ? `${((m.errors / m.calls) * 100).toFixed(1)}%` : '—'}</dd></div>
            <div class="wide"><dt>${t('hl_latency')}</dt><dd data-metric="latency">${ms(m.latencyMs.p50)} / ${ms(m.latencyMs.p95)} / ${ms(m.latencyMs.p99)}</dd></div>
            <div><dt>${t('hl_memory')}</dt><dd data-metric="memory">${formatBytes(m.memoryBytes)}</dd></div>
            <div><dt>${t('hl_breaker')}</dt><dd data-metric="breaker">${this.quarantined
              ? html`<span class="badge block" data-quarantined>${t('hl_quarantined')}</span>`
              : html`<span class="badge ${tripped ? 'block' : 'ok'}">${tripped ? t('hl_breakerOpen') : t('hl_breakerClosed')}</span>`}</dd></div>
          </dl>
          ${this.quarantined ? html`<p class="error" data-quarantine-note>${t('hl_quarantinedNote')}</p>` : nothing}
          ${m.consecutiveFaults ? html`<p class="muted">${t('hl_consecutive', { n: m.consecutiveFaults })}</p>` : nothing}
          ${m.lastFault ? html`<p class="muted">${t('hl_lastFault', { fault: m.lastFault })}</p>` : nothing}
          ${Object.keys(m.faultsByCode).length
            ? html`<p class="muted">${t('hl_byCode')}${t('adm_colon')}${Object.entries(m.faultsByCode).map(([c, n]) => `${c} × ${n}`).join(t('adm_sep'))}</p>`
            : nothing}
          <p class="muted">${t('hl_scope')}</p>
          ${m.quotas
            ? html`<section class="quotas" aria-label=${t('qt_title')}><h3>${t('qt_title')}</h3>
                <ub-quota-bars .figures=${m.quotas}></ub-quota-bars>
                <p class="muted">${t('qt_scope')}</p></section>`
            : nothing}`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-plugin-health': UbPluginHealth }
}
