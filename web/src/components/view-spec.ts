/**
 * The view-spec blocks a plugin view is made of: the types of sdk/views.ts (types only, nothing of the
 * SDK is bundled), named for the renderer (plugin-view) and its block elements (view-chart, view-form,
 * view-chat). Typed as a plugin writes them: the host's validated answer has its defaults filled in,
 * and the renderer does not rely on that.
 */
import type { ViewBlock as SdkViewBlock, ViewSpec as SdkViewSpec } from '@unibudget/sdk/views';

export type ViewSpec = SdkViewSpec;
export type ViewBlock = SdkViewBlock;
type Block<T extends ViewBlock['type']> = Extract<ViewBlock, { type: T }>;

export type StatBlock = Block<'stat'>;
export type TableBlock = Block<'table'>;
export type ChartBlock = Block<'line' | 'bar' | 'pie'>;
export type FormBlock = Block<'form'>;
export type FormField = FormBlock['fields'][number];
export type ChatBlock = Block<'chat'>;
/** A table cell or a form field's value. */
export type Cell = TableBlock['rows'][number][string];
export type WizardBlock = Block<'wizard'>;
export type WizardStep = WizardBlock['steps'][number];
export type DownloadBlock = Block<'download'>;
export type RowAction = NonNullable<TableBlock['actions']>[number];
/** A row action that posts to the plugin's route (`kind` absent or `post`). */
export type PostAction = Exclude<RowAction, { kind: 'link' }>;
/** A row action that opens a plugin's view (host API 1.1.0). */
export type LinkAction = Extract<RowAction, { kind: 'link' }>;
export type SearchBlock = Block<'search'>;
