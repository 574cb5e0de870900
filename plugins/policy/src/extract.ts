import { parseMoney, parsePercent } from './numerals.js';

/**
 * Rule-based extraction of candidate standards from a policy text: every money amount or
 * percentage that reads as a standard (a cap, a rate, a per-person-per-day figure), with its unit
 * of measure, its subject (住宿费, 伙食补助费, 会议费 …), the tier words around it (一类会议,
 * 司局级, 旺季) and the sentence it came from, for a person to confirm. Amounts without a standard's
 * cue (an allocation "下达资金500万元", a threshold "5万元以上") are not candidates.
 */

export type Per = 'person_day' | 'person_night' | 'person_meal' | 'person_time' | 'hour' | 'trip';

export interface Candidate {
  /** Stable within one extraction: sentence index and order in it. */
  id: string;
  kind: 'amount' | 'percent';
  /** Fen for amounts, hundredths of a percent for percentages. */
  value: number;
  /** The expression as written. */
  text: string;
  per: Per | null;
  bound: 'cap' | 'standard';
  subject: string;
  /** Suggested standard item (travel_lodging, meeting, …) and tier key (class2, all), to be confirmed. */
  item: string | null;
  tier: string | null;
  region: string;
  rank: string;
  season: string;
  sentence: string;
  sentenceIndex: number;
}

const MONEY = /(?:人民币)?(?:\d{1,3}(?:[,，]\d{3})+|\d+)(?:\.\d+)?\s*(?:万|亿|千)?\s*[元圆]|(?:人民币)?[零〇一壹二贰两三叁四肆五伍六陆七柒八捌九玖十拾百佰千仟万萬亿億]+[元圆](?:[零一二三四五六七八九壹贰叁肆伍陆柒捌玖]角)?(?:[零一二三四五六七八九壹贰叁肆伍陆柒捌玖]分)?整?/g;
const PERCENT = /\d+(?:\.\d+)?\s*[%％]|百分之[零一二两三四五六七八九十百点\d.]+/g;

const PER_AFTER: Array<[RegExp, Per]> = [
  [/^\s*[/／]\s*(?:人)?\s*[·・.]?\s*(?:天|日)\s*[·・.]?\s*人/, 'person_day'],
  [/^\s*[/／]\s*人\s*[·・./／]?\s*(?:天|日)/, 'person_day'],
  [/^\s*[/／]\s*(?:人|间)\s*[·・./／]?\s*(?:晚|夜)/, 'person_night'],
  [/^\s*[/／]\s*间\s*[·・./／]?\s*天/, 'person_night'],
  [/^\s*[/／]\s*人\s*[·・./／]?\s*(?:餐|顿)/, 'person_meal'],
  [/^\s*[/／]\s*人\s*[·・./／]?\s*次/, 'person_time'],
  [/^\s*[/／]\s*(?:学时|课时)/, 'hour'],
  [/^\s*[/／]\s*(?:天|日)/, 'person_day'],
  [/^\s*[/／]\s*(?:人次|人)/, 'person_time'],
];
const PER_BEFORE: Array<[RegExp, Per]> = [
  [/每人每(?:天|日)|每人天|每天每人|人均每(?:天|日)/, 'person_day'],
  [/每人每(?:晚|夜)|每间每(?:天|晚)|每晚/, 'person_night'],
  [/每人每(?:餐|顿)|每餐|人均(?:餐费|用餐)?/, 'person_meal'],
  [/每人每次|每人次|每次/, 'person_time'],
  [/每学时|每课时/, 'hour'],
  [/每(?:天|日)/, 'person_day'],
];

const CAP_CUE = /不超过|不得超过|不高于|最高|上限|以内|控制在|限额|封顶|为限/;
const STANDARD_CUE = /标准|定额|补助|包干|每人|每天|每日|每晚|每学时|每课时|人均|上浮|下浮|浮动|核定|执行|按照|按/;
const NOT_A_STANDARD = /下达|安排资金|拨付|拨款|预算|共计|累计|合计支出|总投资|总额为|收入|增长|同比|比上年|较上年|罚款|处以|机动额度/;
/** A sentence about a standard's subject: amounts listed after it ("部级1100元、司局级650元") are its tiers or parts. */
const SUBJECT_CUE = /住宿费|伙食|会议|培训|讲课费|交通费|标准|定额|补助/;

const SUBJECTS: Array<[RegExp, string]> = [
  [/讲课费|授课费|师资费/, '讲课费'],
  [/住宿费/, '住宿费'],
  [/伙食补助费|伙食补助/, '伙食补助费'],
  [/伙食费|餐费|用餐/, '伙食费'],
  [/市内交通费/, '市内交通费'],
  [/城市间交通费/, '城市间交通费'],
  [/会议室租金|场地费|场地资料交通费/, '场地费'],
  [/其他费用/, '其他费用'],
  [/工作餐/, '工作餐'],
  [/接待/, '接待费'],
  [/会议费|综合定额|会议/, '会议费'],
  [/培训费|培训/, '培训费'],
  [/差旅费/, '差旅费'],
];

