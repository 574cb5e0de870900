import { html, css } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement } from '../lib/base.js';
import { get, post, qs } from '../lib/api.js';
import { lang, onLangChange, t } from '../lib/i18n.js';
import type { UbNotification, UnitPlugin } from '../lib/types.js';
import { when } from '../lib/time.js';
import { announceNotices } from '../lib/live.js';

/** The core's own channel: it announces (after commit) that someone's notifications changed in the unit. */
export const CORE_CHANNEL = 'core:notifications';
/** The realtime channel (per plugin) on which a plugin announces that it just sent a notification. */
export const NOTIFY_CHANNEL = 'notifications';

/** A notification as listed by the server, with the caller's own read state. */
export type BellNotification = UbNotification & { read: boolean; readAt: string | null };

/** What the bell needs of an EventSource (a fake one in tests). */
export interface EventStream {
  addEventListener(type: string, fn: (e: MessageEvent) => void): void;
  close(): void;
  onerror: ((e: Event) => void) | null;
}

/** Delay before the n-th reconnect attempt: 1 s, 2 s, 4 s … capped at 30 s. */
export function backoff(attempt: number): number {
  return Math.min(30_000, 1000 * 2 ** Math.max(0, attempt));
}

/**
 * 通知铃: the unit's in-app notifications addressed to the caller (GET …/notifications) and the
 * unread count the server keeps per user (…/notifications/unread-count); opening a notice marks it
 * read (POST …/notifications/:id/read), "mark all read" marks what is shown (…/read-all). Read
 * state lives on the server, so it follows the person across browsers and a role notice read by
 * one finance officer stays unread for the others. Live: the core announces on `core:notifications`
 * after each ledger change that notifies someone, and every plugin enabled here with the realtime
 * grant may announce on `<plugin>:notifications`; each message or reconnect reloads, a dropped
 * stream is reopened with backoff, and a slow poll covers notices no channel announces (the plugin
 * breaker) and the time a stream is down.
 */
@customElement('ub-notification-bell')
export class UbNotificationBell extends UbElement {
  static override styles = css`
    :host { position: relative; display: inline-block; font-size: 14px; }
    .bell { position: relative; display: inline-flex; align-items: center; gap: 5px; background: transparent; color: inherit; border: 1px solid #5f7ea8; border-radius: 4px; min-height: 30px; padding: 3px 10px; cursor: pointer; font: inherit; white-space: nowrap; }
    .bell:hover { background: #1f4a7e; }
    .bell:focus-visible, .panel button:focus-visible, .panel a:focus-visible { outline: 2px solid #8fb8f2; outline-offset: 1px; }
    .count { position: absolute; top: -6px; right: -8px; background: #d92d20; color: #fff; border-radius: 9px; min-width: 18px; height: 18px; font-size: 11px; line-height: 18px; text-align: center; padding: 0 4px; font-weight: 600; }
    .panel { position: absolute; right: 0; top: calc(100% + 6px); width: 360px; max-height: 420px; overflow: auto; background: #fff; color: #1f2733; border: 1px solid #dde3ea; border-radius: 6px; box-shadow: 0 8px 24px rgba(16, 24, 40, 0.18); z-index: 20; }
    .head { display: flex; justify-content: space-between; align-items: center; padding: 8px 12px; border-bottom: 1px solid #e6eaef; font-weight: 600; }
    .head button { font: inherit; font-size: 12px; background: none; border: 0; color: #1d5fbf; cursor: pointer; padding: 2px 4px; }
    ul { list-style: none; margin: 0; padding: 0; }
    li button { all: unset; box-sizing: border-box; display: block; width: 100%; padding: 8px 12px; border-bottom: 1px solid #eef0f3; cursor: pointer; }
    li button:hover, li button:focus-visible { background: #f0f6ff; outline: none; }
    li.unread button { border-left: 3px solid #1d5fbf; background: #f7faff; }
    .title { font-size: 13px; font-weight: 600; }
    .body { font-size: 12px; color: #3d4a5c; margin-top: 2px; white-space: pre-wrap; }
    .meta { font-size: 11px; color: #667085; margin-top: 2px; }
    .empty, .state { padding: 12px; color: #667085; font-size: 13px; }
    .search { padding: 6px 12px; border-bottom: 1px solid #e6eaef; }
    .search input { width: 100%; box-sizing: border-box; font: inherit; font-size: 13px; border: 1px solid #b9c3cf; border-radius: 4px; padding: 4px 8px; min-height: 30px; }
    .more { padding: 6px 12px; text-align: center; }
    .more button { font: inherit; font-size: 12px; background: none; border: 1px solid #b9c3cf; border-radius: 4px; color: #1d5fbf; cursor: pointer; padding: 4px 10px; }
    .state { border-top: 1px solid #e6eaef; font-size: 11px; padding: 6px 12px; }
    /* a phone: the panel spans the screen below the bell instead of hanging off its left edge */
    @media (max-width: 600px) { .panel { position: fixed; top: auto; left: 8px; right: 8px; width: auto; max-height: 70vh; margin-top: 6px; } }
  `;

