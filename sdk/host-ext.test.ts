import { describe, expect, it } from 'vitest';
import { HOST_API_VERSION, engineSatisfied, manifestSchema, matchRoutePath } from './manifest.js';
import { fileAnswerSchema, validateViewSpec } from './views.js';
import { fromBase64, toBase64 } from './plugin.js';

/** Host API 1.1.0 in the SDK's schemas: placements, permissions, validators, route parameters, view blocks, file answers. */
const base = { id: 'probe', name: { zh: '探针', en: 'Probe' }, version: '1.0.0', engine: '^1.1.0' };

describe('manifest 1.1.0', () => {
  it('is backward compatible: ^1.0.0 plugins still load', () => {
    expect(HOST_API_VERSION).toBe('1.1.0');
    expect(engineSatisfied('^1.0.0')).toBe(true);
    expect(engineSatisfied('^1.1.0')).toBe(true);
    expect(engineSatisfied('^1.2.0')).toBe(false);
  });

  it('takes the new placements, members.read and budgetRequest.validate', () => {
    const m = manifestSchema.parse({
      ...base, permissions: ['views', 'validators', 'members.read'], validators: ['budgetRequest.validate'],
      views: ['project-detail', 'budget-request-detail', 'transfer-detail', 'cockpit', 'payment-detail'].map((placement, i) => ({ id: `v${i}`, title: { zh: '视图', en: 'View' }, placement })),
    });
    expect(m.views.map((v) => v.placement)).toEqual(['project-detail', 'budget-request-detail', 'transfer-detail', 'cockpit', 'payment-detail']);
    expect(manifestSchema.safeParse({ ...base, permissions: ['views'], views: [{ id: 'v', title: { zh: '视图', en: 'View' }, placement: 'sidebar' }] }).success).toBe(false);
  });

  it('takes route paths with parameter segments, and refuses malformed or ambiguous ones', () => {
    const ok = (path: string) => manifestSchema.safeParse({ ...base, permissions: ['routes'], routes: [{ method: 'GET', path }] }).success;
    expect(ok('projects/:projectId/targets')).toBe(true);
    expect(ok('reviews/:reviewId/sign')).toBe(true);
    expect(ok('summary')).toBe(true);
    expect(ok(':projectId/targets')).toBe(false);
    expect(ok('projects/:project-id')).toBe(false);
    expect(ok('projects/:1d')).toBe(false);
    expect(ok('projects/x:y')).toBe(false);
    expect(ok('projects/:a/items/:a')).toBe(false);
    expect(ok('projects//x')).toBe(false);
    const twice = manifestSchema.safeParse({ ...base, permissions: ['routes'], routes: [{ method: 'GET', path: 'p/:a' }, { method: 'GET', path: 'p/:b' }] });
    expect(twice.success).toBe(false);
    const sameDifferentMethod = manifestSchema.safeParse({ ...base, permissions: ['routes'], routes: [{ method: 'GET', path: 'p/:a' }, { method: 'POST', path: 'p/:b' }] });
    expect(sameDifferentMethod.success).toBe(true);
  });

  it('matches request paths: whole segments, 1–100 of [A-Za-z0-9_-]', () => {
    expect(matchRoutePath('projects/:projectId/targets', 'projects/12/targets')).toEqual({ projectId: '12' });
    expect(matchRoutePath('threads/:threadId/messages', 'threads/t_A-9/messages')).toEqual({ threadId: 't_A-9' });
    expect(matchRoutePath('projects/:projectId/targets', 'projects/12/other')).toBeNull();
    expect(matchRoutePath('projects/:projectId/targets', 'projects/12')).toBeNull();
    expect(matchRoutePath('projects/:projectId', 'projects/a.b')).toBeNull();
    expect(matchRoutePath('projects/:projectId', 'projects/')).toBeNull();
    expect(matchRoutePath('projects/:projectId', `projects/${'x'.repeat(101)}`)).toBeNull();
    expect(matchRoutePath('projects/:projectId', `projects/${'x'.repeat(100)}`)).toEqual({ projectId: 'x'.repeat(100) });
  });
});

