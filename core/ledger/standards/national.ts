/**
 * The national expenditure standards (支出标准) the core seeds as the first version (owner: none).
 * Every row cites the published text it comes from; a row whose value could not be checked
 * against a published text is `verified: false` and says so in its note. A unit (or its bureau)
 * replaces this set by adopting its own version (its province's table), see ./service.ts.
 *
 * Sources checked (2026-12, with the search tool):
 * - 差旅住宿费: 财政部《关于印发〈中央和国家机关工作人员赴地方差旅住宿费标准明细表〉的通知》
 *   财行〔2016〕71号 (as reproduced in 天津市党政机关工作人员赴外省市差旅住宿费标准明细表,
 *   https://cwcgz.tjus.edu.cn/content.jsp?urltype=news.NewsContentUrl&wbnewsid=1476&wbtreeid=1063):
 *   per city, by rank (部级 / 司局级 / 其他人员), with peak seasons (旺季). Only the regions of that
 *   excerpt (北京 … 浙江) are seeded; the other provinces must be imported from the full table.
 * - 会议费: 《中央和国家机关会议费管理办法》财行〔2016〕214号 第十五条 综合定额
 *   (一类 500+150+110 = 760, 二类 400+150+100 = 650, 三、四类 340+130+80 = 550 元/人天;
 *   text reproduced at https://tiangongwen.com/article/65878.html).
 * - 培训费: 《中央和国家机关培训费管理办法》财行〔2016〕540号 第九条, in force 2017-01-01:
 *   一类（省部级）760, 二类（司局级）650, 三类（处级及以下）550 元/人天
 *   (http://www.chrm.cn/news/show.php?itemid=31209, 2017-01-06; the 2013 办法 had one 450 standard).
 *
 * Not confirmed from a published text found here (kept, marked unverified):
 * - 差旅伙食补助费 100 元/人天 and 市内交通费 80 元/人天 (财行〔2013〕531号 第十六、十九条 as commonly
 *   cited; the search returned no text of those articles).
 * - 公务接待工作餐 120 元/人·餐: the central rules (党政机关国内公务接待管理规定) set no per-head
 *   figure; provinces do. Import the province's own figure.
 *
 * What changed against the hard-coded list this replaces: 培训费 二类 550 → 650 and 三类 450 → 550
 * (财行〔2016〕540号), 一类培训 760 added; 会议费 一类 760 and 四类 550 added; the invented lodging
 * tiers (一类地区 500 / 二类地区 450 / 三类地区 350) replaced by the per-city, per-rank table.
 */

const Y = 100; // fen per yuan

export interface SeedRow {
  item: string;
  tier: string;
  name: string;
  region: string;
  rank: string;
  season: string;
  economicCode: string;
  cap: number;
  per: string;
  effectiveFrom: string | null;
  source: string;
  verified: boolean;
  note: string;
}

const LODGING_SOURCE = '财行〔2016〕71号';
const RANKS = [
  ['minister', '部级'],
  ['bureau', '司局级'],
  ['other', '其他人员'],
] as const;

/** [region key, 地区, [部级, 司局级, 其他人员] 元, 旺季 text or ''] — 财行〔2016〕71号 明细表. */
const LODGING: Array<[string, string, [number, number, number], string]> = [
  ['bj', '北京（全市）', [1100, 650, 500], ''],
  ['hb-a', '河北（石家庄、张家口、秦皇岛、廊坊、承德、保定）', [800, 450, 350], ''],
  ['hb-z', '河北（其他地区）', [800, 450, 310], ''],
  ['sx-a', '山西（太原、大同、晋城）', [800, 480, 350], ''],
  ['sx-b', '山西（临汾）', [800, 480, 330], ''],
  ['sx-c', '山西（阳泉、长治、晋中）', [800, 480, 310], ''],
  ['sx-z', '山西（其他地区）', [800, 400, 240], ''],
  ['nm-a', '内蒙古（呼和浩特）', [800, 460, 350], ''],
  ['nm-z', '内蒙古（其他地区）', [800, 460, 320], ''],
  ['ln-a', '辽宁（沈阳）', [800, 480, 350], ''],
  ['ln-z', '辽宁（其他地区）', [800, 480, 330], ''],
  ['dl', '大连（全市）', [800, 490, 350], ''],
  ['dl-peak', '大连（全市）', [960, 590, 420], '7-9月'],
  ['jl-a', '吉林（长春、吉林、延边州、长白山管理区）', [800, 450, 350], ''],
  ['jl-z', '吉林（其他地区）', [750, 400, 300], ''],
  ['hlj-a', '黑龙江（哈尔滨）', [800, 450, 350], ''],
  ['hlj-a-peak', '黑龙江（哈尔滨）', [960, 540, 420], '7-9月'],
  ['hlj-z', '黑龙江（其他地区）', [750, 450, 300], ''],
  ['sh', '上海（全市）', [1100, 600, 500], ''],
  ['js-a', '江苏（南京、苏州、无锡、常州、镇江）', [900, 490, 380], ''],
  ['js-z', '江苏（其他地区）', [900, 490, 360], ''],
  ['zj-a', '浙江（杭州）', [900, 500, 400], ''],
  ['zj-z', '浙江（其他地区）', [800, 490, 340], ''],
];

