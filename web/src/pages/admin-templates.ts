import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { api, get, errorText } from '../lib/api.js';
import { t, type MessageKey } from '../lib/i18n.js';
import { formatFen, parseYuan } from '../lib/money.js';
import type { ExpenditureKind, TemplateView } from '../lib/types.js';
import { when } from '../lib/time.js';
import { scrollHint } from '../lib/scroll-hint.js';
import { ServerFieldErrors } from '../lib/field-errors.js';

const KINDS: ExpenditureKind[] = ['personnel', 'operating', 'project'];

interface DraftStandard { economicCode: string; name: string; perHead: string }
interface Draft { name: string; functionalCode: string; fundSourceCode: string; standards: DraftStandard[] }

const toDraft = (tpl: TemplateView): Draft => ({
  name: tpl.name, functionalCode: tpl.functionalCode, fundSourceCode: tpl.fundSourceCode,
  standards: tpl.standards.map((s) => ({ economicCode: s.economicCode, name: s.name, perHead: formatFen(s.perHeadAmount, { grouping: false }) })),
});

/** 申报模板: per-head standards and default classes the budget wizard computes from. */
@customElement('ub-admin-templates')
export class UbAdminTemplates extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; max-width: 980px; }
    .tabs { display: flex; gap: 6px; margin-bottom: 12px; }
    .tabs button[aria-selected='true'] { background: #1d5fbf; color: #fff; border-color: #1d5fbf; }
    td input { width: 100%; }
    td.num input { text-align: right; }
    .actions { display: flex; gap: 12px; margin-top: 12px; }
  `];

  @state() kind: ExpenditureKind = 'personnel';
  @state() template: TemplateView | null = null;
  @state() draft: Draft | null = null;
  @state() message = '';
  @state() error = '';
  /** The server's refusals under the fields they name (name, functionalCode, fundSourceCode). */
  readonly fields = new ServerFieldErrors(this);
  @state() busy = false;

  protected override unitKey(): string {
    return `${this.ctx.unitId}/${this.kind}`;
  }

  async load() {
    this.template = null;
    this.draft = null;
    try {
      this.template = await get<TemplateView>(`/api/units/${this.ctx.unitId}/budget-templates/${this.kind}`);
      this.draft = toDraft(this.template);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  private patch(change: Partial<Draft>) {
    this.draft = { ...this.draft!, ...change };
  }

  private patchStd(i: number, change: Partial<DraftStandard>) {
    this.patch({ standards: this.draft!.standards.map((s, j) => (j === i ? { ...s, ...change } : s)) });
  }

  async save() {
    const d = this.draft!;
    this.message = '';
    this.error = '';
    const standards = [];
    for (const [i, s] of d.standards.entries()) {
      const fen = parseYuan(s.perHead);
      if (!/^[0-9]{3,7}$/.test(s.economicCode.trim()) || !s.name.trim() || !fen.ok) {
        this.error = t('tpl_invalidRow', { n: i + 1 });
        return;
      }
      standards.push({ economicCode: s.economicCode.trim(), name: s.name.trim(), perHeadAmount: fen.fen });
    }
    this.busy = true;
    try {
      this.template = await api<TemplateView>('PUT', `/api/units/${this.ctx.unitId}/budget-templates/${this.kind}`, {
        name: d.name.trim() || undefined, functionalCode: d.functionalCode.trim(), fundSourceCode: d.fundSourceCode.trim(), standards,
      });
      this.draft = toDraft(this.template);
      this.message = t('tpl_savedNext');
      this.fields.clear();
    } catch (e) {
      this.error = this.fields.show(e);
    } finally {
      this.busy = false;
    }
  }

  override render() {
    const d = this.draft;
    const tpl = this.template;
    return html`<h1>${t('tpl_title')}</h1>
      <div class="tabs" role="tablist">
        ${KINDS.map((k) => html`<button role="tab" aria-selected=${k === this.kind ? 'true' : 'false'}
          @click=${() => { this.kind = k; this.message = ''; this.error = ''; }}>${t(`tpl_kind_${k}` as MessageKey)}</button>`)}
      </div>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      ${!d || !tpl
        ? html`<p class="muted" role="status">${t('adm_loading')}</p>`
        : html`<p class="muted">${tpl.isDefault ? t('adm_defaults') : `${t('adm_version', { v: tpl.version })} · ${t('adm_updatedAt', { at: when(tpl.updatedAt) })}`}</p>
          <div class="card" role="tabpanel">
            <div class="row">
              <label class="field grow">${t('tpl_name')}<input name="name" maxlength="60" .value=${d.name} @input=${(e: Event) => this.patch({ name: (e.target as HTMLInputElement).value })} /></label>
              <label class="field">${t('tpl_functional')}<input name="functionalCode" inputmode="numeric" maxlength="7" .value=${d.functionalCode} @input=${(e: Event) => this.patch({ functionalCode: (e.target as HTMLInputElement).value })} /></label>
              <label class="field">${t('tpl_fundSource')}<input name="fundSourceCode" maxlength="10" .value=${d.fundSourceCode} @input=${(e: Event) => this.patch({ fundSourceCode: (e.target as HTMLInputElement).value })} /></label>
            </div>
            <h3>${t('tpl_standards')}</h3>
            ${this.kind === 'project'
              ? html`<p class="muted">${t('tpl_noStandards')}</p>`
              : html`<div class="x-scroll" ${scrollHint()}><table>
                  <thead><tr><th>${t('tpl_economic')}</th><th>${t('tpl_itemName')}</th><th class="num">${t('tpl_perHead')}</th><th></th></tr></thead>
                  <tbody>${d.standards.map((s, i) => html`<tr>
                    <td><input aria-label=${`${t('tpl_economic')} ${i + 1}`} name="economicCode" inputmode="numeric" maxlength="7" .value=${s.economicCode} @input=${(e: Event) => this.patchStd(i, { economicCode: (e.target as HTMLInputElement).value })} /></td>
                    <td><input aria-label=${`${t('tpl_itemName')} ${i + 1}`} name="stdName" maxlength="60" .value=${s.name} @input=${(e: Event) => this.patchStd(i, { name: (e.target as HTMLInputElement).value })} /></td>
                    <td class="num"><input aria-label=${`${t('tpl_perHead')} ${i + 1}`} name="perHead" inputmode="decimal" maxlength="20" .value=${s.perHead} @input=${(e: Event) => this.patchStd(i, { perHead: (e.target as HTMLInputElement).value })} /></td>
                    <td><button class="danger" @click=${() => this.patch({ standards: d.standards.filter((_, j) => j !== i) })}>${t('adm_remove')}</button></td>
                  </tr>`)}</tbody>
                </table></div>
                <p><button @click=${() => this.patch({ standards: [...d.standards, { economicCode: '', name: '', perHead: '' }] })}>＋ ${t('tpl_addStandard')}</button></p>`}
          </div>
          <div class="actions"><button class="primary" ?disabled=${this.busy || this.ctx.readOnly} @click=${() => this.save()}>${t('adm_save')}</button></div>`}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-admin-templates': UbAdminTemplates }
}
