import { z } from 'zod';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import { auditActorOf } from '../accounts/service.js';
import { commandRetries, runCommand } from '../db/command.js';
import { corePrometheus } from '../health/metrics.js';
import { AppError, type Lang } from './errors.js';
import { defineRoute, type RouteSpec } from '../http/route.js';
import { UnitParams } from '../units/schema.js';
import type { Actor, UnitScope } from '../permissions/service.js';
import { ROLE_LABELS, type Role } from '../permissions/roles.js';
import { routeRoles, type RouteMethod } from '../../sdk/manifest.js';
import { validateViewSpec } from '../../sdk/views.js';
import { declaredRoute, fileResponse, placedViews, viewSubject } from './extension-points.js';
import {
  EnableBody, LOG_READERS, LogQuery, OwnedPluginParams, OwnerBody, PlacementList, PlacementQuery, PluginParams, QuotaBody, RealtimeQuery, SystemPluginParams,
  TrustBody, UninstallQuery, ViewParams, ViewQuery,
} from './schema.js';
import { hostOf } from './host.js';
import { listQuarantine, releaseQuarantine } from './breaker.js';
import type { InvokeStats } from './host-api.js';
import { callFailure } from './invoke.js';
import { pluginOpenApi } from './openapi.js';
import type { MarshalledError } from './runner/client.js';
import { installBundle, listPackages, trustSettings, uninstall, updateTrust } from './service.js';
import { listOwners, transferPluginId } from './packages.js';
import { auditRouteCall, disable, enable, enabledIn, listForUnit, pluginMetrics, prepareEnable } from './units.js';
import { quotaFigures, quotaView, setQuotas } from './quotas.js';
import { readLogs } from './logs.js';
import { PluginLogPage, PluginOwnerView, PluginQuarantineView, PluginQuotaView, UnitPluginView } from '@unibudget/sdk/contracts/plugins';

/**
 * A plugin refusing a request (sdk `refuse()`, checked by the host): the caller gets its status and
 * the standard error shape, with the plugin-namespaced code.
 */
function refusalResponse(c: Context, lang: Lang, error: MarshalledError): Response {
  const message = lang === 'en' && error.messageEn ? error.messageEn : error.message;
  return c.json({ error: { code: error.code, message, details: error.details ?? {} } }, error.status as 400 | 403 | 404 | 409 | 422);
}

/**
 * The caller's roles in the unit itself, as a plugin sees them (`request.user.roles`): grants on this
 * unit, and system_admin, which holds everywhere. A supervising unit's grant is not a role here — it
 * only reads — so it never satisfies a route's `roles`.
 */
function rolesIn(actor: Actor, scope: UnitScope): Role[] {
  const roles = new Set<Role>();
  for (const grant of actor.grants) if (grant.role === 'system_admin' || grant.unitPath === scope.unitPath) roles.add(grant.role);
  return [...roles].sort();
}

