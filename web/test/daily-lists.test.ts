import { expect, fixture, html } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { mockFetch, sleep, until } from './mock-fetch.js';
import { ctx, indicator } from './fixtures.js';
import '../src/components/data-table.js';
import type { Column, UbDataTable } from '../src/components/data-table.js';
import { keptColumns } from '../src/components/data-table.js';
import '../src/pages/indicator-dashboard.js';
import type { UbIndicatorDashboard } from '../src/pages/indicator-dashboard.js';
import { buildXlsx, ratioText, textWidth } from '../src/lib/xlsx.js';
import { setUrlParams, urlChoice, urlInt, urlParam } from '../src/lib/url-state.js';
import { announceNotices, LiveReload } from '../src/lib/live.js';
import { clearDraft, draftKey, loadDraft, saveDraft } from '../src/lib/draft.js';
import { LitElement } from 'lit';
import { formatDate, proseDate } from '../src/lib/time.js';
import { setLang } from '../src/lib/i18n.js';
import { formatValue } from '../src/components/plugin-view.js';

interface Row { doc: string; purpose: string; payee: string; amount: number; status: string }
const columns: Column<Row>[] = [
  { key: 'doc', label: '单号', keep: true, value: (r) => r.doc },
  { key: 'purpose', label: '用途', value: (r) => r.purpose },
  { key: 'payee', label: '收款人', value: (r) => r.payee },
  { key: 'amount', label: '金额', money: true, keep: true, value: (r) => r.amount },
  { key: 'status', label: '状态', keep: true, value: (r) => r.status },
];
const many: Row[] = Array.from({ length: 45 }, (_, i) => ({
  doc: `ZF2026-${String(i + 1).padStart(4, '0')}`, purpose: i === 30 ? '购买办公用品一批' : `差旅费 ${i + 1}`, payee: `某某公司第${i + 1}分公司（一个很长的收款人名称）`, amount: (i + 1) * 100, status: '审批中',
}));

