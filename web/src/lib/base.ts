import { LitElement, css, type PropertyValues } from 'lit';
import { property } from 'lit/decorators.js';
import type { UnitContext } from './context.js';
import { lang, onLangChange } from './i18n.js';

/** Every component re-renders when the language changes. */
export class UbElement extends LitElement {
  private offLang?: () => void;
  override connectedCallback(): void {
    super.connectedCallback();
    this.offLang = onLangChange(() => this.requestUpdate());
  }
  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.offLang?.();
  }
}

/**
 * A page that shows one unit's data. app.ts renders pages keyed by unit, so in the app a page sees
 * one unit for its whole life and this loads once when ctx arrives; the key check still reloads an
 * element that is handed another unit (or, via unitKey, another view of it) without being recreated,
 * as nested use and the component tests do.
 */
export abstract class UnitPage extends UbElement {
  @property({ attribute: false }) ctx!: UnitContext;
  private loadedFor = '';

  /**
   * What the loaded data depends on besides the page's own state: the unit, and the language, since
   * the API words labels, report titles, rule names and plugin views in the language asked for.
   */
  protected unitKey(): string {
    return `${this.ctx.unitId}|${lang()}`;
  }

  /** Runs once per unitKey, before the render that first shows it. */
  protected unitChanged(): void {
    void this.load();
  }

  abstract load(): Promise<void>;

  override willUpdate(changed: PropertyValues): void {
    super.willUpdate(changed);
    if (!this.ctx) return;
    const key = this.unitKey();
    if (key !== this.loadedFor) {
      this.loadedFor = key;
      this.unitChanged();
    }
  }
}

