import { expect, fixture, html } from '@open-wc/testing';
import '../src/components/flow-editor.js';
import { stepApplies, type UbFlowEditor } from '../src/components/flow-editor.js';
import type { FlowStep } from '../src/lib/types.js';

const flow = {
  name: '支付审批流',
  steps: [
    { role: 'department_head', label: '科室负责人审核' },
    { role: 'finance_officer', label: '财务审核' },
    { role: 'leader', label: '单位领导审批', when: { amountAbove: 5000000, threePublic: true } },
  ] as FlowStep[],
};

const steps = (el: UbFlowEditor) => [...el.shadowRoot!.querySelectorAll('li.step')];
const field = (root: Element | ShadowRoot, name: string) => root.querySelector(`[name=${name}]`) as HTMLInputElement;
const type = (root: Element | ShadowRoot, name: string, value: string) => {
  const f = field(root, name);
  f.value = value;
  f.dispatchEvent(new Event(f.tagName === 'SELECT' ? 'change' : 'input'));
};

describe('ub-flow-editor', () => {
  it('shows the flow as ordered steps with their tiers in yuan', async () => {
    const el = await fixture<UbFlowEditor>(html`<ub-flow-editor .flow=${flow}></ub-flow-editor>`);
    expect(steps(el)).to.have.length(3);
    expect(steps(el).map((s) => field(s, 'label').value)).to.deep.equal(['科室负责人审核', '财务审核', '单位领导审批']);
    expect(field(steps(el)[2]!, 'amountAbove').value).to.equal('50000.00');
    expect(field(steps(el)[2]!, 'threePublic').checked).to.equal(true);
    expect(field(steps(el)[0]!, 'amountAbove')).to.equal(null);
    expect(steps(el)[2]!.querySelector('.summary')!.textContent).to.equal('= 金额 > 50,000.00 元 或 三公经费');
    // unchanged, it saves back exactly what it got
    expect(el.collect()).to.deep.equal(flow);
  });

  it('adds a conditional step by amount and economic class, reorders and removes', async () => {
    const el = await fixture<UbFlowEditor>(html`<ub-flow-editor .flow=${flow}></ub-flow-editor>`);
    (el.shadowRoot!.querySelector('button[data-action=add]') as HTMLButtonElement).click();
    await el.updateComplete;
    const added = steps(el)[3]!;
    type(added, 'role', 'unit_admin');
    type(added, 'label', '单位管理员复核');
    (added.querySelector('input[value=conditional]') as HTMLInputElement).click();
    await el.updateComplete;
    type(steps(el)[3]!, 'amountAbove', '2,000');
    type(steps(el)[3]!, 'prefixes', '30216，310');
    await el.updateComplete;
    // move it above the leader, drop the department head
    (steps(el)[3]!.querySelector('button[aria-label^=上移]') as HTMLButtonElement).click();
    await el.updateComplete;
    (steps(el)[0]!.querySelector('button[data-action=remove]') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(el.collect()).to.deep.equal({
      name: '支付审批流',
      steps: [
        { role: 'finance_officer', label: '财务审核' },
        { role: 'unit_admin', label: '单位管理员复核', when: { amountAbove: 200000, economicPrefixes: ['30216', '310'] } },
        { role: 'leader', label: '单位领导审批', when: { amountAbove: 5000000, threePublic: true } },
      ],
    });
  });

  it('refuses an unnamed step, a bad class code and a condition with nothing set', async () => {
    const el = await fixture<UbFlowEditor>(html`<ub-flow-editor .flow=${flow}></ub-flow-editor>`);
    type(steps(el)[0]!, 'label', ' ');
    type(steps(el)[2]!, 'amountAbove', '');
    (steps(el)[2]!.querySelector('[name=threePublic]') as HTMLInputElement).click();
    await el.updateComplete;
    expect(el.collect()).to.equal(null);
    await el.updateComplete;
    type(steps(el)[1]!, 'label', '财务审核');
    (steps(el)[1]!.querySelector('input[value=conditional]') as HTMLInputElement).click();
    await el.updateComplete;
    type(steps(el)[1]!, 'prefixes', '30a');
    expect(el.collect()).to.equal(null);
    await el.updateComplete;
    expect([...el.shadowRoot!.querySelectorAll('ul.errors li')].map((l) => l.textContent)).to.deep.equal([
      '第 1 步：请填写环节名称',
      '第 2 步：经济分类编码应为 3–7 位数字：30a',
      '第 3 步：请至少设置一个条件，或改为“始终需要”',
    ]);
    // the last step cannot be removed: a flow needs one
    for (let i = 0; i < 2; i++) {
      (steps(el)[0]!.querySelector('button[data-action=remove]') as HTMLButtonElement).click();
      await el.updateComplete;
    }
    expect(steps(el)).to.have.length(1);
    expect((steps(el)[0]!.querySelector('button[data-action=remove]') as HTMLButtonElement).disabled).to.equal(true);
  });

  it('previews which steps a request goes through, with the ledger’s rule', async () => {
    const el = await fixture<UbFlowEditor>(html`<ub-flow-editor .flow=${flow}></ub-flow-editor>`);
    type(el.shadowRoot!, 'previewAmount', '49,999.99');
    type(el.shadowRoot!, 'previewEconomic', '30201');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.preview-result')!.textContent).to.equal('需要审批：科室负责人审核 → 财务审核');
    type(el.shadowRoot!, 'previewEconomic', '30217');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.preview-result')!.textContent).to.equal('需要审批：科室负责人审核 → 财务审核 → 单位领导审批');
    expect(stepApplies(flow.steps[2]!, { amount: 5000001, economicCode: '30201' })).to.equal(true);
    expect(stepApplies(flow.steps[2]!, { amount: 5000000, economicCode: '30201' })).to.equal(false);
    expect(stepApplies({ role: 'leader', label: 'x', when: { economicPrefixes: ['310'] } }, { amount: 1, economicCode: '31002' })).to.equal(true);
  });
});
