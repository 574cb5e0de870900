import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import type { TemplateResult } from 'lit';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/pages/project-library.js';
import '../src/pages/fiscal-years.js';
import '../src/pages/ledger-settings.js';
import '../src/pages/api-tokens.js';
import '../src/pages/expenditure-standards.js';
import type { UbProjectLibrary } from '../src/pages/project-library.js';

const finance = ctx({ roles: ['finance_officer', 'unit_admin'], departmentId: null });
const periods = Array.from({ length: 12 }, (_, i) => ({ year: 2026, month: i + 1, status: 'open', closedAt: null, closedBy: null }));
const longName = '县域义务教育薄弱环节改善与能力提升暨智慧校园基础设施建设项目';
const project = {
  id: 7, unitId: 'a', code: 'JY2026-INFRA-000123', name: longName, departmentId: 3, functionalCode: '2050299', fundSourceCode: '11',
  status: 'reserve', startYear: 2026, endYear: 2028, totalAmount: 9_876_543_210, description: longName.repeat(3), createdBy: 4,
  createdAt: '2026-01-05T00:00:00Z', updatedAt: '2026-01-05T00:00:00Z',
  plans: [{ year: 2026, amount: 3_000_000_000 }, { year: 2027, amount: 3_000_000_000 }, { year: 2028, amount: 3_876_543_210 }], targets: [], trail: [],
};
const routes = {
  'GET /api/classifications': { body: [{ code: '2050299', name: '其他普通教育支出', attrs: {} }, { code: '30217', name: '公务接待费', attrs: { threePublic: true } }, { code: '301', name: '工资福利支出', attrs: {} }] },
  'GET /api/units/a/projects': { body: [project] },
  'GET /api/units/a/projects/7': { body: project },
  'GET /api/units/a/fiscal-years': { body: [{ unitId: 'a', year: 2026, status: 'open', periods }] },
  'GET /api/units/a/year-end': { body: { unitId: 'a', year: 2026, nextYear: 2027, alreadyRun: false, runAt: null, totals: { amount: 9_876_543_210, paid: 0, unspent: 9_876_543_210, carried: 9_876_543_210, surplus: 0 }, items: [{ indicatorId: 1, code: 'ZB2026-0001', name: longName, amount: 9_876_543_210, paid: 0, frozen: 0, unspent: 9_876_543_210, decision: 'carry_forward', rule: '项目支出结转下年继续使用', carried: 9_876_543_210, surplus: 0 }] } },
  'GET /api/units/a/ledger-settings': { body: { flexibleThreshold: 2_000_000, kindEconomicMap: { personnel: ['301', '303'], operating: ['302', '310'], project: ['302', '303', '309', '310', '311', '312', '313', '399'] }, timeProgressBasis: 'month' } },
  'GET /api/units/a/three-public-caps': { body: [{ economicCode: '30217', amount: 5_000_000, used: 1_234_500 }] },
  'GET /api/tokens': { body: [{ id: 1, name: '财政一体化系统对接（预算执行数据同步）', prefix: 'ubt_abcdef', createdAt: '2026-03-01T00:00:00Z', expiresAt: null, lastUsedAt: null, revokedAt: null }] },
  'GET /api/units/a/standards': { body: { date: '2026-08-01', versions: [], rows: [{ item: 'travel_lodging', tier: 'js-a.other', name: '差旅住宿费（江苏（南京、苏州、无锡、常州、镇江），其他人员）', region: '江苏（南京、苏州、无锡、常州、镇江）', rank: '其他人员', season: '', economicCode: '30211', cap: 38_000, per: 'person_night', effectiveFrom: null, effectiveTo: null, source: '财行〔2016〕71号', verified: true, note: '', versionId: 1 }] } },
  'GET /api/units/a/standards/versions': { body: [{ id: 1, ownerUnitId: null, title: '中央和国家机关支出标准（差旅、会议、培训）', status: 'adopted', effectiveFrom: '2017-01-01', sourceDocument: '财行〔2016〕71号；财行〔2016〕214号；财行〔2016〕540号', reason: '系统初始标准，依据已公布的文件', basedOn: null, proposedVia: 'core', proposedBy: null, proposedByName: null, createdAt: '2026-01-01T00:00:00Z', decidedBy: null, decidedByName: null, decidedAt: '2026-01-01T00:00:00Z', decisionNote: null, rowCount: 90, inForce: true }] },
};

/** Nothing of the page reaches past the phone's content width but inside a box that scrolls sideways. */
function overflowing(host: Element, right: number): string[] {
  const out: string[] = [];
  const walk = (root: ShadowRoot) => {
    for (const e of root.querySelectorAll('*')) {
      if (e.closest('.x-scroll, .wrap')) continue;
      const r = e.getBoundingClientRect();
      if (r.width > 0 && r.right > right + 0.5) out.push(`${e.tagName.toLowerCase()}.${e.className} → ${Math.round(r.right)}`);
      if (e.shadowRoot) walk(e.shadowRoot);
    }
  };
  walk(host.shadowRoot!);
  return out;
}

describe('ledger administration pages on a 390 px phone', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  before(async () => setViewport({ width: 390, height: 844 }));
  after(async () => setViewport({ width: 800, height: 600 }));
  afterEach(() => mock?.restore());

  const pages: Array<[string, (c: typeof finance) => TemplateResult]> = [
    ['ub-project-library', (c) => html`<ub-project-library .ctx=${c}></ub-project-library>`],
    ['ub-fiscal-years', (c) => html`<ub-fiscal-years .ctx=${c}></ub-fiscal-years>`],
    ['ub-ledger-settings', (c) => html`<ub-ledger-settings .ctx=${c}></ub-ledger-settings>`],
    ['ub-api-tokens', (c) => html`<ub-api-tokens .ctx=${c}></ub-api-tokens>`],
    ['ub-expenditure-standards', (c) => html`<ub-expenditure-standards .ctx=${c}></ub-expenditure-standards>`],
  ];
  for (const [tag, tpl] of pages) {
    it(`${tag} fits`, async () => {
      mock = mockFetch(routes);
      const wrap = await fixture<HTMLDivElement>(html`<div style="width:362px">${tpl(finance)}</div>`);
      const el = wrap.querySelector(tag)!;
      await until(() => el.shadowRoot!.querySelector('table tbody tr, [data-table]'));
      await new Promise((r) => setTimeout(r, 100));
      expect(overflowing(el, wrap.getBoundingClientRect().right)).to.deep.equal([]);
    });
  }

  it('the project form and detail fit', async () => {
    mock = mockFetch(routes);
    const wrap = await fixture<HTMLDivElement>(html`<div style="width:362px"><ub-project-library .ctx=${finance}></ub-project-library></div>`);
    const el = wrap.querySelector('ub-project-library') as UbProjectLibrary;
    await until(() => el.projects.length === 1);
    await el.open(7);
    await el.updateComplete;
    expect(overflowing(el, wrap.getBoundingClientRect().right), 'detail').to.deep.equal([]);
    el.mode = 'edit';
    await el.updateComplete;
    await el.shadowRoot!.querySelector('ub-project-form')!.updateComplete;
    expect(overflowing(el, wrap.getBoundingClientRect().right), 'form').to.deep.equal([]);
  });
});
