import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/pages/asset-register.js';
import '../src/pages/admin-members.js';
import type { AssetCard, AssetCardDetail, UbAssetRegister, UsefulLife } from '../src/pages/asset-register.js';
import type { UbAdminMembers } from '../src/pages/admin-members.js';

const finance = ctx({ roles: ['finance_officer'], departmentId: null });
const auditor = ctx({ roles: ['auditor'], departmentId: null });
const text = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ');

const printer: AssetCard = {
  id: 7, code: 'ZC2026-000042', name: '多功能一体机', classCode: 'office_equipment', className: '办公设备', accountCode: '1601', accountName: '固定资产',
  value: 720_000, accumulated: 20_000, netValue: 700_000, departmentId: 3, departmentName: '基础教育科', departmentFunction: 'business',
  acquiredOn: '2026-06-20', completedOn: null, usefulLifeMonths: 72, status: 'in_use', economicCode: '31002', economicName: '办公设备购置', paymentId: 11,
  paymentDocNo: 'ZF2026-0011', depreciationStarted: true,
};
const roof: AssetCard = {
  ...printer, id: 8, code: 'ZC2026-000050', name: '教学楼屋面改造', classCode: 'construction', className: '在建工程（转固前不计提折旧）', accountCode: '1613',
  accountName: '在建工程', value: 600_000, accumulated: 0, netValue: 600_000, usefulLifeMonths: null, status: 'under_construction', economicCode: '31006',
  economicName: '大型修缮', paymentId: 12, paymentDocNo: 'ZF2026-0012', depreciationStarted: false,
};
const lives: UsefulLife[] = [
  { classCode: 'office_equipment', name: '办公设备', group: '通用设备', floorMonths: 72, defaultMonths: 72, months: 72 },
  { classCode: 'building_rc', name: '房屋—钢筋混凝土结构', group: '房屋及构筑物', floorMonths: 600, defaultMonths: 600, months: 600 },
  { classCode: 'software', name: '软件等无形资产', group: '无形资产', floorMonths: null, defaultMonths: 120, months: 120 },
  { classCode: 'construction', name: '在建工程（转固前不计提折旧）', group: '在建工程', floorMonths: null, defaultMonths: null, months: null },
];
const detail = (card: AssetCard, over: Partial<AssetCardDetail> = {}): AssetCardDetail => ({
  ...card,
  schedule: card.status === 'in_use' ? [
    { year: 2026, month: 6, amount: 10_000, cumulative: 10_000, posted: true },
    { year: 2026, month: 7, amount: 10_000, cumulative: 20_000, posted: true },
    { year: 2026, month: 8, amount: 10_000, cumulative: 30_000, posted: false },
  ] : [],
  entries: card.status === 'in_use' ? [{ year: 2026, month: 6, amount: 10_000, entryId: 90, voucherNo: '记2026-06-ZJ000007' }] : [],
  ...over,
});

