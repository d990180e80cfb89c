// Remind members without MFA: under a requiring policy, once a day per account; the
// list says when each member without MFA was last reminded.
import { expect, fixture, html } from '@open-wc/testing';
import {
  $,
  $$,
  api,
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
import { de } from '../strings-de.ts';
import './mfa-members.ts';
import type { MfaMembers } from './mfa-members.ts';

async function members(lang = 'en') {
  const el = await fixture<MfaMembers>(
    html`<mfa-members lang=${lang} account-id="acme" .strings=${lang === 'de' ? de : {}}></mfa-members>`,
  );
  await until(() => el.shadowRoot?.querySelector('table'));
  return el;
}

/** The status cell of a member's row. */
const status = (el: MfaMembers, name: string) =>
  (
    $$(el, 'tbody tr')
      .find((row) => row.querySelector('th')?.textContent?.trim() === name)
      ?.querySelectorAll('td')[3]?.textContent ?? ''
  )
    .replace(/\s+/g, ' ')
    .trim();

/** Ada (an administrator with MFA, verified) and Acme's policy: `body`. */
async function policy(body: Record<string, unknown>) {
  await login('ada');
  await enrollByApi();
  const saved = await setPolicyByApi('acme', body);
  expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
}

describe('<mfa-members>: Remind members without MFA', () => {
  beforeEach(async () => {
    await reset();
  });

  it('is not offered while MFA is optional', async () => {
    await login('ada');
    await enrollByApi();
    const el = await members();
    expect(text(el)).not.to.contain('Remind members without MFA');
  });

  it('reminds them, says how many, then waits a day with the time it may be sent again', async () => {
    await policy({ mode: 'required_all', enforceFrom: daysAhead(14).toISOString() });
    const el = await members();
    await expect(el).to.be.accessible();
    const live = liveLog(el);
    const remind = button(el, 'Remind members without MFA');
    expect(remind.disabled).to.equal(false);
    remind.focus();
    remind.click();
    await until(() => live.said.includes('Reminded 2 members'));
    await until(() => button(el, 'Remind members without MFA').disabled);
    const note = $(el, '#remind-note');
    expect(note.textContent).to.match(/^Next reminder possible .*\d{4}/);
    expect(button(el, 'Remind members without MFA').getAttribute('aria-describedby')).to.equal('remind-note');
    expect(focusIn(el)).to.equal('small#remind-note');
    await until(() => status(el, 'Max Member').includes('Last reminded'));
    expect(status(el, 'Sam Shared')).to.contain('Last reminded');
    expect(status(el, 'Ada Admin')).not.to.contain('Last reminded');
    await sleep(100);
    live.stop();
    expect(live.said.filter((s) => s === 'Reminded 2 members')).to.have.length(1);
    await expect(el).to.be.accessible();

    // The list loaded again (another visit) still waits.
    const again = await members();
    expect(button(again, 'Remind members without MFA').disabled).to.equal(true);
    expect($(again, '#remind-note').textContent).to.contain('Next reminder possible');
  });

  it('says so when another administrator reminded them meanwhile (429 reminder_limit)', async () => {
    await policy({ mode: 'required_all' });
    const el = await members();
    expect((await api('POST', '/accounts/acme/reminders', {})).status).to.equal(200);
    button(el, 'Remind members without MFA').click();
    await until(() => text(el).includes('Members of this account were reminded less than a day ago.'));
    expect(button(el, 'Remind members without MFA').disabled).to.equal(true);
    expect($(el, '#remind-note').textContent).to.contain('Next reminder possible');
    await expect(el).to.be.accessible();
  });

  it('says so when the policy became optional meanwhile (409 nothing_to_remind)', async () => {
    await policy({ mode: 'required_all' });
    const el = await members();
    expect((await setPolicyByApi('acme', { mode: 'optional' })).status).to.equal(200);
    button(el, 'Remind members without MFA').click();
    await until(() => text(el).includes('Nobody to remind: this account’s policy does not require MFA.'));
  });

  it('speaks German', async () => {
    await policy({ mode: 'required_all' });
    const el = await members('de');
    button(el, 'Mitglieder ohne MFA erinnern').click();
    await until(() => $(el, '[data-live]').textContent?.includes('2 Mitglieder erinnert'));
    await until(() => status(el, 'Max Member').includes('Zuletzt erinnert am'));
    expect($(el, '#remind-note').textContent).to.match(
      /^Nächste Erinnerung möglich am \d{2}\.\d{2}\.\d{4}, \d{2}:\d{2}/,
    );
    await expect(el).to.be.accessible();
  });
});
