import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, sleep, until } from './mock-fetch.js';
import { ctx, indicator } from './fixtures.js';
import '../src/pages/payment-wizard.js';
import type { UbPaymentWizard } from '../src/pages/payment-wizard.js';
import { CHECK_DEBOUNCE_MS } from '../src/pages/payment-wizard.js';

const inds = [indicator({ id: 4, code: 'ZB2026-0004', available: 500000 }), indicator({ id: 5, code: 'ZB2026-0005', economicCode: '30217', available: 80000 })];

function typeInto(el: Element, selector: string, value: string) {
  const input = el.shadowRoot!.querySelector(selector) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input'));
}

function typeAmount(el: UbPaymentWizard, value: string) {
  const amount = el.shadowRoot!.querySelector('ub-amount-input')!;
  typeInto(amount, 'input', value);
}

describe('ub-payment-wizard', () => {
  let mock: ReturnType<typeof mockFetch>;
  // The wizard keeps a draft (localStorage) and its step (the address): each test starts without either.
  const start = location.href;
  afterEach(() => {
    mock?.restore();
    history.replaceState(null, '', start);
    for (const k of Object.keys(localStorage)) if (k.startsWith('ub.draft.')) localStorage.removeItem(k);
  });

  async function mount(check: (amount: number) => object) {
    mock = mockFetch({
      'GET /api/units/a/indicators': { body: inds },
      'GET /api/units/a/control-rules': { body: [{ code: 'balance', hard: true }, { code: 'three_public_cap', hard: false }] },
      'GET /api/classifications': { body: [{ code: '30201', name: '办公费' }] },
      'POST /api/units/a/payments/check': (c) => ({ body: check((c.body as { amount: number }).amount) }),
      'POST /api/units/a/payments': (c) => ({ status: 201, body: { id: 77, ...(c.body as object), warnings: [], steps: [], comments: [] } }),
    });
    const el = await fixture<UbPaymentWizard>(html`<ub-payment-wizard .ctx=${ctx()}></ub-payment-wizard>`);
    await until(() => el.shadowRoot!.querySelectorAll('input[type=radio]').length === 2);
    return el;
  }

  it('shows each indicator with its available balance, right-aligned', async () => {
    const el = await mount(() => ({ ok: true, findings: [], available: 500000, steps: [] }));
    const row = el.shadowRoot!.querySelector('tbody tr')!;
    expect(row.textContent).to.contain('ZB2026-0004');
    expect(row.querySelector('td.num strong')!.textContent).to.equal('5,000.00');
    const next = [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === '下一步')!;
    expect(next.disabled).to.equal(true);
  });

  it('checks the rules live while typing, debounced, and shows the warning', async () => {
    const el = await mount((amount) =>
      amount > 60000
        ? { ok: true, findings: [{ rule: 'three_public_cap', severity: 'warn', message: '超过三公经费控制数', details: {} }], available: 80000, steps: [{ role: 'leader', label: '单位领导审批' }] }
        : { ok: true, findings: [], available: 80000, steps: [] },
    );
    (el.shadowRoot!.querySelectorAll('input[type=radio]')[1] as HTMLInputElement).dispatchEvent(new Event('change'));
    el.goDetails();
    await el.updateComplete;
    typeAmount(el, '7');
    typeAmount(el, '70');
    typeAmount(el, '700');
    await sleep(CHECK_DEBOUNCE_MS + 150);
    await el.updateComplete;
    const checks = mock.calls.filter((c) => c.url.endsWith('/payments/check'));
    // opening the step and the three keystrokes fall within one debounce window: one request
    expect(checks.length).to.equal(1);
    expect(checks.at(-1)!.body).to.include({ indicatorId: 5, amount: 70000 });
    const findings = el.shadowRoot!.querySelector('ub-rule-findings')!;
    await until(() => findings.shadowRoot!.textContent!.includes('超过三公经费控制数'));
    expect(findings.shadowRoot!.querySelector('[data-after]')!.textContent).to.equal('100.00');
  });

  it('blocks the next step on a hard rule and offers no override', async () => {
    const el = await mount(() => ({ ok: false, findings: [{ rule: 'balance', severity: 'block', message: '可用余额不足', details: {} }], available: 500000, steps: [] }));
    el.choose(4);
    el.goDetails();
    await el.updateComplete;
    typeAmount(el, '9,000');
    await until(() => el.check !== null);
    await el.updateComplete;
    const next = [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent === '下一步')!;
    expect(next.disabled).to.equal(true);
    expect(el.overridable).to.equal(false);
  });

  it('offers an override for a soft block', async () => {
    const el = await mount(() => ({ ok: false, findings: [{ rule: 'three_public_cap', severity: 'block', message: '超过控制数', details: {} }], available: 500000, steps: [] }));
    el.choose(4);
    el.goDetails();
    await el.updateComplete;
    typeAmount(el, '100');
    await until(() => el.check !== null);
    await el.updateComplete;
    expect(el.overridable).to.equal(true);
    expect(el.shadowRoot!.querySelector('input[name=overrideOn]')).to.exist;
  });

  it('validates inline, then submits the draft in fen', async () => {
    const el = await mount(() => ({ ok: true, findings: [], available: 500000, steps: [] }));
    el.choose(4);
    el.goDetails();
    await el.updateComplete;
    el.goConfirm();
    await el.updateComplete;
    expect(el.step).to.equal(2);
    expect(el.shadowRoot!.textContent).to.contain('此项必填');
    typeAmount(el, '1,234.56');
    typeInto(el, 'input[name=payeeName]', '示范县文印中心');
    typeInto(el, 'textarea[name=purpose]', '资料印刷');
    await el.updateComplete;
    el.goConfirm();
    await el.updateComplete;
    expect(el.step).to.equal(3);
    await el.submit();
    const post = mock.calls.find((c) => c.method === 'POST' && c.url === '/api/units/a/payments')!;
    expect(post.body).to.include({ indicatorId: 4, amount: 123456, payeeName: '示范县文印中心', purpose: '资料印刷', procurement: false });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.contain('77');
  });
});
