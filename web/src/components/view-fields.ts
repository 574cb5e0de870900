import { html, nothing, type TemplateResult } from 'lit';
import { t } from '../lib/i18n.js';
import { formatFen, parseYuan } from '../lib/money.js';
import type { Cell, FormField } from './view-spec.js';

/**
 * The fields of a plugin form or wizard step: their values while typed, their checks, the JSON they
 * submit, and how each input is drawn. One place, so a `form` block and a `wizard` step behave alike.
 */

export type GridRow = Record<string, Cell>;
export interface FileValue { name: string; base64: string }
/** A field's value while being edited: text of text-like inputs, a checkbox, chosen options, grid rows, a read file. */
export type FieldValue = string | boolean | string[] | GridRow[] | FileValue | null;
export type Submitted = Cell | string[] | GridRow[] | FileValue;

/**
 * The most an uploaded file may be: it travels base64 (4/3 of its size) inside a plugin route's JSON
 * body, which the host caps at 256 KiB.
 */
export const MAX_UPLOAD_BYTES = 180 * 1024;

export function initialValue(f: FormField): FieldValue {
  switch (f.input) {
    case 'checkbox': return f.value === true;
    case 'multiselect': return Array.isArray(f.value) ? [...f.value] : typeof f.value === 'string' && f.value ? f.value.split(',') : [];
    case 'grid': return (f.rows ?? []).map((r) => ({ ...r }));
    case 'file': return null;
    default:
      if (f.value === null || f.value === undefined || Array.isArray(f.value)) return '';
      if (f.input === 'fen' && typeof f.value === 'number' && Number.isSafeInteger(f.value)) return formatFen(f.value, { grouping: false });
      return String(f.value);
  }
}

const isBlank = (v: FieldValue | undefined) =>
  v === null || v === undefined || (typeof v === 'string' && v.trim() === '') || (Array.isArray(v) && v.length === 0);

/** A grid's rows as submitted: each row's `_id` and its editable cells (number columns as numbers). */
function gridBody(f: FormField, rows: GridRow[]): GridRow[] {
  const editable = (f.columns ?? []).filter((c) => c.input !== 'readonly');
  return rows.map((row) => {
    const out: GridRow = { _id: row._id ?? null };
    for (const c of editable) {
      const v = row[c.key];
      if (c.input === 'checkbox') out[c.key] = v === true;
      else if (c.input === 'number') {
        const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : null;
        out[c.key] = n !== null && Number.isFinite(n) ? n : null;
      } else out[c.key] = v === undefined || v === null ? null : String(v);
    }
    return out;
  });
}

/** Checks one field; the value it submits or an error text. */
export function checkField(f: FormField, raw: FieldValue | undefined): { value: Submitted } | { error: string } {
  if (f.input === 'checkbox') return { value: raw === true };
  if (f.input === 'grid') {
    const rows = Array.isArray(raw) ? (raw as GridRow[]) : [];
    for (const row of rows) {
      for (const c of f.columns ?? []) {
        if (c.input !== 'number') continue;
        const v = row[c.key];
        if (typeof v === 'string' && v.trim() !== '' && !Number.isFinite(Number(v))) return { error: t('set_number') };
      }
    }
    if (f.required && rows.length === 0) return { error: t('pv_required', { label: f.label }) };
    return { value: gridBody(f, rows) };
  }
  if (isBlank(raw)) {
    if (f.required) return { error: f.input === 'multiselect' ? t('hx_pickSome') : t('pv_required', { label: f.label }) };
    return { value: f.input === 'multiselect' ? [] : null };
  }
  if (f.input === 'multiselect') return { value: [...(raw as string[])] };
  if (f.input === 'file') return { value: raw as FileValue };
  const text = String(raw).trim();
  if (f.input === 'number') {
    const n = Number(text);
    if (!Number.isFinite(n)) return { error: t('set_number') };
    if (f.min !== undefined && n < f.min) return { error: t('hx_min', { min: String(f.min) }) };
    if (f.max !== undefined && n > f.max) return { error: t('hx_max', { max: String(f.max) }) };
    return { value: n };
  }
  if (f.input === 'fen') {
    const r = parseYuan(text);
    if (!r.ok) return { error: t('flow_amountInvalid') };
    // min/max of a money field are fen, like its value.
    if (f.min !== undefined && r.fen < f.min) return { error: t('hx_min', { min: formatFen(f.min) }) };
    if (f.max !== undefined && r.fen > f.max) return { error: t('hx_max', { max: formatFen(f.max) }) };
    return { value: r.fen };
  }
  if (f.maxLength !== undefined && text.length > f.maxLength) return { error: t('hx_maxLength', { n: String(f.maxLength) }) };
  return { value: text };
}

