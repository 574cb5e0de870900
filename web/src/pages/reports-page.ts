import { html, css, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { get, qs } from '../lib/api.js';
import { lang, t, type MessageKey } from '../lib/i18n.js';
import { formatFen, moneyUnit } from '../lib/money.js';
import { cellText, checksPanel, printedTable, TOTAL_LINE, unitWord, type ChecksView, type PrintTable } from '../lib/report-format.js';
import './deviation-explain.js';
import type { ExplainTarget } from './deviation-explain.js';
export { cellText, formatIn, formatRatio, headerRows, rowKey, type CheckCell, type CheckFailure, type ChecksView, type PrintColumn, type PrintTable } from '../lib/report-format.js';
import type { Column } from '../components/data-table.js';
import type { FiscalYear, JournalEntry, JournalLine, ReportTable, ReportView, TrialBalance, TrialBalanceRow, YearEndView } from '../lib/types.js';
import '../components/data-table.js';
import { when } from '../lib/time.js';
import { scrollHint } from '../lib/scroll-hint.js';
import { setUrlParams, urlChoice, urlInt, urlParam } from '../lib/url-state.js';

import { exportNaming, JOURNAL_PAGE, reportQuery, type ExportTab, SERVER_REPORTS, STATUTORY, TABS, type ReportTab } from '../lib/report-query.js';
export { reportQuery, TABS, type ReportTab } from '../lib/report-query.js';
interface FlatLine extends JournalLine { entry: JournalEntry }

/**
 * 报表中心: 预算执行情况表, 预算公开表, 部门决算 (JSON shown here, xlsx/CSV straight from the API),
 * 试算平衡表 and 序时账 (exported from the visible table), and the year-end status (结转/结余 preview).
 * Reading needs report.read: finance, leaders, auditors, supervising units (consolidated).
 */
@customElement('ub-reports-page')
export class UbReportsPage extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; }
    [role='tablist'] { display: flex; gap: 4px; border-bottom: 1px solid #dde3ea; margin-bottom: 12px; flex-wrap: wrap; }
    [role='tab'] { border: 1px solid transparent; border-bottom: 0; border-radius: 4px 4px 0 0; background: none; padding: 8px 14px; margin-bottom: -1px; color: #3d4a5c; }
    [role='tab'][aria-selected='true'] { background: #fff; border-color: #dde3ea; color: #14365f; font-weight: 600; }
    .bar { display: flex; gap: 12px; align-items: flex-end; flex-wrap: wrap; margin-bottom: 10px; }
    a.dl { display: inline-flex; align-items: center; border: 1px solid #1d5fbf; color: #1d5fbf; border-radius: 4px; padding: 6px 12px; min-height: 34px; text-decoration: none; }
    a.dl.primary { background: #1d5fbf; color: #fff; }
    .tables section { margin-bottom: 18px; }
    .tables h2 { display: flex; justify-content: space-between; align-items: baseline; }
    .tables h2 small { font-weight: normal; color: #667085; font-size: 12px; }
    .wrap { overflow: auto; max-height: 460px; border: 1px solid #dde3ea; border-radius: 6px; }
    tr.total td { font-weight: 600; background: #f5f7fa; }
    .sum { display: flex; gap: 10px; flex-wrap: wrap; margin-bottom: 10px; }
    .sum .card { padding: 8px 14px; min-width: 150px; }
    .sum .v { font-weight: 600; text-align: right; font-variant-numeric: tabular-nums; }
    .picker select { max-width: 100%; }
    .checks { border: 1px solid #dde3ea; border-radius: 6px; padding: 8px 12px; margin-bottom: 12px; background: #fff; }
    .checks h2 { font-size: 15px; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 0 0 6px; }
    .failures { margin: 6px 0 0; padding-left: 20px; max-height: 260px; overflow: auto; }
    .failures > li { margin-bottom: 6px; overflow-wrap: anywhere; }
    .failures .cells { margin: 2px 0; padding-left: 16px; color: #3d4a5c; font-size: 12px; }
    button.link { background: none; border: 0; color: #1d5fbf; padding: 0 4px; text-decoration: underline; min-height: auto; }
    .print .ptitle { justify-content: center; text-align: center; font-size: 18px; }
    .pmeta { display: flex; justify-content: space-between; gap: 8px; flex-wrap: wrap; font-size: 13px; margin-bottom: 4px; }
    .ptable th, .ptable td { border: 1px solid #c9d2dc; }
    .ptable th { text-align: center; background: #f5f7fa; }
    .ptable td.l-款 { padding-left: 1.5em; }
    .ptable td.l-项 { padding-left: 3em; }
    .ptable tr[data-level='类'] td { font-weight: 600; }
    .ptable td.bad { outline: 2px solid #c0392b; outline-offset: -2px; background: #fdecea; }
    .ptable tr.note td { text-align: center; color: #667085; }
  `];

  // The tab and its filters live in the address (lib/url-state.ts): reload and a shared link show the same report.
  @state() tab: ReportTab = urlChoice('tab', TABS, 'execution');
  @state() years: number[] = [];
  @state() year = urlInt('year', new Date().getFullYear(), 2000, 2100);
  @state() month = urlInt('month', urlParam('year') && urlInt('year', 0) !== new Date().getFullYear() ? 12 : new Date().getMonth() + 1, 0, 12);
  @state() basis: 'budget' | 'actual' = urlChoice('basis', ['budget', 'actual'] as const, 'budget');
  @state() track: 'budgetary' | 'financial' = urlChoice('track', ['budgetary', 'financial'] as const, 'budgetary');
  @state() consolidated = urlParam('consolidated') === 'true';
  @state() report: ReportView | null = null;
  /** The statutory table shown (disclosure, final accounts); '' = the first of the set. */
  @state() tableId = /^[a-z_]{1,40}$/.test(urlParam('table')) ? urlParam('table') : '';
  /** The month came from the address: the year's default month does not replace it. */
  private monthFromUrl = urlParam('month') !== '';
  @state() checks: ChecksView | null = null;
  @state() checksError = false;
  @state() explaining: ExplainTarget | null = null; // the 决算 deviation whose 差异说明 is being written
  @state() explainedNote = false;
  @state() trial: TrialBalance | null = null;
  @state() journal: JournalEntry[] = [];
  @state() journalMore = false;
  @state() yearEnd: YearEndView | null = null;
  @state() loading = false;
  @state() error = '';
  private seq = 0;

  protected override unitChanged(): void {
    void this.init();
  }

  private async init() {
    try {
      const fys = await get<FiscalYear[]>(`/api/units/${this.ctx.unitId}/fiscal-years`);
      this.years = fys.map((f) => f.year).sort((a, b) => b - a);
      const now = new Date().getFullYear();
      if (this.years.length && !this.years.includes(this.year)) this.year = this.years.includes(now) ? now : this.years[0]!;
    } catch {
      this.years = [this.year];
    }
    if (this.year !== new Date().getFullYear() && !this.monthFromUrl) this.month = 12;
    // The execution report has no whole-year choice: an address saying month 0 shows December.
    if (this.tab === 'execution' && this.month === 0) this.month = 12;
    await this.load();
  }

  override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    if (['tab', 'year', 'month', 'basis', 'track', 'consolidated', 'tableId'].some((k) => changed.has(k as keyof this))) {
      setUrlParams({
        tab: this.tab === 'execution' ? null : this.tab, year: this.year, month: this.month, basis: this.basis === 'budget' ? null : this.basis,
        track: this.track === 'budgetary' ? null : this.track, consolidated: this.consolidated, table: this.tableId,
      });
    }
  }

  get params() {
    return { year: this.year, month: this.month, basis: this.basis, track: this.track, consolidated: this.consolidated };
  }

  /** The API address of a tab's data, or of its download when format is given (`table`: one table of the set). */
  url(tab: ReportTab, format?: 'xlsx' | 'csv', table?: string): string {
    const u = `/api/units/${this.ctx.unitId}`;
    const q = reportQuery(tab, this.params);
    switch (tab) {
      case 'trial': return `${u}/trial-balance${qs(q)}`;
      case 'journal': return `${u}/journal${qs(q)}`;
      case 'yearend': return `${u}/year-end${qs(q)}`;
      // A download is opened by a link, which carries the browser's Accept-Language, not the app's.
      default: return `${u}/${SERVER_REPORTS[tab]}${qs({ ...q, format, table, lang: format && lang() === 'en' ? 'en' : undefined })}`;
    }
  }

  /** The checks of a statutory set (预算公开, 决算), same query as the set. */
  checksUrl(tab: ReportTab): string | null {
    const path = STATUTORY[tab];
    return path ? `/api/units/${this.ctx.unitId}/${path}${qs(reportQuery(tab, this.params))}` : null;
  }

  private async loadChecks(seq: number, tab: ReportTab) {
    const url = this.checksUrl(tab);
    this.checks = null;
    this.checksError = false;
    if (!url) return;
    try {
      const r = await get<ChecksView>(url);
      if (seq === this.seq) this.checks = r;
    } catch {
      if (seq === this.seq) this.checksError = true;
    }
  }

  async load() {
    const seq = ++this.seq;
    const tab = this.tab;
    this.loading = true;
    this.error = '';
    this.explaining = null;
    this.explainedNote = false;
    try {
      if (SERVER_REPORTS[tab]) {
        const checks = this.loadChecks(seq, tab);
        const r = await get<ReportView>(this.url(tab));
        if (seq === this.seq) this.report = r;
        await checks;
      } else if (tab === 'trial') {
        const r = await get<TrialBalance>(this.url(tab));
        if (seq === this.seq) this.trial = r;
      } else if (tab === 'journal') {
        const r = await get<JournalEntry[]>(this.url(tab));
        if (seq === this.seq) {
          this.journal = r;
          this.journalMore = r.length === JOURNAL_PAGE;
        }
      } else {
        const r = await get<YearEndView>(this.url(tab));
        if (seq === this.seq) this.yearEnd = r;
      }
    } catch (e) {
      if (seq === this.seq) this.error = (e as Error).message;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  async moreJournal() {
    const r = await get<JournalEntry[]>(`${this.url('journal')}&offset=${this.journal.length}`).catch((e: Error) => ((this.error = e.message), []));
    this.journal = [...this.journal, ...r];
    this.journalMore = r.length === JOURNAL_PAGE;
  }

  select(tab: ReportTab) {
    if (tab === this.tab) return;
    this.tab = tab;
    this.report = null;
    this.tableId = '';
    void this.load();
  }

  private set<K extends 'year' | 'month' | 'basis' | 'track' | 'consolidated'>(k: K, v: this[K]) {
    this[k] = v;
    void this.load();
  }

  private onTabKey(e: KeyboardEvent) {
    const i = TABS.indexOf(this.tab);
    const next = e.key === 'ArrowRight' ? i + 1 : e.key === 'ArrowLeft' ? i - 1 : e.key === 'Home' ? 0 : e.key === 'End' ? TABS.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    this.select(TABS[(next + TABS.length) % TABS.length]!);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>(`[role=tab][aria-selected=true]`)?.focus());
  }

  private renderControls() {
    const tab = this.tab;
    const monthPicker = tab === 'execution' || tab === 'trial' || tab === 'journal';
    const server = SERVER_REPORTS[tab];
    return html`<div class="bar">
      <label class="field">${t('year')}
        <select name="year" @change=${(e: Event) => this.set('year', Number((e.target as HTMLSelectElement).value))}>
          ${(this.years.length ? this.years : [this.year]).map((y) => html`<option value=${y} ?selected=${y === this.year}>${y}</option>`)}
        </select></label>
      ${monthPicker
        ? html`<label class="field">${t('month')}
            <select name="month" @change=${(e: Event) => this.set('month', Number((e.target as HTMLSelectElement).value))}>
              ${tab !== 'execution' ? html`<option value="0" ?selected=${this.month === 0}>${t('rep_whole_year')}</option>` : ''}
              ${Array.from({ length: 12 }, (_, i) => i + 1).map((m) => html`<option value=${m} ?selected=${m === this.month}>${t('rep_month_n', { m })}</option>`)}
            </select></label>`
        : ''}
      ${tab === 'disclosure'
        ? html`<label class="field">${t('rep_basis')}
            <select name="basis" @change=${(e: Event) => this.set('basis', (e.target as HTMLSelectElement).value as 'budget' | 'actual')}>
              <option value="budget" ?selected=${this.basis === 'budget'}>${t('rep_basis_budget')}</option>
              <option value="actual" ?selected=${this.basis === 'actual'}>${t('rep_basis_actual')}</option>
            </select></label>`
        : ''}
      ${tab === 'trial' || tab === 'journal'
        ? html`<label class="field">${t('rep_track')}
            <select name="track" @change=${(e: Event) => this.set('track', (e.target as HTMLSelectElement).value as 'budgetary' | 'financial')}>
              <option value="budgetary" ?selected=${this.track === 'budgetary'}>${t('rep_track_budgetary')}</option>
              <option value="financial" ?selected=${this.track === 'financial'}>${t('rep_track_financial')}</option>
            </select></label>`
        : ''}
      ${tab !== 'journal' && tab !== 'yearend'
        ? html`<label class="check"><input type="checkbox" name="consolidated" .checked=${this.consolidated}
            @change=${(e: Event) => this.set('consolidated', (e.target as HTMLInputElement).checked)} />${t('rep_consolidated')}</label>`
        : ''}
      <span class="grow"></span>
      ${this.loading ? html`<span class="muted" role="status">${t('loading')}</span>` : ''}
      ${server
        ? html`<a class="dl primary" href=${this.url(tab, 'xlsx')} download>${t(STATUTORY[tab] ? 'rep_download_set_xlsx' : 'rep_download_xlsx')}</a>
            <a class="dl" href=${this.url(tab, 'csv')} download>${t('rep_download_csv')}</a>`
        : ''}
    </div>
    ${STATUTORY[tab] && this.report ? this.renderTablePicker(this.report) : ''}`;
  }

  /** The selected table of a statutory set, or the first. */
  get selectedTable(): PrintTable | null {
    const tables = (this.report?.tables ?? []) as PrintTable[];
    return tables.find((x) => x.id === this.tableId) ?? tables[0] ?? null;
  }

  private renderTablePicker(r: ReportView) {
    const tables = r.tables as PrintTable[];
    const selected = this.selectedTable;
    const standard = tables.filter((x) => !x.supplementary);
    const extra = tables.filter((x) => x.supplementary);
    const option = (x: PrintTable, n: number | null) => html`<option value=${x.id} ?selected=${x.id === selected?.id}>${n !== null ? `${n}. ` : ''}${x.title}${this.failingTables.has(x.id) ? ' ⚠' : ''}</option>`;
    return html`<div class="bar picker">
      <label class="field grow">${t('rep_table')}
        <select name="table" @change=${(e: Event) => (this.tableId = (e.target as HTMLSelectElement).value)}>
          ${standard.map((x, i) => option(x, i + 1))}
          ${extra.length ? html`<optgroup label=${t('rep_supplementary')}>${extra.map((x) => option(x, null))}</optgroup>` : ''}
        </select></label>
      ${selected
        ? html`<a class="dl" data-scope="table" href=${this.url(this.tab, 'xlsx', selected.id)} download>${t('rep_download_table_xlsx')}</a>
            <a class="dl" data-scope="table" href=${this.url(this.tab, 'csv', selected.id)} download>${t('rep_download_table_csv')}</a>`
        : ''}
    </div>`;
  }

  /** 填写说明: finance officers of the unit itself, on its own (not consolidated) 决算. */
  get canExplain(): boolean {
    return this.tab === 'final' && !this.consolidated && !this.ctx.readOnly && this.ctx.roles.includes('finance_officer');
  }
  private explained = async () => ((this.explaining = null), (this.explainedNote = true), await this.loadChecks(this.seq, this.tab));

  /** Tables with at least one failing cell. */
  get failingTables(): Set<string> {
    return new Set((this.checks?.failures ?? []).flatMap((f) => f.cells.map((c) => c.table)));
  }

  private renderReport(r: ReportView) {
    if (STATUTORY[this.tab]) {
      const selected = this.selectedTable;
      const explain = this.canExplain ? (target: ExplainTarget) => ((this.explaining = target), (this.explainedNote = false)) : undefined;
      return html`<p class="muted">${r.title}</p>${checksPanel(r, this.checks, this.checksError, (id) => (this.tableId = id), explain)}
        ${this.explaining ? html`<ub-deviation-explain .unitId=${this.ctx.unitId} .year=${this.year} .target=${this.explaining}
          @cancel=${() => (this.explaining = null)} @saved=${this.explained}></ub-deviation-explain>` : ''}
        ${this.explainedNote ? html`<p class="notice ok" role="status">${t('rep_explain_saved')}</p>` : ''}
        ${selected ? printedTable(selected, r, this.checks) : ''}`;
    }
    return html`<p class="muted">${r.title} · ${t('rep_compiled_by')}${r.unitName}${r.consolidated ? html` · ${t('rep_consolidated_units', { n: r.units.length })}` : ''}</p>
      <div class="tables">${r.tables.map((tb) => this.renderTable(tb))}</div>`;
  }

  renderTable(tb: ReportTable): TemplateResult {
    return html`<section aria-labelledby="t-${tb.id}" data-table=${tb.id}>
      <h2 id="t-${tb.id}">${tb.title} <small>${t('rep_unit_label', { u: unitWord(tb.unitLabel) })}</small></h2>
      <div class="wrap" ${scrollHint()}><table>
        <thead><tr>${tb.columns.map((c) => html`<th scope="col" class=${c.kind === 'text' ? '' : 'num'}>${c.header}</th>`)}</tr></thead>
        <tbody>
          ${tb.rows.length === 0 ? html`<tr><td colspan=${tb.columns.length} class="muted">${t('none')}</td></tr>` : ''}
          ${tb.rows.map((row) => html`<tr class=${TOTAL_LINE.test(String(row['name'] ?? '')) ? 'total' : ''}>
            ${tb.columns.map((c) => html`<td class=${c.kind === 'text' ? (c.key === 'name' ? '' : 'nowrap') : 'num'}>${cellText(c, row[c.key] ?? null, tb.unitLabel)}</td>`)}
          </tr>`)}
        </tbody>
      </table></div>
    </section>`;
  }

  private renderTrial(tb: TrialBalance) {
    const m = (key: keyof TrialBalanceRow, label: MessageKey): Column<TrialBalanceRow> => ({ key, label: t(label), money: true, value: (r) => r[key] as number });
    const cols: Column<TrialBalanceRow>[] = [
      { key: 'accountCode', label: t('rep_account_code'), nowrap: true, value: (r) => r.accountCode },
      { key: 'accountName', label: t('rep_account_name'), value: (r) => r.accountName },
      m('openingDebit', 'rep_opening_debit'), m('openingCredit', 'rep_opening_credit'),
      m('periodDebit', 'rep_period_debit'), m('periodCredit', 'rep_period_credit'),
      m('closingDebit', 'rep_closing_debit'), m('closingCredit', 'rep_closing_credit'),
    ];
    return html`<p role="status"><span class="badge ${tb.balanced ? 'ok' : 'block'}">${tb.balanced ? t('rep_balanced') : t('rep_unbalanced')}</span>
        <span class="muted">${t(this.track === 'budgetary' ? 'rep_track_budgetary' : 'rep_track_financial')} · ${tb.year}${tb.month ? ` · ${t('rep_month_n', { m: tb.month })}` : ''}</span></p>
      <ub-data-table .columns=${cols} .rows=${tb.accounts} totals caption=${t('rep_tab_trial')}
        export-name=${this.exportOf('rep_tab_trial', tb.year, tb.month).fileName} .exportHeading=${this.exportOf('rep_tab_trial', tb.year, tb.month).heading}></ub-data-table>`;
  }

  private renderJournal() {
    const lines: FlatLine[] = this.journal.flatMap((e) => e.lines.map((l) => ({ ...l, entry: e })));
    const cols: Column<FlatLine>[] = [
      { key: 'date', label: t('date'), nowrap: true, value: (l) => l.entry.date },
      { key: 'voucher', label: t('rep_voucher'), nowrap: true, keep: true, value: (l) => l.entry.voucherNo },
      { key: 'summary', label: t('summary'), value: (l) => (l.lineNo === 1 ? l.entry.summary : '') },
      { key: 'account', label: t('rep_account'), value: (l) => `${l.accountCode} ${l.accountName}` },
      { key: 'debit', label: t('rep_debit'), money: true, keep: true, value: (l) => l.debit },
      { key: 'credit', label: t('rep_credit'), money: true, keep: true, value: (l) => l.credit },
    ];
    return html`<ub-data-table .columns=${cols} .rows=${lines} totals page-size="50" searchable caption=${t('rep_tab_journal')}
        export-name=${this.exportOf('rep_tab_journal', this.year, this.month).fileName} .exportHeading=${this.exportOf('rep_tab_journal', this.year, this.month).heading}></ub-data-table>
      ${this.journalMore ? html`<p><button @click=${this.moreJournal}>${t('rep_more', { n: this.journal.length })}</button></p>` : ''}`;
  }

  private renderYearEnd(y: YearEndView) {
    const box = (label: MessageKey, v: number) => html`<div class="card"><div class="muted">${t(label)}</div><div class="v">${formatFen(v)}</div></div>`;
    return html`<p role="status">${y.alreadyRun
        ? html`<span class="badge ok">${t('rep_ye_done', { y: y.year, at: when(y.runAt) })}</span>`
        : html`<span class="badge pending">${t('rep_ye_pending', { y: y.year })}</span>`}
        <span class="muted">${t('rep_ye_note', { next: y.nextYear })}</span></p>
      <p style="text-align: right; margin: 0">${moneyUnit()}</p><div class="sum">${box('budgetAmount', y.totals.amount)}${box('paid', y.totals.paid)}${box('rep_ye_unspent', y.totals.unspent)}${box('rep_ye_carried', y.totals.carried)}${box('rep_ye_surplus', y.totals.surplus)}</div>
      <ub-data-table .rows=${y.items} totals caption=${t('rep_tab_yearend')} export-name=${this.exportOf('rep_tab_yearend', y.year, 0).fileName} .exportHeading=${this.exportOf('rep_tab_yearend', y.year, 0).heading} .columns=${[
        { key: 'code', label: t('indicatorCode'), nowrap: true, value: (r: YearEndView['items'][number]) => r.code },
        { key: 'name', label: t('indicatorName'), value: (r: YearEndView['items'][number]) => r.name },
        { key: 'amount', label: t('budgetAmount'), money: true, value: (r: YearEndView['items'][number]) => r.amount },
        { key: 'paid', label: t('paid'), money: true, value: (r: YearEndView['items'][number]) => r.paid },
        { key: 'unspent', label: t('rep_ye_unspent'), money: true, value: (r: YearEndView['items'][number]) => r.unspent },
        { key: 'decision', label: t('rep_ye_decision'), nowrap: true, value: (r: YearEndView['items'][number]) => t(`rep_ye_${r.decision}` as MessageKey) },
        { key: 'rule', label: t('rep_ye_rule'), value: (r: YearEndView['items'][number]) => r.rule },
      ] satisfies Column<YearEndView['items'][number]>[]}></ub-data-table>`;
  }

  /** The export of a table the page renders itself: its file name and title block (report-query.ts). */
  private exportOf(tab: ExportTab, year: number, month: number | null) {
    return exportNaming(tab, { unitName: this.ctx.unitName, track: this.track, year, month });
  }

  private renderBody() {
    if (SERVER_REPORTS[this.tab]) return this.report ? this.renderReport(this.report) : '';
    if (this.tab === 'trial') return this.trial ? this.renderTrial(this.trial) : '';
    if (this.tab === 'journal') return this.renderJournal();
    return this.yearEnd ? this.renderYearEnd(this.yearEnd) : '';
  }

  override render() {
    return html`<h1>${t('rep_title')}</h1>
      <div role="tablist" aria-label=${t('rep_title')} @keydown=${this.onTabKey}>
        ${TABS.map((id) => html`<button role="tab" id="tab-${id}" aria-selected=${this.tab === id ? 'true' : 'false'} aria-controls="panel"
          tabindex=${this.tab === id ? '0' : '-1'} @click=${() => this.select(id)}>${t(`rep_tab_${id}` as MessageKey)}</button>`)}
      </div>
      <div id="panel" role="tabpanel" aria-labelledby="tab-${this.tab}">
        ${this.renderControls()}
        ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : ''}
        ${this.renderBody()}
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-reports-page': UbReportsPage }
}
