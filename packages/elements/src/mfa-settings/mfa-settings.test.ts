import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import {
  $,
  $$,
  button,
  daysAhead,
  enrollByApi,
  login,
  reset,
  setPolicyByApi,
  text,
  until,
} from '../../test/helpers.ts';
import { focusIn, liveLog, sleep } from '../../test/live-log.ts';
import { desktop, expectReflow, phone } from '../../test/reflow.ts';
import type { MfaPolicyChangeEvent } from '../events.ts';
import type { MfaPolicyManager } from '../mfa-policy-manager/mfa-policy-manager.ts';
import './mfa-settings.ts';
import { en } from '../strings.ts';
import { de } from '../strings-de.ts';
import type { MfaSettings } from './mfa-settings.ts';

async function ready(el: MfaSettings) {
  await until(() => el.shadowRoot?.querySelector('section'));
  return el;
}

function deepActive(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

async function openManager(el: MfaSettings, manage = 'Manage'): Promise<MfaPolicyManager> {
  button(el, manage).click();
  const manager = await until(() => el.shadowRoot?.querySelector('mfa-policy-manager'));
  await until(() => manager.shadowRoot?.querySelector('form'));
  return manager;
}

describe('<mfa-settings>', () => {
  beforeEach(async () => {
    await reset();
  });

  it('shows the policy read-only to a member, without Manage', async () => {
    await login('max');
    const el = await ready(await fixture<MfaSettings>(html`<mfa-settings account-id="acme"></mfa-settings>`));
    await expect(el).to.be.accessible();
    expect(text(el)).to.contain('Optional');
    expect(text(el)).to.contain('Nobody is forced');
    expect(text(el)).to.contain('0 of 3 members have MFA set up');
    expect(text(el)).to.contain('nobody has changed it');
    expect(el.shadowRoot?.querySelector('button.manage')).to.equal(null);
  });

  it('says how many days members may skip the second step on a remembered device, when they may', async () => {
    await login('ada');
    await enrollByApi();
    const el = await ready(await fixture<MfaSettings>(html`<mfa-settings account-id="acme"></mfa-settings>`));
    expect(text(el)).not.to.contain('remembered device');
    expect((await setPolicyByApi('acme', { mode: 'optional', rememberDeviceDays: 1 })).status).to.equal(200);
    await el.refresh();
    await until(() =>
      text(el).includes('Members may skip the second step on a remembered device for 1 day.'),
    );
    await expect(el).to.be.accessible();
    el.lang = 'de';
    el.strings = de;
    await until(() =>
      text(el).includes(
        'Mitglieder dürfen den zweiten Schritt auf einem gemerkten Gerät 1 Tag lang überspringen.',
      ),
    );
  });

  it('names the accepted methods, and under "Phishing-resistant only" counts members with a passkey', async () => {
    await login('ada');
    await enrollByApi();
    const el = await ready(await fixture<MfaSettings>(html`<mfa-settings account-id="acme"></mfa-settings>`));
    expect(text(el)).to.contain('Accepted methods: Any method');
    expect(text(el)).to.contain('1 of 3 members have MFA set up');
    const saved = await setPolicyByApi('acme', {
      mode: 'required_all',
      allowedFactors: 'phishing_resistant',
    });
    expect(saved.status).to.equal(200);
    await el.refresh();
    await until(() => text(el).includes('Accepted methods: Phishing-resistant only'));
    // Ada's authenticator app does not count here.
    expect(text(el)).to.contain('0 of 3 members have a passkey or security key.');
    await expect(el).to.be.accessible();
  });

  it('shows administrators the members and the activity below the policy; a reset appears in the activity', async () => {
    await login('max');
    await enrollByApi();
    await login('ada');
    await enrollByApi();
    const el = await ready(await fixture<MfaSettings>(html`<mfa-settings account-id="acme"></mfa-settings>`));
    const members = await until(() => el.shadowRoot?.querySelector('mfa-members'));
    const activity = await until(() => el.shadowRoot?.querySelector('mfa-audit-log'));
    await until(() => members.shadowRoot?.querySelector('table'));
    await until(() => activity.shadowRoot?.querySelector('ol'));
    expect(text(members)).to.contain('Max Member');
    expect(text(activity)).to.contain('Max Member set up an authenticator app');
    await expect(el).to.be.accessible();
    button(members, 'Reset MFA: Max Member').click();
    const dialog = await until(() => members.shadowRoot?.querySelector<HTMLDialogElement>('dialog[open]'));
    [...dialog.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Reset MFA')?.click();
    await until(() => text(activity).includes('Ada Admin reset the MFA of Max Member'));
  });

  it('shows a member neither the members nor the activity', async () => {
    await login('max');
    const el = await ready(await fixture<MfaSettings>(html`<mfa-settings account-id="acme"></mfa-settings>`));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(el.shadowRoot?.querySelector('mfa-members')).to.equal(null);
    expect(el.shadowRoot?.querySelector('mfa-audit-log')).to.equal(null);
  });

  it('shows the SSO caution naming the identity provider', async () => {
    await login('cleo');
    const el = await ready(
      await fixture<MfaSettings>(html`<mfa-settings account-id="contoso"></mfa-settings>`),
    );
    const caution = $(el, '.caution');
    expect(caution.textContent).to.contain('Active Directory');
    expect(caution.textContent).to.contain('follow its sign-in rules');
    await expect(el).to.be.accessible();
  });

  it('opens the manager in a modal dialog, moves focus in, and Escape returns it to Manage', async () => {
    await login('ada');
    await enrollByApi();
    const el = await ready(await fixture<MfaSettings>(html`<mfa-settings account-id="acme"></mfa-settings>`));
    const manage = button(el, 'Manage');
    manage.focus();
    const manager = await openManager(el);
    const dialog = $(el, 'dialog') as HTMLDialogElement;
    expect(dialog.open).to.equal(true);
    expect(dialog.matches(':modal')).to.equal(true);
    await until(() => deepActive()?.matches('input[type=radio]'));
    expect((deepActive() as HTMLInputElement).value).to.equal('optional');
    await expect(el).to.be.accessible();

    await sendKeys({ press: 'Escape' });
    await until(() => !dialog.open);
    await until(() => deepActive() === manage);
    await el.updateComplete;
    expect(manager.isConnected).to.equal(false);
  });

  it('saves a requiring policy in one click and shows it at once', async () => {
    await login('ada');
    await enrollByApi();
    const el = await ready(await fixture<MfaSettings>(html`<mfa-settings account-id="acme"></mfa-settings>`));
    const manager = await openManager(el);
    const all = $(manager, 'input[value=required_all]') as HTMLInputElement;
    all.click();
    await manager.updateComplete;
    expect(text(manager)).to.contain('2 members have not set up MFA; they have 7 days');
    const changed = oneEvent(el, 'mfa-policy-change') as Promise<MfaPolicyChangeEvent>;
    button(manager, 'Save').click();
    expect((await changed).policy.mode).to.equal('required_all');
    const dialog = $(el, 'dialog') as HTMLDialogElement;
    await until(() => !dialog.open);
    await until(() => text(el).includes('Required for all users'));
    expect(text(el)).to.contain('Changed by Ada Admin');
    expect(text(el)).to.contain('1 of 3 members have MFA set up');
  });

  it('shows errors for an unknown account and for a signed-out user', async () => {
    await login('ada');
    const unknown = await fixture<MfaSettings>(html`<mfa-settings account-id="nope"></mfa-settings>`);
    await until(() => text(unknown).includes('not a member'));
    await expect(unknown).to.be.accessible();
    await fetch('/__test/login?user=nobody', { method: 'POST' });
    const anonymous = await fixture<MfaSettings>(html`<mfa-settings account-id="acme"></mfa-settings>`);
    await until(() => text(anonymous).includes('Your session has ended'));
    expect(button(anonymous, 'Try again')).to.exist;
  });

  it('follows a policy changed elsewhere after refresh()', async () => {
    await login('ada');
    await enrollByApi(); // changing a policy needs an administrator who has MFA
    const el = await ready(await fixture<MfaSettings>(html`<mfa-settings account-id="acme"></mfa-settings>`));
    expect((await setPolicyByApi('acme', { mode: 'optional', gracePeriodDays: 3 })).status).to.equal(200);
    await el.refresh();
    await until(() => text(el).includes('Changed by Ada Admin'));
  });

  describe('as a first-time administrator meets it', () => {
    const settings = (lang = 'en', accountId = 'acme') =>
      fixture<MfaSettings>(
        html`<mfa-settings lang=${lang} .strings=${lang === 'de' ? de : {}} profile-url="/profile" account-id=${accountId}></mfa-settings>`,
      );

    it('says "Policy saved." once, in the settings, after the dialog closed', async () => {
      await login('ada');
      await enrollByApi();
      const el = await ready(await settings());
      const live = liveLog(el);
      const manage = button(el, 'Manage');
      manage.focus();
      const manager = await openManager(el);
      ($(manager, 'input[value=required_all]') as HTMLInputElement).click();
      await sleep(700);
      live.said.length = 0;
      button(manager, 'Save').click();
      const dialog = $(el, 'dialog') as HTMLDialogElement;
      await until(() => !dialog.open);
      await until(() => $(el, '[data-live]').textContent === 'Policy saved.');
      await sleep(300);
      live.stop();
      expect(live.said.filter((s) => s.includes('Policy saved.'))).to.deep.equal(['Policy saved.']);
      expect(focusIn(el)).to.equal('button "Manage"');
      expect(text(el)).to.contain('Policy saved.');
      await expect(el).to.be.accessible();
    });

    for (const [lang, t] of [
      ['en', en],
      ['de', de],
    ] as const) {
      it(`shows the grace period and the enforcement date beside the policy (${lang})`, async () => {
        await login('ada');
        await enrollByApi();
        expect((await setPolicyByApi('acme', { mode: 'required_all', gracePeriodDays: 10 })).status).to.equal(
          200,
        );
        const el = await ready(await settings(lang));
        await until(() => text(el).includes(t.graceSummary(10)));
        expect(t.graceSummary(10)).to.contain('10');
        expect((await setPolicyByApi('acme', { mode: 'optional', gracePeriodDays: 10 })).status).to.equal(
          200,
        );
        await el.refresh();
        await until(() => !text(el).includes(t.graceSummary(10)));
        // A start date ahead: the policy from then on.
        const from = daysAhead(20);
        const saved = await setPolicyByApi('acme', { mode: 'required_all', enforceFrom: from.toISOString() });
        expect(saved.status).to.equal(200);
        await el.refresh();
        const date = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(from);
        await until(() => text(el).includes(t.enforceFromSummary(t.modeLabels.required_all, date, true)));
        expect(t.enforceFromSummary(t.modeLabels.required_all, date, true)).to.equal(
          lang === 'en' ? `Required for all users from ${date}.` : `Pflicht für alle Benutzer ab ${date}.`,
        );
      });

      it(`words the SSO line by the switch, without "override" (${lang})`, async () => {
        await login('cleo');
        await enrollByApi();
        const el = await ready(await settings(lang, 'contoso'));
        expect($(el, '.caution').textContent?.trim()).to.equal(t.ssoSummary('Active Directory', false));
        expect($(el, '.caution').textContent).not.to.match(/override|außer Kraft/);
        expect(
          (await setPolicyByApi('contoso', { mode: 'required_all', enforceAfterSso: true })).status,
        ).to.equal(200);
        await el.refresh();
        await until(() => $(el, '.caution').textContent?.trim() === t.ssoSummary('Active Directory', true));
      });

      it(`tells an administrator without MFA before the form, linking their profile (${lang})`, async () => {
        await login('ada');
        const el = await ready(await settings(lang));
        button(el, t.manage).click();
        const manager = await until(() => el.shadowRoot?.querySelector('mfa-policy-manager'));
        const link = await until(() => manager.shadowRoot?.querySelector('a[href="/profile"]'));
        expect(link.textContent?.trim()).to.equal(t.adminNeedsMfaLink);
        expect(manager.shadowRoot?.querySelector('form')).to.equal(null);
        await until(() => focusIn(manager) === `a "${t.adminNeedsMfaLink}"`);
        await expect(el).to.be.accessible();
      });
    }

    it('keeps Save and Cancel in view in the phone-width dialog', async () => {
      await login('ada');
      await enrollByApi();
      await phone();
      try {
        for (const lang of ['en', 'de']) {
          const el = await ready(await settings(lang));
          const manager = await openManager(el, lang === 'en' ? 'Manage' : 'Verwalten');
          ($(manager, 'input[value=required_all]') as HTMLInputElement).click();
          await manager.updateComplete;
          const dialog = $(el, 'dialog').getBoundingClientRect();
          for (const b of $$(manager, 'form > .actions button')) {
            const box = b.getBoundingClientRect();
            expect(box.bottom, `${b.textContent} in view`).to.be.at.most(
              Math.min(dialog.bottom, window.innerHeight),
            );
            expect(box.top).to.be.at.least(dialog.top);
          }
          await expectReflow(el, `the dialog in ${lang}`);
          ($(el, 'dialog') as HTMLDialogElement).close();
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
      it(`reflows in every state, the dialog open (${lang})`, async () => {
        const render = (accountId: string, apiBase = '/mfa') =>
          fixture<MfaSettings>(
            html`<mfa-settings lang=${lang} .strings=${t} api-base=${apiBase} account-id=${accountId}></mfa-settings>`,
          );
        await login('max');
        await expectReflow(await render('acme', '/mfa-slow'), 'loading');
        const unknown = await render('nope');
        await until(() => text(unknown).includes(t.errors.not_member as string));
        await expectReflow(unknown, 'an error with a retry');
        await expectReflow(await ready(await render('acme')), 'read-only to a member');

        await login('ada');
        await enrollByApi();
        for (const mode of ['required_admins', 'required_all', 'optional'] as const) {
          expect((await setPolicyByApi('acme', { mode })).status).to.equal(200);
          const el = await ready(await render('acme'));
          await until(() => text(el).includes(t.modeLabels[mode]));
          await expectReflow(el, `${mode}, to an administrator`);
        }

        const el = await ready(await render('acme'));
        const manager = await openManager(el, t.manage);
        for (const mode of ['required_admins', 'required_all']) {
          ($(manager, `input[value=${mode}]`) as HTMLInputElement).click();
          await manager.updateComplete;
          await expectReflow(el, `the dialog, ${mode} with its impact`);
        }

        await login('cleo');
        const needsMfa = await ready(await render('contoso'));
        await expectReflow(needsMfa, 'the SSO caution');
        button(needsMfa, t.manage).click();
        const told = await until(() => needsMfa.shadowRoot?.querySelector('mfa-policy-manager'));
        await until(() => text(told).includes(t.adminNeedsMfa));
        await expectReflow(needsMfa, 'the dialog telling an administrator without MFA');
        await enrollByApi();
        const sso = await ready(await render('contoso'));
        const ssoManager = await openManager(sso, t.manage);
        ($(ssoManager, 'input[value=required_all]') as HTMLInputElement).click();
        ($(ssoManager, '[role=switch]') as HTMLElement).click();
        await ssoManager.updateComplete;
        await expectReflow(sso, 'the dialog of an SSO account');
      });
    }
  });
});
