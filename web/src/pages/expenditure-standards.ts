import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { errorText, get, post, qs, runAction } from '../lib/api.js';
import { t, type MessageKey } from '../lib/i18n.js';
import { formatFen, moneyUnit } from '../lib/money.js';
import { classNames } from '../lib/context.js';
import { scrollHint } from '../lib/scroll-hint.js';
import type { StandardDiff, StandardsInForce, StandardVersionSummary, StandardVersionView } from '@unibudget/sdk/contracts/standards';

type InForceRow = StandardsInForce['rows'][number];

/** A label of the page's own table, else the code as the core gave it (a province's own items). */
function label(prefix: string, code: string): string {
  const key = `${prefix}${code}` as MessageKey;
  const s = t(key);
  return s === key ? code : s;
}

/** A chosen file's content as base64 (the import travels in JSON). */
function fileBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result);
      resolve(url.slice(url.indexOf(',') + 1));
    };
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

const today = () => new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);

/**
 * 支出标准: the rows in force on a date (per item and tier, the nearest owner's: this unit, its
 * bureau, the national set), the version history with adoption of proposals, the difference of two
 * versions, and the import of a new version from CSV/xlsx (finance officers of the unit).
 */
@customElement('ub-expenditure-standards')
export class UbExpenditureStandards extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; max-width: 1100px; }
    section { margin-bottom: 20px; }
    td.name { min-width: 14em; }
    .badge { font-size: 0.8em; padding: 0 4px; border-radius: 3px; background: var(--warn-bg, #fff4e5); }
    form.import { display: grid; gap: 8px; max-width: 640px; }
  `];

  @state() date = today();
  @state() inForce: StandardsInForce | null = null;
  @state() versions: StandardVersionSummary[] = [];
  @state() econ = new Map<string, string>();
  @state() diff: StandardDiff | null = null;
  @state() diffFrom = 0;
  @state() diffTo = 0;
  @state() error = '';
  @state() message = '';
  @state() busy = false;

  /** Finance officers of this unit write and adopt the unit's versions (permission standard.manage). */
  get canManage(): boolean {
    return !this.ctx.readOnly && this.ctx.roles.includes('finance_officer');
  }

  async load() {
    void classNames('economic').then((m) => (this.econ = m));
    await Promise.all([this.loadDate(), this.loadVersions()]);
  }

  async loadDate() {
    this.inForce = null;
    this.error = '';
    try {
      this.inForce = await get<StandardsInForce>(`/api/units/${this.ctx.unitId}/standards${qs({ date: this.date })}`);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  async loadVersions() {
    try {
      this.versions = await get<StandardVersionSummary[]>(`/api/units/${this.ctx.unitId}/standards/versions`);
      const adopted = this.versions.filter((v) => v.status === 'adopted');
      if (!this.diffFrom && adopted.length) this.diffFrom = adopted[adopted.length - 1]!.id;
      if (!this.diffTo && this.versions.length) this.diffTo = this.versions[0]!.id;
    } catch (e) {
      this.error = errorText(e);
    }
  }

  /** The rows grouped by item, in the order the core lists them. */
  get groups(): Array<[string, InForceRow[]]> {
    const m = new Map<string, InForceRow[]>();
    for (const s of this.inForce?.rows ?? []) m.set(s.item, [...(m.get(s.item) ?? []), s]);
    return [...m];
  }

  ownerName(owner: string | null): string {
    return owner === null ? t('st_national') : owner === this.ctx.unitId ? this.ctx.unitName : owner;
  }

  private act(work: () => Promise<string>) {
    return runAction(this, work, async () => {
      await Promise.all([this.loadDate(), this.loadVersions()]);
    });
  }

  decide(v: StandardVersionSummary, decision: 'adopt' | 'reject') {
    return this.act(async () => {
      await post<StandardVersionView>(`/api/units/${this.ctx.unitId}/standards/versions/${v.id}/${decision}`, { note: null });
      return t(decision === 'adopt' ? 'st_adopted' : 'st_rejected', { id: v.id });
    });
  }

  async compare() {
    this.diff = null;
    if (!this.diffFrom || !this.diffTo) return;
    try {
      this.diff = await get<StandardDiff>(`/api/units/${this.ctx.unitId}/standards/diff${qs({ from: this.diffFrom, to: this.diffTo })}`);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  async importFile(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const file = data.get('file');
    if (!(file instanceof File) || file.size === 0) return;
    await this.act(async () => {
      const base64 = await fileBase64(file);
      const v = await post<StandardVersionView>(`/api/units/${this.ctx.unitId}/standards/versions/import`, {
        file: { name: file.name, base64 }, title: String(data.get('title') ?? ''), effectiveFrom: String(data.get('effectiveFrom') ?? ''),
        sourceDocument: String(data.get('sourceDocument') ?? ''), reason: String(data.get('reason') ?? ''), adopt: data.get('adopt') === 'on',
      });
      form.reset();
      return t('st_imported', { id: v.id, rows: v.rowCount });
    });
  }

  renderRows() {
    if (this.inForce === null) return html`<p class="muted">${t('loading')}</p>`;
    if (this.inForce.rows.length === 0) return html`<p class="muted">${t('st_noStandards')}</p>`;
    return html`<p>${moneyUnit()}</p>
      ${this.groups.map(([item, rows]) => html`<section data-item=${item}>
        <h2>${label('la_st_item_', item)}</h2>
        <div class="x-scroll" ${scrollHint()}><table>
          <thead><tr><th>${t('la_st_tier')}</th><th>${t('la_st_name')}</th><th>${t('la_st_economic')}</th><th class="num">${t('la_st_cap')}</th><th>${t('st_source')}</th><th>${t('st_inForceFrom')}</th></tr></thead>
          <tbody>${rows.map((s) => html`<tr data-tier=${s.tier}>
            <td class="nowrap">${label('la_st_tier_', s.tier)}</td>
            <td class="name">${s.name}</td>
            <td><span class="nowrap">${s.economicCode}</span> ${this.econ.get(s.economicCode) ?? ''}</td>
            <td class="num"><span data-cap>${formatFen(s.cap)}</span><br /><span class="muted" data-per>${label('la_st_per_', s.per)}</span></td>
            <td data-source>${s.source}${s.verified ? nothing : html` <span class="badge" title=${s.note}>${t('st_unverified')}</span>`}</td>
            <td class="nowrap">#${s.versionId}</td>
          </tr>`)}</tbody>
        </table></div>
      </section>`)}`;
  }

  renderHistory() {
    return html`<section data-history>
      <h2>${t('st_history')}</h2>
      <div class="x-scroll" ${scrollHint()}><table>
        <thead><tr><th>${t('st_version')}</th><th>${t('st_owner')}</th><th>${t('st_status')}</th><th>${t('st_effectiveFrom')}</th><th>${t('st_source')}</th><th class="num">${t('st_rows')}</th><th>${t('st_proposedBy')}</th><th>${t('st_decidedBy')}</th><th></th></tr></thead>
        <tbody>${this.versions.map((v) => html`<tr data-version=${v.id} data-status=${v.status}>
          <td>#${v.id} ${v.title}${v.inForce ? html` <span class="badge">${t('st_inForce')}</span>` : nothing}</td>
          <td>${this.ownerName(v.ownerUnitId)}</td>
          <td>${t(`st_status_${v.status}` as MessageKey)}</td>
          <td class="nowrap">${v.effectiveFrom}</td>
          <td>${v.sourceDocument}</td>
          <td class="num">${v.rowCount}</td>
          <td>${v.proposedVia.startsWith('plugin:') ? t('st_viaPlugin', { plugin: v.proposedVia.slice(7) }) : (v.proposedByName ?? '—')}<br /><span class="muted">${v.reason}</span></td>
          <td>${v.decidedByName ?? '—'}${v.decidedAt ? html`<br /><span class="muted">${v.decidedAt.slice(0, 10)}</span>` : nothing}</td>
          <td class="nowrap">${v.status === 'proposed' && v.ownerUnitId === this.ctx.unitId && this.canManage
            ? html`<button data-adopt=${v.id} ?disabled=${this.busy} @click=${() => this.decide(v, 'adopt')}>${t('st_adopt')}</button>
                <button data-reject=${v.id} ?disabled=${this.busy} @click=${() => this.decide(v, 'reject')}>${t('st_reject')}</button>`
            : nothing}</td>
        </tr>`)}</tbody>
      </table></div>
    </section>`;
  }

  renderDiff() {
    const options = (selected: number) => this.versions.map((v) => html`<option value=${v.id} ?selected=${v.id === selected}>#${v.id} ${v.title}</option>`);
    const value = (c: StandardDiff['changes'][number], which: 'before' | 'after') => {
      const v = c[which];
      return v === null ? '—' : typeof v === 'number' && (c.field === 'cap' || c.field === null) ? formatFen(v) : String(v);
    };
    return html`<section data-diff>
      <h2>${t('st_diff')}</h2>
      <div class="row">
        <label class="field">${t('st_diffFrom')} <select name="diffFrom" @change=${(e: Event) => (this.diffFrom = Number((e.target as HTMLSelectElement).value))}>${options(this.diffFrom)}</select></label>
        <label class="field">${t('st_diffTo')} <select name="diffTo" @change=${(e: Event) => (this.diffTo = Number((e.target as HTMLSelectElement).value))}>${options(this.diffTo)}</select></label>
        <button data-compare @click=${() => this.compare()}>${t('st_compare')}</button>
      </div>
      ${this.diff === null ? nothing : this.diff.changes.length === 0 ? html`<p class="muted">${t('st_noChanges')}</p>` : html`<div class="x-scroll" ${scrollHint()}><table>
        <thead><tr><th></th><th>${t('la_st_name')}</th><th>${t('la_st_tier')}</th><th>${t('st_field')}</th><th class="num">${t('st_before')}</th><th class="num">${t('st_after')}</th></tr></thead>
        <tbody>${this.diff.changes.map((c) => html`<tr data-change=${c.kind}>
          <td>${t(`st_change_${c.kind}` as MessageKey)}</td><td>${c.name}</td><td class="nowrap">${c.item}/${c.tier}</td><td>${c.field ?? t('la_st_cap')}</td>
          <td class="num">${value(c, 'before')}</td><td class="num">${value(c, 'after')}</td>
        </tr>`)}</tbody></table></div>`}
    </section>`;
  }

  renderImport() {
    if (!this.canManage) return html`<p class="muted">${t('st_readOnly')}</p>`;
    return html`<section data-import>
      <h2>${t('st_import')}</h2>
      <p class="muted">${t('st_importHelp')}</p>
      <form class="import" @submit=${(e: SubmitEvent) => this.importFile(e)}>
        <label class="field">${t('st_file')} <input type="file" name="file" accept=".csv,.xlsx" required /></label>
        <label class="field">${t('st_title')} <input name="title" required maxlength="100" /></label>
        <label class="field">${t('st_effectiveFrom')} <input type="date" name="effectiveFrom" required /></label>
        <label class="field">${t('st_source')} <input name="sourceDocument" required maxlength="200" /></label>
        <label class="field">${t('st_reason')} <textarea name="reason" required minlength="2" maxlength="500"></textarea></label>
        <label><input type="checkbox" name="adopt" /> ${t('st_adoptNow')}</label>
        <button type="submit" ?disabled=${this.busy}>${t('st_import')}</button>
      </form>
    </section>`;
  }

  override render() {
    return html`<h1>${t('la_st_title')}</h1>
      <p class="muted">${t('st_intro')}</p>
      <div class="row">
        <label class="field">${t('st_date')}
          <input type="date" name="date" .value=${this.date} @change=${(e: Event) => { this.date = (e.target as HTMLInputElement).value || today(); void this.loadDate(); }} /></label>
        ${this.inForce?.versions.length ? html`<span class="muted">${this.inForce.versions.map((v) => `#${v.id} ${this.ownerName(v.ownerUnitId)}`).join(' ＞ ')}</span>` : nothing}
      </div>
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : nothing}
      ${this.renderRows()}
      ${this.renderHistory()}
      ${this.renderDiff()}
      ${this.renderImport()}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-expenditure-standards': UbExpenditureStandards }
}
