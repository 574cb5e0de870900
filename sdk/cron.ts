/**
 * Standard five-field cron expressions for plugin schedules:
 * `<minute 0-59> <hour 0-23> <day-of-month 1-31> <month 1-12> <day-of-week 0-7, 0 and 7 = Sunday>`,
 * each field `*`, a number, a range `a-b`, a list `a,b,c`, and steps `*\/n` or `a-b/n`.
 * As in Vixie cron, when both day-of-month and day-of-week are restricted a day matches either.
 * Evaluated in UTC: the core keeps every timestamp in UTC and has no server time zone
 * (`0 2 * * *` is 02:00 UTC, 10:00 in Beijing).
 */
export interface CronSchedule {
  minutes: ReadonlySet<number>;
  hours: ReadonlySet<number>;
  days: ReadonlySet<number>;
  months: ReadonlySet<number>;
  weekdays: ReadonlySet<number>;
  dayRestricted: boolean;
  weekdayRestricted: boolean;
}

const FIELDS = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day-of-month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12 },
  { name: 'day-of-week', min: 0, max: 7 },
] as const;

export class CronError extends Error {}

function parseField(text: string, field: (typeof FIELDS)[number]): Set<number> {
  const out = new Set<number>();
  const int = (s: string) => {
    if (!/^\d{1,2}$/.test(s)) throw new CronError(`${field.name}: "${s}" is not a number`);
    const n = Number(s);
    if (n < field.min || n > field.max) throw new CronError(`${field.name}: ${n} is outside ${field.min}-${field.max}`);
    return n;
  };
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/');
    if (extra !== undefined || range === undefined || range === '') throw new CronError(`${field.name}: "${part}" is not a valid term`);
    const step = stepText === undefined ? 1 : Number(stepText);
    if (stepText !== undefined && (!/^\d{1,2}$/.test(stepText) || step < 1)) throw new CronError(`${field.name}: step "${stepText}" must be a positive number`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = field.min;
      to = field.max;
    } else if (range.includes('-')) {
      const [a, b, more] = range.split('-');
      if (more !== undefined) throw new CronError(`${field.name}: "${range}" is not a range`);
      from = int(a!);
      to = int(b!);
      if (from > to) throw new CronError(`${field.name}: range ${range} runs backwards`);
    } else {
      from = int(range);
      // `5/15` means from 5 to the end in steps of 15, as in most crons.
      to = stepText === undefined ? from : field.max;
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

export function parseCron(expression: string): CronSchedule {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5) throw new CronError(`a cron expression has 5 fields (minute hour day-of-month month day-of-week); got ${parts.length}`);
  const [minutes, hours, days, months, weekdaysRaw] = parts.map((p, i) => parseField(p, FIELDS[i]!)) as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  const weekdays = new Set([...weekdaysRaw].map((d) => d % 7));
  // As Vixie cron decides it: a day field starting with `*` (also `*/2`) counts as unrestricted.
  const schedule = { minutes, hours, days, months, weekdays, dayRestricted: !parts[2]!.startsWith('*'), weekdayRestricted: !parts[4]!.startsWith('*') };
  if (previousRun(schedule, new Date(Date.UTC(2040, 0, 1))) === null) throw new CronError('the expression never matches a real date');
  return schedule;
}

/** A cron expression's problem, or null when it is valid. */
export function cronProblem(expression: string): string | null {
  try {
    parseCron(expression);
    return null;
  } catch (error) {
    if (error instanceof CronError) return error.message;
    throw error;
  }
}

function dayMatches(s: CronSchedule, year: number, month: number, day: number): boolean {
  const dom = s.days.has(day);
  const dow = s.weekdays.has(new Date(Date.UTC(year, month - 1, day)).getUTCDay());
  if (s.dayRestricted && s.weekdayRestricted) return dom || dow;
  return dom && dow;
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const maxOf = (set: ReadonlySet<number>, atMost: number) => {
  let best = -1;
  for (const v of set) if (v <= atMost && v > best) best = v;
  return best;
};

/**
 * The latest instant at or before `at` (to the minute) that the schedule fires, or null if none in
 * the 8 years before. Walks down by month, day, hour and minute instead of minute by minute, so a
 * yearly expression costs a few dozen steps.
 */
export function previousRun(schedule: CronSchedule | string, at: Date): Date | null {
  const s = typeof schedule === 'string' ? parseCron(schedule) : schedule;
  let year = at.getUTCFullYear();
  let month = at.getUTCMonth() + 1;
  let day = at.getUTCDate();
  let hour = at.getUTCHours();
  let minute = at.getUTCMinutes();
  const floorYear = year - 8;
  const previousDay = () => {
    day -= 1;
    if (day < 1) {
      month -= 1;
      if (month < 1) { month = 12; year -= 1; }
      day = daysIn(year, month);
    }
    hour = 23;
    minute = 59;
  };
  while (year > floorYear) {
    if (!s.months.has(month)) {
      month -= 1;
      if (month < 1) { month = 12; year -= 1; }
      day = daysIn(year, month);
      hour = 23;
      minute = 59;
      continue;
    }
    if (!dayMatches(s, year, month, day)) { previousDay(); continue; }
    const h = maxOf(s.hours, hour);
    if (h < 0) { previousDay(); continue; }
    if (h < hour) { hour = h; minute = 59; }
    const m = maxOf(s.minutes, minute);
    if (m < 0) {
      if (hour === 0) { previousDay(); continue; }
      hour -= 1;
      minute = 59;
      continue;
    }
    return new Date(Date.UTC(year, month - 1, day, hour, m));
  }
  return null;
}

/** The first instant strictly after `at` that the schedule fires (searches up to 8 years ahead). */
export function nextRun(schedule: CronSchedule | string, at: Date): Date | null {
  const s = typeof schedule === 'string' ? parseCron(schedule) : schedule;
  const start = Math.floor(at.getTime() / 60_000) * 60_000 + 60_000;
  // Day by day (at most ~3000 days), then the first matching hour and minute of that day.
  for (let dayStart = Date.UTC(new Date(start).getUTCFullYear(), new Date(start).getUTCMonth(), new Date(start).getUTCDate()), k = 0; k < 8 * 366; k++, dayStart += 86_400_000) {
    const d = new Date(dayStart);
    if (!s.months.has(d.getUTCMonth() + 1) || !dayMatches(s, d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate())) continue;
    for (const h of [...s.hours].sort((x, y) => x - y)) {
      for (const m of [...s.minutes].sort((x, y) => x - y)) {
        const t = dayStart + h * 3_600_000 + m * 60_000;
        if (t >= start) return new Date(t);
      }
    }
  }
  return null;
}
