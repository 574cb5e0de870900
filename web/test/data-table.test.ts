import { expect, fixture, html } from '@open-wc/testing';
import '../src/components/data-table.js';
import type { Column, UbDataTable } from '../src/components/data-table.js';

interface Row { code: string; amount: number }
const columns: Column<Row>[] = [
  { key: 'code', label: '编码', value: (r) => r.code },
  { key: 'amount', label: '金额', money: true, value: (r) => r.amount },
];
const rows: Row[] = [{ code: 'B', amount: 150 }, { code: 'A', amount: 1234567 }, { code: 'C', amount: 5 }];

describe('ub-data-table', () => {
  it('renders money right-aligned and formatted, with a total row', async () => {
    const el = await fixture<UbDataTable<Row>>(html`<ub-data-table .columns=${columns} .rows=${rows} totals></ub-data-table>`);
    const cells = [...el.shadowRoot!.querySelectorAll('tbody td.num')].map((c) => c.textContent);
    expect(cells).to.deep.equal(['1.50', '12,345.67', '0.05']);
    expect(getComputedStyle(el.shadowRoot!.querySelector('tbody td.num')!).textAlign).to.equal('right');
    expect(el.shadowRoot!.querySelector('tfoot td.num')!.textContent).to.equal('12,347.22');
  });

  it('sorts by a column, both ways, from the keyboard too', async () => {
    const el = await fixture<UbDataTable<Row>>(html`<ub-data-table .columns=${columns} .rows=${rows}></ub-data-table>`);
    const header = el.shadowRoot!.querySelectorAll('th button')[1] as HTMLButtonElement;
    header.click();
    await el.updateComplete;
    const firstCol = () => [...el.shadowRoot!.querySelectorAll('tbody tr')].map((tr) => tr.querySelector('td')!.textContent);
    expect(firstCol()).to.deep.equal(['C', 'B', 'A']);
    expect(el.shadowRoot!.querySelectorAll('th')[1]!.getAttribute('aria-sort')).to.equal('ascending');
    header.click();
    await el.updateComplete;
    expect(firstCol()).to.deep.equal(['A', 'B', 'C']);
    (el.shadowRoot!.querySelectorAll('th button')[0] as HTMLButtonElement).click();
    await el.updateComplete;
    expect(firstCol()).to.deep.equal(['A', 'B', 'C']);
  });

  it('exports what is shown, amounts as exact yuan numbers', async () => {
    const el = await fixture<UbDataTable<Row>>(html`<ub-data-table .columns=${columns} .rows=${rows} export-name="指标"></ub-data-table>`);
    el.sortBy('code');
    expect(el.exportCells()).to.deep.equal([
      ['编码', '金额（元）'],
      ['A', { num: '12345.67' }],
      ['B', { num: '1.50' }],
      ['C', { num: '0.05' }],
    ]);
  });

  it('activates a row with Enter when clickable', async () => {
    const el = await fixture<UbDataTable<Row>>(html`<ub-data-table clickable .columns=${columns} .rows=${rows}></ub-data-table>`);
    let got: Row | null = null;
    el.addEventListener('row-activate', (e) => (got = (e as CustomEvent<Row>).detail));
    el.shadowRoot!.querySelector('tbody tr')!.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter' }));
    expect(got).to.deep.equal(rows[0]);
  });
});
