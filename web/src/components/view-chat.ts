import { html, css, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { UbElement, shared } from '../lib/base.js';
import { ApiError, get, post } from '../lib/api.js';
import { t } from '../lib/i18n.js';
import { formatFen } from '../lib/money.js';
import type { ChatBlock } from './view-spec.js';
import { pluginRouteUrl } from './view-form.js';
import { backoff, type EventStream } from './notification-bell.js';

type ChatMessage = ChatBlock['messages'][number];

/** How long a typing hint is shown, and how often this browser says it is typing. */
const TYPING_SHOWN_MS = 4000;
const TYPING_EVERY_MS = 3000;

/**
 * A chat thread; with `post` set, a message box that sends `{ text }` to the plugin's route.
 *
 * Live (`block.live`): the element listens on the unit's realtime channel the plugin named. What
 * arrives there is a hint (a new or edited message, someone typing), never content: on a new message
 * it fetches `live.fetch?after=<the last message it shows>` through the plugin's permission-checked
 * route and adds each message it does not already show (kept by id, so a repeat is never shown
 * twice); on an edit it reloads the latest messages. After a dropped stream it reconnects with
 * backoff and catches up the same way, so nothing posted meanwhile is lost. The last message shown
 * is reported read (`live.read`), and typing is announced at most every few seconds (`live.typing`).
 */
@customElement('ub-view-chat')
export class UbViewChat extends UbElement {
  static override styles = [shared, css`
    :host { display: block; }
    ol { list-style: none; margin: 0 0 10px; padding: 0; display: flex; flex-direction: column; gap: 8px; max-height: 420px; overflow: auto; }
    li { background: #f5f7fa; border-radius: 8px; padding: 8px 12px; max-width: 80%; }
    li.mine { align-self: flex-end; background: #eaf1fb; }
    li.mention { border-left: 3px solid #c27c0e; }
    li.system { align-self: center; background: #fff; border: 1px dashed #dde3ea; max-width: 95%; font-size: 13px; }
    li.deleted .text { color: #667085; font-style: italic; }
    .meta { font-size: 12px; color: #667085; }
    .text { white-space: pre-wrap; }
    .refs, .files { margin: 4px 0 0; padding: 0; list-style: none; font-size: 13px; }
    .refs a { margin-right: 6px; }
    .status { color: #3d4a5c; }
    .typing { font-size: 12px; color: #667085; min-height: 18px; }
    .live { font-size: 12px; color: #137333; }
    form { display: flex; gap: 8px; }
    textarea { flex: 1; min-height: 38px; }
  `];

  /** Opens the realtime stream (a fake one in tests). */
  static connect: (url: string) => EventStream = (url) => new EventSource(url, { withCredentials: true });
  static delay: (attempt: number) => number = backoff;

  @property({ attribute: false }) block!: ChatBlock;
  @property({ attribute: false }) unitId = '';
  @property({ attribute: false }) pluginId = '';
  /** Display name of the signed-in user: their own messages sit on the right. */
  @property({ attribute: false }) me = '';
  @state() draft = '';
  @state() busy = false;
  @state() failure = '';
  /** The messages shown: the block's, then what live updates added. */
  @state() messages: ChatMessage[] = [];
  @state() typing: string[] = [];
  @state() connected = false;
  private shownBlock: ChatBlock | null = null;
  private stream: EventStream | null = null;
  private streamFor = '';
  private attempts = 0;
  private retry: ReturnType<typeof setTimeout> | null = null;
  private typingTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private lastTypingSent = 0;
  private lastReadSent = '';
  private fetching: Promise<void> | null = null;
  private again = false;

  override willUpdate() {
    if (this.block && this.block !== this.shownBlock) {
      this.shownBlock = this.block;
      this.messages = [...this.block.messages];
    }
  }

  override connectedCallback() {
    super.connectedCallback();
    this.requestUpdate();
  }

  override updated() {
    // Not while detached: a late answer re-rendering a removed element must not reopen its stream.
    const channel = this.isConnected && this.block?.live && this.unitId ? `${this.unitId}|${this.block.live.channel}` : '';
    if (channel !== this.streamFor) {
      this.closeStream();
      this.streamFor = channel;
      if (channel) this.open();
    }
    this.markRead();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.closeStream();
    this.streamFor = '';
  }

  private closeStream() {
    this.stream?.close();
    this.stream = null;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    for (const timer of this.typingTimers.values()) clearTimeout(timer);
    this.typingTimers.clear();
    this.connected = false;
  }

  private open() {
    const live = this.block.live!;
    const s = UbViewChat.connect(`/api/units/${encodeURIComponent(this.unitId)}/realtime?channel=${encodeURIComponent(live.channel)}`);
    this.stream = s;
    s.addEventListener('ready', () => {
      this.attempts = 0;
      this.connected = true;
      // A (re)connect may have missed messages: catch up from the last one shown.
      void this.catchUp();
    });
    s.addEventListener('message', (e: MessageEvent) => this.onHint(e.data));
    s.onerror = () => {
      s.close();
      if (this.stream !== s) return;
      this.stream = null;
      this.connected = false;
      const n = this.attempts++;
      this.retry = setTimeout(() => {
        this.retry = null;
        if (this.isConnected && !this.stream && this.streamFor) this.open();
      }, UbViewChat.delay(n));
    };
  }

  private onHint(data: unknown) {
    let hint: { type?: string; name?: string; messageId?: string };
    try {
      hint = JSON.parse(String(data));
    } catch {
      return;
    }
    if (hint.type === 'message') void this.catchUp();
    else if (hint.type === 'edit') void this.catchUp(true);
    else if (hint.type === 'typing' && hint.name && hint.name !== this.reader) this.showTyping(hint.name);
  }

  private showTyping(name: string) {
    if (!this.typing.includes(name)) this.typing = [...this.typing, name];
    const old = this.typingTimers.get(name);
    if (old) clearTimeout(old);
    this.typingTimers.set(name, setTimeout(() => {
      this.typingTimers.delete(name);
      this.typing = this.typing.filter((n) => n !== name);
    }, TYPING_SHOWN_MS));
  }

  /**
   * Fetches what is new (after the last message shown) or, with `full`, the latest messages again
   * (edits). One fetch at a time; a hint arriving meanwhile runs one more afterwards.
   */
  async catchUp(full = false): Promise<void> {
    const live = this.block?.live;
    if (!live) return;
    if (this.fetching) {
      this.again = true;
      return this.fetching;
    }
    this.fetching = (async () => {
      try {
        do {
          this.again = false;
          const last = this.messages.at(-1)?.id;
          const query = !full && last ? `?after=${encodeURIComponent(last)}` : '';
          const page = await get<{ messages: ChatMessage[] }>(`${pluginRouteUrl(this.unitId, this.pluginId, live.fetch)}${query}`);
          this.merge(page.messages ?? [], full);
          full = false;
        } while (this.again);
      } catch (err) {
        this.failure = err instanceof ApiError ? err.message : String(err);
      } finally {
        this.fetching = null;
      }
    })();
    return this.fetching;
  }

  /** Adds each message not shown yet and replaces those shown (an edit), keeping the order of arrival. */
  merge(incoming: ChatMessage[], replace = false) {
    const byId = new Map(this.messages.map((m, i) => [m.id, i]));
    const next = [...this.messages];
    for (const m of incoming) {
      const at = byId.get(m.id);
      if (at !== undefined) {
        if (replace) next[at] = m;
      } else {
        byId.set(m.id, next.length);
        next.push(m);
      }
    }
    this.messages = next;
  }

  private markRead() {
    const read = this.block?.live?.read;
    const last = this.messages.at(-1)?.id;
    if (!read || !last || last === this.lastReadSent || document.visibilityState === 'hidden') return;
    this.lastReadSent = last;
    void post(pluginRouteUrl(this.unitId, this.pluginId, read), { messageId: last }).catch(() => { this.lastReadSent = ''; });
  }

  private onInput(e: Event) {
    this.draft = (e.target as HTMLTextAreaElement).value;
    const typing = this.block.live?.typing;
    const now = Date.now();
    if (typing && this.draft.trim() && now - this.lastTypingSent > TYPING_EVERY_MS) {
      this.lastTypingSent = now;
      void post(pluginRouteUrl(this.unitId, this.pluginId, typing), {}).catch(() => {});
    }
  }

  async send(e?: Event) {
    e?.preventDefault();
    const text = this.draft.trim();
    if (!text || !this.block.post) return;
    this.busy = true;
    this.failure = '';
    try {
      await post(pluginRouteUrl(this.unitId, this.pluginId, this.block.post), { text });
      this.draft = '';
      // Live: the new message is fetched like anyone else's; otherwise the whole view reloads.
      if (this.block.live) await this.catchUp();
      else this.dispatchEvent(new CustomEvent('view-changed', { bubbles: true, composed: true }));
    } catch (err) {
      this.failure = err instanceof ApiError ? err.message : String(err);
    } finally {
      this.busy = false;
    }
  }

  /** The reader: given by the page, or named by the plugin in `live.me`. */
  private get reader(): string {
    return this.me || this.block?.live?.me || '';
  }

  private item(m: ChatMessage) {
    const cls = [m.author === this.reader && !m.system ? 'mine' : '', m.mentionsMe ? 'mention' : '', m.system ? 'system' : '', m.deleted ? 'deleted' : ''].filter(Boolean).join(' ');
    return html`<li class=${cls} data-id=${m.id}>
      <div class="meta">${m.author} · ${m.at}${m.edited ? html` · <span data-mark="edited">${t('chat_edited')}</span>` : nothing}${m.mentionsMe ? html` · <strong>${t('chat_mentionsMe')}</strong>` : nothing}</div>
      <div class="text">${m.text}</div>
      ${m.refs?.length
        ? html`<ul class="refs">${m.refs.map((r) => html`<li>${r.href && /^\/(?![/\\])/.test(r.href) ? html`<a href=${r.href}>${r.label}</a>` : r.label}${r.status ? html` <span class="status">${r.status}</span>` : nothing}${r.amount !== undefined ? html` <span class="num">${formatFen(r.amount)} ${t('chat_yuan')}</span>` : nothing}</li>`)}</ul>`
        : nothing}
      ${m.attachments?.length
        ? html`<ul class="files" aria-label=${t('chat_attachments')}>${m.attachments.map((a) => html`<li>📎 ${a.name}（${(a.size / 1024).toFixed(1)} KB）</li>`)}</ul>`
        : nothing}
    </li>`;
  }

  override render() {
    if (!this.block) return nothing;
    const b = this.block;
    return html`${b.title ? html`<h3>${b.title}</h3>` : nothing}
      ${b.live ? html`<div class="live" role="status" data-live=${this.connected ? 'on' : 'off'}>${this.connected ? t('chat_live') : ''}</div>` : nothing}
      ${this.messages.length === 0
        ? html`<p class="muted" data-state="empty">${t('pv_noMessages')}</p>`
        : html`<ol aria-live="polite">${this.messages.map((m) => this.item(m))}</ol>`}
      <div class="typing" aria-live="polite">${this.typing.length ? t('chat_typing', { names: this.typing.join('、') }) : ''}</div>
      ${b.post
        ? html`<form @submit=${this.send}>
            <textarea aria-label=${t('pv_message')} placeholder=${t('chat_hint')} .value=${this.draft} @input=${this.onInput}
              @keydown=${(e: KeyboardEvent) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void this.send(e); }}></textarea>
            <button class="primary" type="submit" ?disabled=${this.busy || !this.draft.trim()}>${t('pv_send')}</button>
          </form>`
        : nothing}
      ${this.failure ? html`<p class="error" role="alert">${this.failure}</p>` : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-view-chat': UbViewChat }
}
