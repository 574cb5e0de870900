import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import { setLang } from '../src/lib/i18n.js';
import '../src/pages/expenditure-standards.js';
import type { UbExpenditureStandards } from '../src/pages/expenditure-standards.js';

const std = (item: string, tier: string, name: string, economicCode: string, capPerUnit: number, per: string) => ({ year: 2026, item, tier, name, economicCode, capPerUnit, per });
const standards = [
  std('meeting', 'class2', '会议费综合定额（二类会议）', '30215', 65_000, 'person_day'),
  std('travel_lodging', 'tier1', '差旅住宿费（一类地区：直辖市、副省级城市）', '30211', 50_000, 'person_night'),
  std('travel_lodging', 'tier3', '差旅住宿费（三类地区：其他地区）', '30211', 35_000, 'person_night'),
  std('provincial_item', 'x', '省定标准', '30299', 12_345, 'per_thing'),
];
const root = (el: Element) => el.shadowRoot!;

describe('expenditure standards', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => {
    mock?.restore();
    setLang('zh-CN');
  });

  it('groups the year’s standards by item, caps in 元 with their unit, economic code with its name; changes year', async () => {
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': { body: [{ unitId: 'a', year: 2025, status: 'closed', periods: [] }, { unitId: 'a', year: 2026, status: 'open', periods: [] }] },
      'GET /api/expenditure-standards': (c) => ({ body: c.url.endsWith('year=2025') ? [] : standards }),
      'GET /api/classifications': { body: [{ code: '30211', name: '差旅费' }, { code: '30215', name: '会议费' }] },
    });
    const el = await fixture<UbExpenditureStandards>(html`<ub-expenditure-standards .ctx=${ctx()}></ub-expenditure-standards>`);
    el.year = 2026;
    await el.loadYear();
    await until(() => el.econ.size > 0);
    await el.updateComplete;
    expect([...root(el).querySelectorAll('section[data-item] h2')].map((h) => h.textContent)).to.deep.equal(['会议费', '差旅住宿费', 'provincial_item']);
    const tier1 = root(el).querySelector('section[data-item=travel_lodging] tr[data-tier=tier1]')!;
    expect(tier1.textContent).to.contain('一类地区');
    expect(tier1.textContent).to.contain('30211 差旅费');
    expect(tier1.querySelector('td.num [data-cap]')!.textContent).to.equal('500.00');
    expect(tier1.querySelector('td.num [data-per]')!.textContent).to.equal('每人每晚');
    expect(tier1.textContent).to.contain('每人每晚');
    expect(root(el).querySelector('tr[data-tier=x]')!.textContent, 'an unknown unit shows as given').to.contain('per_thing');
    expect(root(el).textContent).to.contain('单位：元');
    expect(root(el).querySelector('input, button[type=submit]'), 'read-only').to.equal(null);
    const year = root(el).querySelector('select[name=year]') as HTMLSelectElement;
    year.value = '2025';
    year.dispatchEvent(new Event('change'));
    await until(() => el.standards !== null && el.standards.length === 0);
    await el.updateComplete;
    expect(root(el).textContent).to.contain('2025 年度没有支出标准');
  });

  it('in English', async () => {
    setLang('en');
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': { body: [] },
      'GET /api/expenditure-standards': { body: standards.slice(1, 2) },
      'GET /api/classifications': { body: [] },
    });
    const el = await fixture<UbExpenditureStandards>(html`<ub-expenditure-standards .ctx=${ctx()}></ub-expenditure-standards>`);
    await until(() => el.standards !== null);
    await el.updateComplete;
    expect(root(el).querySelector('section h2')!.textContent).to.equal('Travel lodging');
    expect(root(el).querySelector('tr')!.parentElement!.parentElement!.textContent).to.contain('per person per night');
    expect(root(el).textContent).to.contain('Unit: yuan');
  });
});
