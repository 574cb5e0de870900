/**
 * A plugin's words in the reader's language: the Chinese text is its own key, and one table gives
 * its English. `const t = texts(EN)` then `t(context.lang, '预算总额')` or, with `{name}` placeholders,
 * `t(lang, '截至 {m} 月末已支付', { m: 9 })`. A text the table does not know stays Chinese (the
 * app is Chinese first), so adding a Chinese text never breaks a view; a test that renders the view
 * in English and finds no Chinese in its words catches the missing entry. Dependency-free (bundled
 * into the sandbox).
 */
export type Lang = 'zh-CN' | 'en';
export type TextParams = Record<string, string | number>;
export type Translate = (lang: Lang | string | undefined, zh: string, params?: TextParams) => string;

const fill = (text: string, params?: TextParams): string =>
  params ? text.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole)) : text;

export function texts(en: Readonly<Record<string, string>>): Translate {
  return (lang, zh, params) => fill(lang === 'en' && Object.prototype.hasOwnProperty.call(en, zh) ? en[zh]! : zh, params);
}

/** Both languages of one text, as `refuse(status, code, { zh, en })` and the manifest take them. */
export function bilingual(t: Translate, zh: string, params?: TextParams): { zh: string; en: string } {
  return { zh: t('zh-CN', zh, params), en: t('en', zh, params) };
}