/** The JSON body of some fields, or null with the errors (by field key). */
export function collectFields(fields: readonly FormField[], values: Record<string, FieldValue>): { body: Record<string, Submitted> | null; errors: Record<string, string> } {
  const body: Record<string, Submitted> = {};
  const errors: Record<string, string> = {};
  for (const f of fields) {
    const r = checkField(f, values[f.key]);
    if ('error' in r) errors[f.key] = r.error;
    else body[f.key] = r.value;
  }
  return { body: Object.keys(errors).length ? null : body, errors };
}

/** Reads a chosen file as `{ name, base64 }`, refusing one over MAX_UPLOAD_BYTES. */
export function readFile(file: File): Promise<FileValue> {
  if (file.size > MAX_UPLOAD_BYTES) return Promise.reject(new Error(t('hx_fileTooLarge', { kb: String(Math.floor(MAX_UPLOAD_BYTES / 1024)) })));
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result ?? '');
      resolve({ name: file.name.slice(0, 120), base64: url.slice(url.indexOf(',') + 1) });
    };
    reader.onerror = () => reject(new Error(t('hx_fileReadFailed')));
    reader.readAsDataURL(file);
  });
}

/** What a field is drawn with: its value and error, and where edits go. */
export interface FieldHost {
  values: Record<string, FieldValue>;
  errors: Record<string, string>;
  /** Prefix of element ids, unique per form on the page. */
  idPrefix: string;
  set(key: string, value: FieldValue): void;
  setError(key: string, error: string | null): void;
}

