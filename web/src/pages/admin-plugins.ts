import { html, css, nothing } from 'lit';
import { customElement, query, state } from 'lit/decorators.js';
import { shared, UnitPage } from '../lib/base.js';
import { api, get, post, errorText, runAction } from '../lib/api.js';
import { lang, t, type MessageKey } from '../lib/i18n.js';
import type { Localized, PluginPackage, PluginVersionInfo, UnitPlugin } from '../lib/types.js';
import { when } from '../lib/time.js';
import { permissionName, type GrantRequest } from '../components/permission-grant-dialog.js';
import '../components/permission-grant-dialog.js';
import '../components/settings-form.js';
import '../components/plugin-health.js';
import '../components/plugin-logs.js';
import '../components/plugin-owners.js';
import '../components/plugin-quarantine.js';
import '../components/plugin-quotas.js';
import { ownerLabel, signerPhrase } from '../components/plugin-owners.js';
import type { UbSettingsForm } from '../components/settings-form.js';
import { scrollHint } from '../lib/scroll-hint.js';

export const localized = (l: Localized) => (lang() === 'en' ? l.en : l.zh);
/** A manifest text that is one string or `{ zh, en }` (plugin descriptions). */
export const localizedText = (l: string | Localized) => (typeof l === 'string' ? l : localized(l));

interface Trust { allowUnsigned: boolean; hostApiVersion: string; publishers: { name: string }[] }
/** Settings being edited: before enabling (with the grants just chosen) or of an enabled plugin. */
interface SettingsStep { plugin: UnitPlugin; grants: string[]; enabling: boolean; version?: string | undefined }

/** A version the unit may enable: compatible, and from the id's owner (or the version the unit has already). */
export const pickable = (p: UnitPlugin, v: PluginVersionInfo) => v.compatible && (v.fromOwner !== false || v.version === p.version);

