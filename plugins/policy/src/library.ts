import { refuse, THREE_PUBLIC_CODE_LIST, threePublicItem, type TextParams } from '@unibudget/sdk';
import { both, t } from './texts.js';

/** A refusal about a field: its label in each language too. */
const about = (zh: string, label: string, params: TextParams = {}) => ({ zh: t('zh-CN', zh, { ...params, label }), en: t('en', zh, { ...params, label: t('en', label) }) });

/** The 三公 classes of an item, from the SDK's one list (公务接待, 公务用车运行维护 and 购置). */
const threePublic = (...items: string[]) => THREE_PUBLIC_CODE_LIST.filter((c) => items.includes(threePublicItem(c) ?? ''));

/**
 * The knowledge base: policy documents with their topics and economic classes, read and checked
 * from a request, and found by Chinese search (every query word as a substring; a query without
 * spaces also matches by its two-character pieces, so 住宿标准 finds 住宿费标准).
 */

export interface PolicyDoc {
  [key: string]: unknown;
  title: string;
  issuer: string;
  number: string;
  issuedAt: string;
  effectiveFrom: string;
  topics: string[];
  economicCodes: string[];
  text: string;
  addedBy: string;
  addedAt: string;
  extractedAt: string | null;
  candidates: number;
}

/** Topics of expenditure policy and the economic classes (经济分类) their standards are booked to. */
export const TOPICS: Record<string, { label: string; codes: string[]; words: RegExp }> = {
  travel: { label: '差旅', codes: ['30211'], words: /差旅|出差|住宿费|伙食补助|市内交通/ },
  meeting: { label: '会议', codes: ['30215'], words: /会议/ },
  training: { label: '培训', codes: ['30216'], words: /培训|讲课费|师资/ },
  reception: { label: '公务接待', codes: threePublic('reception'), words: /接待|工作餐/ },
  vehicle: { label: '公务用车', codes: threePublic('vehicle_operation', 'vehicle_purchase'), words: /公务用车|车辆|公务交通/ },
  equipment: { label: '资产配置', codes: ['31002', '31003'], words: /配置标准|计算机|办公设备|家具/ },
  labour: { label: '劳务与专家', codes: ['30226', '30227'], words: /劳务费|专家|咨询费|评审费/ },
  general: { label: '综合', codes: [], words: /$^/ },
};
export const TOPIC_KEYS = Object.keys(TOPICS);

/** Topics a text speaks of, by their words (used when the person adding a document names none). */
export function topicsOf(text: string): string[] {
  const found = TOPIC_KEYS.filter((k) => TOPICS[k]!.words.test(text));
  return found.length ? found : ['general'];
}

/** Economic classes a document touches: the ones named, and those of its topics. */
export function codesOf(doc: Pick<PolicyDoc, 'topics' | 'economicCodes'>): string[] {
  return [...new Set([...doc.economicCodes, ...doc.topics.flatMap((t) => TOPICS[t]?.codes ?? [])])];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function str(b: Record<string, unknown>, key: string, label: string, opts: { required?: boolean; max: number; pattern?: RegExp }): string {
  const v = b[key];
  if (v === undefined || v === null || v === '') {
    if (opts.required) throw refuse(400, 'FIELD_REQUIRED', about('请填写{label}', label), { field: key });
    return '';
  }
  if (typeof v !== 'string') throw refuse(400, 'FIELD_INVALID', about('{label}须为文本', label), { field: key });
  const s = v.trim();
  if (s.length > opts.max) throw refuse(400, 'FIELD_INVALID', about('{label}不能超过 {max} 个字', label, { max: opts.max }), { field: key });
  if (opts.pattern && s && !opts.pattern.test(s)) throw refuse(400, 'FIELD_INVALID', about('{label}格式不正确', label), { field: key });
  if (opts.required && !s) throw refuse(400, 'FIELD_REQUIRED', about('请填写{label}', label), { field: key });
  return s;
}

function list(value: unknown, field: string, label: string, allowed: (v: string) => boolean, max: number): string[] {
  const raw = Array.isArray(value) ? value : typeof value === 'string' && value.trim() ? value.split(/[,，、\s]+/) : [];
  const out = [...new Set(raw.map((v) => String(v).trim()).filter(Boolean))];
  if (out.length > max || out.some((v) => !allowed(v))) throw refuse(400, 'FIELD_INVALID', about('{label}取值无效', label), { field });
  return out;
}

/** Decodes a .txt upload ({ name, base64 }) as UTF-8 text. */
export function fileText(file: unknown, fromBase64: (s: string) => Uint8Array): string {
  if (!file || typeof file !== 'object') return '';
  const { name, base64 } = file as { name?: unknown; base64?: unknown };
  if (typeof name !== 'string' || typeof base64 !== 'string') throw refuse(400, 'FIELD_INVALID', both('文件格式不正确'), { field: 'file' });
  if (!/\.(txt|md)$/i.test(name)) throw refuse(400, 'FIELD_INVALID', both('只支持 .txt 文本文件（全文粘贴也可）'), { field: 'file' });
  const text = utf8(fromBase64(base64));
  if (text === null) throw refuse(400, 'FIELD_INVALID', both('文件不是 UTF-8 文本'), { field: 'file' });
  return text.replace(/^\uFEFF/, '');
}

/** Strict UTF-8 decoding (the sandbox has no TextDecoder): null on a malformed sequence. */
export function utf8(bytes: Uint8Array): string | null {
  let out = '';
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i]!;
    let cp: number;
    let n: number;
    if (b < 0x80) (cp = b), (n = 1);
    else if (b >= 0xc2 && b < 0xe0) (cp = b & 0x1f), (n = 2);
    else if (b >= 0xe0 && b < 0xf0) (cp = b & 0x0f), (n = 3);
    else if (b >= 0xf0 && b < 0xf5) (cp = b & 0x07), (n = 4);
    else return null;
    if (i + n > bytes.length) return null;
    for (let k = 1; k < n; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return null;
      cp = (cp << 6) | (c & 0x3f);
    }
    if ((n === 3 && cp < 0x800) || (n === 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) return null;
    out += String.fromCodePoint(cp);
    i += n;
  }
  return out;
}

