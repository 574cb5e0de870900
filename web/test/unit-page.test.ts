import { expect, fixture, html } from '@open-wc/testing';
import { customElement } from 'lit/decorators.js';
import { UnitPage } from '../src/lib/base.js';
import { LiveCheck } from '../src/lib/live-check.js';
import { ctx } from './fixtures.js';
import { until } from './mock-fetch.js';

@customElement('ub-test-unit-page')
class UbTestUnitPage extends UnitPage {
  loads: string[] = [];
  async load() {
    this.loads.push(this.ctx.unitId);
  }
}

describe('UnitPage', () => {
  it('loads once per unit: a new ctx object of the same unit does not reload, another unit does', async () => {
    const a = ctx({ unitId: 'a' });
    const el = await fixture<UbTestUnitPage>(html`<ub-test-unit-page .ctx=${a}></ub-test-unit-page>`);
    expect(el.loads).to.deep.equal(['a']);
    el.ctx = { ...a, readOnly: true };
    await el.updateComplete;
    expect(el.loads).to.deep.equal(['a']);
    el.ctx = ctx({ unitId: 'b' });
    await el.updateComplete;
    expect(el.loads).to.deep.equal(['a', 'b']);
  });

  it('waits for ctx before loading', async () => {
    const el = await fixture<UbTestUnitPage>(html`<ub-test-unit-page></ub-test-unit-page>`);
    expect(el.loads).to.deep.equal([]);
    el.ctx = ctx({ unitId: 'a' });
    await el.updateComplete;
    expect(el.loads).to.deep.equal(['a']);
  });
});

describe('LiveCheck', () => {
  /** A request per run whose answer the test releases. */
  function harness() {
    const pending: Array<{ signal: AbortSignal; resolve: (v: string) => void }> = [];
    const seen = { busy: [] as boolean[], results: [] as Array<string | null>, errors: [] as unknown[] };
    const check = new LiveCheck<string>(
      1,
      (signal) =>
        new Promise<string>((resolve, reject) => {
          pending.push({ signal, resolve });
          signal.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        }),
      { busy: (on) => seen.busy.push(on), result: (r) => seen.results.push(r), error: (e) => seen.errors.push(e) },
    );
    return { check, pending, seen };
  }

  it('a newer run aborts the older one, whose answer never shows', async () => {
    const { check, pending, seen } = harness();
    const first = check.run();
    const second = check.run();
    expect(pending[0]!.signal.aborted).to.equal(true);
    pending[1]!.resolve('new');
    pending[0]!.resolve('old');
    await Promise.all([first, second]);
    expect(seen.results).to.deep.equal(['new']);
    expect(seen.busy).to.deep.equal([false]);
    expect(seen.errors).to.deep.equal([]);
  });

  it('schedule collapses calls in a quiet spell into one request', async () => {
    const { check, pending, seen } = harness();
    check.schedule();
    check.schedule();
    await until(() => pending.length === 1);
    pending[0]!.resolve('ok');
    await until(() => seen.results.length === 1);
    expect(pending).to.have.length(1);
    expect(seen.results).to.deep.equal(['ok']);
    expect(seen.busy).to.deep.equal([true, true, false]);
  });
});
