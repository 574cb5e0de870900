import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import '../src/components/notification-bell.js';
import { UbNotificationBell, backoff, seenKey, type EventStream } from '../src/components/notification-bell.js';

/** A controllable stand-in for EventSource. */
class FakeStream implements EventStream {
  static all: FakeStream[] = [];
  listeners = new Map<string, ((e: MessageEvent) => void)[]>();
  onerror: ((e: Event) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeStream.all.push(this);
  }
  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  emit(type: string, data = '') {
    for (const fn of this.listeners.get(type) ?? []) fn(new MessageEvent(type, { data }));
  }
  close() {
    this.closed = true;
  }
}

const note = (id: number, title: string) => ({ id, source: 'plugin:notify-demo', title, body: `正文 ${id}`, link: null, createdAt: '2026-11-20T08:00:00Z', role: null });

describe('ub-notification-bell', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  const connect = UbNotificationBell.connect;
  const delay = UbNotificationBell.delay;
  beforeEach(() => {
    FakeStream.all = [];
    localStorage.removeItem(seenKey(6, 'a'));
    UbNotificationBell.connect = (url) => new FakeStream(url);
    UbNotificationBell.delay = () => 0;
  });
  afterEach(() => {
    mock?.restore();
    UbNotificationBell.connect = connect;
    UbNotificationBell.delay = delay;
    localStorage.removeItem(seenKey(6, 'a'));
  });

  it('counts unread, lists them, marks read and remembers it per user and unit', async () => {
    mock = mockFetch({
      'GET /api/units/a/notifications': { body: [note(3, '支付申请 #12 已支付'), note(2, '插件提醒')] },
      'GET /api/units/a/plugins': { body: [] },
    });
    const el = await fixture<UbNotificationBell>(html`<ub-notification-bell .unitId=${'a'} .userId=${6} .pollMs=${0}></ub-notification-bell>`);
    await until(() => el.items.length === 2);
    await el.updateComplete;
    const bell = el.shadowRoot!.querySelector<HTMLButtonElement>('button.bell')!;
    expect(el.shadowRoot!.querySelector('.count')!.textContent).to.equal('2');
    expect(bell.getAttribute('aria-label')).to.contain('2 条未读');
    bell.click();
    await el.updateComplete;
    expect(bell.getAttribute('aria-expanded')).to.equal('true');
    const items = el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.panel li button');
    expect([...items].map((b) => b.querySelector('.title')!.textContent)).to.deep.equal(['支付申请 #12 已支付', '插件提醒']);
    items[0]!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.count')!.textContent).to.equal('1');
    expect(JSON.parse(localStorage.getItem(seenKey(6, 'a'))!)).to.deep.equal([3]);
    (el.shadowRoot!.querySelector('.panel .head button') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.count')).to.equal(null);
    // A fresh bell (a reload) still knows what was seen.
    const again = await fixture<UbNotificationBell>(html`<ub-notification-bell .unitId=${'a'} .userId=${6} .pollMs=${0}></ub-notification-bell>`);
    await until(() => again.items.length === 2);
    expect(again.unread.length).to.equal(0);
  });

  it('goes live on the realtime stream of each plugin with the realtime grant, reloads on a message and reconnects on a drop', async () => {
    let list = [note(1, '旧通知')];
    mock = mockFetch({
      'GET /api/units/a/notifications': () => ({ body: list }),
      'GET /api/units/a/plugins': {
        body: [
          { pluginId: 'notify-demo', state: 'enabled', grants: ['events', 'notify', 'realtime'] },
          { pluginId: 'quiet', state: 'enabled', grants: ['events'] },
          { pluginId: 'off', state: 'disabled', grants: ['realtime'] },
        ],
      },
    });
    const el = await fixture<UbNotificationBell>(html`<ub-notification-bell .unitId=${'a'} .userId=${6} .pollMs=${0}></ub-notification-bell>`);
    await until(() => FakeStream.all.length === 1);
    const s = FakeStream.all[0]!;
    expect(s.url).to.equal('/api/units/a/realtime?channel=notify-demo%3Anotifications');
    s.emit('ready', '{"channel":"notify-demo:notifications"}');
    expect(el.live).to.equal(true);
    list = [note(2, '支付申请 #12 已支付'), ...list];
    s.emit('message', '{"id":2}');
    await until(() => el.items.length === 2);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.count')!.textContent).to.equal('2');
    // The connection drops: the stream is closed and a new one opened, which catches up on ready.
    s.onerror!(new Event('error'));
    expect(s.closed).to.equal(true);
    await until(() => FakeStream.all.length === 2);
    list = [note(3, '又一条'), ...list];
    FakeStream.all[1]!.emit('ready');
    await until(() => el.items.length === 3);
    el.remove();
    expect(FakeStream.all[1]!.closed).to.equal(true);
  });

  it('is keyboard operable: opens on Enter, arrows move between items, Escape closes and returns focus', async () => {
    mock = mockFetch({
      'GET /api/units/a/notifications': { body: [note(3, '一'), note(2, '二')] },
      'GET /api/units/a/plugins': { body: [] },
    });
    const el = await fixture<UbNotificationBell>(html`<ub-notification-bell .unitId=${'a'} .userId=${6} .pollMs=${0}></ub-notification-bell>`);
    await until(() => el.items.length === 2);
    el.toggle(true);
    await el.updateComplete;
    await el.updateComplete;
    const root = el.shadowRoot!;
    const buttons = [...root.querySelectorAll<HTMLButtonElement>('.panel li button')];
    expect(root.activeElement).to.equal(buttons[0]);
    const key = (k: string) => root.querySelector('div')!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true, composed: true }));
    key('ArrowDown');
    expect(root.activeElement).to.equal(buttons[1]);
    key('ArrowDown');
    expect(root.activeElement).to.equal(buttons[0]);
    key('Escape');
    await el.updateComplete;
    expect(root.querySelector('.panel')).to.equal(null);
    expect(root.activeElement).to.equal(root.querySelector('button.bell'));
  });

  it('backs off exponentially up to 30 seconds', () => {
    expect([0, 1, 2, 3, 10].map(backoff)).to.deep.equal([1000, 2000, 4000, 8000, 30000]);
  });
});