/** A document from a request body: refuses with the field at fault. */
export function readDocument(b: Record<string, unknown>, text: string, who: string, at: string): PolicyDoc {
  const body = (text || str(b, 'text', '全文', { max: 200_000 })).trim();
  if (body.length < 10) throw refuse(400, 'FIELD_REQUIRED', both('请粘贴文件全文或上传文本文件'), { field: 'text' });
  if (body.length > 200_000) throw refuse(400, 'FIELD_INVALID', both('全文不能超过 20 万字'), { field: 'text' });
  const title = str(b, 'title', '标题', { required: true, max: 200 });
  const topics = list(b.topics, 'topics', '主题', (v) => v in TOPICS, TOPIC_KEYS.length);
  return {
    title,
    issuer: str(b, 'issuer', '发文机关', { max: 100 }),
    number: str(b, 'number', '文号', { max: 60 }),
    issuedAt: str(b, 'issuedAt', '发文日期', { max: 10, pattern: DATE }),
    effectiveFrom: str(b, 'effectiveFrom', '施行日期', { max: 10, pattern: DATE }),
    topics: topics.length ? topics : topicsOf(`${title}\n${body}`),
    economicCodes: list(b.economicCodes, 'economicCodes', '经济分类', (v) => /^\d{3,7}$/.test(v), 20),
    text: body,
    addedBy: who,
    addedAt: at,
    extractedAt: null,
    candidates: 0,
  };
}

function bigrams(s: string): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < s.length; i++) out.push(s.slice(i, i + 2));
  return out;
}

/**
 * Score of a document for a query: every space-separated word found as a substring scores high;
 * without a full hit, a single word of Chinese matches when most of its two-character pieces occur.
 * 0 = not a match.
 */
export function searchScore(doc: Pick<PolicyDoc, 'title' | 'number' | 'issuer' | 'text' | 'topics'>, query: string): number {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return 1;
  const head = `${doc.title} ${doc.number} ${doc.issuer} ${doc.topics.map((t) => TOPICS[t]?.label ?? t).join(' ')}`.toLowerCase();
  const body = doc.text.toLowerCase();
  let score = 0;
  for (const w of words) {
    if (head.includes(w)) score += 10;
    else if (body.includes(w)) score += 5;
    else {
      const grams = bigrams(w);
      // A word with digits (a document number, a year, an amount) must be found as written.
      if (grams.length < 2 || /\d/.test(w)) return 0;
      const hits = grams.filter((g) => head.includes(g) || body.includes(g)).length;
      // Most of the pieces: 住宿标准 (住宿, 宿标, 标准) finds 住宿费标准 by two of three.
      if (hits / grams.length < 0.66) return 0;
      // Pieces in the title, number or issuer weigh twice those only in the text.
      score += (grams.reduce((n, g) => n + (head.includes(g) ? 2 : body.includes(g) ? 1 : 0), 0) / grams.length) * 2;
    }
  }
  return score;
}
