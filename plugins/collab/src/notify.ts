import type { Host, NotifyPref, Prefs } from './types.js';
import { newId, randomChars } from './util.js';

/**
 * Notices through the core's bell (host.notify), each person by their preference: `all` (every new
 * message of a thread they take part in), `mentions` (only when named), `none`. The default is
 * `all` for threads one takes part in. After notifying, a content-free hint on `collab:notifications`
 * makes open bells reload (they fetch through the core's permission-checked route).
 */
export const THREAD_LINK = (threadId: string) => `/plugins/collab/thread?threadId=${threadId}`;

export async function prefsOf(host: Host): Promise<Map<number, Prefs>> {
  const docs = await host.storage.query<Prefs>('prefs', {}, { limit: 500 });
  return new Map(docs.map((d) => [d.data.userId, d.data]));
}

export async function myPrefs(host: Host, userId: number): Promise<Prefs> {
  const doc = await host.storage.get<Prefs>('prefs', `u${userId}`);
  return doc?.data ?? { userId, notify: 'all', channel: '' };
}

/** The caller's preferences, created on first need with a personal channel of their own. */
export async function ensurePrefs(host: Host, userId: number, notify?: NotifyPref): Promise<Prefs> {
  const current = await host.storage.get<Prefs>('prefs', `u${userId}`);
  const next: Prefs = { userId, notify: notify ?? current?.data.notify ?? 'all', channel: current?.data.channel || `u-${randomChars(20)}` };
  if (!current || current.data.notify !== next.notify || current.data.channel !== next.channel) await host.storage.put('prefs', `u${userId}`, next);
  return next;
}

/**
 * Tells `users` (a mention reaches those with `all` or `mentions`; other news only those with `all`).
 * At most 50 people per notice (the host's limit), so larger groups go in several.
 */
export async function tell(host: Host, notice: { title: string; body?: string; link: string }, users: number[], kind: 'mention' | 'news' | 'direct', prefs?: Map<number, Prefs>): Promise<number[]> {
  const book = prefs ?? (await prefsOf(host));
  const wanted = [...new Set(users)].filter((u) => {
    const pref = book.get(u)?.notify ?? 'all';
    if (pref === 'none') return false;
    return kind !== 'news' || pref === 'all';
  });
  let sent = 0;
  for (let k = 0; k < wanted.length; k += 50) {
    try {
      await host.notify({ title: notice.title.slice(0, 200), ...(notice.body ? { body: notice.body.slice(0, 2000) } : {}), users: wanted.slice(k, k + 50), link: notice.link });
      sent += 1;
    } catch (error) {
      // A notice is a courtesy: the hourly quota running out must not refuse the message, review or
      // consultation it was about (already stored). The bell misses it; the thread still shows it.
      const e = error as { code?: string; message?: string };
      await host.log.warn('notice not sent', { code: e.code ?? 'ERROR', message: String(e.message ?? error).slice(0, 200), title: notice.title.slice(0, 80) }).catch(() => {});
      break;
    }
  }
  if (sent) await host.realtime.publish('notifications', { id: newId('n') });
  return wanted;
}
