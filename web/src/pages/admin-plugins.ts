import { html, css, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { api, get, post, errorText } from '../lib/api.js';
import { lang, t, type MessageKey } from '../lib/i18n.js';
import type { Localized, PluginPackage, UnitPlugin } from '../lib/types.js';
import { when } from '../components/step-trail.js';
import { permissionName, type GrantRequest } from '../components/permission-grant-dialog.js';
import '../components/permission-grant-dialog.js';
import '../components/settings-form.js';
import '../components/plugin-health.js';
import type { UbSettingsForm } from '../components/settings-form.js';

export const localized = (l: Localized) => (lang() === 'en' ? l.en : l.zh);

interface Trust { allowUnsigned: boolean; hostApiVersion: string; publishers: { name: string }[] }
/** Settings being edited: before enabling (with the grants just chosen) or of an enabled plugin. */
interface SettingsStep { plugin: UnitPlugin; grants: string[]; enabling: boolean; version?: string | undefined }

/**
 * 插件管理: the plugins installed on this system and their state in this unit. The unit admin
 * enables one by granting its requested permissions one at a time, fills its settings form, watches
 * its health and disables it; the system admin also uploads bundles (POST /api/plugins is theirs).
 */
@customElement('ub-admin-plugins')
export class UbAdminPlugins extends UnitPage {
  static override styles = [shared, css`
    :host { display: block; max-width: 1100px; }
    .plugins { display: flex; flex-direction: column; gap: 12px; }
    .plugin header { display: flex; gap: 10px; align-items: baseline; flex-wrap: wrap; }
    .plugin header .name { font-size: 16px; font-weight: 600; }
    .plugin header code { color: #667085; font-size: 12px; }
    .plugin .spacer { flex: 1; }
    .perms { display: flex; flex-wrap: wrap; gap: 6px; margin: 6px 0; }
    .actions { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 8px; }
    .versions { font-size: 13px; }
    .incompatible { color: #b42318; font-size: 13px; }
    .upload { display: flex; gap: 12px; align-items: flex-end; flex-wrap: wrap; }
    section.system { margin-top: 24px; }
  `];

  @state() plugins: UnitPlugin[] = [];
  @state() packages: PluginPackage[] = [];
  @state() trust: Trust | null = null;
  @state() granting: { plugin: UnitPlugin; version: string; request: GrantRequest } | null = null;
  /** Version picked per plugin for the next enable (default: the newest compatible one). */
  @state() pickedVersion: Record<string, string> = {};
  @state() settingsStep: SettingsStep | null = null;
  @state() health = new Set<string>();
  @state() message = '';
  @state() error = '';
  @state() busy = false;
  @state() loaded = false;
  @state() purge = false;
  @query('ub-settings-form') settingsForm?: UbSettingsForm;
  @query('input[type=file]') fileInput?: HTMLInputElement;

  get systemAdmin(): boolean {
    return this.ctx.me.systemAdmin;
  }

  async load() {
    try {
      const [plugins, packages, trust] = await Promise.all([
        get<UnitPlugin[]>(`/api/units/${this.ctx.unitId}/plugins`),
        this.systemAdmin ? get<PluginPackage[]>('/api/plugins') : Promise.resolve([]),
        this.systemAdmin ? get<Trust>('/api/plugins/trust') : Promise.resolve(null),
      ]);
      this.plugins = plugins;
      this.packages = packages;
      this.trust = trust;
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.loaded = true;
    }
  }

  private async run(fn: () => Promise<string>, navChanged = false) {
    this.busy = true;
    this.error = '';
    this.message = '';
    try {
      this.message = await fn();
      await this.load();
      // The shell's navigation lists plugin pages: tell it to look again.
      if (navChanged) this.dispatchEvent(new CustomEvent('plugins-changed', { bubbles: true, composed: true }));
    } catch (e) {
      this.error = errorText(e);
    } finally {
      this.busy = false;
    }
  }

  /** The version the next enable targets: the one picked, else the newest compatible one. */
  targetVersion(p: UnitPlugin): string {
    return this.pickedVersion[p.pluginId] ?? p.latestVersion;
  }

  /** Step 1 of enabling: the permission prompts, for what the target version requests. */
  startEnable(p: UnitPlugin, version = this.targetVersion(p)) {
    this.message = '';
    this.error = '';
    const permissions = p.versions.find((v) => v.version === version)?.permissions ?? p.requestedPermissions;
    // One request object per prompt: the dialog restarts whenever it gets a new one.
    this.granting = { plugin: p, version, request: { pluginId: p.pluginId, name: `${localized(p.name)} ${version}`, permissions } };
  }

  /** Step 2: settings (if the plugin has any), then the enable call. */
  onGrants(p: UnitPlugin, version: string, grants: string[]) {
    this.granting = null;
    if (p.settingsSchema.length) this.settingsStep = { plugin: p, grants, enabling: true, version };
    else void this.enable(p, grants, p.settings, version);
  }

  enable(p: UnitPlugin, grants: string[], settings: Record<string, unknown>, version?: string) {
    return this.run(async () => {
      await post(`/api/units/${this.ctx.unitId}/plugins/${p.pluginId}/enable`, { grants, settings, ...(version ? { version } : {}) });
      this.settingsStep = null;
      return t('plg_enabled', { name: localized(p.name), n: grants.length });
    }, true);
  }

  saveSettings() {
    const step = this.settingsStep;
    const values = this.settingsForm?.collect();
    if (!step || !values) return Promise.resolve();
    if (step.enabling) return this.enable(step.plugin, step.grants, values, step.version);
    // Saving settings re-enables at the same version with the same grants: no silent upgrade.
    return this.run(async () => {
      await post(`/api/units/${this.ctx.unitId}/plugins/${step.plugin.pluginId}/enable`, { grants: step.grants, settings: values, version: step.plugin.version ?? undefined });
      this.settingsStep = null;
      return t('plg_settingsSaved', { name: localized(step.plugin.name) });
    });
  }

  disable(p: UnitPlugin) {
    return this.run(async () => {
      await post(`/api/units/${this.ctx.unitId}/plugins/${p.pluginId}/disable`, {});
      return t('plg_disabled', { name: localized(p.name) });
    }, true);
  }

  toggleHealth(id: string) {
    const next = new Set(this.health);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.health = next;
  }

  async upload() {
    const file = this.fileInput?.files?.[0];
    if (!file) return;
    let bundle: unknown;
    try {
      bundle = JSON.parse(await file.text());
    } catch {
      this.error = t('plg_uploadBad');
      return;
    }
    await this.run(async () => {
      const installed = await post<{ pluginId: string; version: string }>('/api/plugins', bundle);
      if (this.fileInput) this.fileInput.value = '';
      return t('plg_uploaded', { id: installed.pluginId, version: installed.version });
    });
  }

  setAllowUnsigned(allow: boolean) {
    return this.run(async () => {
      await api('PUT', '/api/plugins/trust', { allowUnsigned: allow });
      return t('adm_saved');
    });
  }

  uninstall(pluginId: string) {
    if (!confirm(t('plg_uninstallConfirm', { id: pluginId }))) return Promise.resolve();
    return this.run(async () => {
      await api('DELETE', `/api/plugins/${pluginId}?purge=${this.purge ? 'true' : 'false'}`);
      return t('plg_uninstalled', { id: pluginId });
    }, true);
  }

  private stateBadge(p: UnitPlugin) {
    const cls = p.state === 'enabled' ? 'ok' : p.state === 'tripped' ? 'block' : p.state === 'disabled' ? 'warn' : '';
    return html`<span class="badge ${cls}" data-state=${p.state}>${t(`plg_state_${p.state}` as MessageKey)}</span>`;
  }

  private card(p: UnitPlugin) {
    const active = p.state === 'enabled' || p.state === 'tripped';
    const readOnly = this.ctx.readOnly;
    const incompatible = p.versions.filter((v) => !v.compatible);
    const compatible = p.versions.filter((v) => v.compatible);
    return html`<article class="card plugin" data-plugin=${p.pluginId}>
      <header>
        <span class="name">${localized(p.name)}</span><code>${p.pluginId}</code>
        ${this.stateBadge(p)}
        ${p.compatible && p.inUseCompatible !== false
          ? nothing
          : html`<span class="badge block" data-incompatible title=${p.inUseIncompatibleReason ?? ''}>${t('plg_incompatible')}</span>`}
        <span class="spacer"></span>
        <span class="muted">${p.version ? `${t('plg_current')} ${p.version}` : `${t('plg_versions')} ${p.latestVersion}`}</span>
      </header>
      ${p.description ? html`<p>${p.description}</p>` : nothing}
      <div class="muted">${t('plg_author')}${t('adm_colon')}${p.author} ·
        <span class="versions">${t('plg_versions')}${t('adm_colon')}${p.versions.map((v) => `${v.version}${v.compatible ? '' : ` (${t('plg_incompatible')})`}${v.signedBy ? '' : ` · ${t('plg_unsigned')}`}`).join(t('adm_sep'))}</span></div>
      ${incompatible.map((v) => html`<div class="incompatible">${v.version}: ${v.incompatibleReason}</div>`)}
      <div class="perms" aria-label=${t('plg_requested')}>
        <span class="muted">${t('plg_requested')}${t('adm_colon')}</span>
        ${p.requestedPermissions.map((q) => html`<span class="badge ${active && p.grants.includes(q) ? 'ok' : ''}" title=${q} data-permission=${q}
          >${active && p.grants.includes(q) ? '✓ ' : ''}${permissionName(q)}</span>`)}
      </div>
      ${p.views.length ? html`<div class="muted">${t('plg_views')}${t('adm_colon')}${p.views.map((v) => localized(v.title)).join(t('adm_sep'))}</div>` : nothing}
      ${p.lastFault ? html`<div class="incompatible">${t('hl_lastFault', { fault: p.lastFault })}</div>` : nothing}
      <div class="actions">
        ${p.state !== 'enabled' && compatible.length > 1
          ? html`<label class="check">${t('plg_targetVersion')}
              <select name="version" @change=${(e: Event) => (this.pickedVersion = { ...this.pickedVersion, [p.pluginId]: (e.target as HTMLSelectElement).value })}>
                ${compatible.map((v) => html`<option value=${v.version} ?selected=${v.version === this.targetVersion(p)}>${v.version}</option>`)}
              </select></label>`
          : nothing}
        ${p.state !== 'enabled'
          ? html`<button class="primary" data-action="enable" ?disabled=${this.busy || readOnly || !p.compatible} @click=${() => this.startEnable(p)}>${p.state === 'available' ? t('plg_enable') : t('plg_reenable')}</button>`
          : nothing}
        ${p.state === 'enabled' && p.version && p.latestVersion !== p.version && compatible.some((v) => v.version === p.latestVersion)
          ? html`<button data-action="upgrade" ?disabled=${this.busy || readOnly} @click=${() => this.startEnable(p, p.latestVersion)}>${t('plg_upgrade', { v: p.latestVersion })}</button>`
          : nothing}
        ${active
          ? html`<button data-action="settings" ?disabled=${this.busy || readOnly} @click=${() => (this.settingsStep = { plugin: p, grants: p.grants, enabling: false })}>${t('plg_settings')}</button>
              <button class="danger" data-action="disable" ?disabled=${this.busy || readOnly} @click=${() => this.disable(p)}>${t('plg_disable')}</button>`
          : nothing}
        ${p.state !== 'available'
          ? html`<button data-action="health" aria-expanded=${this.health.has(p.pluginId) ? 'true' : 'false'} @click=${() => this.toggleHealth(p.pluginId)}>${this.health.has(p.pluginId) ? t('plg_hide') : t('plg_health')}</button>`
          : nothing}
      </div>
      ${this.settingsStep?.plugin.pluginId === p.pluginId
        ? html`<div class="card" style="margin-top:10px" role="region" aria-label=${t('plg_settings')}>
            <h3>${this.settingsStep.enabling ? t('plg_settingsStep') : t('plg_settings')}</h3>
            <ub-settings-form .fields=${p.settingsSchema} .values=${p.settings}></ub-settings-form>
            <div class="actions">
              <button class="primary" data-action="save-settings" ?disabled=${this.busy} @click=${() => this.saveSettings()}>${this.settingsStep.enabling ? t('plg_enableNow') : t('adm_save')}</button>
              <button @click=${() => (this.settingsStep = null)}>${t('adm_cancel')}</button>
            </div>
          </div>`
        : nothing}
      ${this.health.has(p.pluginId) ? html`<ub-plugin-health .unitId=${this.ctx.unitId} .pluginId=${p.pluginId}></ub-plugin-health>` : nothing}
    </article>`;
  }

  private system() {
    const trust = this.trust;
    return html`<section class="system">
      <h2>${t('plg_uploadSection')}</h2>
      <div class="card">
        <div class="upload">
          <label class="field">${t('plg_uploadHint')}<input type="file" name="bundle" accept=".json,application/json" /></label>
          <button class="primary" data-action="upload" ?disabled=${this.busy} @click=${() => this.upload()}>${t('plg_upload')}</button>
        </div>
        ${trust
          ? html`<p><label class="check"><input type="checkbox" name="allowUnsigned" .checked=${trust.allowUnsigned} ?disabled=${this.busy}
              @change=${(e: Event) => this.setAllowUnsigned((e.target as HTMLInputElement).checked)} />${t('plg_allowUnsigned')}</label></p>
            <p class="muted">${trust.publishers.length ? t('plg_publishers', { names: trust.publishers.map((p) => p.name).join(t('adm_sep')) }) : t('plg_noPublishers')} · host API ${trust.hostApiVersion}</p>`
          : nothing}
      </div>
      <h2>${t('plg_installedSection')}</h2>
      <table>
        <thead><tr><th>ID</th><th>${t('plg_name')}</th><th>${t('plg_versions')}</th><th>SHA-256</th><th>${t('mem_status')}</th><th>${t('plg_installedAt')}</th><th></th></tr></thead>
        <tbody>${this.packages.map((p) => html`<tr data-package=${`${p.pluginId}@${p.version}`}>
          <td><code>${p.pluginId}</code></td><td>${localized(p.manifest.name)}</td><td>${p.version}</td>
          <td><code title=${p.sha256}>${p.sha256.slice(0, 12)}…</code></td>
          <td>${p.compatible ? html`<span class="badge ok">${t('plg_compatible')}</span>` : html`<span class="badge block" title=${p.incompatibleReason ?? ''}>${t('plg_incompatible')}</span>`}
            ${p.signedBy ? html`<span class="badge">${t('plg_signedBy', { name: p.signedBy })}</span>` : html`<span class="badge warn">${t('plg_unsigned')}</span>`}</td>
          <td class="date">${when(p.installedAt)}</td>
          <td>${this.packages.find((x) => x.pluginId === p.pluginId) === p
            ? html`<button class="danger" @click=${() => this.uninstall(p.pluginId)} ?disabled=${this.busy}>${t('plg_uninstall')}</button>`
            : nothing}</td>
        </tr>`)}</tbody>
      </table>
      <p><label class="check"><input type="checkbox" .checked=${this.purge} @change=${(e: Event) => (this.purge = (e.target as HTMLInputElement).checked)} />${t('plg_purge')}</label></p>
    </section>`;
  }

  override render() {
    return html`<h1>${t('plg_title')}</h1>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      <h2>${t('plg_unitSection')}（${this.ctx.unitName}）</h2>
      ${!this.loaded
        ? html`<p class="muted" role="status">${t('adm_loading')}</p>`
        : this.plugins.length === 0
          ? html`<p class="muted">${t('plg_none')}</p>`
          : html`<div class="plugins">${this.plugins.map((p) => this.card(p))}</div>`}
      ${this.systemAdmin ? this.system() : nothing}
      ${this.granting
        ? html`<ub-permission-grant-dialog .request=${this.granting.request}
            @grant-confirm=${(e: CustomEvent<{ grants: string[] }>) => this.onGrants(this.granting!.plugin, this.granting!.version, e.detail.grants)}
            @grant-cancel=${() => (this.granting = null)}></ub-permission-grant-dialog>`
        : nothing}`;
  }
}

declare global {
  interface HTMLElementTagNameMap { 'ub-admin-plugins': UbAdminPlugins }
}
