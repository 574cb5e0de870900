/** Current instant as ISO-8601 UTC text, the timestamp format of every table. */
export function nowIso(): string {
  return new Date().toISOString();
}

export function addSeconds(iso: string, seconds: number): string {
  return new Date(Date.parse(iso) + seconds * 1000).toISOString();
}

/**
 * Today's date where the units work (China Standard Time, UTC+8, no daylight saving): a business date
 * typed in the morning in Beijing is already "today" although UTC is still on the day before.
 */
export function businessDate(now = Date.now()): string {
  return new Date(now + 8 * 3600_000).toISOString().slice(0, 10);
}
