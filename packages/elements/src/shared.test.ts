import { ContextProvider } from '@lit/context';
import type { PolicyResponse } from '@mfakit/server-sdk';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import { $, button, enrollByApi, login, reset, text, totp, until } from '../test/helpers.ts';
import { MfaApiError, MfaClient } from './client.ts';
import { mfaClientContext } from './context.ts';
import type { MfaChallenge, MfaSettings } from './index.ts';
import { en, type MfaStrings } from './strings.ts';
import './index.ts';

describe('what all elements share', () => {
  beforeEach(async () => {
    await reset();
    await login('ada');
  });

  it('uses the client of a context provider above it instead of its own', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    new ContextProvider(host, { context: mfaClientContext, initialValue: new MfaClient('/mfa-broken') });
    const el = document.createElement('mfa-settings') as MfaSettings;
    el.accountId = 'acme';
    host.append(el);
    // Its own api-base (/mfa) would work; the provided client answers 503.
    await until(() => text(el).includes('temporarily unavailable'));
  });

  it('shows only the newest load: an answer for an account it has left is dropped, error and all', async () => {
    const held = new Map<string, { resolve: (p: PolicyResponse) => void; reject: (e: unknown) => void }>();
    class HeldClient extends MfaClient {
      override getPolicy(accountId: string) {
        return new Promise<PolicyResponse>((resolve, reject) => held.set(accountId, { resolve, reject }));
      }
    }
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    new ContextProvider(host, { context: mfaClientContext, initialValue: new HeldClient('/mfa') });
    const el = document.createElement('mfa-settings') as MfaSettings;
    let errors = 0;
    el.addEventListener('mfa-error', () => errors++);
    el.accountId = 'nope';
    host.append(el);
    await until(() => held.has('nope'));
    el.accountId = 'acme';
    await until(() => held.has('acme'));
    held.get('acme')?.resolve(await new MfaClient('/mfa').getPolicy('acme'));
    await until(() => text(el).includes('Manage'));
    held.get('nope')?.reject(new MfaApiError(403, 'not_member', 'not a member'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await el.updateComplete;
    expect(text(el)).to.contain('Manage');
    expect(errors).to.equal(0);
  });

  it('lets every string be replaced', async () => {
    const el = await fixture<MfaSettings>(
      html`<mfa-settings
        account-id="acme"
        .strings=${{ manage: 'Verwalten', modeLabels: { optional: 'Freiwillig' } }}
      ></mfa-settings>`,
    );
    await until(() => text(el).includes('Freiwillig'));
    expect(button(el, 'Verwalten')).to.exist;
    expect(text(el)).to.contain('Nobody is forced'); // strings not replaced keep their default
  });

  it('merges the strings once for each strings object, not on every read', async () => {
    const el = await fixture<MfaSettings>(html`<mfa-settings account-id="acme"></mfa-settings>`);
    await until(() => text(el).includes('Manage'));
    const t = () => (el as unknown as { t: MfaStrings }).t;
    const merged = t();
    expect(t()).to.equal(merged);
    el.requestUpdate();
    await el.updateComplete;
    expect(t()).to.equal(merged);

    el.strings = { manage: 'Verwalten' };
    const remerged = t();
    expect(remerged).not.to.equal(merged);
    expect(remerged.manage).to.equal('Verwalten');
    expect(remerged.save).to.equal(en.save);
    expect(t()).to.equal(remerged);
    await until(() => text(el).includes('Verwalten'));
    expect(t()).to.equal(remerged);
  });

  it('takes the host theme through --mfa-* custom properties and ::part', async () => {
    const el = await fixture<MfaSettings>(
      html`<mfa-settings account-id="acme" style="--mfa-accent: rgb(200, 0, 100)"></mfa-settings>`,
    );
    await until(() => el.shadowRoot?.querySelector('button.manage'));
    expect(getComputedStyle($(el, 'button.manage')).backgroundColor).to.equal('rgb(200, 0, 100)');
    expect($(el, 'button.manage').getAttribute('part')).to.equal('manage');
  });

  it('follows prefers-color-scheme, and theme="light" overrides it', async () => {
    await emulateMedia({ colorScheme: 'dark' });
    try {
      const auto = await fixture<MfaSettings>(html`<mfa-settings account-id="acme"></mfa-settings>`);
      await until(() => auto.shadowRoot?.querySelector('section'));
      expect(getComputedStyle(auto).color).to.equal('rgb(230, 237, 243)');
      const light = await fixture<MfaSettings>(
        html`<mfa-settings theme="light" account-id="acme"></mfa-settings>`,
      );
      expect(getComputedStyle(light).color).to.equal('rgb(27, 31, 36)');
      await until(() => light.shadowRoot?.querySelector('section'));
      await expect(auto).to.be.accessible();
    } finally {
      await emulateMedia({ colorScheme: 'light' });
    }
    const dark = await fixture<MfaSettings>(
      html`<mfa-settings theme="dark" account-id="acme"></mfa-settings>`,
    );
    expect(getComputedStyle(dark).color).to.equal('rgb(230, 237, 243)');
  });

  it('verifies with the keyboard alone', async () => {
    const { secret } = await enrollByApi();
    await login('ada');
    const el = await fixture<MfaChallenge>(html`<mfa-challenge></mfa-challenge>`);
    el.focus();
    const verified = oneEvent(el, 'mfa-verified');
    await sendKeys({ type: await totp(secret, 1) });
    await sendKeys({ press: 'Enter' });
    await verified;
  });
});
