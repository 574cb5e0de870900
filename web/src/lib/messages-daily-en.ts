import type { zhDaily } from './messages-daily-zh.js';

/** English messages of the daily-work fixes (merged into the main table by messages-en.ts). */
export const enDaily: Record<keyof typeof zhDaily, string> = {
  dl_menu: 'Menu',
  dl_menuClose: 'Close menu',
  dl_page: 'Page {page} of {pages}',
  dl_prev: 'Previous',
  dl_next: 'Next',
  dl_pager: 'Pages',
  dl_rangeOf: '{from}–{to} of {n}',
  dl_searchList: 'Search the list',
  dl_more: 'Details',
  dl_less: 'Less',
  dl_moreOf: 'Show the other columns of “{x}”',
  dl_draftRestored: 'Your unsubmitted draft was restored.',
  dl_draftDiscard: 'Discard draft',
  dl_unitYuan: 'Unit: yuan',
  dl_unitLabel: 'Prepared by: {unit}',
  dl_exportedAt: 'Exported: {at}',
  dl_code: '{x} code',
  dl_name: '{x} name',
  dl_percent: '{x} (%)',
  dl_dashboardExportTitle: 'Budget indicators and their execution, {year}',
  dl_bellSearch: 'Search notifications',
  dl_bellOlder: 'Show older notifications',
};
