// Over 300 lines: data, not logic — the starter indicator library (绩效指标库), one set per sector.
import type { AutoKey, Direction, IndicatorSeed, Level1, Level2 } from '../types.js';

/**
 * A set of the starter library: its sector, what it is based on (`source`, shown with every
 * indicator of the set) and whether the names are copied from that text or written to its categories.
 *
 * What the sets follow (read for this file; links are where the text was read):
 * - The three-level structure (一级 产出/效益/满意度, 二级 数量·质量·时效·成本 / 经济·社会·生态·可持续影响 /
 *   服务对象满意度) and the self-evaluation table (年度指标值, 实际完成值, 分值, 得分, 偏差原因分析及改进措施):
 *   财政部《项目支出绩效评价管理办法》(财预〔2020〕10号) 附件 项目支出绩效自评表, as filled in by published
 *   self-evaluations, e.g. http://www.anthempetcare.com/upload_cz/download?id=502364&siteId=2 (池州市贵池区, 2022)
 *   and http://www.lfsp.cn/newsinfo/1158053.html (廊坊市, 2019).
 * - 成本指标 as a first level of its own (经济成本, 社会成本, 生态环境成本): 财政部《中央部门项目支出核心绩效目标和
 *   指标设置及取值指引（试行）》(财预〔2021〕101号), http://tldf.cn/article-55595-153648.html.
 * - The scoring rule of quantitative indicators (正向 actual/target × 分值, 反向 target/actual × 分值):
 *   项目支出绩效自评表 指标说明, http://biz.doczj.com/doc/174893555.html.
 */
export interface IndicatorSet {
  id: string;
  sector: string;
  name: { zh: string; en: string };
  source: string;
  /** `published`: the names are those of the cited table; `framework`: written to the framework's categories for this sector (not a copy of a published list). */
  basis: 'published' | 'framework';
  rows: Array<[Level1, Level2, string, string, Direction, string]>;
}

const Q: Level1 = 'output';
const B: Level1 = 'benefit';
const S: Level1 = 'satisfaction';
const C: Level1 = 'cost';

