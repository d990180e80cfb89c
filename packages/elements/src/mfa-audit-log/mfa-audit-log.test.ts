import { expect, fixture, html } from '@open-wc/testing';
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
  totp,
  type,
  until,
} from '../../test/helpers.ts';
import { focusedIn, liveLog, sleep } from '../../test/live-log.ts';
import { desktop, expectReflow, phone } from '../../test/reflow.ts';
import type { MfaChallenge } from '../mfa-challenge/mfa-challenge.ts';
import { de } from '../strings-de.ts';
import './mfa-audit-log.ts';
import type { MfaAuditLog } from './mfa-audit-log.ts';

const sentences = (el: MfaAuditLog) => $$(el, 'li > span').map((s) => s.textContent?.trim());

async function ready(el: MfaAuditLog) {
  await until(() => el.shadowRoot?.querySelector('ol, [role=alert], section > p:not([role])'));
  return el;
}

const log = (base = '/mfa') =>
  fixture<MfaAuditLog>(html`<mfa-audit-log account-id="acme" api-base=${base}></mfa-audit-log>`);

/** Five wrong codes in a row for the signed-in user: the fifth locks them for 30 s. */
async function failFiveTimes() {
  for (let i = 0; i < 5; i++) await api('POST', '/challenge', { code: '000000' });
}

