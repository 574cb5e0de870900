import fs from 'node:fs';
import path from 'node:path';
import { RESERVED_PLUGIN_IDS } from './manifest.js';

/**
 * Writes a working plugin folder: manifest, source (a route, a view, a payment validator, an
 * event handler using storage and a nightly cron job reading the execution report) and a vitest
 * test that runs it in the real sandbox. The code imports only `@unibudget/sdk` (and its test
 * `@unibudget/sdk/testing`), the same inside this repository and in a project that installed the SDK.
 */
export function scaffoldPlugin(targetDir: string, id: string): string[] {
  if (!/^[a-z][a-z0-9-]{1,47}$/.test(id)) throw new Error('plugin id: lowercase letters, digits and dashes, 2–48 characters, starting with a letter');
  if ((RESERVED_PLUGIN_IDS as readonly string[]).includes(id)) throw new Error(`plugin id: "${id}" is reserved for the core`);
  if (fs.existsSync(path.join(targetDir, 'manifest.json'))) throw new Error(`${targetDir} already holds a plugin`);
  const shown = (path.relative(process.cwd(), targetDir) || '.').split(path.sep).join('/');
  const files: Record<string, string> = {
    'manifest.json': JSON.stringify({
      id, name: { zh: `${id} 插件`, en: `${id} plugin` }, version: '0.1.0', engine: '^1.0.0',
      description: { zh: '统计已支付笔数，对大额支付申请给出提醒，并提供一个汇总视图。', en: 'Counts paid payments, warns on large payment requests and shows a summary view.' }, author: 'your unit',
      permissions: ['ledger.read', 'storage', 'events', 'validators', 'routes', 'views', 'schedule'],
      events: ['payment.paid'], validators: ['payment.validate'],
      routes: [{ method: 'GET', path: 'summary', summary: 'indicator and paid-payment counts' }],
      views: [{ id: 'overview', title: { zh: '概览', en: 'Overview' }, placement: 'dashboard' }],
      settings: [{ key: 'warnAboveFen', label: { zh: '提醒金额', en: 'Warn above' }, type: 'number', shownAs: 'yuan', default: 1000000, min: 0 }],
      collections: [{ name: 'paid', indexes: ['month'] }, { name: 'snapshots', indexes: ['month'] }],
      schedule: [{ name: 'nightly-snapshot', cron: '0 2 * * *' }],
    }, null, 2) + '\n',
    'src/index.ts': `import { definePlugin, ok, view, warn } from '@unibudget/sdk';

export default definePlugin({
  validators: {
    'payment.validate': (input, host) => {
      const limit = Number(host.settings.warnAboveFen ?? 1_000_000);
      const amount = Number(input.document.amount);
      return amount > limit ? warn(\`金额 \${(amount / 100).toFixed(2)} 元超过提醒线 \${(limit / 100).toFixed(2)} 元\`) : ok();
    },
  },
  events: {
    // Idempotent by event id: a redelivered event overwrites the same document.
    'payment.paid': async (event, host) => {
      const payment = (event.payload as { payment: { id: number; amount: number; date: string } }).payment;
      await host.storage.put('paid', event.id, { month: payment.date.slice(0, 7), amount: payment.amount, paymentId: payment.id });
    },
  },
  routes: {
    'GET summary': async (_request, host) => {
      const indicators = await host.ledger.indicators();
      const paid = await host.storage.query('paid', {}, { limit: 500 });
      return { unitId: host.unitId, indicators: indicators.length, paidPayments: paid.length };
    },
  },
  views: {
    overview: async (_context, host) => {
      const indicators = await host.ledger.indicators();
      const available = indicators.reduce((sum, i) => sum + i.available, 0);
      return view.page([view.stat('指标数', indicators.length), view.stat('可用余额', available, 'fen')], '概览');
    },
  },
  schedule: {
    // Cron '0 2 * * *' (02:00 UTC, per unit). Keyed by day, so a repeated run overwrites its own snapshot.
    'nightly-snapshot': async (host, run) => {
      const day = run.scheduledAt.slice(0, 10);
      const report = await host.ledger.executionReport({ year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)) });
      const departments = await host.ledger.departments();
      await host.storage.put('snapshots', day, {
        month: day.slice(0, 7), budget: report.totals.budget, paid: report.totals.paid, executionRate: report.totals.executionRate, departments: departments.length,
      });
    },
  },
});
`,
    'plugin.test.ts': `import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createPluginHarness, type PluginHarness } from '@unibudget/sdk/testing';

let harness: PluginHarness;
beforeAll(async () => {
  harness = await createPluginHarness({ dir: fileURLToPath(new URL('.', import.meta.url)) });
});
afterAll(async () => harness.close());

describe('${id}', () => {
  it('answers its summary route for the unit', async () => {
    const summary = await harness.route('GET', 'summary');
    expect(summary).toMatchObject({ unitId: 'a', paidPayments: 0 });
  });

  it('warns on a large payment request', async () => {
    const small = await harness.submitPayment(50_000);
    expect(small.status).toBe(201);
    const large = await harness.submitPayment(2_000_000);
    expect(large.status).toBe(201);
    expect(large.body.warnings).toContainEqual(expect.objectContaining({ rule: 'plugin:${id}', severity: 'warn' }));
  });

  it('records paid payments once per event', async () => {
    const event = { payment: { id: 1, amount: 12_300, date: '2026-06-10' } };
    await harness.emit('payment.paid', event, { id: 'evt-1' });
    await harness.emit('payment.paid', event, { id: 'evt-1' });
    expect(await harness.documents('paid')).toEqual([{ id: 'evt-1', data: { month: '2026-06', amount: 12_300, paymentId: 1 } }]);
  });

  it('renders a valid overview view', async () => {
    const overview = await harness.view('overview');
    expect(overview.blocks.map((b: { type: string }) => b.type)).toEqual(['stat', 'stat']);
  });

  it('keeps a nightly execution snapshot', async () => {
    await harness.runSchedule('nightly-snapshot', { scheduledAt: '2026-06-15T02:00:00.000Z' });
    const [snapshot] = await harness.documents('snapshots');
    expect(snapshot).toMatchObject({ id: '2026-06-15', data: { month: '2026-06', departments: 4 } });
    expect(snapshot!.data.budget).toBeGreaterThan(0);
  });
});
`,
    'README.md': `# ${id}\n\nBuilt with the unibudget plugin SDK (\`@unibudget/sdk\`).\n\n` +
      `- \`npx unibudget-plugin test ${shown}\` runs its tests in the real sandbox against an in-memory core;\n` +
      `- \`npx unibudget-plugin keygen\` makes a publisher key pair once: \`publisher.pem\` (PKCS#8, keep it) and \`publisher.pub.pem\`\n` +
      `  (SPKI: the system administrator trusts it under your publisher name, \`PUT /api/plugins/trust\`);\n` +
      `- \`npx unibudget-plugin pack ${shown} --key publisher.pem --publisher <that publisher name>\` writes the signed bundle\n` +
      `  \`dist/${id}-0.1.0.ubplugin.json\` to install with \`unibudget plugin install\` (or \`POST /api/plugins\`).\n`,
  };
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(targetDir, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, content);
    written.push(file);
  }
  return written;
}
