import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import {
  $,
  $$,
  addPasskeyByApi,
  advance,
  button,
  enrollByApi,
  login,
  rememberDays,
  reset,
  setPolicyByApi,
  text,
  totp,
  type,
  until,
  virtualAuthenticator,
} from '../../test/helpers.ts';
import { desktop, expectReflow, phone } from '../../test/reflow.ts';
import type { MfaVerifiedEvent } from '../events.ts';
import { en } from '../strings.ts';
import { de } from '../strings-de.ts';
import './mfa-challenge.ts';
import type { MfaChallenge } from './mfa-challenge.ts';

describe('<mfa-challenge>', () => {
  let secret: string;
  let recoveryCodes: string[];

  beforeEach(async () => {
    await reset();
    await login('ada');
    ({ secret, recoveryCodes } = await enrollByApi());
    await login('ada'); // a new session, not yet verified
  });

  it('is accessible', async () => {
    const el = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
    await expect(el).to.be.accessible();
    const input = $(el, 'input');
    expect(input.getAttribute('autocomplete')).to.equal('one-time-code');
    expect(input.getAttribute('inputmode')).to.equal('numeric');
    expect($(el, 'label').textContent).to.match(/code$/);
  });

  it('verifies a code computed from the key and fires mfa-verified', async () => {
    const el = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
    type($(el, 'input'), await totp(secret, 1));
    const verified = oneEvent(el, 'mfa-verified') as Promise<MfaVerifiedEvent>;
    button(el, 'Verify').click();
    const event = await verified;
    expect(event.result.verified).to.equal(true);
    expect(event.result.recoveryCodesRemaining).to.equal(10);
    expect(event.bubbles && event.composed).to.equal(true);
    await until(() => text(el).includes('Verified'));
  });

  it('takes a pasted code with spaces', async () => {
    const el = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
    const code = await totp(secret, 1);
    type($(el, 'input'), `${code.slice(0, 3)} ${code.slice(3)}`);
    expect(($(el, 'input') as HTMLInputElement).value).to.equal(code);
  });

  it('shows attempts left after a wrong code, and the wait after too many', async () => {
    const el = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
    const good = await totp(secret, 1);
    const wrong = good === '000000' ? '111111' : '000000';
    type($(el, 'input'), wrong);
    button(el, 'Verify').click();
    await until(() => text(el).includes('4 attempts left'));
    // Said once, politely (the field is marked and described by it); the wait below is said once too.
    expect($(el, '#code').getAttribute('aria-invalid')).to.equal('true');
    expect($$(el, '[aria-live=assertive]')).to.have.length(0);
    for (let i = 0; i < 4; i++) {
      await until(() => !button(el, 'Verify').disabled);
      type($(el, 'input'), wrong);
      button(el, 'Verify').click();
      await until(() => ($(el, 'input') as HTMLInputElement).value === '');
    }
    await until(() => /Try again in \d+ seconds/.test(text(el)));
    expect(button(el, 'Verify').disabled).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('accepts a recovery code instead, once', async () => {
    const el = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
    button(el, 'Use a recovery code instead').click();
    await until(() => $(el, 'label').textContent === 'Recovery code');
    type($(el, 'input'), recoveryCodes[0] as string);
    button(el, 'Verify').click();
    await until(() => text(el).includes('Verified'));

    await login('ada');
    const again = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
    button(again, 'Use a recovery code instead').click();
    await again.updateComplete;
    type($(again, 'input'), recoveryCodes[0] as string);
    button(again, 'Verify').click();
    await until(() => text(again).includes('not valid'));
  });

  it('says when the server cannot be reached or fails', async () => {
    const down = await fixture<MfaChallenge>(
      html`<mfa-challenge api-base="http://127.0.0.1:9/mfa"></mfa-challenge>`,
    );
    type($(down, 'input'), '123456');
    button(down, 'Verify').click();
    await until(() => text(down).includes('could not be reached'));

    const broken = await fixture<MfaChallenge>(html`<mfa-challenge api-base="/mfa-broken"></mfa-challenge>`);
    type($(broken, 'input'), '123456');
    button(broken, 'Verify').click();
    await until(() => text(broken).includes('temporarily unavailable'));
    void advance;
  });

  it('says where the code comes from, and what a recovery code is', async () => {
    const el = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
    expect(text(el)).to.contain('Enter the 6-digit code from your authenticator app');
    expect($(el, 'input').getAttribute('aria-describedby')).to.equal('hint message');
    button(el, 'Use a recovery code instead').click();
    await el.updateComplete;
    expect($(el, '#hint').textContent).to.contain('recovery codes you saved');
  });

  describe('remembering the device', () => {
    beforeEach(() => rememberDays(14));

    it('offers "Remember this device for N days" only where an account allows it, and not in a step-up', async () => {
      const el = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
      const box = await until(() => el.shadowRoot?.querySelector<HTMLInputElement>('#remember'));
      expect(box.type).to.equal('checkbox');
      expect(box.checked).to.equal(false);
      expect($(el, '[part=remember]').textContent).to.equal('Remember this device for 14 days');
      await expect(el).to.be.accessible();
      // Inside another element's step-up and in the host's step-up, remembering is not offered.
      for (const inline of [
        await fixture<MfaChallenge>(html`<mfa-challenge no-heading></mfa-challenge>`),
        await fixture<MfaChallenge>(html`<mfa-challenge step-up></mfa-challenge>`),
      ]) {
        await until(() => (inline as unknown as { rememberDays: number }).rememberDays === 14);
        await inline.updateComplete;
        expect(inline.shadowRoot?.querySelector('#remember')).to.equal(null);
      }
      await rememberDays(0);
      const none = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
      await new Promise((r) => setTimeout(r, 300));
      expect(none.shadowRoot?.querySelector('#remember')).to.equal(null);
    });

    it('remembers the device when checked: a new session is let in without a challenge', async () => {
      const el = await fixture<MfaChallenge>(html`<mfa-challenge account-id="acme"></mfa-challenge>`);
      (await until(() => el.shadowRoot?.querySelector<HTMLInputElement>('#remember'))).click();
      type($(el, '#code'), await totp(secret, 1));
      const verified = oneEvent(el, 'mfa-verified') as Promise<MfaVerifiedEvent>;
      button(el, 'Verify').click();
      const { result } = await verified;
      expect(Date.parse(result.rememberedUntil ?? '') - Date.now()).to.be.greaterThan(13.9 * 86_400_000);
      await login('ada'); // a new session, as after signing out and in again
      const access = await (await fetch('/mfa/accounts/acme/access')).json();
      expect(access).to.include({ allow: true, reason: 'verified' });
    });

    it('does not remember an unchecked device', async () => {
      const el = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
      await until(() => el.shadowRoot?.querySelector('#remember'));
      type($(el, '#code'), await totp(secret, 1));
      const verified = oneEvent(el, 'mfa-verified') as Promise<MfaVerifiedEvent>;
      button(el, 'Verify').click();
      expect((await verified).result.rememberedUntil).to.equal(null);
      await login('ada');
      const access = await (await fetch('/mfa/accounts/acme/access')).json();
      expect(access).to.include({ allow: false, reason: 'challenge_required' });
    });

    it('says it in German, and the checkbox and a step-up reflow at 320 px', async () => {
      const el = await fixture<MfaChallenge>(html`<mfa-challenge lang="de" .strings=${de}></mfa-challenge>`);
      await until(() => el.shadowRoot?.querySelector('#remember'));
      expect($(el, '[part=remember]').textContent).to.equal('Dieses Gerät 14 Tage lang merken');
      await expect(el).to.be.accessible();
      await phone();
      try {
        for (const [lang, t] of [
          ['en', en],
          ['de', de],
        ] as const) {
          const shown = await fixture<MfaChallenge>(
            html`<mfa-challenge lang=${lang} .strings=${t}></mfa-challenge>`,
          );
          await until(() => shown.shadowRoot?.querySelector('#remember'));
          await expectReflow(shown, `the remember checkbox (${lang})`);
          const stepUp = await fixture<MfaChallenge>(
            html`<mfa-challenge step-up reason="change payout details" lang=${lang} .strings=${t}></mfa-challenge>`,
          );
          await expectReflow(stepUp, `a step-up (${lang})`);
        }
      } finally {
        await desktop();
      }
    });
  });

  describe('as a step-up for an action of the host', () => {
    it('says why, verifies, fires mfa-verified and stays ready for the next action', async () => {
      const el = await fixture<MfaChallenge>(
        html`<mfa-challenge step-up reason="change payout details"></mfa-challenge>`,
      );
      expect($(el, 'h2').textContent).to.equal("Confirm it's you to change payout details");
      await expect(el).to.be.accessible();
      const code = await totp(secret, 1);
      type($(el, '#code'), code);
      let verified = oneEvent(el, 'mfa-verified') as Promise<MfaVerifiedEvent>;
      button(el, 'Verify').click();
      expect((await verified).result.verified).to.equal(true);
      await el.updateComplete;
      // The form again, empty, not "Verified.": the host retries its action and may ask again.
      expect(($(el, '#code') as HTMLInputElement).value).to.equal('');
      expect(text(el)).not.to.contain('Verified.');
      // The same code a second time is refused as usual; the app's next code verifies.
      type($(el, '#code'), code);
      button(el, 'Verify').click();
      await until(() => text(el).includes('That code is not valid.'));
      await expect(el).to.be.accessible();
      await advance(30);
      await until(() => !button(el, 'Verify').disabled);
      type($(el, '#code'), await totp(secret, 2));
      verified = oneEvent(el, 'mfa-verified') as Promise<MfaVerifiedEvent>;
      button(el, 'Verify').click();
      expect((await verified).result.verified).to.equal(true);
    });

    it('says "Confirm it\'s you" without a reason, and the reason in German', async () => {
      const plain = await fixture<MfaChallenge>(html`<mfa-challenge step-up></mfa-challenge>`);
      expect($(plain, 'h2').textContent).to.equal("Confirm it's you");
      const german = await fixture<MfaChallenge>(
        html`<mfa-challenge step-up lang="de" .strings=${de} reason="die Auszahlungsdaten zu ändern"></mfa-challenge>`,
      );
      expect($(german, 'h2').textContent).to.equal(
        'Bestätigen Sie, dass Sie es sind, um die Auszahlungsdaten zu ändern',
      );
      await expect(german).to.be.accessible();
    });
  });

  describe('with a passkey', () => {
    beforeEach(async () => {
      await virtualAuthenticator('add');
      await totpVerified(1);
      await addPasskeyByApi('Work laptop');
      await login('ada'); // a new session, not yet verified
    });
    afterEach(() => virtualAuthenticator('remove'));

    /**
     * A new session of Ada's, verified with her app (as adding a passkey to an account with
     * MFA needs) with the code `steps` time steps ahead (each code is taken once).
     */
    async function totpVerified(steps: number) {
      await login('ada');
      const res = await fetch('/mfa/challenge', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: await totp(secret, steps) }),
      });
      expect(res.status).to.equal(200);
    }

    it('offers Use a passkey first, and verifies with the authenticator', async () => {
      const el = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
      await until(() => $$(el, 'button').some((b) => b.textContent?.trim() === 'Use a passkey'));
      expect($(el, 'button.primary').textContent?.trim()).to.equal('Use a passkey');
      expect(text(el)).to.contain('Use a passkey or security key you added to your account.');
      expect(button(el, 'Use an authentication code instead')).to.exist;
      expect(button(el, 'Use a recovery code instead')).to.exist;
      await expect(el).to.be.accessible();

      const verified = oneEvent(el, 'mfa-verified') as Promise<MfaVerifiedEvent>;
      button(el, 'Use a passkey').click();
      const { result } = await verified;
      expect(result.method).to.equal('webauthn');
      await until(() => text(el).includes('Verified'));
      const [credential] = await virtualAuthenticator('credentials');
      expect(credential?.rpId).to.equal('localhost');
    });

    it('says so when the passkey dialog ends without one, and lets the user try again', async () => {
      // Another authenticator, without the user's passkey: the browser's dialog ends with NotAllowedError.
      await virtualAuthenticator('add');
      const el = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
      await until(() => $(el, 'button.primary').textContent?.trim() === 'Use a passkey');
      let verified = false;
      el.addEventListener('mfa-verified', () => {
        verified = true;
      });
      button(el, 'Use a passkey').click();
      await until(() => text(el).includes('The passkey dialog was closed before it finished.'), 8000);
      expect(verified).to.equal(false);
      expect(button(el, 'Use a passkey').disabled).to.equal(false);
      await expect(el).to.be.accessible();
    });

    it('still takes the app code when the user chooses it', async () => {
      const el = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
      await until(() => $(el, 'button.primary').textContent?.trim() === 'Use a passkey');
      button(el, 'Use an authentication code instead').click();
      await until(() => el.shadowRoot?.querySelector('input'));
      expect(button(el, 'Use a passkey')).to.exist;
      // The server's clock a step on: the next code is new to it (step 1 was taken).
      await advance(30);
      type($(el, 'input'), await totp(secret, 2));
      const verified = oneEvent(el, 'mfa-verified') as Promise<MfaVerifiedEvent>;
      button(el, 'Verify').click();
      expect((await verified).result.method).to.equal('totp');
    });

    it('offers only the passkey or a recovery code where the account accepts only phishing-resistant methods', async () => {
      await advance(30);
      await totpVerified(2);
      const policy = await setPolicyByApi('acme', {
        mode: 'required_all',
        allowedFactors: 'phishing_resistant',
      });
      expect(policy.status).to.equal(200);
      await login('ada');
      const el = await fixture<MfaChallenge>(html`<mfa-challenge account-id="acme"></mfa-challenge>`);
      await until(() => $(el, 'button.primary').textContent?.trim() === 'Use a passkey');
      expect(text(el)).to.contain(
        'This account accepts only passkeys and security keys, or a recovery code.',
      );
      expect($$(el, 'button.link').map((b) => b.textContent?.trim())).to.deep.equal([
        'Use a recovery code instead',
      ]);
      await expect(el).to.be.accessible();
      const verified = oneEvent(el, 'mfa-verified');
      button(el, 'Use a passkey').click();
      await verified;
      const access = await (await fetch('/mfa/accounts/acme/access')).json();
      expect(access).to.include({ allow: true, reason: 'verified' });
    });

    it('reflows at 320 px in English and German', async () => {
      await phone();
      try {
        for (const [lang, t] of [
          ['en', en],
          ['de', de],
        ] as const) {
          const el = await fixture<MfaChallenge>(
            html`<mfa-challenge lang=${lang} .strings=${t}></mfa-challenge>`,
          );
          await until(() => $(el, 'button.primary').textContent?.trim() === t.usePasskey);
          await expectReflow(el, `the passkey prompt (${lang})`);
        }
      } finally {
        await desktop();
      }
    });
  });

  describe('at 320 px wide', () => {
    before(phone);
    after(desktop);

    for (const [lang, t] of [
      ['en', en],
      ['de', de],
    ] as const) {
      it(`reflows in every state (${lang})`, async () => {
        const render = (noHeading = false) =>
          fixture<MfaChallenge>(
            html`<mfa-challenge lang=${lang} .strings=${t} ?no-heading=${noHeading}></mfa-challenge>`,
          );
        const el = await render();
        await expectReflow(el, 'the code prompt');
        await expectReflow(await render(true), 'the code prompt without heading');

        const recovery = await render();
        button(recovery, t.useRecoveryCode).click();
        await until(() => $(recovery, 'label').textContent === t.recoveryCodeLabel);
        await expectReflow(recovery, 'the recovery code prompt');
        type($(recovery, 'input'), recoveryCodes[0] as string);
        button(recovery, t.verify).click();
        await until(() => text(recovery).includes(t.verified));
        await expectReflow(recovery, 'verified');
        await login('ada'); // a new session: the lock after too many attempts comes last
        const wrongs = await render();
        const valid = await Promise.all([-1, 0, 1, 2].map((step) => totp(secret, step)));
        const wrong =
          ['000000', '111111', '222222', '333333', '444444'].find((c) => !valid.includes(c)) ?? '';
        type($(wrongs, 'input'), wrong);
        button(wrongs, t.verify).click();
        await until(() => text(wrongs).includes(t.attemptsLeft(4)));
        await expectReflow(wrongs, 'a wrong code');
        for (let i = 0; i < 4; i++) {
          await until(() => !button(wrongs, t.verify).disabled);
          type($(wrongs, 'input'), wrong);
          button(wrongs, t.verify).click();
          await until(() => ($(wrongs, 'input') as HTMLInputElement).value === '');
        }
        await until(
          () => button(wrongs, t.verify).disabled && text(wrongs).includes(t.waitSeconds(30).slice(0, 10)),
        );
        await expectReflow(wrongs, 'the wait after too many attempts');
      });
    }
  });
});