  @property() unitId = '';
  @property({ type: Number }) userId = 0;
  /** Poll period in ms for notices no channel announces; 0 turns it off. */
  @property({ type: Number }) pollMs = 60_000;
  @state() items: BellNotification[] = [];
  /** The server's count of this user's unread notices in the unit (the list holds at most 200). */
  @state() unreadCount = 0;
  @state() open = false;
  @state() live = false;
  @state() error = '';
  /** The history's search (title and text, on the server) and its older pages loaded so far. */
  @state() query = '';
  @state() older: BellNotification[] = [];
  @state() hasMore = false;
  /** Notices per page of the history. */
  static pageSize = 30;
  private searchTimer?: ReturnType<typeof setTimeout>;
  /** Plugin id → its name (zh, en): a plugin's notice says who sent it by name, never `plugin:<id>`. */
  @state() pluginNames = new Map<string, UnitPlugin['name']>();

  /** Who sent a notice, as people read it: nothing for the core's own, the plugin's name, 插件管理 for the plugin host. */
  sourceLabel(source: string): string {
    if (source === 'core' || source === 'system' || source === 'unibudget') return '';
    if (source === 'plugin-host') return t('nav_adminPlugins');
    const id = source.startsWith('plugin:') ? source.slice('plugin:'.length) : source;
    const name = this.pluginNames.get(id);
    if (!name) return id;
    return typeof name === 'string' ? name : (lang() === 'en' ? name.en : name.zh) || id;
  }

  /** Opens a stream; replaced in tests. */
  static connect: (url: string) => EventStream = (url) => new EventSource(url, { withCredentials: true });
  /** Reconnect delay of the n-th attempt; replaced in tests. */
  static delay: (attempt: number) => number = backoff;

  private streams = new Map<string, EventStream>();
  private attempts = new Map<string, number>();
  private timers = new Set<ReturnType<typeof setTimeout>>();
  private poll?: ReturnType<typeof setInterval>;
  private startedFor = '';
  /** Only the latest load applies its answer. */
  private loadSeq = 0;
  /**
   * Ids this user marked read in this bell: a list fetched before the server recorded the mark
   * must not show them unread again. Reads are final, so the set is only reset with the unit.
   */
  private readHere = new Set<number>();
  private onVisible = () => document.visibilityState === 'visible' && void this.load();
  private onDocClick = (e: MouseEvent) => {
    if (this.open && !e.composedPath().includes(this)) this.open = false;
  };

  get unread(): BellNotification[] {
    return this.items.filter((n) => !n.read);
  }

  /** Core notices are worded by the server in the language asked for: a switch of language reloads them. */
  private offLangReload?: () => void;

