import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createPluginHarness, type PluginHarness } from '@unibudget/sdk/testing';

let harness: PluginHarness;
beforeAll(async () => {
  harness = await createPluginHarness({ dir: fileURLToPath(new URL('.', import.meta.url)) });
});
afterAll(async () => harness.close());

describe('hello-budget', () => {
  it('answers its summary route for the unit', async () => {
    const summary = await harness.route('GET', 'summary');
    expect(summary).toMatchObject({ unitId: 'a', paidPayments: 0 });
  });

  it('warns on a large payment request', async () => {
    const small = await harness.submitPayment(50_000);
    expect(small.status).toBe(201);
    const large = await harness.submitPayment(2_000_000);
    expect(large.status).toBe(201);
    expect(large.body.warnings).toContainEqual(expect.objectContaining({ rule: 'plugin:hello-budget', severity: 'warn' }));
  });

  it('records paid payments once per event', async () => {
    const event = { payment: { id: 1, amount: 12_300, date: '2026-06-10' } };
    await harness.emit('payment.paid', event, { id: 'evt-1' });
    await harness.emit('payment.paid', event, { id: 'evt-1' });
    expect(await harness.documents('paid')).toEqual([{ id: 'evt-1', data: { month: '2026-06', amount: 12_300, paymentId: 1 } }]);
  });

  it('records a batch of paid payments as the outbox delivers it (eventBatch), a redelivered one once', async () => {
    const paid = (id: number, amount: number) => ({ type: 'payment.paid', payload: { payment: { id, amount, date: '2026-07-0' + id } }, id: `evt-b${id}` });
    expect(await harness.emitBatch([paid(1, 100), paid(2, 200), paid(1, 100), paid(3, 300)])).toEqual({ done: 4, failed: false });
    const docs = (await harness.documents('paid')).filter((d) => d.id.startsWith('evt-b'));
    expect(docs).toEqual([1, 2, 3].map((id) => ({ id: `evt-b${id}`, data: { month: '2026-07', amount: id * 100, paymentId: id } })));
  });

  it('renders a valid overview view', async () => {
    const overview = await harness.view('overview');
    expect(overview.blocks.map((b: { type: string }) => b.type)).toEqual(['stat', 'stat']);
  });

  it('shows the balance of the indicator on a payment\'s detail (a placed view gets its payment)', async () => {
    const payment = await harness.submitPayment(66_600);
    expect(payment.status).toBe(201);
    const placed = await harness.view('payment-balance', { query: { subjectKind: 'payment', subjectId: String(payment.body.id) } });
    expect(placed.blocks.map((b: { label: string; value: number }) => [b.label.endsWith('可用余额'), b.value > 0])).toEqual([[true, true], [false, true]]);
    expect(placed.blocks[1].value).toBe(66_600);
  });

  it('keeps a nightly execution snapshot', async () => {
    await harness.runSchedule('nightly-snapshot', { scheduledAt: '2026-06-15T02:00:00.000Z' });
    const [snapshot] = await harness.documents('snapshots');
    expect(snapshot).toMatchObject({ id: '2026-06-15', data: { month: '2026-06', departments: 4 } });
    expect(snapshot!.data.budget).toBeGreaterThan(0);
  });
});
