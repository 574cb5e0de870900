import { defineErrors, type ErrorSpec } from '../errors.js';

export { AppError, type ErrorCode, type Lang } from '../errors.js';
/** Error codes of the plugin host, registered in the API's error catalog. */
export const PLUGIN_ERRORS = defineErrors({
  PLUGIN_NOT_FOUND: { status: 404, zh: '插件 {pluginId} 未安装', en: 'Plugin {pluginId} is not installed' },
  PLUGIN_VERSION_EXISTS: { status: 409, zh: '插件 {pluginId} 的 {version} 版本已安装', en: 'Version {version} of plugin {pluginId} is already installed' },
  PLUGIN_BUNDLE_INVALID: { status: 422, zh: '插件包不合法：{reason}', en: 'The plugin bundle is invalid: {reason}' },
  PLUGIN_HASH_MISMATCH: { status: 422, zh: '插件包的 SHA-256 校验失败', en: 'The plugin bundle does not match its SHA-256' },
  PLUGIN_SIGNATURE_INVALID: { status: 422, zh: '插件包签名无效或发布者不受信任：{reason}', en: 'The bundle signature is invalid or its publisher is not trusted: {reason}' },
  PLUGIN_UNSIGNED_REFUSED: { status: 422, zh: '系统不允许安装未签名的插件', en: 'Unsigned plugins are not allowed on this system' },
  PLUGIN_ENGINE_INCOMPATIBLE: {
    status: 422,
    zh: '插件 {pluginId} 需要宿主接口 {engine}，本系统提供 {hostVersion}，不兼容',
    en: 'Plugin {pluginId} needs host API {engine}; this system provides {hostVersion}',
  },
  PLUGIN_GRANT_NOT_REQUESTED: { status: 422, zh: '不能授予插件未申请的权限：{permissions}', en: 'Cannot grant permissions the plugin did not request: {permissions}' },
  PLUGIN_SETTINGS_INVALID: { status: 422, zh: '插件设置不合法：{reason}', en: 'Invalid plugin settings: {reason}' },
  PLUGIN_DEPENDENCY_MISSING: {
    status: 409,
    zh: '请先在本单位启用插件 {dependency}（需要 {range}）',
    en: 'Enable plugin {dependency} ({range}) in this unit first',
  },
  PLUGIN_DEPENDED_ON: { status: 409, zh: '插件 {dependent} 依赖本插件，请先停用它', en: 'Plugin {dependent} depends on this plugin; disable it first' },
  PLUGIN_IN_USE: { status: 409, zh: '插件仍在 {count} 个单位启用，请先停用', en: 'The plugin is still enabled in {count} units; disable it first' },
  PLUGIN_NOT_ENABLED: { status: 409, zh: '插件 {pluginId} 未在本单位启用', en: 'Plugin {pluginId} is not enabled in this unit' },
  PLUGIN_ROUTE_NOT_FOUND: { status: 404, zh: '插件没有此接口', en: 'The plugin has no such route' },
  PLUGIN_ROLE_REQUIRED: {
    status: 403,
    zh: '此插件功能（{route}）仅限{rolesZh}使用',
    en: 'This plugin action ({route}) is only for: {rolesEn}',
  },
  PLUGIN_VIEW_INVALID: { status: 500, zh: '插件返回的视图不合法：{issues}', en: 'The plugin returned an invalid view: {issues}' },
  PLUGIN_FAULT: { status: 500, zh: '插件 {pluginId} 执行失败（{code}）：{message}', en: 'Plugin {pluginId} failed ({code}): {message}' },
  PLUGIN_NOT_LOADED: {
    status: 409,
    zh: '插件 {pluginId} 与本系统的宿主接口不兼容，未加载（{reason}）',
    en: 'Plugin {pluginId} is not loaded: it is incompatible with this system ({reason})',
  },
} as const satisfies Record<string, ErrorSpec>);

type PluginErrorTable = typeof PLUGIN_ERRORS;
declare module '../errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends PluginErrorTable {}
}

/** A host call refused or failed; crosses the sandbox boundary as `{code, message, status}`. */
export class HostCallError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}
