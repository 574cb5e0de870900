import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { analyticsPlugin, ctx, indicator, pluginWarning, timeProgressAnswer } from './fixtures.js';
import '../src/pages/cockpit-page.js';
import type { UbCockpitPage } from '../src/pages/cockpit-page.js';

describe('ub-cockpit-page', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());
  // ECharts comes unbundled in the test server (hundreds of modules): load it once up front.
  before(async () => void (await import('../src/lib/charts.js')));

  it('shows totals, warnings, 三公 vs cap, the inbox, and draws the charts with ECharts', async () => {
    const year = new Date().getFullYear();
    mock = mockFetch({
      'GET /api/units/a/indicators': { body: [indicator({ year, departmentId: 3, amount: 1000000, paid: 250000, available: 750000 }), indicator({ id: 2, year, departmentId: 1, amount: 1000000, paid: 900000, frozen: 0, available: 100000 })] },
      'GET /api/units/a/payments': {
        body: [
          { id: 8, purpose: '公务接待', amount: 300000, status: 'pending', warnings: [{ rule: 'THREE_PUBLIC_CAP_EXCEEDED', severity: 'warn', message: '超过三公经费控制数', details: {} }] },
          { id: 9, purpose: '已撤回', amount: 900000, status: 'withdrawn', warnings: [{ rule: 'X', severity: 'warn', message: 'x', details: {} }] },
        ],
      },
      'GET /api/units/a/three-public-caps': { body: [{ economicCode: '30217', amount: 4500000, used: 3000000 }] },
      'GET /api/units/a/approvals/inbox': { body: [{ target: 'payment', targetId: 8, seq: 3, label: '单位领导审批', amount: 300000, summary: '公务接待', requestedBy: '孙浩', requestedAt: '' }] },
      'GET /api/units/a/time-progress': { body: timeProgressAnswer({ year }) },
      // No analytics plugin in this unit: the 预警事项 are the core's notices on payments.
      'GET /api/units/a/plugins': { body: [analyticsPlugin({ state: 'available', grants: [], version: null })] },
    });
    const el = await fixture<UbCockpitPage>(html`<ub-cockpit-page .ctx=${ctx({ roles: ['leader'], departmentId: null })}></ub-cockpit-page>`);
    await until(() => el.rows.length === 2 && el.caps.length === 1 && el.time !== null && el.warnState === 'ready');
    await el.updateComplete;
    const s = el.shadowRoot!.textContent!;
    expect(s).to.contain('20,000.00');
    expect(s).to.contain('执行率 57.5%');
    // 序时进度 is the core's answer (91.67% by month on 3 December), with its definition: 90 points behind at 57.5% would be
    // 34.2 points — the cockpit says what the core says, it computes nothing of its own.
    expect(el.shadowRoot!.querySelector('#execChart')!.getAttribute('aria-label')).to.contain('时间进度 91.7%');
    expect(s).to.contain('执行进度落后时间进度 34.2 个百分点');
    expect(s).to.contain('序时进度 = 已过完的月份数 ÷ 12');
    expect(s).to.contain('截至 2026-12-03');
    expect(mock.calls.some((c) => c.url.includes(`/api/units/a/time-progress?year=${year}`))).to.equal(true);
    expect(mock.calls.some((c) => c.url.includes('/routes/warnings'))).to.equal(false);
    expect(el.shadowRoot!.querySelectorAll('ul.warn li').length).to.equal(1);
    expect(el.shadowRoot!.querySelector('ul.warn li')!.textContent).to.contain('超过三公经费控制数');
    expect(el.shadowRoot!.querySelector('#capChart')!.getAttribute('aria-label')).to.contain('30,000.00 / 45,000.00');
    expect(el.shadowRoot!.querySelector('#deptChart')!.getAttribute('aria-label')).to.match(/^办公室 90\.0%，基础教育科 25\.0%$/);
    await until(() => el.shadowRoot!.querySelector('#execChart canvas'), 15000);
    await until(() => el.shadowRoot!.querySelector('#capChart canvas'), 15000);
    const inbox = el.shadowRoot!.querySelector('ub-approval-inbox')!;
    await until(() => inbox.shadowRoot!.textContent!.includes('公务接待'));
  });

  describe('预警事项 from the analytics plugin', () => {
    const year = new Date().getFullYear();
    const base = (warnings: (call: { url: string }) => { status?: number; body: unknown }) => ({
      'GET /api/units/a/indicators': { body: [indicator({ year, departmentId: 3, amount: 1000000, paid: 250000, available: 750000 })] },
      'GET /api/units/a/payments': { body: [{ id: 8, purpose: '公务接待', amount: 300000, status: 'pending', warnings: [{ rule: 'THREE_PUBLIC_CAP_EXCEEDED', severity: 'warn', message: '超过三公经费控制数', details: {} }] }] },
      'GET /api/units/a/three-public-caps': { body: [] },
      'GET /api/units/a/approvals/inbox': { body: [] },
      'GET /api/units/a/time-progress': { body: timeProgressAnswer({ year }) },
      'GET /api/units/a/plugins': { body: [analyticsPlugin()] },
      'GET /api/units/a/plugins/analytics/routes/warnings': warnings,
    });
    const open = [
      pluginWarning({ id: 'w1', grade: 'warning', title: '科室“办公室”执行进度 60.0% 落后序时进度 91.7%', departmentId: 1, firstSeen: '2026-11-30T00:00:00.000Z' }),
      pluginWarning({ id: 'w2', grade: 'severe', title: '单笔支付 ¥1,200,000.00（示范县建筑公司），为该经济分类常见金额的 12.0 倍', departmentId: null }),
      pluginWarning({ id: 'w3', grade: 'info', title: '提示级不上驾驶舱' }),
      pluginWarning({ id: 'w4', grade: 'severe', active: false, title: '已解除的预警' }),
    ];
    const acknowledged = [pluginWarning({ id: 'w5', status: 'acknowledged', title: '专项资金指标“教师培训”执行进度 20.0% 落后序时进度 91.7%', firstSeen: '2026-12-01T00:00:00.000Z' })];

    it('shows the unresolved red and yellow warnings, red first, with their counts and a link to the warning centre', async () => {
      mock = mockFetch(base((call) => ({ body: { warnings: call.url.includes('status=open') ? open : call.url.includes('status=acknowledged') ? acknowledged : [] } })));
      const el = await fixture<UbCockpitPage>(html`<ub-cockpit-page .ctx=${ctx({ roles: ['leader'], departmentId: null })}></ub-cockpit-page>`);
      await until(() => el.warnState === 'ready' && el.pluginWarnings !== null && el.rows.length === 1);
      await el.updateComplete;
      const items = [...el.shadowRoot!.querySelectorAll('ul.warn.plugin li')];
      expect(items.map((li) => li.getAttribute('data-grade'))).to.deep.equal(['severe', 'severe', 'warning']);
      expect(items[0]!.textContent).to.contain('专项资金指标“教师培训”'); // the newer red one first
      expect(items[0]!.textContent).to.contain('基础教育科');
      expect(items[1]!.textContent).to.contain('单笔支付');
      expect(items[2]!.textContent).to.contain('办公室');
      const panel = el.shadowRoot!.querySelector('section[aria-labelledby=h-warn]')!.textContent!;
      expect(panel).to.contain('严重（红）2 条 · 一般（黄）1 条');
      expect(panel).not.to.contain('提示级不上驾驶舱');
      expect(panel).not.to.contain('已解除的预警');
      expect(panel).not.to.contain('超过三公经费控制数'); // the plugin's list replaces the core's notices
      expect(el.shadowRoot!.querySelector('a.centre')!.getAttribute('href')).to.equal('/plugins/analytics/warnings');
      expect(mock.calls.filter((c) => c.url.includes('/plugins/analytics/routes/warnings')).map((c) => c.url.split('?')[1]).sort()).to.deep.equal(['status=acknowledged', 'status=open']);
    });

    it('says so while loading, when there are none, and when the plugin cannot answer', async () => {
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      mock = mockFetch(base(() => ({ body: { warnings: [] } })));
      const mocked = window.fetch;
      window.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
        if (String(input).includes('/routes/warnings')) await gate;
        return mocked(input, init);
      }) as typeof fetch;
      try {
        const el = await fixture<UbCockpitPage>(html`<ub-cockpit-page .ctx=${ctx({ roles: ['leader'], departmentId: null })}></ub-cockpit-page>`);
        await until(() => el.shadowRoot!.querySelector('[role=status]')?.textContent?.includes('正在加载预警'));
        release();
        await until(() => el.warnState === 'ready');
        await el.updateComplete;
        const panel = el.shadowRoot!.querySelector('section[aria-labelledby=h-warn]')!;
        expect(panel.textContent).to.contain('暂无预警');
        expect(panel.textContent).to.contain('来自“高级分析与预警”');
        expect(panel.querySelector('a.centre')).to.exist;
      } finally {
        window.fetch = mocked;
      }
      mock.restore();

      mock = mockFetch(base(() => ({ status: 500, body: { error: { code: 'PLUGIN_FAULT', message: '插件运行出错', details: {} } } })));
      const failed = await fixture<UbCockpitPage>(html`<ub-cockpit-page .ctx=${ctx({ roles: ['leader'], departmentId: null })}></ub-cockpit-page>`);
      await until(() => failed.warnState === 'error');
      await failed.updateComplete;
      const alert = failed.shadowRoot!.querySelector('section[aria-labelledby=h-warn] [role=alert]')!;
      expect(alert.textContent).to.contain('未能读取插件预警');
      expect(alert.textContent).to.contain('插件运行出错');
      expect(failed.shadowRoot!.querySelector('a.centre')!.getAttribute('href')).to.equal('/plugins/analytics/warnings');
    });

    it('keeps the core’s notices where the plugin is disabled', async () => {
      mock = mockFetch({ ...base(() => ({ body: { warnings: open } })), 'GET /api/units/a/plugins': { body: [analyticsPlugin({ state: 'disabled' })] } });
      const el = await fixture<UbCockpitPage>(html`<ub-cockpit-page .ctx=${ctx({ roles: ['leader'], departmentId: null })}></ub-cockpit-page>`);
      await until(() => el.warnState === 'ready' && el.warnings.length === 1);
      await el.updateComplete;
      expect(el.pluginWarnings).to.equal(null);
      expect(el.shadowRoot!.querySelector('ul.warn li')!.textContent).to.contain('超过三公经费控制数');
      expect(mock.calls.some((c) => c.url.includes('/routes/warnings'))).to.equal(false);
    });
  });
});
