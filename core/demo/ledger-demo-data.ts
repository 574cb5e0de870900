// Over 400 lines: data, not logic — a year of realistic budget lines, projects and payees for the demo units.
import type { Standard } from '../ledger/preparation/schema.js';
import { stableDigits } from './ledger-demo-random.js';

/**
 * What the demo units budget and spend in a year: templates and headcounts, projects, direct
 * indicators, spending profiles (who is paid for what, how often, how the year is shaped), and
 * the scripted moments (procurement contracts, travel under the standards, transfers, 追加).
 * Amounts are fen; yuan in comments.
 *
 * Indicators are named by keys: `basic:<economic>` (a line of the basic-expenditure request),
 * `proj:<project slug>:<economic>` (a line of the project request), `si:<economic>` (social
 * insurance, issued directly), `tp:<economic>` (三公经费, issued directly), `reserve` (机动额度).
 */

const YUAN = 100;

export interface PayeeInfo {
  name: string;
  bank: string;
  account: string;
}

const BANKS = {
  icbc: '中国工商银行示范县支行',
  abc: '中国农业银行示范县支行',
  ccb: '中国建设银行示范县支行',
  rcb: '示范县农村商业银行营业部',
  psbc: '中国邮政储蓄银行示范县支行',
} as const;

/** A corporate payee; the account number is derived from the name, so it is stable. */
function org(name: string, bank: keyof typeof BANKS): PayeeInfo {
  return { name, bank: BANKS[bank], account: `${bank === 'rcb' ? '8801' : '1'}${stableDigits(name, bank === 'rcb' ? 14 : 18)}` };
}

/** A person reimbursed to their 公务卡. */
export function person(name: string): PayeeInfo {
  return { name, bank: `${BANKS.abc}（公务卡）`, account: `622848${stableDigits(name, 13)}` };
}

const P = {
  stationery: org('示范县文华办公用品有限公司', 'icbc'),
  stationery2: org('示范县晨光文具经营部', 'rcb'),
  bookstore: org('某省新华书店集团有限公司示范县分公司', 'ccb'),
  printing: org('示范县彩虹印务有限公司', 'rcb'),
  printing2: org('示范县金秋印刷厂', 'abc'),
  water: org('示范县自来水有限责任公司', 'icbc'),
  power: org('国网某省电力有限公司示范县供电公司', 'ccb'),
  telecom: org('中国电信股份有限公司示范县分公司', 'icbc'),
  post: org('中国邮政集团有限公司示范县分公司', 'psbc'),
  property: org('示范县安居物业服务有限公司', 'rcb'),
  builder: org('示范县宏达建筑安装工程有限公司', 'abc'),
  repair: org('示范县恒信电器维修服务部', 'rcb'),
  hotel: org('示范县教育宾馆', 'icbc'),
  hotel2: org('示范县迎宾酒店有限公司', 'ccb'),
  teacherSchool: org('示范县教师进修学校', 'icbc'),
  university: org('某省师范大学继续教育学院', 'icbc'),
  supermarket: org('示范县惠民超市有限公司', 'rcb'),
  hospital: org('示范县人民医院', 'ccb'),
  sinopec: org('中国石化销售股份有限公司某省示范县分公司', 'icbc'),
  garage: org('示范县顺达汽车维修服务有限公司', 'rcb'),
  insurer: org('中国人民财产保险股份有限公司示范县支公司', 'abc'),
  pension: org('示范县社会保险事业服务中心', 'icbc'),
  medical: org('示范县医疗保障事务中心', 'icbc'),
  housingFund: org('示范县住房公积金管理中心', 'ccb'),
  it: org('示范县华信科技有限公司', 'ccb'),
  computers: org('某省联创电子科技有限公司', 'icbc'),
  school1: org('示范县第一中学', 'rcb'),
  school2: org('示范县城关镇中心小学', 'rcb'),
  school3: org('示范县实验小学', 'rcb'),
  instruments: org('示范县育才教学仪器有限公司', 'abc'),
  construction: org('示范县建工集团有限公司', 'ccb'),
  designer: org('示范县建筑设计院有限公司', 'icbc'),
  supervisor: org('示范县正信工程监理有限公司', 'rcb'),
  youthCenter: org('示范县青少年活动中心', 'rcb'),
  unionA: org('示范县教育局机关工会委员会', 'rcb'),
  unionB: org('示范县实验小学工会委员会', 'rcb'),
  wagesA: org('示范县教育局机关在职职工（工资统发）', 'rcb'),
  wagesB: org('示范县实验小学在职教职工（工资统发）', 'rcb'),
  afterSchoolB: org('示范县实验小学课后服务教师（补助代发）', 'rcb'),
};

export interface SpendItem {
  /** May hold {y} year, {py} previous year, {m} month, {q} quarter (一…四), {term} 春季/秋季 (school term). */
  purpose: string;
  /** Payees to choose from; `people` = one of the unit's staff, reimbursed to a 公务卡. */
  payees: PayeeInfo[] | 'people' | 'experts';
}

/** How one indicator is spent over a year. */
export interface Profile {
  key: string;
  /** Share of the indicator spent over a whole year (the rest stays as a margin). */
  share: number;
  /** Relative weight of each month, January first. */
  weights: readonly number[];
  perMonth: readonly [number, number];
  days: readonly [number, number];
  items: readonly SpendItem[];
}

export interface ScriptedPayment {
  key: string;
  month: number;
  day: number;
  amount: number;
  purpose: string;
  payee: PayeeInfo;
  procurement?: { contractNo: string };
  standard?: { item: 'travel_meal' | 'travel_lodging' | 'reception_meal'; tier: string; quantity: number };
  /** Default: paid a few days later. A refused or withdrawn one shows the trail of a real office. */
  outcome?: { kind: 'rejected'; by: 'head' | 'finance'; comment: string } | { kind: 'withdrawn'; comment: string };
}

