import { lang } from '../lib/i18n.js';
import { ApiError } from '../lib/api.js';

/** The file name a download's Content-Disposition gives: the UTF-8 `filename*` first, then `filename`. */
export function fileNameOf(disposition: string | null, fallback = 'download'): string {
  if (!disposition) return fallback;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1]!.trim());
    } catch {
      /* fall through to the plain name */
    }
  }
  const plain = /filename\s*=\s*"([^"]*)"/i.exec(disposition) ?? /filename\s*=\s*([^;]+)/i.exec(disposition);
  return plain ? plain[1]!.trim() : fallback;
}

/**
 * Fetches a plugin GET route that answers a file (with the session cookie, as every call of the app)
 * and saves it under the name the host gave. An error answer becomes an ApiError with its message.
 */
export async function downloadPluginFile(url: string, query?: Record<string, string>): Promise<string> {
  const search = query && Object.keys(query).length ? `?${new URLSearchParams(query)}` : '';
  const res = await fetch(`${url}${search}`, { credentials: 'same-origin', headers: { 'accept-language': lang() === 'en' ? 'en' : 'zh-CN' } });
  if (!res.ok) {
    let err: { code?: string; message?: string; details?: Record<string, unknown> } | undefined;
    try {
      err = ((await res.json()) as { error?: typeof err }).error;
    } catch {
      err = undefined;
    }
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? res.statusText, err?.details ?? {});
  }
  const name = fileNameOf(res.headers.get('content-disposition'));
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
  return name;
}
