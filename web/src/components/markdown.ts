import { html, nothing, type TemplateResult } from 'lit';

/**
 * A small Markdown subset rendered as Lit templates (headings, paragraphs, lists, quotes, code,
 * **bold**, *italic*, `code`, [links](https://…)). Plugin text is never parsed as HTML: every piece
 * ends up as a text binding, so a plugin cannot inject markup or script into the host page.
 */
export function renderMarkdown(source: string): TemplateResult {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const out: TemplateResult[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (/^\s*$/.test(line)) { i++; continue; }
    if (line.startsWith('```')) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.startsWith('```')) body.push(lines[i++]!);
      i++;
      out.push(html`<pre><code>${body.join('\n')}</code></pre>`);
      continue;
    }
    const h = /^(#{1,4})\s+(.*)$/.exec(line);
    if (h) {
      const level = h[1]!.length;
      const text = inline(h[2]!);
      out.push(level === 1 ? html`<h2>${text}</h2>` : level === 2 ? html`<h3>${text}</h3>` : html`<h4>${text}</h4>`);
      i++;
      continue;
    }
    if (/^\s*([-*+]|\d+[.)])\s+/.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const items: TemplateResult[] = [];
      while (i < lines.length && /^\s*([-*+]|\d+[.)])\s+/.test(lines[i]!)) {
        items.push(html`<li>${inline(lines[i]!.replace(/^\s*([-*+]|\d+[.)])\s+/, ''))}</li>`);
        i++;
      }
      out.push(ordered ? html`<ol>${items}</ol>` : html`<ul>${items}</ul>`);
      continue;
    }
    if (line.startsWith('>')) {
      const body: string[] = [];
      while (i < lines.length && lines[i]!.startsWith('>')) body.push(lines[i++]!.replace(/^>\s?/, ''));
      out.push(html`<blockquote>${inline(body.join(' '))}</blockquote>`);
      continue;
    }
    const para: string[] = [];
    while (i < lines.length && !/^\s*$/.test(lines[i]!) && !/^(#{1,4}\s|```|>|\s*([-*+]|\d+[.)])\s+)/.test(lines[i]!)) para.push(lines[i++]!);
    out.push(html`<p>${inline(para.join(' '))}</p>`);
  }
  return html`${out}`;
}

const TOKEN = /(\*\*[^*]+\*\*|\*[^*\s][^*]*\*|`[^`]+`|\[[^\]]+\]\([^)\s]+\))/g;

/**
 * Links keep only http(s), same-site paths and query strings (view filters): no javascript: or data: URLs.
 * A path may not start `//` or `/\`: browsers read both as another host (and such a link opens in this tab).
 */
export function safeHref(href: string): string | null {
  if (/^https?:\/\//i.test(href)) return href;
  if (/^\/(?![/\\])/.test(href) || href.startsWith('?')) return href;
  return null;
}

function inline(text: string): Array<TemplateResult | string | typeof nothing> {
  const parts = text.split(TOKEN);
  return parts.map((p) => {
    if (!p) return nothing;
    if (p.startsWith('**') && p.endsWith('**') && p.length > 4) return html`<strong>${p.slice(2, -2)}</strong>`;
    if (p.startsWith('`') && p.endsWith('`') && p.length > 2) return html`<code>${p.slice(1, -1)}</code>`;
    const link = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(p);
    if (link) {
      const href = safeHref(link[2]!);
      return href ? html`<a href=${href} target=${/^https?:/i.test(href) ? '_blank' : nothing} rel="noopener noreferrer">${link[1]}</a>` : link[1]!;
    }
    if (p.startsWith('*') && p.endsWith('*') && p.length > 2) return html`<em>${p.slice(1, -1)}</em>`;
    return p;
  });
}