export interface TransferPlan {
  from: string;
  to: string;
  /** Fen; or a share of the source indicator, rounded down to 100 yuan. */
  amount: number | { shareOfSource: number };
  month: number;
  day: number;
  reason: string;
  /** `pending:finance` / `pending:leader` leave it in an inbox in the current month. */
  end: 'approved' | 'pending:finance' | 'pending:leader';
  /** Scheduled in the current month, a day before today (an item still in the inboxes). */
  current?: boolean;
}

/** 收入登记: non-fiscal money arriving (core/ledger/receipts); recorded before any spending of it. */
export interface ReceiptPlan {
  month: number;
  day: number;
  type: 'business' | 'superior_subsidy' | 'subordinate_remit' | 'operating' | 'non_peer_fiscal' | 'other';
  fundSourceCode: string;
  amount: number;
  payer: string;
  summary: string;
  /** The own-money indicator it backs: it arrives (by today at the latest) whenever that indicator is spent. */
  backs?: string;
}

/**
 * An indicator over the unit's own money (`own:<term>:<economic>`), issued by finance on the day the
 * receipt behind it arrived and for no more than it: indicators on non-fiscal fund sources are backed
 * by receipts, and spending them never takes 1002 / 800102 below zero (CASH_INSUFFICIENT).
 */
export interface OwnFundPlan {
  key: string;
  name: string;
  month: number;
  day: number;
  economicCode: string;
  functionalCode: string;
  fundSourceCode: string;
  amount: number;
}

export interface AdjustmentPlan {
  key: string;
  amount: number;
  month: number;
  day: number;
  reason: string;
  docNo: string;
}

export interface ProjectPlan {
  /** Stable name used in indicator keys (`proj:<slug>:<economic>`); the code carries the year. */
  slug: string;
  code: string;
  name: string;
  functionalCode: string;
  startYear: number;
  endYear: number;
  plans: Array<{ year: number; amount: number }>;
  description: string;
  /** Lines of the project request; none for a project left in the library's reserve. */
  lines: Array<{ economicCode: string; amount: number; note: string }>;
}

export interface UnitDemo {
  unitId: 'a' | 'b';
  unitName: string;
  seed: number;
  headcount: number;
  functionalCode: string;
  personnel: Standard[];
  operating: Standard[];
  /** Line key → fraction finance cuts in the control number (一下). */
  cuts: Record<string, number>;
  socialInsurance: Array<{ economicCode: string; name: string; functionalCode: string; perHead: number }>;
  threePublic: Array<{ economicCode: '30217' | '30231'; name: string; cap: number; amount: number }>;
  reserve: { name: string; amount: number };
  projects: (year: number) => ProjectPlan[];
  people: string[];
  experts: string[];
  profiles: Profile[];
  scripted: (year: number) => ScriptedPayment[];
  transfers: TransferPlan[];
  adjustments: (year: number) => AdjustmentPlan[];
  /** Receipts of the unit's own money, and the indicators they back (a school's 事业收入). */
  receipts?: (year: number) => ReceiptPlan[];
  ownFunds?: (year: number) => OwnFundPlan[];
}

const EVERY_MONTH = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1] as const;
const QUARTERLY = [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1] as const;

function payroll(key: string, purpose: string, payee: PayeeInfo, weights: readonly number[] = EVERY_MONTH): Profile {
  return { key, share: 0.992, weights, perMonth: [1, 1], days: [12, 15], items: [{ purpose, payees: [payee] }] };
}

function socialInsurance(payees: { pension: PayeeInfo; medical: PayeeInfo; fund: PayeeInfo }): Profile[] {
  const base = { share: 0.992, weights: EVERY_MONTH, perMonth: [1, 1] as const, days: [16, 20] as const };
  return [
    { ...base, key: 'si:30108', items: [{ purpose: '缴纳{y}年{m}月机关事业单位基本养老保险费（单位缴费部分）', payees: [payees.pension] }] },
    { ...base, key: 'si:30110', items: [{ purpose: '缴纳{y}年{m}月职工基本医疗保险费（单位缴费部分）', payees: [payees.medical] }] },
    { ...base, key: 'si:30113', items: [{ purpose: '缴存{y}年{m}月住房公积金（单位缴存部分）', payees: [payees.fund] }] },
  ];
}

const vehicleItems: SpendItem[] = [
  { purpose: '公务用车加油（{m}月油卡充值）', payees: [P.sinopec] },
  { purpose: '公务用车加油（{m}月油卡充值）', payees: [P.sinopec] },
  { purpose: '公务用车定期保养（更换机油、三滤）', payees: [P.garage] },
  { purpose: '公务用车维修（更换刹车片、轮胎）', payees: [P.garage] },
];

// ------------------------------------------------------------------ unit a: 示范县教育局机关

