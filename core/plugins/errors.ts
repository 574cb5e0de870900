import { AppError, defineErrors, type ErrorSpec } from '../errors.js';

export { AppError, type ErrorCode, type Lang } from '../errors.js';
/** Error codes of the plugin host, registered in the API's error catalog. */
export const PLUGIN_ERRORS = defineErrors({
  PLUGIN_NOT_FOUND: { status: 404, zh: '插件 {pluginId} 未安装', en: 'Plugin {pluginId} is not installed' },
  PLUGIN_VERSION_EXISTS: { status: 409, zh: '插件 {pluginId} 的 {version} 版本已安装', en: 'Version {version} of plugin {pluginId} is already installed' },
  PLUGIN_BUNDLE_INVALID: { status: 422, zh: '插件包不合法：{reason}', en: 'The plugin bundle is invalid: {reason}' },
  PLUGIN_HASH_MISMATCH: { status: 422, zh: '插件包的 SHA-256 校验失败', en: 'The plugin bundle does not match its SHA-256' },
  PLUGIN_SIGNATURE_INVALID: { status: 422, zh: '插件包签名无效或发布者不受信任：{reason}', en: 'The bundle signature is invalid or its publisher is not trusted: {reason}' },
  PLUGIN_UNSIGNED_REFUSED: { status: 422, zh: '系统不允许安装未签名的插件', en: 'Unsigned plugins are not allowed on this system' },
  PLUGIN_ID_OWNED_BY_OTHER: {
    status: 409,
    zh: '插件标识 {pluginId} 属于{ownerZh}，不接受{publisherZh}的插件包；如需移交，请系统管理员变更该标识的归属',
    en: 'The plugin id {pluginId} belongs to {ownerEn}; a bundle from {publisherEn} is refused. The system administrator can transfer the id',
  },
  PLUGIN_PUBLISHER_UNKNOWN: { status: 422, zh: '发布者 {publisher} 不在受信任的发布者之列', en: 'Publisher {publisher} is not a trusted publisher' },
  PLUGIN_VERSION_NOT_FROM_OWNER: {
    status: 409,
    zh: '插件 {pluginId} 的 {version} 版本来自{signerZh}，而该标识属于{ownerZh}，不能启用',
    en: 'Version {version} of plugin {pluginId} comes from {signerEn}, but the id belongs to {ownerEn}; it cannot be enabled',
  },
  PLUGIN_NO_OWNER_VERSION: {
    status: 409,
    zh: '插件 {pluginId} 没有来自其所属{ownerZh}的已安装版本',
    en: 'Plugin {pluginId} has no installed version from its owner, {ownerEn}',
  },
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
  PLUGIN_VIEW_NOT_GRANTED: {
    status: 403,
    zh: '本单位未授予插件 {pluginId} 视图权限（views），不能显示视图 {viewId}',
    en: 'This unit has not granted plugin {pluginId} the views permission; view {viewId} cannot be shown',
  },
  PLUGIN_ROLE_REQUIRED: {
    status: 403,
    zh: '此插件功能（{route}）仅限{rolesZh}使用',
    en: 'This plugin action ({route}) is only for: {rolesEn}',
  },
  PLUGIN_VIEW_SUBJECT_NOT_FOUND: { status: 404, zh: '本单位没有此对象（{kind} {id}）', en: 'No such object in this unit ({kind} {id})' },
  PLUGIN_VIEW_INVALID: { status: 500, zh: '插件返回的视图不合法：{issues}', en: 'The plugin returned an invalid view: {issues}' },
  PLUGIN_FAULT: { status: 500, zh: '插件 {pluginId} 执行失败（{code}）：{message}', en: 'Plugin {pluginId} failed ({code}): {message}' },
  PLUGIN_NOT_LOADED: {
    status: 409,
    zh: '插件 {pluginId} 与本系统的宿主接口不兼容，未加载（{reason}）',
    en: 'Plugin {pluginId} is not loaded: it is incompatible with this system ({reason})',
  },
  PLUGIN_QUARANTINED: {
    status: 409,
    zh: '插件 {pluginId} 多次导致插件运行进程崩溃，已在全系统隔离，等待系统管理员检查后解除',
    en: 'Plugin {pluginId} repeatedly brought down the plugin runner and is quarantined until the system administrator releases it',
  },
  PLUGIN_NOT_QUARANTINED: { status: 409, zh: '插件 {pluginId} 未被隔离', en: 'Plugin {pluginId} is not quarantined' },
  // Host-call refusals (issue 14): a plugin receives them as `{ code, message }` from the host call
  // and may catch them; uncaught, its call fails as PLUGIN_FAULT with this code in the details.
  PLUGIN_QUOTA_EXCEEDED: {
    status: 429,
    zh: '插件 {pluginId} 在本单位的{quotaZh}配额已用尽（{used}/{limit}），可请系统管理员调整',
    en: 'Plugin {pluginId} has used up its quota of {quotaEn} in this unit ({used}/{limit}); the system administrator can change it',
  },
  PLUGIN_READ_ONLY: {
    status: 403,
    zh: '插件 {pluginId} 的 GET 接口只读，不能写入（{call}）；写入须通过会记入审计的 POST 接口',
    en: 'GET routes of plugin {pluginId} are read-only ({call} refused); writes go through audited POST routes',
  },
  PLUGIN_ANSWER_TOO_LARGE: {
    status: 413,
    zh: '宿主应答超过大小上限（{limit} 字节），请分页读取',
    en: 'The host answer is over its size budget ({limit} bytes); read it page by page',
  },
} as const satisfies Record<string, ErrorSpec>);

type PluginErrorTable = typeof PLUGIN_ERRORS;
declare module '../errors.js' {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface ErrorCodes extends PluginErrorTable {}
}

/** A host call refused or failed; crosses the sandbox boundary as `{code, message, status}`. */
export class HostCallError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400, readonly limit?: AppError) {
    super(message);
  }

  /**
   * A limit of the host's (quota, read-only GET) rather than a mistake of the plugin's: `limit` is the
   * refusal as the caller of the plugin is answered when the plugin does not catch it.
   */
  static limit(error: AppError, detail = ''): HostCallError {
    return new HostCallError(error.code, `${error.messageIn('en')}${detail}`, error.status, error);
  }
}
