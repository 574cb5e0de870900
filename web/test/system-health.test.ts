import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import { setLang } from '../src/lib/i18n.js';
import '../src/pages/system-health.js';
import { hintText, sortHints, type SystemHealth, type UnitHealth } from '../src/pages/system-health.js';

const volume = Array.from({ length: 60 }, (_, i) => ({ minute: new Date(Date.UTC(2026, 5, 15, 8, i)).toISOString(), requests: i % 7 }));
const lag = { pluginId: 'analytics', unitId: 'a', waiting: 4, dead: 0, oldestSeconds: 12 * 60 + 5, attempts: 3, lastError: 'PLUGIN_TIMEOUT: no answer' };
const system: SystemHealth = {
  time: '2026-06-15T08:59:00Z', database: 'sqlite', uptimeSeconds: 7200,
  memory: { rssMb: 180, heapUsedMb: 60, heapTotalMb: 90, externalMb: 4 }, eventLoop: { p50: 10, p99: 21, max: 40 },
  statements: { count: 5000, p50: 0.05, p99: 1, meanMs: 0.08, errors: 0 }, commandRetries: 0,
  routes: [{ route: 'POST /api/units/:unitId/payments', count: 120, p50: 10, p99: 50, meanMs: 12, errors4xx: 2, errors5xx: 0 }],
  runners: [{ slot: 0, pid: 123, alive: true, units: 1, inFlight: 0, restarts: 0 }, { slot: 1, pid: null, alive: false, units: 1, inFlight: 0, restarts: 0 }],
  outbox: [lag], plugins: [{ pluginId: 'analytics', unitId: 'a', calls: 40, errors: 3, p50: 2, p99: 9, memoryBytes: 1_000_000 }], volume,
  hints: [
    { kind: 'runnerRestarts', severity: 'warning', value: 2 },
    { kind: 'outboxLag', severity: 'critical', pluginId: 'analytics', unitId: 'a', value: 12, failures: 3 },
  ],
};
const unit: UnitHealth = { time: system.time, unitId: 'a', requests: 321, volume, outbox: [lag], plugins: system.plugins, hints: [system.hints[1]!] };
const root = (el: Element) => el.shadowRoot!;

describe('system health page', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => {
    mock?.restore();
    setLang('zh-CN');
  });

  it('says a waiting event in plain words, critical first, in both languages', () => {
    expect(hintText(system.hints[1]!)).to.equal('事件积压 12 分钟：插件 analytics 在单位 a 失败 3 次');
    expect(sortHints(system.hints).map((h) => h.kind)).to.deep.equal(['outboxLag', 'runnerRestarts']);
    setLang('en');
    expect(hintText(system.hints[1]!)).to.equal('Events waiting 12 min: plugin analytics in unit a failed 3 times');
  });

  it('the system administrator sees the process, the runner pool and the backlog, hints on top', async () => {
    mock = mockFetch({ 'GET /api/system/health': { body: system }, 'GET /api/units/a/health': { body: unit } });
    const el = await fixture(html`<ub-system-health .ctx=${ctx({ roles: ['unit_admin'], me: { ...ctx().me, systemAdmin: true } })}></ub-system-health>`);
    await until(() => root(el).querySelector('.hints li'));
    const hints = [...root(el).querySelectorAll('.hints li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
    expect(hints[0]).to.contain('严重').and.contain('事件积压 12 分钟：插件 analytics 在单位 a 失败 3 次');
    expect(root(el).querySelector('h1')!.textContent).to.equal('系统健康度监测');
    const text = root(el).textContent!;
    expect(text).to.contain('POST /api/units/:unitId/payments').and.contain('未启动（下次调用时启动）').and.contain('12 分钟').and.contain('PLUGIN_TIMEOUT: no answer');
    expect(root(el).querySelector('#volume')).to.exist;
    expect(mock.calls.map((c) => c.url)).to.include('/api/system/health');
  });

  it('a unit admin sees only their unit: its plugins, its backlog and its own requests', async () => {
    mock = mockFetch({ 'GET /api/units/a/health': { body: { ...unit, hints: [] } } });
    const el = await fixture(html`<ub-system-health .ctx=${ctx({ roles: ['unit_admin'] })}></ub-system-health>`);
    await until(() => root(el).querySelector('.ok'));
    expect(root(el).querySelector('h1')!.textContent).to.contain('本单位运行情况');
    expect(root(el).textContent).to.contain('本进程启动以来共 321 次请求').and.contain('各项指标正常');
    expect(mock.calls.map((c) => c.url)).to.deep.equal(['/api/units/a/health']);
  });
});