/** A plugin route call: GET reads; POST, PUT and DELETE (host API 1.1.0) are writes, with a body, audited. */
const pluginCall = (method: 'get' | 'post' | 'put' | 'delete') =>
  defineRoute({
    method,
    path: '/api/units/:unitId/plugins/:pluginId/routes/*',
    tag: 'plugins',
    summary: `插件接口 A plugin's own HTTP route (${method.toUpperCase()}), run in its sandbox with the caller's identity`,
    access: { kind: 'unit', permission: 'plugin.read' },
    params: PluginParams,
    maxBodyBytes: 256 * 1024,
    handler: async ({ kernel, actor, scope, params, c, lang }) => {
      const writes = method !== 'get';
      // A supervising unit reads, never writes: a POST (PUT, DELETE) into a plugin may write its storage.
      if (writes && scope.readOnly) throw new AppError('FORBIDDEN', { permission: 'plugin.read', unitId: scope.unitId });
      const prefix = `/api/units/${params.unitId}/plugins/${params.pluginId}/routes/`;
      const sub = decodeURIComponent(c.req.path.slice(prefix.length));
      const enablement = await enabledIn(kernel.db, scope.unitId, params.pluginId);
      if (!enablement.grants.includes('routes')) throw new AppError('PLUGIN_ROUTE_NOT_FOUND', { pluginId: params.pluginId });
      const host = hostOf(kernel);
      const pkg = await host.loadPackage(kernel.db, enablement.pluginId, enablement.version);
      const found = declaredRoute(pkg.manifest.routes, method.toUpperCase() as RouteMethod, sub);
      if (!found) throw new AppError('PLUGIN_ROUTE_NOT_FOUND', { pluginId: params.pluginId });
      const declared = found.route;
      const roles = rolesIn(actor, scope);
      const allowed = routeRoles(declared);
      // Checked before the body is read or any plugin code runs: a refused caller changes nothing and
      // leaves no audit entry (like a core route refused by its permission).
      if (allowed && !roles.some((r) => allowed.includes(r))) {
        throw new AppError('PLUGIN_ROLE_REQUIRED', {
          pluginId: params.pluginId, route: `${declared.method} ${declared.path}`, roles: [...allowed],
          rolesZh: allowed.map((r) => ROLE_LABELS[r as Role]?.zh ?? r).join('、'),
          rolesEn: allowed.map((r) => ROLE_LABELS[r as Role]?.en ?? r).join(', '),
        });
      }
      let body: unknown = null;
      let text = '';
      if (writes) {
        text = await c.req.text();
        try {
          body = text ? JSON.parse(text) : null;
        } catch {
          throw new AppError('INVALID_JSON');
        }
      }
      const request = { method: declared.method, path: sub, params: found.params, query: c.req.query(), body, user: { id: actor.userId, username: actor.username, roles }, lang: lang === 'en' ? 'en' : 'zh-CN' };
      const stats: InvokeStats = { writes: 0 };
      const routeKey = `${declared.method} ${declared.path}`;
      // A GET is read-only (any reader of the unit may call it and it is not audited): its host writes are refused.
      const reply = await host.invoke(enablement, 'routes', routeKey, request, { stats, readOnly: method === 'get' });
      // A POST is a write through the plugin: audited like a core write once it has run (the plugin's
      // storage writes are its own, so the entry follows them in a short command of its own rather
      // than a transaction held open while sandboxed code runs: not a `command:` route). A refusal
      // or fault that wrote nothing changed nothing and is not audited; GET routes never are.
      // A route declaring `audit: 'writes'` is audited only when it left something lasting (not a typing hint, not a read position).
      const audited = declared.audit === 'writes' ? (stats.lasting ?? 0) > 0 : reply.ok || stats.writes > 0;
      if (writes && audited) {
        await runCommand(kernel, (tx) => auditRouteCall(tx, auditActorOf(actor), scope.unitId, {
          pluginId: enablement.pluginId, version: enablement.version, route: routeKey, text, body,
          outcome: reply.ok ? 'ok' : reply.error.refused || reply.error.hostLimit ? 'refused' : 'fault', code: reply.ok ? undefined : reply.error.code, writes: stats.writes,
        }));
      }
      if (!reply.ok) {
        if (reply.error.refused) return refusalResponse(c, lang, reply.error);
        throw callFailure(params.pluginId, reply.error);
      }
      // A GET answering exactly `{ file }` is sent as the file itself (host API 1.1.0).
      if (method === 'get') {
        const file = fileResponse(params.pluginId, reply.value);
        if (file) return file;
      }
      return (reply.value ?? null) as object;
    },
  });

