import { z } from 'zod';

/**
 * Declarative view specs. A plugin returns these; the host validates them and host web components
 * render them. No plugin code ever runs in the browser.
 */
const text = z.string().max(2000);
const label = z.string().max(200);
const cell = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);
/**
 * A plugin route a block posts to or fetches: the concrete path under the plugin's routes/ (a route
 * declared with parameters is named with its values, `projects/12/targets`).
 */
const routeRef = z.string().regex(/^[a-z0-9][A-Za-z0-9/_-]{0,199}$/);
const option = z.object({ value: z.string().max(100), label });

export const statCardSchema = z.object({
  type: z.literal('stat'),
  label,
  value: z.union([z.number(), z.string().max(100)]),
  unit: z.string().max(20).optional(),
  /** `fen` values are shown as yuan. */
  format: z.enum(['number', 'fen', 'percent', 'text']).default('number'),
  trend: z.enum(['up', 'down', 'flat']).optional(),
  tone: z.enum(['normal', 'good', 'warn', 'bad']).default('normal'),
});

/**
 * A row action (host API 1.1.0): a button on each row that posts `{ id: <the row's _id>, reason? }` to
 * the plugin's POST `route`, after `confirm` (a question) and, with `reason`, a text box; the web app
 * shows the answer's `message` and reloads the view.
 */
export const postActionSchema = z.object({
  id: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,39}$/),
  /** `post` (the default): the action posts to `route`. */
  kind: z.literal('post').optional(),
  label: z.string().max(40),
  route: routeRef,
  confirm: z.string().max(500).optional(),
  reason: z.enum(['none', 'optional', 'required']).default('none'),
  tone: z.enum(['normal', 'danger']).default('normal'),
});

/**
 * Where a link action leads: a view of a plugin (this one or another) with its query. A query value
 * may name cells of the row in braces — `{ warningId: '{_id}', title: '{title}' }` — each replaced by
 * that cell's text (absent or empty: the parameter is left out).
 */
export const viewTargetSchema = z.object({
  /** A plugin id and one of its view ids (as manifest.ts spells them). */
  plugin: z.string().regex(/^[a-z][a-z0-9-]{1,47}$/),
  view: z.string().regex(/^[a-z][a-z0-9-]{0,39}$/),
  query: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/), z.string().max(300)).optional()
    .refine((q) => !q || Object.keys(q).length <= 10, 'at most 10 query parameters'),
});
export type ViewTarget = z.input<typeof viewTargetSchema>;

/**
 * A link action (host API 1.1.0): opens a view of a plugin (`target`) for the row; nothing is posted.
 * The web app shows it only where that plugin is enabled in the unit with its views granted and the
 * reader may open it — a unit without the other plugin simply has no such button.
 */
export const linkActionSchema = z.object({
  id: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,39}$/),
  kind: z.literal('link'),
  label: z.string().max(40),
  target: viewTargetSchema,
});

export const rowActionSchema = z.union([linkActionSchema, postActionSchema]);
export type RowAction = z.input<typeof rowActionSchema>;

/**
 * Rows name their id in the reserved cell `_id` and may limit the actions shown on them with
 * `_actions` ('ack,close'; absent: all). Cells whose key starts with `_` are never shown as columns.
 */
export const tableSchema = z.object({
  type: z.literal('table'),
  title: label.optional(),
  columns: z.array(z.object({ key: z.string().max(40), label, format: z.enum(['text', 'number', 'fen', 'date', 'percent']).default('text') })).min(1).max(30),
  rows: z.array(z.record(z.string(), cell)).max(1000),
  actions: z.array(rowActionSchema).max(10).optional()
    .refine((actions) => !actions || new Set(actions.map((a) => a.id)).size === actions.length, 'action ids must not repeat'),
});

const series = z.object({ name: label, data: z.array(z.number()).max(1000) });
export const lineChartSchema = z.object({ type: z.literal('line'), title: label.optional(), x: z.array(z.union([z.string().max(40), z.number()])).max(1000), series: z.array(series).min(1).max(10) });
export const barChartSchema = z.object({ type: z.literal('bar'), title: label.optional(), x: z.array(z.union([z.string().max(40), z.number()])).max(1000), series: z.array(series).min(1).max(10), stacked: z.boolean().default(false) });
export const pieChartSchema = z.object({ type: z.literal('pie'), title: label.optional(), slices: z.array(z.object({ label, value: z.number().nonnegative() })).min(1).max(50) });

/** One column of a `grid` field: `readonly` cells are shown, not edited. */
export const gridColumnSchema = z.object({
  key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/),
  label,
  input: z.enum(['text', 'number', 'select', 'checkbox', 'readonly']),
  options: z.array(option).max(200).optional(),
});

/**
 * A field of a form or a wizard step. Host API 1.1.0 added `multiselect` (an array of option values),
 * `grid` (editable rows, submitted as `[{ _id, ...cells }]`), `file` (submitted as `{ name, base64 }`),
 * and `min`, `max`, `maxLength`, `help`, `accept`.
 */