function lodgingRows(): SeedRow[] {
  return LODGING.flatMap(([key, region, caps, season]) =>
    RANKS.map(([rank, rankName], i) => ({
      item: 'travel_lodging',
      tier: `${key}.${rank}`,
      name: `差旅住宿费（${region}${season ? `，旺季${season}` : ''}，${rankName}）`,
      region,
      rank: rankName,
      season,
      economicCode: '30211',
      cap: caps[i]! * Y,
      per: 'person_night',
      effectiveFrom: null,
      source: LODGING_SOURCE,
      verified: true,
      note: '',
    })),
  );
}

const row = (r: Omit<SeedRow, 'region' | 'rank' | 'season' | 'effectiveFrom' | 'note' | 'verified'> & Partial<SeedRow>): SeedRow => ({
  region: '', rank: '', season: '', effectiveFrom: null, note: '', verified: true, ...r,
});

export const NATIONAL_ROWS: SeedRow[] = [
  ...lodgingRows(),
  row({ item: 'travel_meal', tier: 'all', name: '差旅伙食补助费', economicCode: '30211', cap: 100 * Y, per: 'person_day', source: '财行〔2013〕531号',
    verified: false, note: '未检索到原文核对（通行引用值 100 元/人天；西藏、青海、新疆 120 元）' }),
  row({ item: 'travel_meal', tier: 'xz-qh-xj', name: '差旅伙食补助费（西藏、青海、新疆）', region: '西藏、青海、新疆', economicCode: '30211', cap: 120 * Y, per: 'person_day',
    source: '财行〔2013〕531号', verified: false, note: '未检索到原文核对（通行引用值）' }),
  row({ item: 'travel_transport', tier: 'all', name: '差旅市内交通费', economicCode: '30211', cap: 80 * Y, per: 'person_day', source: '财行〔2013〕531号',
    verified: false, note: '未检索到原文核对（通行引用值 80 元/人天）' }),
  row({ item: 'meeting', tier: 'class1', name: '会议费综合定额（一类会议）', economicCode: '30215', cap: 760 * Y, per: 'person_day', source: '财行〔2016〕214号' }),
  row({ item: 'meeting', tier: 'class2', name: '会议费综合定额（二类会议）', economicCode: '30215', cap: 650 * Y, per: 'person_day', source: '财行〔2016〕214号' }),
  row({ item: 'meeting', tier: 'class3', name: '会议费综合定额（三类会议）', economicCode: '30215', cap: 550 * Y, per: 'person_day', source: '财行〔2016〕214号' }),
  row({ item: 'meeting', tier: 'class4', name: '会议费综合定额（四类会议）', economicCode: '30215', cap: 550 * Y, per: 'person_day', source: '财行〔2016〕214号' }),
  row({ item: 'training', tier: 'class1', name: '培训费综合定额（一类培训：省部级）', rank: '省部级', economicCode: '30216', cap: 760 * Y, per: 'person_day',
    effectiveFrom: '2017-01-01', source: '财行〔2016〕540号' }),
  row({ item: 'training', tier: 'class2', name: '培训费综合定额（二类培训：司局级）', rank: '司局级', economicCode: '30216', cap: 650 * Y, per: 'person_day',
    effectiveFrom: '2017-01-01', source: '财行〔2016〕540号' }),
  row({ item: 'training', tier: 'class3', name: '培训费综合定额（三类培训：处级及以下）', rank: '处级及以下', economicCode: '30216', cap: 550 * Y, per: 'person_day',
    effectiveFrom: '2017-01-01', source: '财行〔2016〕540号' }),
  row({ item: 'reception_meal', tier: 'all', name: '公务接待工作餐（人均）', economicCode: '30217', cap: 120 * Y, per: 'person_meal', source: '未找到出处',
    verified: false, note: '中央规定未设人均餐标，由各省规定；请导入本省标准' }),
];

export const NATIONAL_VERSION = {
  title: '中央和国家机关支出标准（差旅、会议、培训）',
  effectiveFrom: '2017-01-01',
  sourceDocument: '财行〔2016〕71号；财行〔2016〕214号；财行〔2016〕540号',
  reason: '系统初始标准，依据已公布的文件',
} as const;