export const pluginRoutes: RouteSpec[] = [
  defineRoute({
    method: 'get',
    path: '/api/plugins',
    tag: 'plugins',
    summary: '已安装插件 Installed plugin versions, with compatibility against this host API',
    access: { kind: 'system', permission: 'plugin.install' },
    handler: async ({ kernel }) => listPackages(kernel.db),
  }),
  defineRoute({
    method: 'post',
    path: '/api/plugins',
    tag: 'plugins',
    summary: '安装插件 Install a bundle (manifest + one JS file + SHA-256, ed25519-signed by a trusted publisher unless unsigned bundles are allowed)',
    access: { kind: 'system', permission: 'plugin.install' },
    body: z.unknown(),
    maxBodyBytes: 4 * 1024 * 1024,
    status: 201,
    command: async ({ tx, actor, body }) => installBundle(tx, auditActorOf(actor), body),
  }),
  defineRoute({
    method: 'delete',
    path: '/api/plugins/:pluginId',
    tag: 'plugins',
    summary: '卸载插件 Uninstall a plugin (all versions, or ?version=); ?purge=true also deletes its data in every unit',
    access: { kind: 'system', permission: 'plugin.install' },
    params: SystemPluginParams,
    query: UninstallQuery,
    command: async ({ tx, kernel, actor, params, query }) =>
      uninstall(tx, auditActorOf(actor), { pluginId: params.pluginId, purge: query.purge === 'true', version: query.version }, hostOf(kernel)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/plugins/trust',
    tag: 'plugins',
    summary: '插件信任设置 Trusted publisher keys and whether unsigned bundles may be installed',
    access: { kind: 'system', permission: 'plugin.install' },
    handler: async ({ kernel }) => trustSettings(kernel.db),
  }),
  defineRoute({
    method: 'put',
    path: '/api/plugins/trust',
    tag: 'plugins',
    summary: '修改插件信任设置 Add or remove a trusted publisher (ed25519 PEM); allow or refuse unsigned bundles',
    access: { kind: 'system', permission: 'plugin.install' },
    body: TrustBody,
    command: async ({ tx, actor, body }) => updateTrust(tx, auditActorOf(actor), body),
  }),
  defineRoute({
    method: 'get',
    path: '/api/plugins/owners',
    tag: 'plugins',
    summary: '插件标识归属 Who owns each plugin id: the trusted publisher whose bundles may install under it (null: unsigned bundles)',
    access: { kind: 'system', permission: 'plugin.install' },
    response: z.array(PluginOwnerView),
    handler: async ({ kernel }) => listOwners(kernel.db),
  }),
  defineRoute({
    method: 'put',
    path: '/api/plugins/:pluginId/owner',
    tag: 'plugins',
    summary: '移交插件标识 Transfer a plugin id to another trusted publisher (or to unsigned bundles: null), audited; only its bundles install under the id afterwards',
    access: { kind: 'system', permission: 'plugin.install' },
    params: OwnedPluginParams,
    body: OwnerBody,
    response: PluginOwnerView,
    command: async ({ tx, actor, params, body }) => transferPluginId(tx, auditActorOf(actor), params.pluginId, body.publisher),
  }),
  defineRoute({
    method: 'get',
    path: '/api/plugins/:pluginId/quotas',
    tag: 'plugins',
    summary: '插件配额 A plugin\'s quotas: the defaults, its overrides (every unit, each unit) and each unit\'s usage',
    access: { kind: 'system', permission: 'plugin.install' },
    params: SystemPluginParams,
    response: PluginQuotaView,
    handler: async ({ kernel, params }) => quotaView(kernel.db, params.pluginId),
  }),
  defineRoute({
    method: 'put',
    path: '/api/plugins/:pluginId/quotas',
    tag: 'plugins',
    summary: '设置插件配额 Set (null: clear) a plugin\'s quotas for every unit or one unit: storage bytes and documents, log entries kept, notifications per hour; audited',
    access: { kind: 'system', permission: 'plugin.install' },
    params: SystemPluginParams,
    body: QuotaBody,
    response: PluginQuotaView,
    command: async ({ tx, actor, params, body }) => setQuotas(tx, auditActorOf(actor), params.pluginId, body),
  }),
  defineRoute({
    method: 'get',
    path: '/api/plugins/quarantine',
    tag: 'plugins',
    summary: '插件隔离 Plugins quarantined for bringing down the plugin runner (releasedAt null: still quarantined), then released ones, newest first',
    access: { kind: 'system', permission: 'plugin.install' },
    response: z.array(PluginQuarantineView),
    handler: async ({ kernel }) => listQuarantine(kernel.db),
  }),
  defineRoute({
    method: 'post',
    path: '/api/plugins/:pluginId/release',
    tag: 'plugins',
    summary: '解除插件隔离 Release a plugin quarantined for bringing down the plugin runner again and again: it runs again in the units that have it; audited',
    access: { kind: 'system', permission: 'plugin.install' },
    params: SystemPluginParams,
    command: async ({ tx, kernel, actor, params }) => releaseQuarantine(tx, auditActorOf(actor), params.pluginId, hostOf(kernel)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/metrics',
    tag: 'system',
    summary: 'Prometheus metrics (text format): request latency per route, statement time, command retries, memory, event-loop delay; plugin calls, errors, latency, memory, runner pool state, outbox lag',
    access: { kind: 'system', permission: 'system.manage' },
    handler: async ({ kernel, c }) => {
      const text = (await hostOf(kernel).prometheus()) + corePrometheus(commandRetries());
      return c.text(text, 200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/plugins',
    tag: 'plugins',
    summary: '本单位插件 Installed plugins with their state in this unit, requested permissions and grants',
    access: { kind: 'unit', permission: 'plugin.read' },
    params: UnitParams,
    response: z.array(UnitPluginView),
    handler: async ({ kernel, scope }) => listForUnit(kernel.db, scope.unitId),
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/plugins/:pluginId/enable',
    tag: 'plugins',
    summary: '启用插件 Enable (or upgrade) a plugin in this unit, granting a subset of its requested permissions',
    access: { kind: 'unit', permission: 'plugin.manage' },
    params: PluginParams,
    body: EnableBody,
    // The plugin's migration runs first, outside any transaction (no core lock is held while plugin
    // code runs); then the enable is one command: hence a handler calling runCommand, not `command:`.
    handler: async ({ kernel, actor, scope, params, body }) => {
      const host = hostOf(kernel);
      const plan = await prepareEnable(kernel.db, host, scope.unitId, params.pluginId, body);
      return runCommand(kernel, (tx) => enable(tx, auditActorOf(actor), scope.unitId, plan, host));
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/units/:unitId/plugins/:pluginId/disable',
    tag: 'plugins',
    summary: '停用插件 Disable a plugin in this unit (its data is kept)',
    access: { kind: 'unit', permission: 'plugin.manage' },
    params: PluginParams,
    command: async ({ tx, kernel, actor, scope, params }) => disable(tx, auditActorOf(actor), scope.unitId, params.pluginId, hostOf(kernel)),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/plugins/:pluginId/metrics',
    tag: 'plugins',
    summary: '插件运行指标 Calls, errors, latency percentiles and memory of a plugin in this unit (this process)',
    access: { kind: 'unit', permission: 'plugin.manage' },
    params: PluginParams,
    handler: async ({ kernel, scope, params }) => ({
      ...(await pluginMetrics(kernel.db, hostOf(kernel), scope.unitId, params.pluginId)),
      quotas: await quotaFigures(kernel.db, params.pluginId, scope.unitId),
    }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/plugins/:pluginId/logs',
    tag: 'plugins',
    summary: '插件日志 The plugin log in this unit, newest first (a ring of the last N entries; ?before=&level=&limit=); for the unit admin and the digital specialist',
    access: { kind: 'unit', permission: 'plugin.read' },
    params: PluginParams,
    query: LogQuery,
    response: PluginLogPage,
    handler: async ({ kernel, actor, scope, params, query }) => {
      // plugin.manage (unit_admin) or plugin.develop (plugin_developer), held in this unit itself.
      if (!rolesIn(actor, scope).some((r) => LOG_READERS.includes(r))) throw new AppError('FORBIDDEN', { permission: 'plugin.manage | plugin.develop', unitId: scope.unitId, roles: [...LOG_READERS] });
      return readLogs(kernel.db, scope.unitId, params.pluginId, query);
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/plugins/placements',
    tag: 'plugins',
    summary: '插件嵌入视图 The views enabled plugins place on a core screen (?placement=project-detail, …): plugins enabled in this unit with the views grant',
    access: { kind: 'unit', permission: 'plugin.read' },
    params: UnitParams,
    query: PlacementQuery,
    response: PlacementList,
    handler: async ({ kernel, scope, query }) => ({ placements: await placedViews(kernel.db, hostOf(kernel), scope.unitId, query.placement) }),
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/plugins/:pluginId/views/:viewId',
    tag: 'plugins',
    summary: '插件视图 A declarative view spec rendered by the plugin for this unit, validated by the host',
    access: { kind: 'unit', permission: 'plugin.read' },
    params: ViewParams,
    query: ViewQuery,
    handler: async ({ kernel, actor, scope, params, query, c, lang }) => {
      const enablement = await enabledIn(kernel.db, scope.unitId, params.pluginId);
      const host = hostOf(kernel);
      const pkg = await host.loadPackage(kernel.db, enablement.pluginId, enablement.version);
      if (!pkg.manifest.views.some((v) => v.id === params.viewId)) throw new AppError('PLUGIN_ROUTE_NOT_FOUND', { pluginId: params.pluginId });
      // A view the plugin declares but the unit did not grant `views` for: refused, not "not found".
      if (!enablement.grants.includes('views')) throw new AppError('PLUGIN_VIEW_NOT_GRANTED', { pluginId: params.pluginId, viewId: params.viewId });
      // A view is read like a GET route (any reader of the unit opens it, unaudited): its host writes are refused.
      // A view placed on an object's screen is told which object, once the host found it in this unit.
      const subject = query.subjectKind && query.subjectId ? await viewSubject(kernel.db, scope.unitId, query.subjectKind, Number(query.subjectId)) : undefined;
      const context = { user: { id: actor.userId, username: actor.username, roles: rolesIn(actor, scope) }, query: c.req.query(), lang: lang === 'en' ? 'en' : 'zh-CN', ...(subject ? { subject } : {}) };
      const reply = await host.invoke(enablement, 'views', params.viewId, context, { readOnly: true });
      if (!reply.ok && reply.error.refused) return refusalResponse(c, lang, reply.error);
      if (!reply.ok) throw callFailure(params.pluginId, reply.error);
      const checked = validateViewSpec(reply.value);
      if (!checked.ok) throw new AppError('PLUGIN_VIEW_INVALID', { pluginId: params.pluginId, issues: checked.issues.join('; ') });
      return checked.view;
    },
  }),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/plugins/:pluginId/openapi.json',
    tag: 'plugins',
    summary: '插件接口文档 The OpenAPI 3.1 document of a plugin\'s own routes as enabled in this unit, with the roles each route admits',
    access: { kind: 'unit', permission: 'plugin.read' },
    params: PluginParams,
    handler: async ({ kernel, scope, params }) => {
      const enablement = await enabledIn(kernel.db, scope.unitId, params.pluginId);
      const pkg = await hostOf(kernel).loadPackage(kernel.db, enablement.pluginId, enablement.version);
      return pluginOpenApi(pkg.manifest, scope.unitId, enablement.grants.includes('routes'));
    },
  }),
  pluginCall('get'),
  pluginCall('post'),
  pluginCall('put'),
  pluginCall('delete'),
  defineRoute({
    method: 'get',
    path: '/api/units/:unitId/realtime',
    tag: 'plugins',
    summary: '实时消息 Server-sent events of one channel of this unit (?channel=pluginId:name, or core:notifications), from any app process',
    access: { kind: 'unit', permission: 'plugin.read' },
    params: UnitParams,
    query: RealtimeQuery,
    handler: async ({ kernel, scope, query, c }) => {
      const host = hostOf(kernel);
      return streamSSE(c, async (stream) => {
        let unsubscribe: (() => void) | null = null;
        let closed = false;
        const done = new Promise<void>((resolve) => stream.onAbort(() => { closed = true; resolve(); }));
        unsubscribe = await host.realtime.subscribe(scope.unitId, query.channel, (message) => {
          if (!closed) void stream.writeSSE({ event: 'message', data: message.data });
        });
        await stream.writeSSE({ event: 'ready', data: JSON.stringify({ channel: query.channel }) });
        const keepAlive = setInterval(() => { if (!closed) void stream.writeSSE({ event: 'ping', data: '' }); }, 15_000);
        await done;
        clearInterval(keepAlive);
        unsubscribe?.();
      });
    },
  }),
];
