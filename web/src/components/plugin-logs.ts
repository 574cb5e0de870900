import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { get, errorText, qs } from '../lib/api.js';
import { t, type MessageKey } from '../lib/i18n.js';
import type { PluginLogEntry, PluginLogLevel, PluginLogPage } from '../lib/types.js';
import { whenSeconds } from '../lib/time.js';
import { scrollHint } from '../lib/scroll-hint.js';

const LEVELS: readonly PluginLogLevel[] = ['info', 'warn', 'error'];
const PAGE = 50;

/** A log entry's data as the plugin gave it (JSON text): indented for reading; other text as it is. */
export function prettyData(data: string): string {
  try {
    return JSON.stringify(JSON.parse(data), null, 2);
  } catch {
    return data;
  }
}

/**
 * The log of one plugin in one unit (GET …/plugins/:id/logs: a ring of its newest entries), newest
 * first, for the unit admin and the digital specialist: a level filter, "older" pages by the cursor
 * the core answers with, refresh. Messages are plugin text: rendered as text, never as HTML.
 */
@customElement('ub-plugin-logs')
export class UbPluginLogs extends UbElement {
  static override styles = [shared, css`
    :host { display: block; margin-top: 12px; padding-top: 8px; border-top: 1px solid #eef2f6; }
    .head { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
    .head h3 { margin: 0; }
    .head button, .head select { min-height: 28px; padding: 2px 10px; }
    .wrap { overflow-x: auto; margin: 8px 0; border: 1px solid #e6eaef; border-radius: 6px; }
    table { min-width: 520px; }
    .fit { width: 1%; white-space: nowrap; }
    td.msg { white-space: pre-wrap; overflow-wrap: anywhere; min-width: 220px; }
    td.msg details { margin-top: 4px; }
    td.msg pre { margin: 4px 0 0; padding: 6px 8px; background: #f5f7fa; border-radius: 4px; max-height: 320px; overflow: auto;
      white-space: pre-wrap; overflow-wrap: anywhere; font-size: 12px; line-height: 1.45; color: #3d4a5c; }
    .badge.error { background: #fde8e6; color: #b42318; }
    .more { display: flex; gap: 10px; align-items: center; flex-wrap: wrap; }
  `];

  @property({ attribute: false }) unitId = '';
  @property({ attribute: false }) pluginId = '';
  /** The plugin asks for the `log` permission; without it there is no log to read. */
  @property({ attribute: false }) requested = true;
  /** The unit granted `log` (false: only entries from before, nothing new). */
  @property({ attribute: false }) granted = true;
  @state() entries: PluginLogEntry[] = [];
  /** The cursor of the next older page; null: none. */
  @state() next: number | null = null;
  @state() level: PluginLogLevel | '' = '';
  @state() loading = false;
  @state() loaded = false;
  @state() error = '';
  private loadedFor = '';
  /** A newer request (another filter, a refresh) makes the answer of an older one stale. */
  private seq = 0;

  override willUpdate() {
    const key = `${this.unitId}/${this.pluginId}`;
    if (this.unitId && this.pluginId && this.requested && key !== this.loadedFor) {
      this.loadedFor = key;
      void this.load();
    }
  }

  private url(before?: number) {
    return `/api/units/${encodeURIComponent(this.unitId)}/plugins/${encodeURIComponent(this.pluginId)}/logs${qs({ level: this.level, before, limit: PAGE })}`;
  }

  /** The newest page (again), for the current filter. */
  async load() {
    const seq = ++this.seq;
    this.loading = true;
    this.error = '';
    try {
      const page = await get<PluginLogPage>(this.url());
      if (seq !== this.seq) return;
      this.entries = page.entries;
      this.next = page.next;
    } catch (e) {
      if (seq !== this.seq) return;
      this.entries = [];
      this.next = null;
      this.error = errorText(e);
    } finally {
      if (seq === this.seq) {
        this.loading = false;
        this.loaded = true;
      }
    }
  }

  /** The next older page, appended. */
  async older() {
    if (this.next === null) return;
    const seq = ++this.seq;
    this.loading = true;
    this.error = '';
    try {
      const page = await get<PluginLogPage>(this.url(this.next));
      if (seq !== this.seq) return;
      this.entries = [...this.entries, ...page.entries];
      this.next = page.next;
    } catch (e) {
      if (seq === this.seq) this.error = errorText(e);
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  setLevel(level: PluginLogLevel | '') {
    this.level = level;
    void this.load();
  }

  private row(e: PluginLogEntry) {
    const cls = e.level === 'error' ? 'error' : e.level === 'warn' ? 'warn' : '';
    return html`<tr data-log=${e.id} data-level=${e.level}>
      <td class="date fit">${whenSeconds(e.at)}</td>
      <td class="fit"><span class="badge ${cls}">${LEVELS.includes(e.level) ? t(`lg_level_${e.level}` as MessageKey) : e.level}</span></td>
      <td class="msg">${e.message}${e.data !== null
        ? html`<details><summary class="muted">${t('lg_data')}</summary><pre data-json>${prettyData(e.data)}</pre></details>`
        : nothing}</td>
    </tr>`;
  }

  override render() {
    if (!this.requested) return html`<div class="head"><h3>${t('lg_title')}</h3></div><p class="muted" data-no-log-permission>${t('lg_notRequested')}</p>`;
    return html`<div class="head"><h3>${t('lg_title')}</h3>
        <label class="check">${t('lg_level')}
          <select name="level" @change=${(e: Event) => this.setLevel((e.target as HTMLSelectElement).value as PluginLogLevel | '')}>
            <option value="" ?selected=${this.level === ''}>${t('lg_allLevels')}</option>
            ${LEVELS.map((l) => html`<option value=${l} ?selected=${this.level === l}>${t(`lg_level_${l}` as MessageKey)}</option>`)}
          </select></label>
        <button data-action="refresh" @click=${() => this.load()} ?disabled=${this.loading}>${t('adm_refresh')}</button></div>
      ${this.granted ? nothing : html`<p class="muted" data-log-not-granted>${t('lg_notGranted')}</p>`}
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
      ${!this.loaded
        ? html`<p class="muted" role="status">${t('adm_loading')}</p>`
        : this.entries.length === 0
          ? this.error ? nothing : html`<p class="muted">${t('lg_none')}</p>`
          : html`<div class="wrap" ${scrollHint()}><table aria-busy=${this.loading ? 'true' : 'false'}>
                <thead><tr><th class="fit">${t('lg_time')}</th><th class="fit">${t('lg_level')}</th><th>${t('lg_message')}</th></tr></thead>
                <tbody>${this.entries.map((e) => this.row(e))}</tbody>
              </table></div>
              <div class="more">
                ${this.next !== null
                  ? html`<button data-action="older" @click=${() => this.older()} ?disabled=${this.loading}>${t('lg_older')}</button>`
                  : html`<span class="muted" data-end>${t('lg_end')}</span>`}
                <span class="muted">${t('lg_count', { n: this.entries.length })}</span>
              </div>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-plugin-logs': UbPluginLogs }
}
