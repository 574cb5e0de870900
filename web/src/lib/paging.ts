import { html, nothing, type ReactiveController, type ReactiveControllerHost } from 'lit';
import { t } from './i18n.js';
import { setUrlParams, urlInt, urlParam } from './url-state.js';

/**
 * Search and pages for a list a page renders itself (我的申请, 审批待办): the page keeps its own table
 * and asks `view(rows)` for the rows to show; `search()` and `nav()` render the controls. Long lists
 * stay short on screen, and a phone never scrolls through hundreds of rows.
 */
export class ListPager<R> implements ReactiveController {
  page = 0;
  query = '';
  private total = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The text a search looks in (document number, purpose, payee …). */
    private readonly text: (row: R) => string,
    readonly size = 20,
    /** Tells two lists on one page apart (their controls' labels). */
    private readonly name = '',
  ) {
    host.addController(this);
  }

  hostConnected(): void {}

  /** The rows of the current page among those matching the search. */
  view(rows: R[]): R[] {
    const q = this.query.trim().toLowerCase();
    const matching = q ? rows.filter((r) => this.text(r).toLowerCase().includes(q)) : rows;
    this.total = matching.length;
    const pages = Math.max(1, Math.ceil(this.total / this.size));
    if (this.page >= pages) this.page = pages - 1;
    return matching.slice(this.page * this.size, (this.page + 1) * this.size);
  }

  get pages(): number {
    return Math.max(1, Math.ceil(this.total / this.size));
  }

  private go(page: number) {
    this.page = page;
    this.host.requestUpdate();
  }

  search() {
    const label = this.name ? `${t('dl_searchList')}${t('paren', { x: this.name })}` : t('dl_searchList');
    return html`<input type="search" class="list-search" aria-label=${label} placeholder=${t('dl_searchList')} maxlength="100"
      style="margin: 0 0 6px; max-width: 280px; width: 100%" .value=${this.query}
      @input=${(e: Event) => { this.query = (e.target as HTMLInputElement).value; this.go(0); }} />`;
  }

  /** Render after view(): it needs the count view() found. */
  nav() {
    if (this.total <= this.size) return nothing;
    const from = this.page * this.size + 1;
    const to = Math.min(this.total, from + this.size - 1);
    return html`<nav class="list-pager" aria-label=${this.name ? `${t('dl_pager')}${t('paren', { x: this.name })}` : t('dl_pager')}
        style="display: flex; gap: 8px; align-items: center; justify-content: flex-end; flex-wrap: wrap; margin-top: 6px">
      <span class="muted">${t('dl_rangeOf', { from, to, n: this.total })}</span>
      <button class="prev" ?disabled=${this.page === 0} @click=${() => this.go(this.page - 1)}>${t('dl_prev')}</button>
      <button class="next" ?disabled=${this.page >= this.pages - 1} @click=${() => this.go(this.page + 1)}>${t('dl_next')}</button>
    </nav>`;
  }
}

/** A paged answer of a list route asked with `page` (core/http/paging.ts). */
export interface Page<R> { items: R[]; total: number; page: number; pageSize: number }

/**
 * The same controls over a list the server pages and searches (审批待办, 我的申请: `page`, `pageSize`, `q`):
 * the page asks `params()` for its request and hands the answer to `took()`. The page and the search live
 * in the address (`<prefix>page`, `<prefix>q`), so reload, Back and a copied link show the same rows.
 * A search waits for typing to pause before it asks the server.
 */
export class ServerPager implements ReactiveController {
  page = 1;
  query = '';
  total = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** Loads the current page (the page's own load). */
    private readonly reload: () => unknown,
    readonly size = 20,
    private readonly name = '',
    /** Tells two lists on one page apart in the address. */
    private readonly prefix = '',
  ) {
    host.addController(this);
    this.page = urlInt(`${prefix}page`, 1, 1, 1_000_000);
    this.query = urlParam(`${prefix}q`).slice(0, 100);
  }

  hostConnected(): void {}

  hostDisconnected(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The query of the current page. */
  params(): { page: number; pageSize: number; q?: string } {
    const q = this.query.trim();
    return { page: this.page, pageSize: this.size, ...(q ? { q } : {}) };
  }

  /**
   * Takes a page's answer; a page beyond the last (rows gone since) moves to the last one and asks again.
   * A plain array (a server from before paging) is paged here, unsearched.
   */
  took<R>(answer: Page<R> | R[]): R[] {
    if (Array.isArray(answer)) {
      this.total = answer.length;
      if (this.page > this.pages) this.page = this.pages;
      return answer.slice((this.page - 1) * this.size, this.page * this.size);
    }
    this.total = answer.total;
    if (answer.items.length === 0 && this.page > this.pages) {
      this.go(this.pages);
      return answer.items;
    }
    return answer.items;
  }

  get pages(): number {
    return Math.max(1, Math.ceil(this.total / this.size));
  }

  private keep() {
    setUrlParams({ [`${this.prefix}page`]: this.page > 1 ? this.page : null, [`${this.prefix}q`]: this.query.trim() || null });
  }

  go(page: number) {
    this.page = Math.max(1, page);
    this.keep();
    this.host.requestUpdate();
    void this.reload();
  }

  search() {
    const label = this.name ? `${t('dl_searchList')}${t('paren', { x: this.name })}` : t('dl_searchList');
    return html`<input type="search" class="list-search" aria-label=${label} placeholder=${t('dl_searchList')} maxlength="100"
      style="margin: 0 0 6px; max-width: 280px; width: 100%" .value=${this.query}
      @input=${(e: Event) => {
        this.query = (e.target as HTMLInputElement).value;
        if (this.timer) clearTimeout(this.timer);
        this.timer = setTimeout(() => { this.timer = undefined; this.go(1); }, 250);
      }} />`;
  }

  nav() {
    if (this.total <= this.size && this.page <= 1) return nothing;
    const from = Math.min(this.total, (this.page - 1) * this.size + 1);
    const to = Math.min(this.total, this.page * this.size);
    return html`<nav class="list-pager" aria-label=${this.name ? `${t('dl_pager')}${t('paren', { x: this.name })}` : t('dl_pager')}
        style="display: flex; gap: 8px; align-items: center; justify-content: flex-end; flex-wrap: wrap; margin-top: 6px">
      <span class="muted">${t('dl_rangeOf', { from, to, n: this.total })}</span>
      <button class="prev" ?disabled=${this.page <= 1} @click=${() => this.go(this.page - 1)}>${t('dl_prev')}</button>
      <button class="next" ?disabled=${this.page >= this.pages} @click=${() => this.go(this.page + 1)}>${t('dl_next')}</button>
    </nav>`;
  }
}
