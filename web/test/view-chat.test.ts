import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { FakeStream } from './fake-stream.js';
import '../src/components/view-chat.js';
import { UbViewChat } from '../src/components/view-chat.js';
import type { ChatBlock } from '../src/components/view-spec.js';

const msg = (id: string, text: string, extra: Record<string, unknown> = {}) => ({ id, author: '钱芳', at: '06-15 16:00', text, ...extra });
const base = '/api/units/a/plugins/collab/routes/threads/t1';

describe('ub-view-chat live', () => {
  const connect = UbViewChat.connect;
  const delay = UbViewChat.delay;
  let mock: ReturnType<typeof mockFetch> | undefined;
  beforeEach(() => {
    FakeStream.all = [];
    UbViewChat.connect = (url) => new FakeStream(url);
    UbViewChat.delay = () => 0;
  });
  afterEach(() => {
    mock?.restore();
    UbViewChat.connect = connect;
    UbViewChat.delay = delay;
  });

  it('fetches after the last message on each hint, shows each message once, resumes after a dropped stream, reports read and typing', async () => {
    // The server: messages m1…mN; `after=` answers from the message after it, repeating the one before (an overlap the client must absorb).
    const server = { all: [msg('m1', '第一条'), msg('m2', '第二条')] as Array<ReturnType<typeof msg>> };
    mock = mockFetch({
      [`GET ${base}/messages`]: (call) => {
        const after = new URL(call.url, location.origin).searchParams.get('after');
        const at = after ? server.all.findIndex((m) => m.id === after) : -1;
        return { body: { messages: after ? server.all.slice(Math.max(0, at - 1)) : server.all } };
      },
      [`POST ${base}/read`]: { body: { ok: true } },
      [`POST ${base}/typing`]: { body: { ok: true } },
      [`POST ${base}/messages`]: (call) => {
        server.all.push(msg(`m${server.all.length + 1}`, (call.body as { text: string }).text, { author: '孙浩' }));
        return { body: { message: { id: server.all.at(-1)!.id } } };
      },
    });
    const block = {
      type: 'chat', title: '讨论', messages: [server.all[0]!, server.all[1]!], post: 'threads/t1/messages',
      live: { channel: 'collab:t-abc', fetch: 'threads/t1/messages', typing: 'threads/t1/typing', read: 'threads/t1/read' },
    } as ChatBlock;
    const el = await fixture<UbViewChat>(html`<ub-view-chat .block=${block} .unitId=${'a'} .pluginId=${'collab'} .me=${'孙浩'}></ub-view-chat>`);
    await until(() => FakeStream.all.length === 1);
    expect(FakeStream.all[0]!.url).to.equal('/api/units/a/realtime?channel=collab%3At-abc');
    const ids = () => [...el.shadowRoot!.querySelectorAll('ol > li')].map((li) => li.getAttribute('data-id'));
    FakeStream.all[0]!.emit('ready');
    server.all.push(msg('m3', '第三条'));
    FakeStream.all[0]!.emit('message', JSON.stringify({ threadId: 't1', type: 'message', messageId: 'm3' }));
    await until(() => ids().length === 3);
    expect(mock.calls.some((c) => c.url.endsWith('/messages?after=m2'))).to.equal(true);
    // The stream drops; two messages arrive meanwhile; the reconnect catches up.
    FakeStream.all[0]!.onerror!(new Event('error'));
    server.all.push(msg('m4', '第四条'), msg('m5', '第五条'));
    await until(() => FakeStream.all.length === 2);
    FakeStream.all[1]!.emit('ready');
    await until(() => ids().length === 5);
    expect(ids()).to.deep.equal(['m1', 'm2', 'm3', 'm4', 'm5']);
    await until(() => mock!.calls.some((c) => c.url.endsWith('/read') && (c.body as { messageId: string }).messageId === 'm5'));
    // Someone else typing is shown; one's own hint is not.
    FakeStream.all[1]!.emit('message', JSON.stringify({ threadId: 't1', type: 'typing', name: '李静' }));
    FakeStream.all[1]!.emit('message', JSON.stringify({ threadId: 't1', type: 'typing', name: '孙浩' }));
    await until(() => el.shadowRoot!.querySelector('.typing')!.textContent!.includes('李静'));
    expect(el.shadowRoot!.querySelector('.typing')!.textContent).not.to.contain('孙浩');
    // Typing is announced; sending fetches the new message like anyone else's.
    const box = el.shadowRoot!.querySelector('textarea')!;
    box.value = '收到';
    box.dispatchEvent(new Event('input'));
    await until(() => mock!.calls.some((c) => c.url.endsWith('/typing')));
    await el.send();
    await until(() => ids().length === 6);
    expect(el.shadowRoot!.querySelector('li[data-id=m6]')!.className).to.contain('mine');
  });

  it('shows references with live status and amount in yuan, edits, deletions and mentions', async () => {
    mock = mockFetch({});
    const block = {
      type: 'chat', messages: [
        msg('m1', '请看这笔', { refs: [{ label: '支付申请 #12', href: '/audit/12', status: '已支付', amount: 123456 }], attachments: [{ name: '合同.pdf', size: 20480 }], mentionsMe: true }),
        msg('m2', '改过的内容', { edited: true }),
        msg('m3', '（消息已删除）', { deleted: true }),
      ],
    } as ChatBlock;
    const el = await fixture<UbViewChat>(html`<ub-view-chat .block=${block} .unitId=${'a'} .pluginId=${'collab'}></ub-view-chat>`);
    const first = el.shadowRoot!.querySelector('li[data-id=m1]')!;
    expect(first.className).to.contain('mention');
    expect(first.querySelector('a')!.getAttribute('href')).to.equal('/audit/12');
    expect(first.textContent).to.contain('已支付');
    expect(first.textContent).to.contain('1,234.56 元');
    expect(first.textContent).to.contain('合同.pdf');
    expect(el.shadowRoot!.querySelector('li[data-id=m2] [data-mark=edited]')).to.not.equal(null);
    expect(el.shadowRoot!.querySelector('li[data-id=m3]')!.className).to.contain('deleted');
    // Without `live` nothing is opened.
    expect(FakeStream.all).to.have.length(0);
  });
});
