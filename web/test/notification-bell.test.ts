import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { FakeStream } from './fake-stream.js';
import '../src/components/notification-bell.js';
import { UbNotificationBell, backoff } from '../src/components/notification-bell.js';

/** A tiny server: the list with per-user read state, the unread count and the two mark routes. */
function server(initial: Array<ReturnType<typeof note>>) {
  const state = { list: initial, failMarks: false };
  const unread = () => state.list.filter((n) => !n.read).length;
  const mock = mockFetch({
    'GET /api/units/a/notifications': () => ({ body: state.list }),
    'GET /api/units/a/notifications/unread-count': () => ({ body: { unread: unread() } }),
    'POST /api/units/a/notifications/read-all': (call) => {
      const upTo = (call.body as { upToId: number }).upToId;
      const marked = state.list.filter((n) => !n.read && n.id <= upTo).length;
      state.list = state.list.map((n) => (n.id <= upTo ? { ...n, read: true } : n));
      return { body: { marked, unread: unread() } };
    },
    'POST /api/units/a/notifications/*': (call) => {
      if (state.failMarks) return { status: 500, body: { error: { code: 'INTERNAL', message: '服务器错误', details: {} } } };
      const id = Number(call.url.split('/').at(-2));
      state.list = state.list.map((n) => (n.id === id ? { ...n, read: true, readAt: '2026-11-20T09:00:00Z' } : n));
      return { body: { id, read: true, readAt: '2026-11-20T09:00:00Z', unread: unread() } };
    },
    'GET /api/units/a/plugins': { body: [] },
  });
  return { state, mock };
}

const note = (id: number, title: string, read = false) => ({
  id, source: 'core', title, body: `正文 ${id}`, link: null, createdAt: '2026-11-20T08:00:00Z', role: null, read, readAt: read ? '2026-11-20T08:30:00Z' : null,
});

