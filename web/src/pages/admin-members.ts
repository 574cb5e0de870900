import { html, css, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { api, get, post, errorText, runAction } from '../lib/api.js';
import { ServerFieldErrors } from '../lib/field-errors.js';
import { t, type MessageKey } from '../lib/i18n.js';
import type { Department, MemberView, Role } from '../lib/types.js';
import { scrollHint } from '../lib/scroll-hint.js';

/** Roles a unit administrator hands out (system_admin only by a system admin, core/permissions). */
const GRANTABLE: Role[] = ['unit_admin', 'finance_officer', 'business_staff', 'department_head', 'leader', 'auditor', 'plugin_developer'];
const roleName = (r: Role) => t(`role_${r}` as MessageKey);

interface Draft { roles: Role[]; departmentId: number | null }

/** 用户与角色: the unit's members, their roles and department; add people; add departments. */
@customElement('ub-admin-members')
export class UbAdminMembers extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; max-width: 1200px; }
    .roles { display: flex; flex-wrap: wrap; gap: 4px 12px; }
    .grid { display: grid; grid-template-columns: 2fr 1fr; gap: 16px; align-items: start; }
    .grid > * { min-width: 0; }
    @media (max-width: 1100px) { .grid { grid-template-columns: minmax(0, 1fr); } }
    form { display: flex; flex-direction: column; gap: 10px; }
    td .badge { margin: 0 4px 2px 0; }
    tr.disabled td { color: #98a2b3; }
    ul.depts { list-style: none; padding: 0; margin: 0; display: flex; flex-direction: column; gap: 6px; }
    ul.depts li { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
    ul.depts .grow { flex: 1 1 8em; }
  `];

  @state() members: MemberView[] = [];
  @state() departments: Department[] = [];
  @state() editing: number | null = null;
  @state() draft: Draft = { roles: [], departmentId: null };
  @state() newMember = { username: '', displayName: '', password: '', roles: [] as Role[], departmentId: null as number | null };
  @state() newDept = { code: '', name: '' };
  @state() message = '';
  @state() error = '';
  @state() busy = false;
  @state() loaded = false;

  async load() {
    try {
      const [members, departments] = await Promise.all([
        get<MemberView[]>(`/api/units/${this.ctx.unitId}/members`),
        get<Department[]>(`/api/units/${this.ctx.unitId}/departments`),
      ]);
      this.members = members;
      this.departments = departments;
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.loaded = true;
    }
  }

  /** The server's refusals under the fields of the add-member and add-department forms. */
  readonly fields = new ServerFieldErrors(this);

  private run(fn: () => Promise<string>) {
    this.fields.clear();
    return runAction(this, fn, () => this.load(), this.fields);
  }

  startEdit(m: MemberView) {
    this.editing = m.userId;
    this.draft = { roles: [...m.roles], departmentId: m.departmentId };
  }

  saveEdit(m: MemberView) {
    if (this.draft.roles.length === 0) {
      this.error = t('mem_rolesRequired');
      return Promise.resolve();
    }
    return this.run(async () => {
      await api('PATCH', `/api/units/${this.ctx.unitId}/members/${m.userId}`, { roles: this.draft.roles, departmentId: this.draft.departmentId });
      this.editing = null;
      return t('mem_updated', { name: m.displayName });
    });
  }

  removeMember(m: MemberView) {
    if (!confirm(t('mem_removeConfirm', { name: m.displayName }))) return Promise.resolve();
    return this.run(async () => {
      await api('PATCH', `/api/units/${this.ctx.unitId}/members/${m.userId}`, { roles: [] });
      return t('mem_removed', { name: m.displayName });
    });
  }

  toggleDisabled(m: MemberView) {
    return this.run(async () => {
      await api('PATCH', `/api/units/${this.ctx.unitId}/members/${m.userId}`, { disabled: !m.disabled });
      return t('mem_updated', { name: m.displayName });
    });
  }

  addMember(e: Event) {
    e.preventDefault();
    const n = this.newMember;
    if (n.roles.length === 0) {
      this.error = t('mem_rolesRequired');
      return Promise.resolve();
    }
    return this.run(async () => {
      const body: Record<string, unknown> = { username: n.username.trim(), roles: n.roles, departmentId: n.departmentId };
      if (n.displayName.trim()) body.displayName = n.displayName.trim();
      if (n.password) body.password = n.password;
      const added = await post<MemberView>(`/api/units/${this.ctx.unitId}/members`, body);
      this.newMember = { username: '', displayName: '', password: '', roles: [], departmentId: null };
      return t('mem_added', { name: added.displayName });
    });
  }

  addDepartment(e: Event) {
    e.preventDefault();
    return this.run(async () => {
      const d = await post<Department>(`/api/units/${this.ctx.unitId}/departments`, { code: this.newDept.code.trim(), name: this.newDept.name.trim() });
      this.newDept = { code: '', name: '' };
      return t('mem_deptAdded', { name: d.name });
    });
  }

  /** 业务部门 / 管理部门: in an institution, what a management department spends posts to 5101 单位管理费用. */
  setFunction(d: Department, fn: Department['function']) {
    return this.run(async () => {
      const updated = await api<Department>('PATCH', `/api/units/${this.ctx.unitId}/departments/${d.id}`, { function: fn });
      return t('as_deptFunctionSaved', { name: updated.name, fn: t(`as_fn_${updated.function}`) });
    });
  }

  private roleBoxes(selected: Role[], onChange: (roles: Role[]) => void, name: string) {
    const roles = selected.includes('system_admin') ? (['system_admin', ...GRANTABLE] as Role[]) : GRANTABLE;
    return html`<div class="roles" role="group" aria-label=${t('mem_roles')}>
      ${roles.map((r) => html`<label class="check"><input type="checkbox" name=${name} value=${r} .checked=${selected.includes(r)}
        ?disabled=${r === 'system_admin'}
        @change=${(e: Event) => onChange((e.target as HTMLInputElement).checked ? [...selected, r] : selected.filter((x) => x !== r))} />${roleName(r)}</label>`)}
    </div>`;
  }

  private deptSelect(value: number | null, onChange: (id: number | null) => void, label: string) {
    return html`<select aria-label=${label} @change=${(e: Event) => { const v = (e.target as HTMLSelectElement).value; onChange(v ? Number(v) : null); }}>
      <option value="" ?selected=${value === null}>${t('mem_noDepartment')}</option>
      ${this.departments.map((d) => html`<option value=${d.id} ?selected=${d.id === value}>${d.code} ${d.name}</option>`)}
    </select>`;
  }

  private row(m: MemberView) {
    const dept = this.departments.find((d) => d.id === m.departmentId);
    if (this.editing === m.userId) {
      return html`<tr data-user=${m.username}>
        <td>${m.username}</td><td>${m.displayName}</td>
        <td>${this.roleBoxes(this.draft.roles, (roles) => (this.draft = { ...this.draft, roles }), `roles-${m.userId}`)}</td>
        <td>${this.deptSelect(this.draft.departmentId, (id) => (this.draft = { ...this.draft, departmentId: id }), t('mem_department'))}</td>
        <td></td>
        <td class="nowrap"><button class="primary" ?disabled=${this.busy} @click=${() => this.saveEdit(m)}>${t('adm_save')}</button>
          <button @click=${() => (this.editing = null)}>${t('adm_cancel')}</button></td>
      </tr>`;
    }
    return html`<tr data-user=${m.username} class=${m.disabled ? 'disabled' : ''}>
      <td>${m.username}</td><td>${m.displayName}</td>
      <td>${m.roles.map((r) => html`<span class="badge">${roleName(r)}</span>`)}</td>
      <td>${dept ? dept.name : ''}</td>
      <td>${m.disabled ? html`<span class="badge block">${t('mem_disabled')}</span>` : html`<span class="badge ok">${t('mem_active')}</span>`}</td>
      <td class="nowrap">
        <button @click=${() => this.startEdit(m)} ?disabled=${this.busy || m.userId === this.ctx.me.id}>${t('adm_edit')}</button>
        <button @click=${() => this.toggleDisabled(m)} ?disabled=${this.busy || m.userId === this.ctx.me.id}>${m.disabled ? t('mem_enable') : t('mem_disable')}</button>
        <button class="danger" @click=${() => this.removeMember(m)} ?disabled=${this.busy || m.userId === this.ctx.me.id}>${t('adm_remove')}</button>
      </td>
    </tr>`;
  }

  override render() {
    const n = this.newMember;
    return html`<h1>${t('mem_title')}</h1>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      <div class="grid">
        <section>
          ${!this.loaded ? html`<p class="muted" role="status">${t('adm_loading')}</p>` : nothing}
          <div class="x-scroll" ${scrollHint()}><table>
            <thead><tr><th>${t('mem_username')}</th><th>${t('mem_displayName')}</th><th>${t('mem_roles')}</th><th>${t('mem_department')}</th><th>${t('mem_status')}</th><th></th></tr></thead>
            <tbody>${this.members.map((m) => this.row(m))}</tbody>
          </table></div>
        </section>
        <aside>
          <form class="card" @submit=${this.addMember} aria-label=${t('mem_add')}>
            <h2>${t('mem_add')}</h2>
            <label class="field">${t('mem_username')}<input name="username" required maxlength="64" autocomplete="off" .value=${n.username} @input=${(e: Event) => (this.newMember = { ...n, username: (e.target as HTMLInputElement).value })} /></label>
            <label class="field">${t('mem_displayName')}<input name="displayName" maxlength="60" .value=${n.displayName} @input=${(e: Event) => (this.newMember = { ...n, displayName: (e.target as HTMLInputElement).value })} /></label>
            <label class="field">${t('mem_password')}<input name="password" type="password" minlength="8" maxlength="256" autocomplete="new-password" .value=${n.password} @input=${(e: Event) => (this.newMember = { ...n, password: (e.target as HTMLInputElement).value })} /></label>
            ${this.roleBoxes(n.roles, (roles) => (this.newMember = { ...this.newMember, roles }), 'new-roles')}
            <label class="field">${t('mem_department')}${this.deptSelect(n.departmentId, (id) => (this.newMember = { ...this.newMember, departmentId: id }), t('mem_department'))}</label>
            <div><button class="primary" type="submit" ?disabled=${this.busy || !n.username.trim()}>${t('mem_add')}</button></div>
          </form>
          <form class="card" style="margin-top:16px" @submit=${this.addDepartment} aria-label=${t('mem_deptAdd')}>
            <h2>${t('mem_departments')}</h2>
            <p class="muted">${t('as_deptFunctionHint')}</p>
            <ul class="depts">${this.departments.map((d) => html`<li data-dept=${d.code}>
              <span class="grow">${d.code} ${d.name}</span>
              <select name="deptFunction" aria-label=${t('as_deptFunction', { name: d.name })} ?disabled=${this.busy}
                @change=${(e: Event) => this.setFunction(d, (e.target as HTMLSelectElement).value as Department['function'])}>
                ${(['business', 'management'] as const).map((fn) => html`<option value=${fn} ?selected=${d.function === fn}>${t(`as_fn_${fn}`)}</option>`)}
              </select></li>`)}</ul>
            <div class="row">
              <label class="field">${t('mem_deptCode')}<input name="deptCode" data-field="code" size="6" maxlength="16" pattern="[0-9A-Za-z]{1,16}" .value=${this.newDept.code} @input=${(e: Event) => (this.newDept = { ...this.newDept, code: (e.target as HTMLInputElement).value })} /></label>
              <label class="field grow">${t('mem_deptName')}<input name="deptName" data-field="name" maxlength="60" .value=${this.newDept.name} @input=${(e: Event) => (this.newDept = { ...this.newDept, name: (e.target as HTMLInputElement).value })} /></label>
              <button type="submit" ?disabled=${this.busy || !this.newDept.code.trim() || !this.newDept.name.trim()}>${t('mem_deptAdd')}</button>
            </div>
          </form>
        </aside>
      </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-admin-members': UbAdminMembers }
}