export const SETS: IndicatorSet[] = [
  {
    id: 'GEN',
    sector: 'general',
    name: { zh: '通用共性指标（购置、培训、会议、文字成果）', en: 'Common indicators (purchases, training, meetings, written outputs)' },
    source: '“通用共性指标库示例”表1（购置类、培训类、会议类、文字性成果编纂类项目），见 http://www.clix4bitcoin.com/periodical/8/FLASH/data/63.html；框架：财预〔2020〕10号 项目支出绩效自评表',
    basis: 'published',
    rows: [
      [Q, 'quantity', '购置设备数量', '台/套', 'gte', '采购合同、验收单'],
      [Q, 'quality', '购置设备质量合格率', '%', 'gte', '验收报告'],
      [Q, 'quality', '购置设备验收通过率', '%', 'gte', '验收报告'],
      [Q, 'timeliness', '采购计划完成时间', '月', 'lte', '政府采购记录'],
      [Q, 'timeliness', '验收入库时间', '月', 'lte', '资产入库单'],
      [Q, 'cost', '单位购置成本', '元/台', 'lte', '采购合同、财务账'],
      [Q, 'cost', '政府采购率', '%', 'gte', '政府采购记录'],
      [Q, 'cost', '政府采购节支率', '%', 'gte', '政府采购记录'],
      [B, 'social', '业务保障能力提升情况', '—', 'qual', '使用部门报告'],
      [B, 'social', '公共服务水平提升情况', '—', 'qual', '服务记录'],
      [S, 'satisfaction', '使用人员满意度', '%', 'gte', '问卷调查'],
      [Q, 'quantity', '组织培训班次', '次', 'gte', '培训通知、方案'],
      [Q, 'quantity', '培训参加人数', '人', 'gte', '培训签到表'],
      [Q, 'quality', '培训出勤率', '%', 'gte', '培训签到表'],
      [Q, 'quality', '培训合格率', '%', 'gte', '结业考核记录'],
      [Q, 'timeliness', '培训计划完成时间', '月', 'lte', '培训总结'],
      [Q, 'cost', '人均培训成本', '元/人', 'lte', '财务账、签到表'],
      [S, 'satisfaction', '受训学员满意度', '%', 'gte', '问卷调查'],
      [Q, 'quantity', '组织召开会议次数', '次', 'gte', '会议通知、纪要'],
      [Q, 'quantity', '与会人数', '人', 'gte', '会议签到表'],
      [Q, 'quality', '会议出勤率', '%', 'gte', '会议签到表'],
      [Q, 'quality', '会议通过议题、文件数量', '件', 'gte', '会议纪要'],
      [Q, 'timeliness', '会议计划完成时间', '月', 'lte', '会议纪要'],
      [Q, 'cost', '人均会议成本', '元/人', 'lte', '财务账、签到表'],
      [S, 'satisfaction', '与会人员满意度', '%', 'gte', '问卷调查'],
      [Q, 'quantity', '完成调研报告数量', '篇', 'gte', '成果目录'],
      [Q, 'quantity', '完成研究报告数量', '篇', 'gte', '成果目录'],
      [Q, 'quantity', '制定规划、方案、标准等数量', '份', 'gte', '发文记录'],
      [Q, 'quality', '成果评审合格率', '%', 'gte', '评审意见'],
      [Q, 'timeliness', '编纂工作按时完成率', '%', 'gte', '工作台账'],
      [B, 'social', '研究性成果被引用次数', '次', 'gte', '引用记录'],
      [B, 'social', '研究性成果应用率', '%', 'gte', '应用证明'],
      [B, 'sustainable', '政策性成果持续有效情况', '—', 'qual', '文件清理记录'],
      [S, 'satisfaction', '政策性成果受众满意度', '%', 'gte', '问卷调查'],
    ],
  },
  {
    id: 'GEN2',
    sector: 'general',
    name: { zh: '通用共性指标（资金管理与成本）', en: 'Common indicators (funds and cost)' },
    source: '财预〔2020〕10号 项目支出绩效自评表 产出/效益/满意度各级；成本指标（经济成本、社会成本、生态环境成本）按财预〔2021〕101号；指标名称按框架类别编写，非照录某一公布清单',
    basis: 'framework',
    rows: [
      [Q, 'cost', '项目总成本', '万元', 'lte', '财务账'],
      [Q, 'cost', '单位产出成本', '元/单位', 'lte', '财务账（自动：已支付金额÷数量指标实际值）'],
      [Q, 'timeliness', '资金支付及时率', '%', 'gte', '支付记录（自动：提交至支付的天数）'],
      [Q, 'quality', '资金使用合规率', '%', 'gte', '审计、检查报告'],
      [Q, 'timeliness', '项目完成及时率', '%', 'gte', '项目进度台账'],
      [Q, 'quality', '项目验收合格率', '%', 'gte', '验收报告'],
      [C, 'economic-cost', '预算资金节约率', '%', 'gte', '决算、财务账'],
      [C, 'economic-cost', '单位服务成本', '元/人次', 'lte', '财务账、服务台账'],
      [C, 'social-cost', '项目实施对公众的不利影响', '—', 'qual', '信访、舆情记录'],
      [C, 'ecological-cost', '项目实施产生的环境成本', '—', 'qual', '环评、检查记录'],
      [B, 'sustainable', '长效管理机制建立情况', '—', 'qual', '制度文件'],
    ],
  },
  {
    id: 'EDU',
    sector: 'education',
    name: { zh: '教育', en: 'Education' },
    source: '按财预〔2020〕10号 项目支出绩效自评表的类别为教育项目（教师培训、学生资助、校舍维修、信息化、图书、课后服务）编写；名称取自教育统计和资助工作常用口径，非照录某一公布清单；目标值由单位按项目设定',
    basis: 'framework',
    rows: [
      [Q, 'quantity', '教师培训人次', '人次', 'gte', '培训签到表、继续教育学时登记'],
      [Q, 'quantity', '骨干教师研修人数', '人', 'gte', '研修名单'],
      [Q, 'quantity', '新任教师岗前培训人数', '人', 'gte', '培训签到表'],
      [Q, 'quality', '教师培训考核合格率', '%', 'gte', '结业考核记录'],
      [Q, 'timeliness', '培训任务按期完成率', '%', 'gte', '培训总结'],
      [Q, 'cost', '教师人均培训成本', '元/人', 'lte', '财务账、签到表'],
      [Q, 'quantity', '受资助家庭经济困难学生人数', '人', 'gte', '全国学生资助管理信息系统'],
      [Q, 'quality', '资助对象认定准确率', '%', 'gte', '资助对象认定材料、抽查记录'],
      [Q, 'timeliness', '资助资金按学期发放及时率', '%', 'gte', '发放记录'],
      [Q, 'cost', '生均资助标准', '元/生·年', 'eq', '资助政策文件'],
      [Q, 'quantity', '校舍维修改造面积', '平方米', 'gte', '工程验收报告'],
      [Q, 'quality', '维修工程验收合格率', '%', 'gte', '工程验收报告'],
      [Q, 'timeliness', '维修工程按期竣工率', '%', 'gte', '竣工验收记录'],
      [Q, 'cost', '单位面积维修成本', '元/平方米', 'lte', '工程结算'],
      [Q, 'quantity', '建成智慧教室数', '间', 'gte', '验收单'],
      [Q, 'quantity', '更新教师办公计算机台数', '台', 'gte', '资产入库单'],
      [Q, 'quality', '信息化设备完好率', '%', 'gte', '设备巡检记录'],
      [Q, 'quantity', '新增图书册数', '册', 'gte', '图书入库登记'],
      [Q, 'quality', '生均图书达标学校比例', '%', 'gte', '教育事业统计'],
      [Q, 'quantity', '参加课后服务学生人数', '人', 'gte', '课后服务台账'],
      [Q, 'quality', '课后服务学校覆盖率', '%', 'gte', '课后服务台账'],
      [Q, 'cost', '课后服务生均补助', '元/生', 'lte', '财务账'],
      [B, 'social', '义务教育巩固率', '%', 'gte', '教育事业统计'],
      [B, 'social', '家庭经济困难学生因贫失学辍学人数', '人', 'lte', '控辍保学台账'],
      [B, 'social', '教师信息技术应用能力提升情况', '—', 'qual', '培训测评'],
      [B, 'social', '学校办学条件改善情况', '—', 'qual', '督导评估报告'],
      [B, 'social', '校舍安全隐患消除率', '%', 'gte', '安全排查记录'],
      [B, 'sustainable', '校舍设计使用年限', '年', 'gte', '设计文件'],
      [B, 'sustainable', '信息化平台持续使用情况', '—', 'qual', '平台运行日志'],
      [B, 'economic', '减轻家庭教育支出', '元/户', 'gte', '抽样调查'],
      [S, 'satisfaction', '学生满意度', '%', 'gte', '问卷调查'],
      [S, 'satisfaction', '家长满意度', '%', 'gte', '问卷调查'],
      [S, 'satisfaction', '参训教师满意度', '%', 'gte', '问卷调查'],
      [S, 'satisfaction', '受助学生满意度', '%', 'gte', '问卷调查'],
    ],
  },
  {
    id: 'HLT',
    sector: 'health',
    name: { zh: '卫生健康（基本公共卫生服务等）', en: 'Health (basic public health services and others)' },
    source: '国家基本公共卫生服务项目服务内容（居民健康档案、健康教育、预防接种、儿童和孕产妇健康管理、老年人健康管理、高血压和2型糖尿病患者健康管理、严重精神障碍患者管理等），见 https://html.rhhz.net/ZGGGWS/html/20190601.htm；指标按财预〔2020〕10号 框架编写，目标值由单位按年度任务设定',
    basis: 'framework',
    rows: [
      [Q, 'quantity', '居民电子健康档案建档人数', '人', 'gte', '基本公共卫生服务信息系统'],
      [Q, 'quality', '居民电子健康档案建档率', '%', 'gte', '基本公共卫生服务信息系统'],
      [Q, 'quality', '健康档案动态使用率', '%', 'gte', '基本公共卫生服务信息系统'],
      [Q, 'quantity', '开展健康教育讲座次数', '次', 'gte', '健康教育活动记录'],
      [Q, 'quality', '适龄儿童国家免疫规划疫苗接种率', '%', 'gte', '免疫规划信息系统'],
      [Q, 'quality', '0—6岁儿童健康管理率', '%', 'gte', '儿童保健系统'],
      [Q, 'quality', '孕产妇系统管理率', '%', 'gte', '妇幼保健系统'],
      [Q, 'quality', '65岁及以上老年人健康管理率', '%', 'gte', '基本公共卫生服务信息系统'],
      [Q, 'quality', '高血压患者基层规范管理服务率', '%', 'gte', '慢病管理系统'],
      [Q, 'quality', '2型糖尿病患者基层规范管理服务率', '%', 'gte', '慢病管理系统'],
      [Q, 'quality', '严重精神障碍患者规范管理率', '%', 'gte', '严重精神障碍信息系统'],
      [Q, 'quality', '肺结核患者管理率', '%', 'gte', '结核病管理系统'],
      [Q, 'quality', '传染病和突发公共卫生事件报告率', '%', 'gte', '疾病监测报告系统'],
      [Q, 'quality', '卫生监督协管信息报告率', '%', 'gte', '卫生监督协管记录'],
      [Q, 'timeliness', '补助资金拨付及时率', '%', 'gte', '拨付记录'],
      [Q, 'cost', '人均基本公共卫生服务补助标准', '元/人', 'eq', '补助政策文件'],
      [Q, 'quantity', '家庭医生签约服务人数', '人', 'gte', '签约服务系统'],
      [Q, 'quantity', '购置医疗设备数量', '台/套', 'gte', '资产入库单'],
      [Q, 'quality', '医疗设备验收合格率', '%', 'gte', '验收报告'],
      [Q, 'quantity', '基层医务人员培训人次', '人次', 'gte', '培训签到表'],
      [B, 'social', '居民健康素养水平', '%', 'gte', '健康素养监测'],
      [B, 'social', '孕产妇死亡率', '1/10万', 'lte', '妇幼卫生监测'],
      [B, 'social', '婴儿死亡率', '‰', 'lte', '妇幼卫生监测'],
      [B, 'social', '城乡居民公共卫生差距缩小情况', '—', 'qual', '评估报告'],
      [B, 'social', '基层医疗卫生机构服务能力提升情况', '—', 'qual', '服务能力评价'],
      [B, 'economic', '群众就医费用负担减轻情况', '—', 'qual', '抽样调查'],
      [B, 'sustainable', '基本公共卫生服务长效机制', '—', 'qual', '制度文件'],
      [S, 'satisfaction', '城乡居民对基本公共卫生服务满意度', '%', 'gte', '问卷调查'],
      [S, 'satisfaction', '签约居民满意度', '%', 'gte', '问卷调查'],
      [S, 'satisfaction', '患者满意度', '%', 'gte', '问卷调查'],
    ],
  },
  {
    id: 'AGR',
    sector: 'agriculture',
    name: { zh: '农业农村（高标准农田、补贴、种业）', en: 'Agriculture (farmland, subsidies, seeds)' },
    source: '岳阳县农业农村局《乡村振兴衔接资金绩效目标申报表（高标准农田建设）》(2022)，http://www.yyx.gov.cn/37584/38137/content_2016103.html（前11项取自该表）；其余按财预〔2020〕10号 框架为补贴、种业、农技推广项目编写',
    basis: 'published',
    rows: [
      [Q, 'quantity', '村内道路硬化里程', '公里', 'gte', '工程验收报告'],
      [Q, 'quantity', '供水设施数量', '座', 'gte', '工程验收报告'],
      [Q, 'quality', '项目（工程）验收合格率', '%', 'gte', '工程验收报告'],
      [Q, 'timeliness', '项目（工程）完成及时率', '%', 'gte', '项目进度台账'],
      [Q, 'cost', '每亩财政资金补助', '元/亩', 'lte', '资金拨付记录'],
      [B, 'economic', '年增粮食产量', '公斤', 'gte', '农业统计'],
      [B, 'social', '受益脱贫（监测）人口数', '人', 'gte', '防返贫监测系统'],
      [B, 'social', '解决饮水安全问题人数', '人', 'gte', '水利部门统计'],
      [B, 'ecological', '新增和改善灌溉达标面积', '亩', 'gte', '工程验收报告'],
      [B, 'ecological', '新增和改善排水达标面积', '亩', 'gte', '工程验收报告'],
      [B, 'sustainable', '工程设计使用年限', '年', 'gte', '设计文件'],
      [Q, 'quantity', '建成高标准农田面积', '亩', 'gte', '农田建设监管系统'],
      [Q, 'quantity', '耕地地力保护补贴面积', '亩', 'gte', '补贴发放清册'],
      [Q, 'quality', '补贴资金发放准确率', '%', 'gte', '“一卡通”发放记录'],
      [Q, 'timeliness', '补贴资金发放及时率', '%', 'gte', '“一卡通”发放记录'],
      [Q, 'quantity', '农业技术培训人次', '人次', 'gte', '培训签到表'],
      [Q, 'quantity', '农技推广示范基地数', '个', 'gte', '示范基地台账'],
      [Q, 'quantity', '良种推广面积', '亩', 'gte', '农业统计'],
      [Q, 'quality', '采购种苗合格率', '%', 'gte', '检验报告'],
      [Q, 'quantity', '动物疫病强制免疫数量', '头（只）', 'gte', '免疫档案'],
      [Q, 'quality', '重大动物疫病免疫密度', '%', 'gte', '免疫档案'],
      [Q, 'cost', '亩均建设成本', '元/亩', 'lte', '工程结算'],
      [B, 'economic', '亩均增产', '公斤/亩', 'gte', '测产记录'],
      [B, 'economic', '项目区农民人均增收', '元', 'gte', '抽样调查'],
      [B, 'social', '带动农户数', '户', 'gte', '项目台账'],
      [B, 'ecological', '化肥农药使用量较上年减少', '%', 'gte', '农业统计'],
      [B, 'ecological', '农作物秸秆综合利用率', '%', 'gte', '农业统计'],
      [B, 'sustainable', '工程管护机制落实情况', '—', 'qual', '管护协议'],
      [S, 'satisfaction', '受益农户满意度', '%', 'gte', '问卷调查'],
      [S, 'satisfaction', '受益脱贫（监测）户满意度', '%', 'gte', '问卷调查'],
    ],
  },
  {
    id: 'ADM',
    sector: 'administration',
    name: { zh: '一般公共服务（行政运行、政务信息化、机关事务）', en: 'General administration' },
    source: '按财预〔2020〕10号 框架为机关运行、政务信息化、档案、机关事务项目编写，非照录某一公布清单；另见“部门整体支出绩效评价指标体系（履职效能）”类目',
    basis: 'framework',
    rows: [
      [Q, 'quantity', '保障在职人员数', '人', 'gte', '人事统计'],
      [Q, 'quality', '机关运转保障率', '%', 'gte', '办公室记录'],
      [Q, 'quantity', '办理政务服务事项数', '件', 'gte', '政务服务平台'],
      [Q, 'quality', '政务服务事项按时办结率', '%', 'gte', '政务服务平台'],
      [Q, 'quality', '“一网通办”事项比例', '%', 'gte', '政务服务平台'],
      [Q, 'quantity', '信息系统运维数量', '个', 'gte', '运维合同'],
      [Q, 'quality', '信息系统正常运行率', '%', 'gte', '运维日志'],
      [Q, 'quality', '网络安全事件发生次数', '次', 'lte', '安全运维记录'],
      [Q, 'timeliness', '故障响应时间', '小时', 'lte', '运维工单'],
      [Q, 'quantity', '档案数字化页数', '页', 'gte', '档案数字化台账'],
      [Q, 'quality', '档案数字化质量合格率', '%', 'gte', '验收报告'],
      [Q, 'quantity', '公务用车保障次数', '次', 'gte', '派车记录'],
      [Q, 'cost', '“三公”经费控制率', '%', 'lte', '财务账（实际数÷预算数）'],
      [Q, 'cost', '单车运行维护成本', '元/辆', 'lte', '财务账'],
      [Q, 'cost', '人均公用经费', '元/人', 'lte', '决算报表'],
      [Q, 'quality', '政府采购执行率', '%', 'gte', '政府采购记录'],
      [Q, 'quality', '预决算信息公开及时性', '—', 'qual', '公开记录'],
      [Q, 'quality', '固定资产账实相符率', '%', 'gte', '资产清查报告'],
      [B, 'social', '履职效能提升情况', '—', 'qual', '年度工作总结'],
      [B, 'social', '政务服务效率提升情况', '—', 'qual', '政务服务评价'],
      [B, 'economic', '节约行政成本', '万元', 'gte', '财务账'],
      [B, 'sustainable', '内部控制制度健全性', '—', 'qual', '内控评价报告'],
      [B, 'sustainable', '信息共享和业务协同水平', '—', 'qual', '平台运行报告'],
      [S, 'satisfaction', '办事群众满意度', '%', 'gte', '“好差评”系统'],
      [S, 'satisfaction', '干部职工满意度', '%', 'gte', '问卷调查'],
    ],
  },
  {
    id: 'SOC',
    sector: 'social',
    name: { zh: '社会保障和民政', en: 'Social security and civil affairs' },
    source: '按财预〔2020〕10号 框架为困难群众救助、养老服务、就业补助项目编写，非照录某一公布清单；补助标准以当地政策文件为准',
    basis: 'framework',
    rows: [
      [Q, 'quantity', '城乡低保保障人数', '人', 'gte', '社会救助信息系统'],
      [Q, 'quality', '低保对象认定准确率', '%', 'gte', '核查记录'],
      [Q, 'timeliness', '救助资金按月发放及时率', '%', 'gte', '发放记录'],
      [Q, 'cost', '低保月人均补助水平', '元/人·月', 'eq', '救助政策文件'],
      [Q, 'quantity', '特困人员供养人数', '人', 'gte', '社会救助信息系统'],
      [Q, 'quantity', '居家养老服务人次', '人次', 'gte', '养老服务台账'],
      [Q, 'quantity', '新增养老床位数', '张', 'gte', '验收报告'],
      [Q, 'quantity', '就业技能培训人数', '人', 'gte', '培训台账'],
      [Q, 'quality', '培训后就业率', '%', 'gte', '就业登记'],
      [B, 'social', '困难群众基本生活保障情况', '—', 'qual', '走访记录'],
      [B, 'social', '城镇新增就业人数', '人', 'gte', '就业统计'],
      [B, 'sustainable', '社会救助长效机制', '—', 'qual', '制度文件'],
      [S, 'satisfaction', '救助对象满意度', '%', 'gte', '问卷调查'],
      [S, 'satisfaction', '服务老人满意度', '%', 'gte', '问卷调查'],
    ],
  },
];

/** Indicators whose actual value the ledger gives (see monitoring.ts). */
const AUTO: Record<string, AutoKey> = { 'GEN2-002': 'costPerOutput', 'GEN2-003': 'paymentTimeliness' };

const SOURCE_OF_DIRECTION: Record<Direction, IndicatorSeed['method']> = { gte: 'ratio', lte: 'reverse', eq: 'equal', qual: 'qualitative' };

/** The starter library as indicator records: ids `<set>-<nnn>`, version 1, read-only (a unit copies one to change it). */
export const STARTER: IndicatorSeed[] = SETS.flatMap((set) => set.rows.map(([level1, level2, name, unit, direction, dataSource], i): IndicatorSeed => ({
  id: `${set.id}-${String(i + 1).padStart(3, '0')}`,
  setId: set.id,
  sector: set.sector,
  level1, level2, name, unit, direction, dataSource,
  method: SOURCE_OF_DIRECTION[direction],
  source: set.source,
  basis: set.basis,
  ...(AUTO[`${set.id}-${String(i + 1).padStart(3, '0')}`] ? { auto: AUTO[`${set.id}-${String(i + 1).padStart(3, '0')}`] } : {}),
})));
