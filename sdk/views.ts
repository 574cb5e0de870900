import { z } from 'zod';

/**
 * Declarative view specs. A plugin returns these; the host validates them and host web components
 * render them. No plugin code ever runs in the browser.
 */
const text = z.string().max(2000);
const label = z.string().max(200);
const cell = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()]);

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

export const tableSchema = z.object({
  type: z.literal('table'),
  title: label.optional(),
  columns: z.array(z.object({ key: z.string().max(40), label, format: z.enum(['text', 'number', 'fen', 'date', 'percent']).default('text') })).min(1).max(30),
  rows: z.array(z.record(z.string(), cell)).max(1000),
});

const series = z.object({ name: label, data: z.array(z.number()).max(1000) });
export const lineChartSchema = z.object({ type: z.literal('line'), title: label.optional(), x: z.array(z.union([z.string().max(40), z.number()])).max(1000), series: z.array(series).min(1).max(10) });
export const barChartSchema = z.object({ type: z.literal('bar'), title: label.optional(), x: z.array(z.union([z.string().max(40), z.number()])).max(1000), series: z.array(series).min(1).max(10), stacked: z.boolean().default(false) });
export const pieChartSchema = z.object({ type: z.literal('pie'), title: label.optional(), slices: z.array(z.object({ label, value: z.number().nonnegative() })).min(1).max(50) });

export const formSchema = z.object({
  type: z.literal('form'),
  title: label.optional(),
  /** Plugin route (POST) the form submits to. */
  submit: z.string().regex(/^[a-z0-9][a-z0-9/_-]{0,99}$/),
  fields: z.array(z.object({
    key: z.string().max(40),
    label,
    input: z.enum(['text', 'textarea', 'number', 'fen', 'date', 'select', 'checkbox']),
    required: z.boolean().default(false),
    options: z.array(z.object({ value: z.string().max(100), label })).max(200).optional(),
    value: cell.optional(),
  })).min(1).max(50),
  submitLabel: label.optional(),
});

export const markdownSchema = z.object({ type: z.literal('markdown'), text: z.string().max(50_000) });

export const timelineSchema = z.object({
  type: z.literal('timeline'),
  title: label.optional(),
  items: z.array(z.object({ at: z.string().max(40), title: label, text: text.optional(), tone: z.enum(['normal', 'good', 'warn', 'bad']).default('normal') })).max(500),
});

export const chatThreadSchema = z.object({
  type: z.literal('chat'),
  title: label.optional(),
  messages: z.array(z.object({ id: z.string().max(100), author: label, at: z.string().max(40), text })).max(500),
  /** Plugin route (POST) that receives `{ text }` to post a message. */
  post: z.string().regex(/^[a-z0-9][a-z0-9/_-]{0,99}$/).optional(),
});

export const viewBlockSchema = z.discriminatedUnion('type', [
  statCardSchema, tableSchema, lineChartSchema, barChartSchema, pieChartSchema, formSchema, markdownSchema, timelineSchema, chatThreadSchema,
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
