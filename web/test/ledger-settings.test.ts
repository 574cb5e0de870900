import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import { setLang } from '../src/lib/i18n.js';
import '../src/pages/ledger-settings.js';
import type { UbLedgerSettings } from '../src/pages/ledger-settings.js';
import { THREE_PUBLIC_CODE_LIST } from '@unibudget/sdk/contracts/three-public';

const admin = ctx({ roles: ['unit_admin'], departmentId: null });
const finance = ctx({ roles: ['finance_officer'], departmentId: null });
const leader = ctx({ roles: ['leader'], departmentId: null });

const settings = {
  flexibleThreshold: 2_000_000, // 20,000.00 元
  kindEconomicMap: { personnel: ['301', '303'], operating: ['302', '310'], project: ['302', '310'] },
  timeProgressBasis: 'month',
  disclosureFailedChecks: 'refuse',
  salaryAccrual: false,
  assetAccountMap: { '31002': '1601' },
  // a setting this page does not know yet: shown by its key, PUT back as it came
  futureList: ['x', 'y'],
};
const economic = [
  { code: '301', name: '工资福利支出', attrs: {} }, { code: '302', name: '商品和服务支出', attrs: {} }, { code: '303', name: '对个人和家庭的补助', attrs: {} },
  { code: '309', name: '资本性支出（基本建设）', attrs: {} }, { code: '310', name: '资本性支出', attrs: {} },
  { code: '30212', name: '因公出国（境）费用', attrs: { threePublic: true } }, { code: '30217', name: '公务接待费', attrs: { threePublic: true } },
  { code: '30231', name: '公务用车运行维护费', attrs: { threePublic: true } }, { code: '31013', name: '公务用车购置', attrs: { threePublic: true } },
];
const caps = [{ economicCode: '30217', amount: 5_000_000, used: 1_234_500 }, { economicCode: '30231', amount: 8_000_000, used: 0 }];

const routes = (extra: Parameters<typeof mockFetch>[0] = {}) => ({
  'GET /api/units/a/ledger-settings': { body: settings },
  'GET /api/classifications': { body: economic },
  'GET /api/units/a/fiscal-years': { body: [{ unitId: 'a', year: 2026, status: 'open', periods: [] }] },
  'GET /api/units/a/three-public-caps': { body: caps },
  ...extra,
});
const root = (el: Element) => el.shadowRoot!;
function typeYuan(host: Element, text: string) {
  const input = host.shadowRoot!.querySelector('input')!;
  input.value = text;
  input.dispatchEvent(new Event('input'));
}