  override connectedCallback(): void {
    super.connectedCallback();
    this.offLangReload = onLangChange(() => {
      this.older = [];
      if (this.unitId) void this.load();
    });
    document.addEventListener('visibilitychange', this.onVisible);
    document.addEventListener('click', this.onDocClick);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.offLangReload?.();
    document.removeEventListener('visibilitychange', this.onVisible);
    document.removeEventListener('click', this.onDocClick);
    this.stop();
    this.startedFor = '';
  }

  override willUpdate() {
    const key = `${this.userId}@${this.unitId}`;
    if (this.unitId && this.userId && this.startedFor !== key) {
      this.startedFor = key;
      void this.start();
    }
  }

  private stop() {
    for (const s of this.streams.values()) s.close();
    this.streams.clear();
    this.attempts.clear();
    for (const id of this.timers) clearTimeout(id);
    this.timers.clear();
    if (this.poll) clearInterval(this.poll);
    this.poll = undefined;
    this.live = false;
  }

  private async start() {
    this.stop();
    this.items = [];
    this.older = [];
    this.query = '';
    this.unreadCount = 0;
    this.readHere = new Set();
    const unitId = this.unitId;
    // The core channel first: it needs no plugin and carries the ledger's own notices.
    this.open_(CORE_CHANNEL);
    await this.load();
    // Some notices are announced on no channel (the plugin breaker, a plugin without the realtime
    // grant): a slow poll picks them up, and covers the time a stream is down.
    if (this.pollMs > 0) this.poll = setInterval(() => void this.load(), this.pollMs);
    let plugins: UnitPlugin[] = [];
    try {
      plugins = await get<UnitPlugin[]>(`/api/units/${unitId}/plugins`);
    } catch {
      return; // no plugin list (or no access): the core channel and the poll still run
    }
    if (unitId !== this.unitId) return;
    this.pluginNames = new Map(plugins.map((p) => [p.pluginId, p.name]));
    // Few plugins are enabled in a unit; cap the streams to stay well under the browser's per-origin connection limit.
    for (const p of plugins.filter((x) => x.state === 'enabled' && x.grants.includes('realtime')).slice(0, 3)) {
      this.open_(`${p.pluginId}:${NOTIFY_CHANNEL}`);
    }
  }

  private open_(channel: string) {
    const url = `/api/units/${encodeURIComponent(this.unitId)}/realtime?channel=${encodeURIComponent(channel)}`;
    const s = UbNotificationBell.connect(url);
    this.streams.set(channel, s);
    s.addEventListener('ready', () => {
      this.attempts.set(channel, 0);
      this.live = true;
      // A (re)connect may have missed messages: catch up.
      void this.load();
    });
    s.addEventListener('message', () => {
      void this.load();
      // Open lists of documents reload too (lib/live.ts): the notice says one of them changed.
      announceNotices();
    });
    s.onerror = () => {
      // Own backoff instead of the browser's fixed retry, and the same path for an HTTP error (which ends an EventSource).
      s.close();
      if (this.streams.get(channel) !== s) return;
      this.streams.delete(channel);
      this.live = this.streams.size > 0 && this.live;
      const n = this.attempts.get(channel) ?? 0;
      this.attempts.set(channel, n + 1);
      const id = setTimeout(() => {
        this.timers.delete(id);
        if (this.isConnected && !this.streams.has(channel) && this.unitId) this.open_(channel);
      }, UbNotificationBell.delay(n));
      this.timers.add(id);
    };
  }

