import { expect, fixture, html } from '@open-wc/testing';
import '../src/components/settings-form.js';
import { shownValue, storedValue, type UbSettingsForm } from '../src/components/settings-form.js';
import type { SettingField } from '../src/lib/types.js';
import { setLang } from '../src/lib/i18n.js';

/**
 * Plugin settings are typed in 元 and %, never in 分 or fractions: a `shownAs: 'yuan'` field stores integer
 * fen, a `shownAs: 'percent'` field a fraction; limits are shown converted and checked in the stored unit.
 */
const fields: SettingField[] = [
  { key: 'largePaymentFen', label: { zh: '大额单笔支付金额', en: 'Large single payment' }, type: 'number', required: false, default: 50000000, min: 1, shownAs: 'yuan' },
  { key: 'progressTolerance', label: { zh: '序时进度容差', en: 'Progress tolerance' }, type: 'number', required: false, default: 0.1, min: 0.01, max: 0.5, shownAs: 'percent' },
];
const input = (el: UbSettingsForm, name: string) => el.shadowRoot!.querySelector(`[name=${name}]`) as HTMLInputElement;
const type = (el: UbSettingsForm, name: string, value: string) => {
  const f = input(el, name);
  f.value = value;
  f.dispatchEvent(new Event('input'));
};

describe('settings in 元 and %', () => {
  afterEach(() => setLang('zh-CN'));

  it('converts both ways without float noise', () => {
    const [yuan, pct] = fields as [SettingField, SettingField];
    expect(shownValue(yuan, 50000000)).to.equal('500000.00');
    expect(storedValue(yuan, '12,345.67')).to.equal(1234567);
    expect(storedValue(yuan, '1.234')).to.equal(null);
    expect(shownValue(pct, 0.1)).to.equal('10');
    expect(shownValue(pct, 0.075)).to.equal('7.5');
    expect(storedValue(pct, '12.25')).to.equal(0.1225);
    expect(storedValue(pct, '15 %')).to.equal(0.15);
    expect(storedValue(pct, '1.234')).to.equal(null);
  });

  it('shows saved fen as 元 and fractions as %, with the unit and the converted limits', async () => {
    const el = await fixture<UbSettingsForm>(html`<ub-settings-form .fields=${fields} .values=${{ largePaymentFen: 12345678 }}></ub-settings-form>`);
    expect(input(el, 'largePaymentFen').value).to.equal('123456.78');
    expect(input(el, 'largePaymentFen').getAttribute('inputmode')).to.equal('decimal');
    expect(input(el, 'progressTolerance').value).to.equal('10');
    expect(input(el, 'progressTolerance').min).to.equal('1');
    expect(input(el, 'progressTolerance').max).to.equal('50');
    const text = el.shadowRoot!.textContent!;
    expect(text).to.contain('单位：元');
    expect(text).to.contain('单位：%');
    expect(text).to.contain('1 % – 50 %');
    expect(text).not.to.contain('分');
  });

  it('stores what was typed in fen and fractions; refuses out-of-range values naming the limit as typed', async () => {
    const el = await fixture<UbSettingsForm>(html`<ub-settings-form .fields=${fields} .values=${{}}></ub-settings-form>`);
    type(el, 'largePaymentFen', '80,000.50');
    type(el, 'progressTolerance', '12.5');
    expect(el.collect()).to.deep.equal({ largePaymentFen: 8000050, progressTolerance: 0.125 });
    type(el, 'progressTolerance', '60');
    expect(el.collect()).to.equal(null);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal('不能大于 50 %');
    type(el, 'progressTolerance', '10');
    type(el, 'largePaymentFen', '0.001');
    expect(el.collect()).to.equal(null);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('最多两位小数');
  });

  it('in English: Unit: yuan', async () => {
    setLang('en');
    const el = await fixture<UbSettingsForm>(html`<ub-settings-form .fields=${fields}></ub-settings-form>`);
    expect(el.shadowRoot!.textContent).to.contain('Unit: yuan');
    expect(el.shadowRoot!.textContent).to.contain('Large single payment');
  });
});
