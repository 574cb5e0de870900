import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import { setLang } from '../src/lib/i18n.js';
import '../src/pages/expenditure-standards.js';
import type { UbExpenditureStandards } from '../src/pages/expenditure-standards.js';

const row = (item: string, tier: string, name: string, economicCode: string, cap: number, per: string, versionId: number, extra: Record<string, unknown> = {}) => ({
  item, tier, name, region: '', rank: '', season: '', economicCode, cap, per, effectiveFrom: null, effectiveTo: null, source: '财行〔2016〕214号', verified: true, note: '', versionId, ...extra,
});
const version = (id: number, ownerUnitId: string | null, status: string, effectiveFrom: string, extra: Record<string, unknown> = {}) => ({
  id, ownerUnitId, title: `版本${id}`, status, effectiveFrom, sourceDocument: `文件${id}`, reason: '理由', basedOn: null, proposedVia: 'core', proposedBy: 9, proposedByName: '周敏',
  createdAt: '2026-05-01T00:00:00Z', decidedBy: status === 'proposed' ? null : 9, decidedByName: status === 'proposed' ? null : '周敏', decidedAt: status === 'proposed' ? null : '2026-05-02T00:00:00Z',
  decisionNote: null, rowCount: 3, inForce: status === 'adopted', ...extra,
});
const inForce = {
  date: '2026-08-01',
  versions: [version(7, 'a', 'adopted', '2026-07-01'), version(1, null, 'adopted', '2017-01-01')],
  rows: [
    row('meeting', 'class2', '会议费综合定额（二类会议）', '30215', 650_00, 'person_day', 1),
    row('travel_meal', 'all', '差旅伙食补助费', '30211', 80_00, 'person_day', 7, { source: '示财行〔2026〕12号' }),
    row('reception_meal', 'all', '公务接待工作餐（人均）', '30217', 120_00, 'person_meal', 1, { verified: false, source: '未找到出处', note: '请导入本省标准' }),
  ],
};
const history = [
  version(9, 'a', 'proposed', '2026-09-01', { proposedVia: 'plugin:policy', proposedBy: null, proposedByName: null, rowCount: 1 }),
  version(7, 'a', 'adopted', '2026-07-01'),
  version(5, 'a', 'rejected', '2026-06-01'),
  version(1, null, 'adopted', '2017-01-01'),
];
const root = (el: Element) => el.shadowRoot!;

