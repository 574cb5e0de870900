import { expect, fixture, html } from '@open-wc/testing';
import '../src/components/rule-findings.js';
import type { UbRuleFindings } from '../src/components/rule-findings.js';
import type { CheckResult } from '../src/lib/types.js';

const result = (over: Partial<CheckResult>): CheckResult => ({ ok: true, findings: [], available: 1000000, steps: [{ role: 'finance_officer', label: '财务审核' }], ...over });

describe('ub-rule-findings', () => {
  it('shows nothing tripped, the balance after, and who approves', async () => {
    const el = await fixture<UbRuleFindings>(html`<ub-rule-findings .result=${result({})} .amount=${250000}></ub-rule-findings>`);
    expect(el.state).to.equal('ok');
    const text = el.shadowRoot!.textContent!;
    expect(text).to.contain('未触发控制规则');
    expect(el.shadowRoot!.querySelector('[data-after]')!.textContent).to.equal('7,500.00');
    expect(text).to.contain('财务审核');
  });

  it('lists warnings', async () => {
    const el = await fixture<UbRuleFindings>(html`<ub-rule-findings .result=${result({ findings: [{ rule: 'three_public_cap', severity: 'warn', message: '超过三公经费控制数', details: {} }] })}></ub-rule-findings>`);
    expect(el.state).to.equal('warn');
    expect(el.shadowRoot!.querySelector('li[data-rule=three_public_cap]')!.textContent).to.contain('超过三公经费控制数');
    expect(el.shadowRoot!.querySelector('.badge.warn')).to.exist;
  });

  it('marks a blocking result', async () => {
    const el = await fixture<UbRuleFindings>(html`<ub-rule-findings .result=${result({ ok: false, findings: [{ rule: 'balance', severity: 'block', message: '可用余额不足', details: {} }] })}></ub-rule-findings>`);
    expect(el.state).to.equal('block');
    expect(el.shadowRoot!.querySelector('[data-state=block]')!.textContent).to.contain('无法提交');
    expect(el.shadowRoot!.querySelector('section')!.getAttribute('aria-live')).to.equal('polite');
  });

  it('says when it is checking', async () => {
    const el = await fixture<UbRuleFindings>(html`<ub-rule-findings checking></ub-rule-findings>`);
    expect(el.state).to.equal('idle');
    expect(el.shadowRoot!.textContent).to.contain('正在检查');
  });
});