describe('ub-notification-bell', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  const connect = UbNotificationBell.connect;
  const delay = UbNotificationBell.delay;
  beforeEach(() => {
    FakeStream.all = [];
    UbNotificationBell.connect = (url) => new FakeStream(url);
    UbNotificationBell.delay = () => 0;
  });
  afterEach(() => {
    mock?.restore();
    UbNotificationBell.connect = connect;
    UbNotificationBell.delay = delay;
  });

  it('shows the server’s unread count, marks one read on the server when opened and all read up to what it shows', async () => {
    const s = server([note(4, '支付申请 #12 已支付，1,234.00 元'), note(3, '待审批：支付申请 #11，50.00 元'), note(2, '旧通知', true)]);
    mock = s.mock;
    const el = await fixture<UbNotificationBell>(html`<ub-notification-bell .unitId=${'a'} .userId=${6} .pollMs=${0}></ub-notification-bell>`);
    await until(() => el.items.length === 3);
    await el.updateComplete;
    const root = el.shadowRoot!;
    const bell = root.querySelector<HTMLButtonElement>('button.bell')!;
    expect(root.querySelector('.count')!.textContent).to.equal('2');
    expect(bell.getAttribute('aria-label')).to.contain('2 条未读');
    bell.click();
    await el.updateComplete;
    expect(bell.getAttribute('aria-expanded')).to.equal('true');
    const rows = [...root.querySelectorAll('.panel li')];
    expect(rows.map((li) => [li.querySelector('.title')!.textContent, li.classList.contains('unread')])).to.deep.equal([
      ['支付申请 #12 已支付，1,234.00 元', true], ['待审批：支付申请 #11，50.00 元', true], ['旧通知', false],
    ]);
    rows[0]!.querySelector('button')!.click();
    await el.updateComplete;
    // At once locally, and recorded by the server (which answers with its own count).
    expect(root.querySelector('.count')!.textContent).to.equal('1');
    await until(() => s.mock.calls.some((c) => c.method === 'POST' && c.url === '/api/units/a/notifications/4/read'));
    await until(() => s.state.list.find((n) => n.id === 4)!.read);
    // A reopened bell (another tab, another browser) shows what the server keeps.
    const again = await fixture<UbNotificationBell>(html`<ub-notification-bell .unitId=${'a'} .userId=${6} .pollMs=${0}></ub-notification-bell>`);
    await until(() => again.items.length === 3);
    expect(again.unreadCount).to.equal(1);
    expect(again.unread.map((n) => n.id)).to.deep.equal([3]);
    // A notice arrives after the list was shown: "mark all read" leaves it unread.
    s.state.list = [note(5, '预算调剂 #7 已审批通过，10.00 元'), ...s.state.list];
    (root.querySelector('.panel .head button') as HTMLButtonElement).click();
    await until(() => s.mock.calls.some((c) => c.url === '/api/units/a/notifications/read-all'));
    expect(s.mock.calls.find((c) => c.url === '/api/units/a/notifications/read-all')!.body).to.deep.equal({ upToId: 4 });
    await until(() => el.unreadCount === 1);
    expect(s.state.list.filter((n) => !n.read).map((n) => n.id)).to.deep.equal([5]);
  });

  it('puts the notice back to unread when the server refuses to mark it', async () => {
    const s = server([note(8, '支付申请 #20 被退回，9.00 元')]);
    mock = s.mock;
    s.state.failMarks = true;
    const el = await fixture<UbNotificationBell>(html`<ub-notification-bell .unitId=${'a'} .userId=${6} .pollMs=${0}></ub-notification-bell>`);
    await until(() => el.items.length === 1);
    await el.markRead(8);
    await until(() => el.error !== '' && el.unreadCount === 1 && el.unread.length === 1);
    expect(el.error).to.contain('标记已读失败');
  });

  it('goes live on core:notifications and on each plugin with the realtime grant, reloads on a message and reconnects on a drop', async () => {
    let list = [note(1, '旧通知')];
    mock = mockFetch({
      'GET /api/units/a/notifications': () => ({ body: list }),
      'GET /api/units/a/notifications/unread-count': () => ({ body: { unread: list.filter((n) => !n.read).length } }),
      'GET /api/units/a/plugins': {
        body: [
          { pluginId: 'notify-demo', state: 'enabled', grants: ['events', 'notify', 'realtime'] },
          { pluginId: 'quiet', state: 'enabled', grants: ['events'] },
          { pluginId: 'off', state: 'disabled', grants: ['realtime'] },
        ],
      },
    });
    const el = await fixture<UbNotificationBell>(html`<ub-notification-bell .unitId=${'a'} .userId=${6} .pollMs=${0}></ub-notification-bell>`);
    await until(() => FakeStream.all.length === 2);
    expect(FakeStream.all.map((x) => x.url)).to.deep.equal([
      '/api/units/a/realtime?channel=core%3Anotifications',
      '/api/units/a/realtime?channel=notify-demo%3Anotifications',
    ]);
    const core = FakeStream.all[0]!;
    core.emit('ready', '{"channel":"core:notifications"}');
    expect(el.live).to.equal(true);
    list = [note(2, '支付申请 #12 已支付，1,234.00 元'), ...list];
    core.emit('message', '{"changed":true}');
    await until(() => el.items.length === 2);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.count')!.textContent).to.equal('2');
    // A plugin's announcement reloads too.
    list = [note(3, '插件提醒'), ...list];
    FakeStream.all[1]!.emit('message', '{"id":3}');
    await until(() => el.items.length === 3);
    // The connection drops: the stream is closed and a new one opened, which catches up on ready.
    core.onerror!(new Event('error'));
    expect(core.closed).to.equal(true);
    await until(() => FakeStream.all.length === 3);
    expect(FakeStream.all[2]!.url).to.equal('/api/units/a/realtime?channel=core%3Anotifications');
    list = [note(4, '又一条'), ...list];
    FakeStream.all[2]!.emit('ready');
    await until(() => el.items.length === 4);
    el.remove();
    expect(FakeStream.all[2]!.closed).to.equal(true);
    expect(FakeStream.all[1]!.closed).to.equal(true);
  });

  it('is keyboard operable: opens on Enter, arrows move between items, Escape closes and returns focus', async () => {
    mock = server([note(3, '一'), note(2, '二')]).mock;
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
