/** zh-CN messages of the cockpit's warnings and time progress (merged into the main table by messages-zh.ts). */
export const zhCockpit = {
  ck_grade_severe: '严重',
  ck_grade_warning: '一般',
  ck_warnCounts: '严重（红）{r} 条 · 一般（黄）{y} 条',
  ck_warnSource: '来自“高级分析与预警”',
  ck_warnCenter: '查看预警中心',
  ck_warnLoading: '正在加载预警…',
  ck_warnError: '未能读取插件预警：{msg}',
  ck_warnMore: '另有 {n} 条，请到预警中心查看',
  ck_timeAsOf: '截至 {date}',
  /** 三公: the one list includes 公务用车购置 from 资本性支出（基本建设）. */
  econ_30913: '公务用车购置费（基本建设）',
};