const UNIT_A: UnitDemo = {
  unitId: 'a',
  unitName: '示范县教育局机关',
  seed: 20_260_101,
  headcount: 32,
  functionalCode: '2050101',
  personnel: [
    { economicCode: '30101', name: '基本工资', perHeadAmount: 39_600 * YUAN },
    { economicCode: '30102', name: '津贴补贴', perHeadAmount: 34_800 * YUAN },
    { economicCode: '30103', name: '奖金', perHeadAmount: 3_300 * YUAN },
  ],
  operating: [
    { economicCode: '30201', name: '办公费', perHeadAmount: 1_600 * YUAN },
    { economicCode: '30202', name: '印刷费', perHeadAmount: 400 * YUAN },
    { economicCode: '30205', name: '水费', perHeadAmount: 150 * YUAN },
    { economicCode: '30206', name: '电费', perHeadAmount: 900 * YUAN },
    { economicCode: '30207', name: '邮电费', perHeadAmount: 450 * YUAN },
    { economicCode: '30209', name: '物业管理费', perHeadAmount: 1_200 * YUAN },
    { economicCode: '30211', name: '差旅费', perHeadAmount: 2_200 * YUAN },
    { economicCode: '30213', name: '维修（护）费', perHeadAmount: 700 * YUAN },
    { economicCode: '30215', name: '会议费', perHeadAmount: 600 * YUAN },
    { economicCode: '30216', name: '培训费', perHeadAmount: 500 * YUAN },
    { economicCode: '30226', name: '劳务费', perHeadAmount: 300 * YUAN },
    { economicCode: '30228', name: '工会经费', perHeadAmount: 1_400 * YUAN },
    { economicCode: '30229', name: '福利费', perHeadAmount: 900 * YUAN },
  ],
  cuts: {
    'basic:30201': 0.08,
    'basic:30211': 0.05,
    'basic:30215': 0.1,
    'proj:training:30216': 0.05,
    'proj:it:31007': 0.065,
  },
  socialInsurance: [
    { economicCode: '30108', name: '机关事业单位基本养老保险缴费', functionalCode: '2080505', perHead: 11_904 * YUAN },
    { economicCode: '30110', name: '职工基本医疗保险缴费', functionalCode: '2101101', perHead: 5_952 * YUAN },
    { economicCode: '30113', name: '住房公积金', functionalCode: '2210201', perHead: 8_928 * YUAN },
  ],
  threePublic: [
    { economicCode: '30217', name: '公务接待费', cap: 45_000 * YUAN, amount: 42_000 * YUAN },
    { economicCode: '30231', name: '公务用车运行维护费', cap: 96_000 * YUAN, amount: 90_000 * YUAN },
  ],
  reserve: { name: '机动经费（机动额度）', amount: 200_000 * YUAN },
  projects: (y) => [
    {
      slug: 'training', code: `JY${y}-001`, name: '教师培训项目', functionalCode: '2050801', startYear: y, endYear: y,
      plans: [{ year: y, amount: 800_000 * YUAN }],
      description: '全县中小学教师全员培训：暑期骨干教师研修、新任教师岗前培训、班主任能力提升、乡村教师信息技术应用能力提升。',
      lines: [
        { economicCode: '30216', amount: 680_000 * YUAN, note: '教师培训费' },
        { economicCode: '30226', amount: 120_000 * YUAN, note: '外聘专家讲课费' },
      ],
    },
    {
      slug: 'it', code: `JY${y}-002`, name: '教育信息化建设', functionalCode: '2050299', startYear: y, endYear: y + 1,
      plans: [{ year: y, amount: 1_500_000 * YUAN }, { year: y + 1, amount: 900_000 * YUAN }],
      description: '全县智慧校园平台建设及中小学教师办公计算机更新，分两年实施。',
      lines: [
        { economicCode: '31007', amount: 1_200_000 * YUAN, note: '智慧校园平台（信息网络及软件）' },
        { economicCode: '31002', amount: 300_000 * YUAN, note: '教师办公计算机更新' },
      ],
    },
    {
      slug: 'aid', code: `JY${y}-003`, name: '学生资助', functionalCode: '2050299', startYear: y, endYear: y,
      plans: [{ year: y, amount: 1_200_000 * YUAN }],
      description: '义务教育家庭经济困难学生生活补助及普通高中国家助学金，按春、秋两学期拨付学校发放。',
      lines: [{ economicCode: '30308', amount: 1_200_000 * YUAN, note: '家庭经济困难学生生活补助' }],
    },
    {
      slug: 'cctv', code: `JY${y + 1}-001`, name: '校园安全监控系统升级', functionalCode: '2050299', startYear: y + 1, endYear: y + 2,
      plans: [{ year: y + 1, amount: 600_000 * YUAN }, { year: y + 2, amount: 350_000 * YUAN }],
      description: '全县中小学校园视频监控高清化改造并接入县级平台（储备项目，待明年预算安排）。',
      lines: [],
    },
  ],
  people: ['孙浩', '刘洋', '张敏', '黄志强', '何静', '马超', '林晓燕'],
  experts: ['王建平', '李红梅', '张国栋', '赵文清'],
  profiles: [
    payroll('basic:30101', '发放{y}年{m}月在职人员基本工资', P.wagesA),
    payroll('basic:30102', '发放{y}年{m}月在职人员津贴补贴', P.wagesA),
    { key: 'basic:30103', share: 0.98, weights: [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.6], perMonth: [1, 1], days: [3, 8],
      items: [{ purpose: '发放{py}年度年终一次性奖金', payees: [P.wagesA] }] },
    ...socialInsurance({ pension: P.pension, medical: P.medical, fund: P.housingFund }),
    { key: 'basic:30201', share: 0.92, weights: [0.7, 0.5, 1.2, 1, 1, 0.9, 0.7, 0.6, 1.3, 1, 1.1, 1.6], perMonth: [1, 2], days: [3, 27], items: [
      { purpose: '购买办公用品（A4复印纸、硒鼓、文件盒）', payees: [P.stationery, P.stationery2] },
      { purpose: '购置打印机墨盒及复印机碳粉', payees: [P.stationery] },
      { purpose: '购买档案盒、档案袋等档案用品', payees: [P.stationery2] },
      { purpose: '购买签字笔、笔记本等会议办公耗材', payees: [P.stationery, P.stationery2] },
      { purpose: '订阅{y}年度党报党刊及教育类报刊', payees: [P.post] },
      { purpose: '购买教育政策法规及业务参考书籍', payees: [P.bookstore] },
    ] },
    { key: 'basic:30202', share: 0.9, weights: [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1], perMonth: [1, 1], days: [5, 25], items: [
      { purpose: '印制{y}年全县教育工作会议材料', payees: [P.printing] },
      { purpose: '印制中小学教学质量监测试卷', payees: [P.printing, P.printing2] },
      { purpose: '印制教育惠民政策宣传手册', payees: [P.printing2] },
    ] },
    { key: 'basic:30205', share: 0.95, weights: [1, 0.9, 0.9, 1, 1.1, 1.3, 1.4, 1.4, 1.1, 1, 0.9, 1], perMonth: [1, 1], days: [8, 14],
      items: [{ purpose: '缴纳{y}年{m}月机关办公楼水费', payees: [P.water] }] },
    { key: 'basic:30206', share: 0.95, weights: [1.4, 1.2, 0.8, 0.7, 0.8, 1.2, 1.5, 1.5, 1, 0.8, 0.9, 1.3], perMonth: [1, 1], days: [8, 14],
      items: [{ purpose: '缴纳{y}年{m}月机关办公楼电费', payees: [P.power] }] },
    { key: 'basic:30207', share: 0.9, weights: [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0], perMonth: [1, 1], days: [10, 20], items: [
      { purpose: '缴纳{y}年{m}月及上月宽带、固定电话费', payees: [P.telecom] },
    ] },
    { key: 'basic:30209', share: 0.98, weights: QUARTERLY, perMonth: [1, 1], days: [20, 28],
      items: [{ purpose: '支付{y}年第{q}季度机关办公楼物业管理费', payees: [P.property] }] },
    { key: 'basic:30211', share: 0.88, weights: [0.4, 0.6, 1.2, 1.3, 1.2, 1, 0.8, 0.6, 1.2, 1.3, 1.2, 0.9], perMonth: [1, 2], days: [2, 27], items: [
      { purpose: '赴市教育局参加基础教育工作会议差旅费', payees: 'people' },
      { purpose: '赴乡镇学校开展教学视导差旅费', payees: 'people' },
      { purpose: '赴省城参加教育统计业务培训差旅费', payees: 'people' },
      { purpose: '赴外县考察学习义务教育优质均衡发展经验差旅费', payees: 'people' },
      { purpose: '下乡督查校园安全及食品安全工作差旅费', payees: 'people' },
    ] },
    { key: 'basic:30213', share: 0.85, weights: [0, 0.5, 1, 0, 1, 0, 1.5, 1, 0, 1, 0, 1], perMonth: [1, 1], days: [5, 26], items: [
      { purpose: '机关办公楼空调检修及加氟', payees: [P.repair] },
      { purpose: '办公电脑及打印机维修', payees: [P.repair] },
      { purpose: '会议室音响及投影设备维修', payees: [P.repair] },
      { purpose: '机关院内下水管道疏通维修', payees: [P.builder] },
    ] },
    { key: 'basic:30215', share: 0.55, weights: [0, 0, 1.5, 0, 1, 0, 0, 0, 0, 1, 0, 1.5], perMonth: [1, 1], days: [10, 25], items: [
      { purpose: '召开{y}年全县教育工作会议会议费', payees: [P.hotel] },
      { purpose: '召开全县中小学校长工作会议会议费', payees: [P.hotel, P.hotel2] },
      { purpose: '召开全县教育系统安全稳定工作会议会议费', payees: [P.hotel2] },
    ] },
    { key: 'basic:30216', share: 0.9, weights: [0, 0, 1, 0, 1, 0, 1.5, 0, 1, 0, 1, 0], perMonth: [1, 1], days: [10, 26], items: [
      { purpose: '举办全县学校财务人员业务培训班', payees: [P.teacherSchool, P.hotel] },
      { purpose: '举办教育系统公文写作与信息宣传培训', payees: [P.teacherSchool] },
      { purpose: '举办全县教育统计人员业务培训', payees: [P.hotel] },
    ] },
    { key: 'basic:30226', share: 0.9, weights: [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1], perMonth: [1, 1], days: [10, 26], items: [
      { purpose: '支付教学质量监测阅卷劳务费', payees: 'experts' },
      { purpose: '支付教育督导评估专家劳务费', payees: 'experts' },
      { purpose: '支付中小学教师职称评审专家评审费', payees: 'experts' },
    ] },
    { key: 'basic:30228', share: 0.99, weights: QUARTERLY, perMonth: [1, 1], days: [15, 25],
      items: [{ purpose: '拨付{y}年第{q}季度工会经费', payees: [P.unionA] }] },
    { key: 'basic:30229', share: 0.9, weights: [1.5, 1, 0, 0, 0.5, 0, 0, 0, 1, 0, 0, 1], perMonth: [1, 1], days: [5, 25], items: [
      { purpose: '春节慰问困难职工', payees: [P.supermarket] },
      { purpose: '职工年度健康体检', payees: [P.hospital] },
      { purpose: '中秋节职工慰问', payees: [P.supermarket] },
    ] },
    { key: 'tp:30231', share: 0.9, weights: [1, 0.8, 1, 1, 1, 1, 1, 0.9, 1, 1.1, 1, 1.2], perMonth: [1, 2], days: [3, 27], items: vehicleItems },
    { key: 'tp:30217', share: 0.78, weights: [0, 0.5, 1, 1, 0.5, 1, 0.5, 0.5, 1, 1, 1, 0.5], perMonth: [1, 1], days: [5, 26], items: [
      { purpose: '接待市教育局义务教育均衡发展督导检查组工作餐', payees: [P.hotel] },
      { purpose: '接待省教育厅教育装备调研组工作餐', payees: [P.hotel, P.hotel2] },
      { purpose: '接待兄弟县教育局考察交流工作餐', payees: [P.hotel2] },
    ] },
    // Projects: training happens in the summer and at year end, so by November it lags.
    { key: 'proj:training:30216', share: 0.95, weights: [0, 0, 0, 0.3, 0, 0.5, 2, 2.5, 0, 0, 1, 9], perMonth: [1, 2], days: [5, 26], items: [
      { purpose: '支付{y}年中小学骨干教师研修培训费', payees: [P.teacherSchool, P.university] },
      { purpose: '支付新任教师岗前培训费', payees: [P.teacherSchool] },
      { purpose: '支付班主任能力提升培训费', payees: [P.university] },
      { purpose: '支付乡村教师信息技术应用能力提升培训费', payees: [P.teacherSchool] },
    ] },
    { key: 'proj:training:30226', share: 0.9, weights: [0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0.5, 3], perMonth: [1, 2], days: [10, 28], items: [
      { purpose: '支付教师培训外聘专家讲课费', payees: 'experts' },
    ] },
    { key: 'proj:aid:30308', share: 0.9, weights: [0, 0, 0, 1.2, 0.8, 0, 0, 0, 0, 1, 1, 0], perMonth: [2, 3], days: [8, 26], items: [
      { purpose: '拨付{y}年{term}学期义务教育家庭经济困难学生生活补助', payees: [P.school2, P.school3] },
      { purpose: '拨付{y}年{term}学期普通高中国家助学金', payees: [P.school1] },
    ] },
  ],
  scripted: (y) => [
    { key: 'basic:30211', month: 3, day: 10, amount: 2_880_00, purpose: '赴省城参加教育统计业务培训住宿费（2人3晚）', payee: person('刘洋'),
      outcome: { kind: 'rejected', by: 'finance', comment: '住宿费未按差旅住宿标准核定，请按标准重新报销' } },
    { key: 'basic:30211', month: 3, day: 13, amount: 2_280_00, purpose: '赴省城参加教育统计业务培训住宿费（2人3晚，按标准重新核定）', payee: person('刘洋'),
      // 财行〔2016〕71号: 江苏 南京等 其他人员 380 元/人·天 (core/ledger/standards/national.ts).
      standard: { item: 'travel_lodging', tier: 'js-a.other', quantity: 6 } },
    { key: 'basic:30211', month: 9, day: 8, amount: 1_150_00, purpose: '赴市参加中考招生工作会议伙食补助费（3人4天）', payee: person('黄志强'),
      standard: { item: 'travel_meal', tier: 'all', quantity: 12 } },
    { key: 'tp:30217', month: 5, day: 21, amount: 1_286_00, purpose: '接待省教育厅义务教育质量监测调研组工作餐（12人次）', payee: P.hotel,
      standard: { item: 'reception_meal', tier: 'all', quantity: 12 } },
    { key: 'basic:30213', month: 5, day: 15, amount: 18_316_40, purpose: '机关办公楼屋面防水应急维修（动用机动额度）', payee: P.builder },
    { key: 'proj:it:31007', month: 6, day: 18, amount: 325_980_00, payee: P.it, procurement: { contractNo: `SFXJY-ZFCG-${y}-017` },
      purpose: '教育信息化建设项目智慧校园平台合同预付款（合同价1,086,600.00元的30%）' },
    { key: 'proj:it:31002', month: 9, day: 22, amount: 143_700_00, payee: P.computers, procurement: { contractNo: `SFXJY-ZFCG-${y}-023` },
      purpose: '采购中小学教师办公计算机（120台）到货验收款（合同价287,400.00元的50%）' },
    { key: 'proj:aid:30308', month: 10, day: 21, amount: 146_250_00, payee: P.school2,
      purpose: '拨付{y}年秋季学期追加的家庭经济困难学生生活补助' },
  ],
  transfers: [
    { from: 'reserve', to: 'basic:30213', amount: 18_650_00, month: 5, day: 12, end: 'approved',
      reason: '机关办公楼屋面漏水，动用机动额度应急维修' },
    { from: 'reserve', to: 'proj:training:30216', amount: 45_000_00, month: 8, day: 5, end: 'approved',
      reason: '暑期骨干教师培训参训人数由300人增至360人，申请调增培训经费' },
    { from: 'basic:30215', to: 'basic:30211', amount: { shareOfSource: 0.25 }, month: 10, day: 10, end: 'approved',
      reason: '精简会议压减会议费，调剂用于下乡督导差旅' },
    { from: 'reserve', to: 'basic:30229', amount: 8_800_00, month: 12, day: 31, end: 'pending:finance', current: true,
      reason: '重阳节慰问离退休老干部，申请动用机动额度' },
  ],
  adjustments: (y) => [
    { key: 'proj:aid:30308', amount: 150_000 * YUAN, month: 9, day: 15, docNo: `示财教〔${y}〕58号`,
      reason: `上级追加${y}年秋季学期义务教育家庭经济困难学生生活补助资金` },
  ],
};