describe('expenditure standards (versions)', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => {
    mock?.restore();
    setLang('zh-CN');
  });

  function routes(extra: Record<string, Parameters<typeof mockFetch>[0][string]> = {}) {
    return {
      'GET /api/units/a/standards': { body: inForce },
      'GET /api/units/a/standards/versions': { body: history },
      'GET /api/classifications': { body: [{ code: '30211', name: '差旅费' }, { code: '30215', name: '会议费' }] },
      ...extra,
    };
  }

  it('shows the rows in force with their source and version, and the history with who proposed and decided', async () => {
    mock = mockFetch(routes());
    const el = await fixture<UbExpenditureStandards>(html`<ub-expenditure-standards .ctx=${ctx()}></ub-expenditure-standards>`);
    await until(() => el.inForce !== null && el.versions.length > 0 && el.econ.size > 0);
    await el.updateComplete;
    const meal = root(el).querySelector('section[data-item=travel_meal] tr[data-tier=all]')!;
    expect(meal.querySelector('[data-cap]')!.textContent).to.equal('80.00');
    expect(meal.querySelector('[data-per]')!.textContent).to.equal('每人每天');
    expect(meal.textContent).to.contain('30211 差旅费');
    expect(meal.textContent).to.contain('示财行〔2026〕12号');
    expect(meal.textContent).to.contain('#7');
    expect(root(el).querySelector('section[data-item=travel_meal] .badge') === null, 'a verified row has no badge').to.equal(true);
    expect(root(el).querySelector('section[data-item=reception_meal] [data-source]')!.textContent).to.contain('未核对');
    expect(root(el).textContent).to.contain('单位：元');
    // History: every version, newest first, with its status, who proposed (a plugin) and who decided.
    const rows = [...root(el).querySelectorAll('section[data-history] tr[data-version]')];
    expect(rows.map((r) => [r.getAttribute('data-version'), r.getAttribute('data-status')])).to.deep.equal([['9', 'proposed'], ['7', 'adopted'], ['5', 'rejected'], ['1', 'adopted']]);
    expect(rows[0]!.textContent).to.contain('插件 policy 提议');
    expect(rows[1]!.textContent).to.contain('在用');
    expect(rows[3]!.textContent).to.contain('全国标准');
    // Business staff adopt nothing and import nothing.
    expect(root(el).querySelector('button[data-adopt]') === null).to.equal(true);
    expect(root(el).querySelector('section[data-import]') === null).to.equal(true);
    // Another date asks the core for that date.
    const date = root(el).querySelector('input[name=date]') as HTMLInputElement;
    date.value = '2026-05-01';
    date.dispatchEvent(new Event('change'));
    await until(() => mock!.calls.some((c) => c.url.includes('date=2026-05-01')));
  });

  it('lets a finance officer adopt a proposal, then reloads the history', async () => {
    let adopted = false;
    mock = mockFetch(routes({
      'GET /api/units/a/standards/versions': () => ({ body: adopted ? history.map((v) => (v.id === 9 ? { ...v, status: 'adopted' } : v)) : history }),
      'POST /api/units/a/standards/versions/9/adopt': () => {
        adopted = true;
        return { body: { ...history[0], status: 'adopted', rows: [] } };
      },
    }));
    const el = await fixture<UbExpenditureStandards>(html`<ub-expenditure-standards .ctx=${ctx({ roles: ['finance_officer'] })}></ub-expenditure-standards>`);
    await until(() => el.versions.length > 0);
    await el.updateComplete;
    (root(el).querySelector('button[data-adopt="9"]') as HTMLButtonElement).click();
    await until(() => el.message !== '');
    await el.updateComplete;
    expect(el.message).to.equal('已采纳版本 #9');
    expect(root(el).querySelector('tr[data-version="9"]')!.getAttribute('data-status')).to.equal('adopted');
    expect(root(el).querySelector('section[data-import]') !== null, 'finance may import').to.equal(true);
  });

  it('compares two versions and lists each parameter change with before and after', async () => {
    mock = mockFetch(routes({
      'GET /api/units/a/standards/diff': { body: { from: 1, to: 9, summary: { added: 0, removed: 0, changed: 1 }, changes: [{ kind: 'changed', item: 'travel_meal', tier: 'all', name: '差旅伙食补助费', field: 'cap', before: 100_00, after: 80_00 }] } },
    }));
    const el = await fixture<UbExpenditureStandards>(html`<ub-expenditure-standards .ctx=${ctx()}></ub-expenditure-standards>`);
    await until(() => el.versions.length > 0);
    await el.updateComplete;
    (root(el).querySelector('button[data-compare]') as HTMLButtonElement).click();
    await until(() => el.diff !== null);
    await el.updateComplete;
    expect(mock.calls.some((c) => c.url.endsWith('/standards/diff?from=1&to=9'))).to.equal(true);
    const change = root(el).querySelector('section[data-diff] tr[data-change=changed]')!;
    expect([...change.querySelectorAll('td')].map((td) => td.textContent)).to.deep.equal(['修改', '差旅伙食补助费', 'travel_meal/all', 'cap', '100.00', '80.00']);
  });

  it('in English', async () => {
    setLang('en');
    mock = mockFetch(routes());
    const el = await fixture<UbExpenditureStandards>(html`<ub-expenditure-standards .ctx=${ctx()}></ub-expenditure-standards>`);
    await until(() => el.inForce !== null && el.versions.length > 0);
    await el.updateComplete;
    expect(root(el).querySelector('section[data-item=meeting] h2')!.textContent).to.equal('Meetings');
    expect(root(el).textContent).to.contain('Version history');
    expect(root(el).textContent).to.contain('National set');
    expect(root(el).textContent).to.contain('Unit: yuan');
  });
});