describe('<mfa-audit-log>', () => {
  beforeEach(async () => {
    await reset();
  });

  it('tells what happened as sentences, newest first, with when, axe-clean', async () => {
    await login('ada');
    await enrollByApi();
    expect((await setPolicyByApi('acme', { mode: 'required_all' })).status).to.equal(200);
    const el = await ready(await log());
    await expect(el).to.be.accessible();
    expect(sentences(el)).to.deep.equal([
      'Ada Admin changed the policy from Optional to Required for all users',
      'Ada Admin set up an authenticator app',
    ]);
    const time = $(el, 'li time');
    expect(Date.parse(time.getAttribute('datetime') ?? '')).to.be.closeTo(Date.now(), 60_000);
    expect(time.title).to.match(/\d{4}/);
    expect(time.textContent).to.match(/now|seconds? ago/);
    // The exact time is read out too, not only shown on hover.
    expect(time.querySelector('.visually-hidden')?.textContent).to.contain(time.title);
  });

  it('asks for the second factor in place when the session is not verified, then shows the activity', async () => {
    await login('ada');
    const { secret } = await enrollByApi();
    expect((await setPolicyByApi('acme', { mode: 'required_all' })).status).to.equal(200);
    await login('ada'); // a new session, not verified yet
    const el = await ready(await log());
    button(el, 'Verify it is you').click();
    const challenge = await until(() => el.shadowRoot?.querySelector<MfaChallenge>('mfa-challenge'));
    await until(() => challenge.shadowRoot?.querySelector('input'));
    type($(challenge, 'input'), await totp(secret, 1));
    button(challenge, 'Verify').click();
    await until(() => el.shadowRoot?.querySelector('ol'));
    expect(sentences(el)[0]).to.contain('changed the policy');
  });
  it('counts failed codes and the lock, and filters by kind', async () => {
    await login('max');
    await enrollByApi();
    await failFiveTimes();
    await login('ada');
    await enrollByApi();
    const el = await ready(await log());
    expect(sentences(el)).to.include('5 failed codes for Max Member; locked for 30 seconds');
    button(el, 'Sign-in failures').click();
    await until(() => sentences(el).length === 2);
    expect(sentences(el).every((s) => /wrong code|failed codes/.test(s ?? ''))).to.equal(true);
    expect($(el, '[aria-pressed=true]').textContent).to.equal('Sign-in failures');
    button(el, 'Policy').click();
    await until(() => text(el).includes('No activity yet.'));
    await expect(el).to.be.accessible();
    button(el, 'Enrollment').click();
    await until(() => sentences(el).length === 2);
  });

  it('tells of remembered and forgotten devices and of the days a device may skip the second step, in English and German', async () => {
    await login('ada');
    const { secret } = await enrollByApi();
    expect((await setPolicyByApi('acme', { mode: 'optional', rememberDeviceDays: 14 })).status).to.equal(200);
    await login('ada');
    const remembered = await api('POST', '/challenge', { code: await totp(secret, 1), rememberDevice: true });
    expect(remembered.status).to.equal(200);
    await advance(30);
    await api('POST', '/challenge', { code: await totp(secret, 2), rememberDevice: true });
    const [device] = (await api('GET', '/me/devices')).body.devices as { deviceId: string; label: string }[];
    expect((await api('DELETE', `/me/devices/${device?.deviceId}`)).status).to.equal(200);
    expect((await api('DELETE', '/me/devices')).status).to.equal(200);
    expect((await setPolicyByApi('acme', { mode: 'optional', rememberDeviceDays: 0 })).status).to.equal(200);
    const el = await ready(await log());
    expect(sentences(el).slice(0, 6)).to.deep.equal([
      'Ada Admin stopped remembering devices',
      'Ada Admin forgot all remembered devices',
      `Ada Admin forgot the device “${device?.label}”`,
      `Ada Admin chose to remember the device “${device?.label}”`,
      `Ada Admin chose to remember the device “${device?.label}”`,
      'Ada Admin let members skip the second step on a device for 14 days',
    ]);
    await expect(el).to.be.accessible();
    const german = await ready(
      await fixture<MfaAuditLog>(
        html`<mfa-audit-log account-id="acme" lang="de" .strings=${de}></mfa-audit-log>`,
      ),
    );
    expect(sentences(german).slice(0, 4)).to.deep.equal([
      'Ada Admin hat das Merken von Geräten abgeschaltet',
      'Ada Admin hat alle gemerkten Geräte vergessen',
      `Ada Admin hat das Gerät „${device?.label}“ vergessen`,
      `Ada Admin hat das Gerät „${device?.label}“ merken lassen`,
    ]);
    expect(sentences(german)[5]).to.equal(
      'Ada Admin hat erlaubt, den zweiten Schritt auf einem Gerät 14 Tage lang zu überspringen',
    );
  });

  it('loads older events with Load more', async () => {
    await login('ada');
    await enrollByApi();
    for (let days = 0; days < 55; days++) {
      expect(
        (await setPolicyByApi('acme', { mode: 'optional', gracePeriodDays: days % 30 })).status,
      ).to.equal(200);
    }
    const el = await ready(await log());
    expect(sentences(el)).to.have.length(50);
    button(el, 'Load more').click();
    await until(() => sentences(el).length === 56);
    expect(sentences(el).at(-1)).to.equal('Ada Admin set up an authenticator app');
    expect($$(el, 'button').some((b) => b.textContent === 'Load more')).to.equal(false);
  });

  it('tells a member that only administrators see it, and shows loading and server errors', async () => {
    await login('max');
    const denied = await ready(await log());
    expect($(denied, '[role=alert]').textContent).to.contain('Only an administrator');
    await login('ada');
    const slow = await log('/mfa-slow');
    expect(text(slow)).to.contain('Loading…');
    const broken = await ready(await log('/mfa-broken'));
    expect($(broken, '[role=alert]').textContent).to.contain('temporarily unavailable');
    await expect(broken).to.be.accessible();
  });

  it('fits a 320 px window', async () => {
    await login('ada');
    await enrollByApi();
    await setPolicyByApi('acme', { mode: 'required_all' });
    await phone();
    try {
      await expectReflow(await ready(await log()), 'the activity');
    } finally {
      await desktop();
    }
  });

  describe('as a first-time administrator meets it', () => {
    it('after Load more, focus is on the first older event and how many loaded is said once', async () => {
      await login('ada');
      await enrollByApi();
      for (let i = 0; i < 55; i++) {
        expect((await setPolicyByApi('acme', { mode: 'optional', gracePeriodDays: i % 30 })).status).to.equal(
          200,
        );
      }
      const el = await ready(await log());
      const more = button(el, 'Load more');
      more.focus();
      const live = liveLog(el);
      more.click();
      await until(() => sentences(el).length === 56);
      await until(() => live.said.length > 0);
      await sleep(300);
      live.stop();
      expect(live.said).to.deep.equal(['6 older events loaded.']);
      const rows = $$(el, 'ol > li');
      expect(rows.indexOf(focusedIn(el) as HTMLElement)).to.equal(50);
      await expect(el).to.be.accessible();
    });

    it('says what a policy change changed, in English and German', async () => {
      await login('ada');
      await enrollByApi();
      expect((await setPolicyByApi('acme', { mode: 'optional', gracePeriodDays: 10 })).status).to.equal(200);
      expect(
        (
          await setPolicyByApi('acme', {
            mode: 'optional',
            gracePeriodDays: 12,
            allowedFactors: 'phishing_resistant',
          })
        ).status,
      ).to.equal(200);
      expect(
        (
          await setPolicyByApi('acme', {
            mode: 'required_all',
            gracePeriodDays: 12,
            allowedFactors: 'phishing_resistant',
          })
        ).status,
      ).to.equal(200);
      const el = await ready(await log());
      expect(sentences(el).slice(0, 3)).to.deep.equal([
        'Ada Admin changed the policy from Optional to Required for all users',
        'Ada Admin changed the policy: grace period from 10 to 12 days; accepted methods from Any method to Phishing-resistant only',
        'Ada Admin changed the policy: grace period from 7 to 10 days',
      ]);
      const german = await ready(
        await fixture<MfaAuditLog>(
          html`<mfa-audit-log account-id="acme" lang="de" .strings=${de}></mfa-audit-log>`,
        ),
      );
      expect(sentences(german)[1]).to.equal(
        'Ada Admin hat die Richtlinie geändert: Übergangsfrist von 10 auf 12 Tage; zugelassene Methoden von „Jede Methode“ auf „Nur phishing-resistente Methoden“',
      );
      await login('cleo');
      await enrollByApi();
      expect((await setPolicyByApi('contoso', { mode: 'optional', enforceAfterSso: true })).status).to.equal(
        200,
      );
      const sso = await ready(
        await fixture<MfaAuditLog>(html`<mfa-audit-log account-id="contoso"></mfa-audit-log>`),
      );
      expect(sentences(sso)[0]).to.equal(
        'Cleo Contoso changed the policy: MFA now also required after Single Sign-On',
      );
    });

    it('shows wrong codes in a row of one member as one row', async () => {
      await login('max');
      await enrollByApi();
      for (let i = 0; i < 3; i++) await api('POST', '/challenge', { code: '000000' });
      await login('sam');
      await enrollByApi();
      await api('POST', '/challenge', { code: '000000' });
      await login('ada');
      await enrollByApi();
      const el = await ready(await log());
      const wrong = sentences(el).filter((s) => s?.includes('wrong code'));
      expect(wrong).to.deep.equal(['Sam Shared entered a wrong code', 'Max Member entered 3 wrong codes']);
      const german = await ready(
        await fixture<MfaAuditLog>(
          html`<mfa-audit-log account-id="acme" lang="de" .strings=${de}></mfa-audit-log>`,
        ),
      );
      expect(sentences(german).filter((s) => s?.includes('falsch'))).to.deep.equal([
        'Sam Shared hat einen falschen Code eingegeben',
        'Max Member hat 3 falsche Codes eingegeben',
      ]);
    });
  });

  it('speaks German', async () => {
    await login('ada');
    await enrollByApi();
    await setPolicyByApi('acme', { mode: 'required_admins' });
    const el = await ready(
      await fixture<MfaAuditLog>(
        html`<mfa-audit-log lang="de" account-id="acme" .strings=${de}></mfa-audit-log>`,
      ),
    );
    expect(sentences(el)).to.deep.equal([
      'Ada Admin hat die Richtlinie von „Optional“ auf „Pflicht für Administratoren“ geändert',
      'Ada Admin hat eine Authenticator-App eingerichtet',
    ]);
    expect($(el, 'time').textContent).to.match(/jetzt|Sekunde/);
    button(el, 'Fehlgeschlagene Anmeldungen');
    await expect(el).to.be.accessible();
  });
});
