import { expect, fixture, html } from '@open-wc/testing';
import { until } from './mock-fetch.js';
import '../src/components/help-menu.js';
import '../src/components/first-run-hint.js';
import { GUIDE_SCREENS, GUIDES, helpFor, parseGuide, type UbHelpMenu } from '../src/components/help-menu.js';
import { hintKey, type UbFirstRunHint } from '../src/components/first-run-hint.js';
import { NAV } from '../src/app.js';
import { setLang } from '../src/lib/i18n.js';

/**
 * Help where the work is: the header's help opens the guide section of the screen in front of the
 * user, from the guide of their role; first-run hints on the wizard and the inbox stay dismissed per user.
 */
const LEADER_GUIDE = `# 单位领导使用手册

写给单位领导。

## 驾驶舱 {#cockpit}
看执行率和时间进度。

## 审批待办 {#inbox}
在手机上也能审批：点开单据，核对后点 **同意**；驳回须写理由。

![审批待办（手机）](../screenshots/inbox-zh-390.png)
`;

describe('help menu', () => {
  const original = window.fetch;
  let fetched: string[] = [];
  beforeEach(() => {
    fetched = [];
    window.fetch = (async (input: RequestInfo | URL) => {
      fetched.push(String(input));
      return String(input) === '/guide/leader.md' ? new Response(LEADER_GUIDE, { status: 200 }) : new Response('missing', { status: 404 });
    }) as typeof fetch;
  });
  afterEach(() => {
    window.fetch = original;
    setLang('zh-CN');
  });

  it('maps every screen of the navigation to a section of a guide of a role that sees it', () => {
    for (const item of NAV) {
      const covered = item.roles.filter((r) => r !== 'plugin_developer').some((role) => helpFor(`/${item.id}`, [role]).section === item.id);
      expect(covered, `no guide section for /${item.id}`).to.equal(true);
    }
    expect(helpFor('/inbox', ['leader'])).to.deep.equal({ guide: 'leader', section: 'inbox' });
    expect(helpFor('/inbox', ['finance_officer'])).to.deep.equal({ guide: 'finance-officer', section: 'inbox' });
    expect(helpFor('/payment', ['business_staff'])).to.deep.equal({ guide: 'staff', section: 'payment' });
    expect(helpFor('/dashboard/12', ['finance_officer'])).to.deep.equal({ guide: 'finance-officer', section: 'dashboard' });
    expect(helpFor('/plugins/analytics/warnings', ['leader'])).to.deep.equal({ guide: 'leader', section: 'plugins' });
    // finance officer and unit admin: the admin pages open the admin's guide
    expect(helpFor('/admin-plugins', ['finance_officer', 'unit_admin']).guide).to.equal('unit-admin');
    expect(GUIDES.every((g) => GUIDE_SCREENS[g].length > 0)).to.equal(true);
  });

  it('parses a guide into sections named by their {#screen} anchors', () => {
    const g = parseGuide(LEADER_GUIDE);
    expect(g.title).to.equal('单位领导使用手册');
    expect(g.sections.map((s) => [s.id, s.title])).to.deep.equal([['cockpit', '驾驶舱'], ['inbox', '审批待办']]);
  });

  it('opens the section of the current screen from the role guide, with its screenshot, and closes on Escape', async () => {
    const el = await fixture<UbHelpMenu>(html`<ub-help-menu route="/inbox" .roles=${['leader']}></ub-help-menu>`);
    const button = el.shadowRoot!.querySelector<HTMLButtonElement>('button.help')!;
    expect(button.textContent).to.equal('帮助');
    expect(button.getAttribute('aria-expanded')).to.equal('false');
    button.click();
    await until(() => el.shadowRoot!.querySelector('section.current'));
    expect(fetched).to.deep.equal(['/guide/leader.md']);
    expect(button.getAttribute('aria-expanded')).to.equal('true');
    const current = el.shadowRoot!.querySelector('section.current')!;
    expect(current.getAttribute('data-section')).to.equal('inbox');
    expect(current.textContent).to.contain('驳回须写理由');
    expect(current.querySelector('strong')!.textContent).to.equal('同意');
    expect(current.querySelector('img')!.getAttribute('src')).to.equal('/screenshots/inbox-zh-390.png');
    expect(el.shadowRoot!.activeElement?.id).to.equal('help-title');
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape' }));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('aside')).to.equal(null);
  });

  it('says so when a guide cannot be loaded, in English too', async () => {
    setLang('en');
    const el = await fixture<UbHelpMenu>(html`<ub-help-menu route="/payment" .roles=${['business_staff']}></ub-help-menu>`);
    el.shadowRoot!.querySelector<HTMLButtonElement>('button.help')!.click();
    await until(() => el.shadowRoot!.querySelector('[role=alert]'));
    expect(fetched).to.deep.equal(['/guide/staff.md']);
    expect(el.shadowRoot!.querySelector('button.help')!.textContent).to.equal('Help');
    expect(el.shadowRoot!.querySelector('[role=alert]')!.textContent).to.contain('cannot be opened');
  });
});

describe('first-run hints', () => {
  beforeEach(() => {
    localStorage.removeItem(hintKey('inbox', 7));
    localStorage.removeItem(hintKey('inbox', 8));
  });

  it('shows the hint until the person dismisses it, remembered per person', async () => {
    const el = await fixture<UbFirstRunHint>(html`<ub-first-run-hint hint="inbox" .userId=${7}></ub-first-run-hint>`);
    expect(el.shadowRoot!.textContent).to.contain('驳回须填写理由');
    el.shadowRoot!.querySelector<HTMLButtonElement>('button.dismiss')!.click();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.hint')).to.equal(null);
    expect(localStorage.getItem(hintKey('inbox', 7))).to.equal('dismissed');
    const again = await fixture<UbFirstRunHint>(html`<ub-first-run-hint hint="inbox" .userId=${7}></ub-first-run-hint>`);
    expect(again.shadowRoot!.querySelector('.hint')).to.equal(null);
    // another person at the same computer still sees it
    const other = await fixture<UbFirstRunHint>(html`<ub-first-run-hint hint="inbox" .userId=${8}></ub-first-run-hint>`);
    expect(other.shadowRoot!.querySelector('.hint')).to.not.equal(null);
  });

  it('the payment wizard hint speaks of the steps and the unit', async () => {
    localStorage.removeItem(hintKey('payment', 9));
    const el = await fixture<UbFirstRunHint>(html`<ub-first-run-hint hint="payment" .userId=${9}></ub-first-run-hint>`);
    expect(el.shadowRoot!.textContent).to.contain('单位：元');
    expect(el.shadowRoot!.querySelector('[role=note]')).to.not.equal(null);
  });
});
