import { expect, fixture, html } from '@open-wc/testing';
import { lang, setLang, t } from '../src/lib/i18n.js';
import '../src/pages/login-page.js';

describe('i18n', () => {
  afterEach(() => setLang('zh-CN'));

  it('defaults to zh-CN and switches to English', () => {
    expect(lang()).to.equal('zh-CN');
    expect(t('signIn')).to.equal('登录');
    setLang('en');
    expect(t('signIn')).to.equal('Sign in');
    expect(document.documentElement.lang).to.equal('en');
    expect(localStorage.getItem('ub.lang')).to.equal('en');
  });

  it('fills in variables', () => {
    expect(t('loginLocked', { minutes: 15 })).to.contain('15 分钟');
  });

  it('re-renders mounted components on switch', async () => {
    const el = await fixture(html`<ub-login-page></ub-login-page>`);
    expect(el.shadowRoot!.querySelector('h1')!.textContent).to.equal('登录');
    setLang('en');
    await (el as unknown as { updateComplete: Promise<unknown> }).updateComplete;
    expect(el.shadowRoot!.querySelector('h1')!.textContent).to.equal('Sign in');
  });
});
