import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import {
  $,
  $$,
  advance,
  api,
  button,
  enrollByApi,
  login,
  reset,
  setPolicyByApi,
  text,
  until,
  virtualAuthenticator,
} from '../../test/helpers.ts';
import type { MfaNudgeSnoozeEvent } from '../events.ts';
import { de } from '../strings-de.ts';
import './mfa-nudge.ts';
import type { MfaNudge } from './mfa-nudge.ts';

const nudge = (account = 'acme') =>
  fixture<MfaNudge>(
    html`<mfa-nudge account-id=${account} profile-url="/profile#security"></mfa-nudge>`,
  );

/** The nudge once it has asked the server (shown, or known to show nothing). */
async function settled(el: MfaNudge): Promise<MfaNudge> {
  const load = new Promise((resolve) => setTimeout(resolve, 300));
  await load;
  await el.updateComplete;
  return el;
}

const link = (el: MfaNudge) => $(el, 'a[part=link]') as HTMLAnchorElement;

describe('<mfa-nudge>', () => {
  beforeEach(async () => {
    await reset();
  });

  it('suggests setting up MFA in an optional account, as a named region with a link, axe-clean', async () => {
    await login('max');
    const el = await nudge();
    const region = await until(() => el.shadowRoot?.querySelector('section'));
    await expect(el).to.be.accessible();
    expect(region.getAttribute('aria-label')).to.equal('Account security');
    expect(text(el)).to.contain('Protect your account');
    expect(link(el).textContent).to.equal('Set up MFA');
    expect(link(el).getAttribute('href')).to.equal('/profile#security');
    button(el, 'Not now');
  });

  it('names the start date before a requiring policy is enforced', async () => {
    await login('ada');
    await enrollByApi();
    const from = new Date();
    from.setDate(from.getDate() + 10);
    from.setHours(0, 0, 0, 0);
    const saved = await setPolicyByApi('acme', { mode: 'required_all', enforceFrom: from.toISOString() });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    await login('max');
    const el = await nudge();
    await until(() => el.shadowRoot?.querySelector('section'));
    const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' }).format(from);
    expect(text(el)).to.contain(`Your account will require MFA from ${date}`);
    await expect(el).to.be.accessible();
  });

  it('shows nothing once MFA is required now', async () => {
    await login('ada');
    await enrollByApi();
    expect((await setPolicyByApi('acme', { mode: 'required_all' })).status).to.equal(200);
    await login('max');
    const el = await settled(await nudge());
    expect(el.shadowRoot?.querySelector('section')).to.equal(null);
  });

  it('Not now hides it, says so to the page, and the server keeps it hidden', async () => {
    await login('max');
    const el = await nudge();
    await until(() => el.shadowRoot?.querySelector('section'));
    button(el, 'Not now').click();
    const event = (await oneEvent(el, 'mfa-nudge-snooze')) as MfaNudgeSnoozeEvent;
    expect(event.kind).to.equal('set_up');
    expect(event.snoozesLeft).to.equal(2);
    expect(event.bubbles && event.composed).to.equal(true);
    expect(Date.parse(event.snoozedUntil)).to.be.greaterThan(Date.now());
    expect(el.shadowRoot?.querySelector('section')).to.equal(null);
    const again = await settled(await nudge());
    expect(again.shadowRoot?.querySelector('section')).to.equal(null);
  });

  it('after three snoozes it stays, without Not now', async () => {
    await login('max');
    for (let i = 0; i < 3; i++) {
      expect((await api('POST', '/me/nudge/snooze', { kind: 'set_up' })).status).to.equal(200);
      await advance(15 * 86_400);
    }
    const el = await nudge();
    await until(() => el.shadowRoot?.querySelector('section'));
    expect($$(el, 'button')).to.have.length(0);
    expect(link(el).textContent).to.equal('Set up MFA');
    await expect(el).to.be.accessible();
  });

  describe('the passkey suggestion', () => {
    afterEach(() => virtualAuthenticator('remove'));

    it('suggests a passkey after an app code where the browser can make one here', async () => {
      await virtualAuthenticator('add');
      await login('max');
      await enrollByApi();
      const el = await nudge();
      await until(() => el.shadowRoot?.querySelector('section'));
      expect(text(el)).to.contain('Sign in with your fingerprint or face next time');
      expect(link(el).textContent).to.equal('Add a passkey');
      await expect(el).to.be.accessible();
      button(el, 'Not now').click();
      const event = (await oneEvent(el, 'mfa-nudge-snooze')) as MfaNudgeSnoozeEvent;
      expect(event.kind).to.equal('passkey');
    });

    it('shows nothing where the browser cannot make a passkey on this device', async () => {
      await login('max');
      await enrollByApi();
      // The server suggests one; this browser (no platform authenticator) cannot.
      const asked = await api('GET', '/me/nudge?accountId=acme');
      expect(asked.body.nudge?.kind).to.equal('passkey');
      const el = await settled(await nudge());
      expect(el.shadowRoot?.querySelector('section')).to.equal(null);
    });
  });

  it('speaks German, dates too', async () => {
    await login('max');
    const el = await fixture<MfaNudge>(
      html`<mfa-nudge lang="de" account-id="acme" profile-url="/profil" .strings=${de}></mfa-nudge>`,
    );
    await until(() => el.shadowRoot?.querySelector('section'));
    expect(text(el)).to.contain('Schützen Sie Ihr Konto');
    expect(link(el).textContent).to.equal('MFA einrichten');
    button(el, 'Nicht jetzt');
    expect($(el, 'section').getAttribute('aria-label')).to.equal('Kontosicherheit');
    await expect(el).to.be.accessible();
  });

  it('reports a failure to the page and shows nothing', async () => {
    const el = await fixture<MfaNudge>(html`<mfa-nudge api-base="/mfa-broken"></mfa-nudge>`);
    const event = await oneEvent(el, 'mfa-error');
    expect(event).to.be.ok;
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('section')).to.equal(null);
  });
});
