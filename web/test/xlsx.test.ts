import { expect } from '@open-wc/testing';
import { buildXlsx, crc32, zipStored } from '../src/lib/xlsx.js';

describe('xlsx writer', () => {
  it('computes CRC-32', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).to.equal(0xcbf43926);
  });

  it('writes a stored zip with local headers, central directory and end record', () => {
    const zip = zipStored([{ name: 'a.txt', data: new TextEncoder().encode('hello') }]);
    const v = new DataView(zip.buffer);
    expect(v.getUint32(0, true)).to.equal(0x04034b50);
    expect(v.getUint32(zip.length - 22, true)).to.equal(0x06054b50);
    expect(v.getUint16(zip.length - 22 + 10, true)).to.equal(1);
  });

  it('puts the cells into sheet1 with numbers as numbers', () => {
    const bytes = buildXlsx('指标', [['编码', '金额（元）'], ['ZB<1>', { num: '12345.67' }]]);
    const text = new TextDecoder().decode(bytes);
    expect(text).to.contain('xl/worksheets/sheet1.xml');
    expect(text).to.contain('<c r="B2" s="1"><v>12345.67</v></c>');
    expect(text).to.contain('ZB&lt;1&gt;');
    expect(text).to.contain('<sheet name="指标"');
    expect(() => buildXlsx('x', [[{ num: '1e5' }]])).to.throw();
  });
});