describe('ledger settings', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => {
    mock?.restore();
    setLang('zh-CN');
  });

  it('unit admin: threshold in 元, the kind map with code names, PUTs every field it got', async () => {
    mock = mockFetch(routes({
      'GET /api/units/a/three-public-caps': { status: 403, body: { error: { code: 'FORBIDDEN', message: '无权限', details: {} } } },
      'PUT /api/units/a/ledger-settings': (c) => ({ body: c.body }),
    }));
    const el = await fixture<UbLedgerSettings>(html`<ub-ledger-settings .ctx=${admin}></ub-ledger-settings>`);
    await until(() => el.draft !== null && el.economic.length > 0 && el.capsError !== '');
    await el.updateComplete;
    const threshold = root(el).querySelector('[data-field=flexibleThreshold] ub-amount-input')!;
    expect((threshold.shadowRoot!.querySelector('input') as HTMLInputElement).value).to.equal('20,000.00');
    expect(root(el).querySelector('tr[data-kind=personnel] [data-code="301"]')!.textContent).to.contain('301 工资福利支出');
    expect(root(el).querySelector('select[name=timeProgressBasis]')).to.exist;
    expect(root(el).querySelector('[data-option=futureList]')!.textContent).to.contain('futureList');
    expect(root(el).querySelector('[data-caps-error]')!.textContent, 'the admin has no indicator.read').to.contain('不能查看三公经费控制数');
    // a wrong code is refused in place; a right one is added with its name
    const add = root(el).querySelector('input[name=add-project]') as HTMLInputElement;
    add.value = '30';
    add.dispatchEvent(new Event('input'));
    (root(el).querySelector('button[data-add=project]') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(root(el).querySelector('tr[data-kind=project] .error')!.textContent).to.equal('经济分类编码应为 3—5 位数字');
    add.value = '309';
    add.dispatchEvent(new Event('input'));
    (root(el).querySelector('button[data-add=project]') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(root(el).querySelector('tr[data-kind=project] [data-code="309"]')!.textContent).to.contain('资本性支出（基本建设）');
    (root(el).querySelector('tr[data-kind=operating] [data-code="310"] button') as HTMLButtonElement).click();
    typeYuan(threshold, '50,000.5');
    const basis = root(el).querySelector('select[name=timeProgressBasis]') as HTMLSelectElement;
    basis.value = 'day';
    basis.dispatchEvent(new Event('change'));
    expect(root(el).querySelector('[data-option=salaryAccrual]')!.textContent).to.contain('应付职工薪酬（2201）');
    (root(el).querySelector('input[name=salaryAccrual]') as HTMLInputElement).click();
    expect(root(el).querySelector('tr[data-prefix="31002"] select')).to.exist;
    const prefix = root(el).querySelector('input[name=asset-prefix]') as HTMLInputElement;
    prefix.value = '302';
    prefix.dispatchEvent(new Event('input'));
    (root(el).querySelector('button[data-add=asset]') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(root(el).querySelector('[data-option=assetAccountMap] .error')!.textContent).to.equal('前缀应以 309 或 310 开头，最长 5 位数字');
    prefix.value = '30905';
    prefix.dispatchEvent(new Event('input'));
    const acct = root(el).querySelector('select[name=asset-account]') as HTMLSelectElement;
    acct.value = '1613';
    acct.dispatchEvent(new Event('change'));
    (root(el).querySelector('button[data-add=asset]') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(root(el).querySelector('tr[data-prefix="30905"]')!.textContent).to.contain('1613 在建工程');
    await el.saveSettings();
    expect(mock.calls.find((c) => c.method === 'PUT')!.body).to.deep.equal({
      flexibleThreshold: 5_000_050,
      kindEconomicMap: { personnel: ['301', '303'], operating: ['302'], project: ['302', '310', '309'] },
      timeProgressBasis: 'day',
      disclosureFailedChecks: 'refuse',
      salaryAccrual: true,
      assetAccountMap: { '31002': '1601', '30905': '1613' },
      futureList: ['x', 'y'],
    });
    await el.updateComplete;
    expect(root(el).querySelector('[role=status]')!.textContent).to.contain('机动额度审批限额 50,000.50 元');
  });

  it('refuses an empty kind and a bad threshold before sending, in English too', async () => {
    setLang('en');
    mock = mockFetch(routes());
    const el = await fixture<UbLedgerSettings>(html`<ub-ledger-settings .ctx=${admin}></ub-ledger-settings>`);
    await until(() => el.draft !== null);
    await el.updateComplete;
    for (const b of [...root(el).querySelectorAll('tr[data-kind=personnel] [data-code] button')]) (b as HTMLButtonElement).click();
    const threshold = root(el).querySelector('[data-field=flexibleThreshold] ub-amount-input')!;
    typeYuan(threshold, '1.234');
    await el.saveSettings();
    await el.updateComplete;
    expect(mock.calls.some((c) => c.method === 'PUT')).to.equal(false);
    expect(root(el).querySelector('tr[data-kind=personnel] .error')!.textContent).to.equal('Keep at least one economic class');
    expect(el.errors.flexibleThreshold).to.be.a('string').and.not.equal('');
  });

  it('finance officer: 三公 caps per code with name and used amount; saves the changed ones in fen; settings read-only', async () => {
    mock = mockFetch(routes({ 'PUT /api/units/a/three-public-caps': (c) => ({ body: (c.body as { caps: typeof caps }).caps.map((x) => ({ ...x, used: 0 })).concat([caps[0]!]) }) }));
    const el = await fixture<UbLedgerSettings>(html`<ub-ledger-settings .ctx=${finance}></ub-ledger-settings>`);
    await until(() => el.caps !== null && el.economic.length > 0);
    await el.updateComplete;
    // every 三公 code of the one list, named where the classification names it
    expect([...root(el).querySelectorAll('table[data-table=caps] tbody tr')].map((r) => r.getAttribute('data-code'))).to.deep.equal([...THREE_PUBLIC_CODE_LIST].sort());
    const reception = root(el).querySelector('tr[data-code="30217"]')!;
    expect(reception.textContent).to.contain('公务接待费');
    expect([...reception.querySelectorAll('td.num')].slice(1).map((td) => td.textContent)).to.deep.equal(['12,345.00', '37,655.00']);
    expect(root(el).querySelector('tr[data-code="30212"] ub-amount-input')).to.exist;
    // the settings are the unit admin's: shown, not editable
    expect(root(el).querySelector('#h-settings')!.parentElement!.textContent).to.contain('只有单位管理员可以修改');
    expect(root(el).querySelector('button[data-add]')).to.equal(null);
    typeYuan(root(el).querySelector('tr[data-code="30212"] ub-amount-input')!, '30,000');
    await el.saveCaps();
    expect(mock.calls.find((c) => c.method === 'PUT')!.body).to.deep.equal({ year: 2026, caps: [{ economicCode: '30212', amount: 3_000_000 }] });
    await el.updateComplete;
    expect(root(el).querySelector('[role=status]')!.textContent).to.contain('2026 年度三公经费控制数已保存（1 项）');
  });

  it('leader: everything read-only', async () => {
    mock = mockFetch(routes());
    const el = await fixture<UbLedgerSettings>(html`<ub-ledger-settings .ctx=${leader}></ub-ledger-settings>`);
    await until(() => el.caps !== null && el.draft !== null);
    await el.updateComplete;
    expect(root(el).querySelector('button[type=submit]')).to.equal(null);
    expect(root(el).querySelector('table[data-table=caps] ub-amount-input')).to.equal(null);
    expect(root(el).querySelector('tr[data-code="30217"]')!.textContent).to.contain('50,000.00');
    expect(root(el).querySelector('tr[data-code="30212"]')!.textContent).to.contain('未设置');
  });
});