describe('asset register', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());

  it('lists cards in 元 with cost, accumulated depreciation, net value and totals; codes come with names', async () => {
    mock = mockFetch({
      'GET /api/units/a/assets': { body: [printer, roof] },
      'GET /api/units/a/asset-useful-lives': { body: lives },
      'GET /api/units/a/assets/7': { body: detail(printer) },
    });
    const el = await fixture<UbAssetRegister>(html`<ub-asset-register .ctx=${auditor}></ub-asset-register>`);
    await until(() => el.assets?.length === 2);
    await el.updateComplete;
    const body = text(el);
    expect(body).to.contain('单位：元');
    expect(body).to.contain('1601 固定资产');
    expect(body).to.contain('7,200.00');
    expect(body).to.contain('200.00');
    expect(body).to.contain('7,000.00');
    // Totals: 7,200.00 + 6,000.00 = 13,200.00 cost; net 7,000.00 + 6,000.00 = 13,000.00.
    const foot = el.shadowRoot!.querySelector('tfoot')!.textContent!;
    expect(foot).to.contain('13,200.00');
    expect(foot).to.contain('13,000.00');
    expect(body).to.contain('72 个月（6 年）');
    // The auditor reads: no edit form, no inputs for useful lives.
    await el.open(7);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('form[aria-label="修改卡片"]')).to.equal(null);
    expect(el.shadowRoot!.querySelector('input[name="life-office_equipment"]')).to.equal(null);
    expect(el.shadowRoot!.querySelectorAll('tr[data-period]').length).to.equal(3);
    expect(text(el)).to.contain('记2026-06-ZJ000007');
    // The payment it came from by its document number, not its database id (issue 20).
    expect(text(el)).to.contain('ZF2026-0011');
    expect(text(el)).not.to.contain('#11');
  });

  it('finance renames a card, completes construction (转固) and lengthens a useful life, in fen-free months', async () => {
    mock = mockFetch({
      'GET /api/units/a/assets': { body: [printer, roof] },
      'GET /api/units/a/asset-useful-lives': { body: lives },
      'GET /api/units/a/assets/8': { body: detail(roof) },
      'PATCH /api/units/a/assets/8': (c) => ({ body: detail({ ...roof, name: (c.body as { name: string }).name }) }),
      'POST /api/units/a/assets/8/complete': { body: detail({ ...roof, accountCode: '1601', accountName: '固定资产', status: 'in_use', classCode: 'building_rc', usefulLifeMonths: 600, completedOn: '2026-07-10' }) },
      'PUT /api/units/a/asset-useful-lives': { body: lives },
    });
    const el = await fixture<UbAssetRegister>(html`<ub-asset-register .ctx=${finance}></ub-asset-register>`);
    await until(() => el.assets?.length === 2);
    await el.open(8);
    await el.updateComplete;
    el.draft = { ...el.draft, name: '教学楼屋面防水改造' };
    await el.save(new Event('submit'));
    expect(mock.calls.find((c) => c.method === 'PATCH')!.body).to.deep.equal({ name: '教学楼屋面防水改造' });
    el.completion = { date: '2026-07-10', classCode: 'building_rc' };
    await el.updateComplete;
    await el.complete(new Event('submit'));
    expect(mock.calls.find((c) => c.method === 'POST')!.body).to.deep.equal({ date: '2026-07-10', classCode: 'building_rc' });
    expect(el.detail!.status).to.equal('in_use');
    expect(el.message).to.contain('ZC2026-000050');
    el.lifeDrafts = { ...el.lifeDrafts, office_equipment: '96' };
    await el.saveLives(new Event('submit'));
    expect(mock.calls.find((c) => c.method === 'PUT')!.body).to.deep.equal({ lives: [{ classCode: 'office_equipment', months: 96 }] });
  });

  it('shows the refusal of a life below the floor', async () => {
    mock = mockFetch({
      'GET /api/units/a/assets': { body: [] },
      'GET /api/units/a/asset-useful-lives': { body: lives },
      'PUT /api/units/a/asset-useful-lives': { status: 422, body: { error: { code: 'USEFUL_LIFE_BELOW_FLOOR', message: '办公设备的折旧年限不得低于 72 个月（政府固定资产折旧年限表：不低于 6 年）', details: {} } } },
    });
    const el = await fixture<UbAssetRegister>(html`<ub-asset-register .ctx=${finance}></ub-asset-register>`);
    await until(() => el.lives.length === 4);
    expect(text(el)).to.contain('还没有资产卡片');
    el.lifeDrafts = { ...el.lifeDrafts, office_equipment: '60' };
    await el.saveLives(new Event('submit'));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('不低于 6 年');
  });

  it('fits a 390 px phone', async () => {
    await setViewport({ width: 390, height: 800 });
    mock = mockFetch({
      'GET /api/units/a/assets': { body: [printer, roof] },
      'GET /api/units/a/asset-useful-lives': { body: lives },
    });
    const el = await fixture<UbAssetRegister>(html`<ub-asset-register .ctx=${finance}></ub-asset-register>`);
    await until(() => el.assets?.length === 2);
    await el.updateComplete;
    expect(el.scrollWidth).to.be.at.most(390);
    await setViewport({ width: 1280, height: 800 });
  });
});

describe('admin console: department function', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());

  it('sets a department to 管理部门 with PATCH and says so', async () => {
    let fn = 'business';
    mock = mockFetch({
      'GET /api/units/a/members': { body: [] },
      'GET /api/units/a/departments': () => ({ body: [{ id: 3, unitId: 'a', code: '03', name: '基础教育科', function: fn }] }),
      'PATCH /api/units/a/departments/3': (c) => {
        fn = (c.body as { function: string }).function;
        return { body: { id: 3, unitId: 'a', code: '03', name: '基础教育科', function: fn } };
      },
    });
    const admin = ctx({ roles: ['unit_admin'], departmentId: null });
    const el = await fixture<UbAdminMembers>(html`<ub-admin-members .ctx=${admin}></ub-admin-members>`);
    await until(() => el.departments.length === 1);
    await el.updateComplete;
    const select = el.shadowRoot!.querySelector<HTMLSelectElement>('li[data-dept="03"] select')!;
    expect(select.value).to.equal('business');
    await el.setFunction(el.departments[0]!, 'management');
    expect(mock.calls.find((c) => c.method === 'PATCH')!.body).to.deep.equal({ function: 'management' });
    await el.updateComplete;
    expect(text(el)).to.contain('已将基础教育科设为管理部门');
    expect(el.departments[0]!.function).to.equal('management');
  });
});