// "三、四类会议" is one tier (三类 and 四类 share the cap): its first class names it.
const CLASS = /([一二三四])(?:[、和及][一二三四])*类(?:会议|培训|地区)?/;
const CLASS_KEY: Record<string, string> = { 一: 'class1', 二: 'class2', 三: 'class3', 四: 'class4' };
const RANK = /(省部级|部级|司局级|厅局级|处级及以下|处级|其他人员|副处级以下|一般工作人员)/;
const SEASON = /旺季(?:[^，。；]{0,12}?)?(\d{1,2}\s*[-—～~至]\s*\d{1,2}月|\d{1,2}月)?|(\d{1,2}\s*[-—～~至]\s*\d{1,2}月)/;
const REGION = /(北京|天津|上海|重庆|河北|山西|内蒙古|辽宁|大连|吉林|黑龙江|江苏|浙江|宁波|安徽|福建|厦门|江西|山东|青岛|河南|湖北|湖南|广东|深圳|广西|海南|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|[\u4e00-\u9fa5]{2,4}市|省会城市|直辖市|计划单列市|其他地区)/;

/** Splits a text into sentences (。！？ and line breaks), keeping each sentence's text as written. */
export function sentences(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/(?<=[。！？!?])|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function subjectOf(before: string, sentence: string): string {
  let best = '';
  let at = -1;
  for (const [re, name] of SUBJECTS) {
    const g = new RegExp(re.source, 'g');
    for (let m = g.exec(before); m; m = g.exec(before)) if (m.index >= at) (at = m.index), (best = name);
  }
  if (best) return best;
  for (const [re, name] of SUBJECTS) if (re.test(sentence)) return name;
  return '';
}

function itemOf(subject: string, sentence: string): string | null {
  if (/会议/.test(sentence) && !/培训/.test(sentence)) return 'meeting';
  if (/培训/.test(sentence) && subject === '讲课费') return 'lecture';
  if (/培训/.test(sentence)) return 'training';
  if (subject === '讲课费') return 'lecture';
  if (subject === '住宿费') return 'travel_lodging';
  if (subject === '伙食补助费') return 'travel_meal';
  if (subject === '市内交通费') return 'travel_transport';
  if (subject === '工作餐' || subject === '接待费') return 'reception_meal';
  return null;
}

/** The clause an expression sits in: from the last ；, or the previous expression, to it. */
function clauseBefore(sentence: string, index: number, previousEnd: number): string {
  const start = Math.max(previousEnd, sentence.lastIndexOf('；', index - 1) + 1, sentence.lastIndexOf(';', index - 1) + 1);
  return sentence.slice(start, index);
}

export function extractFromSentence(sentence: string, sentenceIndex: number): Candidate[] {
  const found: Array<{ index: number; end: number; kind: 'amount' | 'percent'; text: string; value: number }> = [];
  for (const m of sentence.matchAll(MONEY)) {
    const value = parseMoney(m[0]);
    if (value !== null) found.push({ index: m.index!, end: m.index! + m[0].length, kind: 'amount', text: m[0], value });
  }
  for (const m of sentence.matchAll(PERCENT)) {
    const value = parsePercent(m[0].replace(/\s+/g, ''));
    if (value !== null) found.push({ index: m.index!, end: m.index! + m[0].length, kind: 'percent', text: m[0], value });
  }
  found.sort((a, b) => a.index - b.index);
  const out: Candidate[] = [];
  let previousEnd = 0;
  for (const f of found) {
    const clause = clauseBefore(sentence, f.index, previousEnd);
    const after = sentence.slice(f.end, f.end + 16);
    const wideBefore = sentence.slice(Math.max(0, f.index - 24), f.index);
    previousEnd = f.end;
    let per: Per | null = null;
    if (f.kind === 'amount') {
      for (const [re, p] of PER_AFTER) if (re.test(after)) { per = p; break; }
      if (!per) for (const [re, p] of PER_BEFORE) if (re.test(clause) || re.test(wideBefore)) { per = p; break; }
    }
    // A threshold ("5万元以上的", "10万元以下") is an approval rule, not a standard.
    if (/^\s*(?:（含）|\(含\))?\s*(?:以上|以下|及以上|起)/.test(after)) continue;
    const capCue = CAP_CUE.test(clause) || /^\s*(?:以内|为限|封顶)/.test(after);
    const standardCue = per !== null || capCue || STANDARD_CUE.test(clause) || STANDARD_CUE.test(wideBefore) || SUBJECT_CUE.test(sentence.slice(0, f.index));
    if (!standardCue) continue;
    if (NOT_A_STANDARD.test(clause) && per === null && !capCue) continue;
    if (f.kind === 'percent' && !/标准|上浮|下浮|浮动|不超过|不得超过|控制|按照|按|核定|以内|最高|比例/.test(clause + after)) continue;
    const subject = subjectOf(clause || wideBefore, sentence);
    const item = f.kind === 'amount' ? itemOf(subject, sentence) : null;
    const klass = CLASS.exec(clause) ?? CLASS.exec(sentence.slice(0, f.index));
    const rank = RANK.exec(clause) ?? RANK.exec(wideBefore);
    const season = SEASON.exec(clause);
    const region = REGION.exec(clause);
    const tier = klass && (item === 'meeting' || item === 'training') ? CLASS_KEY[klass[1]!]! : item && !rank && !region ? 'all' : null;
    out.push({
      id: `${sentenceIndex}-${out.length + 1}`,
      kind: f.kind, value: f.value, text: f.text.trim(), per, bound: capCue ? 'cap' : 'standard', subject, item, tier,
      region: region?.[1] ?? '', rank: rank?.[1] ?? '', season: season ? (season[1] ?? season[2] ?? '旺季').replace(/\s+/g, '') : '',
      sentence, sentenceIndex,
    });
  }
  return out;
}

/** Every candidate of a text, in reading order. */
export function extract(text: string): Candidate[] {
  return sentences(text).flatMap((s, i) => extractFromSentence(s, i));
}
