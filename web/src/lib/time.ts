import { lang } from './i18n.js';

/**
 * The people using the system are in China: an instant the core answers (ISO 8601, UTC, e.g.
 * "2026-12-03T10:10:00.000Z") is shown in China time (Asia/Shanghai, UTC+8, no daylight saving) as
 * "2026-12-03 18:10". Business dates ("2026-11-27": a payment date, a document date) are not
 * instants and are shown as they are.
 */
export const TIME_ZONE = 'Asia/Shanghai';

const formats = new Map<string, Intl.DateTimeFormat>();

function format(seconds: boolean): Intl.DateTimeFormat {
  const locale = lang() === 'en' ? 'en' : 'zh-CN';
  const key = `${locale}|${seconds}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, {
      timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
      ...(seconds ? { second: '2-digit' as const } : {}), hourCycle: 'h23',
    });
    formats.set(key, f);
  }
  return f;
}

/** A date and time without a zone is the core's UTC (never the browser's own zone). */
const NO_ZONE = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** An instant in China time, "YYYY-MM-DD HH:mm" (with ":ss" when asked); a business date or unreadable text as given. */
export function formatInstant(iso: string, seconds = false): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) return iso;
  const d = new Date(NO_ZONE.test(iso) ? `${iso.replace(' ', 'T')}Z` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p: Record<string, string> = {};
  for (const part of format(seconds).formatToParts(d)) p[part.type] = part.value;
  return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']}${seconds ? `:${p['second']}` : ''}`;
}

/** When something happened, to the minute, in China time; '' for none. */
export const when = (iso: string | null | undefined): string => (iso ? formatInstant(iso) : '');

/** To the second (logs), in China time; '' for none. */
export const whenSeconds = (iso: string | null | undefined): string => (iso ? formatInstant(iso, true) : '');

/**
 * THE date on screen: "2026-12-03" in tables, lists and forms (a business date as typed; an instant
 * as its China date, never the UTC one). In running text, proseDate: "2026年12月3日" / "3 December 2026".
 */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
  const at = formatInstant(value);
  return /^\d{4}-\d{2}-\d{2} /.test(at) ? at.slice(0, 10) : value;
}

const MONTHS_EN = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** A date in a sentence, as offices write it: 2026年12月3日 (English: 3 December 2026). */
export function proseDate(value: string | null | undefined): string {
  const d = formatDate(value);
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  if (!m) return d;
  const [, y, mo, da] = m;
  return lang() === 'en' ? `${Number(da)} ${MONTHS_EN[Number(mo) - 1]} ${y}` : `${y}年${Number(mo)}月${Number(da)}日`;
}
