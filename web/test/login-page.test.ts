import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { mockFetch } from './mock-fetch.js';
import '../src/pages/login-page.js';
import type { UbLoginPage } from '../src/pages/login-page.js';

describe('ub-login-page', () => {
  let mock: ReturnType<typeof mockFetch> | undefined;
  afterEach(() => mock?.restore());

  const fill = async (el: UbLoginPage, user: string, pass: string) => {
    for (const [name, v] of [['username', user], ['password', pass]] as const) {
      const i = el.shadowRoot!.querySelector(`input[name=${name}]`) as HTMLInputElement;
      i.value = v;
      i.dispatchEvent(new Event('input'));
    }
  };

  it('labels every field and asks for both', async () => {
    const el = await fixture<UbLoginPage>(html`<ub-login-page></ub-login-page>`);
    expect([...el.shadowRoot!.querySelectorAll('input')].every((i) => i.closest('label'))).to.equal(true);
    await el.submit();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('请输入用户名和密码');
  });

  it('shows the server’s message on wrong credentials', async () => {
    mock = mockFetch({ 'POST /api/auth/login': { status: 401, body: { error: { code: 'INVALID_CREDENTIALS', message: '用户名或密码错误', details: {} } } } });
    const el = await fixture<UbLoginPage>(html`<ub-login-page></ub-login-page>`);
    await fill(el, 'a.staff', 'nope');
    await el.submit();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('用户名或密码错误');
  });

  it('says how long a locked account waits', async () => {
    mock = mockFetch({ 'POST /api/auth/login': { status: 429, body: { error: { code: 'LOGIN_LOCKED', message: '登录失败次数过多', details: { retryAfterSeconds: 840 } } } } });
    const el = await fixture<UbLoginPage>(html`<ub-login-page></ub-login-page>`);
    await fill(el, 'a.staff', 'nope');
    await el.submit();
    await el.updateComplete;
    const text = el.shadowRoot!.querySelector('[role=alert]')!.textContent!;
    expect(text).to.contain('锁定');
    expect(text).to.contain('14 分钟');
  });

  it('fires signed-in with the user', async () => {
    const user = { id: 6, username: 'a.staff', displayName: '孙浩', memberships: [], systemAdmin: false };
    mock = mockFetch({ 'POST /api/auth/login': { body: { token: 'x', expiresAt: '', user } } });
    const el = await fixture<UbLoginPage>(html`<ub-login-page></ub-login-page>`);
    await fill(el, 'a.staff', 'unibudget-demo');
    const ev = oneEvent(el, 'signed-in');
    void el.submit();
    expect(((await ev) as CustomEvent).detail).to.deep.equal(user);
    expect(mock.calls[0]!.body).to.deep.equal({ username: 'a.staff', password: 'unibudget-demo' });
  });
});
