import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx, indicator } from './fixtures.js';
import '../src/pages/payment-wizard.js';
import type { UbPaymentWizard } from '../src/pages/payment-wizard.js';
import { draftKey } from '../src/lib/draft.js';
import { urlParam } from '../src/lib/url-state.js';

const inds = [indicator({ id: 4, code: 'ZB2026-0004', available: 500000 })];

function typeInto(root: Element, selector: string, value: string) {
  const input = root.shadowRoot!.querySelector(selector) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event('input'));
}

/** Back and reload never lose what was typed; focus follows the steps (keyboard and screen-reader users). */
describe('payment wizard: step in the address, a kept draft, focus on each step', () => {
  const start = location.href;
  let mock: ReturnType<typeof mockFetch> | undefined;
  const key = draftKey('payment', 'a', 6);
  afterEach(() => {
    mock?.restore();
    history.replaceState(null, '', start);
    localStorage.removeItem(key);
  });

  async function mount() {
    mock?.restore();
    mock = mockFetch({
      'GET /api/units/a/indicators': { body: inds },
      'GET /api/units/a/control-rules': { body: [] },
      'GET /api/classifications': { body: [] },
      'POST /api/units/a/payments/check': { body: { ok: true, findings: [], available: 500000, steps: [] } },
      'POST /api/units/a/payments': (c) => ({ status: 201, body: { id: 91, ...(c.body as object), warnings: [], steps: [], comments: [] } }),
    });
    const el = await fixture<UbPaymentWizard>(html`<ub-payment-wizard .ctx=${ctx()}></ub-payment-wizard>`);
    await until(() => el.indicators.length === 1);
    await el.updateComplete;
    return el;
  }

  it('puts each step in the address, moves focus to its heading, and Back returns to the step before', async () => {
    const el = await mount();
    el.choose(4);
    el.goDetails();
    await el.updateComplete;
    expect(urlParam('step')).to.equal('2');
    const heading = el.shadowRoot!.querySelector('.step-heading') as HTMLElement;
    expect(heading.textContent).to.contain('2.');
    expect(el.shadowRoot!.activeElement).to.equal(heading);
    history.back();
    await until(() => el.step === 1);
    expect(urlParam('step')).to.equal('');
  });

  it('keeps what was typed across a reload, says so, and forgets it once submitted', async () => {
    const el = await mount();
    el.choose(4);
    el.goDetails();
    await el.updateComplete;
    typeInto(el.shadowRoot!.querySelector('ub-amount-input')!, 'input', '88.50');
    typeInto(el, 'input[name=payeeName]', '示范县文印中心');
    typeInto(el, 'textarea[name=purpose]', '资料印刷');
    await el.updateComplete;
    expect(JSON.parse(localStorage.getItem(key)!).value).to.include({ payeeName: '示范县文印中心', amount: 8850, indicatorId: 4 });
    el.remove();

    // "reload": the address still says step 2
    const again = await mount();
    await until(() => again.payeeName === '示范县文印中心');
    await again.updateComplete;
    expect(again.step).to.equal(2);
    expect(again.amount).to.equal(8850);
    expect(again.shadowRoot!.textContent).to.contain('已恢复上次未提交的草稿');
    expect((again.shadowRoot!.querySelector('input[name=payeeName]') as HTMLInputElement).value).to.equal('示范县文印中心');

    again.goConfirm();
    await again.updateComplete;
    expect(again.step).to.equal(3);
    await again.submit();
    await again.updateComplete;
    expect(localStorage.getItem(key)).to.equal(null);
    const done = again.shadowRoot!.querySelector('.step-heading') as HTMLElement;
    expect(done.textContent).to.contain('91');
    expect(again.shadowRoot!.activeElement).to.equal(done);
    expect(urlParam('step')).to.equal('');
  });

  it('a draft of another person or unit is never offered', async () => {
    localStorage.setItem(draftKey('payment', 'a', 999), JSON.stringify({ at: Date.now(), value: { indicatorId: 4, amount: 100, payeeName: '别人的', payeeAccount: '', payeeBank: '', purpose: 'x', date: '2026-12-01', procurement: false, contractNo: '' } }));
    const el = await mount();
    await el.updateComplete;
    expect(el.payeeName).to.equal('');
    expect(el.shadowRoot!.textContent).not.to.contain('已恢复');
    localStorage.removeItem(draftKey('payment', 'a', 999));
  });
});

describe('budget wizard: step in the address and a kept draft', () => {
  const start = location.href;
  let mock: ReturnType<typeof mockFetch> | undefined;
  const key = draftKey('budget', 'a', 6);
  afterEach(() => {
    mock?.restore();
    history.replaceState(null, '', start);
    localStorage.removeItem(key);
  });
  const template = (kind: string, standards: object[]) => ({ unitId: 'a', kind, name: kind, functionalCode: '2050101', fundSourceCode: '11', standards });

  async function mount() {
    mock?.restore();
    mock = mockFetch({
      'GET /api/units/a/budget-templates/personnel': { body: template('personnel', [{ economicCode: '30101', name: '基本工资', perHeadAmount: 10560000 }]) },
      'GET /api/units/a/budget-templates/operating': { body: template('operating', [{ economicCode: '30201', name: '办公费', perHeadAmount: 392500 }]) },
      'GET /api/units/a/projects': { body: [] },
      'GET /api/classifications': { body: [] },
      'POST /api/units/a/budget-requests': { status: 201, body: { id: 9 } },
      'POST /api/units/a/budget-requests/9/submit': { body: { id: 9 } },
    });
    await import('../src/pages/budget-wizard.js');
    const el = await fixture<HTMLElementTagNameMap['ub-budget-wizard']>(html`<ub-budget-wizard .ctx=${ctx()}></ub-budget-wizard>`);
    await until(() => el.templates.personnel);
    await el.updateComplete;
    return el;
  }

  it('a reload returns to the step and the headcount typed; Back goes one step back; saving forgets the draft', async () => {
    const el = await mount();
    el.reqTitle = '2027年度部门预算';
    el.go(2);
    await el.updateComplete;
    el.headcountText = { personnel: '12', operating: '' };
    el.go(3);
    await el.updateComplete;
    expect(urlParam('step')).to.equal('3');
    expect(el.shadowRoot!.activeElement).to.equal(el.shadowRoot!.querySelector('.step-heading'));
    history.back();
    await until(() => el.step === 2);
    el.remove();

    const again = await mount();
    await until(() => again.reqTitle === '2027年度部门预算');
    expect(again.step).to.equal(2);
    expect(again.headcountText.personnel).to.equal('12');
    again.go(5);
    again.step = 5;
    await again.updateComplete;
    await again.save(true);
    expect(localStorage.getItem(key)).to.equal(null);
  });

  it('a draft of an older shape is dropped, never a broken page', async () => {
    localStorage.setItem(key, JSON.stringify({ at: Date.now(), value: { title: 'old shape' } }));
    const el = await mount();
    expect(el.error).to.equal('');
    expect(localStorage.getItem(key)).to.equal(null);
  });
});
