import { expect, fixture, html } from '@open-wc/testing';
import { mockFetch, until } from './mock-fetch.js';
import { ctx } from './fixtures.js';
import { setLang } from '../src/lib/i18n.js';
import '../src/pages/api-tokens.js';
import type { UbApiTokens, ApiToken } from '../src/pages/api-tokens.js';
import { tokenState } from '../src/pages/api-tokens.js';

const token = (over: Partial<ApiToken> = {}): ApiToken => ({
  id: 1, name: '财政对接', prefix: 'ubt_abcdef', createdAt: '2026-03-01T00:00:00Z', expiresAt: null, lastUsedAt: '2026-03-02T04:05:00Z', revokedAt: null, ...over,
});
const root = (el: Element) => el.shadowRoot!;

describe('API tokens', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => {
    mock?.restore();
    setLang('zh-CN');
  });

  it('tells active, expired and revoked tokens apart', () => {
    const now = Date.parse('2026-06-01T00:00:00Z');
    expect(tokenState(token(), now)).to.equal('active');
    expect(tokenState(token({ expiresAt: '2026-05-31T23:59:59Z' }), now)).to.equal('expired');
    expect(tokenState(token({ expiresAt: '2026-06-02T00:00:00Z' }), now)).to.equal('active');
    expect(tokenState(token({ revokedAt: '2026-04-01T00:00:00Z' }), now)).to.equal('revoked');
  });

  it('creates a token with name and expiry, shows its secret once with a copy button, revokes after confirmation', async () => {
    let list = [token()];
    mock = mockFetch({
      'GET /api/tokens': () => ({ body: list }),
      'POST /api/tokens': (c) => {
        const created = token({ id: 2, name: (c.body as { name: string }).name, prefix: 'ubt_123456', lastUsedAt: null, expiresAt: '2026-06-01T00:00:00Z' });
        list = [...list, created];
        return { status: 201, body: { ...created, token: 'ubt_1234567890secret' } };
      },
      'DELETE /api/tokens/1': () => {
        list = list.map((x) => (x.id === 1 ? { ...x, revokedAt: '2026-03-03T00:00:00Z' } : x));
        return { body: list[0] };
      },
    });
    const el = await fixture<UbApiTokens>(html`<ub-api-tokens .ctx=${ctx()}></ub-api-tokens>`);
    await until(() => el.tokens.length === 1);
    await el.updateComplete;
    expect(root(el).querySelector('tr[data-id="1"]')!.textContent).to.contain('2026-03-02 12:05');
    // no name: refused in place, nothing sent
    await el.create();
    await el.updateComplete;
    expect(root(el).querySelector('[data-error=name]')!.textContent).to.equal('此项必填');
    expect(mock.calls.some((c) => c.method === 'POST')).to.equal(false);
    const name = root(el).querySelector('input[name=name]') as HTMLInputElement;
    name.value = '  预算公开同步 ';
    name.dispatchEvent(new Event('input'));
    const expiry = root(el).querySelector('select[name=expiry]') as HTMLSelectElement;
    expiry.value = '30';
    expiry.dispatchEvent(new Event('change'));
    (root(el).querySelector('form button[type=submit]') as HTMLButtonElement).click();
    await until(() => el.created !== null && el.tokens.length === 2);
    await el.updateComplete;
    expect(mock.calls.find((c) => c.method === 'POST')!.body).to.deep.equal({ name: '预算公开同步', expiresInDays: 30 });
    const secret = root(el).querySelector('[data-secret]')!;
    expect(secret.querySelector('code')!.textContent).to.equal('ubt_1234567890secret');
    expect(secret.textContent).to.contain('只显示这一次');
    expect(secret.querySelector('button[data-action=copy]')).to.exist;
    // the list never shows the secret, only the prefix
    expect(root(el).querySelector('table')!.textContent).not.to.contain('secret');
    (secret.querySelector('button[data-action=dismiss]') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(root(el).querySelector('[data-secret]'), 'gone once dismissed').to.equal(null);
    (root(el).querySelector('tr[data-id="1"] button[data-action=revoke]') as HTMLButtonElement).click();
    await el.updateComplete;
    expect(mock.calls.some((c) => c.method === 'DELETE')).to.equal(false);
    expect(root(el).querySelector('[role=alertdialog]')!.textContent).to.contain('确认吊销令牌「财政对接」（ubt_abcdef…）');
    (root(el).querySelector('button[data-action=confirm-revoke]') as HTMLButtonElement).click();
    await until(() => el.tokens[0]!.revokedAt !== null);
    await el.updateComplete;
    expect(root(el).querySelector('tr[data-id="1"] [data-state]')!.textContent).to.equal('已吊销');
    expect(root(el).querySelector('tr[data-id="1"] button[data-action=revoke]')).to.equal(null);
    expect(root(el).querySelector('[role=status]')!.textContent).to.contain('令牌「财政对接」已吊销');
  });

  it('says it in English, and a token that lasts until revoked sends no expiry', async () => {
    setLang('en');
    mock = mockFetch({
      'GET /api/tokens': { body: [] },
      'POST /api/tokens': { status: 201, body: { ...token({ id: 3, name: 'sync' }), token: 'ubt_x' } },
    });
    const el = await fixture<UbApiTokens>(html`<ub-api-tokens .ctx=${ctx({ roles: ['auditor'], readOnly: true })}></ub-api-tokens>`);
    await until(() => mock!.calls.length > 0);
    await el.create();
    await el.updateComplete;
    expect(root(el).querySelector('[data-error=name]')!.textContent).to.equal('Required');
    el.name = 'sync';
    el.expiry = '';
    await el.create();
    expect(mock.calls.find((c) => c.method === 'POST')!.body).to.deep.equal({ name: 'sync' });
    await el.updateComplete;
    expect(root(el).querySelector('[data-secret]')!.textContent).to.contain('shown this once');
  });
});
