import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError, errorText } from './api.js';

/**
 * A refusal of the server placed on the form's fields. A VALIDATION_FAILED answer carries one issue
 * per field (core/http/validation.ts): its `path` and a `message` naming the field and its limit in
 * the user's language. The key is the path's first segment (`payeeName`, `amount`, `plans`); other
 * refusals belong to no field unless the form maps their code (`codes`: CODE → field).
 */
export function fieldErrors(e: unknown, codes: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  if (!(e instanceof ApiError)) return out;
  if (e.code === 'VALIDATION_FAILED') {
    for (const issue of (e.details.issues as Array<{ path: string; message: string }> | undefined) ?? []) {
      const field = String(issue.path ?? '').split('.')[0] || 'form';
      out[field] ??= issue.message;
    }
  } else if (codes[e.code]) out[codes[e.code]!] = e.message;
  return out;
}

type FormHost = ReactiveControllerHost & HTMLElement & { readonly renderRoot: HTMLElement | DocumentFragment };

const MARK = 'data-server-error';
const CSS_ID = 'ub-field-errors-css';

/** The form control of a field: `[name=…]` or a wrapper marked `data-field=…` (first match in the form). */
function controlOf(root: ParentNode, field: string): HTMLElement | null {
  const q = CSS.escape(field);
  return root.querySelector<HTMLElement>(`[name="${q}"], [data-field="${q}"]`);
}

/**
 * The one way a form shows the server's field errors: the message under the field, `aria-invalid`
 * on it (and `aria-describedby` to the message), focus on the first; a field's mark goes as soon as
 * it is edited. `show(error)` answers the text the form still shows at its top: '' when every
 * message sits under its field, else the server's message (a refusal of no field, or of a field the
 * form does not show). `scope` narrows the marking to one form of a page with several.
 */
export class ServerFieldErrors implements ReactiveController {
  errors: Record<string, string> = {};
  private pendingFocus = false;
  private readonly onEdit = (e: Event) => {
    const target = e.composedPath().find((n): n is HTMLElement => n instanceof HTMLElement && (n.hasAttribute('name') || n.hasAttribute('data-field')));
    const field = target?.getAttribute('data-field') ?? target?.getAttribute('name');
    if (field && this.errors[field] && this.scope()?.contains(target!)) this.clear(field);
  };

  constructor(private readonly host: FormHost, private readonly scope: () => ParentNode | null = () => host.renderRoot, private readonly codes: Record<string, string> = {}) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.renderRoot.addEventListener('input', this.onEdit);
    this.host.renderRoot.addEventListener('change', this.onEdit);
  }

  hostDisconnected(): void {
    this.host.renderRoot.removeEventListener('input', this.onEdit);
    this.host.renderRoot.removeEventListener('change', this.onEdit);
  }

  /** Takes a failed answer; returns what the form shows at its top ('' when all of it is under fields). */
  show(e: unknown): string {
    this.errors = fieldErrors(e, this.codes);
    this.pendingFocus = true;
    this.host.requestUpdate();
    const root = this.scope();
    const fields = Object.keys(this.errors);
    const placed = root ? fields.filter((f) => controlOf(root, f)) : [];
    return fields.length > 0 && placed.length === fields.length ? '' : errorText(e);
  }

  /** Forgets one field's error (it was edited) or all of them. */
  clear(field?: string): void {
    if (field === undefined) this.errors = {};
    else {
      const { [field]: _gone, ...rest } = this.errors;
      this.errors = rest;
    }
    this.host.requestUpdate();
  }

  has(field: string): boolean {
    return field in this.errors;
  }

  hostUpdated(): void {
    const root = this.scope();
    if (!root) return;
    ensureStyle(this.host.renderRoot);
    for (const old of root.querySelectorAll(`[${MARK}]`)) {
      const field = old.getAttribute(MARK)!;
      if (this.errors[field] !== undefined) continue;
      old.remove();
      const control = controlOf(root, field);
      if (control?.hasAttribute('data-server-invalid')) {
        const before = control.getAttribute('data-server-invalid');
        if (before) control.setAttribute('aria-invalid', before);
        else control.removeAttribute('aria-invalid');
        control.removeAttribute('data-server-invalid');
        if (control.getAttribute('aria-describedby') === `server-error-${field}`) control.removeAttribute('aria-describedby');
      }
    }
    let first: HTMLElement | null = null;
    for (const [field, message] of Object.entries(this.errors)) {
      const control = controlOf(root, field);
      if (!control) continue;
      first ??= control;
      if (!control.hasAttribute('data-server-invalid')) control.setAttribute('data-server-invalid', control.getAttribute('aria-invalid') ?? '');
      control.setAttribute('aria-invalid', 'true');
      const id = `server-error-${field}`;
      let note = root.querySelector<HTMLElement>(`[${MARK}="${CSS.escape(field)}"]`);
      if (!note) {
        note = document.createElement('span');
        note.className = 'error server-error';
        note.setAttribute(MARK, field);
        note.setAttribute('role', 'alert');
        note.id = id;
        control.insertAdjacentElement('afterend', note);
      }
      note.textContent = message;
      control.setAttribute('aria-describedby', id);
    }
    if (this.pendingFocus && first) {
      this.pendingFocus = false;
      const inner = first.matches('input, select, textarea, button') ? first : first.shadowRoot?.querySelector<HTMLElement>('input, select, textarea') ?? first.querySelector<HTMLElement>('input, select, textarea');
      (inner ?? first).focus();
    }
  }
}

/** The message's look, once per shadow root (the pages' shared `.error` style applies too). */
function ensureStyle(root: HTMLElement | DocumentFragment): void {
  if (!(root instanceof ShadowRoot) || root.getElementById(CSS_ID)) return;
  const style = document.createElement('style');
  style.id = CSS_ID;
  style.textContent = '.server-error { display: block; color: #b42318; font-size: 12px; margin-top: 2px; }';
  root.prepend(style);
}
