import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../src/components/permission-grant-dialog.js';
import type { UbPermissionGrantDialog } from '../src/components/permission-grant-dialog.js';
import { setLang } from '../src/lib/i18n.js';

const request = { pluginId: 'hello-budget', name: 'hello-budget 插件', permissions: ['ledger.read', 'storage', 'events', 'views'] };
const button = (el: UbPermissionGrantDialog, name: string) =>
  [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.trim() === name) as HTMLButtonElement;

describe('ub-permission-grant-dialog', () => {
  afterEach(() => setLang('zh-CN'));

  it('asks one permission at a time and confirms only the allowed ones', async () => {
    const el = await fixture<UbPermissionGrantDialog>(html`<ub-permission-grant-dialog .request=${request}></ub-permission-grant-dialog>`);
    const dialog = el.shadowRoot!.querySelector('[role=dialog]')!;
    expect(dialog.getAttribute('aria-modal')).to.equal('true');
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('“hello-budget 插件” 申请权限');
    const seen: string[] = [];
    for (const allow of [true, false, false, true]) {
      expect(el.shadowRoot!.querySelector('.progress')!.textContent).to.equal(`第 ${seen.length + 1} 项，共 4 项`);
      // exactly one permission is on screen, with what it lets the plugin do
      expect(el.shadowRoot!.querySelectorAll('.perm')).to.have.length(1);
      seen.push(el.shadowRoot!.querySelector('.perm code')!.textContent!);
      button(el, allow ? '允许' : '拒绝').click();
      await el.updateComplete;
    }
    expect(seen).to.deep.equal(request.permissions);
    // the summary lists every answer before anything is granted
    const rows = [...el.shadowRoot!.querySelectorAll('li[data-permission]')].map((li) => [li.getAttribute('data-permission'), li.querySelector('.badge')!.textContent]);
    expect(rows).to.deep.equal([['ledger.read', '允许'], ['storage', '拒绝'], ['events', '拒绝'], ['views', '允许']]);
    setTimeout(() => button(el, '确认并启用').click());
    const ev = await oneEvent(el, 'grant-confirm');
    expect(ev.detail).to.deep.equal({ grants: ['ledger.read', 'views'] });
  });

  it('describes the first permission, starts over, and cancels with Escape', async () => {
    const el = await fixture<UbPermissionGrantDialog>(html`<ub-permission-grant-dialog .request=${request}></ub-permission-grant-dialog>`);
    expect(el.shadowRoot!.querySelector('.perm .name')!.textContent).to.equal('读取本单位账务');
    expect(el.shadowRoot!.querySelector('.perm p')!.textContent).to.contain('只读');
    for (let i = 0; i < 4; i++) el.answer(false);
    await el.updateComplete;
    expect(el.grants).to.deep.equal([]);
    button(el, '重新选择').click();
    await el.updateComplete;
    expect(el.index).to.equal(0);
    expect(el.shadowRoot!.querySelector('.perm code')!.textContent).to.equal('ledger.read');
    setTimeout(() => el.shadowRoot!.querySelector('[role=dialog]')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })));
    await oneEvent(el, 'grant-cancel');
  });

  it('restarts for a new request and speaks English', async () => {
    setLang('en');
    const el = await fixture<UbPermissionGrantDialog>(html`<ub-permission-grant-dialog .request=${request}></ub-permission-grant-dialog>`);
    el.answer(true);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.progress')!.textContent).to.equal('2 of 4');
    el.request = { pluginId: 'x', name: 'X', permissions: ['notify'] };
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.progress')!.textContent).to.equal('1 of 1');
    expect(el.shadowRoot!.querySelector('.perm .name')!.textContent).to.equal('Send notifications');
  });
});
