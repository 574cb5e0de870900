import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import '../src/components/plugin-quotas.js';
import '../src/components/quota-bars.js';
import type { UbPluginQuotas } from '../src/components/plugin-quotas.js';
import type { UbQuotaBars } from '../src/components/quota-bars.js';
import { formatBytes, groupDigits } from '../src/lib/bytes.js';
import { setLang } from '../src/lib/i18n.js';
import { formatInstant, when, whenSeconds } from '../src/lib/time.js';
import type { PluginQuotaView, QuotaFigures } from '../src/lib/types.js';

const MB = 1024 * 1024;
/** About 11 KB stored of 64 MB, as the demo's plugins have. */
const small: QuotaFigures = {
  storageBytes: { used: 11_469, limit: 64 * MB },
  storageDocs: { used: 46, limit: 20_000 },
  logEntries: { used: 5, limit: 1_000 },
  notificationsPerHour: { used: 2, limit: 120 },
};

describe('figures and times on screen', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => {
    mock?.restore();
    mock = undefined;
    setLang('zh-CN');
  });

  it('bytes read in B, KB, MB or GB with one decimal (1 KB = 1,024 bytes), never “0.0 MB” for a few KB', () => {
    expect([0, 1, 1023].map(formatBytes)).to.deep.equal(['0 B', '1 B', '1,023 B']);
    expect([1024, 11_469, 1536].map(formatBytes)).to.deep.equal(['1.0 KB', '11.2 KB', '1.5 KB']);
    expect([MB - 1, MB, Math.round(12.3 * MB), 64 * MB].map(formatBytes)).to.deep.equal(['1.0 MB', '1.0 MB', '12.3 MB', '64.0 MB']);
    expect([1.5 * 1024 * MB, 3 * 1024 * MB].map(formatBytes)).to.deep.equal(['1.5 GB', '3.0 GB']);
    expect([groupDigits('20000'), groupDigits('1000'), groupDigits('120'), groupDigits('2048.5'), groupDigits('95.367431640625')])
      .to.deep.equal(['20,000', '1,000', '120', '2,048.5', '95.367431640625']);
  });

  it('instants show in China time (UTC+8), to the minute or the second; business dates as they are', () => {
    expect(when('2026-12-03T10:10:00.000Z')).to.equal('2026-12-03 18:10');
    expect(when('2026-12-03T18:30:00Z'), 'past midnight in China: the next day').to.equal('2026-12-04 02:30');
    expect(when('2026-12-31T16:00:00.000Z'), 'and the next year').to.equal('2027-01-01 00:00');
    expect(whenSeconds('2026-12-03T09:00:07.000Z')).to.equal('2026-12-03 17:00:07');
    expect(when('2026-12-03 10:10:00'), 'no zone: the core’s UTC').to.equal('2026-12-03 18:10');
    expect(when('2026-11-27'), 'a payment date is a business date').to.equal('2026-11-27');
    expect([when(null), when(undefined), when(''), formatInstant('garbage')]).to.deep.equal(['', '', '', 'garbage']);
    setLang('en');
    expect(when('2026-12-03T10:10:00.000Z'), 'the same in English').to.equal('2026-12-03 18:10');
  });

  it('quota bars: a few KB read as KB, counts grouped', async () => {
    const el = await fixture<UbQuotaBars>(html`<ub-quota-bars .figures=${small}></ub-quota-bars>`);
    const figure = (k: string) => el.shadowRoot!.querySelector(`li[data-quota=${k}] [data-figure]`)!.textContent!.trim();
    expect([figure('storageBytes'), figure('storageDocs'), figure('logEntries')]).to.deep.equal(['11.2 KB / 64.0 MB', '46 / 20,000', '5 / 1,000']);
  });

  it('quota editor: grouped numbers everywhere (defaults, values, “继承 20,000”), usage in a sensible unit, defaults aligned with the inputs', async () => {
    const view: PluginQuotaView = {
      pluginId: 'hello-budget', defaults: { storageBytes: 64 * MB, storageDocs: 20000, logEntries: 1000, notificationsPerHour: 120 },
      plugin: { storageBytes: 2048 * MB, storageDocs: 50000, logEntries: null, notificationsPerHour: null },
      effective: { storageBytes: 2048 * MB, storageDocs: 50000, logEntries: 1000, notificationsPerHour: 120 },
      units: [{ unitId: 'a', overrides: null, usage: small }],
    };
    mock = mockFetch({
      'GET /api/units': { body: [{ id: 'a', name: '机关', path: '/a/' }] },
      'GET /api/plugins/hello-budget/quotas': { body: view },
      'PUT /api/plugins/hello-budget/quotas': { body: view },
    });
    const el = await fixture<UbPluginQuotas>(html`<ub-plugin-quotas .pluginIds=${['hello-budget']}></ub-plugin-quotas>`);
    await until(() => el.view && el.unitNames.size);
    await el.updateComplete;
    const root = el.shadowRoot!;
    const input = (scope: string, kind: string) => root.querySelector<HTMLInputElement>(`tr[data-scope="${scope}"] input[name=${kind}]`)!;
    const defaults = [...root.querySelectorAll('td[data-default]')].map((td) => td.textContent!.trim());
    expect(defaults).to.deep.equal(['64', '20,000', '1,000', '120']);
    expect([input('*', 'storageBytes').value, input('*', 'storageDocs').value]).to.deep.equal(['2,048', '50,000']);
    expect(input('*', 'storageDocs').placeholder).to.equal('继承 20,000');
    expect(input('a', 'storageDocs').placeholder).to.equal('继承 50,000');
    expect(root.querySelector('tr[data-scope=a] input[name=storageBytes] + .use')!.textContent).to.equal('已用 11.2 KB / 64.0 MB');
    // the defaults' text starts where the inputs' text does below them
    const textLeft = (td: Element) => {
      const range = document.createRange();
      range.selectNodeContents(td);
      return range.getBoundingClientRect().left;
    };
    const inputText = (i: HTMLInputElement) => i.getBoundingClientRect().left + parseFloat(getComputedStyle(i).paddingLeft) + parseFloat(getComputedStyle(i).borderLeftWidth);
    expect(Math.abs(textLeft(root.querySelector('td[data-default=storageDocs]')!) - inputText(input('*', 'storageDocs')))).to.be.below(2);
    // a grouped value saved untouched is no change; grouped typing is read
    await el.save('');
    expect(mock.calls.filter((c) => c.method === 'PUT')).to.have.length(0);
    input('*', 'storageDocs').value = '60,000';
    input('*', 'storageDocs').dispatchEvent(new Event('input'));
    await el.save('');
    expect(mock.calls.filter((c) => c.method === 'PUT').map((c) => c.body)).to.deep.equal([{ storageDocs: 60000 }]);
  });
});
