// After a verification in place (an element's "Verify it is you" while the account wants this
// session's second factor), focus goes to what the verification brought, not the page (issue 26).
import { expect, fixture, html } from '@open-wc/testing';
import {
  $,
  $$,
  button,
  enrollByApi,
  login,
  reset,
  setPolicyByApi,
  totp,
  type,
  until,
} from '../test/helpers.ts';
import './mfa-audit-log/mfa-audit-log.ts';
import type { MfaAuditLog } from './mfa-audit-log/mfa-audit-log.ts';
import type { MfaChallenge } from './mfa-challenge/mfa-challenge.ts';

describe('verifying in place', () => {
  beforeEach(reset);

  it('moves focus to the heading of what the verification loaded', async () => {
    await login('ada');
    const { secret } = await enrollByApi();
    expect((await setPolicyByApi('acme', { mode: 'required_all' })).status).to.equal(200);
    await login('ada'); // a new session, not verified yet
    const el = await fixture<MfaAuditLog>(html`<mfa-audit-log account-id="acme"></mfa-audit-log>`);
    await until(() => $$(el, 'button').some((b) => b.textContent?.trim() === 'Verify it is you'));
    button(el, 'Verify it is you').click();
    const challenge = await until(() => el.shadowRoot?.querySelector<MfaChallenge>('mfa-challenge'));
    await until(() => challenge.shadowRoot?.querySelector('input'));
    await until(() => el.shadowRoot?.activeElement === challenge);
    type($(challenge, 'input'), await totp(secret, 1));
    button(challenge, 'Verify').click();
    await until(() => el.shadowRoot?.querySelector('ol'));
    await until(() => el.shadowRoot?.activeElement?.id === 'title');
    expect(document.activeElement).to.equal(el);
  });
});
