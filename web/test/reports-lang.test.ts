import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until, type Call } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/pages/reports-page.js';
import '../src/pages/admin-rules.js';
import type { UbAdminRules } from '../src/pages/admin-rules.js';
import '../src/components/rule-findings.js';
import type { UbRuleFindings } from '../src/components/rule-findings.js';
import type { UbReportsPage } from '../src/pages/reports-page.js';
import { setLang } from '../src/lib/i18n.js';
import type { ReportView } from '../src/lib/types.js';

/**
 * The reports centre in English: the API words titles, headers and labels in the language the app
 * asks for (Accept-Language on every call, `lang=en` on download links); switching the language fetches
 * the report again, and the English 合计 line still reads as a total.
 */
const report = (en: boolean): ReportView => ({
  report: 'execution', title: en ? 'Budget execution report 2025 (through December)' : '2025年预算执行情况表（截至12月）',
  unitId: 'a', unitName: '示范县教育局机关', consolidated: false, units: [{ id: 'a', name: '示范县教育局机关' }], year: 2025, month: 12,
  tables: [{
    id: 'by_department', title: en ? 'Budget execution by department' : '预算执行情况表（按科室）', unitLabel: '元',
    columns: [{ key: 'code', header: en ? 'Code' : '编码', kind: 'text' }, { key: 'name', header: en ? 'Name' : '名称', kind: 'text' }, { key: 'budget', header: en ? 'Budget' : '预算数', kind: 'money' }],
    rows: [{ code: '03', name: '基础教育科', budget: 100 }, { code: '', name: en ? 'Total' : '合计', budget: 100 }],
  }],
});

describe('reports centre language', () => {
  let calls: Call[] = [];
  let restore = () => {};
  beforeEach(() => {
    ({ calls, restore } = mockFetch({
      'GET /*': ({ url, lang }) => ({
        body: url.includes('/fiscal-years') ? [{ unitId: 'a', year: 2025, status: 'closed', periods: [] }]
          : url.includes('/control-rules') ? [{ code: 'THREE_PUBLIC_CAP_EXCEEDED', label: lang === 'en' ? 'Three public expenses within the annual cap' : '三公经费不得超过年度控制数', hard: false, mode: 'block' }]
          : report(lang === 'en'),
      }),
    }));
  });
  afterEach(() => {
    restore();
    setLang('zh-CN');
  });

  it('fetches the report again in English when the language changes, with English links and totals', async () => {
    setLang('zh-CN');
    const el = await fixture<UbReportsPage>(html`<ub-reports-page .ctx=${ctx({ roles: ['finance_officer'] })}></ub-reports-page>`);
    await until(() => el.report);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(calls.find((c) => c.url.includes('/reports/execution'))!.lang).to.equal('zh-CN');
    expect(root.querySelector('section[data-table=by_department] h2')!.textContent).to.contain('预算执行情况表（按科室）');
    expect(root.querySelector<HTMLAnchorElement>('a.dl')!.getAttribute('href')).to.not.contain('lang=');

    setLang('en');
    await until(() => el.report?.title.startsWith('Budget execution'));
    await el.updateComplete;
    const last = calls.filter((c) => c.url.includes('/reports/execution')).at(-1)!;
    expect(last.lang).to.equal('en');
    const section = root.querySelector('section[data-table=by_department]')!;
    expect(section.querySelector('h2')!.textContent).to.contain('Budget execution by department');
    expect(section.querySelector('h2 small')!.textContent).to.contain('Unit: yuan');
    expect([...section.querySelectorAll('th')].map((th) => th.textContent)).to.deep.equal(['Code', 'Name', 'Budget']);
    expect(section.querySelector('tr.total')!.textContent).to.contain('Total');
    const links = [...root.querySelectorAll<HTMLAnchorElement>('a.dl')].map((a) => a.getAttribute('href'));
    expect(links).to.deep.equal([
      '/api/units/a/reports/execution?year=2025&month=12&format=xlsx&lang=en',
      '/api/units/a/reports/execution?year=2025&month=12&format=csv&lang=en',
    ]);
  });

  it('any page reads its data again in the new language: the control rules get their English labels', async () => {
    setLang('zh-CN');
    const el = await fixture<UbAdminRules>(html`<ub-admin-rules .ctx=${ctx({ roles: ['unit_admin'] })}></ub-admin-rules>`);
    await until(() => el.shadowRoot!.textContent!.includes('三公经费不得超过年度控制数'));
    setLang('en');
    await until(() => el.shadowRoot!.textContent!.includes('Three public expenses within the annual cap'));
    expect(calls.filter((c) => c.url.includes('/control-rules')).map((c) => c.lang)).to.deep.equal(['zh-CN', 'en']);
  });

  it('control-rule findings read in English when the reader chose English (the core gives both)', async () => {
    setLang('en');
    const finding = { rule: 'THREE_PUBLIC_CAP_EXCEEDED', severity: 'warn' as const, message: '超过三公经费年度控制数', messageEn: 'Above the annual cap of the three public expenses', details: {} };
    const plugin = { rule: 'plugin:hello-budget', severity: 'warn' as const, message: '金额超过提醒线', details: {} };
    const el = await fixture<UbRuleFindings>(html`<ub-rule-findings .result=${{ ok: true, findings: [finding, plugin], available: 100, steps: [] }}></ub-rule-findings>`);
    expect(el.shadowRoot!.querySelector('li[data-rule=THREE_PUBLIC_CAP_EXCEEDED]')!.textContent).to.contain('Above the annual cap');
    // a plugin validator that gave Chinese only is shown as given
    expect(el.shadowRoot!.querySelector('li[data-rule="plugin:hello-budget"]')!.textContent).to.contain('金额超过提醒线');
  });
});