  async load() {
    const unitId = this.unitId;
    const seq = ++this.loadSeq;
    try {
      const base = `/api/units/${encodeURIComponent(unitId)}/notifications`;
      const size = UbNotificationBell.pageSize;
      const [first, count] = await Promise.all([
        get<BellNotification[]>(`${base}${qs({ limit: size, q: this.query.trim() || undefined })}`),
        get<{ unread: number }>(`${base}/unread-count`),
      ]);
      if (unitId !== this.unitId || seq !== this.loadSeq) return;
      // The newest page is fresh; older pages loaded before stay (a notice is never listed twice).
      const seen = new Set(first.map((n) => n.id));
      const items = [...first, ...this.older.filter((n) => !seen.has(n.id))];
      if (this.older.length === 0) this.hasMore = first.length === size;
      const stale = items.filter((n) => !n.read && this.readHere.has(n.id)).length;
      this.items = items.map((n) => (!n.read && this.readHere.has(n.id) ? { ...n, read: true } : n));
      this.unreadCount = Math.max(0, count.unread - stale);
      this.error = '';
    } catch (e) {
      if (seq === this.loadSeq) this.error = (e as Error).message;
    }
  }

  /** The next older page of the history (newest first, after what is shown). */
  async more() {
    const unitId = this.unitId;
    const size = UbNotificationBell.pageSize;
    try {
      const page = await get<BellNotification[]>(
        `/api/units/${encodeURIComponent(unitId)}/notifications${qs({ limit: size, offset: this.items.length, q: this.query.trim() || undefined })}`,
      );
      if (unitId !== this.unitId) return;
      const seen = new Set(this.items.map((n) => n.id));
      const fresh = page.filter((n) => !seen.has(n.id)).map((n) => (!n.read && this.readHere.has(n.id) ? { ...n, read: true } : n));
      this.older = [...this.older, ...fresh];
      this.items = [...this.items, ...fresh];
      this.hasMore = page.length === size;
    } catch (e) {
      this.error = (e as Error).message;
    }
  }