describe('lists that page, search and fold on a phone', () => {
  const start = location.href;
  afterEach(async () => {
    history.replaceState(null, '', start);
    await setViewport({ width: 1280, height: 720 });
  });

  it('pages 20 at a time, searches every column, totals what matches', async () => {
    const el = await fixture<UbDataTable<Row>>(html`<ub-data-table .columns=${columns} .rows=${many} page-size="20" searchable totals></ub-data-table>`);
    const bodyRows = () => [...el.shadowRoot!.querySelectorAll('tbody tr')];
    expect(bodyRows().length).to.equal(20);
    expect(el.shadowRoot!.querySelector('.pager')!.textContent).to.contain('第 1–20 条，共 45 条');
    (el.shadowRoot!.querySelector('.pager button.next') as HTMLButtonElement).click();
    await el.updateComplete;
    (el.shadowRoot!.querySelector('.pager button.next') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(bodyRows().length).to.equal(5);
    expect(bodyRows()[0]!.querySelector('td')!.textContent).to.equal('ZF2026-0041');
    expect((el.shadowRoot!.querySelector('.pager button.next') as HTMLButtonElement).disabled).to.equal(true);
    // the total is of every matching row, not of the page
    expect(el.shadowRoot!.querySelector('tfoot td.num')!.textContent).to.equal('1,035.00');
    const search = el.shadowRoot!.querySelector('input[type=search]') as HTMLInputElement;
    expect(search.maxLength).to.equal(100);
    search.value = '办公用品';
    search.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(bodyRows().map((r) => r.querySelector('td')!.textContent)).to.deep.equal(['ZF2026-0031']);
    expect(el.shadowRoot!.querySelector('.pager')).to.equal(null);
    expect(el.shadowRoot!.querySelector('tfoot td.num')!.textContent).to.equal('31.00');
  });

  it('on a 390 px phone keeps document, amount and status, folds the rest into a row that opens, never wider than the screen', async () => {
    await setViewport({ width: 390, height: 844 });
    const el = await fixture<UbDataTable<Row>>(html`<div style="width:370px"><ub-data-table .columns=${columns} .rows=${many.slice(0, 3)}></ub-data-table></div>`).then((d) => d.querySelector('ub-data-table')!);
    await until(() => el.narrow);
    await el.updateComplete;
    const heads = [...el.shadowRoot!.querySelectorAll('thead th')].map((th) => th.textContent!.trim());
    expect(heads.slice(0, 3)).to.deep.equal(['单号', '金额', '状态']);
    expect(heads.length).to.equal(4);
    expect(el.shadowRoot!.textContent).not.to.contain('某某公司第1分公司');
    const more = el.shadowRoot!.querySelector('button.more') as HTMLButtonElement;
    expect(more.getAttribute('aria-expanded')).to.equal('false');
    expect(more.getAttribute('aria-label')).to.contain('ZF2026-0001');
    more.click();
    await el.updateComplete;
    const details = el.shadowRoot!.querySelector('tr.details-row')!;
    expect(details.textContent).to.contain('用途');
    expect(details.textContent).to.contain('某某公司第1分公司');
    expect(more.getAttribute('aria-expanded')).to.equal('true');
    const wrap = el.shadowRoot!.querySelector('.wrap') as HTMLElement;
    expect(wrap.scrollWidth).to.be.at.most(wrap.clientWidth + 1);
    expect(document.documentElement.scrollWidth).to.be.at.most(390);
  });

  it('keeps the first column and the first money column when none is marked', () => {
    const cols = columns.map((c) => ({ ...c, keep: false }));
    expect(keptColumns(cols).map((c) => c.key)).to.deep.equal(['doc', 'amount']);
  });
});

describe('the dashboard export and its state in the address', () => {
  const start = location.href;
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => {
    mock?.restore();
    history.replaceState(null, '', start);
  });
  const rows = [
    indicator({ id: 1, code: 'ZB-1', departmentId: 3, economicCode: '30201', fundSourceCode: '11', amount: 1_000_000, paid: 923_456, available: 76_544 }),
    indicator({ id: 2, code: 'ZB-2', departmentId: 1, economicCode: '30211', fundSourceCode: '11', amount: 300_000, paid: 0, available: 300_000 }),
  ];
  const answers = () => ({
    'GET /api/units/a/indicators': { body: rows },
    'GET /api/units/a/projects': { body: [] },
    'GET /api/classifications': (call: { url: string }) => ({
      body: call.url.includes('economic') ? [{ code: '30201', name: '办公费' }, { code: '30211', name: '差旅费' }] : [{ code: '11', name: '一般公共预算资金' }],
    }),
  });

  it('exports a sheet headed as an office heads it: title, 编制单位, 单位：元, code and name columns, % as numbers, widths', async () => {
    mock = mockFetch(answers());
    const el = await fixture<UbIndicatorDashboard>(html`<ub-indicator-dashboard .ctx=${ctx({ roles: ['finance_officer'] })}></ub-indicator-dashboard>`);
    await until(() => el.rows.length === 2 && el.econ.size === 2);
    await el.updateComplete;
    const table = el.shadowRoot!.querySelector('ub-data-table')!;
    expect(table.exportName).to.match(/^全景数据仪表盘-示范县教育局机关-2026-\d{4}-\d{2}-\d{2}$/);
    const sheet = table.exportSheet(table.exportHeading!, '2026-12-03T02:00:00Z');
    expect(sheet.rows[0]![0]).to.deep.equal({ text: '2026年预算指标执行情况表', style: 'title' });
    expect(sheet.rows[1]![0]).to.equal('编制单位：示范县教育局机关');
    expect(sheet.rows[1]!.at(-1)).to.equal('单位：元');
    expect(sheet.rows[1]).to.contain('导出时间：2026-12-03 10:00');
    const head = sheet.rows[2]!.map((c) => (c && typeof c === 'object' && 'text' in c ? c.text : c));
    expect(head).to.include.members(['经济分类编码', '经济分类名称', '资金来源编码', '资金来源名称', '执行率（%）', '指标金额（元）']);
    const first = sheet.rows[3]!;
    const at = (label: string) => first[head.indexOf(label)];
    expect(at('经济分类编码')).to.equal('30201');
    expect(at('经济分类名称')).to.equal('办公费');
    expect(at('资金来源名称')).to.equal('一般公共预算资金');
    expect(at('执行率（%）')).to.deep.equal({ num: '0.923456', format: 'percent' });
    expect(sheet.rows.at(-1)![0]).to.equal('合计');
    expect(sheet.merges).to.deep.equal([`A1:${String.fromCharCode(64 + head.length)}1`]);
    expect(sheet.freezeRows).to.equal(3);
    expect(sheet.widths[head.indexOf('经济分类名称')]).to.be.at.least(textWidth('经济分类名称'));
    const xml = new TextDecoder().decode(buildXlsx('x', sheet.rows, sheet));
    expect(xml).to.contain('<mergeCell ref="A1:');
    expect(xml).to.contain('numFmtId="10"');
    expect(xml).to.contain('customWidth="1"');
    expect(xml).to.contain('state="frozen"');
  });

  it('keeps filters and sort in the address: a reload shows the same rows in the same order', async () => {
    mock = mockFetch(answers());
    const el = await fixture<UbIndicatorDashboard>(html`<ub-indicator-dashboard .ctx=${ctx({ roles: ['finance_officer'] })}></ub-indicator-dashboard>`);
    await until(() => el.rows.length === 2);
    await el.updateComplete;
    const dept = el.shadowRoot!.querySelector('select[name=department]') as HTMLSelectElement;
    dept.value = '3';
    dept.dispatchEvent(new Event('change'));
    const table = el.shadowRoot!.querySelector('ub-data-table')!;
    table.sortBy('available');
    table.sortBy('available');
    expect(urlParam('departmentId')).to.equal('3');
    expect(urlParam('sort')).to.equal('available');
    expect(urlParam('dir')).to.equal('desc');
    // "reload": a fresh page reads the address
    const again = await fixture<UbIndicatorDashboard>(html`<ub-indicator-dashboard .ctx=${ctx({ roles: ['finance_officer'] })}></ub-indicator-dashboard>`);
    await until(() => again.rows.length === 2);
    await again.updateComplete;
    expect(again.filter.departmentId).to.equal('3');
    expect(again.visible.map((r) => r.id)).to.deep.equal([1]);
    const t2 = again.shadowRoot!.querySelector('ub-data-table')!;
    expect(t2.sortKey).to.equal('available');
    expect(t2.sortDir).to.equal(-1);
    expect((again.shadowRoot!.querySelector('select[name=department]') as HTMLSelectElement).value).to.equal('3');
  });
});

