// The rollout in the activity: a policy with a start date says it, and reminders
// say who reminded whom (or that the schedule did).
import { expect, fixture, html } from '@open-wc/testing';
import {
  $$,
  api,
  daysAhead,
  enrollByApi,
  login,
  medium,
  reset,
  sendReminders,
  setPolicyByApi,
  until,
} from '../../test/helpers.ts';
import { de } from '../strings-de.ts';
import './mfa-audit-log.ts';
import type { MfaAuditLog } from './mfa-audit-log.ts';

const sentences = (el: MfaAuditLog) =>
  $$(el, 'ol > li > span').map((s) => (s.textContent ?? '').replace(/\s+/g, ' ').trim());

async function log(lang = 'en') {
  const el = await fixture<MfaAuditLog>(
    html`<mfa-audit-log lang=${lang} account-id="acme" .strings=${lang === 'de' ? de : {}}></mfa-audit-log>`,
  );
  await until(() => el.shadowRoot?.querySelector('ol'));
  return el;
}

describe('<mfa-audit-log>: the rollout', () => {
  beforeEach(async () => {
    await reset();
    await login('ada');
    await enrollByApi();
  });

  it('says the start date of a new policy, and who reminded whom', async () => {
    const from = daysAhead(10);
    const saved = await setPolicyByApi('acme', { mode: 'required_all', enforceFrom: from.toISOString() });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    expect((await api('POST', '/accounts/acme/reminders', {})).status).to.equal(200);
    const el = await log();
    const said = sentences(el);
    expect(said).to.include(
      `Ada Admin changed the policy from Optional to Required for all users from ${medium(from)}`,
    );
    expect(said).to.include('Ada Admin reminded Max Member to set up MFA');
    expect(said).to.include('Ada Admin reminded Sam Shared to set up MFA');
    await expect(el).to.be.accessible();
  });

  it('says a scheduled reminder without an actor, and a start date changed on its own', async () => {
    const from = daysAhead(10);
    expect(
      (await setPolicyByApi('acme', { mode: 'required_all', enforceFrom: from.toISOString() })).status,
    ).to.equal(200);
    await sendReminders();
    const later = daysAhead(20);
    expect(
      (await setPolicyByApi('acme', { mode: 'required_all', enforceFrom: later.toISOString() })).status,
    ).to.equal(200);
    const el = await log();
    const said = sentences(el);
    expect(said).to.include('Max Member was reminded to set up MFA');
    expect(said[0]).to.equal(`Ada Admin changed the policy: enforced from ${medium(later)}`);
  });

  it('speaks German', async () => {
    const from = daysAhead(10);
    expect(
      (await setPolicyByApi('acme', { mode: 'required_all', enforceFrom: from.toISOString() })).status,
    ).to.equal(200);
    expect((await api('POST', '/accounts/acme/reminders', {})).status).to.equal(200);
    const el = await log('de');
    const said = sentences(el);
    expect(said).to.include(
      `Ada Admin hat die Richtlinie von „Optional“ auf „Pflicht für alle Benutzer“ ab ${medium(from, 'de')} geändert`,
    );
    expect(said).to.include('Ada Admin hat Max Member erinnert, MFA einzurichten');
    await until(() => sentences(el).length > 0);
  });
});
