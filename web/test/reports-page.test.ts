import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import '../src/pages/reports-page.js';
import { cellText, formatIn, formatRatio, headerRows, reportQuery, rowKey, type UbReportsPage } from '../src/pages/reports-page.js';
import type { ReportView } from '../src/lib/types.js';

const execution: ReportView = {
  report: 'execution', title: '2025年预算执行情况表（截至12月）', unitId: 'a', unitName: '示范县教育局机关', consolidated: false,
  units: [{ id: 'a', name: '示范县教育局机关' }], year: 2025, month: 12,
  tables: [
    {
      id: 'by_department', title: '预算执行情况表（按科室）', unitLabel: '元',
      columns: [{ key: 'code', header: '编码', kind: 'text' }, { key: 'name', header: '名称', kind: 'text' }, { key: 'budget', header: '预算数', kind: 'money' }, { key: 'rate', header: '执行率', kind: 'ratio' }],
      rows: [{ code: '03', name: '基础教育科', budget: 123456789, rate: 0.665 }, { code: '', name: '合计', budget: 123456789, rate: 0.665 }],
    },
    {
      id: 'three_public', title: '三公经费', unitLabel: '万元',
      columns: [{ key: 'name', header: '项目', kind: 'text' }, { key: 'amount', header: '金额', kind: 'money' }],
      rows: [{ name: '公务接待费', amount: 4_215_000 }],
    },
  ],
};

