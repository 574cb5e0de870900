import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx, indicator } from './fixtures.js';
import '../src/pages/transfer-forms.js';
import type { UbTransferForms } from '../src/pages/transfer-forms.js';
import { draftKey } from '../src/lib/draft.js';
import { urlParam } from '../src/lib/url-state.js';

/** Issue 20: the transfer and adjustment forms keep a draft, say which form is open in the address, and place the server's field errors. */
describe('transfer forms: drafts, the open form in the address, server errors under the fields', () => {
  const start = location.href;
  const finance = ctx({ roles: ['finance_officer'], departmentId: null });
  const keys = [draftKey('transfer', 'a', 6), draftKey('adjustment', 'a', 6)];
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => {
    mock?.restore();
    history.replaceState(null, '', start);
    for (const k of keys) localStorage.removeItem(k);
  });

  async function mount(transferAnswer: { status: number; body: unknown } = { status: 201, body: { id: 12, docNo: 'TJ2026-0003', steps: [], comments: [] } }) {
    mock?.restore();
    mock = mockFetch({
      'GET /api/units/a/indicators': { body: [indicator({ id: 1, code: 'ZB-1' }), indicator({ id: 2, code: 'ZB-2' })] },
      'GET /api/units/a/transfers': { body: [] },
      'GET /api/units/a/adjustments': { body: [] },
      'POST /api/units/a/transfers/check': { body: { ok: true, findings: [], available: 600000, steps: [] } },
      'POST /api/units/a/transfers': transferAnswer,
    });
    const el = await fixture<UbTransferForms>(html`<ub-transfer-forms .ctx=${finance}></ub-transfer-forms>`);
    await until(() => el.indicators.length === 2);
    await el.updateComplete;
    return el;
  }
  const root = (el: UbTransferForms) => el.shadowRoot!;

  it('keeps what was typed across a reload, offers to discard it, and forgets it once submitted', async () => {
    let el = await mount();
    el.fromId = 1;
    el.toId = 2;
    el.tAmount = 50000;
    el.tReason = '调剂办公费';
    el.aReason = '追加培训费';
    await el.updateComplete;
    expect(JSON.parse(localStorage.getItem(keys[0]!)!).value).to.include({ fromId: 1, toId: 2, tAmount: 50000, tReason: '调剂办公费' });
    expect(el.guard).to.be.ok;
    expect(el.tKept.dirty && el.aKept.dirty).to.equal(true);
    el.remove();
    el = await mount();
    expect([el.fromId, el.toId, el.tAmount, el.tReason, el.aReason]).to.deep.equal([1, 2, 50000, '调剂办公费', '追加培训费']);
    expect(root(el).querySelector('form[data-form=transfer] [role=status]')!.textContent).to.contain('已恢复上次未提交的调剂草稿');
    expect((root(el).querySelector('select[name=from]') as HTMLSelectElement).value).to.equal('1');
    await el.submitTransfer(new Event('submit'));
    expect(localStorage.getItem(keys[0]!)).to.equal(null);
    // The other form's draft is untouched by this submission; its discard button forgets it.
    expect(localStorage.getItem(keys[1]!)).to.not.equal(null);
    (root(el).querySelector('form[data-form=adjustment] [role=status] button') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(el.aReason).to.equal('');
    expect(localStorage.getItem(keys[1]!)).to.equal(null);
  });

  it('puts the form being worked in into the address, and opens that form from it', async () => {
    let el = await mount();
    (root(el).querySelector('textarea[name=areason]') as HTMLTextAreaElement).focus();
    expect(urlParam('form')).to.equal('adjustment');
    (root(el).querySelector('textarea[name=reason]') as HTMLTextAreaElement).focus();
    expect(urlParam('form')).to.equal('');
    history.replaceState(null, '', `${location.pathname}?form=adjustment`);
    el.remove();
    el = await mount();
    await until(() => root(el).activeElement !== null);
    expect(root(el).activeElement!.closest('form')!.dataset.form).to.equal('adjustment');
  });

  it('places a refusal of the server under the field it names (aria-invalid, focus), and clears it when the field is edited', async () => {
    const el = await mount({
      status: 422,
      body: { error: { code: 'VALIDATION_FAILED', message: '理由最多 500 个字符', details: { issues: [{ path: 'reason', field: '理由', code: 'too_big', limit: 500, message: '理由最多 500 个字符' }] } } },
    });
    Object.assign(el, { fromId: 1, toId: 2, tAmount: 100, tReason: '调剂' });
    await el.submitTransfer(new Event('submit'));
    await el.updateComplete;
    const reason = root(el).querySelector('textarea[name=reason]') as HTMLTextAreaElement;
    expect(reason.getAttribute('aria-invalid')).to.equal('true');
    const note = root(el).querySelector('[data-server-error=reason]')!;
    expect(note.textContent).to.equal('理由最多 500 个字符');
    expect(reason.getAttribute('aria-describedby')).to.equal(note.id);
    expect(root(el).activeElement).to.equal(reason);
    // Said once, under the field: no duplicate at the top of the form.
    expect(el.tErr).to.equal('');
    expect(reason.maxLength).to.equal(500);
    reason.value = '调剂说明';
    reason.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
    await el.updateComplete;
    expect(root(el).querySelector('[data-server-error=reason]')).to.equal(null);
    expect(reason.getAttribute('aria-invalid')).to.not.equal('true');
  });

  it('a refusal that names no field on the form is said at the top of the form', async () => {
    const el = await mount({ status: 409, body: { error: { code: 'INSUFFICIENT_BALANCE', message: '调出指标可用余额不足', details: {} } } });
    Object.assign(el, { fromId: 1, toId: 2, tAmount: 100, tReason: '调剂' });
    await el.submitTransfer(new Event('submit'));
    await el.updateComplete;
    expect(el.tErr).to.equal('调出指标可用余额不足');
    expect(root(el).querySelector('form[data-form=transfer] [role=alert]')!.textContent).to.contain('余额不足');
  });
});