/**
 * 插件管理: the plugins installed on this system and their state in this unit. The unit admin
 * enables one by granting its requested permissions one at a time (only versions from the plugin
 * id's owner), fills its settings form, watches its health and quotas, reads its log and disables
 * it; the digital specialist reads the log. The system admin also uploads bundles, moves plugin ids
 * between publishers, releases quarantined plugins and sets quotas.
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
    .incompatible, .refused { color: #b42318; font-size: 13px; }
    .quarantine { margin: 8px 0; }
    .table-wrap { overflow-x: auto; border: 1px solid #e6eaef; border-radius: 6px; }
    .table-wrap table { min-width: 860px; }
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
  /** Plugins whose log is open. */
  @state() logs = new Set<string>();
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

  /** Enables, disables, configures and watches health: the unit admin (and the system admin). */
  get canManage(): boolean {
    return this.systemAdmin || this.ctx.roles.some((r) => r === 'unit_admin' || r === 'system_admin');
  }

  /** Reads plugin logs (the core answers them to these roles held in the unit itself). */
  get canReadLogs(): boolean {
    return this.ctx.roles.some((r) => r === 'unit_admin' || r === 'plugin_developer');
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('plugin-owner-changed', this.reload);
    this.addEventListener('plugin-quarantine-changed', this.reload);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('plugin-owner-changed', this.reload);
    this.removeEventListener('plugin-quarantine-changed', this.reload);
  }

  /** A system section changed who owns an id or what is quarantined: the cards and tables show it. */
  private reload = () => void this.load();

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

  private run(fn: () => Promise<string>, navChanged = false) {
    return runAction(this, fn, async () => {
      await this.load();
      // The shell's navigation lists plugin pages: tell it to look again.
      if (navChanged) this.dispatchEvent(new CustomEvent('plugins-changed', { bubbles: true, composed: true }));
    });
  }

  /** The version the next enable targets: the one picked, else the owner's newest compatible one. */
  targetVersion(p: UnitPlugin): string {
    const offered = p.versions.filter((v) => pickable(p, v));
    return this.pickedVersion[p.pluginId] ?? (offered.some((v) => v.version === p.latestVersion) ? p.latestVersion : offered[0]?.version ?? p.latestVersion);
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
    this.health = toggled(this.health, id);
  }

  toggleLogs(id: string) {
    this.logs = toggled(this.logs, id);
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

  /** The plugin's state in this unit; a quarantined plugin runs nowhere, whatever the unit set: that is its state. */
  private stateBadge(p: UnitPlugin) {
    const state = t(`plg_state_${p.state}` as MessageKey);
    if (p.quarantined) return html`<span class="badge block" data-state=${p.state} data-quarantined title=${state}>${t('plg_quarantined')}</span>`;
    const cls = p.state === 'enabled' ? 'ok' : p.state === 'tripped' ? 'block' : p.state === 'disabled' ? 'warn' : '';
    return html`<span class="badge ${cls}" data-state=${p.state}>${state}</span>`;
  }

  /**
   * The versions the unit may pick, unless that would only repeat the header's current version: the
   * version shows once on a card.
   */
  private versionsLine(p: UnitPlugin, listed: PluginVersionInfo[]) {
    const only = listed.length === 1 ? listed[0]! : null;
    if (listed.length === 0 || (only && only.version === p.version && only.compatible && only.signedBy)) return nothing;
    return html` · <span class="versions">${t(listed.length === 1 ? 'plg_version' : 'plg_versions')}${t('adm_colon')}${listed.map((v) => `${v.version}${v.compatible ? '' : t('paren', { x: t('plg_incompatible') })}${v.signedBy ? '' : ` · ${t('plg_unsigned')}`}`).join(t('adm_sep'))}</span>`;
  }

  /** Versions of another publisher than the id's owner, which this unit cannot enable (the one it has excepted). */
  private refusedVersions(p: UnitPlugin) {
    return p.versions.filter((v) => v.fromOwner === false && v.version !== p.version);
  }

  private card(p: UnitPlugin) {
    const active = p.state === 'enabled' || p.state === 'tripped';
    const readOnly = this.ctx.readOnly;
    const manage = this.canManage;
    const quarantined = p.quarantined === true;
    const refused = this.refusedVersions(p);
    const listed = p.versions.filter((v) => !refused.includes(v));
    const incompatible = listed.filter((v) => !v.compatible);
    const offered = p.versions.filter((v) => pickable(p, v));
    const hasOwner = p.ownedBy !== undefined;
    return html`<article class="card plugin" data-plugin=${p.pluginId}>
      <header>
        <span class="name">${localized(p.name)}</span><code>${p.pluginId}</code>
        ${this.stateBadge(p)}
        ${p.compatible && p.inUseCompatible !== false
          ? nothing
          : html`<span class="badge block" data-incompatible title=${p.inUseIncompatibleReason ?? ''}>${t('plg_incompatible')}</span>`}
        <span class="spacer"></span>
        ${p.version ? html`<span class="muted" data-current>${t('plg_current')} ${p.version}</span>` : nothing}
      </header>
      ${quarantined ? html`<div class="notice error quarantine" data-quarantine-note>${t('plg_quarantinedNote')}</div>` : nothing}
      ${localizedText(p.description) ? html`<p>${localizedText(p.description)}</p>` : nothing}
      <div class="muted">${hasOwner ? html`<span data-owner>${t('plg_owner')}${t('adm_colon')}${p.ownedBy ?? t('plg_ownerUnsigned')}</span>` : nothing}${hasOwner ? ' · ' : ''}${t('plg_author')}${t('adm_colon')}${p.author}${this.versionsLine(p, listed)}</div>
      ${incompatible.map((v) => html`<div class="incompatible">${v.version}: ${v.incompatibleReason}</div>`)}
      ${refused.map((v) => html`<div class="refused" data-refused=${v.version}>${t('plg_versionRefused', { v: v.version, signer: signerPhrase(v.signedBy), owner: ownerLabel(p.ownedBy) })}</div>`)}
      ${manage && p.state !== 'enabled' && p.compatible && offered.length === 0
        ? html`<div class="refused" data-no-owner-version>${t('plg_noOwnerVersion', { owner: ownerLabel(p.ownedBy) })}</div>`
        : nothing}
      <div class="perms" aria-label=${t('plg_requested')}>
        <span class="muted">${t('plg_requested')}${t('adm_colon')}</span>
        ${p.requestedPermissions.map((q) => html`<span class="badge ${active && p.grants.includes(q) ? 'ok' : ''}" title=${q} data-permission=${q}
          >${active && p.grants.includes(q) ? '✓ ' : ''}${permissionName(q)}</span>`)}
      </div>
      ${p.views.length ? html`<div class="muted">${t('plg_views')}${t('adm_colon')}${p.views.map((v) => localized(v.title)).join(t('adm_sep'))}</div>` : nothing}
      ${p.lastFault ? html`<div class="incompatible">${t('hl_lastFault', { fault: p.lastFault })}</div>` : nothing}
      <div class="actions">
        ${manage && p.state !== 'enabled' && offered.length > 1
          ? html`<label class="check">${t('plg_targetVersion')}
              <select name="version" ?disabled=${quarantined} @change=${(e: Event) => (this.pickedVersion = { ...this.pickedVersion, [p.pluginId]: (e.target as HTMLSelectElement).value })}>
                ${offered.map((v) => html`<option value=${v.version} ?selected=${v.version === this.targetVersion(p)}>${v.version}</option>`)}
              </select></label>`
          : nothing}
        ${manage && p.state !== 'enabled'
          ? html`<button class="primary" data-action="enable" ?disabled=${this.busy || readOnly || !p.compatible || quarantined || offered.length === 0}
              @click=${() => this.startEnable(p)}>${p.state === 'available' ? t('plg_enable') : t('plg_reenable')}</button>`
          : nothing}
        ${manage && p.state === 'enabled' && p.version && p.latestVersion !== p.version && offered.some((v) => v.version === p.latestVersion)
          ? html`<button data-action="upgrade" ?disabled=${this.busy || readOnly || quarantined} @click=${() => this.startEnable(p, p.latestVersion)}>${t('plg_upgrade', { v: p.latestVersion })}</button>`
          : nothing}
        ${manage && active
          ? html`<button data-action="settings" ?disabled=${this.busy || readOnly || quarantined} @click=${() => (this.settingsStep = { plugin: p, grants: p.grants, enabling: false })}>${t('plg_settings')}</button>
              <button class="danger" data-action="disable" ?disabled=${this.busy || readOnly} @click=${() => this.disable(p)}>${t('plg_disable')}</button>`
          : nothing}
        ${manage && p.state !== 'available'
          ? html`<button data-action="health" aria-expanded=${this.health.has(p.pluginId) ? 'true' : 'false'} @click=${() => this.toggleHealth(p.pluginId)}>${this.health.has(p.pluginId) ? t('plg_hide') : t('plg_health')}</button>`
          : nothing}
        ${this.canReadLogs && p.state !== 'available' && requestsLog(p)
          ? html`<button data-action="logs" aria-expanded=${this.logs.has(p.pluginId) ? 'true' : 'false'} @click=${() => this.toggleLogs(p.pluginId)}>${this.logs.has(p.pluginId) ? t('plg_hideLogs') : t('plg_logs')}</button>`
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
      ${this.health.has(p.pluginId) ? html`<ub-plugin-health .unitId=${this.ctx.unitId} .pluginId=${p.pluginId} .quarantined=${quarantined}></ub-plugin-health>` : nothing}
      ${this.logs.has(p.pluginId) ? html`<ub-plugin-logs .unitId=${this.ctx.unitId} .pluginId=${p.pluginId} .granted=${!active || p.grants.includes('log')}></ub-plugin-logs>` : nothing}
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
      <div class="table-wrap" ${scrollHint()}><table>
        <thead><tr><th>ID</th><th>${t('plg_name')}</th><th>${t('plg_versionCol')}</th><th>SHA-256</th><th>${t('mem_status')}</th><th>${t('plg_ownerCol')}</th><th>${t('plg_installedAt')}</th><th></th></tr></thead>
        <tbody>${this.packages.map((p) => html`<tr data-package=${`${p.pluginId}@${p.version}`}>
          <td><code>${p.pluginId}</code></td><td>${localized(p.manifest.name)}</td><td>${p.version}</td>
          <td><code title=${p.sha256}>${p.sha256.slice(0, 12)}…</code></td>
          <td>${p.compatible ? html`<span class="badge ok">${t('plg_compatible')}</span>` : html`<span class="badge block" title=${p.incompatibleReason ?? ''}>${t('plg_incompatible')}</span>`}
            ${p.signedBy ? html`<span class="badge">${t('plg_signedBy', { name: p.signedBy })}</span>` : html`<span class="badge warn">${t('plg_unsigned')}</span>`}</td>
          <td data-owner>${p.ownedBy === undefined ? '' : p.ownedBy ?? t('plg_ownerUnsigned')}
            ${p.fromOwner === false
              ? html`<span class="badge block" data-not-from-owner title=${t('plg_notFromOwnerTitle', { signer: signerPhrase(p.signedBy), owner: ownerLabel(p.ownedBy) })}>${t('plg_notFromOwner')}</span>`
              : nothing}</td>
          <td class="date">${when(p.installedAt)}</td>
          <td>${this.packages.find((x) => x.pluginId === p.pluginId) === p
            ? html`<button class="danger" @click=${() => this.uninstall(p.pluginId)} ?disabled=${this.busy}>${t('plg_uninstall')}</button>`
            : nothing}</td>
        </tr>`)}</tbody>
      </table></div>
      <p><label class="check"><input type="checkbox" .checked=${this.purge} @change=${(e: Event) => (this.purge = (e.target as HTMLInputElement).checked)} />${t('plg_purge')}</label></p>
      <h2>${t('own_title')}</h2>
      <div class="card"><ub-plugin-owners .publishers=${trust?.publishers.map((p) => p.name) ?? []}></ub-plugin-owners></div>
      <h2>${t('qr_title')}</h2>
      <div class="card"><ub-plugin-quarantine></ub-plugin-quarantine></div>
      <h2>${t('qe_title')}</h2>
      <div class="card"><ub-plugin-quotas .pluginIds=${[...new Set(this.packages.map((p) => p.pluginId))]}></ub-plugin-quotas></div>
    </section>`;
  }

  override render() {
    return html`<h1>${t('plg_title')}</h1>
      ${this.message ? html`<div class="notice" role="status">${this.message}</div>` : nothing}
      ${this.error ? html`<div class="notice error" role="alert">${this.error}</div>` : nothing}
      <h2>${t('plg_unitSectionOf', { unit: this.ctx.unitName })}</h2>
      ${this.canManage ? nothing : html`<p class="muted">${t('plg_readOnlyRole')}</p>`}
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

/** Only a plugin that asks for the `log` permission writes a log: the others have no log button. */
export const requestsLog = (p: UnitPlugin) => p.requestedPermissions.includes('log');

function toggled(set: Set<string>, id: string): Set<string> {
  const next = new Set(set);
  if (next.has(id)) next.delete(id);
  else next.add(id);
  return next;
}
