/**
 * `@unibudget/sdk`: what a plugin author imports. A plugin is one object built with
 * `definePlugin()`; the host runs it in a sandbox (an isolated-vm context of its own per unit) and
 * hands every entry a `host` object: the only way out of the sandbox. Each host call needs a
 * permission the unit granted.
 *
 * Everything exported here at run time is dependency-free (it is bundled into the plugin's
 * sandbox script). The zod schemas of manifests and view specs are tooling, not plugin code:
 * `@unibudget/sdk/manifest` and `@unibudget/sdk/views`. The test harness is `@unibudget/sdk/testing`.
 */
export {
  definePlugin, ok, warn, block, PluginRefusal, refuse, REFUSAL_CODE, REFUSAL_STATUSES, view, toBase64, fromBase64, type RefusalStatus,
} from './plugin.js';
export type {
  BudgetRequestRecord, CallerIdentity, DepartmentRecord, Doc, ExecutionGroupRecord, ExecutionReportRecord, FileAnswer, HostApi, HostError, IndicatorRecord, MemberRecord, PaymentRecord, PluginDefinition,
  PluginEvent, ProjectRecord, RouteRequest, StoredDoc, StoredPage, TimeProgressRecord, TransferRecord, ValidationInput, ValidationResult, ViewContext, ViewSubject,
} from './api.js';
export type { FormField, RowAction, ViewBlock, ViewSpec, ValidatedViewSpec } from './views.js';
export type { CoreRole, HostPermission, Manifest, ManifestInput, ScheduleEntry, SettingField, ValidatorKind, ViewPlacement } from './manifest.js';
export type { Role } from './contracts/roles.js';
/** 三公经费: the one list (the core reads the same). */
export { THREE_PUBLIC_ITEMS, THREE_PUBLIC_CODES, THREE_PUBLIC_CODE_LIST, threePublicItem, isThreePublic, type ThreePublicItem, type ThreePublicCode } from './contracts/three-public.js';
export { nextRun, previousRun, parseCron, cronProblem, CronError, type CronSchedule } from './cron.js';
/** A plugin's words in the reader's language (ViewContext.lang): the Chinese text is the key of its English. */
export { texts, bilingual, type Lang, type TextParams, type Translate } from './texts.js';
