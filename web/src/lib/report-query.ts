import { t } from './i18n.js';
/** The reports centre's tabs and the API paths and queries behind them. */
export type ReportTab = 'execution' | 'disclosure' | 'final' | 'trial' | 'journal' | 'yearend';
export const TABS: ReportTab[] = ['execution', 'disclosure', 'final', 'trial', 'journal', 'yearend'];
/** The tabs whose API answers xlsx/CSV itself (`format=`), and their paths. */
export const SERVER_REPORTS: Partial<Record<ReportTab, string>> = { execution: 'reports/execution', disclosure: 'reports/disclosure', final: 'reports/final-accounts' };
export const JOURNAL_PAGE = 200;

/** The query of a tab as the API wants it (format added for downloads). */
export function reportQuery(tab: ReportTab, p: { year: number; month: number; basis: string; track: string; consolidated: boolean }): Record<string, string | number | undefined> {
  const consolidated = p.consolidated ? 'true' : undefined;
  switch (tab) {
    case 'execution': return { year: p.year, month: p.month || undefined, consolidated };
    case 'disclosure': return { year: p.year, basis: p.basis, consolidated };
    case 'final': return { year: p.year, consolidated };
    case 'trial': return { track: p.track, year: p.year, month: p.month || undefined, consolidated };
    case 'journal': return { track: p.track, year: p.year, month: p.month || undefined, limit: JOURNAL_PAGE };
    case 'yearend': return { year: p.year };
  }
}

export const STATUTORY: Partial<Record<ReportTab, string>> = { disclosure: 'reports/disclosure/checks', final: 'reports/final-accounts/checks' };

export type ExportTab = 'rep_tab_trial' | 'rep_tab_journal' | 'rep_tab_yearend';

/**
 * A table exported from the page: 试算平衡表-<单位>-2026-11-预算会计 (whose table, of when, which track)
 * and its title block (the table's name with its period and track, 编制单位, 单位：元).
 */
export function exportNaming(tab: ExportTab, p: { unitName: string; track: string; year: number; month: number | null }) {
  const trackName = tab === 'rep_tab_yearend' ? '' : t(p.track === 'budgetary' ? 'rep_track_budgetary' : 'rep_track_financial');
  const unit = p.unitName.replace(/[\\/:*?"<>|]/g, '_');
  const fileName = `${t(tab)}-${unit}-${p.year}${p.month ? `-${String(p.month).padStart(2, '0')}` : ''}${trackName ? `-${trackName}` : ''}`;
  const period = p.month ? `${p.year}${t('paren', { x: t('rep_month_n', { m: p.month }) })}` : String(p.year);
  return { fileName, heading: { title: `${t(tab)} ${period}${trackName ? ` · ${trackName}` : ''}`, unitName: p.unitName } };
}