export const shared = css`
  :host { box-sizing: border-box; font-size: 14px; }
  *, *::before, *::after { box-sizing: inherit; }
  h1 { font-size: 20px; margin: 0 0 12px; font-weight: 600; }
  h2 { font-size: 16px; margin: 16px 0 8px; font-weight: 600; }
  h3 { font-size: 14px; margin: 12px 0 6px; font-weight: 600; }
  .card { background: #fff; border: 1px solid #dde3ea; border-radius: 6px; padding: 16px; }
  .row { display: flex; gap: 12px; flex-wrap: wrap; align-items: flex-end; }
  .grow { flex: 1 1 auto; }
  label.field { display: flex; flex-direction: column; gap: 4px; font-size: 13px; color: #3d4a5c; }
  input, select, textarea, button { font: inherit; }
  input[type='text'], input[type='password'], input[type='search'], input[type='date'], input[type='number'], input:not([type]), select, textarea {
    border: 1px solid #b9c3cf; border-radius: 4px; padding: 6px 8px; min-height: 34px; background: #fff; color: #1f2733;
  }
  input:focus-visible, select:focus-visible, textarea:focus-visible, button:focus-visible, a:focus-visible, [tabindex]:focus-visible {
    outline: 2px solid #1d5fbf; outline-offset: 1px;
  }
  [aria-invalid='true'] { border-color: #c0392b !important; }
  button { border: 1px solid #b9c3cf; background: #fff; color: #1f2733; border-radius: 4px; padding: 6px 14px; min-height: 34px; cursor: pointer; white-space: nowrap; }
  /* identifiers (plugin ids, hashes) and buttons never break, not even at a hyphen or between two CJK characters */
  :not(pre) > code { white-space: nowrap; }
  a { color: #1d5fbf; }
  a:hover { color: #174d9c; }
  /*
   * A box that scrolls sideways (scrollHint, lib/scroll-hint.ts) fades at the edge where more of it
   * lies, so a phone shows that more columns exist.
   */
  [data-more-right] { -webkit-mask-image: linear-gradient(to right, #000 calc(100% - 48px), rgba(0, 0, 0, 0.2)); mask-image: linear-gradient(to right, #000 calc(100% - 48px), rgba(0, 0, 0, 0.2)); }
  [data-more-left] { -webkit-mask-image: linear-gradient(to left, #000 calc(100% - 48px), rgba(0, 0, 0, 0.2)); mask-image: linear-gradient(to left, #000 calc(100% - 48px), rgba(0, 0, 0, 0.2)); }
  [data-more-left][data-more-right] {
    -webkit-mask-image: linear-gradient(to right, rgba(0, 0, 0, 0.2), #000 48px, #000 calc(100% - 48px), rgba(0, 0, 0, 0.2));
    mask-image: linear-gradient(to right, rgba(0, 0, 0, 0.2), #000 48px, #000 calc(100% - 48px), rgba(0, 0, 0, 0.2));
  }
  button:hover:not(:disabled) { background: #f0f3f7; }
  button.primary { background: #1d5fbf; border-color: #1d5fbf; color: #fff; }
  button.primary:hover:not(:disabled) { background: #174d9c; }
  button.danger { color: #b42318; border-color: #e5b4ae; }
  button:disabled { opacity: 0.55; cursor: not-allowed; }
  .error { color: #b42318; font-size: 13px; }
  .ok { color: #137333; }
  .muted { color: #667085; font-size: 13px; }
  .nowrap, td.date { white-space: nowrap; }
  .num, td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  table { border-collapse: collapse; width: 100%; background: #fff; font-size: 13px; }
  label.check { display: inline-flex; gap: 6px; align-items: center; font-size: 13px; color: #3d4a5c; }
  th, td { border-bottom: 1px solid #e6eaef; padding: 7px 8px; text-align: left; vertical-align: top; }
  th { white-space: nowrap; background: #f5f7fa; font-weight: 600; font-size: 13px; color: #3d4a5c; position: sticky; top: 0; }
  .badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; background: #eef2f6; color: #344054; white-space: nowrap; }
  .badge.pending, .badge.submitted, .badge.resubmitted, .badge.warn { background: #fff4e0; color: #93510a; }
  .badge.approved, .badge.paid, .badge.ok { background: #e3f4e8; color: #137333; }
  .badge.rejected, .badge.block { background: #fde8e6; color: #b42318; }
  .badge.returned { background: #e8f0fd; color: #1d5fbf; }
  .notice { padding: 8px 12px; border-radius: 4px; background: #e3f4e8; color: #0f5c2a; margin: 8px 0; }
  .notice.error { background: #fde8e6; color: #8c1d13; }
  /* left: 0, so that one inside a sideways-scrolling table never sits past the screen's edge and widens the page */
  /* a table wider than a phone scrolls sideways in its own box (with scrollHint), never the page */
  .x-scroll { overflow-x: auto; max-width: 100%; }
  /* on a phone a text column keeps a readable width (the table scrolls instead of squeezing it to two characters a line) */
  @media (max-width: 600px) { .x-scroll > table td:not(.num):not(.date) { min-width: 6.5em; } }
  select { max-width: 100%; }
  /*
   * <table class="cards">: on a phone each row becomes a card with its cells stacked (document, amount,
   * status and the action buttons all in view), instead of a table scrolling sideways. A cell's
   * data-label, when given, names it on the card.
   */
  @media (max-width: 600px) {
    table.cards thead { position: absolute; left: 0; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
    table.cards, table.cards tbody, table.cards tfoot, table.cards tr, table.cards td { display: block; width: 100%; }
    table.cards { background: transparent; }
    table.cards tr { border: 1px solid #dde3ea; border-radius: 6px; margin-bottom: 8px; padding: 6px 10px; background: #fff; }
    table.cards td { border: 0; padding: 3px 0; text-align: left; min-width: 0 !important; overflow-wrap: anywhere; }
    table.cards td.num { text-align: left; font-weight: 600; font-size: 14px; }
    table.cards td:empty { display: none; }
    table.cards td[data-label]::before { content: attr(data-label) '：'; color: #667085; font-weight: normal; }
    table.cards td button { min-height: 40px; }
  }
  .sr-only { position: absolute; left: 0; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;

export const kindLabelKey = (k: string) => `kind_${k}` as 'kind_personnel';
