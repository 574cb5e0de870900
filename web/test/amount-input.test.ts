import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../src/components/amount-input.js';
import type { UbAmountInput, AmountChange } from '../src/components/amount-input.js';

async function type(el: UbAmountInput, text: string) {
  const input = el.shadowRoot!.querySelector('input')!;
  input.value = text;
  const ev = oneEvent(el, 'amount-change');
  input.dispatchEvent(new Event('input'));
  return ((await ev) as CustomEvent<AmountChange>).detail;
}

describe('ub-amount-input', () => {
  it('has a label on its input', async () => {
    const el = await fixture<UbAmountInput>(html`<ub-amount-input label="金额（元）"></ub-amount-input>`);
    const label = el.shadowRoot!.querySelector('label')!;
    expect(label.textContent).to.contain('金额（元）');
    expect(label.querySelector('input')).to.exist;
    await expect(el).shadowDom.to.be.accessible();
  });

  it('parses typed yuan into fen and formats on blur', async () => {
    const el = await fixture<UbAmountInput>(html`<ub-amount-input label="金额" required></ub-amount-input>`);
    expect(await type(el, '12345.6')).to.deep.equal({ fen: 1234560, error: null });
    const input = el.shadowRoot!.querySelector('input')!;
    input.dispatchEvent(new Event('blur'));
    await el.updateComplete;
    expect(input.value).to.equal('12,345.60');
    expect(getComputedStyle(input).textAlign).to.equal('right');
  });

  it('shows inline errors', async () => {
    const el = await fixture<UbAmountInput>(html`<ub-amount-input label="金额" required></ub-amount-input>`);
    expect((await type(el, '1.234')).error).to.contain('两位小数');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.error')!.textContent).to.contain('两位小数');
    expect(el.shadowRoot!.querySelector('input')!.getAttribute('aria-invalid')).to.equal('true');
    expect((await type(el, 'abc')).error).to.contain('格式不正确');
    expect((await type(el, '0')).error).to.contain('大于 0');
    expect((await type(el, '')).fen).to.equal(null);
    expect(el.reportValidity()).to.equal(false);
  });

  it('takes negatives only when allowed, and shows a value given in fen', async () => {
    const el = await fixture<UbAmountInput>(html`<ub-amount-input label="金额" allow-negative .value=${-50000}></ub-amount-input>`);
    expect(el.shadowRoot!.querySelector('input')!.value).to.equal('-500.00');
    expect(await type(el, '-1,000.5')).to.deep.equal({ fen: -100050, error: null });
  });
});
