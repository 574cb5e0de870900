import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPluginHarness, type PluginHarness } from '@unibudget/sdk/testing';
import { makeBundle } from '../../sdk/bundle.js';

/**
 * Host API 1.1.0 extension points, through the harness (the real core and sandbox): views placed on
 * core screens get their subject, the placements listing, route path parameters, GET routes' file
 * answers, `host.members.list` and `budgetRequest.validate`.
 */
const SOURCE = `
const bytes = (text) => { const out = []; for (let i = 0; i < text.length; i += 1) out.push(text.charCodeAt(i) & 255); return out; };
const b64 = (arr) => { const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'; let s = '';
  for (let i = 0; i < arr.length; i += 3) { const n = (arr[i] << 16) | ((arr[i + 1] || 0) << 8) | (arr[i + 2] || 0);
    s += A[(n >> 18) & 63] + A[(n >> 12) & 63] + (i + 1 < arr.length ? A[(n >> 6) & 63] : '=') + (i + 2 < arr.length ? A[n & 63] : '='); } return s; };
return {
  views: {
    'on-payment': (ctx) => ({ blocks: [{ type: 'markdown', text: JSON.stringify({ subject: ctx.subject ?? null, query: ctx.query }) }] }),
    'on-project': (ctx) => ({ blocks: [{ type: 'markdown', text: JSON.stringify({ subject: ctx.subject ?? null }) }] }),
    overview: () => ({ blocks: [{ type: 'markdown', text: 'page' }] }),
  },
  routes: {
    'GET projects/:projectId/targets': (req) => ({ params: req.params, path: req.path }),
    'GET projects/summary/targets': (req) => ({ static: true, params: req.params }),
    'GET export': () => ({ file: { name: '绩效自评表-2026.xlsx', mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', base64: b64(bytes('PK\\u0003\\u0004hello')) } }),
    'GET not-a-file': () => ({ file: { name: 'x.txt' }, other: 1 }),
    'GET members': async (req, host) => {
      try { return { members: await host.members.list(req.query.role ? { role: req.query.role } : {}) }; }
      catch (e) { return { error: { code: e.code, message: e.message } }; }
    },
  },
  validators: {
    'budgetRequest.validate': (input) => {
      const d = input.document;
      if (d.amount >= 5000000) return { result: 'block', message: '项目申报超过 5 万元须先做事前绩效评估' };
      if (d.amount >= 1000000) return { result: 'warn', message: '申报额较大，请附测算依据（' + d.lines.length + ' 行，' + d.projectCode + '）' };
      return { result: 'ok' };
    },
  },
};`;

const manifest = {
  id: 'host-ext-probe', name: { zh: '扩展点探针', en: 'Extension probe' }, version: '1.0.0', engine: '^1.1.0',
  permissions: ['routes', 'views', 'validators', 'members.read'],
  validators: ['budgetRequest.validate'],
  routes: [
    { method: 'GET', path: 'projects/:projectId/targets' },
    { method: 'GET', path: 'projects/summary/targets' },
    { method: 'GET', path: 'export' },
    { method: 'GET', path: 'not-a-file' },
    { method: 'GET', path: 'members' },
  ],
  views: [
    { id: 'on-payment', title: { zh: '支付核查', en: 'Payment check' }, placement: 'payment-detail' },
    { id: 'on-project', title: { zh: '项目绩效', en: 'Project performance' }, placement: 'project-detail' },
    { id: 'overview', title: { zh: '概览', en: 'Overview' } },
  ],
};

let h: PluginHarness;
beforeAll(async () => {
  h = await createPluginHarness({ bundle: makeBundle(manifest, `var __plugin = (function () {\n${SOURCE}\n})();`), units: ['a'] });
}, 60_000);
afterAll(async () => h?.close());