describe('small helpers: address, exact ratios, drafts, live reload', () => {
  const start = location.href;
  afterEach(() => history.replaceState(null, '', start));

  it('reads and writes the address, refusing what a hand edit breaks', () => {
    const before = history.length;
    setUrlParams({ tab: 'journal', year: 2026, empty: '' });
    expect(history.length).to.equal(before);
    expect(urlChoice('tab', ['execution', 'journal'] as const, 'execution')).to.equal('journal');
    expect(urlInt('year', 2000, 2000, 2100)).to.equal(2026);
    setUrlParams({ tab: 'x<script>', year: '99999' });
    expect(urlChoice('tab', ['execution', 'journal'] as const, 'execution')).to.equal('execution');
    expect(urlInt('year', 2025, 2000, 2100)).to.equal(2025);
    setUrlParams({ step: 2 }, { push: true });
    expect(history.length).to.equal(before + 1);
  });

  it('computes ratios exactly from integers', () => {
    expect(ratioText(923_456, 1_000_000)).to.equal('0.923456');
    expect(ratioText(1, 3)).to.equal('0.333333');
    expect(ratioText(2, 3)).to.equal('0.666667');
    expect(ratioText(5, 0)).to.equal('0');
    expect(ratioText(3, 3)).to.equal('1');
  });

  it('keeps a draft per form, unit and user until cleared', () => {
    const k = draftKey('payment', 'a', 6);
    expect(draftKey('payment', 'b', 6)).not.to.equal(k);
    saveDraft(k, { purpose: '差旅' });
    expect(loadDraft<{ purpose: string }>(k)).to.deep.equal({ purpose: '差旅' });
    clearDraft(k);
    expect(loadDraft(k)).to.equal(null);
    localStorage.setItem(k, JSON.stringify({ at: Date.now() - 30 * 24 * 3600 * 1000, value: { old: true } }));
    expect(loadDraft(k)).to.equal(null);
  });

  it('reloads an open list once for a burst of notices, and never after it is gone', async () => {
    class Host extends LitElement {}
    customElements.define('ub-live-host', Host);
    const host = document.createElement('ub-live-host') as Host;
    let n = 0;
    new LiveReload(host, () => n++, 20);
    document.body.append(host);
    announceNotices();
    announceNotices();
    announceNotices();
    await sleep(80);
    expect(n).to.equal(1);
    host.remove();
    announceNotices();
    await sleep(80);
    expect(n).to.equal(1);
  });
});

