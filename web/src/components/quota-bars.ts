import { html, css, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { styleMap } from 'lit/directives/style-map.js';
import { UbElement, shared } from '../lib/base.js';
import { t, type MessageKey } from '../lib/i18n.js';
import { formatBytes, groupDigits } from '../lib/bytes.js';
import type { QuotaFigures, QuotaKind } from '../lib/types.js';

export const QUOTA_KINDS: readonly QuotaKind[] = ['storageBytes', 'storageDocs', 'logEntries', 'notificationsPerHour'];

/** A quota's figure as shown: storage in B, KB, MB or GB with one decimal, counts with digit grouping. */
export const quotaAmount = (kind: QuotaKind, n: number): string => (kind === 'storageBytes' ? formatBytes(n) : groupDigits(String(Math.trunc(n))));

/** How full a quota is: 'full' at 100 % (a limit of 0 is full), 'near' from 90 %. */
export function quotaLevel(used: number, limit: number): 'full' | 'near' | 'ok' {
  if (limit <= 0 || used >= limit) return 'full';
  return used / limit >= 0.9 ? 'near' : 'ok';
}

/** One bar per quota of a plugin in a unit: used / limit, with a badge at ≥ 90 % and when used up. */
@customElement('ub-quota-bars')
export class UbQuotaBars extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    ul { list-style: none; margin: 6px 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 10px; }
    li { background: #f5f7fa; border-radius: 6px; padding: 8px 10px; min-width: 0; }
    .label { display: flex; gap: 6px; align-items: baseline; flex-wrap: wrap; font-size: 12px; color: #667085; }
    .figure { font-size: 14px; font-weight: 600; font-variant-numeric: tabular-nums; margin: 2px 0 4px; overflow-wrap: anywhere; }
    .bar { height: 8px; border-radius: 4px; background: #dde3ea; overflow: hidden; }
    .bar span { display: block; height: 100%; background: #1d5fbf; }
    li[data-level='near'] .bar span { background: #d97706; }
    li[data-level='full'] .bar span { background: #b42318; }
  `];

  @property({ attribute: false }) figures: QuotaFigures | null = null;

  override render() {
    const f = this.figures;
    if (!f) return nothing;
    return html`<ul>${QUOTA_KINDS.map((kind) => {
      const { used, limit } = f[kind];
      const level = quotaLevel(used, limit);
      const pct = limit > 0 ? Math.min(100, (used / limit) * 100) : 100;
      const label = t(`qt_${kind}` as MessageKey);
      return html`<li data-quota=${kind} data-level=${level}>
        <div class="label">${label}
          ${level === 'full'
            ? html`<span class="badge block" data-badge="full">${t('qt_full')}</span>`
            : level === 'near' ? html`<span class="badge warn" data-badge="near">${t('qt_near')}</span>` : nothing}</div>
        <div class="figure" data-figure>${quotaAmount(kind, used)} / ${quotaAmount(kind, limit)}</div>
        <div class="bar" role="progressbar" aria-label=${label} aria-valuemin="0" aria-valuemax="100" aria-valuenow=${Math.round(pct)}
          aria-valuetext=${`${quotaAmount(kind, used)} / ${quotaAmount(kind, limit)}`}><span style=${styleMap({ width: `${pct}%` })}></span></div>
      </li>`;
    })}</ul>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-quota-bars': UbQuotaBars }
}
