import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/pages/receipts-page.js';
import '../src/pages/budget-wizard.js';
import '../src/pages/admin-members.js';
import '../src/pages/project-form.js';
import type { UbReceiptsPage } from '../src/pages/receipts-page.js';
import type { UbBudgetWizard } from '../src/pages/budget-wizard.js';
import type { UbAdminMembers } from '../src/pages/admin-members.js';
import type { UbProjectForm } from '../src/pages/project-form.js';
import { draftKey } from '../src/lib/draft.js';
import { moneyUnit, moneyUnitText } from '../src/lib/money.js';
import { setLang } from '../src/lib/i18n.js';
import { render } from 'lit';

/** The server's refusal naming a field, as core/http/validation.ts answers it. */
const refusal = (path: string, message: string) => ({
  status: 400, body: { error: { code: 'VALIDATION_FAILED', message, details: { issues: [{ path, field: path, code: 'too_big', message }] } } },
});
const placed = (root: ShadowRoot, field: string) => root.querySelector(`[data-server-error="${field}"]`)?.textContent ?? null;

/** Issue 20: every data-entry form keeps a draft and places the server's field errors the same way (lib/field-errors.ts). */
describe('the data-entry forms as a family', () => {
  const start = location.href;
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => {
    mock?.restore();
    history.replaceState(null, '', start);
    setLang('zh-CN');
    for (const k of Object.keys(localStorage)) if (k.startsWith('ub.draft.')) localStorage.removeItem(k);
  });

  it('收入登记: a draft survives a reload; a refused payer is said under the payer field, focused, with its limit', async () => {
    const finance = ctx({ unitId: 'b', roles: ['finance_officer'], departmentId: null });
    const list = {
      items: [], totals: { byType: [], total: 0 }, cash: { bank: 0, budgetary: 0, committed: 0 }, allowedTypes: ['business'],
      typeFundSources: { business: ['3101'] },
    };
    const mount = async () => {
      mock?.restore();
      mock = mockFetch({ 'GET /api/units/b/receipts': { body: list }, 'GET /api/classifications': { body: [] }, 'POST /api/units/b/receipts': refusal('payer', '缴款单位最多 100 个字符') });
      const el = await fixture<UbReceiptsPage>(html`<ub-receipts-page .ctx=${finance}></ub-receipts-page>`);
      await until(() => el.data);
      await el.updateComplete;
      return el;
    };
    let el = await mount();
    el.draft = { ...el.draft, type: 'business', fundSourceCode: '3101', amount: 12_300, payer: '学生家长', summary: '课后服务收费' };
    await el.updateComplete;
    expect(localStorage.getItem(draftKey('receipt', 'b', 6))).to.contain('学生家长');
    el.remove();
    el = await mount();
    expect(el.draft).to.include({ type: 'business', amount: 12_300, payer: '学生家长', summary: '课后服务收费' });
    expect(el.shadowRoot!.querySelector('form.form [role=status]')!.textContent).to.contain('已恢复');
    const payer = el.shadowRoot!.querySelector('input[name=payer]') as HTMLInputElement;
    expect(payer.maxLength).to.equal(100);
    // Amounts carry a limit too (1,000 亿元 is 18 characters written out with separators).
    expect(el.shadowRoot!.querySelector('ub-amount-input')!.shadowRoot!.querySelector('input')!.maxLength).to.equal(24);
    await el.submit();
    await el.updateComplete;
    expect(placed(el.shadowRoot!, 'payer')).to.equal('缴款单位最多 100 个字符');
    expect(payer.getAttribute('aria-invalid')).to.equal('true');
    expect(el.shadowRoot!.activeElement).to.equal(payer);
    expect(el.error).to.equal('');
    // Not recorded: the draft is still kept.
    expect(localStorage.getItem(draftKey('receipt', 'b', 6))).to.not.equal(null);
  });

  it('预算申请: a refused title sends the wizard back to the step with the title and says it there', async () => {
    mock = mockFetch({
      'GET /api/units/a/budget-templates/personnel': { body: { unitId: 'a', kind: 'personnel', name: 'p', functionalCode: '2050101', fundSourceCode: '11', standards: [] } },
      'GET /api/units/a/budget-templates/operating': { body: { unitId: 'a', kind: 'operating', name: 'o', functionalCode: '2050101', fundSourceCode: '11', standards: [] } },
      'GET /api/units/a/projects': { body: [] },
      'GET /api/classifications': { body: [] },
      'POST /api/units/a/budget-requests': refusal('title', '标题最多 100 个字符'),
    });
    const el = await fixture<UbBudgetWizard>(html`<ub-budget-wizard .ctx=${ctx()}></ub-budget-wizard>`);
    await until(() => el.templates.personnel);
    el.reqTitle = '2027年度部门预算';
    el.headcountText = { personnel: '10', operating: '' };
    el.step = 5;
    await el.save(true);
    await el.updateComplete;
    expect(el.step).to.equal(1);
    const title = el.shadowRoot!.querySelector('input[name=title]') as HTMLInputElement;
    expect(placed(el.shadowRoot!, 'title')).to.equal('标题最多 100 个字符');
    expect(title.getAttribute('aria-invalid')).to.equal('true');
    expect(title.maxLength).to.equal(100);
  });

  it('成员管理: a refused user name is said under it; a department code carries its limit', async () => {
    const admin = ctx({ roles: ['unit_admin'], departmentId: null });
    mock = mockFetch({
      'GET /api/units/a/members': { body: [] },
      'GET /api/units/a/departments': { body: admin.departments },
      'POST /api/units/a/members': refusal('username', '用户名只能包含字母、数字、点、下划线和连字符'),
    });
    const el = await fixture<UbAdminMembers>(html`<ub-admin-members .ctx=${admin}></ub-admin-members>`);
    await until(() => el.shadowRoot!.querySelector('input[name=username]'));
    el.newMember = { username: '张 三', displayName: '张三', password: 'unibudget-demo', roles: ['business_staff'], departmentId: 3 };
    await el.addMember(new Event('submit'));
    await el.updateComplete;
    const username = el.shadowRoot!.querySelector('input[name=username]') as HTMLInputElement;
    expect(placed(el.shadowRoot!, 'username')).to.contain('用户名只能包含');
    expect(username.getAttribute('aria-invalid')).to.equal('true');
    expect(el.error).to.equal('');
    expect((el.shadowRoot!.querySelector('input[name=deptCode]') as HTMLInputElement).maxLength).to.equal(16);
  });

  it('项目入库: a new project’s fields survive a reload; cancelling forgets them', async () => {
    const staff = ctx();
    const mount = () => fixture<UbProjectForm>(html`<ub-project-form .ctx=${staff}></ub-project-form>`);
    let el = await mount();
    el.set({ code: 'JY-2027-01', name: '教师培训' });
    await el.updateComplete;
    el.remove();
    el = await mount();
    expect(el.draft).to.include({ code: 'JY-2027-01', name: '教师培训' });
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role=status]')!.textContent).to.contain('已恢复');
    expect((el.shadowRoot!.querySelector('input[name=name]') as HTMLInputElement).maxLength).to.equal(200);
    (el.shadowRoot!.querySelector('.actions button[type=button]') as HTMLButtonElement).click();
    expect(localStorage.getItem(draftKey('project', 'a', 6))).to.equal(null);
  });

  it('money says its unit through one caption, in the user’s language', async () => {
    const box = document.createElement('div');
    render(html`${moneyUnit()} ${moneyUnit('wan')}`, box);
    expect(box.textContent!.replace(/\s+/g, ' ').trim()).to.equal('单位：元 单位：万元');
    setLang('en');
    expect(moneyUnitText()).to.equal('Unit: yuan');
    expect(moneyUnitText('wan')).to.equal('Unit: 10,000 yuan');
  });
});
