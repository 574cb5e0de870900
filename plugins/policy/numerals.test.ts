import { describe, expect, it } from 'vitest';
import { parseChineseInteger, parseMoney, parsePercent, percentText, yuan } from './src/numerals.js';
import { extract, sentences } from './src/extract.js';
import { score } from './fixtures/score.js';
import { CORPUS } from './fixtures/corpus.js';

describe('Chinese numerals', () => {
  it.each([
    ['十', 10n], ['十五', 15n], ['一十五', 15n], ['二十', 20n], ['一百零五', 105n], ['三千零五', 3005n], ['一千零二十', 1020n],
    ['两千', 2000n], ['壹万贰仟', 12000n], ['叁佰伍拾', 350n], ['二十万', 200000n], ['一亿二千万', 120000000n], ['3万5千', 35000n],
    ['一万零一', 10001n], ['零', 0n],
  ])('%s → %s', (text, value) => expect(parseChineseInteger(text)).toBe(value));

  it.each(['', '五五', '百', '千元', 'abc', '万'])('refuses %j', (text) => expect(parseChineseInteger(text)).toBeNull());
});

describe('money expressions → fen', () => {
  it.each([
    ['800元', 80_000], ['1.2万元', 1_200_000], ['1,200.50元', 120_050], ['12000元', 1_200_000], ['3.5亿元', 35_000_000_000],
    ['五百元', 50_000], ['一千二百元', 120_000], ['壹万贰仟元', 1_200_000], ['壹万贰仟元整', 1_200_000], ['人民币壹佰元整', 10_000],
    ['叁佰伍拾元伍角', 35_050], ['贰拾伍元伍角陆分', 2_556], ['3万5千元', 3_500_000], ['0.5元', 50], ['2.5万', 2_500_000],
    ['十元', 1_000], ['¥1,000元', 100_000], ['3千元', 300_000],
  ])('%s → %d fen', (text, fen) => expect(parseMoney(text)).toBe(fen));

  it.each(['0.001元', '1.2.3元', '元', '五五元', '1.2万五千元', ''])('refuses %j (no rounding, no guessing)', (text) => expect(parseMoney(text)).toBeNull());

  it('keeps exact integers far beyond float precision of cents', () => {
    expect(parseMoney('9999999.99元')).toBe(999_999_999);
    expect(parseMoney('0.07元')).toBe(7);
    expect(parseMoney('1.1万元')).toBe(1_100_000);
  });
});

describe('percentages → hundredths of a percent', () => {
  it.each([['10%', 1000], ['2.5%', 250], ['70％', 7000], ['百分之七十', 7000], ['百分之二点五', 250], ['百分之五十', 5000], ['百分之14', 1400]])('%s → %d', (text, v) => expect(parsePercent(text)).toBe(v));
  it.each(['百分之', '10', '百分之二点', '0.001%'])('refuses %j', (text) => expect(parsePercent(text)).toBeNull());
  it('formats back', () => {
    expect(percentText(7000)).toBe('70%');
    expect(percentText(250)).toBe('2.5%');
    expect(yuan(1_200_050)).toBe('12,000.50');
  });
});

describe('extraction', () => {
  it('splits sentences and keeps the sentence each candidate came from', () => {
    const text = '第十六条 伙食补助费按出差自然（日历）天数计算，按照每人每天100元包干使用。\n第十七条 下达资金500万元。会议费综合定额：二类会议650元/人天；三、四类会议550元/人天。';
    expect(sentences(text)).toHaveLength(3);
    const got = extract(text);
    expect(got.map((c) => [c.value, c.per, c.item, c.tier, c.sentenceIndex])).toEqual([
      [100_00, 'person_day', 'travel_meal', 'all', 0],
      [650_00, 'person_day', 'meeting', 'class2', 2],
      [550_00, 'person_day', 'meeting', 'class3', 2],
    ]);
    expect(got[0]!.sentence).toBe('第十六条 伙食补助费按出差自然（日历）天数计算，按照每人每天100元包干使用。');
    expect(got[0]!.bound).toBe('standard');
  });

  it('reads caps, tiers by rank and season, and percentages', () => {
    const [cap] = extract('副高级技术职称专业人员讲课费每学时最高不超过500元。');
    expect(cap).toMatchObject({ value: 500_00, per: 'hour', bound: 'cap', subject: '讲课费', item: 'lecture' });
    const [peak] = extract('哈尔滨市7-9月旺季期间，司局级人员住宿费标准为540元/人天。');
    expect(peak).toMatchObject({ value: 540_00, rank: '司局级', season: '7-9月', region: '哈尔滨市', item: 'travel_lodging', tier: null });
    const [pct] = extract('超过天数按照综合定额标准的70%控制。');
    expect(pct).toMatchObject({ kind: 'percent', value: 7000 });
  });

  it('on the corpus of ≥100 sentences: precision ≥ 0.95 and recall ≥ 0.9', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(100);
    const s = score();
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
    expect(s.recall).toBeGreaterThanOrEqual(0.9);
  });
});