  /** A new search starts the history again from its newest page. */
  search(q: string, delayMs = 300) {
    this.query = q;
    if (this.searchTimer) clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => {
      this.older = [];
      void this.load();
    }, delayMs);
  }

  /** Marks notices read here at once, then on the server; the server's count wins when it answers. */
  private markLocally(ids: Set<number>) {
    for (const id of ids) this.readHere.add(id);
    const now = new Date().toISOString();
    let changed = 0;
    this.items = this.items.map((n) => {
      if (!ids.has(n.id) || n.read) return n;
      changed++;
      return { ...n, read: true, readAt: now };
    });
    this.unreadCount = Math.max(0, this.unreadCount - changed);
  }

  async markRead(id: number) {
    const n = this.items.find((x) => x.id === id);
    if (!n || n.read) return;
    this.markLocally(new Set([id]));
    const unitId = this.unitId;
    try {
      const result = await post<{ unread: number }>(`/api/units/${encodeURIComponent(unitId)}/notifications/${id}/read`);
      if (unitId === this.unitId) this.unreadCount = result.unread;
    } catch (e) {
      this.readHere.delete(id);
      // Back to the server's state, then say why (a successful load clears the error line).
      await this.load();
      this.error = t('bell_mark_failed', { error: (e as Error).message });
    }
  }

  /** Marks read what the list shows (up to its newest id): a notice arriving meanwhile stays unread. */
  async markAllRead() {
    if (this.items.length === 0) return;
    const upToId = Math.max(...this.items.map((n) => n.id));
    this.markLocally(new Set(this.items.map((n) => n.id)));
    const unitId = this.unitId;
    try {
      const result = await post<{ unread: number }>(`/api/units/${encodeURIComponent(unitId)}/notifications/read-all`, { upToId });
      if (unitId === this.unitId) this.unreadCount = result.unread;
    } catch (e) {
      for (const n of this.items) if (n.id <= upToId) this.readHere.delete(n.id);
      await this.load();
      this.error = t('bell_mark_failed', { error: (e as Error).message });
    }
  }

  toggle(force?: boolean) {
    this.open = force ?? !this.open;
    if (this.open) void this.updateComplete.then(() => this.focusItem(0));
  }

  private focusItem(i: number) {
    const buttons = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('.panel li button')];
    if (buttons.length === 0) return this.renderRoot.querySelector<HTMLElement>('.panel .head button')?.focus();
    buttons[(i + buttons.length) % buttons.length]!.focus();
  }

  private onKey(e: KeyboardEvent) {
    if (e.key === 'Escape' && this.open) {
      e.preventDefault();
      this.open = false;
      this.renderRoot.querySelector<HTMLButtonElement>('.bell')?.focus();
      return;
    }
    if (!this.open || (e.key !== 'ArrowDown' && e.key !== 'ArrowUp')) return;
    const buttons = [...this.renderRoot.querySelectorAll<HTMLButtonElement>('.panel li button')];
    const at = buttons.indexOf((this.renderRoot as ShadowRoot).activeElement as HTMLButtonElement);
    e.preventDefault();
    this.focusItem(at < 0 ? 0 : at + (e.key === 'ArrowDown' ? 1 : -1));
  }

  private activate(n: BellNotification) {
    void this.markRead(n.id);
    // In-app paths only: `//host` and `/\host` name another host.
    if (n.link && /^\/(?![/\\])/.test(n.link)) {
      this.open = false;
      // The shell routes on popstate: an in-app move without reloading the page. `fresh` makes the
      // shell build the page anew even when it is already open, so it shows the document as it is now.
      const state = { fresh: Date.now() };
      history.pushState(state, '', n.link);
      window.dispatchEvent(new PopStateEvent('popstate', { state }));
    }
  }

  override render() {
    const unread = this.unreadCount;
    const label = unread ? t('bell_unread', { n: unread }) : t('bell_none_unread');
    return html`<div @keydown=${this.onKey}>
      <button class="bell" aria-haspopup="true" aria-expanded=${this.open ? 'true' : 'false'} aria-controls="bell-panel"
        aria-label="${t('notifications')}${t('adm_sep')}${label}" title=${label} @click=${() => this.toggle()}>
        <svg aria-hidden="true" viewBox="0 0 24 24" width="15" height="15"><path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"/></svg> ${t('notifications')}
        ${unread ? html`<span class="count" aria-hidden="true">${unread > 99 ? '99+' : unread}</span>` : ''}
      </button>
      ${this.open
        ? html`<div class="panel" id="bell-panel" role="region" aria-label=${t('notifications')}>
            <div class="head"><span>${t('notifications')}</span>
              <button ?disabled=${this.unread.length === 0} @click=${() => void this.markAllRead()}>${t('bell_mark_all')}</button></div>
            <div class="search"><input type="search" maxlength="100" aria-label=${t('dl_bellSearch')} placeholder=${t('dl_bellSearch')} .value=${this.query}
              @input=${(e: Event) => this.search((e.target as HTMLInputElement).value)} /></div>
            ${this.items.length === 0 ? html`<div class="empty">${t('bell_empty')}</div>` : ''}
            <ul>
              ${this.items.map((n) => html`<li class=${n.read ? '' : 'unread'} data-id=${n.id}>
                  <button @click=${() => this.activate(n)} aria-label="${n.read ? '' : `${t('bell_unread_item')}${t('adm_colon')}`}${n.title}">
                    <div class="title">${n.title}</div>
                    ${n.body ? html`<div class="body">${n.body}</div>` : ''}
                    <div class="meta">${when(n.createdAt)}${this.sourceLabel(n.source) ? ` · ${this.sourceLabel(n.source)}` : ''}</div>
                  </button></li>`)}
            </ul>
            ${this.hasMore ? html`<div class="more"><button @click=${() => void this.more()}>${t('dl_bellOlder')}</button></div>` : ''}
            <div class="state" role="status">${this.error ? this.error : this.live ? t('bell_live') : t('bell_offline')}</div>
          </div>`
        : ''}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-notification-bell': UbNotificationBell }
}