// ------------------------------------------------------------------ unit b: 示范县实验小学

const UNIT_B: UnitDemo = {
  unitId: 'b',
  unitName: '示范县实验小学',
  seed: 20_260_202,
  headcount: 86,
  functionalCode: '2050202',
  personnel: [
    { economicCode: '30101', name: '基本工资', perHeadAmount: 36_000 * YUAN },
    { economicCode: '30102', name: '津贴补贴', perHeadAmount: 10_800 * YUAN },
    { economicCode: '30107', name: '绩效工资', perHeadAmount: 31_200 * YUAN },
  ],
  operating: [
    { economicCode: '30201', name: '办公费', perHeadAmount: 500 * YUAN },
    { economicCode: '30202', name: '印刷费', perHeadAmount: 300 * YUAN },
    { economicCode: '30205', name: '水费', perHeadAmount: 250 * YUAN },
    { economicCode: '30206', name: '电费', perHeadAmount: 700 * YUAN },
    { economicCode: '30207', name: '邮电费', perHeadAmount: 120 * YUAN },
    { economicCode: '30211', name: '差旅费', perHeadAmount: 400 * YUAN },
    { economicCode: '30213', name: '维修（护）费', perHeadAmount: 600 * YUAN },
    { economicCode: '30216', name: '培训费', perHeadAmount: 350 * YUAN },
    { economicCode: '30218', name: '专用材料费', perHeadAmount: 600 * YUAN },
    { economicCode: '30226', name: '劳务费', perHeadAmount: 200 * YUAN },
    { economicCode: '30228', name: '工会经费', perHeadAmount: 1_300 * YUAN },
    { economicCode: '30229', name: '福利费', perHeadAmount: 500 * YUAN },
  ],
  cuts: {
    'basic:30202': 0.1,
    'basic:30213': 0.07,
    'basic:30218': 0.06,
    'proj:repair:31006': 0.08,
    'proj:books:30218': 0.05,
  },
  socialInsurance: [
    { economicCode: '30108', name: '机关事业单位基本养老保险缴费', functionalCode: '2080505', perHead: 12_480 * YUAN },
    { economicCode: '30110', name: '职工基本医疗保险缴费', functionalCode: '2101102', perHead: 6_240 * YUAN },
    { economicCode: '30113', name: '住房公积金', functionalCode: '2210201', perHead: 9_360 * YUAN },
  ],
  threePublic: [
    { economicCode: '30217', name: '公务接待费', cap: 12_000 * YUAN, amount: 10_000 * YUAN },
    { economicCode: '30231', name: '公务用车运行维护费', cap: 30_000 * YUAN, amount: 28_000 * YUAN },
  ],
  reserve: { name: '机动经费（机动额度）', amount: 200_000 * YUAN },
  projects: (y) => [
    {
      slug: 'repair', code: `XX${y}-001`, name: '校舍维修改造', functionalCode: '2050903', startYear: y, endYear: y,
      plans: [{ year: y, amount: 1_600_000 * YUAN }],
      description: '教学楼抗震加固、屋面防水及外墙改造，暑期施工，年底竣工验收。',
      lines: [
        { economicCode: '31006', amount: 1_450_000 * YUAN, note: '教学楼加固及屋面改造工程' },
        { economicCode: '30227', amount: 150_000 * YUAN, note: '设计、监理及造价咨询' },
      ],
    },
    {
      slug: 'afterschool', code: `XX${y}-002`, name: '课后服务', functionalCode: '2050202', startYear: y, endYear: y,
      plans: [{ year: y, amount: 720_000 * YUAN }],
      description: '义务教育课后服务：参与教师补助及社团活动材料，按学期实施。',
      lines: [
        { economicCode: '30226', amount: 640_000 * YUAN, note: '课后服务教师补助' },
        { economicCode: '30218', amount: 80_000 * YUAN, note: '社团活动材料' },
      ],
    },
    {
      slug: 'books', code: `XX${y}-003`, name: '图书购置', functionalCode: '2050202', startYear: y, endYear: y,
      plans: [{ year: y, amount: 260_000 * YUAN }],
      description: '按义务教育学校办学标准补充图书馆藏书（生均图书达标）。',
      lines: [{ economicCode: '30218', amount: 260_000 * YUAN, note: '图书资料' }],
    },
    {
      slug: 'smartroom', code: `XX${y + 1}-001`, name: '智慧教室试点', functionalCode: '2050202', startYear: y + 1, endYear: y + 1,
      plans: [{ year: y + 1, amount: 480_000 * YUAN }],
      description: '建设6间智慧教室试点（储备项目，待明年预算安排）。',
      lines: [],
    },
  ],
  people: ['陈晨', '杨帆', '朱琳', '胡斌', '郭婷', '高远', '罗佳'],
  experts: ['周海燕', '吴立新', '郑晓红'],
  profiles: [
    payroll('basic:30101', '发放{y}年{m}月在职教职工基本工资', P.wagesB),
    payroll('basic:30102', '发放{y}年{m}月在职教职工津贴补贴', P.wagesB),
    payroll('basic:30107', '发放{y}年{m}月教职工绩效工资', P.wagesB, [1, 1, 1, 1, 1, 1, 3, 1, 1, 1, 1, 3]),
    ...socialInsurance({ pension: P.pension, medical: P.medical, fund: P.housingFund }),
    { key: 'basic:30201', share: 0.92, weights: [0.5, 1.5, 1, 1, 0.8, 0.8, 0.3, 1.5, 1.2, 1, 1, 0.8], perMonth: [1, 2], days: [3, 26], items: [
      { purpose: '购买教师备课本及办公用品', payees: [P.stationery, P.stationery2] },
      { purpose: '购买粉笔、白板笔等教学办公耗材', payees: [P.stationery2] },
      { purpose: '购买打印纸及复印机墨粉', payees: [P.stationery] },
    ] },
    { key: 'basic:30202', share: 0.9, weights: [1, 0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 1], perMonth: [1, 1], days: [5, 25], items: [
      { purpose: '印制期中、期末考试试卷', payees: [P.printing, P.printing2] },
      { purpose: '印制学生综合素质发展报告册', payees: [P.printing] },
      { purpose: '印制家长学校宣传资料', payees: [P.printing2] },
    ] },
    { key: 'basic:30205', share: 0.95, weights: [0.8, 0.4, 1.1, 1.1, 1.2, 1.3, 0.6, 0.4, 1.2, 1.1, 1.1, 1], perMonth: [1, 1], days: [8, 14],
      items: [{ purpose: '缴纳{y}年{m}月校园用水水费', payees: [P.water] }] },
    { key: 'basic:30206', share: 0.95, weights: [1.2, 0.6, 1, 0.9, 1, 1.4, 0.7, 0.6, 1.1, 0.9, 1, 1.3], perMonth: [1, 1], days: [8, 14],
      items: [{ purpose: '缴纳{y}年{m}月校园用电电费', payees: [P.power] }] },
    { key: 'basic:30207', share: 0.9, weights: EVERY_MONTH, perMonth: [1, 1], days: [10, 20],
      items: [{ purpose: '缴纳{y}年{m}月校园宽带及电话费', payees: [P.telecom] }] },
    { key: 'basic:30211', share: 0.85, weights: [0.3, 0.3, 1, 1.3, 1.2, 1, 0.5, 0.3, 1, 1.2, 1.2, 0.6], perMonth: [1, 2], days: [3, 27], items: [
      { purpose: '赴市参加小学数学优质课评比差旅费', payees: 'people' },
      { purpose: '赴省参加校园足球教练员培训差旅费', payees: 'people' },
      { purpose: '带队参加市中小学生田径运动会差旅费', payees: 'people' },
      { purpose: '赴市参加学科教研活动差旅费', payees: 'people' },
    ] },
    { key: 'basic:30213', share: 0.85, weights: [0.5, 1, 0.5, 0.5, 1, 0.5, 1.5, 2, 0.5, 0.5, 1, 0.5], perMonth: [1, 1], days: [4, 27], items: [
      { purpose: '教室多媒体一体机维修', payees: [P.repair] },
      { purpose: '校园路灯及教室电路维修', payees: [P.builder] },
      { purpose: '学生课桌椅维修', payees: [P.builder] },
      { purpose: '教学楼卫生间水管维修', payees: [P.builder] },
    ] },
    { key: 'basic:30216', share: 0.9, weights: [0, 1, 0, 1, 0, 0, 1.5, 1, 0, 1, 0, 0.5], perMonth: [1, 1], days: [8, 26], items: [
      { purpose: '教师参加市级学科骨干教师培训', payees: [P.teacherSchool] },
      { purpose: '举办校本教研专题培训', payees: [P.teacherSchool, P.university] },
      { purpose: '组织校园安全及应急救护知识培训', payees: [P.hospital] },
    ] },
    { key: 'basic:30218', share: 0.88, weights: [0.5, 1.5, 1.5, 1, 1, 0.5, 0, 1, 1.5, 1, 1, 0.5], perMonth: [1, 2], days: [4, 26], items: [
      { purpose: '购买科学课实验耗材', payees: [P.instruments] },
      { purpose: '购买体育器材（篮球、跳绳、垫子）', payees: [P.instruments] },
      { purpose: '购买美术、音乐教学用品', payees: [P.instruments, P.stationery2] },
      { purpose: '购买图书馆借阅耗材及防盗条', payees: [P.bookstore] },
    ] },
    { key: 'basic:30226', share: 0.9, weights: [0, 0, 1, 0, 1, 0, 0, 0, 1, 0, 1, 0], perMonth: [1, 1], days: [10, 26], items: [
      { purpose: '支付学生健康体检医护人员劳务费', payees: 'experts' },
      { purpose: '支付校园艺术节评委劳务费', payees: 'experts' },
    ] },
    { key: 'basic:30228', share: 0.99, weights: QUARTERLY, perMonth: [1, 1], days: [15, 25],
      items: [{ purpose: '拨付{y}年第{q}季度工会经费', payees: [P.unionB] }] },
    { key: 'basic:30229', share: 0.9, weights: [1.5, 0.5, 0, 0, 0.5, 0, 0, 0, 1.5, 0, 0, 1], perMonth: [1, 1], days: [5, 25], items: [
      { purpose: '春节慰问困难教职工', payees: [P.supermarket] },
      { purpose: '教职工年度健康体检', payees: [P.hospital] },
      { purpose: '教师节慰问教职工', payees: [P.supermarket] },
    ] },
    { key: 'tp:30231', share: 0.88, weights: [1, 0.6, 1, 1, 1, 1, 0.6, 0.6, 1, 1, 1, 1], perMonth: [1, 1], days: [3, 27], items: vehicleItems },
    { key: 'tp:30217', share: 0.75, weights: [0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 1, 0], perMonth: [1, 1], days: [8, 26], items: [
      { purpose: '接待市教育局教学视导组工作餐', payees: [P.hotel] },
      { purpose: '接待兄弟学校交流访问工作餐', payees: [P.hotel] },
    ] },
    // Projects: the repair is paid by contract milestones (scripted); after-school service monthly in term time.
    { key: 'proj:afterschool:30226', share: 0.9, weights: [0, 0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1], perMonth: [1, 1], days: [20, 28],
      items: [{ purpose: '发放{y}年{m}月课后服务参与教师补助', payees: [P.afterSchoolB] }] },
    { key: 'proj:afterschool:30218', share: 0.9, weights: [0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0], perMonth: [1, 1], days: [5, 20], items: [
      { purpose: '购买课后服务社团活动材料（书法、美术、科技）', payees: [P.instruments, P.youthCenter] },
    ] },
    // 事业收入 (课后服务收费, collected per term) spent on the service it was charged for: after the receipt, within it.
    { key: 'own:spring:30226', share: 0.9, weights: [0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0], perMonth: [1, 1], days: [22, 28],
      items: [{ purpose: '发放{y}年{m}月课后服务延时托管教师劳务补助（课后服务收费）', payees: [P.afterSchoolB] }] },
    { key: 'own:autumn:30226', share: 0.9, weights: [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1], perMonth: [1, 1], days: [22, 28],
      items: [{ purpose: '发放{y}年{m}月课后服务延时托管教师劳务补助（课后服务收费）', payees: [P.afterSchoolB] }] },
  ],
  scripted: (y) => [
    { key: 'basic:30211', month: 4, day: 9, amount: 1_296_00, purpose: '赴邻市参加小学语文教研活动住宿费（2人2晚）', payee: person('朱琳'),
      standard: { item: 'travel_lodging', tier: 'js-z.other', quantity: 4 } },
    { key: 'basic:30211', month: 10, day: 14, amount: 580_00, purpose: '带队参加市中小学生田径运动会伙食补助（3人2天）', payee: person('胡斌'),
      standard: { item: 'travel_meal', tier: 'all', quantity: 6 } },
    { key: 'basic:30218', month: 6, day: 11, amount: 4_386_50, purpose: '购买体育器材（排球、跳绳、体操垫）', payee: P.instruments,
      outcome: { kind: 'withdrawn', comment: '供应商报价有误，撤回重新询价' } },
    { key: 'basic:30213', month: 6, day: 19, amount: 12_635_50, purpose: '暴雨后教学楼漏水抢修（动用机动额度）', payee: P.builder },
    { key: 'proj:repair:30227', month: 5, day: 20, amount: 38_600_00, purpose: '校舍维修改造项目施工图设计费', payee: P.designer },
    { key: 'proj:repair:31006', month: 7, day: 8, amount: 395_580_00, payee: P.construction, procurement: { contractNo: `SFXSX-ZFCG-${y}-006` },
      purpose: '校舍维修改造工程合同预付款（合同价1,318,600.00元的30%）' },
    { key: 'proj:repair:31006', month: 9, day: 25, amount: 131_860_00, payee: P.construction, procurement: { contractNo: `SFXSX-ZFCG-${y}-006` },
      purpose: '校舍维修改造工程进度款（按已完工程量10%）' },
    { key: 'proj:repair:30227', month: 9, day: 26, amount: 24_800_00, purpose: '校舍维修改造工程监理费（首期）', payee: P.supervisor },
    { key: 'proj:books:30218', month: 10, day: 16, amount: 98_600_00, payee: P.bookstore, procurement: { contractNo: `SFXSX-ZFCG-${y}-011` },
      purpose: '采购图书馆图书第一批到货验收款（合同价246,500.00元的40%）' },
  ],
  transfers: [
    { from: 'reserve', to: 'basic:30213', amount: 12_800_00, month: 6, day: 16, end: 'approved',
      reason: '暴雨导致教学楼漏水，动用机动额度抢修' },
    { from: 'reserve', to: 'proj:afterschool:30226', amount: 36_000_00, month: 9, day: 10, end: 'approved',
      reason: '秋季学期参加课后服务学生增加，增设托管班，调增课后服务教师补助' },
    { from: 'reserve', to: 'proj:books:30218', amount: 26_000_00, month: 12, day: 31, end: 'pending:leader', current: true,
      reason: '增加图书采购品种（科普及传统文化类），申请调增图书购置经费' },
  ],
  adjustments: (y) => [
    { key: 'proj:afterschool:30226', amount: 85_000 * YUAN, month: 10, day: 12, docNo: `示财教〔${y}〕61号`,
      reason: `上级追加${y}年义务教育课后服务经费补助` },
  ],
  // 课后服务收费 (a 事业收入 of the school, fund source 3101) per term, and the bank's quarterly interest (其他收入, 3106).
  receipts: (y) => [
    { month: 3, day: 6, type: 'business', fundSourceCode: '3101', amount: 163_800 * YUAN, payer: '学生家长（课后服务收费，银行代收）', summary: `${y}年春季学期课后服务收费（1,170人×140元）`, backs: 'own:spring:30226' },
    { month: 3, day: 21, type: 'other', fundSourceCode: '3106', amount: 186_42, payer: BANKS.rcb, summary: `${y}年第一季度银行存款利息` },
    { month: 6, day: 21, type: 'other', fundSourceCode: '3106', amount: 419_87, payer: BANKS.rcb, summary: `${y}年第二季度银行存款利息` },
    { month: 9, day: 8, type: 'business', fundSourceCode: '3101', amount: 172_200 * YUAN, payer: '学生家长（课后服务收费，银行代收）', summary: `${y}年秋季学期课后服务收费（1,230人×140元）`, backs: 'own:autumn:30226' },
    { month: 9, day: 21, type: 'other', fundSourceCode: '3106', amount: 356_15, payer: BANKS.rcb, summary: `${y}年第三季度银行存款利息` },
    { month: 12, day: 21, type: 'other', fundSourceCode: '3106', amount: 402_30, payer: BANKS.rcb, summary: `${y}年第四季度银行存款利息` },
  ],
  ownFunds: (y) => [
    { key: 'own:spring:30226', name: `${y}年春季学期课后服务收费安排的教师劳务补助`, month: 3, day: 6, economicCode: '30226', functionalCode: '2050202', fundSourceCode: '3101', amount: 163_800 * YUAN },
    { key: 'own:autumn:30226', name: `${y}年秋季学期课后服务收费安排的教师劳务补助`, month: 9, day: 8, economicCode: '30226', functionalCode: '2050202', fundSourceCode: '3101', amount: 172_200 * YUAN },
  ],
};

export const DEMO_UNITS: readonly UnitDemo[] = [UNIT_A, UNIT_B];
