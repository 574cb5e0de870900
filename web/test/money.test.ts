import { expect } from '@open-wc/testing';
import { formatFen, parseYuan, percent } from '../src/lib/money.js';

describe('money: fen ↔ yuan text', () => {
  it('formats fen with thousands separators and two decimals', () => {
    expect(formatFen(1234567)).to.equal('12,345.67');
    expect(formatFen(0)).to.equal('0.00');
    expect(formatFen(5)).to.equal('0.05');
    expect(formatFen(100)).to.equal('1.00');
    expect(formatFen(-123456789)).to.equal('-1,234,567.89');
    expect(formatFen(Number.MAX_SAFE_INTEGER)).to.equal('90,071,992,547,409.91');
    expect(formatFen(1234567, { grouping: false })).to.equal('12345.67');
  });

  it('refuses a float', () => {
    expect(() => formatFen(1.5)).to.throw(RangeError);
  });

  it('parses yuan strings exactly, without floats', () => {
    expect(parseYuan('12,345.67')).to.deep.equal({ ok: true, fen: 1234567 });
    expect(parseYuan('12345.6')).to.deep.equal({ ok: true, fen: 1234560 });
    expect(parseYuan('0.1')).to.deep.equal({ ok: true, fen: 10 });
    expect(parseYuan('0.29')).to.deep.equal({ ok: true, fen: 29 }); // 0.29 * 100 = 28.999… as a float
    expect(parseYuan('1.005')).to.deep.equal({ ok: false, error: 'precision' });
    expect(parseYuan('  ¥1,000 ')).to.deep.equal({ ok: true, fen: 100000 });
    expect(parseYuan('１２３．４５')).to.deep.equal({ ok: true, fen: 12345 });
    expect(parseYuan('.5')).to.deep.equal({ ok: true, fen: 50 });
    expect(parseYuan('5.')).to.deep.equal({ ok: true, fen: 500 });
    // The ledger's ceiling: 1,000 亿元 (MAX_FEN, 10^13 fen); one fen more is out of range.
    expect(parseYuan('100000000000.00')).to.deep.equal({ ok: true, fen: 10_000_000_000_000 });
    expect(parseYuan('100000000000.01')).to.deep.equal({ ok: false, error: 'range' });
  });

  it('rejects what is not an amount', () => {
    expect(parseYuan('')).to.deep.equal({ ok: false, error: 'empty' });
    expect(parseYuan('abc').ok).to.equal(false);
    expect(parseYuan('1.2.3').ok).to.equal(false);
    expect(parseYuan('12,34.00').ok).to.equal(false);
    expect(parseYuan('1e5').ok).to.equal(false);
    expect(parseYuan('.').ok).to.equal(false);
    expect(parseYuan('-5')).to.deep.equal({ ok: false, error: 'invalid' });
    expect(parseYuan('-5', { allowNegative: true })).to.deep.equal({ ok: true, fen: -500 });
    expect(parseYuan('90071992547409.92')).to.deep.equal({ ok: false, error: 'range' });
  });

  it('round-trips every formatted amount', () => {
    for (const fen of [0, 1, 99, 100, 101, 123456, 100000000, 987654321012, 10_000_000_000_000]) {
      expect(parseYuan(formatFen(fen))).to.deep.equal({ ok: true, fen });
    }
  });

  it('percent from integers', () => {
    expect(percent(1, 3)).to.equal('33.3%');
    expect(percent(2, 3)).to.equal('66.7%');
    expect(percent(0, 0)).to.equal('—');
    expect(percent(5, 5)).to.equal('100.0%');
  });
});
