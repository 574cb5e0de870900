import { describe, expect, it } from 'vitest';
import { validateViewSpec } from './views.js';

/** View specs of host API 1.1.0: link row actions and search (GET) blocks, as the host validates them. */
const table = (actions: unknown[]) => ({ blocks: [{ type: 'table', columns: [{ key: 'title', label: '预警' }], rows: [{ _id: 'w1', title: 'x' }], actions }] });

describe('link row actions', () => {
  it('take a target view with a query of row-cell templates, and post nothing', () => {
    const ok = validateViewSpec(table([
      { id: 'ack', label: '确认', route: 'warnings/ack' },
      { id: 'consult', kind: 'link', label: '发起会商', target: { plugin: 'collab', view: 'consultations', query: { warningId: '{_id}', title: '{title}' } } },
    ]));
    expect(ok.ok).toBe(true);
    if (!ok.ok) return;
    const actions = (ok.view.blocks[0] as { actions: Array<Record<string, unknown>> }).actions;
    expect(actions[0]).toMatchObject({ id: 'ack', route: 'warnings/ack', reason: 'none', tone: 'normal' });
    expect(actions[1]).toEqual({ id: 'consult', kind: 'link', label: '发起会商', target: { plugin: 'collab', view: 'consultations', query: { warningId: '{_id}', title: '{title}' } } });
  });

  it('refuses a link without a well-formed target, and a post action without a route', () => {
    for (const bad of [
      { id: 'x', kind: 'link', label: '去', target: { plugin: 'Collab', view: 'consultations' } },
      { id: 'x', kind: 'link', label: '去', target: { plugin: 'collab', view: '../admin' } },
      { id: 'x', kind: 'link', label: '去', target: { plugin: 'collab', view: 'inbox', query: { 'a-b': '1' } } },
      { id: 'x', kind: 'link', label: '去', route: 'warnings/ack' },
      { id: 'x', label: '确认' },
    ]) expect(validateViewSpec(table([bad])).ok, JSON.stringify(bad)).toBe(false);
  });
});

describe('search blocks', () => {
  it('are GET forms of query parameters: keys are parameter names, a select needs options, keys do not repeat', () => {
    const ok = validateViewSpec({ blocks: [{ type: 'search', fields: [{ key: 'q', label: '关键词', value: '食堂' }, { key: 'status', label: '状态', input: 'select', options: [{ value: 'open', label: '进行中' }] }] }] });
    expect(ok.ok).toBe(true);
    if (ok.ok) expect((ok.view.blocks[0] as { fields: Array<{ input: string }> }).fields[0]!.input).toBe('text');
    for (const fields of [
      [{ key: 'status', label: '状态', input: 'select' }],
      [{ key: 'q', label: 'a' }, { key: 'q', label: 'b' }],
      [{ key: 'q x', label: 'a' }],
      [{ key: 'file', label: 'a', input: 'file' }],
      [],
    ]) expect(validateViewSpec({ blocks: [{ type: 'search', fields }] }).ok, JSON.stringify(fields)).toBe(false);
  });
});
