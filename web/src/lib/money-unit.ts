import { html, type TemplateResult } from 'lit';
import { t } from './i18n.js';

/** The units money is shown in: 元 on cards and tables, 万元 where a report states it. */
export type MoneyUnit = 'yuan' | 'wan';

/** The words of a unit caption (单位：元 / 单位：万元), for a text or an export's title block. */
export const moneyUnitText = (unit: MoneyUnit = 'yuan'): string => t(unit === 'wan' ? 'fm_unitWan' : 'dl_unitYuan');

/**
 * The one caption saying what unit the amounts of a card or table are in (单位：元), placed beside its
 * heading or above the table; every money display uses it rather than its own string.
 */
export function moneyUnit(unit: MoneyUnit = 'yuan'): TemplateResult {
  return html`<span class="money-unit" data-money-unit=${unit} style="font-size: 12px; font-weight: normal; color: #667085; white-space: nowrap">${moneyUnitText(unit)}</span>`;
}
