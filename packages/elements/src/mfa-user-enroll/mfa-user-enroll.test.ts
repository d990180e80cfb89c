import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import {
  $,
  $$,
  addPasskeyByApi,
  advance,
  api,
  button,
  devicesDown,
  enrollByApi,
  login,
  rememberDays,
  reset,
  rotateKey,
  setPolicyByApi,
  text,
  totp,
  type,
  until,
  virtualAuthenticator,
} from '../../test/helpers.ts';
import { desktop, expectReflow, phone } from '../../test/reflow.ts';
import type { MfaCredentialChangeEvent, MfaDeviceForgottenEvent, MfaRecoveryCodesEvent } from '../events.ts';
import { en } from '../strings.ts';
import { de } from '../strings-de.ts';
import './mfa-user-enroll.ts';
import type { MfaUserEnroll } from './mfa-user-enroll.ts';

async function ready(el: MfaUserEnroll) {
  await until(() => el.shadowRoot?.querySelector('section'));
  return el;
}

describe('<mfa-user-enroll>', () => {
  beforeEach(async () => {
    await reset();
    await login('max');
  });

  it('is accessible before and during setup', async () => {
    const el = await ready(await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`));
    await expect(el).to.be.accessible();
    expect(text(el)).to.contain('not set up');
    button(el, 'Set up').click();
    await until(() => el.shadowRoot?.querySelector('img'));
    await expect(el).to.be.accessible();
  });

  it('sets up an authenticator app from the manual key and shows ten recovery codes once', async () => {
    const el = await ready(await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`));
    button(el, 'Set up').click();
    const img = (await until(() => el.shadowRoot?.querySelector('img'))) as HTMLImageElement;
    expect(img.alt).to.equal('QR code');
    await until(() => img.complete && img.naturalWidth > 0);
    const box = img.getBoundingClientRect();
    expect(box.width).to.be.at.least(160);
    expect(box.height).to.be.at.least(160);
    expect(getComputedStyle(img).backgroundColor).to.equal('rgb(255, 255, 255)');

    const key = $(el, '.key').textContent?.trim() ?? '';
    expect(key).to.match(/^([A-Z2-7]{4} )+[A-Z2-7]{1,4}$/);
    // A phone cannot scan its own screen: a button opens the same key in its authenticator app.
    const followed: string[] = [];
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      followed.push(this.href);
    };
    try {
      button(el, 'Open in your authenticator app').click();
    } finally {
      HTMLAnchorElement.prototype.click = click;
    }
    expect(followed).to.have.length(1);
    expect(followed[0]).to.match(/^otpauth:\/\/totp\//);
    expect(new URL(followed[0] as string).searchParams.get('secret')).to.equal(key.replace(/ /g, ''));
    const input = $(el, '#code');
    expect(input.getAttribute('autocomplete')).to.equal('one-time-code');
    expect(input.getAttribute('inputmode')).to.equal('numeric');
    expect($(el, 'label[for=code]').textContent).to.match(/code$/);

    // A wrong code first: the error is announced and nothing is enabled yet.
    const code = await totp(key);
    type(input, code === '000000' ? '111111' : '000000');
    button(el, 'Confirm').click();
    await until(() => text(el).includes('attempts left'));
    // Beside the field, which it describes, and which is marked invalid and focused.
    expect($(el, '#code').getAttribute('aria-invalid')).to.equal('true');
    expect($(el, '#code').getAttribute('aria-describedby')).to.equal('message');

    const enrolled = oneEvent(el, 'mfa-enrolled');
    const codesEvent = oneEvent(el, 'mfa-recovery-codes') as Promise<MfaRecoveryCodesEvent>;
    type($(el, '#code'), code);
    button(el, 'Confirm').click();
    await enrolled;
    expect((await codesEvent).count).to.equal(10);
    await until(() => $$(el, '.codes li').length === 10);
    // While the codes are shown, the status above them already says the app is set up.
    await until(() => text(el).includes('on since'));
    expect(text(el)).not.to.contain('not set up');
    expect(text(el)).to.contain('10 recovery codes left');
    const codes = $$(el, '.codes code').map((c) => c.textContent ?? '');
    expect(new Set(codes).size).to.equal(10);
    for (const c of codes) expect(c).to.match(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
    await expect(el).to.be.accessible();

    // Done waits for the acknowledgement; afterwards the codes are gone from the page.
    expect(button(el, 'Done').disabled).to.equal(true);
    const check = $(el, '.check input') as HTMLInputElement;
    check.click();
    await el.updateComplete;
    expect(button(el, 'Done').disabled).to.equal(false);
    button(el, 'Done').click();
    await until(() => text(el).includes('on since'));
    expect(text(el)).to.contain('10 recovery codes left');
    expect(el.shadowRoot?.innerHTML).not.to.contain(codes[0]);
    expect(el.shadowRoot?.innerHTML).not.to.contain(key.replace(/ /g, '').slice(0, 8));
    await expect(el).to.be.accessible();
  });

  it('regenerates recovery codes after a step-up when the verification is old', async () => {
    const { secret } = await enrollByApi();
    const el = await ready(await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`));
    await advance(16 * 60);
    button(el, 'Regenerate recovery codes').click();
    const challenge = await until(() => el.shadowRoot?.querySelector('mfa-challenge'));
    await until(() => challenge.shadowRoot?.querySelector('input'));
    type($(challenge, 'input'), await totp(secret, 32 + 1));
    const codes = oneEvent(el, 'mfa-recovery-codes') as Promise<MfaRecoveryCodesEvent>;
    button(challenge, 'Verify').click();
    expect((await codes).count).to.equal(10);
    await until(() => $$(el, '.codes li').length === 10);
  });

  it('asks for new recovery codes once the key they were made under is being retired', async () => {
    await enrollByApi();
    await rotateKey();
    const el = await ready(await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`));
    expect(text(el)).to.contain('Regenerate them to keep them working.');
    await expect(el).to.be.accessible();
    button(el, 'Regenerate recovery codes').click();
    await until(() => $$(el, '.codes li').length === 10);
    await el.refresh();
    await until(() => !text(el).includes('being retired') && text(el).includes('recovery codes left'));
  });

  it('names the accounts that require MFA, with deadlines, and refuses removal while they do', async () => {
    await login('ada');
    await enrollByApi();
    expect((await setPolicyByApi('acme', { mode: 'required_all' })).status).to.equal(200);
    await login('max');
    await api('GET', '/accounts/acme/access'); // the first evaluation starts max's grace period
    const el = await ready(await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`));
    expect(text(el)).to.match(/Required by.*Acme: set up by/);

    await enrollByApi();
    await el.refresh();
    await el.updateComplete;
    button(el, 'Remove authenticator app').click();
    await el.updateComplete;
    button(el, 'Yes, remove the app').click();
    await until(() => text(el).includes('You cannot remove it: Acme requires MFA.'));
  });

  it('says when the grace period has already ended', async () => {
    await login('ada');
    await enrollByApi();
    expect((await setPolicyByApi('acme', { mode: 'required_all', gracePeriodDays: 0 })).status).to.equal(200);
    await login('max');
    expect((await api('GET', '/accounts/acme/access')).body.reason).to.equal('enrollment_required');
    const el = await ready(await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`));
    expect(text(el)).to.match(/Acme: required now \(the grace period ended .+\)/);
  });

  it('removes MFA when no account requires it', async () => {
    await enrollByApi();
    const el = await ready(await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`));
    button(el, 'Remove authenticator app').click();
    await el.updateComplete;
    const removed = oneEvent(el, 'mfa-unenrolled');
    button(el, 'Yes, remove the app').click();
    await removed;
    await until(() => text(el).includes('not set up'));
  });

  it('shows 401, 5xx and network errors with a retry', async () => {
    await fetch('/__test/login?user=nobody', { method: 'POST' });
    const anonymous = await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`);
    await until(() => text(anonymous).includes('Your session has ended'));
    await login('max');
    const broken = await fixture<MfaUserEnroll>(
      html`<mfa-user-enroll api-base="/mfa-broken"></mfa-user-enroll>`,
    );
    await until(() => text(broken).includes('temporarily unavailable'));
    const down = await fixture<MfaUserEnroll>(
      html`<mfa-user-enroll api-base="http://127.0.0.1:9/mfa"></mfa-user-enroll>`,
    );
    await until(() => text(down).includes('could not be reached'));
    expect(button(down, 'Try again')).to.exist;
    await expect(down).to.be.accessible();
  });

  it('lays the ten recovery codes out apart from each other, in one column on a phone', async () => {
    await enrollByApi();
    const el = await ready(await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`));
    button(el, 'Regenerate recovery codes').click();
    await until(() => $$(el, '.codes li').length === 10);
    for (const size of [phone, desktop]) {
      await size();
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const boxes = $$(el, '.codes li').map((li) => li.getBoundingClientRect());
      boxes.forEach((a, i) => {
        for (const b of boxes.slice(i + 1)) {
          const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
          expect(apart, `codes ${i + 1} and ${boxes.indexOf(b) + 1} overlap`).to.equal(true);
        }
      });
      // Each number stands before its own code, and the code fits its cell.
      for (const code of $$(el, '.codes code')) {
        const cell = (code.parentElement as HTMLElement).getBoundingClientRect();
        const box = code.getBoundingClientRect();
        expect(box.right).to.be.at.most(cell.right + 0.5);
        expect(box.left).to.be.greaterThan(cell.left);
      }
      if (size === phone) expect(new Set(boxes.map((b) => Math.round(b.left))).size).to.equal(1);
      else expect(new Set(boxes.map((b) => Math.round(b.left))).size).to.be.greaterThan(1);
    }
  });

  describe('passkeys and security keys', () => {
    beforeEach(() => virtualAuthenticator('add'));
    afterEach(() => virtualAuthenticator('remove'));

    /** The passkey's row in the list, by its name. */
    const row = (el: MfaUserEnroll, name: string) =>
      $$(el, '.passkey-list li').find((li) => li.querySelector('.passkey-name')?.textContent === name);

    it('adds a named passkey as the first factor, with its recovery codes, then renames and removes it', async () => {
      const el = await ready(await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`));
      expect(text(el)).to.contain('Passkeys and security keys');
      expect(text(el)).to.contain('No passkeys or security keys yet.');
      await expect(el).to.be.accessible();

      button(el, 'Add a passkey').click();
      const name = (await until(() => el.shadowRoot?.querySelector('#passkey-name'))) as HTMLInputElement;
      expect($(el, 'label[for=passkey-name]').textContent).to.equal('Passkey name');
      expect(name.value).to.equal('My passkey');
      expect(el.shadowRoot?.activeElement).to.equal(name);
      await expect(el).to.be.accessible();
      name.value = 'Work laptop';
      const added = oneEvent(el, 'mfa-credential-change') as Promise<MfaCredentialChangeEvent>;
      const codes = oneEvent(el, 'mfa-recovery-codes') as Promise<MfaRecoveryCodesEvent>;
      button(el, 'Continue').click();
      const event = await added;
      expect(event.action).to.equal('added');
      expect(event.credential.name).to.equal('Work laptop');
      expect(event.bubbles && event.composed).to.equal(true);
      expect((await codes).count).to.equal(10);
      await until(() => $$(el, '.codes li').length === 10);
      const made = await virtualAuthenticator('credentials');
      expect(made).to.have.length(1);
      expect(made[0]?.rpId).to.equal('localhost');
      expect(made[0]?.isResidentCredential).to.equal(true);
      await until(() => row(el, 'Work laptop'));
      expect(row(el, 'Work laptop')?.textContent).to.match(/Added .+ · never used/);
      ($(el, '.check input') as HTMLInputElement).click();
      await el.updateComplete;
      button(el, 'Done').click();
      await until(() => !el.shadowRoot?.querySelector('.codes'));
      // The app is still offered beside the passkey.
      expect(text(el)).to.contain('Authenticator app: not set up.');
      expect(text(el)).to.contain('10 recovery codes left');
      await expect(el).to.be.accessible();

      button(el, 'Rename Work laptop').click();
      const rename = (await until(() => el.shadowRoot?.querySelector('#passkey-name'))) as HTMLInputElement;
      expect(rename.value).to.equal('Work laptop');
      await expect(el).to.be.accessible();
      rename.value = 'YubiKey 5C';
      const renamed = oneEvent(el, 'mfa-credential-change') as Promise<MfaCredentialChangeEvent>;
      button(el, 'Save').click();
      expect((await renamed).action).to.equal('renamed');
      await until(() => row(el, 'YubiKey 5C') && text(el).includes('Passkey renamed.'));
      await expect(el).to.be.accessible();

      button(el, 'Remove YubiKey 5C').click();
      await el.updateComplete;
      expect(text(el)).to.contain('Remove YubiKey 5C? You can no longer verify with it.');
      await expect(el).to.be.accessible();
      const removed = oneEvent(el, 'mfa-credential-change') as Promise<MfaCredentialChangeEvent>;
      button(el, 'Yes, remove it').click();
      // Its registration was no step-up: the passkey itself confirms the removal.
      const challenge = await until(() => el.shadowRoot?.querySelector('mfa-challenge'));
      await until(
        () => challenge.shadowRoot?.querySelector('button.primary')?.textContent?.trim() === 'Use a passkey',
      );
      button(challenge, 'Use a passkey').click();
      expect((await removed).action).to.equal('removed');
      await until(() => text(el).includes('No passkeys or security keys yet.'));
      expect(text(el)).to.contain('Passkey removed.');
    });

    it('adds an app beside a passkey without new recovery codes: the saved ones stay', async () => {
      const { recoveryCodes } = await addPasskeyByApi('Laptop');
      expect(recoveryCodes).to.have.length(10);
      const el = await ready(await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`));
      button(el, 'Set up').click();
      await until(() => el.shadowRoot?.querySelector('#code'));
      const key = $(el, '.key').textContent?.replace(/ /g, '') ?? '';
      let codesShown = false;
      el.addEventListener('mfa-recovery-codes', () => {
        codesShown = true;
      });
      const enrolled = oneEvent(el, 'mfa-enrolled');
      type($(el, '#code'), await totp(key));
      button(el, 'Confirm').click();
      await enrolled;
      await until(() => text(el).includes('Your recovery codes stay the ones you saved.'));
      await until(() => text(el).includes('on since'));
      expect($$(el, '.codes li')).to.have.length(0);
      expect(codesShown).to.equal(false);
      expect(text(el)).to.contain('10 recovery codes left');
      await expect(el).to.be.accessible();
      // The codes saved with the passkey still work.
      const used = await api('POST', '/challenge', { recoveryCode: recoveryCodes?.[0] });
      expect(used.status).to.equal(200);
    });

    it('asks for a fresh verification, with the passkey itself, before removing one', async () => {
      await addPasskeyByApi('Phone');
      // A second authenticator: one holds one passkey of an account (the server excludes those it knows).
      await virtualAuthenticator('add');
      await addPasskeyByApi('Laptop');
      const el = await ready(await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`));
      await advance(16 * 60);
      button(el, 'Remove Phone').click();
      await el.updateComplete;
      button(el, 'Yes, remove it').click();
      const challenge = await until(() => el.shadowRoot?.querySelector('mfa-challenge'));
      await until(
        () => challenge.shadowRoot?.querySelector('button.primary')?.textContent?.trim() === 'Use a passkey',
      );
      await expect(el).to.be.accessible();
      const removed = oneEvent(el, 'mfa-credential-change') as Promise<MfaCredentialChangeEvent>;
      button(challenge, 'Use a passkey').click();
      const event = await removed;
      expect(event.credential.name).to.equal('Phone');
      await until(() => !row(el, 'Phone') && row(el, 'Laptop'));
      expect(row(el, 'Laptop')?.textContent).to.match(/last used/);
    });

    it('says when the authenticator already holds a passkey for the account', async () => {
      await addPasskeyByApi('Phone');
      const el = await ready(await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`));
      button(el, 'Add a passkey').click();
      await until(() => el.shadowRoot?.querySelector('#passkey-name'));
      button(el, 'Continue').click();
      await until(() => text(el).includes('already holds a passkey for your account'));
      expect(await virtualAuthenticator('credentials')).to.have.length(1);
      await expect(el).to.be.accessible();
    });

    it('says so where the browser has no WebAuthn', async () => {
      const original = Object.getOwnPropertyDescriptor(window, 'PublicKeyCredential');
      Object.defineProperty(window, 'PublicKeyCredential', { value: undefined, configurable: true });
      try {
        const el = await ready(await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`));
        expect(text(el)).to.contain('This browser cannot use passkeys or security keys.');
        expect($$(el, 'button').some((b) => b.textContent?.trim() === 'Add a passkey')).to.equal(false);
        await expect(el).to.be.accessible();
      } finally {
        if (original) Object.defineProperty(window, 'PublicKeyCredential', original);
      }
    });

    for (const [lang, t] of [
      ['en', en],
      ['de', de],
    ] as const) {
      it(`reflows at 320 px with passkeys listed, named, renamed and removed (${lang})`, async () => {
        await addPasskeyByApi('A security key with a rather long name');
        await phone();
        try {
          const el = await ready(
            await fixture<MfaUserEnroll>(
              html`<mfa-user-enroll lang=${lang} .strings=${t}></mfa-user-enroll>`,
            ),
          );
          await until(() => $$(el, '.passkey-list li').length === 1);
          await expectReflow(el, 'a passkey listed');
          button(el, t.addPasskey).click();
          await until(() => el.shadowRoot?.querySelector('#passkey-name'));
          await expectReflow(el, 'naming a new passkey');
          button(el, t.cancel).click();
          await el.updateComplete;
          button(el, t.renamePasskey('A security key with a rather long name')).click();
          await until(() => el.shadowRoot?.querySelector('#passkey-name'));
          await expectReflow(el, 'renaming a passkey');
          button(el, t.cancel).click();
          await el.updateComplete;
          button(el, t.removePasskey('A security key with a rather long name')).click();
          await el.updateComplete;
          await expectReflow(el, 'confirming the removal of a passkey');
        } finally {
          await desktop();
        }
      });
    }
  });

  describe('remembered devices', () => {
    let secret = '';
    let step = 0;
    /** A new session of Max's that verifies with the app's next code and asks to remember this browser. */
    async function rememberThisBrowser() {
      await login('max');
      if (step > 0) await advance(30);
      step++;
      const res = await api('POST', '/challenge', { code: await totp(secret, step), rememberDevice: true });
      expect(res.body.rememberedUntil, JSON.stringify(res.body)).to.be.a('string');
    }
    const access = async () => (await fetch('/mfa/accounts/acme/access')).json();
    const devices = async () => {
      const el = await ready(await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`));
      await until(() => el.shadowRoot?.querySelector('#devices-title'));
      // The list loads after its heading shows (quietly, with the user's MFA state).
      await until(() => !text(el).includes('Loading…'));
      return el;
    };
    const forgets = (el: MfaUserEnroll) => $$(el, '[part=devices] button');

    beforeEach(async () => {
      ({ secret } = await enrollByApi());
      step = 0;
      await rememberDays(14);
    });

    it('is shown only where an account allows remembering, and says how to remember one', async () => {
      const el = await devices();
      expect($(el, '#devices-title').textContent).to.equal('Remembered devices');
      expect(text(el)).to.contain('No remembered devices. Choose "Remember this device" when you verify');
      await expect(el).to.be.accessible();
      await rememberDays(0);
      const none = await ready(await fixture<MfaUserEnroll>(html`<mfa-user-enroll></mfa-user-enroll>`));
      await new Promise((r) => setTimeout(r, 300));
      expect(none.shadowRoot?.querySelector('#devices-title')).to.equal(null);
    });

    it('says when the devices cannot be read, with Try again, never "none"; Try again lists them', async () => {
      await rememberThisBrowser();
      await devicesDown(true);
      const el = await devices();
      const alert = await until(() => el.shadowRoot?.querySelector('.devices [role=alert]'));
      expect(alert.textContent).to.not.equal('');
      expect(text(el)).to.not.contain('No remembered devices');
      expect(el.shadowRoot?.querySelector('[part=devices]')).to.equal(null);
      await expect(el).to.be.accessible();
      await devicesDown(false);
      button(el, 'Try again').click();
      await until(() => el.shadowRoot?.querySelector('[part=devices] li'));
      expect($(el, '[part=devices] li').textContent).to.contain('This device');
      expect(el.shadowRoot?.querySelector('.devices [role=alert]')).to.equal(null);
    });

    it('lists this device; Forget challenges a new session again and moves focus to the heading', async () => {
      await rememberThisBrowser();
      await login('max'); // signed out and in again: let in by the device
      expect(await access()).to.include({ allow: true, reason: 'verified' });
      const el = await devices();
      await until(() => forgets(el).length === 1);
      const item = $(el, '[part=devices] li');
      expect(item.textContent).to.contain('This device');
      expect(item.textContent).to.match(/Remembered since .+ · last used /);
      const [forget] = forgets(el);
      expect(forget?.textContent?.trim()).to.equal('Forget');
      expect(forget?.getAttribute('aria-label')).to.match(/^Forget: \S/);
      expect(button(el, 'Forget all devices')).to.exist;
      await expect(el).to.be.accessible();

      const forgotten = oneEvent(el, 'mfa-device-forgotten') as Promise<MfaDeviceForgottenEvent>;
      forget?.click();
      const event = await forgotten;
      expect(event.deviceId).to.be.a('string');
      expect(event.bubbles && event.composed).to.equal(true);
      await until(() => el.shadowRoot?.activeElement?.id === 'devices-title');
      expect(text(el)).to.contain('Device forgotten');
      expect(text(el)).to.contain('No remembered devices.');
      await expect(el).to.be.accessible();
      await login('max');
      expect(await access()).to.include({ allow: false, reason: 'challenge_required' });
    });

    it('moves focus to the next Forget after one, and forgets all devices', async () => {
      await rememberThisBrowser();
      await rememberThisBrowser();
      const el = await devices();
      await until(() => forgets(el).length === 2);
      forgets(el)[0]?.click();
      await until(() => forgets(el).length === 1 && el.shadowRoot?.activeElement === forgets(el)[0]);
      expect($(el, '[part=devices] li').textContent).to.contain('This device');

      const forgotten = oneEvent(el, 'mfa-device-forgotten') as Promise<MfaDeviceForgottenEvent>;
      button(el, 'Forget all devices').click();
      expect((await forgotten).deviceId).to.equal(null);
      await until(() => el.shadowRoot?.activeElement?.id === 'devices-title');
      expect(text(el)).to.contain('All devices forgotten');
      expect((await api('GET', '/me/devices')).body.devices).to.deep.equal([]);
    });

    it('speaks German, and reflows at 320 px', async () => {
      await rememberThisBrowser();
      const el = await ready(
        await fixture<MfaUserEnroll>(html`<mfa-user-enroll lang="de" .strings=${de}></mfa-user-enroll>`),
      );
      await until(() => forgets(el).length === 1);
      expect($(el, '#devices-title').textContent).to.equal('Gemerkte Geräte');
      expect(text(el)).to.contain('Dieses Gerät');
      expect(text(el)).to.match(/Gemerkt seit \d{2}\.\d{2}\.\d{4}/);
      expect(forgets(el)[0]?.textContent?.trim()).to.equal('Vergessen');
      expect(button(el, 'Alle Geräte vergessen')).to.exist;
      await expect(el).to.be.accessible();
      await phone();
      try {
        await expectReflow(el, 'remembered devices (de)');
        const english = await ready(
          await fixture<MfaUserEnroll>(html`<mfa-user-enroll lang="en" .strings=${en}></mfa-user-enroll>`),
        );
        await until(() => forgets(english).length === 1);
        await expectReflow(english, 'remembered devices (en)');
      } finally {
        await desktop();
      }
    });
  });

  describe('at 320 px wide', () => {
    before(phone);
    after(desktop);

    it('reflows while loading and after an error', async () => {
      const slow = await fixture<MfaUserEnroll>(
        html`<mfa-user-enroll api-base="/mfa-slow"></mfa-user-enroll>`,
      );
      expect(text(slow)).to.contain('Loading');
      await expectReflow(slow, 'loading');
      const broken = await fixture<MfaUserEnroll>(
        html`<mfa-user-enroll api-base="/mfa-broken"></mfa-user-enroll>`,
      );
      await until(() => text(broken).includes('temporarily unavailable'));
      await expectReflow(broken, 'the error with a retry');
    });

    for (const [lang, t] of [
      ['en', en],
      ['de', de],
    ] as const) {
      it(`reflows in every state of setting up, codes, removal and step-up (${lang})`, async () => {
        await login('ada');
        await enrollByApi();
        expect((await setPolicyByApi('acme', { mode: 'required_all' })).status).to.equal(200);
        await login('max');
        await api('GET', '/accounts/acme/access'); // max's grace period begins
        const render = () =>
          fixture<MfaUserEnroll>(html`<mfa-user-enroll lang=${lang} .strings=${t}></mfa-user-enroll>`);
        const el = await ready(await render());
        expect(text(el)).to.contain(t.statusOff);
        await expectReflow(el, 'not set up, required by an account with a deadline');

        button(el, t.setUp).click();
        const img = (await until(() => el.shadowRoot?.querySelector('img'))) as HTMLImageElement;
        await until(() => img.complete && img.naturalWidth > 0);
        expect(img.getBoundingClientRect().width).to.be.at.least(160);
        await expectReflow(el, 'setup with the QR code and key');
        const key = $(el, '.key').textContent?.trim() ?? '';
        const valid = await Promise.all([-1, 0, 1].map((step) => totp(key, step)));
        type($(el, '#code'), ['000000', '111111', '222222', '333333'].find((c) => !valid.includes(c)) ?? '');
        button(el, t.confirm).click();
        await until(() => $(el, '#message').textContent?.trim());
        await expectReflow(el, 'setup after a wrong code');

        type($(el, '#code'), await totp(key));
        button(el, t.confirm).click();
        await until(() => $$(el, '.codes li').length === 10 && text(el).includes(t.recoveryCodesLeft(10)));
        await expectReflow(el, 'the recovery codes');
        ($(el, '.check input') as HTMLInputElement).click();
        await el.updateComplete;
        button(el, t.done).click();
        await until(() => !el.shadowRoot?.querySelector('.codes'));
        await expectReflow(el, 'set up');

        // The new app's code was no step-up: the session verifies with it before the removal.
        expect((await api('POST', '/challenge', { code: await totp(key, 1) })).status).to.equal(200);
        button(el, t.remove).click();
        await el.updateComplete;
        await expectReflow(el, 'asking to confirm the removal');
        button(el, t.removeConfirm).click();
        await until(() => $(el, '#message').textContent?.trim());
        await expectReflow(el, 'removal refused by a policy');

        await advance(16 * 60);
        button(el, t.regenerate).click();
        const challenge = await until(() => el.shadowRoot?.querySelector('mfa-challenge'));
        await until(() => challenge.shadowRoot?.querySelector('input'));
        await expectReflow(el, 'the step-up before new codes');

        await rotateKey();
        const outdated = await ready(await render());
        await until(() => text(outdated).includes(t.recoveryCodesOutdated));
        await expectReflow(outdated, 'codes made under a retiring key');
      });
    }
  });
});