describe('views placed on core screens', () => {
  it('a placed view gets its subject; the other query parameters stay', async () => {
    const payment = await h.submitPayment(12_300);
    expect(payment.status, JSON.stringify(payment.body)).toBe(201);
    const view = await h.view('on-payment', { query: { subjectKind: 'payment', subjectId: String(payment.body.id), tab: 'x' } });
    const seen = JSON.parse(view.blocks[0].text);
    expect(seen.subject).toEqual({ kind: 'payment', id: payment.body.id });
    expect(seen.query.tab).toBe('x');
    // Without a subject the view runs as before, with none.
    expect(JSON.parse((await h.view('on-payment')).blocks[0].text).subject).toBeNull();
  });

  it('an unknown subject, or another unit\'s, is 404; half a subject is 400', async () => {
    await expect(h.view('on-project', { query: { subjectKind: 'project', subjectId: '999999' } })).rejects.toMatchObject({ status: 404, code: 'PLUGIN_VIEW_SUBJECT_NOT_FOUND' });
    const foreign = await h.submitPayment(10_000, { unitId: 'b' });
    expect(foreign.status).toBe(201);
    await expect(h.view('on-payment', { query: { subjectKind: 'payment', subjectId: String(foreign.body.id) } })).rejects.toMatchObject({ status: 404 });
    await expect(h.view('on-payment', { query: { subjectKind: 'payment' } })).rejects.toMatchObject({ status: 400 });
    await expect(h.view('on-payment', { query: { subjectKind: 'invoice', subjectId: '1' } })).rejects.toMatchObject({ status: 400 });
  });

  it('the placements listing shows the views of plugins enabled here with the views grant', async () => {
    const list = async (placement: string, as = 'a.staff') => {
      const res = await h.http('GET', `/api/units/a/plugins/placements?placement=${placement}`, { as });
      expect(res.status).toBe(200);
      return (await res.json()) as { placements: Array<{ pluginId: string; viewId: string; title: { zh: string; en: string } }> };
    };
    expect((await list('payment-detail')).placements).toEqual([{ pluginId: 'host-ext-probe', viewId: 'on-payment', title: { zh: '支付核查', en: 'Payment check' } }]);
    expect((await list('cockpit')).placements).toEqual([]);
    expect((await h.http('GET', '/api/units/a/plugins/placements?placement=sidebar')).status).toBe(400);
    // Not enabled in b: nothing there (read by b's own staff).
    const inB = await h.http('GET', '/api/units/b/plugins/placements?placement=payment-detail', { as: 'b.staff' });
    expect(((await inB.json()) as { placements: unknown[] }).placements).toEqual([]);
    // Enabled without `views`: listed nowhere.
    await h.enable('a', { grants: ['routes', 'validators', 'members.read'] });
    expect((await list('payment-detail')).placements).toEqual([]);
    await h.enable('a', { grants: ['routes', 'views', 'validators', 'members.read'] });
    expect((await list('project-detail')).placements.map((p) => p.viewId)).toEqual(['on-project']);
  });
});

describe('route path parameters', () => {
  it('fills params; a static route wins; a bad segment is 404', async () => {
    expect(await h.route('GET', 'projects/12/targets')).toEqual({ params: { projectId: '12' }, path: 'projects/12/targets' });
    expect(await h.route('GET', 'projects/summary/targets')).toEqual({ static: true, params: {} });
    await expect(h.route('GET', 'projects/a.b/targets')).rejects.toMatchObject({ status: 404 });
    await expect(h.route('GET', 'projects/12/other')).rejects.toMatchObject({ status: 404 });
    await expect(h.route('GET', `projects/${'x'.repeat(101)}/targets`)).rejects.toMatchObject({ status: 404 });
  });

  it('the plugin\'s OpenAPI shows them as templates', async () => {
    const doc = (await (await h.http('GET', '/api/units/a/plugins/host-ext-probe/openapi.json')).json()) as { paths: Record<string, any> };
    const path = '/api/units/a/plugins/host-ext-probe/routes/projects/{projectId}/targets';
    expect(doc.paths[path]?.get?.parameters).toEqual([expect.objectContaining({ name: 'projectId', in: 'path', required: true })]);
  });
});

