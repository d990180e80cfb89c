import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import {
  $,
  $$,
  addMembers,
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
import { focusedIn, focusIn, liveLog, sleep } from '../../test/live-log.ts';
import { desktop, expectReflow, phone } from '../../test/reflow.ts';
import type { MfaPolicyChangeEvent } from '../events.ts';
import { en } from '../strings.ts';
import { de } from '../strings-de.ts';
import './mfa-policy-manager.ts';
import type { MfaPolicyManager } from './mfa-policy-manager.ts';

async function ready(el: MfaPolicyManager) {
  await until(() => el.shadowRoot?.querySelector('form')).catch(() => {
    throw new Error(`no form in <mfa-policy-manager account-id="${el.accountId}">: ${text(el)}`);
  });
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
    await enrollByApi();
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
    expect(text(el)).to.contain('Everyone this policy applies to has MFA set up.');
    radio(el, 'required_all').click();
    await el.updateComplete;
    expect(text(el)).to.contain('2 members have not set up MFA; they have 7 days');
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
    await enrollByApi();
    const el = await ready(
      await fixture<MfaPolicyManager>(html`<mfa-policy-manager account-id="acme"></mfa-policy-manager>`),
    );
    radio(el, 'required_all').click();
    type($(el, '#gracePeriodDays'), '14');
    await el.updateComplete;
    expect(text(el)).to.contain('2 members have not set up MFA; they have 14 days');
    expect(text(el)).to.contain('Max Member');
    radio(el, 'optional').click();
    await el.updateComplete;
    expect(el.shadowRoot?.querySelector('.impact')).to.equal(null);
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
    const sso = $(el, '[role=switch]');
    expect($(el, 'label[for=sso]').textContent).to.equal('Also require MFA after Single Sign-On');
    expect(sso.getAttribute('aria-checked')).to.equal('false');
    sso.click();
    const saved = oneEvent(el, 'mfa-policy-change') as Promise<MfaPolicyChangeEvent>;
    button(el, 'Save').click();
    expect((await saved).policy.enforceAfterSso).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('fires mfa-cancel on Cancel and restores the stored policy', async () => {
    await enrollByApi();
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

  describe('as a first-time administrator meets it', () => {
    const manager = (lang = 'en', accountId = 'acme') =>
      fixture<MfaPolicyManager>(
        html`<mfa-policy-manager lang=${lang} .strings=${lang === 'de' ? de : {}} profile-url="/profile" account-id=${accountId}></mfa-policy-manager>`,
      );

    /** Counts the PUTs of the policy while `run` runs. */
    async function puts(run: () => Promise<void>): Promise<number> {
      let count = 0;
      const original = window.fetch;
      window.fetch = (input, init) => {
        if (init?.method === 'PUT') count++;
        return original(input, init);
      };
      try {
        await run();
      } finally {
        window.fetch = original;
      }
      return count;
    }

    for (const [lang, t] of [
      ['en', en],
      ['de', de],
    ] as const) {
      it(`refuses days out of range in place, clamps nothing and saves nothing (${lang})`, async () => {
        await enrollByApi();
        const el = await ready(await manager(lang));
        radio(el, 'required_all').click();
        const grace = $(el, '#gracePeriodDays') as HTMLInputElement;
        const sent = await puts(async () => {
          grace.focus();
          for (const typed of ['1', '12', '120']) type(grace, typed);
          await el.updateComplete;
          expect(grace.value).to.equal('120');
          expect(grace.getAttribute('aria-invalid')).to.equal('true');
          const described = (grace.getAttribute('aria-describedby') ?? '').split(' ');
          const messages = described.map((id) => $(el, `#${id}`).textContent?.trim());
          expect(messages).to.include(lang === 'en' ? 'Enter 0 to 90 days' : 'Geben Sie 0 bis 90 Tage ein');
          // The preview does not claim the 12 days typed on the way.
          expect(text(el)).not.to.contain(lang === 'en' ? '12 days' : '12 Tage');
          button(el, t.save).click();
          await sleep(200);
          expect(focusIn(el)).to.equal('input#gracePeriodDays');
          // An empty field is no 0.
          type(grace, '');
          await el.updateComplete;
          expect(grace.getAttribute('aria-invalid')).to.equal('true');
          button(el, t.save).click();
          await sleep(200);
          const remember = $(el, '#rememberDeviceDays') as HTMLInputElement;
          type(grace, '10');
          type(remember, '31');
          await el.updateComplete;
          expect(grace.hasAttribute('aria-invalid')).to.equal(false);
          expect(remember.getAttribute('aria-invalid')).to.equal('true');
          expect(remember.value).to.equal('31');
          const rememberMessages = (remember.getAttribute('aria-describedby') ?? '')
            .split(' ')
            .map((id) => $(el, `#${id}`).textContent?.trim());
          expect(rememberMessages).to.include(
            lang === 'en' ? 'Enter 0 to 30 days' : 'Geben Sie 0 bis 30 Tage ein',
          );
          button(el, t.save).click();
          await sleep(200);
          expect(focusIn(el)).to.equal('input#rememberDeviceDays');
          await expect(el).to.be.accessible();
        });
        expect(sent, 'no save while a field is out of range').to.equal(0);
        type($(el, '#rememberDeviceDays'), '30');
        const saved = oneEvent(el, 'mfa-policy-change') as Promise<MfaPolicyChangeEvent>;
        button(el, t.save).click();
        const { policy } = await saved;
        expect([policy.gracePeriodDays, policy.rememberDeviceDays]).to.deep.equal([10, 30]);
      });

      it(`tells an administrator without MFA up front, with a link to their profile (${lang})`, async () => {
        const el = await manager(lang);
        await until(() => el.shadowRoot?.querySelector('a[href="/profile"]'));
        // Not the form first and the refusal after it: no policy to fill in yet.
        expect(el.shadowRoot?.querySelector('form')).to.equal(null);
        expect(text(el)).to.contain(t.adminNeedsMfa);
        const link = $(el, 'a[href="/profile"]');
        expect(link.textContent?.trim()).to.equal(t.adminNeedsMfaLink);
        el.focus();
        expect(focusIn(el)).to.equal(`a "${t.adminNeedsMfaLink}"`);
        await expect(el).to.be.accessible();
        // Once the administrator has MFA, the form.
        await enrollByApi();
        await el.refresh();
        await ready(el);
        expect(el.shadowRoot?.querySelector('a[href="/profile"]')).to.equal(null);
      });
    }

    it('moves focus to the error beside Save when a save fails', async () => {
      await enrollByApi();
      const el = await ready(await manager());
      expect((await setPolicyByApi('acme', { mode: 'required_admins' })).status).to.equal(200);
      radio(el, 'required_all').click();
      const save = button(el, 'Save');
      save.focus();
      save.click();
      await until(() => text(el).includes('Someone else changed this policy'));
      await until(() => focusedIn(el)?.id === 'message');
      expect(focusedIn(el)?.textContent).to.contain('Someone else changed this policy');
      await expect(el).to.be.accessible();
    });

    it('announces a short summary of whom a policy affects when the count changes, not per keystroke', async () => {
      await addMembers(40);
      await enrollByApi();
      const el = await ready(await manager());
      const live = liveLog(el);
      try {
        radio(el, 'required_all').click();
        await until(() => live.said.length > 0, 3000);
        await sleep(800);
        expect(live.said).to.deep.equal(['42 members have not set up MFA; they have 7 days.']);
        // Typing the grace period changes the days, not whom it affects: nothing is said.
        const grace = $(el, '#gracePeriodDays');
        for (const typed of ['1', '14', '1', '']) {
          type(grace, typed);
          await el.updateComplete;
        }
        type(grace, '21');
        await sleep(800);
        expect(live.said).to.have.length(1);
        radio(el, 'required_admins').click();
        radio(el, 'required_all').click();
        radio(el, 'required_admins').click();
        await sleep(800);
        // Three clicks in quick succession: the count they end in, once.
        expect(live.said.slice(1)).to.deep.equal(['Everyone this policy applies to has MFA set up.']);
        expect(live.said.join(' ')).not.to.contain('Member 0');
      } finally {
        live.stop();
      }
    });

    it('says "Policy saved." once when it stands on its own, and keeps focus on Save', async () => {
      await enrollByApi();
      const el = await ready(await manager());
      const live = liveLog(el);
      radio(el, 'required_all').click();
      await sleep(700);
      live.said.length = 0;
      const save = button(el, 'Save');
      save.focus();
      save.click();
      await until(() => live.said.includes('Policy saved.'));
      await sleep(300);
      live.stop();
      expect(live.said).to.deep.equal(['Policy saved.']);
      expect(focusIn(el)).to.equal('button "Save"');
    });

    it('words the SSO caution without contradicting the switch, and the switch is a switch', async () => {
      await login('cleo');
      await enrollByApi();
      const el = await ready(await manager('en', 'contoso'));
      const caution = $(el, '.caution').textContent ?? '';
      expect(caution).to.contain('Active Directory');
      expect(caution).not.to.contain('override');
      expect(caution).to.contain('unless you also require MFA after Single Sign-On below');
      const sso = $(el, '[role=switch]');
      expect(sso.tagName).to.equal('BUTTON');
      expect(sso.getAttribute('aria-checked')).to.equal('false');
      expect($(el, 'label[for=sso]').textContent?.trim()).to.equal('Also require MFA after Single Sign-On');
      sso.focus();
      await sendKeys({ press: 'Space' });
      await el.updateComplete;
      expect(sso.getAttribute('aria-checked')).to.equal('true');
      expect(focusIn(el)).to.equal('button#sso');
      ($(el, 'label[for=sso]') as HTMLElement).click();
      await el.updateComplete;
      expect(sso.getAttribute('aria-checked')).to.equal('false');
      sso.click();
      await el.updateComplete;
      await expect(el).to.be.accessible();
      const saved = oneEvent(el, 'mfa-policy-change') as Promise<MfaPolicyChangeEvent>;
      button(el, 'Save').click();
      expect((await saved).policy.enforceAfterSso).to.equal(true);
      const german = await ready(await manager('de', 'contoso'));
      expect($(german, '.caution').textContent).not.to.contain('außer Kraft');
      expect($(german, '[role=switch]').getAttribute('aria-checked')).to.equal('true');
    });

    it('previews a member whose MFA was reset as one who must set it up at the next sign-in', async () => {
      await login('max');
      await enrollByApi();
      await login('ada');
      await enrollByApi();
      expect((await setPolicyByApi('acme', { mode: 'required_all' })).status).to.equal(200);
      expect((await api('DELETE', '/accounts/acme/members/max/mfa')).status).to.equal(200);
      for (const [lang, expected] of [
        ['en', 'Max Member: must set up at next sign-in'],
        ['de', 'Max Member: muss MFA bei der nächsten Anmeldung einrichten'],
      ] as const) {
        const el = await ready(await manager(lang));
        radio(el, 'required_all').click();
        await el.updateComplete;
        await until(() => $$(el, '.impact li').some((li) => li.textContent?.trim() === expected));
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

        await login('cleo'); // Contoso's administrator, with MFA before the clock moves on
        const cleo = await enrollByApi();
        await login('ada');
        const needsMfa = await render('acme');
        await until(() => text(needsMfa).includes(t.adminNeedsMfa));
        await expectReflow(needsMfa, 'an administrator without MFA');

        const { secret } = await enrollByApi();
        await advance(20 * 60);
        const el = await ready(await render('acme'));
        for (const mode of ['optional', 'required_admins', 'required_all', 'phishing_resistant']) {
          radio(el, mode).click();
          await el.updateComplete;
          await expectReflow(el, `${mode} with its impact`);
        }
        radio(el, 'any').click();
        type($(el, '#gracePeriodDays'), '120');
        await el.updateComplete;
        await expectReflow(el, 'a grace period out of range');
        type($(el, '#gracePeriodDays'), '7');
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
        expect((await api('POST', '/challenge', { code: await totp(cleo.secret, 40 + 1) })).status).to.equal(
          200,
        );
        const sso = await ready(await render('contoso'));
        radio(sso, 'required_all').click();
        ($(sso, '[role=switch]') as HTMLInputElement).click();
        await sso.updateComplete;
        await expectReflow(sso, 'an SSO account with the switch on');
      });
    }
  });
});
