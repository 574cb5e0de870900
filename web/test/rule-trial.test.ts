import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import '../src/components/rule-trial.js';
import type { UbRuleTrial } from '../src/components/rule-trial.js';

const rules = [
  { code: 'EXPENDITURE_STANDARD_EXCEEDED', label: '不得超过支出标准', hard: false, mode: 'block' },
  { code: 'CONTRACT_REQUIRED', label: '政府采购事项须有合同编号', hard: false, mode: 'warn' },
];
const result = {
  from: '2026-01-01', to: '2026-08-31', evaluated: 120, rules: ['EXPENDITURE_STANDARD_EXCEEDED'],
  proposed: { blocked: { count: 0, amount: 0 }, warned: { count: 2, amount: 380_00 } }, current: { blocked: { count: 2, amount: 380_00 }, warned: { count: 0, amount: 0 } },
  newlyBlocked: { count: 0, amount: 0 }, truncated: false, elapsedMs: 12,
  payments: [
    { id: 41, date: '2026-08-03', amount: 200_00, status: 'paid', purpose: '伙食补助', payeeName: '刘洋', economicCode: '30211', departmentId: 3, severity: 'warn', currentSeverity: 'block', findings: [{ rule: 'EXPENDITURE_STANDARD_EXCEEDED', severity: 'warn', message: '超出支出标准「差旅伙食补助费」：上限 170.00 元，申请 200.00 元' }] },
    { id: 42, date: '2026-08-04', amount: 180_00, status: 'paid', purpose: '伙食补助', payeeName: '刘洋', economicCode: '30211', departmentId: 3, severity: 'warn', currentSeverity: 'block', findings: [] },
  ],
};

describe('rule trial panel', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());

  it('posts the proposed modes and window, and lists the payments with the money', async () => {
    mock = mockFetch({
      'GET /api/units/a/standards/versions': { body: [] },
      'POST /api/units/a/control-rules/trial': { body: result },
    });
    const el = await fixture<UbRuleTrial>(html`<ub-rule-trial .unitId=${'a'} .rules=${rules}></ub-rule-trial>`);
    const root = el.shadowRoot!;
    (root.querySelector('input[name=from]') as HTMLInputElement).value = '2026-01-01';
    root.querySelector('input[name=from]')!.dispatchEvent(new Event('change'));
    (root.querySelector('input[name=to]') as HTMLInputElement).value = '2026-08-31';
    root.querySelector('input[name=to]')!.dispatchEvent(new Event('change'));
    const mode = root.querySelector('select[name=mode-EXPENDITURE_STANDARD_EXCEEDED]') as HTMLSelectElement;
    mode.value = 'warn';
    mode.dispatchEvent(new Event('change'));
    await el.updateComplete;
    (root.querySelector('button[data-run]') as HTMLButtonElement).click();
    await until(() => el.result !== null);
    await el.updateComplete;
    expect(mock.calls.find((c) => c.method === 'POST')!.body).to.deep.equal({ from: '2026-01-01', to: '2026-08-31', ruleModes: { EXPENDITURE_STANDARD_EXCEEDED: 'warn' } });
    expect(root.querySelector('[data-warned]')!.textContent).to.contain('2 笔，380.00 元');
    expect([...root.querySelectorAll('tr[data-payment]')].map((r) => r.getAttribute('data-payment'))).to.deep.equal(['41', '42']);
    expect(root.querySelector('tr[data-payment="41"]')!.textContent).to.contain('200.00');
    expect(root.textContent).to.contain('单位：元');
  });
});