describe('the reports centre keeps its tab and filters in the address', () => {
  const start = location.href;
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => {
    mock?.restore();
    history.replaceState(null, '', start);
  });

  it('a reload opens the same tab with the same year, month and track; a new tab is written back', async () => {
    history.replaceState(null, '', `${location.pathname}?tab=trial&year=2025&month=3&track=financial`);
    mock = mockFetch({
      'GET /api/units/a/fiscal-years': { body: [{ year: 2025, periods: [] }, { year: 2026, periods: [] }] },
      'GET /api/units/a/trial-balance': { body: { unitId: 'a', track: 'financial', year: 2025, month: 3, accounts: [], totals: { openingDebit: 0, openingCredit: 0, debit: 0, credit: 0, closingDebit: 0, closingCredit: 0 }, balanced: true } },
      'GET /api/units/a/journal': { body: [] },
    });
    await import('../src/pages/reports-page.js');
    const el = await fixture(html`<ub-reports-page .ctx=${ctx({ roles: ['finance_officer'] })}></ub-reports-page>`);
    await until(() => mock!.calls.some((c) => c.url.includes('/trial-balance')));
    expect(mock.calls.find((c) => c.url.includes('/trial-balance'))!.url).to.equal('/api/units/a/trial-balance?track=financial&year=2025&month=3');
    await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(el.shadowRoot!.querySelector('[role=tab][aria-selected=true]')!.id).to.equal('tab-trial');
    (el.shadowRoot!.querySelector('#tab-journal') as HTMLButtonElement).click();
    await until(() => urlParam('tab') === 'journal');
    expect(urlParam('year')).to.equal('2025');
    expect(urlParam('track')).to.equal('financial');
    // its export is named and headed by the unit, the period and the track
    const table = (await until(() => el.shadowRoot!.querySelector('ub-data-table')))!;
    expect(table.exportName).to.equal('序时账-示范县教育局机关-2025-03-财务会计');
    expect(table.exportHeading).to.deep.equal({ title: '序时账 2025（3 月） · 财务会计', unitName: '示范县教育局机关' });
  });
});

describe('one date format', () => {
  afterEach(() => setLang('zh-CN'));

  it('tables show 2026-12-03 (an instant as its China date), prose shows 2026年12月3日', () => {
    expect(formatDate('2026-12-03')).to.equal('2026-12-03');
    // 20:30 UTC on 2 December is 3 December in China
    expect(formatDate('2026-12-02T20:30:00.000Z')).to.equal('2026-12-03');
    expect(formatDate(null)).to.equal('');
    expect(formatDate('not a date')).to.equal('not a date');
    expect(proseDate('2026-12-03')).to.equal('2026年12月3日');
    expect(proseDate('2026-01-09T01:00:00Z')).to.equal('2026年1月9日');
    setLang('en');
    expect(proseDate('2026-12-03')).to.equal('3 December 2026');
    expect(formatValue('2026-12-02T20:30:00.000Z', 'date')).to.equal('2026-12-03');
  });
});

describe('the inbox and my requests on a 390 px phone: stacked cards', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(async () => {
    mock?.restore();
    await setViewport({ width: 1280, height: 720 });
  });

  it('each document is a card with its amount and the approve and reject buttons on screen; nothing scrolls sideways', async () => {
    await setViewport({ width: 390, height: 844 });
    const items = Array.from({ length: 25 }, (_, i) => ({
      target: 'payment', targetId: i + 1, seq: 1, label: '科室负责人审核', amount: 100_00 * (i + 1),
      summary: `购买办公用品一批，用于第${i + 1}期业务培训（收款人：示范县某某文化用品有限责任公司）`, requestedBy: '孙浩', requestedAt: '2026-12-01T01:00:00Z',
    }));
    // The server pages the inbox (?page=1&pageSize=20): the first 20 of 25.
    mock = mockFetch({
      'GET /api/units/a/approvals/inbox': (c) => {
        const page = Number(new URL(c.url, location.origin).searchParams.get('page'));
        return { body: { items: items.slice((page - 1) * 20, page * 20), total: 25, page, pageSize: 20 } };
      },
    });
    await import('../src/pages/approval-inbox.js');
    const el = await fixture<HTMLElementTagNameMap['ub-approval-inbox']>(html`<div style="width:370px"><ub-approval-inbox .ctx=${ctx({ roles: ['department_head'] })}></ub-approval-inbox></div>`)
      .then((d) => d.querySelector('ub-approval-inbox')!);
    await until(() => el.items.length === 20);
    await el.updateComplete;
    const rows = el.shadowRoot!.querySelectorAll('tbody tr');
    // 20 a page, with a search over the rest
    expect(rows.length).to.equal(20);
    expect(el.shadowRoot!.querySelector('input.list-search')).to.exist;
    const card = rows[0]!.getBoundingClientRect();
    expect(card.width).to.be.at.most(371);
    for (const b of rows[0]!.querySelectorAll('button')) {
      const r = b.getBoundingClientRect();
      expect(r.width).to.be.greaterThan(0);
      expect(r.right).to.be.at.most(390);
    }
    const scroller = el.shadowRoot!.querySelector('.x-scroll') as HTMLElement;
    expect(scroller.scrollWidth).to.be.at.most(scroller.clientWidth + 1);
    expect(document.documentElement.scrollWidth).to.be.at.most(390);
    (el.shadowRoot!.querySelector('.list-pager button.next') as HTMLButtonElement).click();
    await until(() => el.items.length === 5);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelectorAll('tbody tr').length).to.equal(5);
  });
});