export const formFieldSchema = z.object({
  key: z.string().max(40),
  label,
  input: z.enum(['text', 'textarea', 'number', 'fen', 'date', 'select', 'checkbox', 'multiselect', 'grid', 'file']),
  required: z.boolean().default(false),
  options: z.array(option).max(200).optional(),
  value: z.union([cell, z.array(z.string().max(100)).max(200)]).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  maxLength: z.number().int().min(1).max(50_000).optional(),
  /** A line of help under the field. */
  help: z.string().max(500).optional(),
  /** `grid`: the columns and the rows (a row's `_id` identifies it). */
  columns: z.array(gridColumnSchema).min(1).max(20).optional(),
  rows: z.array(z.record(z.string(), cell)).max(500).optional(),
  /** `file`: the kinds of file the picker offers, e.g. `.xlsx,.json`. */
  accept: z.string().max(200).optional(),
}).superRefine((f, ctx) => {
  if ((f.input === 'select' || f.input === 'multiselect') && !f.options?.length) ctx.addIssue({ code: 'custom', path: ['options'], message: `a ${f.input} field needs options` });
  if (f.input === 'grid' && !f.columns) ctx.addIssue({ code: 'custom', path: ['columns'], message: 'a grid field needs columns' });
});
export type FormField = z.input<typeof formFieldSchema>;

export const formSchema = z.object({
  type: z.literal('form'),
  title: label.optional(),
  /** Plugin route (POST) the form submits to. */
  submit: routeRef,
  /** The method of the submit (host API 1.1.0): POST when absent, or PUT for a route declared with PUT. */
  method: z.enum(['POST', 'PUT']).optional(),
  fields: z.array(formFieldSchema).min(1).max(50),
  submitLabel: label.optional(),
});

/**
 * A multi-step form (host API 1.1.0): one step at a time, required fields checked before the next
 * step, and on the last step every step's values merged into one JSON body posted to `submit`.
 */
export const wizardSchema = z.object({
  type: z.literal('wizard'),
  title: label.optional(),
  submit: routeRef,
  /** The method of the submit: POST when absent, or PUT for a route declared with PUT. */
  method: z.enum(['POST', 'PUT']).optional(),
  submitLabel: label.optional(),
  steps: z.array(z.object({
    id: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,39}$/),
    title: label,
    description: text.optional(),
    fields: z.array(formFieldSchema).max(50),
  })).min(1).max(10)
    .refine((steps) => new Set(steps.map((s) => s.id)).size === steps.length, 'step ids must not repeat')
    .refine((steps) => { const keys = steps.flatMap((s) => s.fields.map((f) => f.key)); return new Set(keys).size === keys.length; }, 'field keys must be unique across the steps (their values are merged)'),
});

/** A button that fetches a GET route answering `{ file }` with the session and saves the file (host API 1.1.0). */
export const downloadSchema = z.object({
  type: z.literal('download'),
  label,
  route: routeRef,
  query: z.record(z.string().max(40), z.string().max(200)).optional(),
});

/** A field of a `search` block: its `key` is the view's query parameter it sets. */
export const searchFieldSchema = z.object({
  key: z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,39}$/),
  label,
  input: z.enum(['text', 'select', 'date', 'number']).default('text'),
  options: z.array(option).max(200).optional(),
  /** The current value (the plugin reads its query and hands it back). */
  value: z.union([z.string().max(200), z.number(), z.null()]).optional(),
  placeholder: z.string().max(100).optional(),
}).refine((f) => f.input !== 'select' || !!f.options?.length, { message: 'a select field needs options', path: ['options'] });

/**
 * A search or filter box (host API 1.1.0): a GET form. Submitting sets the view's own query
 * parameters (one per field; an empty field removes its parameter, others are kept) and the view is
 * asked again with them — the web app keeps them in the page address, so reload and a copied link
 * show the same result. Nothing is posted.
 */
export const searchSchema = z.object({
  type: z.literal('search'),
  title: label.optional(),
  fields: z.array(searchFieldSchema).min(1).max(10)
    .refine((fields) => new Set(fields.map((f) => f.key)).size === fields.length, 'field keys must not repeat'),
  submitLabel: label.optional(),
});

export const markdownSchema = z.object({ type: z.literal('markdown'), text: z.string().max(50_000) });

export const timelineSchema = z.object({
  type: z.literal('timeline'),
  title: label.optional(),
  items: z.array(z.object({ at: z.string().max(40), title: label, text: text.optional(), tone: z.enum(['normal', 'good', 'warn', 'bad']).default('normal') })).max(500),
});

/**
 * A message of a chat block. Host API 1.1.0 added the optional marks: `edited`, `deleted` (a soft
 * delete, the text says so), `mentionsMe` (highlighted), `refs` (ledger objects quoted in the
 * message, shown as links with their live status and amount in fen), `attachments` (metadata).
 */