export function renderField(host: FieldHost, f: FormField): TemplateResult {
  const id = `${host.idPrefix}-${f.key}`;
  const err = host.errors[f.key];
  const helpId = f.help ? `${id}-help` : '';
  const errId = err ? `${id}-err` : '';
  const describedBy = [helpId, errId].filter(Boolean).join(' ') || nothing;
  const invalid = err ? 'true' : 'false';
  const req = f.required ? html`<span aria-hidden="true"> *</span>` : nothing;
  const v = host.values[f.key];
  const help = f.help ? html`<span class="help muted" id=${helpId}>${f.help}</span>` : nothing;
  const error = err ? html`<span class="error" id=${errId} role="alert">${err}</span>` : nothing;
  const text = (value: FieldValue | undefined) => (typeof value === 'string' ? value : '');
  switch (f.input) {
    case 'checkbox':
      return html`<div class="field" data-field=${f.key}><label class="check"><input type="checkbox" id=${id} name=${f.key} aria-describedby=${describedBy} .checked=${v === true}
        @change=${(e: Event) => host.set(f.key, (e.target as HTMLInputElement).checked)} />${f.label}</label>${help}${error}</div>`;
    case 'multiselect': {
      const chosen = Array.isArray(v) ? (v as string[]) : [];
      const toggle = (value: string, on: boolean) => {
        const now = Array.isArray(host.values[f.key]) ? (host.values[f.key] as string[]) : chosen;
        host.set(f.key, on ? [...now.filter((x) => x !== value), value] : now.filter((x) => x !== value));
      };
      return html`<fieldset class="field wide multi" data-field=${f.key} aria-invalid=${invalid} aria-describedby=${describedBy}>
        <legend>${f.label}${req}</legend>
        ${(f.options ?? []).map((o) => html`<label class="check"><input type="checkbox" name=${f.key} value=${o.value} .checked=${chosen.includes(o.value)}
          @change=${(e: Event) => toggle(o.value, (e.target as HTMLInputElement).checked)} />${o.label}</label>`)}
        ${help}${error}</fieldset>`;
    }
    case 'grid': {
      const rows = Array.isArray(v) ? (v as GridRow[]) : [];
      // The rows as they are now, not as last drawn: two edits before the next render both stay.
      const edit = (i: number, key: string, value: Cell) => {
        const now = Array.isArray(host.values[f.key]) ? (host.values[f.key] as GridRow[]) : rows;
        host.set(f.key, now.map((r, k) => (k === i ? { ...r, [key]: value } : r)));
      };
      return html`<fieldset class="field wide grid" data-field=${f.key} aria-describedby=${describedBy}>
        <legend>${f.label}${req} <span class="muted">${t('hx_gridRows', { n: String(rows.length) })}</span></legend>
        <div class="grid-wrap"><table>
          <thead><tr>${(f.columns ?? []).map((c) => html`<th scope="col">${c.label}</th>`)}</tr></thead>
          <tbody>${rows.map((row, i) => html`<tr data-row=${String(row._id ?? i)}>${(f.columns ?? []).map((c) => {
            const cell = row[c.key];
            const label = `${c.label} ${i + 1}`;
            if (c.input === 'readonly') return html`<td>${cell === null || cell === undefined ? '' : String(cell)}</td>`;
            if (c.input === 'checkbox') return html`<td><input type="checkbox" aria-label=${label} data-col=${c.key} .checked=${cell === true} @change=${(e: Event) => edit(i, c.key, (e.target as HTMLInputElement).checked)} /></td>`;
            if (c.input === 'select') {
              return html`<td><select aria-label=${label} data-col=${c.key} @change=${(e: Event) => edit(i, c.key, (e.target as HTMLSelectElement).value)}>
                <option value="" ?selected=${!cell}>${t('set_choose')}</option>
                ${(c.options ?? []).map((o) => html`<option value=${o.value} ?selected=${o.value === cell}>${o.label}</option>`)}</select></td>`;
            }
            return html`<td><input aria-label=${label} data-col=${c.key} type=${c.input === 'number' ? 'number' : 'text'} .value=${cell === null || cell === undefined ? '' : String(cell)}
              @input=${(e: Event) => edit(i, c.key, (e.target as HTMLInputElement).value)} /></td>`;
          })}</tr>`)}</tbody>
        </table></div>${help}${error}</fieldset>`;
    }
    case 'file': {
      const file = v && typeof v === 'object' && !Array.isArray(v) ? (v as FileValue) : null;
      return html`<label class="field wide" for=${id} data-field=${f.key}>${f.label}${req}
        <input id=${id} name=${f.key} type="file" accept=${f.accept ?? nothing} aria-invalid=${invalid} aria-describedby=${describedBy}
          @change=${async (e: Event) => {
            const chosen = (e.target as HTMLInputElement).files?.[0];
            if (!chosen) return host.set(f.key, null);
            try {
              host.set(f.key, await readFile(chosen));
              host.setError(f.key, null);
            } catch (error) {
              host.set(f.key, null);
              host.setError(f.key, (error as Error).message);
            }
          }} />
        ${file ? html`<span class="muted">${t('hx_fileChosen', { name: file.name })}</span>` : nothing}${help}${error}</label>`;
    }
    case 'textarea':
      return html`<label class="field wide" for=${id} data-field=${f.key}>${f.label}${req}
        <textarea id=${id} name=${f.key} aria-invalid=${invalid} aria-describedby=${describedBy} ?required=${f.required} maxlength=${f.maxLength ?? nothing}
          .value=${text(v)} @input=${(e: Event) => host.set(f.key, (e.target as HTMLTextAreaElement).value)}></textarea>${help}${error}</label>`;
    case 'select':
      return html`<label class="field" for=${id} data-field=${f.key}>${f.label}${req}
        <select id=${id} name=${f.key} aria-invalid=${invalid} aria-describedby=${describedBy} ?required=${f.required} @change=${(e: Event) => host.set(f.key, (e.target as HTMLSelectElement).value)}>
          <option value="" ?selected=${!v}>${t('set_choose')}</option>
          ${(f.options ?? []).map((o) => html`<option value=${o.value} ?selected=${o.value === v}>${o.label}</option>`)}
        </select>${help}${error}</label>`;
    default:
      return html`<label class="field" for=${id} data-field=${f.key}>${f.label}${f.input === 'fen' ? t('paren', { x: t('yuan') }) : ''}${req}
        <input id=${id} name=${f.key} aria-invalid=${invalid} aria-describedby=${describedBy} ?required=${f.required}
          type=${f.input === 'number' ? 'number' : f.input === 'date' ? 'date' : 'text'}
          min=${f.input === 'number' && f.min !== undefined ? f.min : nothing} max=${f.input === 'number' && f.max !== undefined ? f.max : nothing}
          maxlength=${f.input === 'text' && f.maxLength !== undefined ? f.maxLength : nothing}
          inputmode=${f.input === 'fen' ? 'decimal' : nothing} .value=${text(v)}
          @input=${(e: Event) => host.set(f.key, (e.target as HTMLInputElement).value)} />${help}${error}</label>`;
  }
}

/** The field a plugin's 4xx answer names (`details.field`), if it is one of these. */
export function fieldOfError(details: Record<string, unknown> | undefined, fields: readonly FormField[]): string | null {
  const field = details?.field;
  return typeof field === 'string' && fields.some((f) => f.key === field) ? field : null;
}

/** Shared styles of plugin form fields. */
export const fieldStyles = `
  .field { display: flex; flex-direction: column; gap: 4px; }
  .wide { grid-column: 1 / -1; }
  textarea { min-height: 80px; width: 100%; }
  .help { font-size: 12px; }
  fieldset { border: 1px solid #dde3ea; border-radius: 6px; padding: 8px 12px; margin: 0; }
  fieldset.multi { display: flex; flex-wrap: wrap; gap: 6px 16px; }
  fieldset.multi legend, fieldset.grid legend { padding: 0 4px; }
  fieldset.multi .help, fieldset.multi .error { flex-basis: 100%; }
  .grid-wrap { overflow: auto; max-height: 420px; }
  .grid-wrap input:not([type='checkbox']), .grid-wrap select { width: 100%; min-width: 80px; }
`;
