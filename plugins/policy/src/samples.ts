/**
 * The starting library a unit gets when it first enables the plugin: excerpts of the central
 * rules every unit's standards derive from (财行〔2013〕531号 差旅费, 财行〔2016〕71号 住宿费标准,
 * 财行〔2016〕214号 会议费, 财行〔2016〕540号 培训费). The excerpts restate the articles that set
 * figures, with the figures as published (see core/ledger/standards/national.ts for the sources
 * checked); the full texts are on the Ministry of Finance's site. A unit adds its province's and
 * county's documents itself. Dates are left empty where they were not checked (only 540号's
 * 2017-01-01 was); the 531号 figures (100/120/80 元) are marked unverified in national.ts.
 */
export interface SampleDocument {
  title: string; issuer: string; number: string; issuedAt: string; effectiveFrom: string; topics: string[]; economicCodes: string[]; text: string;
}

export const SAMPLE_DOCUMENTS: SampleDocument[] = [
  {
    title: '中央和国家机关差旅费管理办法',
    issuer: '财政部', number: '财行〔2013〕531号', issuedAt: '', effectiveFrom: '', topics: ['travel'], economicCodes: ['30211'],
    text: [
      '第二条 差旅费是指工作人员临时到常驻地以外地区公务出差所发生的城市间交通费、住宿费、伙食补助费和市内交通费。',
      '第十二条 住宿费是指工作人员因公出差期间入住宾馆（包括饭店、招待所，下同）发生的房租费用。',
      '第十四条 出差人员应当在职务级别对应的住宿费标准限额内，选择安全、经济、便捷的宾馆住宿。',
      '第十五条 伙食补助费是指对工作人员在因公出差期间给予的伙食补助费用。',
      '第十六条 伙食补助费按出差自然（日历）天数计算，按规定标准包干使用。',
      '第十七条 财政部分地区制定伙食补助费标准，西藏、青海、新疆的伙食补助费标准为每人每天120元，其他地区为每人每天100元。',
      '第十九条 市内交通费是指工作人员因公出差期间发生的市内交通费用。',
      '第二十条 市内交通费按出差自然（日历）天数计算，每人每天80元包干使用。',
      '第二十一条 出差人员由接待单位或其他单位提供交通工具的，应向接待单位或其他单位交纳相关费用。',
    ].join('\n'),
  },
  {
    title: '关于印发《中央和国家机关工作人员赴地方差旅住宿费标准明细表》的通知',
    issuer: '财政部', number: '财行〔2016〕71号', issuedAt: '', effectiveFrom: '', topics: ['travel'], economicCodes: ['30211'],
    text: [
      '为进一步加强中央和国家机关差旅费管理，根据地方酒店价格变化情况，财政部对中央和国家机关工作人员赴地方差旅住宿费标准进行了调整。',
      '北京全市住宿费标准为部级1100元/人天、司局级650元/人天、其他人员500元/人天。',
      '河北石家庄市、张家口市、秦皇岛市、廊坊市、承德市、保定市其他人员住宿费标准为350元/人天，其他地区为310元/人天。',
      '秦皇岛市7-8月为旺季，旺季期间其他人员住宿费标准为500元/人天。',
      '上海全市住宿费标准为部级1100元/人天、司局级600元/人天、其他人员500元/人天。',
      '江苏南京市、苏州市、无锡市、常州市、镇江市其他人员住宿费标准为380元/人天，其他地区为360元/人天。',
      '浙江杭州市其他人员住宿费标准为400元/人天，其他地区为340元/人天。',
      '大连全市旺季（7-9月）其他人员住宿费标准为420元/人天。',
      '旺季浮动标准在旺季期间执行，其他时间执行住宿费标准。',
    ].join('\n'),
  },
  {
    title: '中央和国家机关会议费管理办法',
    issuer: '财政部 国管局 中直管理局', number: '财行〔2016〕214号', issuedAt: '', effectiveFrom: '', topics: ['meeting'], economicCodes: ['30215'],
    text: [
      '第十四条 会议费开支范围包括会议住宿费、伙食费、会议室租金、交通费、文件印刷费、医药费等。',
      '第十五条 会议费开支实行综合定额控制，各项费用之间可以调剂使用。',
      '一类会议综合定额标准为每人每天760元，其中住宿费500元、伙食费150元、其他费用110元。',
      '二类会议综合定额标准为650元/人天。',
      '三、四类会议综合定额不超过每人每天550元。',
      '综合定额标准是会议费开支的上限，各单位应在综合定额标准以内结算报销。',
    ].join('\n'),
  },
  {
    title: '中央和国家机关培训费管理办法',
    issuer: '财政部 中共中央组织部 国家公务员局', number: '财行〔2016〕540号', issuedAt: '', effectiveFrom: '2017-01-01', topics: ['training'], economicCodes: ['30216'],
    text: [
      '第九条 除师资费外，培训费实行分类综合定额标准，分项核定、总额控制，各项费用之间可以调剂使用。',
      '一类培训综合定额标准为每人每天760元。',
      '二类培训综合定额标准为650元/人天，三类培训为550元/人天。',
      '30天以内的培训按照综合定额标准控制；超过30天的培训，超过天数按照综合定额标准的70%控制。',
      '第十条 师资费在综合定额标准外单独核算。',
      '副高级技术职称专业人员讲课费每学时最高不超过500元。',
      '正高级技术职称专业人员讲课费每学时最高不超过1000元。',
      '院士、全国知名专家讲课费每学时一般不超过1500元。',
    ].join('\n'),
  },
];
