import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import {
  $,
  $$,
  advance,
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
import { desktop, expectReflow, phone } from '../../test/reflow.ts';
import type { MfaPolicyChangeEvent } from '../events.ts';
import { en } from '../strings.ts';
import { de } from '../strings-de.ts';
import './mfa-policy-manager.ts';
import type { MfaPolicyManager } from './mfa-policy-manager.ts';

async function ready(el: MfaPolicyManager) {
  await until(() => el.shadowRoot?.querySelector('form'));
  return el;
}

function radio(el: MfaPolicyManager, mode: string) {
  return $(el, `input[value=${mode}]`) as HTMLInputElement;
}

describe('<mfa-policy-manager>', () => {
  beforeEach(async () => {
    await reset();
    await login('ada');
  });

  it('offers exactly the three policies as labelled radios and is accessible', async () => {
    const el = await ready(
      await fixture<MfaPolicyManager>(html`<mfa-policy-manager account-id="acme"></mfa-policy-manager>`),
    );
    const radios = $$(el, 'input[name=mode]') as HTMLInputElement[];
    expect(radios.map((r) => r.value)).to.deep.equal(['optional', 'required_admins', 'required_all']);
    const names = radios.map((r) => $(el, `#${r.getAttribute('aria-labelledby')}`).textContent);
    expect(names).to.deep.equal(['Optional', 'Required for administrators', 'Required for all users']);
    expect(radio(el, 'optional').checked).to.equal(true);
    expect(($(el, '#gracePeriodDays') as HTMLInputElement).value).to.equal('7');
    expect(el.shadowRoot?.querySelector('[role=switch]')).to.equal(null);
    await expect(el).to.be.accessible();
    radio(el, 'required_admins').click();
    await el.updateComplete;
    expect(text(el)).to.contain('1 member has not set up MFA; they have 7 days');
    await expect(el).to.be.accessible();
  });

  it('offers the accepted methods as two radios, and counts the members without a passkey under "Phishing-resistant only"', async () => {
    await enrollByApi();
    const el = await ready(
      await fixture<MfaPolicyManager>(html`<mfa-policy-manager account-id="acme"></mfa-policy-manager>`),
    );
    const radios = $$(el, 'input[name=allowedFactors]') as HTMLInputElement[];
    const names = radios.map((r) => $(el, `#${r.getAttribute('aria-labelledby')}`).textContent);
    expect(names).to.deep.equal(['Any method', 'Phishing-resistant only']);
    expect(radios.map((r) => r.checked)).to.deep.equal([true, false]);
    expect($(el, 'fieldset:nth-of-type(2) legend').textContent).to.equal('Accepted methods');

    radio(el, 'required_all').click();
    await el.updateComplete;
    // Ada has an authenticator app: under "Any method" only Max and Sam lack MFA.
    expect(text(el)).to.contain('2 members have not set up MFA; they have 7 days');
    radio(el, 'phishing_resistant').click();
    await el.updateComplete;
    // Under "Phishing-resistant only" Ada's app does not count either.
    expect(text(el)).to.contain('3 members have no passkey or security key; they have 7 days');
    expect(text(el)).to.contain('Ada Admin');
    await expect(el).to.be.accessible();

    const saved = oneEvent(el, 'mfa-policy-change') as Promise<MfaPolicyChangeEvent>;
    button(el, 'Save').click();
    const { policy } = await saved;
    expect(policy.allowedFactors).to.equal('phishing_resistant');
    expect(policy.mode).to.equal('required_all');
  });

  it('lets members skip the second step on a device for 0–30 days, sent as rememberDeviceDays', async () => {
    await enrollByApi();
    const el = await ready(
      await fixture<MfaPolicyManager>(html`<mfa-policy-manager account-id="acme"></mfa-policy-manager>`),
    );
    const days = $(el, '#rememberDeviceDays') as HTMLInputElement;
    expect(days.value).to.equal('0');
    expect([days.type, days.min, days.max]).to.deep.equal(['number', '0', '30']);
    expect($(el, 'label[for=rememberDeviceDays]').textContent).to.equal(
      'Let members skip the second step on a device for this many days',
    );
    expect($(el, `#${days.getAttribute('aria-describedby')}`).textContent).to.contain('0: never');
    await expect(el).to.be.accessible();
    type(days, '31'); // out of range: the draft keeps its value
    type(days, '14');
    const saved = oneEvent(el, 'mfa-policy-change') as Promise<MfaPolicyChangeEvent>;
    button(el, 'Save').click();
    expect((await saved).policy.rememberDeviceDays).to.equal(14);
    // Cancel restores the stored days.
    type(days, '3');
    button(el, 'Cancel').click();
    await el.updateComplete;
    expect(days.value).to.equal('14');
  });

  it('updates the impact preview with the grace period and the policy', async () => {
    const el = await ready(
      await fixture<MfaPolicyManager>(html`<mfa-policy-manager account-id="acme"></mfa-policy-manager>`),
    );
    radio(el, 'required_all').click();
    type($(el, '#gracePeriodDays'), '14');
    await el.updateComplete;
    expect(text(el)).to.contain('3 members have not set up MFA; they have 14 days');
    expect(text(el)).to.contain('Max Member');
    radio(el, 'optional').click();
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('.impact')).to.equal(null);
  });

  it('tells an administrator without MFA to set it up before changing the policy', async () => {
    const el = await ready(
      await fixture<MfaPolicyManager>(html`<mfa-policy-manager account-id="acme"></mfa-policy-manager>`),
    );
    radio(el, 'required_all').click();
    button(el, 'Save').click();
    await until(() => text(el).includes("Set up MFA in your profile before changing the account's policy."));
    await expect(el).to.be.accessible();
  });

  it('shows the challenge inline when the save needs a step-up, then saves', async () => {
    const { secret } = await enrollByApi();
    await advance(20 * 60);
    const el = await ready(
      await fixture<MfaPolicyManager>(html`<mfa-policy-manager account-id="acme"></mfa-policy-manager>`),
    );
    radio(el, 'required_admins').click();
    button(el, 'Save').click();
    const challenge = await until(() => el.shadowRoot?.querySelector('mfa-challenge'));
    await until(() => challenge.shadowRoot?.querySelector('input'));
    await expect(el).to.be.accessible();
    const saved = oneEvent(el, 'mfa-policy-change') as Promise<MfaPolicyChangeEvent>;
    type($(challenge, 'input'), await totp(secret, 40 + 1));
    button(challenge, 'Verify').click();
    expect((await saved).policy.mode).to.equal('required_admins');
  });

  it('tells the administrator when someone else changed the policy, and shows the new one', async () => {
    await enrollByApi();
    const el = await ready(
      await fixture<MfaPolicyManager>(html`<mfa-policy-manager account-id="acme"></mfa-policy-manager>`),
    );
    expect((await setPolicyByApi('acme', { mode: 'required_admins', gracePeriodDays: 3 })).status).to.equal(
      200,
    );
    radio(el, 'required_all').click();
    button(el, 'Save').click();
    await until(() => text(el).includes('Someone else changed this policy'));
    expect(radio(el, 'required_admins').checked).to.equal(true);
    expect(($(el, '#gracePeriodDays') as HTMLInputElement).value).to.equal('3');
    // Saving again now works: the form carries the new version.
    radio(el, 'required_all').click();
    const saved = oneEvent(el, 'mfa-policy-change') as Promise<MfaPolicyChangeEvent>;
    button(el, 'Save').click();
    expect((await saved).policy.version).to.equal(2);
  });

  it('offers the SSO switch on an SSO account, with the caution', async () => {
    await login('cleo');
    await enrollByApi();
    const el = await ready(
      await fixture<MfaPolicyManager>(html`<mfa-policy-manager account-id="contoso"></mfa-policy-manager>`),
    );
    expect($(el, '.caution').textContent).to.contain('Active Directory');
    const sso = $(el, '[role=switch]') as HTMLInputElement;
    expect($(el, 'label[for=sso]').textContent).to.equal('Also require MFA after Single Sign-On');
    expect(sso.checked).to.equal(false);
    sso.click();
    const saved = oneEvent(el, 'mfa-policy-change') as Promise<MfaPolicyChangeEvent>;
    button(el, 'Save').click();
    expect((await saved).policy.enforceAfterSso).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('fires mfa-cancel on Cancel and restores the stored policy', async () => {
    const el = await ready(
      await fixture<MfaPolicyManager>(html`<mfa-policy-manager account-id="acme"></mfa-policy-manager>`),
    );
    radio(el, 'required_all').click();
    const cancelled = oneEvent(el, 'mfa-cancel');
    button(el, 'Cancel').click();
    await cancelled;
    await el.updateComplete;
    expect(radio(el, 'optional').checked).to.equal(true);
  });

  it('explains that only administrators can manage the policy', async () => {
    await login('max');
    const el = await fixture<MfaPolicyManager>(
      html`<mfa-policy-manager account-id="acme"></mfa-policy-manager>`,
    );
    await until(() => text(el).includes('Only an administrator'));
    await expect(el).to.be.accessible();
  });

  it('disables Save while the request is in flight (no double submit)', async () => {
    await enrollByApi();
    const el = await ready(
      await fixture<MfaPolicyManager>(html`<mfa-policy-manager account-id="acme"></mfa-policy-manager>`),
    );
    radio(el, 'required_all').click();
    let changes = 0;
    el.addEventListener('mfa-policy-change', () => changes++);
    const save = button(el, 'Save');
    save.click();
    await el.updateComplete;
    expect(($(el, 'button.primary') as HTMLButtonElement).disabled).to.equal(true);
    ($(el, 'button.primary') as HTMLButtonElement).click();
    await until(() => changes === 1);
    await new Promise((r) => setTimeout(r, 200));
    expect(changes).to.equal(1);
  });

  describe('at 320 px wide', () => {
    before(phone);
    after(desktop);

    for (const [lang, t] of [
      ['en', en],
      ['de', de],
    ] as const) {
      it(`reflows in every state (${lang})`, async () => {
        const render = (accountId: string, apiBase = '/mfa') =>
          fixture<MfaPolicyManager>(
            html`<mfa-policy-manager lang=${lang} .strings=${t} api-base=${apiBase} account-id=${accountId}></mfa-policy-manager>`,
          );
        const loading = await render('acme', '/mfa-slow');
        await expectReflow(loading, 'loading');
        await login('max');
        const refused = await render('acme');
        await until(() => text(refused).includes(t.errors.not_admin as string));
        await expectReflow(refused, 'refused to a member');

        await login('ada');
        const el = await ready(await render('acme'));
        for (const mode of ['optional', 'required_admins', 'required_all', 'phishing_resistant']) {
          radio(el, mode).click();
          await el.updateComplete;
          await expectReflow(el, `${mode} with its impact`);
        }
        radio(el, 'any').click();
        button(el, t.save).click();
        await until(() => text(el).includes(t.setUpMfaFirst));
        await expectReflow(el, 'asked to set up MFA first');

        const { secret } = await enrollByApi();
        await advance(20 * 60);
        button(el, t.save).click();
        const challenge = await until(() => el.shadowRoot?.querySelector('mfa-challenge'));
        await until(() => challenge.shadowRoot?.querySelector('input'));
        await expectReflow(el, 'the step-up before saving');
        type($(challenge, 'input'), await totp(secret, 40 + 1));
        button(challenge, t.verify).click();
        await until(() => text(el).includes(t.saved));
        await expectReflow(el, 'saved');

        expect(
          (await setPolicyByApi('acme', { mode: 'required_admins', gracePeriodDays: 3 })).status,
        ).to.equal(200);
        radio(el, 'optional').click();
        button(el, t.save).click();
        await until(() => text(el).includes(t.conflict));
        await expectReflow(el, 'a conflicting change');

        await login('cleo');
        const sso = await ready(await render('contoso'));
        radio(sso, 'required_all').click();
        ($(sso, '[role=switch]') as HTMLInputElement).click();
        await sso.updateComplete;
        await expectReflow(sso, 'an SSO account with the switch on');
      });
    }
  });
});