export const chatMessageSchema = z.object({
  id: z.string().max(100), author: label, at: z.string().max(40), text,
  edited: z.boolean().optional(),
  deleted: z.boolean().optional(),
  mentionsMe: z.boolean().optional(),
  system: z.boolean().optional(),
  refs: z.array(z.object({ label, href: z.string().max(300), status: z.string().max(40).optional(), amount: z.number().int().optional() })).max(10).optional(),
  attachments: z.array(z.object({ name: z.string().max(120), size: z.number().int().nonnegative() })).max(10).optional(),
});

export const chatThreadSchema = z.object({
  type: z.literal('chat'),
  title: label.optional(),
  messages: z.array(chatMessageSchema).max(500),
  /** Plugin route (POST) that receives `{ text }` to post a message. */
  post: routeRef.optional(),
  /**
   * Live updates (host API 1.1.0): the web app listens on the unit's realtime `channel` (`pluginId:name`)
   * for hints `{ type: 'message' | 'edit' | 'typing' | 'read', messageId?, name? }` and fetches the
   * messages from the GET route `fetch` (`?after=<last message id>` answering `{ messages }` in this
   * block's message shape; without `after`, the latest), so content is only ever read through a
   * permission-checked route. `typing` and `read` are POST routes the web app calls (typing at most
   * every few seconds; read with `{ messageId }` of the last message shown).
   */
  live: z.object({
    channel: z.string().regex(/^[a-z][a-z0-9-]{1,47}:[a-z0-9][a-z0-9:_-]{0,63}$/),
    fetch: routeRef,
    typing: routeRef.optional(),
    read: routeRef.optional(),
    /** The reader's display name: their own messages sit on the right and their own typing is not shown to them. */
    me: label.optional(),
  }).optional(),
});

export const viewBlockSchema = z.discriminatedUnion('type', [
  statCardSchema, tableSchema, lineChartSchema, barChartSchema, pieChartSchema, formSchema, markdownSchema, timelineSchema, chatThreadSchema,
  wizardSchema, downloadSchema, searchSchema,
]);
export const viewSpecSchema = z.object({ title: label.optional(), blocks: z.array(viewBlockSchema).max(50) });

export type ViewBlock = z.input<typeof viewBlockSchema>;
export type ViewSpec = z.input<typeof viewSpecSchema>;
export type ValidatedViewSpec = z.output<typeof viewSpecSchema>;

/** Validates a view spec returned by a plugin; throws a readable message on the first problem. */
export function validateViewSpec(value: unknown): { ok: true; view: ValidatedViewSpec } | { ok: false; issues: string[] } {
  const parsed = viewSpecSchema.safeParse(value);
  if (parsed.success) return { ok: true, view: parsed.data };
  return { ok: false, issues: parsed.error.issues.slice(0, 10).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`) };
}

/**
 * The plugin's own words in a view — its title and every block's titles, labels, units, column
 * headers, button and action labels, confirmations, field labels and help, wizard steps and chart
 * series names — without the data (table cells, options, timeline items, markdown, chat): what a
 * test reads to check that a view is worded in the reader's language.
 */
export function viewWords(spec: { title?: string; blocks: ReadonlyArray<unknown> }): string[] {
  const out: string[] = [];
  const add = (...v: unknown[]) => { for (const x of v) if (typeof x === 'string' && x) out.push(x); };
  const fields = (list: unknown) => { for (const f of (Array.isArray(list) ? list : []) as Array<Record<string, unknown>>) { add(f.label, f.help, f.placeholder); fields(f.columns); } };
  add(spec.title);
  for (const b of spec.blocks as Array<Record<string, unknown>>) {
    add(b.title, b.label, b.unit, b.submitLabel);
    for (const c of (b.columns ?? []) as Array<{ label: string }>) add(c.label);
    for (const a of (b.actions ?? []) as Array<{ label: string; confirm?: string }>) add(a.label, a.confirm);
    for (const s of (b.series ?? []) as Array<{ name: string }>) add(s.name);
    fields(b.fields);
    for (const step of (b.steps ?? []) as Array<{ title: string; description?: string; fields?: unknown }>) { add(step.title, step.description); fields(step.fields); }
  }
  return out;
}

/** The most a file answer of a plugin route may hold, decoded. */
export const FILE_ANSWER_MAX_BYTES = 5 * 1024 * 1024;
/**
 * A GET route answering exactly `{ file }` of this shape is sent by the host as the file itself
 * (Content-Type, Content-Disposition with the UTF-8 name); a POST route receives an upload as
 * `{ file: { name, base64 } }` in its JSON body.
 */
export const fileAnswerSchema = z.object({
  file: z.object({
    name: z.string().min(1).max(120),
    mediaType: z.string().regex(/^[a-z]+\/[a-zA-Z0-9.+-]{1,100}$/),
    base64: z.string().max(Math.ceil(FILE_ANSWER_MAX_BYTES / 3) * 4).regex(/^[A-Za-z0-9+/]*={0,2}$/),
  }).strict(),
}).strict();
export type FileAnswer = z.infer<typeof fileAnswerSchema>;