describe('view blocks 1.1.0', () => {
  const valid = (block: unknown) => validateViewSpec({ blocks: [block] });

  it('table row actions: defaults filled, ids unique, routes plugin paths', () => {
    const r = valid({ type: 'table', columns: [{ key: 'a', label: 'A' }], rows: [{ a: 1, _id: 'w1', _actions: 'ack' }],
      actions: [{ id: 'ack', label: '确认', route: 'warnings/acknowledge' }, { id: 'close', label: '关闭', route: 'warnings/close', confirm: '确定？', reason: 'required', tone: 'danger' }] });
    expect(r.ok).toBe(true);
    if (r.ok && r.view.blocks[0]!.type === 'table') expect(r.view.blocks[0]!.actions![0]).toMatchObject({ reason: 'none', tone: 'normal' });
    expect(valid({ type: 'table', columns: [{ key: 'a', label: 'A' }], rows: [], actions: [{ id: 'x', label: 'X', route: 'a' }, { id: 'x', label: 'Y', route: 'b' }] }).ok).toBe(false);
    expect(valid({ type: 'table', columns: [{ key: 'a', label: 'A' }], rows: [], actions: [{ id: 'x', label: 'X', route: '/api/units/b/x' }] }).ok).toBe(false);
    expect(valid({ type: 'table', columns: [{ key: 'a', label: 'A' }], rows: [], actions: [{ id: 'x', label: 'X', route: 'a', reason: 'maybe' }] }).ok).toBe(false);
  });

  it('wizards: 1–10 steps, unique step ids and field keys, new inputs', () => {
    const step = (id: string, fields: unknown[]) => ({ id, title: `第${id}步`, fields });
    const wizard = (steps: unknown[]) => valid({ type: 'wizard', submit: 'self-eval/submit', steps });
    expect(wizard([
      step('a', [{ key: 'kinds', label: '维度', input: 'multiselect', options: [{ value: 'x', label: 'X' }], value: ['x'] }]),
      step('b', [{ key: 'rows', label: '指标', input: 'grid', columns: [{ key: 'v', label: '值', input: 'number' }], rows: [{ _id: 1, v: 2 }] },
        { key: 'file', label: '附件', input: 'file', accept: '.xlsx,.json' }, { key: 'n', label: '数', input: 'number', min: 0, max: 100, help: '0–100' }]),
    ]).ok).toBe(true);
    expect(wizard([]).ok).toBe(false);
    expect(wizard(Array.from({ length: 11 }, (_, i) => step(`s${i}`, []))).ok).toBe(false);
    expect(wizard([step('a', []), step('a', [])]).ok).toBe(false);
    expect(wizard([step('a', [{ key: 'x', label: 'X', input: 'text' }]), step('b', [{ key: 'x', label: 'X', input: 'text' }])]).ok).toBe(false);
    expect(wizard([step('a', [{ key: 'x', label: 'X', input: 'grid' }])]).ok).toBe(false);
    expect(wizard([step('a', [{ key: 'x', label: 'X', input: 'multiselect' }])]).ok).toBe(false);
    expect(wizard([step('a', [{ key: 'rows', label: '指标', input: 'grid', columns: [{ key: 'v', label: '值', input: 'number' }], rows: Array.from({ length: 501 }, () => ({})) }])]).ok).toBe(false);
  });

  it('download blocks name a route and a string query', () => {
    expect(valid({ type: 'download', label: '导出', route: 'export/self-eval', query: { year: '2026' } }).ok).toBe(true);
    expect(valid({ type: 'download', label: '导出', route: 'export', query: { year: 2026 } }).ok).toBe(false);
  });
});

describe('file answers', () => {
  it('the shape a GET route answers to be sent as a file', () => {
    const file = { name: '绩效自评表-2026.xlsx', mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', base64: toBase64(new Uint8Array([80, 75, 3, 4])) };
    expect(fileAnswerSchema.safeParse({ file }).success).toBe(true);
    expect(fileAnswerSchema.safeParse({ file: { ...file, name: 'x'.repeat(121) } }).success).toBe(false);
    expect(fileAnswerSchema.safeParse({ file: { ...file, base64: 'not base64!' } }).success).toBe(false);
    expect(fileAnswerSchema.safeParse({ file, extra: 1 }).success).toBe(false);
  });

  it('toBase64 and fromBase64 agree with Node for every length', () => {
    for (let n = 0; n < 40; n += 1) {
      const bytes = new Uint8Array(Array.from({ length: n }, (_, i) => (i * 37 + n) & 255));
      const text = toBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect([...fromBase64(text)]).toEqual([...bytes]);
    }
    expect(() => fromBase64('ab$d')).toThrow();
  });
});