describe('file answers', () => {
  it('a GET route answering { file } arrives as the file with its type and UTF-8 name', async () => {
    const res = await h.http('GET', '/api/units/a/plugins/host-ext-probe/routes/export');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const disposition = res.headers.get('content-disposition') ?? '';
    expect(disposition).toContain('attachment');
    expect(disposition).toContain(`filename*=UTF-8''${encodeURIComponent('绩效自评表-2026.xlsx')}`);
    expect(Buffer.from(await res.arrayBuffer()).toString('latin1')).toBe('PK\u0003\u0004hello');
  });

  it('any other answer stays JSON', async () => {
    expect(await h.route('GET', 'not-a-file')).toEqual({ file: { name: 'x.txt' }, other: 1 });
  });
});

describe('host.members.list', () => {
  it('lists the unit\'s people with roles and department, no contact data', async () => {
    const { members } = await h.route('GET', 'members');
    expect(members.length).toBeGreaterThan(3);
    const staffId = await h.userId('a.staff');
    const staff = members.find((m: { id: number }) => m.id === staffId);
    expect(staff).toMatchObject({ roles: ['business_staff'], departmentId: expect.any(Number), departmentName: expect.any(String) });
    for (const m of members) expect(Object.keys(m).sort()).toEqual(['departmentId', 'departmentName', 'displayName', 'id', 'roles']);
    // Only unit a's people: b's staff is not among them.
    const bStaff = await h.userId('b.staff');
    expect(members.map((m: { id: number }) => m.id)).not.toContain(bStaff);
    const heads = (await h.route('GET', 'members', { query: { role: 'department_head' } })).members;
    expect(heads.map((m: { id: number }) => m.id)).toEqual([await h.userId('a.head')]);
  });

  it('without the members.read grant the call is refused', async () => {
    await h.enable('a', { grants: ['routes', 'views', 'validators'] });
    try {
      expect((await h.route('GET', 'members')).error).toMatchObject({ code: 'PLUGIN_PERMISSION_DENIED' });
    } finally {
      await h.enable('a', { grants: ['routes', 'views', 'validators', 'members.read'] });
    }
  });
});

describe('budgetRequest.validate', () => {
  it('ok and warn let the submission through; a warning is kept and shown on the request', async () => {
    const fine = await h.submitBudgetRequest(300_000);
    expect(fine.status, JSON.stringify(fine.body)).toBe(200);
    expect(fine.body).toMatchObject({ status: 'submitted', warnings: [] });
    const warned = await h.submitBudgetRequest(2_000_000);
    expect(warned.status, JSON.stringify(warned.body)).toBe(200);
    expect(warned.body.status).toBe('submitted');
    expect(warned.body.warnings).toEqual([expect.objectContaining({ severity: 'warn', rule: 'plugin:host-ext-probe', message: expect.stringMatching(/^申报额较大，请附测算依据（1 行，TEST-[0-9a-f]{8}）$/) })]);
    const again = await h.http('GET', `/api/units/a/budget-requests/${warned.requestId}`);
    expect(((await again.json()) as { warnings: unknown[] }).warnings).toHaveLength(1);
  });

  it('block refuses with 409 and leaves the draft as it was', async () => {
    const blocked = await h.submitBudgetRequest(6_000_000);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error).toMatchObject({ code: 'BUDGET_REQUEST_BLOCKED', details: { pluginId: 'host-ext-probe', message: '项目申报超过 5 万元须先做事前绩效评估' } });
    const draft = (await (await h.http('GET', `/api/units/a/budget-requests/${blocked.requestId}`)).json()) as { status: string; round: number };
    expect(draft).toMatchObject({ status: 'draft', round: 0 });
    expect((await h.audit({ action: 'budget_request.submit' })).some((e) => e.entityId === String(blocked.requestId))).toBe(false);
  });
});