describe('ub-reports-page', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  // The page keeps its tab and filters in the address: each test starts from a clean one.
  const start = location.href;
  afterEach(() => {
    mock?.restore();
    history.replaceState(null, '', start);
  });

  it('formats report cells: yuan, 万元 rounded, ratios, integers', () => {
    expect(formatIn(123456789, '元')).to.equal('1,234,567.89');
    expect(formatIn(4_215_000, '万元')).to.equal('4.22'); // 42,150 元 → 4.215 万元 → 4.22
    expect(formatIn(-4_215_000, '万元')).to.equal('-4.22');
    expect(formatIn(4_214_999, '万元')).to.equal('4.21');
    expect(formatRatio(0.665)).to.equal('66.50%');
    expect(formatRatio(-0.2517)).to.equal('-25.17%');
    expect(cellText({ key: 'n', header: '', kind: 'integer' }, 12345, '元')).to.equal('12,345');
    expect(cellText({ key: 'n', header: '', kind: 'money' }, null, '元')).to.equal('');
    // the execution report never gets month 0 ("whole year" belongs to the ledger tabs)
    expect(reportQuery('execution', { year: 2025, month: 0, basis: 'budget', track: 'budgetary', consolidated: false })).to.deep.equal({ year: 2025, month: undefined, consolidated: undefined });
  });

  it('shows the execution report of the picked year and month with xlsx/CSV download links from the API', async () => {
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': { body: [{ unitId: 'a', year: 2025, status: 'closed', periods: [] }] },
      'GET /api/units/a/reports/execution': { body: execution },
    });
    const el = await fixture<UbReportsPage>(html`<ub-reports-page .ctx=${ctx({ roles: ['finance_officer'] })}></ub-reports-page>`);
    await until(() => el.report);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(mock.calls.find((c) => c.url.includes('/reports/execution'))!.url).to.equal('/api/units/a/reports/execution?year=2025&month=12');
    const first = root.querySelector('section[data-table=by_department] tbody tr')!;
    expect([...first.querySelectorAll('td')].map((td) => td.textContent)).to.deep.equal(['03', '基础教育科', '1,234,567.89', '66.50%']);
    expect(root.querySelector('section[data-table=by_department] tbody tr.total')!.textContent).to.contain('合计');
    expect(root.querySelector('section[data-table=three_public]')!.textContent).to.contain('单位：万元');
    expect(root.querySelector('section[data-table=three_public] td.num')!.textContent).to.equal('4.22');
    const links = [...root.querySelectorAll<HTMLAnchorElement>('a.dl')];
    expect(links.map((a) => a.getAttribute('href'))).to.deep.equal([
      '/api/units/a/reports/execution?year=2025&month=12&format=xlsx',
      '/api/units/a/reports/execution?year=2025&month=12&format=csv',
    ]);
    expect(links.every((a) => a.hasAttribute('download'))).to.equal(true);
    // month picker reloads
    const month = root.querySelector<HTMLSelectElement>('select[name=month]')!;
    month.value = '6';
    month.dispatchEvent(new Event('change'));
    await until(() => mock!.calls.some((c) => c.url === '/api/units/a/reports/execution?year=2025&month=6'));
  });

  it('switches tabs with the keyboard: disclosure (basis), trial balance (track, balanced), year end', async () => {
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': { body: [{ unitId: 'a', year: 2025, status: 'closed', periods: [] }] },
      'GET /api/units/a/reports/execution': { body: execution },
      'GET /api/units/a/reports/disclosure': { body: { ...execution, report: 'disclosure', title: '2025年部门预算公开表（执行数）' } },
      'GET /api/units/a/reports/final-accounts': { body: { ...execution, report: 'final-accounts' } },
      'GET /api/units/a/trial-balance': {
        body: {
          track: 'financial', year: 2025, month: 12, unitIds: ['a'], balanced: false,
          accounts: [{ accountCode: '1011', accountName: '零余额账户用款额度', category: 'asset', openingDebit: 100, openingCredit: 0, periodDebit: 5000, periodCredit: 0, closingDebit: 5100, closingCredit: 0 }],
          totals: { openingDebit: 100, openingCredit: 0, periodDebit: 5000, periodCredit: 0, closingDebit: 5100, closingCredit: 0 },
        },
      },
      'GET /api/units/a/year-end': {
        body: {
          unitId: 'a', year: 2025, nextYear: 2026, alreadyRun: true, runAt: '2026-01-05T10:00:00Z',
          totals: { amount: 1000000, paid: 800000, unspent: 200000, carried: 150000, surplus: 50000 },
          items: [{ indicatorId: 1, code: 'ZB2025-0001', name: '办公费', amount: 1000000, paid: 800000, unspent: 200000, decision: 'carry_forward', rule: '项目支出结转', carried: 150000, surplus: 50000 }],
        },
      },
    });
    const el = await fixture<UbReportsPage>(html`<ub-reports-page .ctx=${ctx({ roles: ['auditor'] })}></ub-reports-page>`);
    await until(() => el.report);
    const root = el.shadowRoot!;
    const key = (k: string) => root.querySelector('[role=tablist]')!.dispatchEvent(new KeyboardEvent('keydown', { key: k, bubbles: true }));
    key('ArrowRight');
    await until(() => el.report?.report === 'disclosure');
    const basis = root.querySelector<HTMLSelectElement>('select[name=basis]')!;
    basis.value = 'actual';
    basis.dispatchEvent(new Event('change'));
    await until(() => mock!.calls.some((c) => c.url === '/api/units/a/reports/disclosure?year=2025&basis=actual'));
    await el.updateComplete;
    expect(root.querySelector<HTMLAnchorElement>('a.dl')!.getAttribute('href')).to.equal('/api/units/a/reports/disclosure?year=2025&basis=actual&format=xlsx');
    key('ArrowRight');
    key('ArrowRight');
    expect(el.tab).to.equal('trial');
    await el.updateComplete;
    const track = root.querySelector<HTMLSelectElement>('select[name=track]')!;
    track.value = 'financial';
    track.dispatchEvent(new Event('change'));
    await until(() => el.trial?.track === 'financial');
    await el.updateComplete;
    expect(mock.calls.at(-1)!.url).to.equal('/api/units/a/trial-balance?track=financial&year=2025&month=12');
    expect(root.querySelector('[role=status] .badge')!.textContent).to.equal('借贷不平衡');
    expect(root.querySelector('a.dl')).to.equal(null);
    const table = root.querySelector('ub-data-table')!;
    await table.updateComplete;
    expect(table.shadowRoot!.querySelector('tbody tr')!.textContent).to.contain('51.00');
    key('End');
    await until(() => el.yearEnd);
    await el.updateComplete;
    expect(root.querySelector('[role=status]')!.textContent).to.contain('2025 年已年终结转');
    const ye = root.querySelector('ub-data-table')!;
    await ye.updateComplete;
    expect(ye.shadowRoot!.querySelector('tbody tr')!.textContent).to.contain('结转');
    expect(root.activeElement).to.equal(root.querySelector('#tab-yearend'));
  });

  it('预算公开: shows each table as it prints (table picker, merged headers, levels, 本单位无此项支出) and the check results with the cells outlined', async () => {
    const disclosure = {
      report: 'disclosure', title: '2026年部门预算公开表（预算数）', unitId: 'a', unitName: '示范县教育局机关', consolidated: false,
      units: [{ id: 'a', name: '示范县教育局机关' }], year: 2026, month: null,
      tables: [
        {
          id: 'income_expenditure', title: '收支总表', unitLabel: '万元',
          columns: [{ key: 'section', header: '收/支', kind: 'text' }, { key: 'code', header: '编码', kind: 'text' }, { key: 'name', header: '项目', kind: 'text' }, { key: 'amount', header: '预算数', kind: 'money' }],
          rows: [
            { section: '收入', code: '11', name: '一、一般公共预算拨款收入', line: 'income:general', amount: 1_234_560_000 },
            { section: '收入', code: '', name: '本年收入合计', line: 'income_current', amount: 1_234_560_000 },
            { section: '收入', code: '', name: '收入总计', line: 'income_total', amount: 1_234_560_000 },
            { section: '支出', code: '205', name: '教育支出', level: '类', amount: 1_234_560_000 },
            { section: '支出', code: '', name: '支出总计', line: 'expenditure_total', amount: 1_234_560_000 },
          ],
        },
        {
          id: 'general_budget_expenditure', title: '一般公共预算支出表', unitLabel: '万元',
          columns: [
            { key: 'code', header: '功能分类科目编码', kind: 'text' }, { key: 'name', header: '科目名称', kind: 'text' }, { key: 'total', header: '合计', kind: 'money' },
            { key: 'basic', header: '小计', kind: 'money', group: '基本支出' }, { key: 'personnel', header: '人员经费', kind: 'money', group: '基本支出' },
            { key: 'operating', header: '公用经费', kind: 'money', group: '基本支出' }, { key: 'project', header: '项目支出', kind: 'money' },
          ],
          rows: [
            { code: '205', name: '教育支出', level: '类', total: 30_000_000, basic: 20_000_000, personnel: 15_000_000, operating: 5_000_000, project: 10_000_000 },
            { code: '20501', name: '教育管理事务', level: '款', total: 30_000_000, basic: 20_000_000, personnel: 15_000_000, operating: 5_000_000, project: 10_000_000 },
            { code: '2050101', name: '行政运行', level: '项', total: 30_000_000, basic: 20_000_000, personnel: 15_000_000, operating: 5_000_000, project: 10_000_000 },
            { code: '', name: '合计', level: '合计', total: 30_000_000, basic: 20_000_000, personnel: 15_000_000, operating: 5_000_000, project: 10_000_000 },
          ],
        },
        {
          id: 'government_fund_expenditure', title: '政府性基金预算支出表', unitLabel: '万元', note: '本单位无此项支出',
          columns: [{ key: 'code', header: '功能分类科目编码', kind: 'text' }, { key: 'name', header: '科目名称', kind: 'text' }, { key: 'total', header: '合计', kind: 'money' }],
          rows: [{ code: '', name: '合计', level: '合计', total: 0 }],
        },
        {
          id: 'fiscal_by_functional', title: '财政拨款支出表（按功能分类）', unitLabel: '元', supplementary: true,
          columns: [{ key: 'code', header: '编码', kind: 'text' }, { key: 'total', header: '合计', kind: 'money' }],
          rows: [{ code: '', name: '合计', total: 30_000_000 }],
        },
      ],
    } as unknown as ReportView;
    const checks = {
      ok: false, checked: 120, skipped: [],
      failures: [{
        check: 'hierarchy', message: '一般公共预算支出表：款 20501 应等于其下各项之和（total）',
        cells: [{ table: 'general_budget_expenditure', row: '20501', column: 'total', value: 30_000_000 }, { table: 'general_budget_expenditure', row: '2050101', column: 'total', value: 29_999_999 }],
      }],
    };
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': { body: [{ unitId: 'a', year: 2026, status: 'open', periods: [] }] },
      'GET /api/units/a/reports/execution': { body: execution },
      'GET /api/units/a/reports/disclosure': { body: disclosure },
      'GET /api/units/a/reports/disclosure/checks': { body: checks },
    });
    const el = await fixture<UbReportsPage>(html`<ub-reports-page .ctx=${ctx({ roles: ['finance_officer'] })}></ub-reports-page>`);
    await until(() => el.report);
    el.select('disclosure');
    await until(() => el.report?.report === 'disclosure' && el.checks);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(mock.calls.some((c) => c.url === '/api/units/a/reports/disclosure/checks?year=2026&basis=budget')).to.equal(true);
    // The first table of the set, as printed: title with the year, 编制单位, 单位：万元.
    const printed = () => root.querySelector('section.print')!;
    expect(printed().getAttribute('data-table')).to.equal('income_expenditure');
    expect(printed().querySelector('h2')!.textContent).to.equal('2026年收支总表');
    expect(printed().querySelector('.pmeta')!.textContent).to.contain('编制单位：示范县教育局机关');
    expect(printed().querySelector('.pmeta')!.textContent).to.contain('单位：万元');
    expect(printed().querySelector('tbody td.num')!.textContent).to.equal('1,234.56'); // 1,234,560,000 fen = 12,345,600 元 = 1,234.56 万元
    // 收支总表 prints two-sided: 收入 on the left, 支出 on the right, the 总计 lines on the same last line.
    expect([...printed().querySelectorAll('thead tr:first-child th')].map((th) => th.textContent)).to.deep.equal(['收入', '支出']);
    const firstLine = printed().querySelector('tbody tr')!;
    expect([...firstLine.querySelectorAll('td')].map((td) => td.textContent)).to.deep.equal(['一、一般公共预算拨款收入', '1,234.56', '205 教育支出', '1,234.56']);
    const lastLine = [...printed().querySelectorAll('tbody tr')].at(-1)!;
    expect([...lastLine.querySelectorAll('td')].map((td) => td.textContent)).to.deep.equal(['收入总计', '1,234.56', '支出总计', '1,234.56']);
    // The check results: one failure, its cells named by table title, row and column header.
    const section = root.querySelector('section.checks')!;
    expect(section.querySelector('[role=status]')!.textContent).to.equal('1 项未通过（共校验 120 项）');
    expect(section.querySelector('li[data-check=hierarchy]')!.textContent).to.contain('类款项汇总');
    expect(section.querySelector('.cells li')!.textContent).to.equal('一般公共预算支出表 · 20501 · 合计：300,000.00 元');
    // The picker: standard tables numbered, the working tables apart, the failing one flagged.
    const picker = root.querySelector<HTMLSelectElement>('select[name=table]')!;
    expect([...picker.querySelectorAll(':scope > option')].map((o) => o.textContent)).to.deep.equal(['1. 收支总表', '2. 一般公共预算支出表 ⚠', '3. 政府性基金预算支出表']);
    expect(picker.querySelector('optgroup')!.getAttribute('label')).to.equal('附表（工作底稿）');
    // "查看该表" jumps to the failing table: merged header cells, levels indented, the failing cells outlined.
    section.querySelector<HTMLButtonElement>('button.link')!.click();
    await el.updateComplete;
    expect(printed().getAttribute('data-table')).to.equal('general_budget_expenditure');
    const [top, bottom] = [...printed().querySelectorAll('thead tr')];
    expect([...top!.querySelectorAll('th')].map((th) => [th.textContent, th.getAttribute('colspan'), th.getAttribute('rowspan')])).to.deep.equal([
      ['功能分类科目编码', '1', '2'], ['科目名称', '1', '2'], ['合计', '1', '2'], ['基本支出', '3', '1'], ['项目支出', '1', '2'],
    ]);
    expect([...bottom!.querySelectorAll('th')].map((th) => th.textContent)).to.deep.equal(['小计', '人员经费', '公用经费']);
    expect(printed().querySelector('tr[data-level=项] td.name')!.classList.contains('l-项')).to.equal(true);
    expect([...printed().querySelectorAll('td.bad')].map((td) => td.textContent)).to.deep.equal(['30.00', '30.00']); // 30,000,000 fen = 300,000 元 = 30.00 万元
    const links = [...root.querySelectorAll<HTMLAnchorElement>('a.dl[data-scope=table]')].map((a) => a.getAttribute('href'));
    expect(links).to.deep.equal([
      '/api/units/a/reports/disclosure?year=2026&basis=budget&format=xlsx&table=general_budget_expenditure',
      '/api/units/a/reports/disclosure?year=2026&basis=budget&format=csv&table=general_budget_expenditure',
    ]);
    // A table with no money: printed all the same, with the note.
    picker.value = 'government_fund_expenditure';
    picker.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(printed().querySelector('tr.note')!.textContent).to.equal('本单位无此项支出');
  });

  it('决算: a deviation gets 填写说明 (finance officer): the text is saved through PUT, the checks run again and list it as explained', async () => {
    const finalAccounts = {
      report: 'final-accounts', title: '2025年度部门决算表', unitId: 'a', unitName: '示范县教育局机关', consolidated: false,
      units: [{ id: 'a', name: '示范县教育局机关' }], year: 2025, month: null,
      tables: [{
        id: 'general_fiscal_expenditure', title: '一般公共预算财政拨款支出决算表', unitLabel: '万元',
        columns: [{ key: 'code', header: '功能分类科目编码', kind: 'text' }, { key: 'name', header: '科目名称', kind: 'text' }, { key: 'budget', header: '全年预算数', kind: 'money' }, { key: 'total', header: '合计', kind: 'money' }],
        rows: [{ code: '2050101', name: '行政运行', level: '项', budget: 10_000_000, total: 4_000_000 }, { code: '', name: '合计', level: '合计', budget: 10_000_000, total: 4_000_000 }],
      }],
    } as unknown as ReportView;
    const cells = [{ table: 'general_fiscal_expenditure', row: '2050101', column: 'budget', value: 10_000_000 }, { table: 'general_fiscal_expenditure', row: '2050101', column: 'total', value: 4_000_000 }];
    const message = '行政运行：决算数 40,000.00元 与预算数 100,000.00元 偏差 60.00%，超过 10%';
    let explained = false;
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': { body: [{ unitId: 'a', year: 2025, status: 'closed', periods: [] }] },
      'GET /api/units/a/reports/execution': { body: execution },
      'GET /api/units/a/reports/final-accounts': { body: finalAccounts },
      'GET /api/units/a/reports/final-accounts/checks': () => ({
        body: explained
          ? { ok: true, checked: 40, skipped: [], failures: [], explained: [{ table: 'general_fiscal_expenditure', line: '2050101', message: `${message}，已说明`, explanation: '下半年公用经费压减', cells }] }
          : { ok: false, checked: 40, skipped: [], failures: [{ check: 'deviation', message: `${message}，需说明原因`, cells }], explained: [] },
      }),
      'PUT /api/units/a/reports/final-accounts/explanations': (call) => ((explained = true), { body: { ...(call.body as object), createdBy: 2, createdAt: '', updatedBy: 2, updatedAt: '' } }),
    });
    const el = await fixture<UbReportsPage>(html`<ub-reports-page .ctx=${ctx({ roles: ['finance_officer'] })}></ub-reports-page>`);
    await until(() => el.report);
    el.select('final');
    await until(() => el.report?.report === 'final-accounts' && el.checks);
    await el.updateComplete;
    const root = el.shadowRoot!;
    const failure = root.querySelector('li[data-check=deviation]')!;
    expect(failure.querySelector('.cells li')!.textContent).to.equal('一般公共预算财政拨款支出决算表 · 2050101 · 全年预算数：100,000.00 元');
    failure.querySelector<HTMLButtonElement>('button.explain')!.click();
    await el.updateComplete;
    const form = root.querySelector('ub-deviation-explain')!;
    await form.updateComplete;
    const textarea = form.shadowRoot!.querySelector<HTMLTextAreaElement>('textarea[name=explanation]')!;
    expect(textarea.getAttribute('maxlength')).to.equal('500');
    expect(form.shadowRoot!.querySelector('.target')!.textContent).to.contain('偏差 60.00%');
    // Too short once trimmed: refused here, nothing sent.
    textarea.value = '  压减 ';
    textarea.dispatchEvent(new Event('input'));
    form.shadowRoot!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await form.updateComplete;
    expect(form.shadowRoot!.querySelector('[role=alert]')!.textContent).to.equal('说明至少 4 个字');
    expect(mock.calls.some((c) => c.method === 'PUT')).to.equal(false);
    textarea.value = ' 下半年公用经费压减 ';
    textarea.dispatchEvent(new Event('input'));
    form.shadowRoot!.querySelector<HTMLButtonElement>('button[type=submit]')!.click();
    await until(() => el.checks?.ok);
    await el.updateComplete;
    expect(mock.calls.find((c) => c.method === 'PUT')!.body).to.deep.equal({ year: 2025, table: 'general_fiscal_expenditure', line: '2050101', explanation: '下半年公用经费压减' });
    expect(mock.calls.filter((c) => c.url.startsWith('/api/units/a/reports/final-accounts/checks')).length).to.equal(2);
    expect(root.querySelector('ub-deviation-explain')).to.equal(null);
    expect(root.querySelector('section.checks [role=status]')!.textContent).to.equal('校验通过（共 40 项）');
    const done = root.querySelector('ol.explained li[data-line="2050101"]')!;
    expect(done.querySelector('.explanation')!.textContent).to.equal('说明：下半年公用经费压减');
    expect(root.querySelector('section.checks')!.textContent).to.contain('已说明的偏差（1 项）');
    expect(done.querySelector('button.explain')!.textContent).to.equal('修改说明');
  });

  it('决算: an auditor sees the deviations and their explanations but no 填写说明', async () => {
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': { body: [{ unitId: 'a', year: 2025, status: 'closed', periods: [] }] },
      'GET /api/units/a/reports/execution': { body: execution },
      'GET /api/units/a/reports/final-accounts': { body: { ...execution, report: 'final-accounts' } },
      'GET /api/units/a/reports/final-accounts/checks': {
        body: {
          ok: false, checked: 3, skipped: [],
          failures: [{ check: 'deviation', message: '公务接待费：偏差，需说明原因', cells: [{ table: 'three_public', row: 'reception', column: 'budget', value: 100 }] }],
          explained: [{ table: 'three_public', line: 'abroad', message: '因公出国（境）费：偏差，已说明', explanation: '出访计划取消', cells: [] }],
        },
      },
    });
    const el = await fixture<UbReportsPage>(html`<ub-reports-page .ctx=${ctx({ roles: ['auditor'] })}></ub-reports-page>`);
    await until(() => el.report);
    el.select('final');
    await until(() => el.report?.report === 'final-accounts' && el.checks);
    await el.updateComplete;
    const root = el.shadowRoot!;
    expect(root.querySelector('li[data-check=deviation]')).to.not.equal(null);
    expect(root.querySelector('button.explain')).to.equal(null);
    expect(root.querySelector('ol.explained li[data-line=abroad] .explanation')!.textContent).to.equal('说明：出访计划取消');
  });

  it('names rows as the server does and builds one header row without groups', () => {
    expect(rowKey({ line: 'income_total', code: '', name: '收入总计' })).to.equal('income_total');
    expect(rowKey({ level: '合计', code: '', name: '合计' })).to.equal('合计');
    expect(rowKey({ code: '205', name: '教育支出' })).to.equal('205');
    expect(headerRows([{ key: 'code', header: '编码', kind: 'text' }, { key: 'a', header: '金额', kind: 'money' }])).to.deep.equal([[
      { label: '编码', colspan: 1, rowspan: 1, num: false }, { label: '金额', colspan: 1, rowspan: 1, num: true },
    ]]);
  });
});
