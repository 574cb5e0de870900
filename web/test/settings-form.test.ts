import { expect, fixture, html } from '@open-wc/testing';
import '../src/components/settings-form.js';
import type { UbSettingsForm } from '../src/components/settings-form.js';
import type { SettingField } from '../src/lib/types.js';
import { setLang } from '../src/lib/i18n.js';

const fields: SettingField[] = [
  { key: 'warnAboveFen', label: { zh: '提醒金额（分）', en: 'Warn above (fen)' }, type: 'number', required: false, default: 1000000, min: 0, max: 100000000 },
  { key: 'channel', label: { zh: '通知方式', en: 'Channel' }, type: 'select', required: true, options: [{ value: 'inbox', label: '站内' }, { value: 'sms', label: '短信' }] },
  { key: 'title', label: { zh: '标题', en: 'Title' }, type: 'string', required: true },
  { key: 'strict', label: { zh: '严格模式', en: 'Strict' }, type: 'boolean', required: false, default: true },
];

const input = (el: UbSettingsForm, name: string) => el.shadowRoot!.querySelector(`[name=${name}]`) as HTMLInputElement & HTMLSelectElement;
const type = (el: UbSettingsForm, name: string, value: string) => {
  const f = input(el, name);
  f.value = value;
  f.dispatchEvent(new Event(f.tagName === 'SELECT' ? 'change' : 'input'));
};

describe('ub-settings-form', () => {
  afterEach(() => setLang('zh-CN'));

  it('renders one control per schema field with saved values over defaults', async () => {
    const el = await fixture<UbSettingsForm>(html`<ub-settings-form .fields=${fields} .values=${{ title: '月报' }}></ub-settings-form>`);
    expect(input(el, 'warnAboveFen').type).to.equal('number');
    expect(input(el, 'warnAboveFen').value).to.equal('1000000');
    expect(input(el, 'warnAboveFen').min).to.equal('0');
    expect(input(el, 'channel').tagName).to.equal('SELECT');
    expect([...input(el, 'channel').options].map((o) => o.value)).to.deep.equal(['', 'inbox', 'sms']);
    expect(input(el, 'title').value).to.equal('月报');
    expect(input(el, 'strict').type).to.equal('checkbox');
    expect(input(el, 'strict').checked).to.equal(true);
    expect(el.shadowRoot!.textContent).to.contain('提醒金额（分）');
  });

  it('refuses missing required values and numbers out of range, then returns typed values', async () => {
    const el = await fixture<UbSettingsForm>(html`<ub-settings-form .fields=${fields} .values=${{}}></ub-settings-form>`);
    type(el, 'warnAboveFen', '-5');
    expect(el.collect()).to.equal(null);
    await el.updateComplete;
    expect([...el.shadowRoot!.querySelectorAll('[role=alert]')].map((e) => e.textContent)).to.deep.equal(['不能小于 0', '必填', '必填']);
    expect(input(el, 'warnAboveFen').getAttribute('aria-invalid')).to.equal('true');
    type(el, 'warnAboveFen', '250000000');
    el.collect();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal('不能大于 100000000');
    type(el, 'warnAboveFen', '500000');
    type(el, 'channel', 'sms');
    type(el, 'title', '  周报 ');
    const strict = input(el, 'strict');
    strict.checked = false;
    strict.dispatchEvent(new Event('change'));
    expect(el.collect()).to.deep.equal({ warnAboveFen: 500000, channel: 'sms', title: '周报', strict: false });
  });

  it('labels fields in English and says when a plugin has no settings', async () => {
    setLang('en');
    const el = await fixture<UbSettingsForm>(html`<ub-settings-form .fields=${fields}></ub-settings-form>`);
    expect(el.shadowRoot!.textContent).to.contain('Warn above (fen)');
    const none = await fixture<UbSettingsForm>(html`<ub-settings-form .fields=${[]}></ub-settings-form>`);
    expect(none.shadowRoot!.textContent).to.contain('This plugin has no settings');
    expect(none.collect()).to.deep.equal({});
  });
});
